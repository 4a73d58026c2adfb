"""What the maps show of every node and edge, computed once per graph, data date and options
(``G.memo``) and shared by every map of a run: each node's style, label, tooltip, size,
place (community, street, host unit) and attention flags; every drawable link with its state
(live, expired, dormant, expiring) and tooltip; members reporting per area.

Personal data stays out: node tooltips are built from an allow-list of fields per label
(:data:`ALLOWED_FIELDS`); free text, extra columns and member names are added only with
``include_personal=True``.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz.mapdata import _base
>>> G = rg.datasets.load_tiny()
>>> b = _base(G, "2024-06-30", include_personal=False, analyses=True)
>>> c1 = int(G.codes(["C1"])[0])
>>> b.style[c1], b.label[c1], int(b.reported[c1])
('community', '东一社区', 1)
>>> print(b.title[c1])
东一社区
层级：社区
编号：C1
社区：东一社区 · 街道：东街道
驻区单位 1 个 · 两新组织 2 个 · 资源 1 项 · 需求 1 项 · 在职党员报到 1 人
>>> sorted(set(b.e_status.tolist())), len(b.e_src)  # link states; links a map may draw
(['', 'dormant', 'expired'], 45)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from ..vocab import Lang, check_lang, viz_text
from .mapflags import _flag_nodes, _tie_status
from .maptext import _day_text, _fill, _lines, _obj, _part, _str, _zh
from .networkmap import EDGE_STYLE

log = logging.getLogger("regional_graph.viz.maps")  # the maps' one logger, as before the split

#: Node fields that may appear on a map (page data, tooltips, posters), per label. Everything
#: else (free text, extra columns, members) needs ``include_personal=True``.
ALLOWED_FIELDS: dict[Label, tuple[str, ...]] = {
    Label.AREA: ("id", "name", "level"),
    Label.PARTY_ORG: ("id", "name", "level", "members"),
    Label.ORGANIZATION: ("id", "name", "kind", "industry", "employees", "party_members"),
    Label.RESOURCE: ("id", "category", "capacity"),
    Label.DEMAND: ("id", "category", "quantity", "priority"),
}
#: Link fields that may appear on a map.
ALLOWED_LINK_FIELDS = ("type", "start", "end", "kind")

#: First part of the ``G.memo`` keys of the maps' data.
_KEY = "regional_graph.viz.maps"
_DRAWN_RELS = (
    "PART_OF", "SUBORDINATE_TO", "LEADS", "HOSTED_BY", "LOCATED_IN", "COVERED_BY",
    "PAIRED_WITH", "SITS_ON", "CONFERENCE_MEMBER", "OFFERS", "NEEDS", "ASSIGNED_TO",
)
_TIE_RELS = ("PAIRED_WITH", "SITS_ON", "CONFERENCE_MEMBER")
_DATED_RELS = (*_TIE_RELS, "COVERED_BY")
_FINE_AREAS = ("grid", "building")
_FINE_ORGS = ("grid_branch", "building_group")


@dataclass
class _Base:
    G: RegionalGraph
    day: np.datetime64
    include_personal: bool
    style: np.ndarray  # NODE_STYLE key per node (None: never drawn)
    level: np.ndarray  # raw level / kind / category code
    kind_zh: np.ndarray
    label: np.ndarray
    title: np.ndarray
    size: np.ndarray
    fine: np.ndarray  # grid / building areas and their branches / groups
    place: np.ndarray
    community: np.ndarray
    street: np.ndarray
    host: np.ndarray
    flags: np.ndarray  # comma-joined flag codes or None
    area_name: np.ndarray  # name of every area code (None elsewhere)
    lat: np.ndarray
    lon: np.ndarray
    reported: np.ndarray  # members reporting, per area code
    # drawable edges
    e_pos: np.ndarray
    e_src: np.ndarray
    e_tgt: np.ndarray
    e_tgt_lift: np.ndarray  # LOCATED_IN lifted from grid/building to the community
    e_type: np.ndarray
    e_status: np.ndarray  # "", "expired", "dormant", "expiring"
    e_title: np.ndarray
    e_live_tie: np.ndarray
    inc_off: np.ndarray
    inc_edge: np.ndarray
    comm_order: np.ndarray
    comm_sorted: np.ndarray
    street_order: np.ndarray
    street_sorted: np.ndarray
    lang: Lang = "zh"

    def t(self, zh: str) -> str:
        """``zh`` in the map's language."""
        return viz_text(zh, self.lang)

    # -- selection helpers ---------------------------------------------------------------
    def group(self, by: str, code: int) -> np.ndarray:
        order, keys = ((self.comm_order, self.comm_sorted) if by == "community"
                       else (self.street_order, self.street_sorted))
        lo, hi = np.searchsorted(keys, [code, code + 1])
        return order[lo:hi]

    def incident(self, codes: np.ndarray) -> np.ndarray:
        """Positions (into the drawable edge arrays) of edges touching ``codes``."""
        codes = np.asarray(codes, dtype=np.int64)
        starts, stops = self.inc_off[codes], self.inc_off[codes + 1]
        lens = stops - starts
        total = int(lens.sum())
        if not total:
            return np.zeros(0, dtype=np.int64)
        shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
        return np.unique(self.inc_edge[shift + np.arange(total)])


