"""The Party organisation chart of a street (组织架构图, :func:`org_chart`): one column per
committee with its part-time member and conference units (大工委、大党委) and its grid
branches under it, long columns wrapped into bands.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..graph import DateLike, RegionalGraph
from ..schema import Label
from ..vocab import Lang
from .areamaps import _area_code
from .assemble import _assemble, _Spec, _Synth
from .headline import apply_headline
from .layout import label_width
from .mapdata import _Base, _base
from .maptext import _safe_name
from .networkmap import NetworkMap

#: The Party org levels an org chart shows, top down.
_ORG_CHART_LEVELS = ("street_committee", "community_committee", "grid_branch",
                     "building_group")


def org_chart(
    G: RegionalGraph,
    street_id: str,
    *,
    as_of: DateLike = None,
    include_personal: bool = False,
    collapse_buildings: int = 40,
    analyses: bool = True,
    matching: Any = None,
    lang: Lang = "zh",
) -> NetworkMap:
    """The Party organisation chart of a street (组织架构图): street committee → community
    committees → grid branches → building groups, in a top-down tree layout.

    Parameters
    ----------
    G
        The graph.
    street_id
        Id of a street Area.
    as_of
        Data date shown in the title block.
    include_personal
        Also show extra columns and member lists (logs a warning).
    collapse_buildings
        Above this many building groups, those of each grid branch become one node.
    analyses, matching
        Only to share the precomputed map data with the other maps (a chart shows no marks).
    lang
        As for :func:`community_map`.

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> chart = maps.org_chart(G, "S01")
    >>> chart.nodes[0]["level"]
    'street_committee'
    """
    code = _area_code(G, street_id, "street")
    b = _base(G, as_of, include_personal, analyses, matching, lang)
    cand = b.group("street", code)
    cand = cand[np.isin(b.level[cand], _ORG_CHART_LEVELS) & (b.style[cand] == "party_org")]
    rank = pd.Series(b.level[cand]).map({lv: i for i, lv in enumerate(_ORG_CHART_LEVELS)})
    cand = cand[np.lexsort((cand, rank.to_numpy()))]
    parent = G.parent_codes()
    synth = _Synth(edge_type="SUBORDINATE_TO")
    groups = cand[b.level[cand] == "building_group"]
    if len(groups) > collapse_buildings:
        cand = cand[b.level[cand] != "building_group"]
        ids = G.ids.to_numpy(dtype=object)
        par = parent[groups]
        order = np.argsort(par, kind="stable")
        sp_, sg = par[order], groups[order]
        for p in np.unique(par[np.isin(par, cand)]):
            lo, hi = np.searchsorted(sp_, [p, p + 1])
            k = int(hi - lo)
            synth.ids.append(f"~楼栋党小组@{ids[p]}")
            synth.labels.append(b.t("楼栋党小组 {}").format(k))
            synth.titles.append(b.t("{}：楼栋党小组 {} 个（合并显示）").format(b.label[p], k)
                                + "\n" + b.t("、").join(str(x) for x in b.label[sg[lo:hi]]))
            synth.kinds.append("party_org")
            synth.anchors.append(int(p))
    inc = b.incident(cand)
    edges = inc[(b.e_type[inc] == "SUBORDINATE_TO") & np.isin(b.e_src[inc], cand)
                & np.isin(b.e_tgt[inc], cand)]
    # the 大工委 / 大党委: units with part-time members on a committee, conference members
    seat = inc[np.isin(b.e_type[inc], ("SITS_ON", "CONFERENCE_MEMBER"))
               & np.isin(b.e_tgt[inc], cand) & (b.e_status[inc] != "expired")]
    seat = seat[np.argsort(b.e_type[seat] != "SITS_ON", kind="stable")]  # seats first
    units = np.unique(b.e_src[seat])
    units = units[b.style[units] != None]  # noqa: E711
    seat = seat[np.isin(b.e_src[seat], units)]
    nodes = np.concatenate([cand, units])
    xy = _chart_positions(b, cand, units, seat, synth, parent)
    # the columns show who belongs to the street; lines only inside a column
    edges = edges[~np.isin(b.level[b.e_tgt[edges]], ("street_committee",))
                  | (b.level[b.e_src[edges]] != "community_committee")]
    members = G.nodes[Label.PARTY_ORG]["members"]
    prng = G.label_range(Label.PARTY_ORG)
    total_members = int(members.iloc[cand - prng.start].fillna(0).sum()) if len(cand) else 0
    m = _assemble(b, nodes, np.concatenate([edges, seat]), _Spec(
        key=f"org_chart_{_safe_name(street_id)}", kind="org_chart",
        title=b.t("{}党组织架构图（含大工委、大党委）").format(b.area_name[code]), fine=True,
        layout="force", filters_by=("community",), synth=synth, area_id=street_id,
        street_id=street_id, xy=xy, extra_counts={"members": total_members}))
    n_seats = int((b.e_type[seat] == "SITS_ON").sum())
    n_conf = int((b.e_type[seat] == "CONFERENCE_MEMBER").sum())
    for rec in m.nodes[len(cand):len(nodes)]:
        rec["size"] = 9.0
    for rec in m.nodes:
        if rec["level"] in ("street_committee", "community_committee"):
            rec["side"] = "above"
        elif rec["level"] == "grid_branch" and rec.get("community") \
                and str(rec["label"]).startswith(str(rec["community"])):
            # under its community's committee: "第3网格党支部" says enough (tooltip: all)
            rec["label"] = str(rec["label"])[len(str(rec["community"])):]
    m.subtitle = _chart_subtitle(b, m, cand, len(groups) if synth.ids else 0, n_seats, n_conf,
                                 total_members)
    return apply_headline(m, G, matching=matching)


def _chart_subtitle(b: _Base, m: NetworkMap, cand: np.ndarray, merged: int, n_seats: int,
                    n_conf: int, total_members: int) -> str:
    """The org chart's own title block (:func:`apply_headline` replaces it with the
    indicator table's numbers)."""
    t = b.t
    lv = pd.Series(b.level[cand]).value_counts()
    parts = [t("数据日期 {}").format(m.as_of)] + [
        t("{} {} 个").format(t(schema.PARTY_ORG_LEVEL.zh(x)), int(lv.get(x, 0)))
        for x in _ORG_CHART_LEVELS if lv.get(x, 0)]
    if merged:
        parts.append(t("楼栋党小组 {} 个（按网格合并）").format(merged))
    parts += [t("兼职委员 {} 名").format(n_seats), t("联席会成员单位 {} 个").format(n_conf),
              t("党员 {} 人").format(total_members), t("共 {} 个节点").format(m.counts["nodes"])]
    return " · ".join(parts)


