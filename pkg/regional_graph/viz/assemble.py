"""One map assembled from the shared map data (:mod:`~regional_graph.viz.mapdata`): its nodes
and edges selected, merged nodes and aggregated ties added, positions (force-directed,
geographic, clustered or given), the node and edge dicts of the page, legend, filters, counts
and title block.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz.assemble import _assemble, _select, _Spec
>>> from regional_graph.viz.mapdata import _base
>>> G = rg.datasets.load_tiny()
>>> b = _base(G, "2024-06-30", include_personal=False, analyses=True)
>>> nodes, edges = _select(b, b.group("community", int(G.codes(["C1"])[0])), fine=True)
>>> G.ids[nodes].tolist()  # the community, its committees, units, partners, supply
['C1', 'PS1', 'PC1', 'PU1', 'PB1', 'O1', 'O3', 'O8', 'R1', 'Q1']
>>> m = _assemble(b, nodes, edges, _Spec(key="community_C1", kind="community",
...                                      title="东一社区", fine=True, layout="force",
...                                      filters_by=()))
>>> m.subtitle.split(" · ")[-2:]
['需关注：未覆盖 1、应建未建 1、休眠关系 3', '共 10 个节点']
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from .. import schema
from ..vocab import Lang, viz_text
from .layout import (
    auto_canvas,
    cluster_layout,
    force_layout,
    geo_layout,
    node_boxes,
    remove_overlaps,
    tree_layout,
)
from .mapdata import _TIE_RELS, _Base
from .networkmap import EDGE_STYLE, FLAG_BORDER, FLAG_LEGEND, FLAG_NAMES, STATUS_STYLE, NetworkMap

log = logging.getLogger("regional_graph.viz.maps")  # the maps' one logger, as before the split


#: Relationships through which a map pulls in nodes from outside its area.
_PARTNER_RELS = (*_TIE_RELS, "COVERED_BY", "HOSTED_BY", "OFFERS", "NEEDS", "ASSIGNED_TO")


@dataclass
class _Synth:
    """Synthetic nodes (merged buildings) and their edges to real nodes."""

    ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)  # real code each one hangs from
    edge_type: str = "PART_OF"


@dataclass
class _Groups:
    """Clusters of a map: group index per node (real nodes, then synthetic ones), names,
    the group kept in the centre, groups of fine detail and drill-down links by node."""

    of: np.ndarray
    names: list[str]
    centre: int | None = None
    fine: set[int] = field(default_factory=set)
    href: dict[int, str] = field(default_factory=dict)
    titles: list[str] | None = None


def _select(b: _Base, core: np.ndarray, *, fine: bool) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of a map (core + partners + partners' hosts) and its edges (positions)."""
    core = np.unique(core)
    if not fine:
        core = core[~b.fine[core]]
    inc = b.incident(core)
    tgt = b.e_tgt if fine else b.e_tgt_lift
    partner_edge = inc[np.isin(b.e_type[inc], _PARTNER_RELS)]
    others = np.concatenate([b.e_src[partner_edge], tgt[partner_edge]])
    others = others[b.style[others] != None]  # noqa: E711
    if not fine:
        others = others[~b.fine[others]]
    nodes = np.union1d(core, others)
    hosts = b.host[nodes]
    nodes = np.union1d(nodes, hosts[hosts >= 0])
    inc = b.incident(nodes)
    both = np.isin(b.e_src[inc], nodes) & np.isin(tgt[inc], nodes)
    edges = inc[both & (b.e_src[inc] != tgt[inc])]
    return nodes, edges


@dataclass
class _Spec:
    """How one map is assembled from the base: its identity, what is drawn and how laid out.

    ``synth``: merged nodes added; ``parent_index``: a tree layout; ``agg_edges``: weighted
    ``(from, to, count[, titles])`` edges between places; ``groups``: clusters; ``xy``,
    ``sizes``, ``labels``: given instead of computed; ``hide_fine``: grid and building
    detail hidden until the page's toggle shows it."""

    key: str
    kind: str
    title: str
    fine: bool
    layout: str
    filters_by: Sequence[str]
    extra_counts: Mapping[str, int] | None = None
    synth: _Synth | None = None
    area_id: str | None = None
    street_id: str | None = None
    parent_index: np.ndarray | None = None
    agg_edges: tuple[Any, ...] | None = None
    groups: _Groups | None = None
    hide_fine: bool = False
    xy: np.ndarray | None = None
    sizes: np.ndarray | None = None
    labels: np.ndarray | None = None


