"""Print posters (A0/A1) of the wall maps: PNG, SVG or PDF with matplotlib and networkx.

A poster draws a :class:`~regional_graph.viz.maps.NetworkMap` at the positions of the HTML
map (same layout), with the same colours and shapes, a legend, the title and the data date.
Only the labels of the map's nodes are drawn, so the allow-list of the map applies.

Chinese text: the CJK font found by :func:`regional_graph.viz.fonts.find_cjk_font` is
registered with ``matplotlib.font_manager.fontManager.addfont`` and its family passed
explicitly to every text call (networkx's ``draw_networkx_labels`` ignores rcParams);
PDFs embed it as a TrueType subset (``pdf.fonttype`` 42), SVGs draw glyphs as paths.

Examples
--------
>>> import tempfile, pathlib, regional_graph as rg
>>> from regional_graph.viz import maps, posters
>>> G = rg.datasets.load_sample_district()
>>> m = maps.org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
>>> path = posters.write_poster(m, pathlib.Path(tempfile.mkdtemp()) / "chart.pdf")
>>> path.read_bytes().count(b"/FontFile2")  # the CJK subset, embedded once
1
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.text import Text

from .. import schema
from ..vocab import Lang, viz_text
from .fonts import matplotlib_cjk_family, matplotlib_subset_family
from .layout import remove_overlaps
from .networkmap import FLAG_BORDER, FLAG_LEGEND, FLAG_NAMES
from .placement import SIDES_BELOW, SIDES_RIGHT, Box, BoxGrid, Candidate, place_labels

if TYPE_CHECKING:
    from .networkmap import NetworkMap

log = logging.getLogger(__name__)

__all__ = ["PAPER_SIZES", "cjk_family", "poster_figure", "write_poster", "write_posters"]

#: Paper → (width, height) in inches, landscape.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A0": (1189 / 25.4, 841 / 25.4),
    "A1": (841 / 25.4, 594 / 25.4),
    "A2": (594 / 25.4, 420 / 25.4),
    "A3": (420 / 25.4, 297 / 25.4),
}
#: vis-network shape → matplotlib marker.
MARKERS: dict[str, str] = {
    "dot": "o", "star": "*", "triangle": "^", "triangleDown": "v", "square": "s",
    "box": "s", "diamond": "D", "hexagon": "h", "ellipse": "o",
}
_RC: Any = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path",
       "text.hinting": "no_hinting",  # vector output; autohinting CJK is slow
       "axes.unicode_minus": False}
#: The drawing area (figure fractions: left, bottom, width, height); the legend and the
#: footnotes take the column on the right.
_SHORT_LABEL = 7
_AXES = (0.02, 0.035, 0.80, 0.855)
#: A label's white backing (a rectangle: a stroked halo would turn the text into paths).
_HALO = {"boxstyle": "square,pad=0.08", "fc": "#ffffff", "ec": "none", "alpha": 0.75}
_HIDDEN_NOTE = ("图中另有 {} 个名称因篇幅未标注（+N 为该圈内未标注的名称数；"
                "网页版地图放大后显示）")
_REGION_LEGEND = {"street": "社区（圈内为该社区的单位）", "district": "街道（圈内为该街道的社区）",
                  "community": "同类节点"}
#: Flagged nodes: border colour and dash pattern (the legend entry uses the same).
FLAG_EDGE = FLAG_BORDER
FLAG_DASH: tuple[float, tuple[float, float]] = (0.0, (3.0, 2.0))
#: The legend entry of flagged nodes on paper (the HTML's points at tooltips).
POSTER_FLAG_LEGEND = "需关注（黑色虚线框，编号见下方脚注）"
FLAG_LEGEND_NAME = FLAG_LEGEND[0]
#: A reason in a tooltip: ``【…】`` (Chinese) or a whole ``[…]`` line (English).
_REASON = re.compile(r"【([^】]+)】|^\[(.+)\]$", re.M)
_FOOT_TITLE = "需关注（编号与图中黑色虚线框节点对应）"
_FOOT_MORE = "……另有 {} 项，见网页版地图的提示"
_POSTER_TEXT = (POSTER_FLAG_LEGEND + _FOOT_TITLE + _FOOT_MORE + "图例数据日期 regional_graph"
                + "0123456789…+" + _HIDDEN_NOTE + "".join(_REGION_LEGEND.values()))
_ALWAYS_LABEL = ("district", "street", "community", "party_org")


@functools.cache
def cjk_family() -> str | None:
    """Register the CJK font file with matplotlib and return its family name.

    Returns
    -------
    str or None
        E.g. ``"Noto Sans CJK SC"``; None (and a warning) when no CJK font exists.

    Examples
    --------
    >>> cjk_family()  # where fonts-noto-cjk is installed
    'Noto Sans CJK SC'
    """
    return matplotlib_cjk_family()


def poster_family(maps: Sequence[NetworkMap]) -> str | None:
    """The font family for posters of ``maps``: a small subset of the CJK font holding
    every character they show (see :func:`~regional_graph.viz.fonts.matplotlib_subset_family`),
    so that saving a PDF takes a fraction of a second instead of seconds.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from fontTools.ttLib import TTFont
    >>> from matplotlib import font_manager
    >>> from regional_graph.viz import maps
    >>> m = maps.org_chart(rg.datasets.load_tiny(), "S1", as_of=rg.datasets.REFERENCE_DATE)
    >>> fam = poster_family([m])
    >>> fam.rstrip("0123456789")
    'RG Poster CJK '
    >>> held = {chr(u) for u in TTFont(font_manager.findfont(fam)).getBestCmap()}
    >>> sorted(set(m.text() + m.subtitle) - held - set(" \\n"))  # shown but not in the font
    []
    """
    text = "".join(m.text() + m.subtitle + m.as_of for m in maps)
    return matplotlib_subset_family(text + _POSTER_TEXT)


def _paper(paper: str) -> tuple[float, float]:
    try:
        return PAPER_SIZES[paper.upper()]
    except KeyError:
        raise ValueError(f"`paper` must be one of {', '.join(PAPER_SIZES)}, got {paper!r}"
                         ) from None


def poster_figure(m: NetworkMap, *, paper: str = "A1", label_all: bool | None = None
                  ) -> Figure:
    """Draw ``m`` on a landscape page of size ``paper``.

    The poster shows what the HTML page shows at first (grid and building detail
    collapsed), at the same positions; labels are placed by
    :func:`~regional_graph.viz.placement.place_labels`, so no label covers another, a region
    name, a flag number or a node; the names left out are counted under the drawing.

    Parameters
    ----------
    m
        A map from :mod:`regional_graph.viz.maps`.
    paper
        ``"A0"``, ``"A1"`` (default), ``"A2"`` or ``"A3"``.
    label_all
        False: label only areas and Party organisations. Default: every node that has room.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas (no pyplot), 72 dpi (display units are points).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> fig = poster_figure(maps.community_map(G, "C1", as_of="2024-06-30"), paper="A1")
    >>> [round(v) for v in fig.get_size_inches()]
    [33, 23]
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "rg-region")[:2]
    ['两新组织（2）', '外部共建方（1）']
    """
    w, h = _paper(paper)
    family = poster_family([m])
    with mpl.rc_context(_RC):
        fig = Figure(figsize=(w, h), dpi=72)
        FigureCanvasAgg(fig)
        sheet = _Sheet(fig, fig.add_axes(_AXES), w / PAPER_SIZES["A1"][0], family)
        sheet.ax.set_axis_off()
        shown = [i for i, n in enumerate(m.nodes) if not n.get("fine")]
        regions = [r for r in m.regions if not r.get("fine")]
        xy = np.array([[float(m.nodes[i]["x"]), -float(m.nodes[i]["y"])] for i in shown],
                      dtype=float).reshape(-1, 2)
        k = _frame(sheet.ax, xy, regions)
        diam = np.clip(2.0 * k * np.array([float(m.nodes[i].get("size") or 12) for i in shown]),
                       4.0 * sheet.scale, 30.0 * sheet.scale)
        radius = diam / 2 + 1.5 * sheet.scale
        font = sheet.scale * float(np.clip(160.0 / np.sqrt(max(len(shown), 1)), 8.0, 14.0))
        if m.label_side == "below" and len(shown) > 1:
            xy = _make_room(sheet, [str(m.nodes[i]["label"]) for i in shown], xy, radius, font)
        _draw_regions(sheet.ax, regions)
        drawn = _draw_edges(sheet, m, shown, xy)
        _draw_nodes(sheet, m, shown, xy, diam)
        notes = flag_notes(m)
        hidden = _draw_labels(sheet, m, shown, xy, radius, font, regions, notes,
                              label_all=label_all)
        _title_block(sheet, m, hidden)
        leg = _legend(sheet, m, _drawn_legend(m, shown, drawn, bool(notes)))
        if notes:
            _footnotes(fig, leg, notes, scale=sheet.scale, fam_kw=sheet.fam_kw, lang=m.lang)
    return fig


@dataclass
class _Sheet:
    """One poster being drawn: the figure, the drawing axes, the paper scale (A1 = 1) and
    the font family."""

    fig: Figure
    ax: Axes
    scale: float
    family: str | None

    @property
    def fam_kw(self) -> dict[str, Any]:
        return {"fontfamily": self.family} if self.family else {}

    def prop(self, size: float) -> font_manager.FontProperties:
        return font_manager.FontProperties(family=self.family or "sans-serif", size=size)


def _frame(ax: Axes, xy: np.ndarray, regions: Sequence[Mapping[str, Any]]) -> float:
    """Fit the map (nodes and regions, y up) into the axes at one scale for x and y;
    return points per map pixel."""
    pts = [xy] + [np.array([[r["x"] - r["r"], -r["y"] - r["r"]],
                            [r["x"] + r["r"], -r["y"] + r["r"]]]) for r in regions]
    allp = np.concatenate(pts) if len(xy) or regions else np.zeros((1, 2))
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    bb = ax.get_position()
    fw, fh = ax.figure.get_size_inches() * 72  # type: ignore[union-attr]
    aw, ah = bb.width * fw, bb.height * fh
    span = np.maximum(hi - lo, 1.0)
    k = float(min(aw / span[0], ah / span[1])) * 0.94
    cx, cy = (lo + hi) / 2
    ax.set_xlim(cx - aw / (2 * k), cx + aw / (2 * k))
    ax.set_ylim(cy - ah / (2 * k), cy + ah / (2 * k))
    return k


def _draw_regions(ax: Axes, regions: Sequence[Mapping[str, Any]]) -> None:
    for r in regions:
        ax.add_patch(Circle((float(r["x"]), -float(r["y"])), float(r["r"]),
                            facecolor=(0.94, 0.27, 0.27, 0.05), edgecolor=(0.64, 0.08, 0.08, 0.45),
                            linestyle=(0, (5, 4)), linewidth=1.2, zorder=0, gid="rg-region-disc"))


def _draw_edges(s: _Sheet, m: NetworkMap, shown: Sequence[int], xy: np.ndarray
                ) -> set[str]:
    """One line collection per (colour, width, dashed) group; returns the colours drawn."""
    at = {str(m.nodes[i]["id"]): j for j, i in enumerate(shown)}
    groups: dict[tuple[str, float, bool], list[np.ndarray]] = {}
    for e in m.edges:
        a, b = at.get(str(e["from"])), at.get(str(e["to"]))
        if a is None or b is None:
            continue
        key = (str(e.get("color") or "#9aa4ae"), float(e.get("width") or 1.0),
               bool(e.get("dashes")))
        groups.setdefault(key, []).append(xy[[a, b]])
    for (colour, width, dashed), segs in groups.items():
        s.ax.add_collection(LineCollection(segs, colors=colour, linewidths=width * 0.6 * s.scale,
                                           linestyles="dashed" if dashed else "solid",
                                           alpha=0.9, zorder=1))
    return {colour for colour, _, _ in groups}


def _drawn_legend(m: NetworkMap, shown: Sequence[int], edge_colours: set[str],
                  flagged: bool) -> list[tuple[str, str, str]]:
    """The map's legend entries for what the poster draws (not the collapsed detail)."""
    marks = {(_bg(m.nodes[i].get("color")), m.nodes[i].get("shape") or "dot") for i in shown}
    out = []
    for name, colour, shape in m.legend:
        if name == viz_text(FLAG_LEGEND_NAME, m.lang):
            keep = flagged
        elif shape in ("line", "dashes"):
            keep = colour in edge_colours
        else:
            keep = (colour, shape) in marks
        if keep:
            out.append((name, colour, shape))
    return out