def _base(G: RegionalGraph, as_of: DateLike, include_personal: bool, analyses: bool,
          matching: Any = None, lang: Lang = "zh") -> _Base:
    day = as_date(as_of)
    lang = check_lang(lang)

    def compute() -> _Base:
        if include_personal:
            log.warning("include_personal=True: the maps will show personal data (member "
                        "names, phone and ID numbers, free text and extra columns); do not "
                        "hang them in public or share them")
        return _build_base(G, day, include_personal, analyses, matching, lang)

    key = (_KEY, "base", str(day), include_personal, analyses, id(matching))
    return G.memo(key if lang == "zh" else (*key, lang), compute)


def _build_base(G: RegionalGraph, day: np.datetime64, include_personal: bool, analyses: bool,
                matching: Any, lang: Lang = "zh") -> _Base:
    n = G.number_of_nodes()
    place, community, street, host = _places(G)
    arng = G.label_range(Label.AREA)
    area_name = np.full(n, None, dtype=object)
    area_name[arng] = _obj(_str(G.nodes[Label.AREA]["name"]))
    nodes = _NodeText.empty(n)
    reported = _reported_counts(G, day)
    counts = _place_counts(G, community, street)
    for lbl in (Label.AREA, Label.PARTY_ORG, Label.ORGANIZATION, Label.RESOURCE, Label.DEMAND):
        if not len(G.nodes[lbl]):
            continue
        rng = G.label_range(lbl)
        comm_name = _str(area_name[np.maximum(community[rng], 0)]).where(community[rng] >= 0)
        street_name = _str(area_name[np.maximum(street[rng], 0)]).where(street[rng] >= 0)
        place_line = _lines(_part(viz_text("社区：", lang), comm_name),
                            _part(viz_text("街道：", lang), street_name))
        place_line = place_line.where(place_line != "").str.replace("\n", " · ", regex=False)
        if lbl is Label.AREA:
            _area_texts(nodes, G, rng, place_line, counts, reported, lang)
        elif lbl is Label.PARTY_ORG:
            _party_org_texts(nodes, G, rng, place_line, lang)
        elif lbl is Label.ORGANIZATION:
            _org_texts(nodes, G, rng, place_line, lang)
        else:
            _supply_texts(nodes, G, lbl, place_line, lang)
        if include_personal:
            nodes.title[rng] = _with_personal(G, lbl, nodes.title[rng])

    # -- analyses: flags with reasons ----------------------------------------------------------
    flags = np.full(n, None, dtype=object)
    if analyses:
        _flag_nodes(G, day, flags, nodes.title, matching, lang)
    if include_personal:
        nodes.title = _with_members(G, nodes.title, lang)

    edges = _drawable_edges(G, day, nodes.style, analyses, include_personal, lang)
    lift = np.where(community >= 0, community, np.arange(n))
    is_fine_area = np.zeros(n, dtype=bool)
    is_fine_area[arng] = nodes.fine[arng]
    e_src, e_tgt, e_type = edges["src"], edges["tgt"], edges["type"]
    e_tgt_lift = np.where((e_type == "LOCATED_IN") & is_fine_area[e_tgt], lift[e_tgt], e_tgt)
    live_tie = np.isin(e_type, _TIE_RELS) & (edges["status"] != "expired")

    ends = np.concatenate([e_src, e_tgt, e_tgt_lift])
    eidx = np.concatenate([np.arange(len(e_src))] * 3)
    order = np.argsort(ends, kind="stable")
    drawable = np.flatnonzero(nodes.style != None)  # noqa: E711
    c_order = drawable[np.argsort(community[drawable], kind="stable")]
    s_order = drawable[np.argsort(street[drawable], kind="stable")]
    log.debug("map base: %d drawable nodes, %d drawable edges", len(drawable), len(e_src))
    return _Base(
        G=G, day=day, include_personal=include_personal, style=nodes.style,
        level=nodes.level, kind_zh=nodes.kind_zh, label=nodes.label, title=nodes.title,
        size=nodes.size, fine=nodes.fine, place=place, community=community, street=street,
        host=host, flags=flags, area_name=area_name, lat=nodes.lat, lon=nodes.lon,
        reported=reported, e_pos=edges["pos"], e_src=e_src, e_tgt=e_tgt,
        e_tgt_lift=e_tgt_lift, e_type=e_type, e_status=edges["status"],
        e_title=edges["title"], e_live_tie=live_tie, inc_off=np.searchsorted(
            ends[order], np.arange(n + 1)), inc_edge=eidx[order], comm_order=c_order,
        comm_sorted=community[c_order], street_order=s_order, street_sorted=street[s_order],
        lang=lang,
    )