@dataclass
class _Drawn:
    """The nodes and edges of one map as parallel arrays (real nodes first, then merged
    ones; edges by position, then merged nodes' and aggregated edges)."""

    real: int  # number of real nodes
    n_id: np.ndarray
    fine: np.ndarray
    label: np.ndarray
    title: np.ndarray
    style: np.ndarray
    level: np.ndarray
    kind_zh: np.ndarray
    size: np.ndarray
    flags: np.ndarray
    comm: np.ndarray
    street: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    e_from: np.ndarray
    e_to: np.ndarray
    e_type: np.ndarray
    e_status: np.ndarray
    e_title: np.ndarray
    e_width: np.ndarray
    e_label: np.ndarray

    def add_nodes(self, **cols: Any) -> None:
        for name, values in cols.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))

    add_edges = add_nodes


def _assemble(b: _Base, nodes: np.ndarray, edges: np.ndarray, spec: _Spec) -> NetworkMap:
    d = _drawn(b, nodes, edges, spec)
    xy, centres, radii = _positions(d, spec)
    records, flag_lists = _node_records(b, d, xy, spec)
    regions = _regions(records, spec, centres, radii, b.t)
    _mark(records, spec, pd.notna(d.flags))
    legend, filters = _legend_and_filters(b, d, flag_lists, spec.filters_by)
    counts = _counts(d.style, d.level, flag_lists, d.e_type, d.e_status)
    counts.update(spec.extra_counts or {})
    counts["nodes"] = len(d.n_id)
    counts["edges"] = len(d.e_from)
    day = str(b.day)[:10]
    return NetworkMap(key=spec.key, kind=spec.kind, title=spec.title,
                      subtitle=_subtitle(day, counts, b.lang), nodes=records,
                      edges=_edge_records(d), legend=legend, filters=filters, counts=counts,
                      area_id=spec.area_id, street_id=spec.street_id, as_of=day,
                      regions=regions, label_side="right" if spec.kind == "org_chart"
                      else "below", lang=b.lang)


def _drawn(b: _Base, nodes: np.ndarray, edges: np.ndarray, spec: _Spec) -> _Drawn:
    """The arrays of a map: its real nodes and edges, merged nodes and aggregated edges."""
    k = len(nodes)
    local = pd.Series(np.arange(k), index=nodes)
    tgt_all = b.e_tgt if spec.fine else b.e_tgt_lift
    e_type = b.e_type[edges].astype(object)
    comm = b.area_name[np.maximum(b.community[nodes], 0)]
    street = b.area_name[np.maximum(b.street[nodes], 0)]
    d = _Drawn(
        real=k, n_id=b.G.ids.to_numpy(dtype=object)[nodes], fine=b.fine[nodes],
        label=b.label[nodes] if spec.labels is None else np.asarray(spec.labels, dtype=object),
        title=b.title[nodes], style=b.style[nodes], level=b.level[nodes],
        kind_zh=b.kind_zh[nodes],
        size=b.size[nodes] if spec.sizes is None else np.asarray(spec.sizes, dtype=float),
        flags=b.flags[nodes], comm=np.asarray(np.where(b.community[nodes] >= 0, comm, None)),
        street=np.asarray(np.where(b.street[nodes] >= 0, street, None)), lat=b.lat[nodes],
        lon=b.lon[nodes], e_from=local.reindex(b.e_src[edges]).to_numpy(dtype=np.int64),
        e_to=local.reindex(tgt_all[edges]).to_numpy(dtype=np.int64), e_type=e_type,
        e_status=b.e_status[edges].astype(object), e_title=b.e_title[edges].astype(object),
        e_width=np.array([EDGE_STYLE[t][1] for t in e_type], dtype=float),
        e_label=np.full(len(edges), None, dtype=object))
    if spec.synth is not None and spec.synth.ids:
        _add_synth(b, d, spec.synth, local)
    if spec.agg_edges is not None:
        _add_aggregated(b, d, spec.agg_edges, local)
    return d