def _make_room(s: _Sheet, labels: Sequence[str], xy: np.ndarray, radius: np.ndarray,
               font: float) -> np.ndarray:
    """Nudge the nodes apart (a few points) so that each has room for its label below it:
    boxes of marker + label pushed apart by :func:`~regional_graph.viz.layout.remove_overlaps`
    in page points; the picture keeps its shape."""
    measure = _measurer(s, font)
    size = np.array([measure(t[:_SHORT_LABEL + 1]) for t in labels])
    pt = s.ax.transData.transform(xy)
    half_w = np.maximum(radius, size[:, 0] / 2) + 1.5
    half_h = (2 * radius + size[:, 1]) / 2 + 2.5
    centre = pt - np.column_stack([np.zeros(len(pt)), size[:, 1] / 2])
    moved = remove_overlaps(centre, half_w, half_h, iters=60)
    # never further than 2 % of the map's width (1.8 %, a margin) from the map's position
    step = moved - centre
    limit = 0.018 * float(np.ptp(pt[:, 0]))
    far = np.hypot(step[:, 0], step[:, 1])
    moved = centre + step * np.minimum(1.0, limit / np.maximum(far, 1e-9))[:, None]
    moved[:, 1] += size[:, 1] / 2
    return np.asarray(s.ax.transData.inverted().transform(moved))


