"""Wall-display network maps (资联网地图) of a regional graph: per community, per street, the
district overview and the street org charts, as offline HTML pages.

Each map is a :class:`NetworkMap`: node and edge dicts with positions computed here
(deterministic, fixed seed; physics off in the page), a legend from
:data:`regional_graph.schema.NODE_STYLE`, filters and a title block. Pages are drawn by
:func:`regional_graph.viz.render.render_map_html` with an embedded CJK font subset, so a
wall PC without Chinese fonts, and without a network, shows them correctly.

What a map shows
----------------
* **community** – the community, its committee, grids and grid branches, buildings and
  building groups (merged per grid when there are many), the organisations located in it
  with their Party orgs, the branches covering its two-new organisations, the partners of
  its ties (units and committees elsewhere), and its resources and demands.
* **street** – the same one level up (communities instead of grids and buildings).
* **district** – every street, community, committee and organisation; aggregated to streets
  and communities (tie counts as edge weights) when large.
* **org chart** – street committee → community committees → grid branches → building groups.

Analysis results are marked (dashed black border on the node, dashed edges) with the reason
in the plain-text tooltip: uncovered (未覆盖) and should-build (应建未建) organisations,
isolated units (孤立单位), unpaired communities, unmet demands, and expired, dormant and
expiring ties.

Personal data
-------------
Node data is built from an explicit allow-list of fields per label
(:data:`ALLOWED_FIELDS`): ids, names, levels/kinds, places and counts. Members are never
nodes; they appear only as counts ("在职党员报到 37 人"). Free text (``address``,
``description``, ``note``) and every extra column of the user's tables stay out, unless
``include_personal=True`` (which logs a warning).

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz import maps
>>> G = rg.datasets.load_sample_district()
>>> m = maps.community_map(G, "C001", as_of=rg.datasets.REFERENCE_DATE)
>>> m.kind, m.counts["nodes"] == len(m.nodes)
('community', True)
>>> {n["kind"] for n in m.nodes} <= set(rg.schema.NODE_STYLE)
True
"""

from __future__ import annotations

import html
import itertools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from .fonts import FONT_STACK, cjk_font_face_css
from .headline import apply_headline
from .layout import (
    auto_canvas,
    cluster_layout,
    force_layout,
    geo_layout,
    label_width,
    node_boxes,
    remove_overlaps,
    tree_layout,
)
from .render import map_text, render_map_html

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_FIELDS",
    "EDGE_STYLE",
    "NetworkMap",
    "community_map",
    "district_overview",
    "index_page",
    "keep_layout",
    "layout_table",
    "org_chart",
    "read_layout",
    "street_map",
    "write_maps",
]

Layout = Literal["force", "geo"]

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

#: Relationship type → (colour, width, Chinese name) of its edges.
EDGE_STYLE: dict[str, tuple[str, float, str]] = {
    "PART_OF": ("#d6d3d1", 1.0, "区域隶属"),
    "SUBORDINATE_TO": ("#fca5a5", 1.2, "党组织隶属"),
    "LEADS": ("#fecaca", 1.0, "党组织领导"),
    "HOSTED_BY": ("#93c5fd", 1.5, "所在单位"),
    "LOCATED_IN": ("#e7e5e4", 1.0, "位于"),
    "COVERED_BY": ("#059669", 2.0, "党组织覆盖"),
    "PAIRED_WITH": ("#1d4ed8", 3.0, "结对共建"),
    "SITS_ON": ("#7c3aed", 2.0, "兼职委员"),
    "CONFERENCE_MEMBER": ("#ea580c", 2.0, "联席会成员"),
    "OFFERS": ("#d97706", 1.5, "提供资源"),
    "NEEDS": ("#0891b2", 1.5, "提出需求"),
    "ASSIGNED_TO": ("#16a34a", 2.5, "认领匹配"),
    "TIES": ("#1d4ed8", 2.0, "共建关系（线宽 = 条数）"),
}
#: Tie status → (colour, dash pattern, legend name). Live ties keep their type's style.
STATUS_STYLE: dict[str, tuple[str, list[int], str]] = {
    "expired": ("#a8a29e", [4, 6], "已到期的关系"),
    "dormant": ("#a16207", [12, 6], "休眠关系（12 个月无活动）"),
    "expiring": ("#f59e0b", [2, 4], "即将到期（30 天内）"),
}
FLAG_NAMES: dict[str, str] = {
    "uncovered": "未覆盖",
    "should_build": "应建未建",
    "isolated": "孤立单位",
    "unpaired": "无结对社区",
    "unmet": "未满足需求",
}
FLAG_BORDER = "#111111"
FLAG_LEGEND = ("需关注（黑色虚线框，原因见提示）", FLAG_BORDER, "dashes")

_KEY = "regional_graph.viz.maps"
_DRAWN_RELS = (
    "PART_OF", "SUBORDINATE_TO", "LEADS", "HOSTED_BY", "LOCATED_IN", "COVERED_BY",
    "PAIRED_WITH", "SITS_ON", "CONFERENCE_MEMBER", "OFFERS", "NEEDS", "ASSIGNED_TO",
)
_TIE_RELS = ("PAIRED_WITH", "SITS_ON", "CONFERENCE_MEMBER")
_DATED_RELS = (*_TIE_RELS, "COVERED_BY")
#: Relationships through which a map pulls in nodes from outside its area.
_PARTNER_RELS = (*_TIE_RELS, "COVERED_BY", "HOSTED_BY", "OFFERS", "NEEDS", "ASSIGNED_TO")
_FINE_AREAS = ("grid", "building")
_FINE_ORGS = ("grid_branch", "building_group")
_ORG_CHART_LEVELS = ("street_committee", "community_committee", "grid_branch",
                     "building_group")
_SEARCH_FIELDS = ("label", "id", "kind_zh")


# --------------------------------------------------------------------------------------------
# the map object
# --------------------------------------------------------------------------------------------


