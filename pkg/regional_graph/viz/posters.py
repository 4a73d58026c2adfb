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
>>> b"/FontFile2" in path.read_bytes()
True
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import networkx as nx
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import schema
from .fonts import matplotlib_cjk_family, matplotlib_subset_family
from .maps import FLAG_BORDER, FLAG_LEGEND, FLAG_NAMES

if TYPE_CHECKING:
    from .maps import NetworkMap

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
_RC = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "path",
       "axes.unicode_minus": False}
_LABEL_ALL_MAX = 400
#: Flagged nodes: border colour and dash pattern (the legend entry uses the same).
FLAG_EDGE = FLAG_BORDER
FLAG_DASH: tuple[float, tuple[float, float]] = (0.0, (3.0, 2.0))
#: The legend entry of flagged nodes on paper (the HTML's points at tooltips).
POSTER_FLAG_LEGEND = "需关注（黑色虚线框，编号见下方脚注）"
FLAG_LEGEND_NAME = FLAG_LEGEND[0]
_REASON = re.compile(r"【([^】]+)】")
_FOOT_TITLE = "需关注（编号与图中黑色虚线框节点对应）"
_FOOT_MORE = "……另有 {} 项，见网页版地图的提示"
_POSTER_TEXT = (POSTER_FLAG_LEGEND + _FOOT_TITLE + _FOOT_MORE + "图例数据日期 regional_graph"
                + "0123456789")
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
    >>> fam = cjk_family()
    >>> fam is None or isinstance(fam, str)
    True
    """
    return matplotlib_cjk_family()


def poster_family(maps: Sequence[NetworkMap]) -> str | None:
    """The font family for posters of ``maps``: a small subset of the CJK font holding
    every character they show (see :func:`~regional_graph.viz.fonts.matplotlib_subset_family`),
    so that saving a PDF takes a fraction of a second instead of seconds.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> fam = poster_family([maps.org_chart(G, "S01")])
    >>> fam is None or fam.startswith("RG Poster CJK")
    True
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

    Parameters
    ----------
    m
        A map from :mod:`regional_graph.viz.maps`.
    paper
        ``"A0"``, ``"A1"`` (default), ``"A2"`` or ``"A3"``.
    label_all
        Label every node (default: when the map has at most 400 nodes; otherwise only areas
        and Party organisations).

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas (no pyplot).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> fig = poster_figure(maps.org_chart(G, "S01"), paper="A1")
    >>> [round(v) for v in fig.get_size_inches()]
    [33, 23]
    """
    w, h = _paper(paper)
    family = poster_family([m])
    fam_kw: dict[str, Any] = {"fontfamily": family} if family else {}
    scale = w / PAPER_SIZES["A1"][0]
    with mpl.rc_context(_RC):
        fig = Figure(figsize=(w, h))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.03, 0.80, 0.86))
        ax.set_axis_off()
        nodes = m.nodes
        idx = {n["id"]: i for i, n in enumerate(nodes)}
        xy = np.array([[n["x"], -n["y"]] for n in nodes], dtype=float).reshape(-1, 2)
        pos = {i: tuple(p) for i, p in enumerate(xy)}
        g = nx.Graph()
        g.add_nodes_from(range(len(nodes)))
        n_nodes = max(len(nodes), 1)
        size_k = scale * float(np.clip(900.0 / np.sqrt(n_nodes), 8.0, 60.0))

        # edges: one call per (colour, width, dashed) group
        groups: dict[tuple[str, float, bool], list[tuple[int, int]]] = {}
        for e in m.edges:
            a, b = idx.get(e["from"]), idx.get(e["to"])
            if a is None or b is None:
                continue
            key = (str(e.get("color") or "#9aa4ae"), float(e.get("width") or 1.0),
                   bool(e.get("dashes")))
            groups.setdefault(key, []).append((a, b))
        for (colour, width, dashed), el in groups.items():
            nx.draw_networkx_edges(g, pos, edgelist=el, ax=ax, edge_color=colour,
                                   width=width * 0.6 * scale,
                                   style="dashed" if dashed else "solid", alpha=0.9)

        # nodes: one call per (shape, flagged); flagged nodes get a dashed black border,
        # as the legend says
        by_shape: dict[tuple[str, bool], list[int]] = {}
        for i, n in enumerate(nodes):
            by_shape.setdefault((n.get("shape") or "dot", bool(n.get("flag"))), []).append(i)
        for (shape, flagged), ids in by_shape.items():
            colours = [_bg(nodes[i].get("color")) for i in ids]
            sizes = [size_k * float(nodes[i].get("size") or 12) for i in ids]
            coll = nx.draw_networkx_nodes(g, pos, nodelist=ids, ax=ax, node_color=colours,
                                          node_size=sizes, node_shape=MARKERS.get(shape, "o"),
                                          edgecolors=FLAG_EDGE if flagged else "#ffffff",
                                          linewidths=(2.5 if flagged else 0.6) * scale)
            if flagged:
                coll.set_linestyle(FLAG_DASH)
                coll.set_gid("rg-flagged")

        # labels, with the CJK family passed explicitly (networkx ignores rcParams)
        show_all = label_all if label_all is not None else len(nodes) <= _LABEL_ALL_MAX
        labels = {i: str(n["label"]) for i, n in enumerate(nodes)
                  if n.get("label") is not None
                  and (show_all or n.get("kind") in _ALWAYS_LABEL)}
        font_size = scale * float(np.clip(260.0 / np.sqrt(n_nodes), 3.0, 14.0))
        span = float(np.ptp(xy[:, 1])) if len(xy) else 1.0
        drop = 0.012 * (span or 1.0)  # labels just below their node
        label_pos = {i: (p[0], p[1] - drop) for i, p in pos.items()}
        nx.draw_networkx_labels(g, label_pos, labels=labels, ax=ax, font_size=font_size,
                                font_family=family or "sans-serif", font_color="#1f2328",
                                verticalalignment="top")
        ax.margins(0.03)

        # flagged nodes: a number beside each, the reasons as footnotes (paper has no tooltips)
        notes = flag_notes(m)
        for k, (i, _, _) in enumerate(notes, start=1):
            x, y = pos[i]
            ax.annotate(str(k), (x, y), xytext=(5 * scale, 5 * scale),
                        textcoords="offset points", fontsize=max(font_size * 0.9, 5 * scale),
                        color="#ffffff", ha="left", va="bottom",
                        gid="rg-flag-number",
                        bbox={"boxstyle": "round,pad=0.15", "fc": FLAG_EDGE, "ec": "none"},
                        **fam_kw)

        # title block and legend
        fig.text(0.02, 0.965, m.title, fontsize=40 * scale, color="#a31515",
                 va="center", **fam_kw)
        fig.text(0.02, 0.925, m.subtitle, fontsize=15 * scale, color="#333333", va="center",
                 wrap=True, **fam_kw)
        handles: list[Any] = []
        for name, colour, shape in m.legend:
            if name == FLAG_LEGEND_NAME:
                handles.append(Patch(facecolor="#ffffff", edgecolor=FLAG_EDGE,
                                     linestyle=FLAG_DASH, linewidth=2.5 * scale,
                                     label=POSTER_FLAG_LEGEND))
            elif shape in ("line", "dashes"):
                handles.append(Line2D([], [], color=colour, lw=3 * scale,
                                      ls="--" if shape == "dashes" else "-", label=name))
            else:
                handles.append(Line2D([], [], color="none", marker=MARKERS.get(shape, "o"),
                                      markerfacecolor=colour, markeredgecolor="#ffffff",
                                      markersize=16 * scale, label=name))
        prop = font_manager.FontProperties(family=family, size=16 * scale) if family \
            else font_manager.FontProperties(size=16 * scale)
        leg = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.83, 0.88),
                         frameon=True, prop=prop, title="图例",
                         title_fontproperties=font_manager.FontProperties(
                             family=family, size=20 * scale) if family else None)
        leg.get_frame().set_edgecolor("#d8d4cc")
        for handle, text in zip(leg.legend_handles, leg.get_texts(), strict=True):
            if text.get_text() == POSTER_FLAG_LEGEND:  # the legend copy keeps the dashes
                handle.set_linestyle(FLAG_DASH)  # type: ignore[union-attr]
        if notes:
            _footnotes(fig, leg, notes, scale=scale, fam_kw=fam_kw)
        fig.text(0.98, 0.012, f"数据日期 {m.as_of} · regional_graph", ha="right",
                 fontsize=11 * scale, color="#666666", **fam_kw)
    return fig


def flag_notes(m: NetworkMap) -> list[tuple[int, str, list[str]]]:
    """The footnotes of a poster: ``(node index, label, reasons)`` of every flagged node of
    ``m``, in reading order (top to bottom in bands, then left to right); footnote ``k``
    is entry ``k - 1``. The reasons are those of the map's tooltips (``【…】`` lines).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> notes = flag_notes(maps.community_map(G, "C004", as_of=rg.datasets.REFERENCE_DATE))
    >>> len(notes) > 0, all(r for _, _, r in notes)
    (True, True)
    >>> notes[0][2][0].split("：")[0] in ("未覆盖", "应建未建", "孤立单位", "无结对", "未满足需求")
    True
    """
    flagged = [i for i, n in enumerate(m.nodes) if n.get("flag")]
    if not flagged:
        return []
    ys = np.array([float(m.nodes[i]["y"]) for i in flagged])
    band = max(float(np.ptp(ys)) / 12.0, 1e-9)
    order = sorted(flagged, key=lambda i: (int((float(m.nodes[i]["y"]) - ys.min()) // band),
                                           float(m.nodes[i]["x"]), str(m.nodes[i]["id"])))
    out = []
    for i in order:
        n = m.nodes[i]
        reasons = _REASON.findall(str(n.get("title") or ""))
        if not reasons:  # a flag without a stated reason: name the flag
            reasons = [FLAG_NAMES.get(f, f) for f in n.get("flag") or ()]
        out.append((i, str(n.get("label") or n["id"]), reasons))
    return out


def _chunks(text: str, width: int) -> list[str]:
    """Cut ``text`` into lines of ``width`` characters (CJK has no spaces to break at);
    continuation lines indented.

    Examples
    --------
    >>> _chunks("1  社区党委资源网络图", 8)
    ['1  社区党委资', '    源网络图']
    """
    out = [text[:width]]
    rest = text[width:]
    while rest:
        out.append("    " + rest[: width - 4])
        rest = rest[width - 4:]
    return out


def _footnotes(fig: Figure, leg: Any, notes: Sequence[tuple[int, str, list[str]]], *,
               scale: float, fam_kw: dict[str, Any]) -> None:
    """Print the numbered reasons in the right column under the legend (smaller type, and
    a closing "…" line, when they do not all fit)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    box = leg.get_window_extent(renderer).transformed(fig.transFigure.inverted())
    top, bottom, left = box.y0 - 0.015, 0.035, 0.83
    height_pt = (top - bottom) * fig.get_figheight() * 72
    width_pt = (0.995 - left) * fig.get_figwidth() * 72
    lines = [f"{k}  {label}：" + "；".join(reasons)
             for k, (_, label, reasons) in enumerate(notes, start=1)]
    size = 14.0 * scale
    while True:
        per_line = max(8, int(width_pt / size))  # CJK glyphs are about 1 em wide
        wrapped = [_chunks(t, per_line) for t in lines]
        total = sum(len(w) for w in wrapped) + 1
        if total * size * 1.3 <= height_pt or size <= 6.0 * scale:
            break
        size *= 0.9
    fit = max(0, int(height_pt / (size * 1.3)) - 2)
    body: list[str] = []
    for k, w in enumerate(wrapped):
        if len(body) + len(w) > fit:
            body.append(_FOOT_MORE.format(len(wrapped) - k))
            break
        body.extend(w)
    fig.text(left, top, _FOOT_TITLE, fontsize=size * 1.15,
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
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> out = write_poster(maps.org_chart(G, "S01"),
    ...                    pathlib.Path(tempfile.mkdtemp()) / "c.png", paper="A3", dpi=50)
    >>> out.stat().st_size > 10_000
    True
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
        meta.update({"Creator": "regional_graph", "Subject": f"数据日期 {m.as_of}",
                     "CreationDate": None})
    elif kind == "svg":
        meta["Date"] = m.as_of
    else:
        meta["Description"] = f"数据日期 {m.as_of}"
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