def _draw_nodes(s: _Sheet, m: NetworkMap, shown: Sequence[int], xy: np.ndarray,
                diam: np.ndarray) -> None:
    """One scatter per (shape, flagged); flagged nodes get a dashed black border, as the
    legend says."""
    by_shape: dict[tuple[str, bool], list[int]] = {}
    for j, i in enumerate(shown):
        n = m.nodes[i]
        by_shape.setdefault((n.get("shape") or "dot", bool(n.get("flag"))), []).append(j)
    for (shape, flagged), js in by_shape.items():
        coll = s.ax.scatter(xy[js, 0], xy[js, 1], s=diam[js] ** 2,
                            c=[_bg(m.nodes[shown[j]].get("color")) for j in js],
                            marker=MARKERS.get(shape, "o"), zorder=2,
                            edgecolors=FLAG_EDGE if flagged else "#ffffff",
                            linewidths=(2.5 if flagged else 0.6) * s.scale)
        if flagged:
            coll.set_linestyle(FLAG_DASH)
            coll.set_gid("rg-flagged")


def _measurer(s: _Sheet, size: float) -> Callable[[str], tuple[float, float]]:
    """Text → its drawn (width, height) in points at ``size``: the sum of the glyphs'
    advance widths (read once per font, much faster than laying out each label) plus a
    little, and the height of a drawn line (measured once)."""
    advance = _advances(s.family)
    renderer = s.fig.canvas.get_renderer()  # type: ignore[attr-defined]
    probe = Text(0, 0, "图Ag", fontproperties=s.prop(size))
    probe.set_figure(s.fig)
    height = float(probe.get_window_extent(renderer).height)

    def measure(text: str) -> tuple[float, float]:
        return size * (sum(advance(c) for c in text) + 0.08), height

    return measure