@dataclass
class NetworkMap:
    """One map: positioned node and edge dicts plus everything the page shows around them.

    Attributes
    ----------
    key
        File stem (``community_C001``, ``street_S01``, ``org_chart_S01``, ``district``).
    kind
        ``"community"``, ``"street"``, ``"district"`` or ``"org_chart"``.
    title, subtitle
        Title block (area name; data date and counts).
    nodes, edges
        Dicts for :func:`~regional_graph.viz.render.render_map_html` (``x``/``y`` in pixels,
        y down). Node dicts carry only allow-listed fields.
    legend
        ``(name, colour, shape)`` entries for the kinds and edge types present.
    filters
        Filter field → ``(value, display name)`` options.
    counts
        Counts shown in the title block (and used by the index page).
    area_id, street_id
        The area mapped and its street (``None`` for the district overview).
    as_of
        The data date (ISO).
    regions
        Clusters drawn under the nodes (a community on a street map, a kind of node on a
        community map): ``x``, ``y``, ``r`` and ``name``; a node's ``region`` is its index.
    label_side
        Where labels go first: ``"below"`` the node or ``"right"`` of it (org charts).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> m = street_map(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
    >>> isinstance(m, NetworkMap), m.key, m.street_id, m.as_of
    (True, 'street_S01', 'S01', '2026-10-01')
    >>> len(m.nodes) > 0, all({"x", "y"} <= set(n) for n in m.nodes)
    (True, True)
    """

    key: str
    kind: str
    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[tuple[str, str, str]]
    filters: dict[str, list[tuple[str, str]]]
    counts: dict[str, int] = field(default_factory=dict)
    area_id: str | None = None
    street_id: str | None = None
    as_of: str = ""
    regions: list[dict[str, Any]] = field(default_factory=list)
    label_side: str = "below"

    def text(self) -> str:
        """Every string the page displays (for the font subset).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_sample_district()
        >>> m = org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
        >>> text = m.text()
        >>> m.title in text, all(n["label"] in text for n in m.nodes)
        (True, True)
        """
        return map_text(self.nodes, title=self.title, subtitle=self.subtitle,
                        legend=self.legend, filters=self.filters, edges=self.edges,
                        fields=("label", "title", "kind_zh")) \
            + "".join(str(r["name"]) for r in self.regions)

    def to_html(self, *, font_css: str | None = None, assets: str | None = None) -> str:
        """The self-contained offline page.

        Parameters
        ----------
        font_css
            A ready ``@font-face`` rule covering :meth:`text` (e.g. one shared by many maps);
            default: a subset made for this page.
        assets
            Link the shared script and font of this folder (relative URL) instead of
            embedding them (see :func:`~regional_graph.viz.render.render_map_html`).

        Examples
        --------
        >>> import regional_graph as rg
        >>> from regional_graph.viz import maps
        >>> G = rg.datasets.load_sample_district()
        >>> page = maps.org_chart(G, "S01").to_html()
        >>> page.startswith("<!DOCTYPE html>") and "RG CJK" in page
        True
        """
        css = "" if assets is not None else (
            cjk_font_face_css(self.text()) if font_css is None else font_css)
        return render_map_html(self.nodes, self.edges, title=self.title,
                               subtitle=self.subtitle, legend=self.legend,
                               filters=self.filters, font_css=css,
                               search_fields=_SEARCH_FIELDS,
                               filter_labels={"flag": "关注", "kind": "类型"},
                               regions=self.regions, label_side=self.label_side,
                               assets=assets)

    def _repr_html_(self) -> str:
        """Inline preview in Jupyter: the whole offline page in an ``iframe`` ``srcdoc``
        (see :func:`regional_graph.viz.notebook.repr_html`)."""
        from .notebook import repr_html

        return repr_html(self)

    def to_pyvis(self, **kwargs: Any) -> Any:
        """A pyvis ``Network`` with this map's positions, colours and labels, physics off
        (see :func:`regional_graph.viz.notebook.to_pyvis`)."""
        from .notebook import to_pyvis

        return to_pyvis(self, **kwargs)

    def write_html(self, path: str | Path, *, font_css: str | None = None,
                   assets: str | None = None) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8) and return the path.

        Examples
        --------
        >>> import tempfile
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_sample_district()
        >>> m = org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     p = m.write_html(Path(tmp) / f"{m.key}.html", font_css="")  # no font subset
        ...     page = p.read_text(encoding="utf-8")
        >>> p.name, "<canvas" in page or "vis.Network" in page, m.title in page
        ('org_chart_S01.html', True, True)
        """
        p = Path(path)
        p.write_text(self.to_html(font_css=font_css, assets=assets), encoding="utf-8")
        return p


# --------------------------------------------------------------------------------------------
# vectorised text helpers
# --------------------------------------------------------------------------------------------


def _str(values: Any) -> pd.Series:
    """Values as a pandas ``string`` Series (``<NA>`` propagates through ``+``)."""
    s = pd.Series(values, copy=False)
    if s.dtype == object:
        s = s.where(s.notna(), None)
    return s.astype("string").reset_index(drop=True)


def _part(prefix: str, values: Any, suffix: str = "") -> pd.Series:
    return prefix + _str(values) + suffix


def _lines(*parts: pd.Series) -> pd.Series:
    """Join the non-missing parts of each row with newlines."""
    out = parts[0].fillna("")
    for p in parts[1:]:
        out = out + ("\n" + p).fillna("")
    return out.str.strip("\n")


def _zh(values: pd.Series, enum: schema.Enum) -> pd.Series:
    mapping = {c: enum.zh(c) for c in enum.codes}
    return _str(values.astype(object).map(mapping))


def _day_text(values: Any) -> pd.Series:
    s = pd.Series(np.asarray(values, dtype="datetime64[s]"))
    return _str(s.dt.strftime("%Y-%m-%d"))


def _obj(series: pd.Series) -> np.ndarray:
    """A string Series as an object array with ``None`` for missing."""
    return series.astype(object).where(series.notna(), None).to_numpy(dtype=object)


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]", "_", text)


# --------------------------------------------------------------------------------------------
# the base: every node's style, label, tooltip and place, every drawable edge (once per graph)
# --------------------------------------------------------------------------------------------


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
          matching: Any = None) -> _Base:
    day = as_date(as_of)

    def compute() -> _Base:
        if include_personal:
            log.warning("include_personal=True: the maps will show personal data (member "
                        "names, phone and ID numbers, free text and extra columns); do not "
                        "hang them in public or share them")
        return _build_base(G, day, include_personal, analyses, matching)

    return G.memo((_KEY, "base", str(day), include_personal, analyses, id(matching)), compute)


def _build_base(G: RegionalGraph, day: np.datetime64, include_personal: bool, analyses: bool,
                matching: Any) -> _Base:
    n = G.number_of_nodes()
    e = G.edges
    type_codes = e["type"].cat.codes.to_numpy()
    rel_of = np.asarray(REL_TYPES, dtype=object)
    src_all = e["source"].to_numpy().astype(np.int64)
    tgt_all = e["target"].to_numpy().astype(np.int64)

    # -- places ----------------------------------------------------------------------------
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
    arng = G.label_range(Label.AREA)
    area_name = np.full(n, None, dtype=object)
    area_name[arng] = _obj(_str(G.nodes[Label.AREA]["name"]))

    host = np.full(n, -1, dtype=np.int64)
    m = type_codes == REL_TYPES.index("HOSTED_BY")
    host[src_all[m]] = tgt_all[m]

    style = np.full(n, None, dtype=object)
    level = np.full(n, None, dtype=object)
    kind_zh = np.full(n, None, dtype=object)
    label = np.full(n, None, dtype=object)
    title = np.full(n, "", dtype=object)
    size = np.full(n, 12.0)
    fine = np.zeros(n, dtype=bool)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)

    # -- member counts (aggregates only) ---------------------------------------------------
    reported = _reported_counts(G, day)
    counts = _place_counts(G, community, street)

    # -- per label ---------------------------------------------------------------------------
    for lbl in (Label.AREA, Label.PARTY_ORG, Label.ORGANIZATION, Label.RESOURCE, Label.DEMAND):
        frame = G.nodes[lbl]
        rng = G.label_range(lbl)
        if not len(frame):
            continue
        ids = _str(frame.index)
        comm_name = _str(area_name[np.maximum(community[rng], 0)]).where(community[rng] >= 0)
        street_name = _str(area_name[np.maximum(street[rng], 0)]).where(street[rng] >= 0)
        place_line = _lines(_part("社区：", comm_name), _part("街道：", street_name))
        place_line = place_line.where(place_line != "").str.replace("\n", " · ", regex=False)
        if lbl is Label.AREA:
            lv = frame["level"].astype(object).to_numpy()
            style[rng] = lv
            level[rng] = lv
            kz = _zh(frame["level"], schema.AREA_LEVEL)
            kind_zh[rng] = _obj(kz)
            label[rng] = _obj(_str(frame["name"]))
            size[rng] = pd.Series(lv).map(
                {"district": 40, "street": 34, "community": 28, "grid": 16, "building": 10}
            ).fillna(12).to_numpy(dtype=float)
            fine[rng] = np.isin(lv, _FINE_AREAS)
            c = counts
            codes = np.arange(rng.start, rng.stop)
            stat = _lines(
                _part("驻区单位 ", c["resident"][codes], " 个").where(c["resident"][codes] > 0),
                _part("两新组织 ", c["two_new"][codes], " 个").where(c["two_new"][codes] > 0),
                _part("资源 ", c["resources"][codes], " 项").where(c["resources"][codes] > 0),
                _part("需求 ", c["demands"][codes], " 项").where(c["demands"][codes] > 0),
                _part("在职党员报到 ", reported[codes], " 人").where(
                    np.isin(lv, ("district", "street", "community"))),
            )
            stat = stat.where(stat != "").str.replace("\n", " · ", regex=False)
            title[rng] = _obj(_lines(_str(frame["name"]), _part("层级：", kz),
                                     _part("编号：", ids), place_line.where(lv != "street"),
                                     stat))
        elif lbl is Label.PARTY_ORG:
            lv = frame["level"].astype(object).to_numpy()
            style[rng] = "party_org"
            level[rng] = lv
            kz = _zh(frame["level"], schema.PARTY_ORG_LEVEL)
            kind_zh[rng] = _obj(kz)
            label[rng] = _obj(_str(frame["name"]))
            size[rng] = pd.Series(lv).map(
                {"district_committee": 30, "street_committee": 26, "community_committee": 22,
                 "grid_branch": 14, "building_group": 10}
            ).fillna(15).to_numpy(dtype=float)
            fine[rng] = np.isin(lv, _FINE_ORGS)
            title[rng] = _obj(_lines(_str(frame["name"]), _part("层级：", kz),
                                     _part("编号：", ids),
                                     _part("党员 ", frame["members"], " 人"), place_line))
        elif lbl is Label.ORGANIZATION:
            kind = frame["kind"].astype(object).to_numpy()
            sty = np.where(np.isin(kind, schema.RESIDENT_UNIT_KINDS), "resident_unit",
                           np.where(np.isin(kind, schema.TWO_NEW_KINDS), kind, "other_org"))
            style[rng] = sty
            level[rng] = kind
            kz = _zh(frame["kind"], schema.ORG_KIND)
            kind_zh[rng] = _obj(kz)
            label[rng] = _obj(_str(frame["name"]))
            pm = frame["party_members"].to_numpy(dtype="float64", na_value=0.0)
            size[rng] = np.clip(11 + 3 * np.log2(1 + pm), 11, 28)
            lat[rng] = frame["lat"].to_numpy(dtype="float64", na_value=np.nan)
            lon[rng] = frame["lon"].to_numpy(dtype="float64", na_value=np.nan)
            people = _lines(_part("职工 ", frame["employees"], " 人"),
                            _part("党员 ", frame["party_members"], " 人"))
            people = people.where(people != "").str.replace("\n", " · ", regex=False)
            title[rng] = _obj(_lines(_str(frame["name"]), _part("类型：", kz),
                                     _part("行业：", frame["industry"]),
                                     _part("编号：", ids), people, place_line))
        else:
            is_res = lbl is Label.RESOURCE
            style[rng] = "resource" if is_res else "demand"
            cat = frame["category"].astype(object).to_numpy()
            level[rng] = cat
            kz = _zh(frame["category"], schema.CATEGORY)
            kind_zh[rng] = _obj("资源·" + kz if is_res else "需求·" + kz)
            qty_col = "capacity" if is_res else "quantity"
            label[rng] = _obj(("资源·" if is_res else "需求·") + kz
                              + _part(" ", frame[qty_col]).fillna(""))
            size[rng] = 10.0
            other_col = "provider_id" if is_res else "requester_id"
            other = G.codes(frame[other_col])
            other_name = _str(G.display_names(other))
            if is_res:
                body = _lines(_part("资源：", kz), _part("数量：", frame["capacity"]),
                              _part("提供方：", other_name))
            else:
                body = _lines(_part("需求：", kz), _part("数量：", frame["quantity"]),
                              _part("优先级：", _zh(frame["priority"], schema.PRIORITY)),
                              _part("需求方：", other_name))
            title[rng] = _obj(_lines(body, _part("编号：", ids), place_line))
        if include_personal:
            title[rng] = _with_personal(G, lbl, title[rng])

    # -- analyses: flags with reasons ----------------------------------------------------------
    flags = np.full(n, None, dtype=object)
    if analyses:
        _flag_nodes(G, day, flags, title, matching)
    if include_personal:
        title = _with_members(G, title)

    # -- drawable edges --------------------------------------------------------------------
    drawn_codes = [REL_TYPES.index(r) for r in _DRAWN_RELS]
    pos = np.flatnonzero(np.isin(type_codes, drawn_codes))
    e_src, e_tgt = src_all[pos], tgt_all[pos]
    keep = (style[e_src] != None) & (style[e_tgt] != None)  # noqa: E711
    start = e["start"].to_numpy(dtype="datetime64[s]")[pos]
    end = e["end"].to_numpy(dtype="datetime64[s]")[pos]
    # the graph's rule: live or ended on the day; links starting later do not exist yet
    ended = np.isin(pos, G.links(*_DRAWN_RELS, as_of=day, state="ended").pos)
    keep &= ended | np.isin(pos, G.links(*_DRAWN_RELS, as_of=day).pos)
    pos, e_src, e_tgt, start, end = pos[keep], e_src[keep], e_tgt[keep], start[keep], end[keep]
    e_type = rel_of[type_codes[pos]]
    dated = np.isin(e_type, _DATED_RELS)
    expired = dated & ended[keep]
    status = np.where(expired, "expired", "").astype(object)
    reason = pd.Series(np.full(len(pos), pd.NA, dtype=object), dtype="string")
    end_text = _day_text(end)
    reason = reason.mask(expired, "已到期：" + end_text.fillna(""))
    if analyses:
        status, reason = _tie_status(G, day, pos, status, reason)
    kind_text = _str(e["kind"].array.take(pos)) if "kind" in e else _str([None] * len(pos))
    names = pd.Series([EDGE_STYLE[t][2] for t in EDGE_STYLE], index=list(EDGE_STYLE))
    type_zh = _str(pd.Series(e_type).map(names))
    has_dates = ~(np.isnat(start) & np.isnat(end))
    period = ("期限：" + _day_text(start).fillna("…") + " 至 " + end_text.fillna("…")).where(
        has_dates)
    qty = _part("数量 ", e["quantity"].array.take(pos)) if "quantity" in e else None
    parts = [type_zh, _part("形式：", kind_text), period, reason]
    if qty is not None:
        parts.append(qty)
    if include_personal and "note" in e:
        parts.append(_part("备注：", e["note"].array.take(pos)))
    e_title = _obj(_lines(*parts))
    lift = np.where(community >= 0, community, np.arange(n))
    is_fine_area = np.zeros(n, dtype=bool)
    is_fine_area[arng] = fine[arng]
    e_tgt_lift = np.where((e_type == "LOCATED_IN") & is_fine_area[e_tgt], lift[e_tgt], e_tgt)
    live_tie = np.isin(e_type, _TIE_RELS) & (status != "expired")

    ends = np.concatenate([e_src, e_tgt, e_tgt_lift])
    eidx = np.concatenate([np.arange(len(pos))] * 3)
    order = np.argsort(ends, kind="stable")
    inc_edge = eidx[order]
    inc_off = np.searchsorted(ends[order], np.arange(n + 1))

    drawable = np.flatnonzero(style != None)  # noqa: E711
    c_order = drawable[np.argsort(community[drawable], kind="stable")]
    s_order = drawable[np.argsort(street[drawable], kind="stable")]
    log.debug("map base: %d drawable nodes, %d drawable edges", len(drawable), len(pos))
    return _Base(
        G=G, day=day, include_personal=include_personal, style=style, level=level,
        kind_zh=kind_zh, label=label, title=title, size=size, fine=fine, place=place,
        community=community, street=street, host=host, flags=flags, area_name=area_name,
        lat=lat, lon=lon, reported=reported, e_pos=pos, e_src=e_src, e_tgt=e_tgt,
        e_tgt_lift=e_tgt_lift, e_type=e_type, e_status=status, e_title=e_title,
        e_live_tie=live_tie, inc_off=inc_off, inc_edge=inc_edge, comm_order=c_order,
        comm_sorted=community[c_order], street_order=s_order, street_sorted=street[s_order],
    )


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


def _with_members(G: RegionalGraph, title: np.ndarray) -> np.ndarray:
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
    for key_col, prefix in (("residence_area_id", "居住党员："), ("org_id", "党员名单：")):
        if key_col not in members.columns:
            continue
        codes = G.codes(members[key_col])
        ok = codes >= 0
        joined = pd.Series(text_arr[ok]).groupby(codes[ok]).agg("；".join)
        idx = joined.index.to_numpy()
        out[idx] = [f"{t}\n{prefix}{j}" for t, j in zip(out[idx], joined.to_numpy(),
                                                        strict=True)]
    return out


def _add_flag(flags: np.ndarray, title: np.ndarray, codes: np.ndarray, flag: str,
              reasons: pd.Series) -> None:
    codes = np.asarray(codes, dtype=np.int64)
    ok = codes >= 0
    codes, text = codes[ok], _obj(reasons)[ok]
    if not len(codes):
        return
    cur = flags[codes]
    flags[codes] = np.where(pd.isna(cur), flag, cur.astype(str) + "," + flag)
    title[codes] = np.asarray([f"【{r}】\n{t}" for r, t in zip(text, title[codes],
                                                              strict=True)], dtype=object)


def _flag_nodes(G: RegionalGraph, day: np.datetime64, flags: np.ndarray, title: np.ndarray,
                matching: Any) -> None:
    from ..analysis import coverage, isolation

    u = coverage.uncovered(G, as_of=day)
    _add_flag(flags, title, G.codes(u.index), "uncovered", pd.Series(np.where(
        u["reason"].to_numpy(dtype=object) == coverage.REASON_EXPIRED,
        ("未覆盖：党组织覆盖关系已于 " + _day_text(u["last_end"]).fillna("") + " 到期")
        .to_numpy(dtype=object),
        "未覆盖：没有党组织覆盖（无覆盖关系）")))
    s = coverage.should_build(G, as_of=day)
    _add_flag(flags, title, G.codes(s.index), "should_build",
              "应建未建：党员 " + _str(s["party_members"]) + " 人，未单独建立党组织")
    iso = isolation.isolated_units(G, as_of=day)
    _add_flag(flags, title, G.codes(iso.index), "isolated", pd.Series(np.where(
        iso["reason"].to_numpy(dtype=object) == "only expired ties",
        ("孤立单位：共建关系均已到期（最后到期 " + _day_text(iso["last_tie_end"]).fillna("")
         + "）").to_numpy(dtype=object),
        "孤立单位：没有共建、兼职委员或联席会关系")))
    up = isolation.unpaired_communities(G, as_of=day)
    _add_flag(flags, title, G.codes(up.index), "unpaired", pd.Series(np.where(
        up["reason"].to_numpy(dtype=object) == "only expired pairs",
        ("无结对：结对共建均已到期（最后到期 " + _day_text(up["last_pair_end"]).fillna("")
         + "）").to_numpy(dtype=object),
        "无结对：没有单位与本社区结对共建")))
    codes, reasons = _unmet(G, matching)
    _add_flag(flags, title, codes, "unmet", reasons)


def _unmet(G: RegionalGraph, matching: Any) -> tuple[np.ndarray, pd.Series]:
    """Unmet demands and why.

    With a matching result (``matching``: a DataFrame indexed by demand id with ``served``,
    or an object with such a ``.demands``) or ``ASSIGNED_TO`` relationships in the graph:
    demands served less than their quantity. Otherwise: demands whose category no resource
    in the same street offers.
    """
    dem = G.nodes[Label.DEMAND]
    drng = G.label_range(Label.DEMAND)
    if not len(dem):
        return np.zeros(0, dtype=np.int64), pd.Series([], dtype="string")
    qty = dem["quantity"].to_numpy(dtype="float64", na_value=1.0)
    assigned = G.edges_of(RelType.ASSIGNED_TO)
    if matching is not None or len(assigned):
        served = np.zeros(len(dem))
        if matching is not None:
            frame = matching.demands if hasattr(matching, "demands") else matching
            if isinstance(frame, pd.Series):
                frame = frame.rename("served").to_frame()
            rows = G.codes(frame.index) - drng.start
            ok = (rows >= 0) & (rows < len(dem))
            np.add.at(served, rows[ok], frame["served"].to_numpy(dtype=float)[ok])
        else:
            rows = assigned["target"].to_numpy().astype(np.int64) - drng.start
            q = assigned["quantity"].to_numpy(dtype="float64", na_value=0.0)
            np.add.at(served, rows, q)
        short = np.flatnonzero(served < qty)
        reasons = ("未满足需求：需要 " + _str(qty[short].astype(np.int64)) + "，已认领 "
                   + _str(served[short].astype(np.int64)))
        return short + drng.start, reasons
    # no matching: a category nobody in the street offers
    place = G.area_of()
    res = G.nodes[Label.RESOURCE]
    rrng = G.label_range(Label.RESOURCE)
    r_place = place[rrng].copy()
    offers = G.edges_of(RelType.OFFERS)
    miss = r_place < 0
    if miss.any():
        prov = np.full(G.number_of_nodes(), -1, dtype=np.int64)
        prov[offers["target"].to_numpy()] = offers["source"].to_numpy()
        r_place[miss] = place[np.maximum(prov[np.arange(rrng.start, rrng.stop)][miss], 0)]
    d_place = place[drng]
    r_street = np.where(r_place >= 0, G.ancestor_at(np.maximum(r_place, 0), "street"), -1)
    d_street = np.where(d_place >= 0, G.ancestor_at(np.maximum(d_place, 0), "street"), -1)
    cats = list(schema.CATEGORY.codes)
    r_cat = res["category"].astype(object).map({c: i for i, c in enumerate(cats)})
    d_cat = dem["category"].astype(object).map({c: i for i, c in enumerate(cats)})
    r_key = r_street * len(cats) + r_cat.to_numpy(dtype=np.int64)
    d_key = d_street * len(cats) + d_cat.to_numpy(dtype=np.int64)
    anywhere = np.isin(d_cat.to_numpy(dtype=np.int64), r_cat.to_numpy(dtype=np.int64))
    rows = np.flatnonzero(~np.isin(d_key, r_key))
    zh = _zh(dem["category"], schema.CATEGORY).to_numpy(dtype=object)
    text = np.where(anywhere[rows], "未满足需求：本街道没有" + zh[rows].astype(str) + "类资源",
                    "未满足需求：全区没有" + zh[rows].astype(str) + "类资源")
    return rows + drng.start, pd.Series(text, dtype="string")


def _tie_status(G: RegionalGraph, day: np.datetime64, pos: np.ndarray, status: np.ndarray,
                reason: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Mark dormant and expiring tie links (positions in ``G.edges``)."""
    from ..analysis import isolation

    link_codes = [REL_TYPES.index(r.value) for r in schema.LINK_RELTYPE.values()]
    link_pos = np.flatnonzero(np.isin(G.edges["type"].cat.codes.to_numpy(), link_codes))
    where = pd.Series(np.arange(len(pos)), index=pos)

    def rows_of(frame: pd.DataFrame) -> np.ndarray:
        if not len(frame):
            return np.zeros(0, dtype=np.int64)
        row = frame.index.to_series().str.rsplit("#", n=1).str[-1].astype(np.int64)
        epos = link_pos[row.to_numpy() - 1]
        return where.reindex(epos).to_numpy()

    d = isolation.dormant_ties(G, as_of=day)
    r = rows_of(d)
    ok = ~np.isnan(r.astype(float))
    if ok.any():
        rr = r[ok].astype(np.int64)
        text = np.where(d["activities"].to_numpy()[ok] > 0,
                        ("休眠：12 个月内无活动（最近活动 " + _day_text(d["last_activity"])
                         .fillna("") + "）").to_numpy(dtype=object)[ok],
                        "休眠：没有活动记录")
        live = status[rr] == ""
        status[rr[live]] = "dormant"
        reason.iloc[rr[live]] = text[live]
    x = isolation.expiring_ties(G, as_of=day)
    r = rows_of(x)
    ok = ~np.isnan(r.astype(float))
    if ok.any():
        rr = r[ok].astype(np.int64)
        text = ("即将到期：还剩 " + _str(x["days_left"]) + " 天（" + _day_text(x["end"])
                + "）").to_numpy(dtype=object)[ok]
        prev = reason.iloc[rr].to_numpy(dtype=object)
        reason.iloc[rr] = [t if pd.isna(p) else f"{p}\n{t}" for p, t in zip(prev, text,
                                                                              strict=True)]
        status[rr[status[rr] == ""]] = "expiring"
    return status, reason


