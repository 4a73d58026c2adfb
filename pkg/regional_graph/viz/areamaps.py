"""The maps of an area: :func:`community_map`, :func:`street_map` and
:func:`district_overview`, each the area's nodes and their partners laid out in clusters
(kinds of node, communities, streets).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..graph import DateLike, RegionalGraph
from ..schema import Label
from ..vocab import Lang
from .assemble import _assemble, _counts, _flag_legend, _Groups, _select, _Spec, _subtitle, _Synth
from .headline import apply_headline
from .mapdata import _KEY, _Base, _base
from .maptext import _safe_name
from .networkmap import Layout, NetworkMap


def _area_code(G: RegionalGraph, area_id: str, level: str) -> int:
    """The node code of area ``area_id``, which must be a ``level`` (the error names the
    parameter ``{level}_id``)."""
    code = _area_codes(G).get(str(area_id), -1)
    arng = G.label_range(Label.AREA)
    if code < arng.start or code >= arng.stop:
        raise KeyError(f"`{level}_id` {area_id!r} is not an area of this graph")
    actual = G.area_levels()[code]
    if actual != level:
        raise ValueError(f"`{level}_id` {area_id!r} is a {actual}, expected a {level}")
    return code


def _area_codes(G: RegionalGraph) -> dict[str, int]:
    """Area id → node code, built once per graph: ``G.codes`` hashes every id of the graph
    on each call (0.1 s at city scale, once per map of 1,400)."""
    def compute() -> dict[str, int]:
        arng = G.label_range(Label.AREA)
        return {str(i): arng.start + k for k, i in enumerate(G.ids[arng].tolist())}

    return G.memo((_KEY, "area_codes"), compute)


def _check_layout(layout: str) -> None:
    if layout not in ("force", "geo"):
        raise ValueError(f"`layout` must be 'force' or 'geo', got {layout!r}")


def _community_synth(b: _Base, nodes: np.ndarray, collapse: int) -> tuple[np.ndarray, _Synth]:
    """Merge the buildings (and building groups) of each grid into one node when many."""
    synth = _Synth()
    lv = b.level[nodes]
    is_bldg = (b.style[nodes] == "building")
    is_group = lv == "building_group"
    if int(is_bldg.sum()) <= collapse:
        return nodes, synth
    parent = b.G.parent_codes()
    ids = b.G.ids.to_numpy(dtype=object)
    bl = nodes[is_bldg]
    grp = nodes[is_group]
    grid_of_b = parent[bl]
    grid_of_g = b.place[grp]  # a building group leads a building
    grid_of_g = np.where(grid_of_g >= 0, parent[np.maximum(grid_of_g, 0)], -1)
    for grid in np.unique(grid_of_b):
        nb = int((grid_of_b == grid).sum())
        ng = int((grid_of_g == grid).sum())
        synth.ids.append(f"~楼栋@{ids[grid]}")
        synth.labels.append(b.t("楼栋 {} 个").format(nb))
        synth.titles.append(b.t("{}：楼栋 {} 个、楼栋党小组 {} 个（合并显示）").format(
            b.label[grid], nb, ng))
        synth.kinds.append("building")
        synth.anchors.append(int(grid))
    return nodes[~(is_bldg | is_group)], synth


def community_map(
    G: RegionalGraph,
    community_id: str,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    analyses: bool = True,
    include_personal: bool = False,
    collapse_buildings: int = 40,
    matching: Any = None,
    lang: Lang = "zh",
) -> NetworkMap:
    """The resource network map (资联网地图) of one community.

    Parameters
    ----------
    G
        The graph.
    community_id
        Id of a community Area.
    as_of
        Data date: links are live, expired, dormant or expiring as of this day (default today).
    layout
        ``"force"`` (deterministic force-directed) or ``"geo"`` (organisations with lat/lon
        at their projected position, everything else near its community, host or parent).
    analyses
        Mark uncovered / should-build organisations, isolated units, unpaired communities,
        unmet demands and expired / dormant / expiring ties, with reasons in the tooltips.
    include_personal
        Also show free text, extra columns and member names (logs a warning).
    collapse_buildings
        Above this many buildings, the buildings of each grid become one node.
    matching
        Optional matching result (DataFrame indexed by demand id with a ``served`` column,
        or an object with such ``.demands``) for the unmet-demand marks.
    lang
        ``"zh"`` (default) or ``"en"``: the language of every fixed text (titles, legend,
        tooltips, headline, buttons); names stay as the data has them.

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> maps.community_map(G, "C1", as_of="2024-06-30").title
    '东一社区区域化党建资源网络图'
    >>> maps.community_map(G, "C1", as_of="2024-06-30", lang="en").title
    '东一社区: regional Party-building resource network'
    """
    _check_layout(layout)
    code = _area_code(G, community_id, "community")
    b = _base(G, as_of, include_personal, analyses, matching, lang)
    nodes, edges = _select(b, b.group("community", code), fine=True)
    nodes, synth = _community_synth(b, nodes, collapse_buildings)
    if synth.ids:
        _, edges = _select_edges(b, nodes, edges)
    street = int(b.street[code])
    groups = _kind_groups(b, nodes, len(synth.ids), code)
    return apply_headline(_assemble(b, nodes, edges, _Spec(
        key=f"community_{_safe_name(community_id)}", kind="community",
        title=b.t("{}区域化党建资源网络图").format(b.area_name[code]),
        extra_counts={"reported": int(b.reported[code])}, fine=True, layout=layout,
        filters_by=("street",), synth=synth, area_id=community_id,
        street_id=str(G.ids[street]) if street >= 0 else None, groups=groups, hide_fine=True,
    )), G, matching=matching)


#: Groups of a community map, in drawing order: the resource network first.
_KIND_GROUPS = ("", "驻区单位", "两新组织", "其他单位", "资源", "需求", "外部共建方",
                "网格与楼栋")


def _kind_groups(b: _Base, nodes: np.ndarray, n_synth: int, code: int) -> _Groups:
    """Community map clusters: the community and its committee in the centre, then resident
    units, two-new organisations (each with their Party orgs), resources, demands, partners
    from elsewhere, and the grid / building detail (hidden until asked for)."""
    style = b.style[nodes]
    host_style = np.where(b.host[nodes] >= 0, b.style[np.maximum(b.host[nodes], 0)], None)
    sty = np.where((style == "party_org") & (host_style != None), host_style, style)  # noqa: E711
    g = np.full(len(nodes), 3, dtype=np.int64)  # other units
    g[sty == "resident_unit"] = 1
    g[np.isin(sty, schema.TWO_NEW_KINDS)] = 2
    g[sty == "resource"] = 4
    g[sty == "demand"] = 5
    outside = (b.community[nodes] != code) & ~np.isin(sty, ("resource", "demand"))
    g[outside] = 6
    centre = (nodes == code) | ((style == "party_org") & (b.place[nodes] == code)
                                & ~b.fine[nodes])
    g[centre] = 0
    g[b.fine[nodes]] = 7
    of = np.concatenate([g, np.full(n_synth, 7, dtype=np.int64)])
    return _Groups(of=of, names=[b.t(x) if x else x for x in _KIND_GROUPS], centre=0,
                   fine={7})


def _select_edges(b: _Base, nodes: np.ndarray, edges: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isin(b.e_src[edges], nodes) & np.isin(b.e_tgt[edges], nodes)
    return nodes, edges[keep]


def street_map(
    G: RegionalGraph,
    street_id: str,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    analyses: bool = True,
    include_personal: bool = False,
    matching: Any = None,
    lang: Lang = "zh",
) -> NetworkMap:
    """The network map of one street: communities, committees, organisations, their ties,
    coverage, resources and demands (grids and buildings left out).

    Parameters are those of :func:`community_map`.

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> m = maps.street_map(G, "S1", as_of="2024-06-30")
    >>> sorted({n["kind"] for n in m.nodes})[:4]
    ['community', 'demand', 'enterprise', 'party_org']
    """
    _check_layout(layout)
    code = _area_code(G, street_id, "street")
    b = _base(G, as_of, include_personal, analyses, matching, lang)
    nodes, edges = _select(b, b.group("street", code), fine=False)
    return apply_headline(_assemble(b, nodes, edges, _Spec(
        key=f"street_{_safe_name(street_id)}", kind="street",
        title=b.t("{}区域化党建资源网络图").format(b.area_name[code]),
        extra_counts={"reported": int(b.reported[code])}, fine=False, layout=layout,
        filters_by=("community",), area_id=street_id, street_id=street_id,
        groups=_community_groups(b, nodes, code),
    )), G, matching=matching)


def _community_groups(b: _Base, nodes: np.ndarray, street: int) -> _Groups:
    """Street map clusters: one per community (its name on the region), the street's own
    nodes in the centre, partners from other streets together; communities link to their
    maps."""
    comm = b.community[nodes]
    own = b.street[nodes] == street
    codes = np.unique(comm[own & (comm >= 0)])
    names = ["", *(str(b.area_name[c]) for c in codes), b.t("其他街道")]
    g = np.zeros(len(nodes), dtype=np.int64)
    inside = own & (comm >= 0)
    g[inside] = 1 + np.searchsorted(codes, comm[inside])
    g[~own] = len(names) - 1
    ids = b.G.ids.to_numpy(dtype=object)
    href = {int(i): f"community_{_safe_name(str(ids[c]))}.html"
            for i, c in enumerate(nodes) if b.style[c] == "community" and own[i]}
    return _Groups(of=g, names=names, centre=0, href=href)


def district_overview(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    analyses: bool = True,
    include_personal: bool = False,
    aggregate: bool | None = None,
    max_nodes: int = 400,
    max_communities: int = 160,
    matching: Any = None,
    lang: Lang = "zh",
) -> NetworkMap:
    """The whole district (or every district of the graph) on one map.

    Parameters
    ----------
    aggregate
        Draw a picture, not a blob: the streets, each with its communities around it in its
        own region, sized by their organisations, with the attention count on each street;
        the ties between places (pairs, part-time seats, conference membership, coverage
        across areas) aggregated into one weighted edge per pair of places (tooltip: the
        count per kind). Every node opens its street or community map on double click.
        ``None`` (default) aggregates when the detailed map would have more than
        ``max_nodes`` nodes.
    max_nodes
        Threshold for ``aggregate=None``.
    max_communities
        Above this many communities only the streets are drawn.
    G, as_of, layout, analyses, include_personal, matching, lang
        As for :func:`community_map`.

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> m = maps.district_overview(G, as_of=rg.datasets.REFERENCE_DATE, aggregate=True)
    >>> sorted({n["kind"] for n in m.nodes})
    ['community', 'street']
    """
    _check_layout(layout)
    b = _base(G, as_of, include_personal, analyses, matching, lang)
    drawable = np.flatnonzero((b.style != None) & ~b.fine)  # noqa: E711
    districts = np.flatnonzero(b.level[G.label_range(Label.AREA)] == "district") \
        + G.label_range(Label.AREA).start
    name = b.t("、").join(str(b.area_name[d]) for d in districts[:3]) or (G.name or b.t("全区"))
    reported = int(b.reported[districts].sum()) if len(districts) else 0
    if aggregate is None:
        aggregate = len(drawable) > max_nodes
    if not aggregate:
        nodes = drawable
        inc = b.incident(nodes)
        keep = (b.e_src[inc] != b.e_tgt_lift[inc]) & ~b.fine[b.e_src[inc]] \
            & ~b.fine[b.e_tgt_lift[inc]]
        return apply_headline(_assemble(b, nodes, inc[keep], _Spec(
            key="district", kind="district", title=b.t("{}区域化党建资源网络总览图").format(name),
            extra_counts={"reported": reported}, fine=False, layout=layout,
            filters_by=("street",))), G, matching=matching)
    arng = G.label_range(Label.AREA)
    lv = b.level[arng]
    streets = np.flatnonzero(lv == "street") + arng.start
    comms = np.flatnonzero(lv == "community") + arng.start
    with_comms = len(comms) <= max_communities
    nodes = np.concatenate([streets, comms]) if with_comms else streets
    agg, titles = _aggregate_ties(b, with_comms)
    ids = G.ids.to_numpy(dtype=object)
    flagged = pd.notna(b.flags) & (b.style != None)  # noqa: E711
    attention = np.bincount(b.street[flagged & (b.street >= 0)], minlength=len(b.style))
    attention_c = np.bincount(b.community[flagged & (b.community >= 0)],
                              minlength=len(b.style))
    orgs = np.isin(b.style, ("resident_unit", "enterprise", "social_org", "other_org"))
    n_orgs = np.bincount(np.where(orgs & (b.street >= 0), b.street, len(b.style)),
                         minlength=len(b.style) + 1)
    n_orgs += np.bincount(np.where(orgs & (b.community >= 0), b.community, len(b.style)),
                          minlength=len(b.style) + 1)
    is_street = b.style[nodes] == "street"
    k_orgs = n_orgs[nodes].astype(float)
    att = np.where(is_street, attention[nodes], attention_c[nodes])
    # sizes by organisations (area ∝ count), relative to the largest of their kind
    top_s = max(1.0, float(k_orgs[is_street].max())) if is_street.any() else 1.0
    top_c = max(1.0, float(k_orgs[~is_street].max())) if (~is_street).any() else 1.0
    sizes = np.where(is_street, 18.0 + 22.0 * np.sqrt(k_orgs / top_s),
                     9.0 + 13.0 * np.sqrt(k_orgs / top_c))
    labels = b.label[nodes].copy()
    href = {i: f"{'street' if s_ else 'community'}_{_safe_name(str(ids[c]))}.html"
            for i, (c, s_) in enumerate(zip(nodes, is_street, strict=True))}
    groups, labels = _overview_groups(G, b, nodes, streets, with_comms, n_orgs, attention,
                                      att, href, labels)
    m = _assemble(b, nodes, np.zeros(0, dtype=np.int64), _Spec(
        key="district", kind="district", title=b.t("{}区域化党建资源网络总览图").format(name),
        extra_counts={"reported": reported}, fine=False, layout="force",
        filters_by=("street",), agg_edges=(*agg, titles) if len(agg[0]) else None,
        groups=groups, sizes=sizes, labels=labels))
    _overview_finish(m, b, nodes, drawable, n_orgs, att, is_street & with_comms)
    return apply_headline(m, G, matching=matching)


def _overview_groups(G: RegionalGraph, b: _Base, nodes: np.ndarray, streets: np.ndarray,
                     with_comms: bool, n_orgs: np.ndarray, attention: np.ndarray,
                     att: np.ndarray, href: dict[int, str], labels: np.ndarray
                     ) -> tuple[_Groups, np.ndarray]:
    """The overview's regions: a street with its communities around it, or (streets only)
    a district with its streets, each street labelled with its attention count."""
    if with_comms:
        of = np.where(np.isin(b.street[nodes], streets),
                      np.searchsorted(streets, b.street[nodes]), len(streets))
        titles_ = [b.t("{}（单位 {} · 需关注 {}）").format(b.area_name[c], int(n_orgs[c]),
                                                         int(attention[c])) for c in streets]
        return _Groups(of=of, names=[str(b.area_name[c]) for c in streets] + [b.t("其他")],
                       titles=[*titles_, b.t("其他")], href=href), labels
    labels = np.asarray([b.t("{}（需关注 {}）").format(b.area_name[c], int(a))
                         for c, a in zip(nodes, att, strict=True)], dtype=object)
    dist = np.array([G.ancestor_at(np.asarray([c]), "district")[0] for c in nodes])
    codes = np.unique(dist)
    of = np.searchsorted(codes, dist)
    titles_ = [b.t("{}（街道 {} 个）").format(b.area_name[d] if d >= 0 else b.t("其他"),
                                           int((dist == d).sum())) for d in codes]
    return _Groups(of=of, names=titles_, titles=titles_, href=href), labels


def _overview_finish(m: NetworkMap, b: _Base, nodes: np.ndarray, drawable: np.ndarray,
                     n_orgs: np.ndarray, att: np.ndarray, unlabelled: np.ndarray) -> None:
    """Attention counts and a link on each node of the overview; the counts of the title
    block are those of the whole district, not of the nodes drawn."""
    for rec, c, a, quiet in zip(m.nodes, nodes, att, unlabelled, strict=True):
        if quiet:  # a street with its communities: the region's name says it all
            rec["nolabel"] = True
        rec["title"] = (f"{rec['title']}\n"
                        + b.t("单位 {} 个 · 需关注 {} 个").format(int(n_orgs[c]), int(a))
                        + "\n" + b.t("双击打开详图"))
        rec.pop("vis", None)  # attention is counted, not marked node by node
        if isinstance(rec["color"], dict):
            rec["color"] = rec["color"]["background"]
    m.legend = [e for e in m.legend if e != _flag_legend(b.lang)]
    whole = _counts(b.style[drawable], b.level[drawable],
                    [f.split(",") if isinstance(f, str) else None for f in b.flags[drawable]],
                    b.e_type[b.e_live_tie], b.e_status[b.e_live_tie])
    m.counts.update({k: v for k, v in whole.items() if k not in ("expired",)})
    m.subtitle = _subtitle(m.as_of, m.counts, b.lang)


#: Ties aggregated on the district overview, with their names in the tooltip.
_AGG_RELS = {"PAIRED_WITH": "结对共建", "SITS_ON": "兼职委员", "CONFERENCE_MEMBER": "联席会",
             "COVERED_BY": "跨区域党组织覆盖"}


def _aggregate_ties(b: _Base, communities: bool
                    ) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], list[str]]:
    """Live ties between places (community or street), one weighted edge per pair of places:
    ``(from, to, count)`` codes and a tooltip with the count per kind."""
    live = b.e_status != "expired"
    keep = np.isin(b.e_type, list(_AGG_RELS)) & live
    where = np.where(b.community >= 0, b.community, b.street) if communities else b.street
    ps, pt = where[b.e_src[keep]], where[b.e_tgt[keep]]
    types = b.e_type[keep]
    ok = (ps >= 0) & (pt >= 0) & (ps != pt)
    if not ok.any():
        return (np.zeros(0, np.int64),) * 3, []
    frame = pd.DataFrame({"a": np.minimum(ps[ok], pt[ok]), "b": np.maximum(ps[ok], pt[ok]),
                          "t": types[ok]})
    table = frame.groupby(["a", "b", "t"]).size().unstack("t", fill_value=0)
    total = table.sum(axis=1).to_numpy()
    titles = [b.t("、").join(b.t(_AGG_RELS[t] + " {}").format(int(row[t])) for t in _AGG_RELS
                           if t in row.index and row[t]) for _, row in table.iterrows()]
    titles = [b.t("跨区域联系 {} 条：{}").format(int(c), t)
              for c, t in zip(total, titles, strict=True)]
    a = table.index.get_level_values("a").to_numpy(dtype=np.int64)
    bb = table.index.get_level_values("b").to_numpy(dtype=np.int64)
    return (a, bb, total.astype(np.int64)), titles