def _places(G: RegionalGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per node: its area (a resource / demand without one: its provider's or requester's),
    community and street codes, and the unit hosting it (``-1`` for none)."""
    n = G.number_of_nodes()
    e = G.edges
    type_codes = e["type"].cat.codes.to_numpy()
    src_all = e["source"].to_numpy().astype(np.int64)
    tgt_all = e["target"].to_numpy().astype(np.int64)
    place = G.area_of().copy()
    for rel in (RelType.OFFERS, RelType.NEEDS):  # a resource / demand without area_id
        m = type_codes == REL_TYPES.index(rel.value)
        s, t = src_all[m], tgt_all[m]
        missing = place[t] < 0
        place[t[missing]] = place[s[missing]]
    valid = place >= 0
    community = np.full(n, -1, dtype=np.int64)
    street = np.full(n, -1, dtype=np.int64)
    community[valid] = G.ancestor_at(place[valid], "community")
    street[valid] = G.ancestor_at(place[valid], "street")
    host = np.full(n, -1, dtype=np.int64)
    m = type_codes == REL_TYPES.index("HOSTED_BY")
    host[src_all[m]] = tgt_all[m]
    return place, community, street, host


@dataclass
class _NodeText:
    """What the map shows of every node: style, level code, kind name, label, tooltip, size,
    fine detail or not, coordinates."""

    style: np.ndarray
    level: np.ndarray
    kind_zh: np.ndarray
    label: np.ndarray
    title: np.ndarray
    size: np.ndarray
    fine: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def empty(cls, n: int) -> _NodeText:
        return cls(style=np.full(n, None, dtype=object), level=np.full(n, None, dtype=object),
                   kind_zh=np.full(n, None, dtype=object), label=np.full(n, None, dtype=object),
                   title=np.full(n, "", dtype=object), size=np.full(n, 12.0),
                   fine=np.zeros(n, dtype=bool), lat=np.full(n, np.nan), lon=np.full(n, np.nan))


def _area_texts(out: _NodeText, G: RegionalGraph, rng: slice, place_line: pd.Series,
                counts: Mapping[str, np.ndarray], reported: np.ndarray, lang: Lang) -> None:
    def tr(zh: str) -> str:
        return viz_text(zh, lang)

    frame = G.nodes[Label.AREA]
    lv = frame["level"].astype(object).to_numpy()
    out.style[rng] = lv
    out.level[rng] = lv
    kz = _zh(frame["level"], schema.AREA_LEVEL, lang)
    out.kind_zh[rng] = _obj(kz)
    out.label[rng] = _obj(_str(frame["name"]))
    out.size[rng] = pd.Series(lv).map(
        {"district": 40, "street": 34, "community": 28, "grid": 16, "building": 10}
    ).fillna(12).to_numpy(dtype=float)
    out.fine[rng] = np.isin(lv, _FINE_AREAS)
    c = counts
    codes = np.arange(rng.start, rng.stop)
    stat = _lines(
        _fill(tr("驻区单位 {} 个"), c["resident"][codes]).where(c["resident"][codes] > 0),
        _fill(tr("两新组织 {} 个"), c["two_new"][codes]).where(c["two_new"][codes] > 0),
        _fill(tr("资源 {} 项"), c["resources"][codes]).where(c["resources"][codes] > 0),
        _fill(tr("需求 {} 项"), c["demands"][codes]).where(c["demands"][codes] > 0),
        _fill(tr("在职党员报到 {} 人"), reported[codes]).where(
            np.isin(lv, ("district", "street", "community"))),
    )
    stat = stat.where(stat != "").str.replace("\n", " · ", regex=False)
    out.title[rng] = _obj(_lines(_str(frame["name"]), _part(tr("层级："), kz),
                                 _part(tr("编号："), _str(frame.index)),
                                 place_line.where(lv != "street"), stat))


def _party_org_texts(out: _NodeText, G: RegionalGraph, rng: slice, place_line: pd.Series,
                     lang: Lang) -> None:
    frame = G.nodes[Label.PARTY_ORG]
    lv = frame["level"].astype(object).to_numpy()
    out.style[rng] = "party_org"
    out.level[rng] = lv
    kz = _zh(frame["level"], schema.PARTY_ORG_LEVEL, lang)
    out.kind_zh[rng] = _obj(kz)
    out.label[rng] = _obj(_str(frame["name"]))
    out.size[rng] = pd.Series(lv).map(
        {"district_committee": 30, "street_committee": 26, "community_committee": 22,
         "grid_branch": 14, "building_group": 10}
    ).fillna(15).to_numpy(dtype=float)
    out.fine[rng] = np.isin(lv, _FINE_ORGS)
    out.title[rng] = _obj(_lines(_str(frame["name"]), _part(viz_text("层级：", lang), kz),
                                 _part(viz_text("编号：", lang), _str(frame.index)),
                                 _fill(viz_text("党员 {} 人", lang), frame["members"]),
                                 place_line))


def _org_texts(out: _NodeText, G: RegionalGraph, rng: slice, place_line: pd.Series,
               lang: Lang) -> None:
    def tr(zh: str) -> str:
        return viz_text(zh, lang)

    frame = G.nodes[Label.ORGANIZATION]
    kind = frame["kind"].astype(object).to_numpy()
    out.style[rng] = np.where(np.isin(kind, schema.RESIDENT_UNIT_KINDS), "resident_unit",
                              np.where(np.isin(kind, schema.TWO_NEW_KINDS), kind, "other_org"))
    out.level[rng] = kind
    kz = _zh(frame["kind"], schema.ORG_KIND, lang)
    out.kind_zh[rng] = _obj(kz)
    out.label[rng] = _obj(_str(frame["name"]))
    pm = frame["party_members"].to_numpy(dtype="float64", na_value=0.0)
    out.size[rng] = np.clip(11 + 3 * np.log2(1 + pm), 11, 28)
    out.lat[rng] = frame["lat"].to_numpy(dtype="float64", na_value=np.nan)
    out.lon[rng] = frame["lon"].to_numpy(dtype="float64", na_value=np.nan)
    people = _lines(_fill(tr("职工 {} 人"), frame["employees"]),
                    _fill(tr("党员 {} 人"), frame["party_members"]))
    people = people.where(people != "").str.replace("\n", " · ", regex=False)
    out.title[rng] = _obj(_lines(_str(frame["name"]), _part(tr("类型："), kz),
                                 _part(tr("行业："), frame["industry"]),
                                 _part(tr("编号："), _str(frame.index)), people, place_line))


def _supply_texts(out: _NodeText, G: RegionalGraph, lbl: Label, place_line: pd.Series,
                  lang: Lang) -> None:
    """Resources and demands."""
    def tr(zh: str) -> str:
        return viz_text(zh, lang)

    frame = G.nodes[lbl]
    rng = G.label_range(lbl)
    is_res = lbl is Label.RESOURCE
    out.style[rng] = "resource" if is_res else "demand"
    out.level[rng] = frame["category"].astype(object).to_numpy()
    kz = _zh(frame["category"], schema.CATEGORY, lang)
    prefix = tr("资源·") if is_res else tr("需求·")
    out.kind_zh[rng] = _obj(prefix + kz)
    qty_col = "capacity" if is_res else "quantity"
    out.label[rng] = _obj(prefix + kz + _part(" ", frame[qty_col]).fillna(""))
    out.size[rng] = 10.0
    other = G.codes(frame["provider_id" if is_res else "requester_id"])
    other_name = _str(G.display_names(other))
    if is_res:
        body = _lines(_part(tr("资源："), kz), _part(tr("数量："), frame["capacity"]),
                      _part(tr("提供方："), other_name))
    else:
        body = _lines(_part(tr("需求："), kz), _part(tr("数量："), frame["quantity"]),
                      _part(tr("优先级："), _zh(frame["priority"], schema.PRIORITY, lang)),
                      _part(tr("需求方："), other_name))
    out.title[rng] = _obj(_lines(body, _part(tr("编号："), _str(frame.index)), place_line))


def _drawable_edges(G: RegionalGraph, day: np.datetime64, style: np.ndarray, analyses: bool,
                    include_personal: bool, lang: Lang) -> dict[str, np.ndarray]:
    """The links a map may draw (both ends drawable; live or ended on the day): positions in
    ``G.edges``, ends, type, status (``""``, expired, dormant, expiring) and tooltip."""
    def tr(zh: str) -> str:
        return viz_text(zh, lang)

    e = G.edges
    type_codes = e["type"].cat.codes.to_numpy()
    pos = np.flatnonzero(np.isin(type_codes, [REL_TYPES.index(r) for r in _DRAWN_RELS]))
    e_src = e["source"].to_numpy().astype(np.int64)[pos]
    e_tgt = e["target"].to_numpy().astype(np.int64)[pos]
    keep = (style[e_src] != None) & (style[e_tgt] != None)  # noqa: E711
    start = e["start"].to_numpy(dtype="datetime64[s]")[pos]
    end = e["end"].to_numpy(dtype="datetime64[s]")[pos]
    # the graph's rule: live or ended on the day; links starting later do not exist yet
    ended = np.isin(pos, G.links(*_DRAWN_RELS, as_of=day, state="ended").pos)
    keep &= ended | np.isin(pos, G.links(*_DRAWN_RELS, as_of=day).pos)
    pos, e_src, e_tgt, start, end = pos[keep], e_src[keep], e_tgt[keep], start[keep], end[keep]
    e_type = np.asarray(REL_TYPES, dtype=object)[type_codes[pos]]
    expired = np.isin(e_type, _DATED_RELS) & ended[keep]
    status = np.where(expired, "expired", "").astype(object)
    reason = pd.Series(np.full(len(pos), pd.NA, dtype=object), dtype="string")
    end_text = _day_text(end)
    reason = reason.mask(expired, _fill(tr("已到期：{}"), end_text.fillna("")))
    if analyses:
        status, reason = _tie_status(G, day, pos, status, reason, lang)
    kind_text = _str(e["kind"].array.take(pos)) if "kind" in e else _str([None] * len(pos))
    names = pd.Series([tr(EDGE_STYLE[x][2]) for x in EDGE_STYLE], index=list(EDGE_STYLE))
    has_dates = ~(np.isnat(start) & np.isnat(end))
    period = _fill(tr("期限：{} 至 {}"), _day_text(start).fillna("…"),
                   end_text.fillna("…")).where(has_dates)
    parts = [_str(pd.Series(e_type).map(names)), _part(tr("形式："), kind_text), period, reason]
    if "quantity" in e:
        parts.append(_fill(tr("数量 {}"), e["quantity"].array.take(pos)))
    if include_personal and "note" in e:
        parts.append(_part(tr("备注："), e["note"].array.take(pos)))
    return {"pos": pos, "src": e_src, "tgt": e_tgt, "type": e_type, "status": status,
            "title": _obj(_lines(*parts))}


def _reported_counts(G: RegionalGraph, day: np.datetime64) -> np.ndarray:
    """In-service members reporting, per area code (community; summed up to streets and
    district): a live ``reports_to`` link, or ``reported`` true with a residence."""
    n = G.number_of_nodes()
    mrng = G.label_range(Label.MEMBER)
    rep = G.edges_of(RelType.REPORTS_TO)
    live = G.live(rep, day)
    pairs = [np.column_stack([rep["source"].to_numpy()[live], rep["target"].to_numpy()[live]])]
    members = G.nodes[Label.MEMBER]
    if len(members) and {"reported", "residence_area_id"} <= set(members.columns):
        flag = members["reported"].to_numpy(dtype="float64", na_value=0.0) > 0
        res = G.codes(members["residence_area_id"])
        ok = flag & (res >= 0)
        codes = np.arange(mrng.start, mrng.stop)
        pairs.append(np.column_stack([codes[ok], res[ok]]))
    both = np.concatenate(pairs).astype(np.int64) if pairs else np.zeros((0, 2), np.int64)
    if len(both):
        both = np.unique(both, axis=0)
    area = both[:, 1] if len(both) else np.zeros(0, dtype=np.int64)
    comm = G.ancestor_at(area, "community") if len(area) else area
    out = np.zeros(n, dtype=np.int64)
    for lvl_codes in (comm, G.ancestor_at(area, "street") if len(area) else area,
                      G.ancestor_at(area, "district") if len(area) else area):
        ok = lvl_codes >= 0
        out += np.bincount(lvl_codes[ok], minlength=n)
    return out


def _place_counts(G: RegionalGraph, community: np.ndarray, street: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """Organisations, resources and demands per community / street / district code."""
    n = G.number_of_nodes()
    orng = G.label_range(Label.ORGANIZATION)
    kind = G.nodes[Label.ORGANIZATION]["kind"].astype(object).to_numpy()
    district = np.full(n, -1, dtype=np.int64)
    ok = street >= 0
    district[ok] = G.ancestor_at(street[ok], "district")

    def per_place(codes: np.ndarray) -> np.ndarray:
        out = np.zeros(n, dtype=np.int64)
        for where in (community, street, district):
            w = where[codes]
            out += np.bincount(w[w >= 0], minlength=n)
        return out

    org_codes = np.arange(orng.start, orng.stop)
    return {
        "resident": per_place(org_codes[np.isin(kind, schema.RESIDENT_UNIT_KINDS)]),
        "two_new": per_place(org_codes[np.isin(kind, schema.TWO_NEW_KINDS)]),
        "resources": per_place(np.arange(*_bounds(G.label_range(Label.RESOURCE)))),
        "demands": per_place(np.arange(*_bounds(G.label_range(Label.DEMAND)))),
    }


def _bounds(rng: slice) -> tuple[int, int]:
    return int(rng.start), int(rng.stop)


def _with_personal(G: RegionalGraph, lbl: Label, titles: np.ndarray) -> np.ndarray:
    """Append every non-allow-listed column of the node table to the tooltips."""
    frame = G.nodes[lbl]
    extra = [c for c in frame.columns if c not in ALLOWED_FIELDS[lbl]
             and not c.endswith(("_id",)) and c not in ("lat", "lon")]
    parts = [_str(titles)]
    parts.extend(_part(f"{c}：", frame[c].astype(object).where(frame[c].notna(), None))
                 for c in extra)
    return _obj(_lines(*parts))


def _with_members(G: RegionalGraph, title: np.ndarray, lang: Lang = "zh") -> np.ndarray:
    """Append the members reporting to each area / belonging to each Party org (personal)."""
    members = G.nodes[Label.MEMBER]
    if not len(members):
        return title
    cols = [c for c in members.columns if c not in ("org_id", "residence_area_id", "reported")]
    text = _str(members.index)
    for c in cols:
        text = text + (" " + _str(members[c].astype(object))).fillna("")
    text_arr = _obj(text)
    out = title.copy()
    for key_col, prefix in (("residence_area_id", viz_text("居住党员：", lang)),
                            ("org_id", viz_text("党员名单：", lang))):
        if key_col not in members.columns:
            continue
        codes = G.codes(members[key_col])
        ok = codes >= 0
        joined = pd.Series(text_arr[ok]).groupby(codes[ok]).agg("；".join)
        idx = joined.index.to_numpy()
        out[idx] = [f"{t}\n{prefix}{j}" for t, j in zip(out[idx], joined.to_numpy(),
                                                        strict=True)]
    return out