# --------------------------------------------------------------------------------------------
# assembling one map
# --------------------------------------------------------------------------------------------


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


def _assemble(
    b: _Base,
    nodes: np.ndarray,
    edges: np.ndarray,
    *,
    key: str,
    kind: str,
    title: str,
    extra_counts: Mapping[str, int] | None = None,
    fine: bool,
    layout: str,
    filters_by: Sequence[str],
    synth: _Synth | None = None,
    area_id: str | None = None,
    street_id: str | None = None,
    parent_index: np.ndarray | None = None,
    agg_edges: tuple[Any, ...] | None = None,
    groups: _Groups | None = None,
    hide_fine: bool = False,
    xy: np.ndarray | None = None,
    sizes: np.ndarray | None = None,
    labels: np.ndarray | None = None,
) -> NetworkMap:
    G = b.G
    ids = G.ids.to_numpy(dtype=object)
    k = len(nodes)
    local = pd.Series(np.arange(k), index=nodes)
    tgt_all = b.e_tgt if fine else b.e_tgt_lift
    e_from = local.reindex(b.e_src[edges]).to_numpy(dtype=np.int64)
    e_to = local.reindex(tgt_all[edges]).to_numpy(dtype=np.int64)
    e_type = b.e_type[edges].astype(object)
    e_status = b.e_status[edges].astype(object)
    e_title = b.e_title[edges].astype(object)
    e_width = np.array([EDGE_STYLE[t][1] for t in e_type], dtype=float)
    e_label = np.full(len(edges), None, dtype=object)

    n_id = ids[nodes]
    n_label = b.label[nodes]
    n_title = b.title[nodes]
    n_style = b.style[nodes]
    n_level = b.level[nodes]
    n_kzh = b.kind_zh[nodes]
    n_size = b.size[nodes]
    n_flags = b.flags[nodes]
    n_comm = b.area_name[np.maximum(b.community[nodes], 0)]
    n_comm = np.where(b.community[nodes] >= 0, n_comm, None)
    n_street = b.area_name[np.maximum(b.street[nodes], 0)]
    n_street = np.where(b.street[nodes] >= 0, n_street, None)
    lat, lon = b.lat[nodes], b.lon[nodes]
    if sizes is not None:
        n_size = np.asarray(sizes, dtype=float)
    if labels is not None:
        n_label = np.asarray(labels, dtype=object)
    if synth is not None and synth.ids:
        s = len(synth.ids)
        anchor = local.reindex(synth.anchors).to_numpy(dtype=np.int64)
        n_id = np.concatenate([n_id, np.asarray(synth.ids, dtype=object)])
        n_label = np.concatenate([n_label, np.asarray(synth.labels, dtype=object)])
        n_title = np.concatenate([n_title, np.asarray(synth.titles, dtype=object)])
        n_style = np.concatenate([n_style, np.asarray(synth.kinds, dtype=object)])
        n_level = np.concatenate([n_level, np.asarray(synth.kinds, dtype=object)])
        n_kzh = np.concatenate([n_kzh, [schema.NODE_STYLE[x][2] for x in synth.kinds]])
        n_size = np.concatenate([n_size, np.full(s, 12.0)])
        n_flags = np.concatenate([n_flags, np.full(s, None, dtype=object)])
        n_comm = np.concatenate([n_comm, n_comm[anchor]])
        n_street = np.concatenate([n_street, n_street[anchor]])
        lat, lon = np.concatenate([lat, np.full(s, np.nan)]), np.concatenate([lon,
                                                                              np.full(s, np.nan)])
        e_from = np.concatenate([e_from, k + np.arange(s)])
        e_to = np.concatenate([e_to, anchor])
        st_ = synth.edge_type
        e_type = np.concatenate([e_type, np.full(s, st_, dtype=object)])
        e_status = np.concatenate([e_status, np.full(s, "", dtype=object)])
        e_title = np.concatenate([e_title, np.full(s, EDGE_STYLE[st_][2], dtype=object)])
        e_width = np.concatenate([e_width, np.full(s, EDGE_STYLE[st_][1])])
        e_label = np.concatenate([e_label, np.full(s, None, dtype=object)])
    if agg_edges is not None:
        a_from, a_to, a_count = agg_edges[:3]
        a_titles = agg_edges[3] if len(agg_edges) > 3 else [
            f"共建关系 {c} 条（结对、兼职委员、联席会）" for c in a_count]
        a_from = local.reindex(a_from).to_numpy(dtype=np.int64)
        a_to = local.reindex(a_to).to_numpy(dtype=np.int64)
        m = len(a_count)
        e_from = np.concatenate([e_from, a_from])
        e_to = np.concatenate([e_to, a_to])
        e_type = np.concatenate([e_type, np.full(m, "TIES", dtype=object)])
        e_status = np.concatenate([e_status, np.full(m, "", dtype=object)])
        e_title = np.concatenate([e_title, np.asarray(list(a_titles), dtype=object)])
        e_width = np.concatenate([e_width, 1.5 + 1.5 * np.log2(a_count)])
        e_label = np.concatenate([e_label, a_count.astype(str).astype(object)])
    total = len(n_id)

    # -- layout ----------------------------------------------------------------------------
    if xy is not None:
        pass
    elif parent_index is not None:
        # left to right: a wall screen is wide, and leaves stacked vertically keep their
        # (long) labels readable
        leaves = max(1, int(total - np.count_nonzero(np.isin(np.arange(total), parent_index))))
        depth = _depth(parent_index)
        xy = tree_layout(parent_index, width=max(1000.0, 40.0 * leaves),
                         height=max(1500.0, 420.0 * depth))[:, ::-1].copy()
    elif groups is not None:
        hw, hh = node_boxes(n_size, n_label)
        start = _geo_start(layout, lat, lon, e_from, e_to, e_type, total)
        xy, centres, radii = cluster_layout(total, e_from, e_to, groups.of, hw, hh,
                                            centre_group=groups.centre, start=start)
    elif layout == "geo":
        hw, hh = node_boxes(n_size, n_label)
        xy = remove_overlaps(_geo_positions(lat, lon, e_from, e_to, e_type, total), hw, hh)
    else:
        hw, hh = node_boxes(n_size, n_label)
        xy = remove_overlaps(force_layout(total, e_from, e_to, seed=0), hw, hh)

    # -- node dicts --------------------------------------------------------------------------
    colours = np.array([schema.NODE_STYLE[s][0] for s in n_style], dtype=object)
    shapes = np.array([schema.NODE_STYLE[s][1] for s in n_style], dtype=object)
    flagged = pd.notna(n_flags)
    flag_lists = [f.split(",") if ok else None for f, ok in zip(n_flags, flagged, strict=True)]
    records = [
        {"id": i, "label": lab, "x": float(x), "y": float(y), "color": col, "shape": shp,
         "size": float(sz), "title": tt, "kind": st, "kind_zh": kz, "level": lv,
         "street": stn, "community": cm, "flag": fl}
        for i, lab, (x, y), col, shp, sz, tt, st, kz, lv, stn, cm, fl in zip(
            n_id, n_label, xy.tolist(), colours, shapes, n_size, n_title, n_style, n_kzh,
            n_level, n_street, n_comm, flag_lists, strict=True)
    ]
    n_fine = np.zeros(total, dtype=bool)
    n_fine[:k] = b.fine[nodes]
    n_fine[k:] = True  # merged buildings / building groups
    area_like = np.isin(n_style, ("district", "street", "community"))
    committee = np.isin(n_level, ("street_committee", "community_committee",
                                  "district_committee"))
    prio = n_size + 60.0 * area_like + 30.0 * committee + 15.0 * flagged - 20.0 * n_fine
    for i, rec in enumerate(records):
        rec["prio"] = float(prio[i])
        if hide_fine and n_fine[i]:
            rec["fine"] = True
    regions: list[dict[str, Any]] = []
    if groups is not None and parent_index is None:
        for g, name in enumerate(groups.names):
            members = np.flatnonzero(groups.of == g)
            if not len(members) or (g == groups.centre and not name):
                continue
            rname = groups.titles[g] if groups.titles else f"{name}（{len(members)}）"
            reg = {"x": float(centres[g, 0]), "y": float(centres[g, 1]),
                   "r": float(radii[g]), "name": rname}
            if g in groups.fine:
                reg["fine"] = True
            for j in members.tolist():
                records[j]["region"] = len(regions)
            regions.append(reg)
    if groups is not None and groups.href:
        for i, h in groups.href.items():
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

    # -- edge dicts --------------------------------------------------------------------------
    e_colour = np.array([EDGE_STYLE[t][0] for t in e_type], dtype=object)
    e_dash: list[Any] = [False] * len(e_type)
    for st_name, (colour, dashes, _) in STATUS_STYLE.items():
        hit = np.flatnonzero(e_status == st_name)
        e_colour[hit] = colour
        for j in hit.tolist():
            e_dash[j] = dashes
    edge_recs = [
        {"from": n_id[a], "to": n_id[c], "color": col, "width": float(w), "title": tt,
         "dashes": d, "type": t, "status": s or None, **({"label": lb} if lb else {})}
        for a, c, col, w, tt, d, t, s, lb in zip(e_from, e_to, e_colour, e_width, e_title,
                                                 e_dash, e_type, e_status, e_label, strict=True)
    ]

    # -- legend, filters, counts -------------------------------------------------------------
    present = set(n_style.tolist())
    legend = [(v[2], v[0], v[1]) for k_, v in schema.NODE_STYLE.items() if k_ in present]
    types_present = set(e_type.tolist())
    legend += [(v[2], v[0], "line") for k_, v in EDGE_STYLE.items() if k_ in types_present]
    statuses = set(e_status.tolist())
    legend += [(v[2], v[0], "dashes") for k_, v in STATUS_STYLE.items() if k_ in statuses]
    if flagged.any():
        legend.append(FLAG_LEGEND)
    filters: dict[str, list[tuple[str, str]]] = {
        "kind": [(k_, v[2]) for k_, v in schema.NODE_STYLE.items() if k_ in present]}
    for fld, values in (("street", n_street), ("community", n_comm)):
        if fld in filters_by:
            opts = sorted({v for v in values if v is not None})
            if len(opts) > 1:
                filters[fld] = [(v, v) for v in opts]
    present_flags = {f for fl in flag_lists if fl for f in fl}
    if present_flags:
        filters["flag"] = [(f, v) for f, v in FLAG_NAMES.items() if f in present_flags]

    counts = _counts(n_style, n_level, flag_lists, e_type, e_status)
    counts.update(extra_counts or {})
    counts["nodes"] = total
    counts["edges"] = len(edge_recs)
    day = str(b.day)[:10]
    subtitle = _subtitle(day, counts)
    return NetworkMap(key=key, kind=kind, title=title, subtitle=subtitle, nodes=records,
                      edges=edge_recs, legend=legend, filters=filters, counts=counts,
                      area_id=area_id, street_id=street_id, as_of=day, regions=regions,
                      label_side="right" if kind == "org_chart" else "below")


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


