"""One wall map as an object: :class:`NetworkMap` (positioned node and edge dicts, legend,
filters, title block; its offline page, notebook preview and pyvis network) and the styles of
its edges, tie states and attention marks.

Maps are made by :mod:`~regional_graph.viz.areamaps` (community, street, district) and
:mod:`~regional_graph.viz.orgchart`; every public name is importable from
:mod:`regional_graph.viz.maps` as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..vocab import Lang, viz_text
from .fonts import cjk_font_face_css
from .render import map_text, render_map_html

#: How a map is laid out: force-directed, or organisations at their lat/lon.
Layout = Literal["force", "geo"]

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
#: Attention flag → its name (legend, filters, index page, title block).
FLAG_NAMES: dict[str, str] = {
    "uncovered": "未覆盖",
    "should_build": "应建未建",
    "isolated": "孤立单位",
    "unpaired": "无结对社区",
    "unmet": "未满足需求",
}
#: The mark of a flagged node: a dashed black border, and its legend entry.
FLAG_BORDER = "#111111"
FLAG_LEGEND = ("需关注（黑色虚线框，原因见提示）", FLAG_BORDER, "dashes")

#: Node fields the page's search box looks in.
_SEARCH_FIELDS = ("label", "id", "kind_zh")


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
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> m = maps.street_map(G, "S1", as_of="2024-06-30")
    >>> type(m).__name__, m.key, m.street_id, m.as_of
    ('NetworkMap', 'street_S1', 'S1', '2024-06-30')
    >>> len(m.nodes), m.counts["nodes"], m.nodes[0]["id"], sorted(m.nodes[0])[-3:]
    (17, 17, 'S1', ['title', 'x', 'y'])
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
        >>> from regional_graph.viz import maps
        >>> m = maps.org_chart(rg.datasets.load_tiny(), "S1", as_of="2024-06-30")
        >>> [n["label"] for n in m.nodes]
        ['东街道党工委', '东一社区党委', '东二社区党委', '小岚中学']
        >>> text = m.text()
        >>> [x for x in (m.title, *(n["label"] for n in m.nodes)) if x not in text]
        []
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
        >>> page = maps.org_chart(rg.datasets.load_tiny(), "S1").to_html()
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
        >>> import re, tempfile
        >>> import regional_graph as rg
        >>> from regional_graph.viz import maps
        >>> m = maps.org_chart(rg.datasets.load_tiny(), "S1", as_of="2024-06-30")
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     p = m.write_html(Path(tmp) / f"{m.key}.html", font_css="")  # no font subset
        ...     page = p.read_text(encoding="utf-8")
        >>> p.name, re.search(r"<title>(.*)</title>", page).group(1)
        ('org_chart_S1.html', '东街道党组织架构图（含大工委、大党委）')
        """
        p = Path(path)
        p.write_text(self.to_html(font_css=font_css, assets=assets), encoding="utf-8")
        return p
