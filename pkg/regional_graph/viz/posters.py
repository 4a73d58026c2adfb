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

from .. import schema
from .fonts import matplotlib_cjk_family

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
    family = cjk_family()
    fam_kw: dict[str, Any] = {"fontfamily": family} if family else {}
    w, h = _paper(paper)
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

        # nodes: one call per (shape, flagged)
        by_shape: dict[tuple[str, bool], list[int]] = {}
        for i, n in enumerate(nodes):
            by_shape.setdefault((n.get("shape") or "dot", bool(n.get("flag"))), []).append(i)
        for (shape, flagged), ids in by_shape.items():
            colours = [_bg(nodes[i].get("color")) for i in ids]
            sizes = [size_k * float(nodes[i].get("size") or 12) for i in ids]
            nx.draw_networkx_nodes(g, pos, nodelist=ids, ax=ax, node_color=colours,
                                   node_size=sizes, node_shape=MARKERS.get(shape, "o"),
                                   edgecolors="#111111" if flagged else "#ffffff",
                                   linewidths=(2.5 if flagged else 0.6) * scale)

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

        # title block and legend
        fig.text(0.02, 0.965, m.title, fontsize=40 * scale, color="#a31515",
                 fontweight="bold", va="center", **fam_kw)
        fig.text(0.02, 0.925, m.subtitle, fontsize=15 * scale, color="#333333", va="center",
                 wrap=True, **fam_kw)
        handles = []
        for name, colour, shape in m.legend:
            if shape in ("line", "dashes"):
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
        fig.text(0.98, 0.012, f"数据日期 {m.as_of} · regional_graph", ha="right",
                 fontsize=11 * scale, color="#666666", **fam_kw)
    return fig


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
    meta: dict[str, Any] = {"Title": m.title} if kind in ("pdf", "svg") else {}
    if kind == "pdf":
        meta["Creator"] = "regional_graph"
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