def _subtitle(day: str, c: Mapping[str, int]) -> str:
    parts = [f"数据日期 {day}", f"单位 {c['organizations']} 个（驻区单位 {c['resident_units']}"
             f"、两新组织 {c['two_new']}）", f"党组织 {c['party_orgs']} 个",
             f"共建关系 {c['ties']} 条", f"资源 {c['resources']} 项", f"需求 {c['demands']} 项"]
    if c.get("reported") is not None:
        parts.append(f"在职党员报到 {c['reported']} 人")
    alerts = [f"{FLAG_NAMES[f]} {c[f]}" for f in FLAG_NAMES if c.get(f)]
    alerts += [f"{STATUS_STYLE[s][2].split('（')[0]} {c[s]}" for s in STATUS_STYLE if c.get(s)]
    if alerts:
        parts.append("需关注：" + "、".join(alerts))
    parts.append(f"共 {c['nodes']} 个节点")
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


# --------------------------------------------------------------------------------------------
# public map builders
# --------------------------------------------------------------------------------------------


def _area_code(G: RegionalGraph, area_id: str, level: str) -> int:
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
        synth.labels.append(f"楼栋 {nb} 个")
        synth.titles.append(f"{b.label[grid]}：楼栋 {nb} 个、楼栋党小组 {ng} 个（合并显示）")
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

    Returns
    -------
    NetworkMap

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> m = maps.community_map(G, "C001", as_of=rg.datasets.REFERENCE_DATE)
    >>> m.title.endswith("区域化党建资源网络图")
    True
    """
    _check_layout(layout)
    code = _area_code(G, community_id, "community")
    b = _base(G, as_of, include_personal, analyses, matching)
    nodes, edges = _select(b, b.group("community", code), fine=True)
    nodes, synth = _community_synth(b, nodes, collapse_buildings)
    if synth.ids:
        _, edges = _select_edges(b, nodes, edges)
    street = int(b.street[code])
    groups = _kind_groups(b, nodes, len(synth.ids), code)
    return apply_headline(_assemble(
        b, nodes, edges, key=f"community_{_safe_name(community_id)}", kind="community",
        title=f"{b.area_name[code]}区域化党建资源网络图",
        extra_counts={"reported": int(b.reported[code])}, fine=True, layout=layout,
        filters_by=("street",), synth=synth, area_id=community_id,
        street_id=str(G.ids[street]) if street >= 0 else None, groups=groups, hide_fine=True,
    ), G, matching=matching)


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
    return _Groups(of=of, names=list(_KIND_GROUPS), centre=0, fine={7})


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
    >>> G = rg.datasets.load_sample_district()
    >>> m = maps.street_map(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
    >>> any(n["kind"] == "community" for n in m.nodes)
    True
    """
    _check_layout(layout)
    code = _area_code(G, street_id, "street")
    b = _base(G, as_of, include_personal, analyses, matching)
    nodes, edges = _select(b, b.group("street", code), fine=False)
    return apply_headline(_assemble(
        b, nodes, edges, key=f"street_{_safe_name(street_id)}", kind="street",
        title=f"{b.area_name[code]}区域化党建资源网络图",
        extra_counts={"reported": int(b.reported[code])}, fine=False, layout=layout,
        filters_by=("community",), area_id=street_id, street_id=street_id,
        groups=_community_groups(b, nodes, code),
    ), G, matching=matching)