@functools.cache
def _advances(family: str | None) -> Callable[[str], float]:
    """Character → advance width in ems of ``family``'s font (1.0 for a CJK ideograph;
    0.6 em for a character the font lacks)."""
    from fontTools.ttLib import TTFont

    path = font_manager.findfont(font_manager.FontProperties(family=family or "sans-serif"))
    font = TTFont(path, fontNumber=0, lazy=True)
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    em = float(font["head"].unitsPerEm)

    @functools.cache
    def advance(ch: str) -> float:
        glyph = cmap.get(ord(ch))
        return hmtx[glyph][0] / em if glyph is not None else 0.6

    return advance


def _draw_labels(s: _Sheet, m: NetworkMap, shown: Sequence[int], xy: np.ndarray,
                 radius: np.ndarray, font: float, regions: Sequence[Mapping[str, Any]],
                 notes: Sequence[tuple[int, str, list[str]]], *, label_all: bool | None
                 ) -> int:
    """Flag numbers, region names and node labels, none over another; returns how many
    node labels were left out."""
    ax = s.ax
    to_pt = ax.transData.transform
    pt = to_pt(xy) if len(xy) else np.zeros((0, 2))
    bb = ax.get_window_extent()
    bounds = (bb.x0, bb.y0, bb.x1, bb.y1)
    grid = BoxGrid(64.0)
    _draw_flag_numbers(s, notes, shown, pt, radius, font, grid)
    for j in range(len(shown)):
        r = radius[j]
        grid.add((pt[j, 0] - r, pt[j, 1] - r, pt[j, 0] + r, pt[j, 1] + r))
    region_at = _draw_region_names(s, regions, bounds, font * 1.3, grid)
    cands = [Candidate(j, str(m.nodes[i]["label"]),
                       float(m.nodes[i].get("prio") or m.nodes[i].get("size") or 14),
                       (float(pt[j, 0]), float(pt[j, 1])), float(radius[j]),
                       m.nodes[i].get("side"))
             for j, i in enumerate(shown)
             if m.nodes[i].get("label") not in (None, "") and not m.nodes[i].get("nolabel")
             and (label_all is not False or m.nodes[i].get("kind") in _ALWAYS_LABEL)]
    sides = SIDES_RIGHT if m.label_side == "right" else SIDES_BELOW
    placed, hidden = place_labels(cands, _measurer(s, font), bounds, sides=sides, grid=grid)
    inv = ax.transData.inverted().transform
    for p in placed:
        x, y = inv((p.x, p.y))
        ax.text(x, y, p.text, fontsize=font, color="#1f2328", ha="left", va="bottom",
                gid="rg-label", zorder=4, bbox=_HALO, **s.fam_kw)
    _region_more(s, regions, region_at, [m.nodes[shown[j]].get("region") for j in hidden],
                 bounds, font * 1.3, grid)
    return len(hidden)