_CHART_INDENT = 34.0
_CHART_ROW = 40.0


def _chart_grid(columns: list[list[tuple[int, int]]], starts: np.ndarray, row_w: np.ndarray,
                band_gap: float) -> tuple[int, int]:
    """Rows per sub-column and bands of an org chart whose picture is closest to 1.7:1
    (a committee's column kept whole when it fits)."""
    best: tuple[float, int, int] = (np.inf, 1, 1)
    longest = max(len(c) for c in columns)
    typical = max([len(c) for c in columns[1:]] or [longest])
    for rows in sorted({*range(max(6, typical), longest + 1, 2), longest}):
        subs = [max(row_w[a:min(a + rows, e)]) + 40.0
                for s_, e in itertools.pairwise(starts)
                for a in range(s_, e, rows)]
        total_w = sum(subs)
        for bands in range(1, len(subs) + 1):
            w = total_w / bands * 1.15
            h = bands * (rows * _CHART_ROW + band_gap)
            best = min(best, (abs(np.log((w / h) / 1.7)), rows, bands))
    return best[1], best[2]


def _seated(b: _Base, seat: np.ndarray, local: Mapping[int, int], unit_local: Mapping[int, int]
            ) -> dict[int, list[int]]:
    """Committee (local index) → the units (local index) listed under it: each unit once,
    under its first seat (``seat`` holds SITS_ON first, then conference memberships)."""
    seated: dict[int, list[int]] = {}
    seen: set[int] = set()
    for e in seat:
        x = unit_local[int(b.e_src[e])]
        if x not in seen:
            seen.add(x)
            seated.setdefault(local[int(b.e_tgt[e])], []).append(x)
    return seated