def _community_groups(b: _Base, nodes: np.ndarray, street: int) -> _Groups:
    """Street map clusters: one per community (its name on the region), the street's own
    nodes in the centre, partners from other streets together; communities link to their
    maps."""
    comm = b.community[nodes]
    own = b.street[nodes] == street
    codes = np.unique(comm[own & (comm >= 0)])
    names = ["", *(str(b.area_name[c]) for c in codes), "其他街道"]
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
    G, as_of, layout, analyses, include_personal, matching
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
    b = _base(G, as_of, include_personal, analyses, matching)
    drawable = np.flatnonzero((b.style != None) & ~b.fine)  # noqa: E711
    districts = np.flatnonzero(b.level[G.label_range(Label.AREA)] == "district") \
        + G.label_range(Label.AREA).start
    name = "、".join(str(b.area_name[d]) for d in districts[:3]) or (G.name or "全区")
    reported = int(b.reported[districts].sum()) if len(districts) else 0
    if aggregate is None:
        aggregate = len(drawable) > max_nodes
    if not aggregate:
        nodes = drawable
        inc = b.incident(nodes)
        keep = (b.e_src[inc] != b.e_tgt_lift[inc]) & ~b.fine[b.e_src[inc]] \
            & ~b.fine[b.e_tgt_lift[inc]]
        return apply_headline(_assemble(b, nodes, inc[keep], key="district", kind="district",
                                        title=f"{name}区域化党建资源网络总览图",
                                        extra_counts={"reported": reported}, fine=False,
                                        layout=layout, filters_by=("street",)),
                              G, matching=matching)
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
    m = _assemble(b, nodes, np.zeros(0, dtype=np.int64), key="district", kind="district",
                  title=f"{name}区域化党建资源网络总览图",
                  extra_counts={"reported": reported}, fine=False, layout="force",
                  filters_by=("street",), agg_edges=(*agg, titles) if len(agg[0]) else None,
                  groups=groups, sizes=sizes, labels=labels)
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
        titles_ = [f"{b.area_name[c]}（单位 {int(n_orgs[c])} · 需关注 {int(attention[c])}）"
                   for c in streets]
        return _Groups(of=of, names=[str(b.area_name[c]) for c in streets] + ["其他"],
                       titles=[*titles_, "其他"], href=href), labels
    labels = np.asarray([f"{b.area_name[c]}（需关注 {int(a)}）"
                         for c, a in zip(nodes, att, strict=True)], dtype=object)
    dist = np.array([G.ancestor_at(np.asarray([c]), "district")[0] for c in nodes])
    codes = np.unique(dist)
    of = np.searchsorted(codes, dist)
    titles_ = [f"{b.area_name[d] if d >= 0 else '其他'}（街道 {int((dist == d).sum())} 个）"
               for d in codes]
    return _Groups(of=of, names=titles_, titles=titles_, href=href), labels