def _add_synth(b: _Base, d: _Drawn, synth: _Synth, local: pd.Series) -> None:
    s = len(synth.ids)
    anchor = local.reindex(synth.anchors).to_numpy(dtype=np.int64)
    d.add_nodes(n_id=np.asarray(synth.ids, dtype=object), fine=np.ones(s, dtype=bool),
                label=np.asarray(synth.labels, dtype=object),
                title=np.asarray(synth.titles, dtype=object),
                style=np.asarray(synth.kinds, dtype=object),
                level=np.asarray(synth.kinds, dtype=object),
                kind_zh=[b.t(schema.NODE_STYLE[x][2]) for x in synth.kinds],
                size=np.full(s, 12.0), flags=np.full(s, None, dtype=object),
                comm=d.comm[anchor], street=d.street[anchor], lat=np.full(s, np.nan),
                lon=np.full(s, np.nan))
    st_ = synth.edge_type
    d.add_edges(e_from=d.real + np.arange(s), e_to=anchor,
                e_type=np.full(s, st_, dtype=object), e_status=np.full(s, "", dtype=object),
                e_title=np.full(s, b.t(EDGE_STYLE[st_][2]), dtype=object),
                e_width=np.full(s, EDGE_STYLE[st_][1]), e_label=np.full(s, None, dtype=object))


def _add_aggregated(b: _Base, d: _Drawn, agg_edges: tuple[Any, ...], local: pd.Series) -> None:
    a_from, a_to, a_count = agg_edges[:3]
    a_titles = agg_edges[3] if len(agg_edges) > 3 else [
        b.t("共建关系 {} 条（结对、兼职委员、联席会）").format(c) for c in a_count]
    m = len(a_count)
    d.add_edges(e_from=local.reindex(a_from).to_numpy(dtype=np.int64),
                e_to=local.reindex(a_to).to_numpy(dtype=np.int64),
                e_type=np.full(m, "TIES", dtype=object), e_status=np.full(m, "", dtype=object),
                e_title=np.asarray(list(a_titles), dtype=object),
                e_width=1.5 + 1.5 * np.log2(a_count),
                e_label=a_count.astype(str).astype(object))