def _draw_flag_numbers(s: _Sheet, notes: Sequence[tuple[int, str, list[str]]],
                       shown: Sequence[int], pt: np.ndarray, radius: np.ndarray,
                       font: float, grid: BoxGrid) -> None:
    """Number ``k`` at the upper right of the ``k``-th flagged node (another corner when
    taken), white on black; every number is drawn."""
    at = {i: j for j, i in enumerate(shown)}
    size = max(font * 0.9, 5 * s.scale)
    measure = _measurer(s, size)
    pad = 0.2 * size
    inv = s.ax.transData.inverted().transform
    for k, (i, _, _) in enumerate(notes, start=1):
        j = at[i]
        w, h = measure(str(k))
        w, h = w + 2 * pad, h + 2 * pad
        cx, cy, r = float(pt[j, 0]), float(pt[j, 1]), 0.6 * float(radius[j])
        spots = [(cx + r, cy + r), (cx - r - w, cy + r), (cx + r, cy - r - h),
                 (cx - r - w, cy - r - h), (cx + r + w, cy + r), (cx + r, cy + r + h)]
        x0, y0 = next(((x, y) for x, y in spots if not grid.hit((x, y, x + w, y + h))),
                      spots[0])
        grid.add((x0, y0, x0 + w, y0 + h))
        x, y = inv((x0 + pad, y0 + pad))
        s.ax.text(x, y, str(k), fontsize=size, color="#ffffff", ha="left", va="bottom",
                  gid="rg-flag-number", zorder=5,
                  bbox={"boxstyle": f"square,pad={pad / size:.3f}", "fc": FLAG_EDGE,
                        "ec": "none"}, **s.fam_kw)


def _draw_region_names(s: _Sheet, regions: Sequence[Mapping[str, Any]], bounds: Box,
                       size: float, grid: BoxGrid) -> dict[int, Text]:
    """Each region's name at the top of its disc (inside, above, or a little aside)."""
    measure = _measurer(s, size)
    to_pt, inv = s.ax.transData.transform, s.ax.transData.inverted().transform
    out: dict[int, Text] = {}
    for k, r in enumerate(regions):
        name = str(r["name"])
        w, h = measure(name)
        tx, ty = to_pt((float(r["x"]), -float(r["y"]) + float(r["r"])))
        bottom = ty - 2 * float(r["r"]) * (to_pt((1.0, 0.0))[0] - to_pt((0.0, 0.0))[0])
        spots = [(tx - w / 2 + dx, y) for y in (ty - h - 2, ty + 2, ty - 2 * h - 6,
                                                 ty + h + 6, bottom + 2, bottom - h - 2)
                 for dx in (0.0, -w / 3, w / 3, -2 * w / 3, 2 * w / 3)]
        for x0, y0 in spots:
            box = (x0, y0, x0 + w, y0 + h)
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] \
                    or box[3] > bounds[3] or grid.hit(box):
                continue
            grid.add(box)
            x, y = inv(box[:2])
            out[k] = s.ax.text(x, y, name, fontsize=size, color="#a31515", ha="left",
                               va="bottom", gid="rg-region", zorder=4, bbox=_HALO, **s.fam_kw)
            break
    return out