def _overview_finish(m: NetworkMap, b: _Base, nodes: np.ndarray, drawable: np.ndarray,
                     n_orgs: np.ndarray, att: np.ndarray, unlabelled: np.ndarray) -> None:
    """Attention counts and a link on each node of the overview; the counts of the title
    block are those of the whole district, not of the nodes drawn."""
    for rec, c, a, quiet in zip(m.nodes, nodes, att, unlabelled, strict=True):
        if quiet:  # a street with its communities: the region's name says it all
            rec["nolabel"] = True
        rec["title"] = (f"{rec['title']}\n单位 {int(n_orgs[c])} 个 · 需关注 {int(a)} 个"
                        "\n双击打开详图")
        rec.pop("vis", None)  # attention is counted, not marked node by node
        if isinstance(rec["color"], dict):
            rec["color"] = rec["color"]["background"]
    m.legend = [e for e in m.legend if e != FLAG_LEGEND]
    whole = _counts(b.style[drawable], b.level[drawable],
                    [f.split(",") if isinstance(f, str) else None for f in b.flags[drawable]],
                    b.e_type[b.e_live_tie], b.e_status[b.e_live_tie])
    m.counts.update({k: v for k, v in whole.items() if k not in ("expired",)})
    m.subtitle = _subtitle(m.as_of, m.counts)


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
    titles = ["、".join(f"{_AGG_RELS[t]} {int(row[t])}" for t in _AGG_RELS
                       if t in row.index and row[t]) for _, row in table.iterrows()]
    titles = [f"跨区域联系 {int(c)} 条：{t}" for c, t in zip(total, titles, strict=True)]
    a = table.index.get_level_values("a").to_numpy(dtype=np.int64)
    bb = table.index.get_level_values("b").to_numpy(dtype=np.int64)
    return (a, bb, total.astype(np.int64)), titles