def _positions(d: _Drawn, spec: _Spec
               ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Node positions, and the centres and radii of the groups when laid out by cluster."""
    total = len(d.n_id)
    if spec.xy is not None:
        return spec.xy, None, None
    if spec.parent_index is not None:
        # left to right: a wall screen is wide, and leaves stacked vertically keep their
        # (long) labels readable
        parent_index = spec.parent_index
        leaves = max(1, int(total - np.count_nonzero(np.isin(np.arange(total), parent_index))))
        depth = _depth(parent_index)
        xy = tree_layout(parent_index, width=max(1000.0, 40.0 * leaves),
                         height=max(1500.0, 420.0 * depth))[:, ::-1].copy()
        return xy, None, None
    hw, hh = node_boxes(d.size, cast(Any, d.label))
    if spec.groups is not None:
        start = _geo_start(spec.layout, d.lat, d.lon, d.e_from, d.e_to, d.e_type, total)
        return cluster_layout(total, d.e_from, d.e_to, spec.groups.of, hw, hh,
                              centre_group=spec.groups.centre, start=start)
    if spec.layout == "geo":
        xy = _geo_positions(d.lat, d.lon, d.e_from, d.e_to, d.e_type, total)
        return remove_overlaps(xy, hw, hh), None, None
    return remove_overlaps(force_layout(total, d.e_from, d.e_to, seed=0), hw, hh), None, None


def _node_records(b: _Base, d: _Drawn, xy: np.ndarray, spec: _Spec
                  ) -> tuple[list[dict[str, Any]], list[Any]]:
    """The node dicts of the page (flagged ones with a dashed black border) and each node's
    flag codes."""
    colours = np.array([schema.NODE_STYLE[s][0] for s in d.style], dtype=object)
    shapes = np.array([schema.NODE_STYLE[s][1] for s in d.style], dtype=object)
    flagged = pd.notna(d.flags)
    flag_lists = [f.split(",") if ok else None for f, ok in zip(d.flags, flagged, strict=True)]
    records = [
        {"id": i, "label": lab, "x": float(x), "y": float(y), "color": col, "shape": shp,
         "size": float(sz), "title": tt, "kind": st, "kind_zh": kz, "level": lv,
         "street": stn, "community": cm, "flag": fl}
        for i, lab, (x, y), col, shp, sz, tt, st, kz, lv, stn, cm, fl in zip(
            d.n_id, d.label, xy.tolist(), colours, shapes, d.size, d.title, d.style,
            d.kind_zh, d.level, d.street, d.comm, flag_lists, strict=True)
    ]
    n_fine = d.fine  # grid / building detail, merged buildings and building groups
    area_like = np.isin(d.style, ("district", "street", "community"))
    committee = np.isin(d.level, ("street_committee", "community_committee",
                                  "district_committee"))
    prio = d.size + 60.0 * area_like + 30.0 * committee + 15.0 * flagged - 20.0 * n_fine
    for i, rec in enumerate(records):
        rec["prio"] = float(prio[i])
        if spec.hide_fine and n_fine[i]:
            rec["fine"] = True
    return records, flag_lists


def _mark(records: list[dict[str, Any]], spec: _Spec, flagged: np.ndarray) -> None:
    """Drill-down links, and the dashed black border of flagged nodes."""
    if spec.groups is not None and spec.groups.href:
        for i, h in spec.groups.href.items():
            records[i]["href"] = h
    for i in np.flatnonzero(flagged).tolist():
        rec = records[i]
        rec["color"] = {"background": rec["color"], "border": FLAG_BORDER,
                        "highlight": {"background": rec["color"], "border": FLAG_BORDER}}
        size = float(rec["size"])
        # dashes in proportion to the node (about four round it), so they stay visible at
        # any zoom: fixed canvas lengths shrink into a solid ring when the map is zoomed out
        rec["vis"] = {"borderWidth": 4 if size >= 16 else 2.5,
                      "shapeProperties": {"borderDashes": [round(0.9 * size, 1),
                                                           round(0.7 * size, 1)]}}


def _regions(records: list[dict[str, Any]], spec: _Spec, centres: np.ndarray | None,
             radii: np.ndarray | None, t: Any) -> list[dict[str, Any]]:
    """The clusters drawn under the nodes (and each member's ``region`` index)."""
    groups = spec.groups
    regions: list[dict[str, Any]] = []
    if groups is None or centres is None or radii is None:
        return regions
    for g, name in enumerate(groups.names):
        members = np.flatnonzero(groups.of == g)
        if not len(members) or (g == groups.centre and not name):
            continue
        rname = groups.titles[g] if groups.titles else t("{}（{}）").format(name, len(members))
        reg = {"x": float(centres[g, 0]), "y": float(centres[g, 1]), "r": float(radii[g]),
               "name": rname}
        if g in groups.fine:
            reg["fine"] = True
        for j in members.tolist():
            records[j]["region"] = len(regions)
        regions.append(reg)
    return regions


def _edge_records(d: _Drawn) -> list[dict[str, Any]]:
    e_colour = np.array([EDGE_STYLE[t][0] for t in d.e_type], dtype=object)
    e_dash: list[Any] = [False] * len(d.e_type)
    for st_name, (colour, dashes, _) in STATUS_STYLE.items():
        hit = np.flatnonzero(d.e_status == st_name)
        e_colour[hit] = colour
        for j in hit.tolist():
            e_dash[j] = dashes
    return [
        {"from": d.n_id[a], "to": d.n_id[c], "color": col, "width": float(w), "title": tt,
         "dashes": dash, "type": t, "status": s or None, **({"label": lb} if lb else {})}
        for a, c, col, w, tt, dash, t, s, lb in zip(
            d.e_from, d.e_to, e_colour, d.e_width, d.e_title, e_dash, d.e_type, d.e_status,
            d.e_label, strict=True)
    ]


def _legend_and_filters(b: _Base, d: _Drawn, flag_lists: list[Any], filters_by: Sequence[str]
                        ) -> tuple[list[tuple[str, str, str]], dict[str, list[tuple[str, str]]]]:
    """The legend entries (node kinds, edge types and states present, the flag mark) and
    the filter options of a map."""
    t = b.t
    present = set(d.style.tolist())
    legend = [(t(v[2]), v[0], v[1]) for k_, v in schema.NODE_STYLE.items() if k_ in present]
    types_present = set(d.e_type.tolist())
    legend += [(t(v[2]), v[0], "line") for k_, v in EDGE_STYLE.items() if k_ in types_present]
    statuses = set(d.e_status.tolist())
    legend += [(t(v[2]), v[0], "dashes") for k_, v in STATUS_STYLE.items() if k_ in statuses]
    if any(f is not None for f in flag_lists):
        legend.append(_flag_legend(b.lang))
    filters: dict[str, list[tuple[str, str]]] = {
        "kind": [(k_, t(v[2])) for k_, v in schema.NODE_STYLE.items() if k_ in present]}
    for fld, values in (("street", d.street), ("community", d.comm)):
        if fld in filters_by:
            opts = sorted({v for v in values if v is not None})
            if len(opts) > 1:
                filters[fld] = [(v, v) for v in opts]
    present_flags = {f for fl in flag_lists if fl for f in fl}
    if present_flags:
        filters["flag"] = [(f, t(v)) for f, v in FLAG_NAMES.items() if f in present_flags]
    return legend, filters


def _depth(parent: np.ndarray) -> int:
    parent = np.asarray(parent, dtype=np.int64)
    depth = np.zeros(len(parent), dtype=np.int64)
    cur = parent.copy()
    for _ in range(32):
        on = cur >= 0
        if not on.any():
            break
        depth[on] += 1
        cur = np.where(on, parent[np.maximum(cur, 0)], -1)
    return int(depth.max()) + 1 if len(depth) else 1


def _counts(style: np.ndarray, level: np.ndarray, flags: list[Any], e_type: np.ndarray,
            e_status: np.ndarray) -> dict[str, int]:
    st = np.asarray(style, dtype=object)
    flat = [f for fl in flags if fl for f in fl]
    live = e_status != "expired"
    return {
        "organizations": int(np.isin(st, ("resident_unit", "enterprise", "social_org",
                                          "other_org")).sum()),
        "resident_units": int((st == "resident_unit").sum()),
        "two_new": int(np.isin(st, schema.TWO_NEW_KINDS).sum()),
        "party_orgs": int((st == "party_org").sum()),
        "ties": int((np.isin(e_type, _TIE_RELS) & live).sum()),
        "resources": int((st == "resource").sum()),
        "demands": int((st == "demand").sum()),
        **{f: flat.count(f) for f in FLAG_NAMES},
        "expired": int((e_status == "expired").sum()),
        "dormant": int((e_status == "dormant").sum()),
        "expiring": int((e_status == "expiring").sum()),
    }


def _flag_legend(lang: Lang) -> tuple[str, str, str]:
    return (viz_text(FLAG_LEGEND[0], lang), FLAG_LEGEND[1], FLAG_LEGEND[2])


def _subtitle(day: str, c: Mapping[str, int], lang: Lang = "zh") -> str:
    def t(zh: str) -> str:
        return viz_text(zh, lang)

    parts = [t("数据日期 {}").format(day),
             t("单位 {} 个（驻区单位 {}、两新组织 {}）").format(
                 c["organizations"], c["resident_units"], c["two_new"]),
             t("党组织 {} 个").format(c["party_orgs"]), t("共建关系 {} 条").format(c["ties"]),
             t("资源 {} 项").format(c["resources"]), t("需求 {} 项").format(c["demands"])]
    if c.get("reported") is not None:
        parts.append(t("在职党员报到 {} 人").format(c["reported"]))
    alerts = [f"{t(FLAG_NAMES[f])} {c[f]}" for f in FLAG_NAMES if c.get(f)]
    alerts += [f"{t(STATUS_STYLE[s][2].split('（')[0])} {c[s]}" for s in STATUS_STYLE
               if c.get(s)]
    if alerts:
        parts.append(t("需关注：") + t("、").join(alerts))
    parts.append(t("共 {} 个节点").format(c["nodes"]))
    return " · ".join(parts)


def _geo_start(layout: str, lat: np.ndarray, lon: np.ndarray, e_from: np.ndarray,
               e_to: np.ndarray, e_type: np.ndarray, n: int) -> np.ndarray | None:
    """The geographic positions a clustered ``"geo"`` map starts from (None: the force
    layout, also when no node on the map has coordinates)."""
    if layout != "geo" or not (np.isfinite(lat) & np.isfinite(lon)).any():
        return None
    return _geo_positions(lat, lon, e_from, e_to, e_type, n)


def _geo_positions(lat: np.ndarray, lon: np.ndarray, e_from: np.ndarray, e_to: np.ndarray,
                   e_type: np.ndarray, n: int) -> np.ndarray:
    """Projected positions for nodes with lat/lon; every other node near its anchor (the
    area it is located in, its host, provider, requester or parent), or at the centroid of
    the nodes anchored to it."""
    known = np.isfinite(lat) & np.isfinite(lon)
    if not known.any():
        log.info("geo layout: no coordinates on this map; using the force layout")
        return force_layout(n, e_from, e_to, seed=0)
    w, h = auto_canvas(n)
    xy = np.zeros((n, 2))
    xy[known] = geo_layout(lat[known], lon[known], width=w, height=h)
    # anchor: the target of LOCATED_IN/PART_OF/HOSTED_BY/LEADS/SUBORDINATE_TO/COVERED_BY,
    # the source of OFFERS/NEEDS (a resource hangs from its provider)
    anchor = np.full(n, -1, dtype=np.int64)
    for types, child_is_src in (
        (("OFFERS", "NEEDS"), False),
        (("SUBORDINATE_TO", "COVERED_BY"), True),
        (("LEADS",), True),
        (("HOSTED_BY", "PART_OF", "LOCATED_IN"), True),
    ):
        m = np.isin(e_type, types)
        child = (e_from if child_is_src else e_to)[m]
        par = (e_to if child_is_src else e_from)[m]
        anchor[child] = par
    has = known.copy()
    for _ in range(6):  # centroid of known children (a grid or community from its units)
        kids = np.flatnonzero(has & (anchor >= 0) & ~has[np.maximum(anchor, 0)])
        if not len(kids):
            break
        sums = np.zeros((n, 2))
        cnt = np.zeros(n)
        np.add.at(sums, anchor[kids], xy[kids])
        np.add.at(cnt, anchor[kids], 1)
        new = cnt > 0
        xy[new] = sums[new] / cnt[new, None]
        has |= new
    golden = np.pi * (3 - np.sqrt(5))
    for _ in range(8):  # spiral around the anchor
        todo = np.flatnonzero(~has & (anchor >= 0) & has[np.maximum(anchor, 0)])
        if not len(todo):
            break
        a = anchor[todo]
        order = np.lexsort((todo, a))
        rank = np.zeros(len(todo))
        sa = a[order]
        first = np.r_[True, sa[1:] != sa[:-1]]
        grp_start = np.maximum.accumulate(np.where(first, np.arange(len(sa)), 0))
        rank[order] = np.arange(len(sa)) - grp_start
        r = 40.0 * np.sqrt(rank + 1)
        ang = rank * golden
        xy[todo] = xy[a] + np.column_stack([r * np.cos(ang), r * np.sin(ang)])
        has[todo] = True
    rest = np.flatnonzero(~has)
    if len(rest):
        centre = xy[has].mean(axis=0)
        k = np.arange(len(rest))
        r = 60.0 * np.sqrt(k + 1)
        xy[rest] = centre + np.column_stack([r * np.cos(k * golden), r * np.sin(k * golden)])
    return xy
