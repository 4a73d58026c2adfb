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
>>> sorted({n["kind"] for n in m.nodes})[:5]
['building', 'community', 'demand', 'enterprise', 'grid']
"""

from __future__ import annotations

import html
import itertools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from ..vocab import Lang, check_lang, viz_text
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
from .layoutfile import (
    LAYOUT_COLUMNS,
    LAYOUT_DIR,
    keep_layout,
    layout_files,
    layout_table,
    read_layout,
    write_layout,
)
from .render import map_text, page_head, render_map_html

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_FIELDS",
    "EDGE_STYLE",
    "LAYOUT_COLUMNS",
    "LAYOUT_DIR",
    "NetworkMap",
    "community_map",
    "district_overview",
    "index_page",
    "keep_layout",
    "layout_files",
    "layout_table",
    "org_chart",
    "read_layout",
    "street_map",
    "write_layout",
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
    lang
        Language of every fixed text of the map, its page and its poster (``"zh"`` or
        ``"en"``); data (names) stay as written.

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
    lang: Lang = "zh"

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
        >>> page[:15], page.count("@font-face")
        ('<!DOCTYPE html>', 1)
        """
        css = "" if assets is not None else (
            cjk_font_face_css(self.text()) if font_css is None else font_css)
        return render_map_html(self.nodes, self.edges, title=self.title,
                               subtitle=self.subtitle, legend=self.legend,
                               filters=self.filters, font_css=css,
                               search_fields=_SEARCH_FIELDS,
                               filter_labels={"flag": viz_text("关注", self.lang),
                                              "kind": viz_text("类型", self.lang)},
                               regions=self.regions, label_side=self.label_side,
                               lang=self.lang, assets=assets)

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


def _fill(template: str, *values: Any) -> pd.Series:
    """``template``'s ``{}`` filled row by row with ``values`` (``<NA>`` propagates)."""
    pieces = template.split("{}")
    out = pieces[0] + _str(values[0]) + pieces[1]
    for v, piece in zip(values[1:], pieces[2:], strict=True):
        out = out + _str(v) + piece
    return out


def _lines(*parts: pd.Series) -> pd.Series:
    """Join the non-missing parts of each row with newlines."""
    out = parts[0].fillna("")
    for p in parts[1:]:
        out = out + ("\n" + p).fillna("")
    return out.str.strip("\n")


def _zh(values: pd.Series, enum: schema.Enum, lang: Lang = "zh") -> pd.Series:
    mapping = {c: viz_text(enum.zh(c), lang) for c in enum.codes}
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


def _add_flag(flags: np.ndarray, title: np.ndarray, codes: np.ndarray, flag: str,
              reasons: pd.Series, lang: Lang = "zh") -> None:
    codes = np.asarray(codes, dtype=np.int64)
    ok = codes >= 0
    codes, text = codes[ok], _obj(reasons)[ok]
    if not len(codes):
        return
    cur = flags[codes]
    flags[codes] = np.where(pd.isna(cur), flag, cur.astype(str) + "," + flag)
    mark = viz_text("【{}】", lang)
    title[codes] = np.asarray([mark.format(r) + f"\n{t}" for r, t in zip(text, title[codes],
                                                                       strict=True)],
                              dtype=object)


def _flag_nodes(G: RegionalGraph, day: np.datetime64, flags: np.ndarray, title: np.ndarray,
                matching: Any, lang: Lang = "zh") -> None:
    from ..analysis import coverage, isolation

    def t(zh: str) -> str:
        return viz_text(zh, lang)

    u = coverage.uncovered(G, as_of=day)
    _add_flag(flags, title, G.codes(u.index), "uncovered", pd.Series(np.where(
        u["reason"].to_numpy(dtype=object) == coverage.REASON_EXPIRED,
        _fill(t("未覆盖：党组织覆盖关系已于 {} 到期"), _day_text(u["last_end"]).fillna(""))
        .to_numpy(dtype=object),
        t("未覆盖：没有党组织覆盖（无覆盖关系）"))), lang)
    s = coverage.should_build(G, as_of=day)
    _add_flag(flags, title, G.codes(s.index), "should_build",
              _fill(t("应建未建：党员 {} 人，未单独建立党组织"), s["party_members"]), lang)
    iso = isolation.isolated_units(G, as_of=day)
    _add_flag(flags, title, G.codes(iso.index), "isolated", pd.Series(np.where(
        iso["reason"].to_numpy(dtype=object) == "only expired ties",
        _fill(t("孤立单位：共建关系均已到期（最后到期 {}）"),
              _day_text(iso["last_tie_end"]).fillna("")).to_numpy(dtype=object),
        t("孤立单位：没有共建、兼职委员或联席会关系"))), lang)
    up = isolation.unpaired_communities(G, as_of=day)
    _add_flag(flags, title, G.codes(up.index), "unpaired", pd.Series(np.where(
        up["reason"].to_numpy(dtype=object) == "only expired pairs",
        _fill(t("无结对：结对共建均已到期（最后到期 {}）"),
              _day_text(up["last_pair_end"]).fillna("")).to_numpy(dtype=object),
        t("无结对：没有单位与本社区结对共建"))), lang)
    codes, reasons = _unmet(G, matching, lang)
    _add_flag(flags, title, codes, "unmet", reasons, lang)