def org_chart(
    G: RegionalGraph,
    street_id: str,
    *,
    as_of: DateLike = None,
    include_personal: bool = False,
    collapse_buildings: int = 40,
    analyses: bool = True,
    matching: Any = None,
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
    b = _base(G, as_of, include_personal, analyses, matching)
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
            synth.labels.append(f"楼栋党小组 {k}")
            synth.titles.append(f"{b.label[p]}：楼栋党小组 {k} 个（合并显示）\n"
                                + "、".join(str(x) for x in b.label[sg[lo:hi]]))
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
    m = _assemble(b, nodes, np.concatenate([edges, seat]),
                  key=f"org_chart_{_safe_name(street_id)}", kind="org_chart",
                  title=f"{b.area_name[code]}党组织架构图（含大工委、大党委）", fine=True,
                  layout="force", filters_by=("community",), synth=synth, area_id=street_id,
                  street_id=street_id, xy=xy, extra_counts={"members": total_members})
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
    lv = pd.Series(b.level[cand]).value_counts()
    parts = [f"数据日期 {m.as_of}"] + [f"{schema.PARTY_ORG_LEVEL.zh(x)} {int(lv.get(x, 0))} 个"
                                      for x in _ORG_CHART_LEVELS if lv.get(x, 0)]
    if synth.ids:
        parts.append(f"楼栋党小组 {len(groups)} 个（按网格合并）")
    parts += [f"兼职委员 {n_seats} 名", f"联席会成员单位 {n_conf} 个",
              f"党员 {total_members} 人", f"共 {m.counts['nodes']} 个节点"]
    m.subtitle = " · ".join(parts)
    return apply_headline(m, G, matching=matching)


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
    seated: dict[int, list[int]] = {}
    seen: set[int] = set()
    for e in seat:  # SITS_ON first, then conference-only units
        x = unit_local[int(b.e_src[e])]
        if x not in seen:
            seen.add(x)
            seated.setdefault(local[int(b.e_tgt[e])], []).append(x)
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


# --------------------------------------------------------------------------------------------
# stable layouts: layout.csv written and read back
# --------------------------------------------------------------------------------------------

LAYOUT_COLUMNS = ("map", "id", "x", "y")


def layout_table(maps: Iterable[NetworkMap]) -> pd.DataFrame:
    """The positions of every node of ``maps``: columns ``map`` (file stem), ``id``, ``x``,
    ``y`` (pixels, y down) — what ``write_maps`` saves as ``layout.csv``.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = layout_table([org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)])
    >>> list(t.columns), t["map"].iloc[0]
    (['map', 'id', 'x', 'y'], 'org_chart_S01')
    """
    rows = [(m.key, str(n["id"]), round(float(n["x"]), 2), round(float(n["y"]), 2))
            for m in maps for n in m.nodes]
    return pd.DataFrame(rows, columns=list(LAYOUT_COLUMNS))


def read_layout(path: str | Path) -> dict[str, dict[str, tuple[float, float]]]:
    """Read a ``layout.csv`` back: map → node id → ``(x, y)``.

    Raises ``ValueError`` naming the file, rows and columns of every problem (missing
    columns, non-numeric or missing coordinates, a node twice on one map).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> m = org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
    >>> p = Path(tempfile.mkdtemp()) / "layout.csv"
    >>> layout_table([m]).to_csv(p, index=False)
    >>> pos = read_layout(p)
    >>> pos["org_chart_S01"][m.nodes[0]["id"]] == (round(m.nodes[0]["x"], 2),
    ...                                             round(m.nodes[0]["y"], 2))
    True
    """
    p = Path(path)
    try:
        t = pd.read_csv(p, dtype={"map": str, "id": str}, keep_default_na=False,
                        encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"布局文件 {p} 无法读取：{exc}") from exc
    missing = [c for c in LAYOUT_COLUMNS if c not in t.columns]
    if missing:
        raise ValueError(f"布局文件 {p} 缺少列：{'、'.join(missing)}"
                         f"（应有 {', '.join(LAYOUT_COLUMNS)}）")
    problems: list[str] = []
    xy = {c: pd.to_numeric(t[c].replace("", np.nan), errors="coerce") for c in ("x", "y")}
    for c in ("x", "y"):
        bad = np.flatnonzero(~np.isfinite(xy[c].to_numpy(dtype=float)))
        if len(bad):
            rows = "、".join(str(r + 2) for r in bad[:10])
            problems.append(f"第 {rows} 行 {c} 列应为数字（像素坐标）")
    blank = np.flatnonzero((t["map"] == "") | (t["id"] == ""))
    if len(blank):
        problems.append(f"第 {'、'.join(str(r + 2) for r in blank[:10])} 行 map 或 id 列为空")
    dup = np.flatnonzero(t.duplicated(["map", "id"]).to_numpy())
    if len(dup):
        problems.append(f"第 {'、'.join(str(r + 2) for r in dup[:10])} 行：同一张图上的节点重复")
    if problems:
        raise ValueError(f"布局文件 {p} 有误：" + "；".join(problems))
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for key, i, x, y in zip(t["map"], t["id"], xy["x"], xy["y"], strict=True):
        out.setdefault(key, {})[i] = (float(x), float(y))
    return out


def keep_layout(m: NetworkMap, previous: Mapping[str, tuple[float, float]]) -> NetworkMap:
    """Put every node of ``m`` that has a previous position back there; place the new ones
    near their anchor (the previous nodes they link to, else the rest of their region, else
    the map's centre) on a spot where their box overlaps no other; redraw the regions
    around their members. Changes ``m`` in place and returns it.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> m = community_map(G, "C001", as_of=rg.datasets.REFERENCE_DATE)
    >>> prev = {n["id"]: (n["x"] + 5.0, n["y"]) for n in m.nodes[1:]}
    >>> m = keep_layout(m, prev)
    >>> all(m.nodes[i]["x"] == prev[m.nodes[i]["id"]][0] for i in range(1, len(m.nodes)))
    True
    """
    from .layout import place_near

    n = len(m.nodes)
    if not n:
        return m
    ids = [str(x["id"]) for x in m.nodes]
    xy = np.array([[x["x"], x["y"]] for x in m.nodes], dtype=float)
    old = np.array([i in previous for i in ids])
    if not old.any():
        return m
    xy[old] = [previous[i] for i, o in zip(ids, old, strict=True) if o]
    todo = np.flatnonzero(~old)
    if len(todo):
        where = {i: k for k, i in enumerate(ids)}
        nbrs: dict[int, list[int]] = {}
        for e in m.edges:
            a, c = where.get(str(e["from"])), where.get(str(e["to"]))
            if a is not None and c is not None:
                nbrs.setdefault(a, []).append(c)
                nbrs.setdefault(c, []).append(a)
        region = np.array([x.get("region", -1) for x in m.nodes])
        centre = xy[old].mean(axis=0)
        anchors = []
        for i in todo:
            near = [j for j in nbrs.get(int(i), []) if old[j]]
            same = np.flatnonzero(old & (region == region[i])) if region[i] >= 0 \
                else np.zeros(0, dtype=np.int64)
            anchors.append(xy[near].mean(axis=0) if near else
                           xy[same].mean(axis=0) if len(same) else centre)
        size = np.array([float(x.get("size") or 14.0) for x in m.nodes])
        hw, hh = node_boxes(size, [x.get("label") for x in m.nodes])
        xy = place_near(xy, hw, hh, todo, np.asarray(anchors))
    for rec, (x, y) in zip(m.nodes, xy.tolist(), strict=True):
        rec["x"], rec["y"] = float(x), float(y)
    if m.regions:
        size = np.array([float(x.get("size") or 14.0) for x in m.nodes])
        hw, hh = node_boxes(size, [x.get("label") for x in m.nodes])
        region = np.array([x.get("region", -1) for x in m.nodes])
        for k, reg in enumerate(m.regions):
            mem = np.flatnonzero(region == k)
            if not len(mem):
                continue
            lo = (xy[mem] - np.column_stack([hw[mem], hh[mem]])).min(axis=0)
            hi = (xy[mem] + np.column_stack([hw[mem], hh[mem]])).max(axis=0)
            c = (lo + hi) / 2.0
            corner = np.hypot(np.abs(xy[mem, 0] - c[0]) + hw[mem],
                              np.abs(xy[mem, 1] - c[1]) + hh[mem])
            reg.update(x=float(c[0]), y=float(c[1]), r=float(corner.max()) + 45.0)
    return m


# --------------------------------------------------------------------------------------------
# index and export
# --------------------------------------------------------------------------------------------

_KIND_ORDER = {"district": 0, "street": 1, "org_chart": 2, "community": 3}


def index_page(
    maps: Iterable[NetworkMap],
    *,
    title: str = "区域化党建资源网络图",
    links: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    font_css: str | None = None,
    html_pages: bool = True,
) -> str:
    """An offline HTML page linking every map, grouped by street.

    Parameters
    ----------
    maps
        The maps (their ``key`` + ``.html`` is the link target).
    title
        Page heading.
    links
        Optional extra links per map key: ``(text, href)`` pairs (e.g. the posters).
    font_css
        ``@font-face`` CSS to embed; default: a subset for the page's text.
    html_pages
        The maps were written as HTML (``key.html``); otherwise each title links to the
        first of its ``links``.

    Returns
    -------
    str
        The HTML document (no external references; a CJK subset embedded).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> page = maps.index_page([maps.org_chart(G, "S01")])
    >>> 'href="org_chart_S01.html"' in page
    True
    """
    items = sorted(maps, key=lambda m: (m.street_id or "", _KIND_ORDER.get(m.kind, 9),
                                        m.area_id or ""))
    links = links or {}
    esc = html.escape

    def entry(m: NetworkMap) -> str:
        c = m.counts
        alert = "、".join(f"{FLAG_NAMES[f]} {c[f]}" for f in FLAG_NAMES if c.get(f))
        extra = "".join(f' <a class="alt" href="{esc(h)}">{esc(t)}</a>'
                        for t, h in links.get(m.key, ()))
        note = f'<span class="alert">{esc(alert)}</span>' if alert else ""
        own = links.get(m.key, ())
        href = f"{m.key}.html" if html_pages or not own else own[0][1]
        return (f'<li><a href="{esc(href)}">{esc(m.title)}</a> '
                f'<span class="n">{c.get("nodes", 0)} 个节点</span> {note}{extra}</li>')

    blocks: list[str] = []
    top = [m for m in items if m.kind == "district"]
    if top:
        blocks.append("<section><h2>全区</h2><ul>" + "".join(entry(m) for m in top)
                      + "</ul></section>")
    streets: dict[str, list[NetworkMap]] = {}
    for m in items:
        if m.kind != "district":
            streets.setdefault(m.street_id or "", []).append(m)
    for _, group in streets.items():
        head = next((m for m in group if m.kind == "street"), group[0])
        name = head.title.replace("区域化党建资源网络图", "").replace("党组织架构图", "")
        comm = [m for m in group if m.kind == "community"]
        rest = [m for m in group if m.kind != "community"]
        blocks.append(f"<section><h2>{esc(name)}</h2><ul>" + "".join(entry(m) for m in rest)
                      + "</ul>" + (f"<details open><summary>社区（{len(comm)} 个）</summary>"
                                   "<ul class=\"cols\">" + "".join(entry(m) for m in comm)
                                   + "</ul></details>" if comm else "") + "</section>")
    date = next((m.as_of for m in items if m.as_of), "")
    body = "".join(blocks)
    sub = f"数据日期 {date} · 共 {len(items)} 张图" if date else f"共 {len(items)} 张图"
    css = font_css if font_css is not None else cjk_font_face_css(title + sub + body
                                                                  + "全区社区个节点")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; font-src data:; img-src data:\">\n"
        f"<title>{esc(title)}</title>\n<style>\n{css}\n"
        f"body {{ font-family: var(--rg-font-family, {FONT_STACK}); margin: 24px 40px; "
        "background: #fbfaf7; color: #1f2328; font-size: 20px; }\n"
        "h1 { color: #a31515; font-size: 34px; margin: 0 0 4px; }\n"
        ".sub { color: #444; margin: 0 0 16px; }\n"
        "h2 { color: #a31515; border-bottom: 2px solid #a31515; font-size: 26px; }\n"
        "ul { list-style: none; padding: 0; } li { margin: 6px 0; }\n"
        "ul.cols { columns: 3 22em; } a { color: #1d4ed8; text-decoration: none; }\n"
        ".n { color: #666; font-size: 16px; } .alert { color: #a31515; font-size: 16px; }\n"
        "a.alt { font-size: 16px; margin-left: 6px; }\n"
        "</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n<p class=\"sub\">{esc(sub)}</p>\n{body}\n</body>\n</html>\n"
    )