def _chart_positions(b: _Base, cand: np.ndarray, units: np.ndarray, seat: np.ndarray,
                     synth: _Synth, parent: np.ndarray) -> np.ndarray:
    """Org chart positions: one column per committee (the street's first), its part-time
    member and conference units and its grid branches listed under it (building groups
    under their branch), long columns wrapped, as many rows as make a 16:9 picture. Labels
    go to the right of their node, so none sits on a marker."""
    k, u = len(cand), len(units)
    local = {int(c): i for i, c in enumerate(cand)}
    unit_local = {int(x): k + i for i, x in enumerate(units)}
    kids: dict[int, list[int]] = {}
    for i, c in enumerate(cand):
        p = local.get(int(parent[c]), -1)
        if p >= 0 and b.level[c] != "community_committee":
            kids.setdefault(p, []).append(i)
    for j, a in enumerate(synth.anchors):
        kids.setdefault(local[int(a)], []).append(k + u + j)
    seated = _seated(b, seat, local, unit_local)
    synth_of = {int(local[int(a)]): k + u + j for j, a in enumerate(synth.anchors)}
    columns: list[list[tuple[int, int]]] = []
    placed: set[int] = set()

    def walk(i: int, depth: int, col: list[tuple[int, int]]) -> None:
        col.append((i, depth))
        placed.add(i)
        col.extend((x, depth + 1) for x in seated.get(i, []))
        placed.update(seated.get(i, []))
        if i in synth_of:  # merged building groups: on their branch's row, to the right
            placed.add(synth_of[i])
        for c in kids.get(i, []):
            if c < k + u:
                walk(c, depth + 1, col)

    heads = [i for i, c in enumerate(cand) if b.level[c] in ("street_committee",
                                                             "community_committee")]
    for h in heads:
        col: list[tuple[int, int]] = []
        walk(h, 0, col)
        columns.append(col)
    rest = [(i, 0) for i in range(k + u + len(synth.ids)) if i not in placed]
    if rest:
        columns.append(rest)
    labels = np.concatenate([b.label[cand], b.label[units],
                             np.asarray(synth.labels, dtype=object)])
    width = label_width(list(labels)) + 40.0
    row_w = np.array([d * _CHART_INDENT + width[i] + (width[synth_of[i]] + 20.0
                                                       if i in synth_of else 0.0)
                      for col in columns for i, d in col])
    flat = [(i, d) for col in columns for i, d in col]
    starts = np.cumsum([0] + [len(c) for c in columns])
    band_gap = 2 * _CHART_ROW
    rows, bands = _chart_grid(columns, starts, row_w, band_gap)
    # cut the sub-columns into bands of about equal width, in order
    subcols: list[list[tuple[int, int]]] = []
    for s_, e in itertools.pairwise(starts):
        subcols += [flat[a:min(a + rows, e)] for a in range(s_, e, rows)]
    sub_w = [max(row_w[flat.index(x)] for x in sc) + 40.0 for sc in subcols]
    target = sum(sub_w) / bands
    xy = np.zeros((k + u + len(synth.ids), 2))
    x0, band = 0.0, 0
    for sc, w in zip(subcols, sub_w, strict=True):
        if x0 > 0 and x0 + w / 2 > target * 1.02 and band < bands - 1:
            x0, band = 0.0, band + 1
        y0 = band * (rows * _CHART_ROW + band_gap)
        for r, (i, d) in enumerate(sc):
            xy[i] = (x0 + d * _CHART_INDENT, y0 + r * _CHART_ROW)
            if i in synth_of:
                xy[synth_of[i]] = (xy[i, 0] + width[i] + 20.0, xy[i, 1])
        x0 += w
    return xy