def _unmet(G: RegionalGraph, matching: Any, lang: Lang = "zh"
           ) -> tuple[np.ndarray, pd.Series]:
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
        reasons = _fill(viz_text("未满足需求：需要 {}，已认领 {}", lang),
                        qty[short].astype(np.int64), served[short].astype(np.int64))
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
    zh = _zh(dem["category"], schema.CATEGORY, lang).to_numpy(dtype=object)
    text = np.where(anywhere[rows],
                    _fill(viz_text("未满足需求：本街道没有{}类资源", lang), zh[rows].astype(str)),
                    _fill(viz_text("未满足需求：全区没有{}类资源", lang), zh[rows].astype(str)))
    return rows + drng.start, pd.Series(text, dtype="string")


def _tie_status(G: RegionalGraph, day: np.datetime64, pos: np.ndarray, status: np.ndarray,
                reason: pd.Series, lang: Lang = "zh") -> tuple[np.ndarray, pd.Series]:
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
                        _fill(viz_text("休眠：12 个月内无活动（最近活动 {}）", lang),
                              _day_text(d["last_activity"]).fillna("")).to_numpy(dtype=object)[ok],
                        viz_text("休眠：没有活动记录", lang))
        live = status[rr] == ""
        status[rr[live]] = "dormant"
        reason.iloc[rr[live]] = text[live]
    x = isolation.expiring_ties(G, as_of=day)
    r = rows_of(x)
    ok = ~np.isnan(r.astype(float))
    if ok.any():
        rr = r[ok].astype(np.int64)
        text = _fill(viz_text("即将到期：还剩 {} 天（{}）", lang), x["days_left"],
                     _day_text(x["end"])).to_numpy(dtype=object)[ok]
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


# --------------------------------------------------------------------------------------------
# index and export
# --------------------------------------------------------------------------------------------

_KIND_ORDER = {"district": 0, "street": 1, "org_chart": 2, "community": 3}