def all_maps(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    include_personal: bool = False,
    analyses: bool = True,
    streets: Sequence[str] | None = None,
    progress: bool | None = None,
    matching: Any = None,
) -> Iterable[NetworkMap]:
    """Yield every map of :func:`write_maps` (overview, then per street: street map, org
    chart, community maps), built one at a time.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> ms = list(all_maps(G, as_of=rg.datasets.REFERENCE_DATE, streets=["S01"],
    ...                    progress=False))
    >>> [m.key for m in ms[:3]]
    ['street_S01', 'org_chart_S01', 'community_C001']
    >>> all(m.street_id == "S01" for m in ms)
    True
    """
    from .batch import iter_maps

    yield from iter_maps(G, map_jobs(G, streets), workers=1, progress=progress,
                         options={"as_of": as_of, "layout": layout,
                                  "include_personal": include_personal,
                                  "analyses": analyses, "matching": matching})


def map_jobs(G: RegionalGraph, streets: Sequence[str] | None = None
             ) -> list[tuple[str, str]]:
    """The ``(kind, area id)`` of every map :func:`write_maps` makes, in order: the overview
    (``("district", "")``, only when ``streets`` is None), then per street its street map,
    org chart and community maps.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> map_jobs(G, ["S01"])[:3]
    [('street', 'S01'), ('org_chart', 'S01'), ('community', 'C001')]
    """
    arng = G.label_range(Label.AREA)
    lv = G.area_levels()[arng]
    ids = G.ids[arng]
    street_codes = np.flatnonzero(lv == "street") + arng.start
    if streets is not None:
        street_codes = street_codes[np.isin(G.ids[street_codes], list(streets))]
    comm_codes = np.flatnonzero(lv == "community") + arng.start
    comm_street = G.ancestor_at(comm_codes, "street")
    jobs: list[tuple[str, str]] = []
    if streets is None:
        jobs.append(("district", ""))
    for s in street_codes:
        sid = str(G.ids[s])
        jobs += [("street", sid), ("org_chart", sid)]
        jobs += [("community", str(c)) for c in ids[comm_codes[comm_street == s] - arng.start]]
    return jobs


def build_map(G: RegionalGraph, kind: str, area: str, *, as_of: DateLike = None,
              layout: Layout = "force", include_personal: bool = False,
              analyses: bool = True, matching: Any = None) -> NetworkMap:
    """One map of :func:`map_jobs`: ``kind`` ∈ district, street, org_chart, community.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> build_map(G, "org_chart", "S01").key
    'org_chart_S01'
    """
    common = {"as_of": as_of, "include_personal": include_personal, "analyses": analyses,
              "matching": matching}
    if kind == "district":
        return district_overview(G, layout=layout, **common)
    if kind == "street":
        return street_map(G, area, layout=layout, **common)
    if kind == "org_chart":
        return org_chart(G, area, **common)
    if kind == "community":
        return community_map(G, area, layout=layout, **common)
    raise ValueError(f"unknown map kind {kind!r}")


def write_maps(
    G: RegionalGraph,
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    include_personal: bool = False,
    formats: Sequence[str] = ("html",),
    analyses: bool = True,
    streets: Sequence[str] | None = None,
    paper: str = "A1",
    progress: bool | None = None,
    matching: Any = None,
    workers: int | None = None,
    wall: Mapping[str, Any] | None = None,
    layout_file: str | Path | None = None,
    shared_assets: bool = False,
) -> dict[str, Path]:
    """Write every map of the graph, an ``index.html`` linking them, ``index.csv`` (the
    headline counts of every map, equal to the indicator tables) and ``wall.html`` (the
    wall-screen mode cycling through the street and community maps).

    One map per community, one per street, the district overview, one org chart per street;
    each as an offline HTML page (``"html"``) and/or a print poster (``"png"``, ``"svg"``,
    ``"pdf"``; see :mod:`regional_graph.viz.posters`).

    Parameters
    ----------
    G
        The graph.
    out_dir
        Output folder (created).
    as_of, layout, include_personal, analyses, matching
        As for :func:`community_map`.
    formats
        Any of ``"html"``, ``"png"``, ``"svg"``, ``"pdf"``.
    streets
        Only these streets (their street maps, org charts and community maps; no overview).
    paper
        Poster size, ``"A0"`` or ``"A1"``.
    progress
        Show a progress bar (default: on a terminal).
    workers
        Processes building and writing maps in parallel (default: every core; see
        :mod:`regional_graph.viz.batch`).
    wall
        Options of :func:`regional_graph.viz.wallscreen.wallscreen_page` (``interval``,
        ``order``, ``kinds``).
    layout_file
        A ``layout.csv`` of an earlier run: every node still there keeps its position, new
        ones are placed near their anchor without overlaps (see :func:`keep_layout`), so
        this year's map can be compared with last year's. The positions used are always
        written to ``layout.csv`` in ``out_dir``.
    shared_assets
        Write vis-network and one font subset once into ``out_dir/assets/`` and link them
        from every page instead of embedding them in each (for a city: a tenth of the
        size; the folder must be copied with the pages). Default: self-contained pages.

    Returns
    -------
    dict
        Map key (``community_C001``, …; ``community_C001.pdf`` for posters) → path, plus
        ``"index"``, ``"index.csv"``, ``"layout"`` and (with HTML) ``"wall"``.

    Notes
    -----
    All pages share one embedded CJK subset of the characters of every map when it is
    small (≤ 4,000 distinct characters, typical of a district); otherwise each page gets
    its own subset.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> out = maps.write_maps(G, tempfile.mkdtemp(), as_of=rg.datasets.REFERENCE_DATE,
    ...                       streets=["S01"], progress=False)
    >>> out["index"].name, "street_S01" in out
    ('index.html', True)
    """
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in ("html", "png", "svg", "pdf")]
    if bad:
        raise ValueError(f"`formats` must be among html, png, svg, pdf; got {bad}")
    _check_layout(layout)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from .batch import write_all
    from .headline import write_index_csv
    from .wallscreen import write_wallscreen

    previous = read_layout(layout_file) if layout_file is not None else {}
    layout_path = out / "layout.csv"

    def keep_positions(built: list[NetworkMap]) -> None:
        for m in built:
            if m.key in previous:
                keep_layout(m, previous[m.key])
        layout_table(built).to_csv(layout_path, index=False, encoding="utf-8")

    maps, written, links = write_all(
        G, out, options={"as_of": as_of, "layout": layout,
                         "include_personal": include_personal, "analyses": analyses,
                         "matching": matching},
        streets=streets, formats=formats, paper=paper, progress=progress, workers=workers,
        prepare=keep_positions, shared_assets=shared_assets)
    written["layout"] = layout_path
    files = {m.key: (f"{m.key}.html" if "html" in formats
                     else next((h for _, h in links.get(m.key, ())), m.key)) for m in maps}
    written["index.csv"] = write_index_csv(maps, out / "index.csv", files=files)
    if "html" in formats and any(m.kind in ("street", "community") for m in maps):
        written["wall"] = write_wallscreen(maps, out / "wall.html", **(wall or {}))
    index = out / "index.html"
    index.write_text(index_page(maps, title=f"{G.name or '区域化党建'} · 资源网络图",
                                links=links, html_pages="html" in formats),
                     encoding="utf-8")
    written["index"] = index
    log.info("wrote %d maps (%s) under %s", len(maps), ", ".join(formats), out)
    return written