def _region_more(s: _Sheet, regions: Sequence[Mapping[str, Any]], region_at: Mapping[int, Text],
                 hidden_regions: Sequence[Any], bounds: Box, size: float, grid: BoxGrid
                 ) -> None:
    """" +N" after a region's name (N of its names left out) where it fits."""
    counts: dict[int, int] = {}
    for r in hidden_regions:
        if r is not None and 0 <= int(r) < len(regions):
            counts[int(r)] = counts.get(int(r), 0) + 1
    renderer = s.fig.canvas.get_renderer()  # type: ignore[attr-defined]
    measure = _measurer(s, size)
    for k, n in counts.items():
        t = region_at.get(k)
        if t is None:
            continue
        bb = t.get_window_extent(renderer)
        w, _ = measure(t.get_text() + f" +{n}")
        extra = (bb.x1 + 0.01, bb.y0, bb.x0 + w, bb.y1)
        if extra[2] <= bounds[2] and not grid.hit(extra):
            grid.add(extra)
            t.set_text(t.get_text() + f" +{n}")


def _title_block(s: _Sheet, m: NetworkMap, hidden: int) -> None:
    fig, scale = s.fig, s.scale
    fig.text(0.02, 0.965, m.title, fontsize=40 * scale, color="#a31515", va="center",
             **s.fam_kw)
    _wrapped_text(fig, 0.02, 0.925, m.subtitle, fontsize=15 * scale, color="#333333",
                  va="center", **s.fam_kw)
    if hidden:
        fig.text(0.02, 0.012, viz_text(_HIDDEN_NOTE, m.lang).format(hidden),
                 fontsize=11 * scale,
                 color="#666666", gid="rg-hidden-note", **s.fam_kw)
    fig.text(0.98, 0.012, viz_text("数据日期 {} · regional_graph", m.lang).format(m.as_of),
             ha="right",
             fontsize=11 * scale, color="#666666", **s.fam_kw)


class _BisectWrapText(Text):
    """A wrapped text whose line breaks are those of matplotlib's ``wrap=True`` (the
    most words that fit, word by word), found by bisection: a few measurements per line
    instead of one per word (the subtitle has about 50 words, each measurement ~1 ms)."""

    def _get_wrapped_text(self) -> str:
        if not self.get_wrap() or self.get_usetex():
            return self.get_text()
        width = self._get_wrap_line_width()  # type: ignore[attr-defined]
        lines: list[str] = []
        for line in self.get_text().split("\n"):
            words = line.split(" ")
            while len(words) > 1:
                # the first i (2..len) whose first i words are too wide; len + 1: none
                lo, hi = 2, len(words) + 1
                while lo < hi:
                    mid = (lo + hi) // 2
                    wide = self._get_rendered_text_width(  # type: ignore[attr-defined]
                        " ".join(words[:mid]))
                    if wide > width:
                        hi = mid
                    else:
                        lo = mid + 1
                lines.append(" ".join(words[:lo - 1]))
                words = words[lo - 1:]
            lines.extend(words)
        return "\n".join(lines)


def _wrapped_text(fig: Figure, x: float, y: float, text: str, **kw: Any) -> Text:
    """``fig.text(x, y, text, wrap=True, **kw)``, measured fewer times (see
    :class:`_BisectWrapText`)."""
    t = _BisectWrapText(x=x, y=y, text=text, transform=fig.transSubfigure, wrap=True, **kw)
    t.set_figure(fig)
    fig.texts.append(t)
    t._remove_method = fig.texts.remove  # type: ignore[attr-defined]
    return t


def _legend(s: _Sheet, m: NetworkMap, entries: Sequence[tuple[str, str, str]]) -> Any:
    scale = s.scale
    handles: list[Any] = []
    flag_label = viz_text(POSTER_FLAG_LEGEND, m.lang)
    for name, colour, shape in entries:
        if name == viz_text(FLAG_LEGEND_NAME, m.lang):
            handles.append(Patch(facecolor="#ffffff", edgecolor=FLAG_EDGE,
                                 linestyle=FLAG_DASH, linewidth=2.5 * scale,
                                 label=flag_label))
        elif shape in ("line", "dashes"):
            handles.append(Line2D([], [], color=colour, lw=3 * scale,
                                  ls="--" if shape == "dashes" else "-", label=name))
        else:
            handles.append(Line2D([], [], color="none", marker=MARKERS.get(shape, "o"),
                                  markerfacecolor=colour, markeredgecolor="#ffffff",
                                  markersize=13 * scale, label=name))
    if m.regions:
        handles.append(Patch(facecolor=(0.94, 0.27, 0.27, 0.05),
                             edgecolor=(0.64, 0.08, 0.08, 0.45), linestyle=(0, (5, 4)),
                             label=viz_text(_REGION_LEGEND.get(m.kind, "分组"), m.lang)))
    leg = s.fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.83, 0.88),
                       frameon=True, prop=s.prop(14 * scale), title=viz_text("图例", m.lang),
                       title_fontproperties=s.prop(18 * scale), labelspacing=0.35)
    leg.get_frame().set_edgecolor("#d8d4cc")
    for handle, text in zip(leg.legend_handles, leg.get_texts(), strict=True):
        if text.get_text() == flag_label:  # the legend copy keeps the dashes
            handle.set_linestyle(FLAG_DASH)  # type: ignore[union-attr]
    return leg