def index_page(
    maps: Iterable[NetworkMap],
    *,
    title: str | None = None,
    links: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    font_css: str | None = None,
    html_pages: bool = True,
    lang: Lang = "zh",
) -> str:
    """An offline HTML page linking every map, grouped by street.

    Parameters
    ----------
    maps
        The maps (their ``key`` + ``.html`` is the link target).
    title
        Page heading (default: 区域化党建资源网络图, in ``lang``).
    links
        Optional extra links per map key: ``(text, href)`` pairs (e.g. the posters).
    font_css
        ``@font-face`` CSS to embed; default: a subset for the page's text.
    html_pages
        The maps were written as HTML (``key.html``); otherwise each title links to the
        first of its ``links``.
    lang
        ``"zh"`` (default) or ``"en"``: the page's own texts.

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
    >>> import re; re.findall(r'href="([^"]+)"', page)
    ['org_chart_S01.html']
    """
    from .headline import area_name

    def t(zh: str) -> str:
        return viz_text(zh, lang)

    title = t("区域化党建资源网络图") if title is None else title
    items = sorted(maps, key=lambda m: (m.street_id or "", _KIND_ORDER.get(m.kind, 9),
                                        m.area_id or ""))
    links = links or {}
    esc = html.escape

    def entry(m: NetworkMap) -> str:
        c = m.counts
        alert = t("、").join(f"{t(FLAG_NAMES[f])} {c[f]}" for f in FLAG_NAMES if c.get(f))
        extra = "".join(f' <a class="alt" href="{esc(h)}">{esc(t)}</a>'
                        for t, h in links.get(m.key, ()))
        note = f'<span class="alert">{esc(alert)}</span>' if alert else ""
        own = links.get(m.key, ())
        href = f"{m.key}.html" if html_pages or not own else own[0][1]
        return (f'<li><a href="{esc(href)}">{esc(m.title)}</a> '
                f'<span class="n">{t("{} 个节点").format(c.get("nodes", 0))}</span> '
                f'{note}{extra}</li>')

    blocks: list[str] = []
    top = [m for m in items if m.kind == "district"]
    if top:
        blocks.append(f"<section><h2>{t('全区')}</h2><ul>" + "".join(entry(m) for m in top)
                      + "</ul></section>")
    streets: dict[str, list[NetworkMap]] = {}
    for m in items:
        if m.kind != "district":
            streets.setdefault(m.street_id or "", []).append(m)
    for _, group in streets.items():
        head = next((m for m in group if m.kind == "street"), group[0])
        name = area_name(head)
        comm = [m for m in group if m.kind == "community"]
        rest = [m for m in group if m.kind != "community"]
        blocks.append(f"<section><h2>{esc(name)}</h2><ul>" + "".join(entry(m) for m in rest)
                      + "</ul>" + (f"<details open><summary>{t('社区（{} 个）').format(len(comm))}"
                                   "</summary>"
                                   "<ul class=\"cols\">" + "".join(entry(m) for m in comm)
                                   + "</ul></details>" if comm else "") + "</section>")
    date = next((m.as_of for m in items if m.as_of), "")
    body = "".join(blocks)
    sub = (t("数据日期 {} · 共 {} 张图").format(date, len(items)) if date
           else t("共 {} 张图").format(len(items)))
    css = font_css if font_css is not None else cjk_font_face_css(title + sub + body
                                                                  + "全区社区个节点")
    return (
        page_head(esc(title), lang, sources="style-src 'unsafe-inline'; font-src data:; "
                  "img-src data:")
        + f"{css}\n"
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
    lang: Lang = "zh",
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
    >>> {m.street_id for m in ms}
    {'S01'}
    """
    from .batch import iter_maps

    yield from iter_maps(G, map_jobs(G, streets), workers=1, progress=progress,
                         options={"as_of": as_of, "layout": layout,
                                  "include_personal": include_personal,
                                  "analyses": analyses, "matching": matching, "lang": lang})


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
              analyses: bool = True, matching: Any = None, lang: Lang = "zh") -> NetworkMap:
    """One map of :func:`map_jobs`: ``kind`` ∈ district, street, org_chart, community.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> build_map(G, "org_chart", "S01").key
    'org_chart_S01'
    """
    common = {"as_of": as_of, "include_personal": include_personal, "analyses": analyses,
              "matching": matching, "lang": lang}
    if kind == "district":
        return district_overview(G, layout=layout, **common)
    if kind == "street":
        return street_map(G, area, layout=layout, **common)
    if kind == "org_chart":
        return org_chart(G, area, **common)
    if kind == "community":
        return community_map(G, area, layout=layout, **common)
    raise ValueError(f"unknown map kind {kind!r}")


def write_maps(  # noqa: PLR0913 (public: one keyword per option, as the `maps` flags)
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
    lang: Lang = "zh",
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
        The ``layout`` folder of an earlier run (or that run's output folder, or the single
        ``layout.csv`` of a run of 0.x): every node still there keeps its position, new
        ones are placed near their anchor without overlaps (see :func:`keep_layout`), so
        this year's map can be compared with last year's. The positions used are always
        written to ``out_dir/layout/``, one CSV per district (see :func:`write_layout`).
    shared_assets
        Write vis-network and one font subset once into ``out_dir/assets/`` and link them
        from every page instead of embedding them in each (for a city: a fifth of the
        size; the folder must be copied with the pages). Default: self-contained pages.
    lang
        ``"zh"`` (default) or ``"en"``: every fixed text of the maps, posters, index and
        wall-screen pages (see :func:`community_map`).

    Returns
    -------
    dict
        Map key (``community_C001``, …; ``community_C001.pdf`` for posters) → path, plus
        ``"index"``, ``"index.csv"``, ``"layout"`` (the folder of layout CSVs) and (with
        HTML) ``"wall"``.

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
    lang = check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from .batch import write_all
    from .headline import write_index_csv
    from .wallscreen import write_wallscreen

    previous = read_layout(layout_file) if layout_file is not None else {}
    layout_path = out / LAYOUT_DIR

    def keep_positions(built: list[NetworkMap]) -> None:
        for m in built:
            if m.key in previous:
                keep_layout(m, previous[m.key])
        write_layout(G, built, layout_path)

    maps, written, links = write_all(
        G, out, options={"as_of": as_of, "layout": layout,
                         "include_personal": include_personal, "analyses": analyses,
                         "matching": matching, "lang": lang},
        streets=streets, formats=formats, paper=paper, progress=progress, workers=workers,
        prepare=keep_positions, shared_assets=shared_assets)
    written["layout"] = layout_path
    files = {m.key: (f"{m.key}.html" if "html" in formats
                     else next((h for _, h in links.get(m.key, ())), m.key)) for m in maps}
    written["index.csv"] = write_index_csv(maps, out / "index.csv", files=files, lang=lang)
    if "html" in formats and any(m.kind in ("street", "community") for m in maps):
        written["wall"] = write_wallscreen(maps, out / "wall.html", **(wall or {}))
    index = out / "index.html"
    title = viz_text("{} · 资源网络图", lang).format(G.name or viz_text("区域化党建", lang))
    index.write_text(index_page(maps, title=title, links=links, html_pages="html" in formats,
                                lang=lang), encoding="utf-8")
    written["index"] = index
    log.info("wrote %d maps (%s) under %s", len(maps), ", ".join(formats), out)
    return written