def flag_notes(m: NetworkMap) -> list[tuple[int, str, list[str]]]:
    """The footnotes of a poster: ``(node index, label, reasons)`` of every flagged node of
    ``m`` the poster shows (not grid and building detail), in reading order (top to bottom
    in bands, then left to right); footnote ``k`` is entry ``k - 1``. The reasons are those
    of the map's tooltips (``【…】`` lines).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> for i, label, reasons in flag_notes(maps.community_map(G, "C3",
    ...                                                    as_of=rg.datasets.REFERENCE_DATE)):
    ...     print(i, label, *reasons)
    4 西一软件 未覆盖：没有党组织覆盖（无覆盖关系）
    5 西一快递 未覆盖：没有党组织覆盖（无覆盖关系）
    0 西一社区 无结对：结对共建均已到期（最后到期 2023-12-31）
    3 小岚医院 孤立单位：共建关系均已到期（最后到期 2023-12-31）
    """
    flagged = [i for i, n in enumerate(m.nodes) if n.get("flag") and not n.get("fine")]
    if not flagged:
        return []
    ys = np.array([float(m.nodes[i]["y"]) for i in flagged])
    band = max(float(np.ptp(ys)) / 12.0, 1e-9)
    order = sorted(flagged, key=lambda i: (int((float(m.nodes[i]["y"]) - ys.min()) // band),
                                           float(m.nodes[i]["x"]), str(m.nodes[i]["id"])))
    out = []
    for i in order:
        n = m.nodes[i]
        reasons = [a or b for a, b in _REASON.findall(str(n.get("title") or ""))]
        if not reasons:  # a flag without a stated reason: name the flag
            reasons = [viz_text(FLAG_NAMES[f], m.lang) if f in FLAG_NAMES else f
                       for f in n.get("flag") or ()]
        out.append((i, str(n.get("label") or n["id"]), reasons))
    return out


#: A footnote's pieces: a run of spaces, one CJK glyph or punctuation mark (a line may
#: break before it), or a run of anything else (a word, a number, a date: never broken).
_TOKEN = re.compile(r"[ \t]+|[\u2e80-\uffff]|[^\s\u2e80-\uffff]+")


def _ems(text: str) -> float:
    """Width of ``text`` in ems, roughly: a CJK glyph 1, any other character 0.6."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in text)


def _chunks(text: str, width: float) -> list[str]:
    """Cut ``text`` into lines of about ``width`` ems, breaking between CJK glyphs or at
    spaces, never inside a word, a number or a date; continuation lines indented.

    Examples
    --------
    >>> _chunks("1  社区党委资源网络图", 8)
    ['1  社区党委资源', '    网络图']
    >>> _chunks("3  孤立单位：共建关系均已到期（最后到期 2025-01-27）", 18)
    ['3  孤立单位：共建关系均已到期（最后', '    到期 2025-01-27）']
    >>> _chunks("7  Isolated unit: every tie has expired (last on 2025-01-27)", 20)
    ['7  Isolated unit: every tie has', '    expired (last on 2025-01-27)']
    """
    indent = "    "
    lines: list[str] = []
    cur, used = "", 0.0
    for tok in _TOKEN.findall(text):
        blank = tok.isspace()
        if not blank and cur.strip() and used + _ems(tok) > width:
            lines.append(cur.rstrip())
            cur, used = indent, _ems(indent)
        if blank and cur == indent:
            continue
        cur += tok
        used += _ems(tok)
    lines.append(cur.rstrip())
    return lines


def _footnotes(fig: Figure, leg: Any, notes: Sequence[tuple[int, str, list[str]]], *,
               scale: float, fam_kw: dict[str, Any], lang: Lang = "zh") -> None:
    """Print the numbered reasons in the right column under the legend (smaller type, and
    a closing "…" line, when they do not all fit)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = leg.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    top, bottom, left = box.y0 - 0.015, 0.035, 0.83
    height_pt = (top - bottom) * fig.get_figheight() * 72
    width_pt = (0.995 - left) * fig.get_figwidth() * 72
    lines = [f"{k}  {label}" + viz_text("：", lang) + viz_text("；", lang).join(reasons)
             for k, (_, label, reasons) in enumerate(notes, start=1)]
    size = 14.0 * scale
    while True:
        per_line = max(8, int(width_pt / size))  # CJK glyphs are about 1 em wide
        wrapped = [_chunks(t, per_line) for t in lines]
        total = sum(len(w) for w in wrapped) + 2  # and the title (as `fit` below)
        if total * size * 1.3 <= height_pt or size <= 6.0 * scale:
            break
        size *= 0.9
    fit = max(0, int(height_pt / (size * 1.3)) - 2)
    body: list[str] = []
    for k, w in enumerate(wrapped):
        if len(body) + len(w) > fit:
            body.append(viz_text(_FOOT_MORE, lang).format(len(wrapped) - k))
            break
        body.extend(w)
    fig.text(left, top, viz_text(_FOOT_TITLE, lang), fontsize=size * 1.15,
             color="#a31515", va="top", gid="rg-footnotes-title", **fam_kw)
    fig.text(left, top - size * 1.3 * 1.4 / (fig.get_figheight() * 72), "\n".join(body),
             fontsize=size, color="#1f2328", va="top", linespacing=1.3, gid="rg-footnotes",
             **fam_kw)


def _bg(colour: Any) -> str:
    if isinstance(colour, dict):
        return str(colour.get("background", "#5b8ff9"))
    return str(colour or "#5b8ff9")


def write_poster(m: NetworkMap, path: str | Path, *, paper: str = "A1",
                 dpi: float | None = None, fmt: str | None = None) -> Path:
    """Save the poster of ``m`` as PNG, SVG or PDF (format from the suffix or ``fmt``).

    Parameters
    ----------
    m
        The map.
    path
        Output file.
    paper
        ``"A0"``, ``"A1"``, ``"A2"`` or ``"A3"`` (landscape).
    dpi
        Raster resolution for PNG (default 150 for A1 and smaller, 100 for A0).
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``; default from the suffix.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, regional_graph as rg
    >>> from PIL import Image
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> out = write_poster(maps.org_chart(G, "S1", as_of=rg.datasets.REFERENCE_DATE),
    ...                    pathlib.Path(tempfile.mkdtemp()) / "c.png", paper="A3", dpi=50)
    >>> png = Image.open(out)  # A3 landscape, 420 x 297 mm at 50 dpi
    >>> png.size, png.info["Title"], png.info["Description"]
    ((826, 584), '东街道党组织架构图（含大工委、大党委）', '数据日期 2026-10-01')
    """
    p = Path(path)
    kind = (fmt or p.suffix.lstrip(".")).lower()
    if kind not in ("png", "svg", "pdf"):
        raise ValueError(f"poster format must be png, svg or pdf, got {kind!r}")
    if dpi is None:
        dpi = 100 if paper.upper() == "A0" else 150
    fig = poster_figure(m, paper=paper)
    # the data date, never today's: no creation date in the file, the as-of date instead
    meta: dict[str, Any] = {"Title": m.title}
    if kind == "pdf":
        meta.update({"Creator": "regional_graph",
                     "Subject": viz_text("数据日期 {}", m.lang).format(m.as_of),
                     "CreationDate": None})
    elif kind == "svg":
        meta["Date"] = m.as_of
    else:
        meta["Description"] = viz_text("数据日期 {}", m.lang).format(m.as_of)
    with mpl.rc_context(_RC):
        fig.savefig(p, format=kind, dpi=dpi, facecolor="#ffffff", metadata=meta or None)
    log.debug("poster %s (%s, %s)", p, paper, kind)
    return p


def write_posters(maps: Sequence[NetworkMap], out_dir: str | Path, *,
                  formats: Sequence[str] = ("pdf",), paper: str = "A1",
                  dpi: float | None = None) -> dict[str, Path]:
    """Write a poster of each map in each format into ``out_dir``.

    Returns
    -------
    dict
        ``"<map key>.<format>"`` → path.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> out = write_posters([maps.org_chart(G, "S01")], tempfile.mkdtemp(), formats=["svg"])
    >>> list(out)
    ['org_chart_S01.svg']
    """
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for m in maps:
        for fmt in (f.lower().lstrip(".") for f in formats):
            out[f"{m.key}.{fmt}"] = write_poster(m, d / f"{m.key}.{fmt}", paper=paper, dpi=dpi)
    return out


#: Node kinds, for docs: the legend of a poster lists these for the kinds present.
KINDS = tuple(schema.NODE_STYLE)
