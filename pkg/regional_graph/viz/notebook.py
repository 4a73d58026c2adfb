"""Maps in Jupyter and in pyvis: an inline, self-contained preview and a pyvis ``Network``
with the map's positions, colours and labels.

The wall maps keep their own renderer (:mod:`regional_graph.viz.render`): it inlines
vis-network and a CJK font subset, so one file works offline on a wall PC without Chinese
fonts, and adds the legend, filters, search and a strict no-network policy. pyvis pages load
their scripts from a CDN (or a ``lib/`` folder beside the file) and have none of those.
:func:`to_pyvis` is for researchers who continue in pyvis.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz import maps
>>> G = rg.datasets.load_tiny()
>>> m = maps.org_chart(G, "S1", as_of="2024-06-30")
>>> snippet = repr_html(m)
>>> snippet[:7], snippet.count("srcdoc="), snippet.count("/tmp")
('<iframe', 1, 0)
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyvis.network import Network

    from .networkmap import NetworkMap

__all__ = ["repr_html", "to_pyvis"]


def repr_html(m: NetworkMap, *, height: int = 640) -> str:
    """The map as an ``<iframe srcdoc=…>`` holding the whole offline page (for Jupyter's
    ``_repr_html_``: no file, no server path, no network).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> m = maps.org_chart(G, "S1", as_of="2024-06-30")
    >>> html.unescape(repr_html(m).split('srcdoc="', 1)[1])[:15]
    '<!DOCTYPE html>'
    """
    page = m.to_html()
    return (f'<iframe title="{html.escape(m.title)}" srcdoc="{html.escape(page, quote=True)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #d8d4cc" '
            'sandbox="allow-scripts"></iframe>')


def to_pyvis(m: NetworkMap, *, height: str = "800px", width: str = "100%") -> Network:
    """A pyvis ``Network`` of the map: same ids, positions (``x``, ``y``), colours, shapes,
    sizes, labels, tooltips, edge colours, widths and dashes; physics off. Every edge of the
    map is kept: two relationships between the same pair (a unit that sits on a committee and
    is a member of its joint conference) are two edges, the second one curved.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> m = maps.org_chart(rg.datasets.load_tiny(), "S1")  # 东街道: PS1, its committees, O1
    >>> net = to_pyvis(m)
    >>> [(n["id"], n["label"]) for n in net.nodes]
    [('PS1', '东街道党工委'), ('PC1', '东一社区党委'), ('PC2', '东二社区党委'), ('O1', '小岚中学')]
    >>> [(n["x"], n["y"]) for n in net.nodes], net.options.physics.enabled  # the map's places
    ([(0.0, 0.0), (200.0, 0.0), (0.0, 160.0), (34.0, 40.0)], False)
    >>> [(n["x"], n["y"]) for n in m.nodes]
    [(0.0, 0.0), (200.0, 0.0), (0.0, 160.0), (34.0, 40.0)]
    >>> [(e["from"], e["to"], e["title"].split("\\n")[0]) for e in net.edges]  # O1 twice on PS1
    [('O1', 'PS1', '兼职委员'), ('O1', 'PS1', '联席会成员')]
    """
    from pyvis.network import Network

    net = Network(height=height, width=width, directed=False, heading="",
                  cdn_resources="in_line")
    for n in m.nodes:
        extra: dict[str, Any] = {}
        vis = n.get("vis") or {}
        if "borderWidth" in vis:
            extra["borderWidth"] = vis["borderWidth"]
        if "shapeProperties" in vis:
            extra["shapeProperties"] = vis["shapeProperties"]
        net.add_node(n["id"], label=str(n.get("label") or ""), x=float(n["x"]),
                     y=float(n["y"]), color=n.get("color"), shape=n.get("shape") or "dot",
                     size=float(n.get("size") or 12), title=n.get("title") or None,
                     physics=False, **extra)
    parallel: dict[frozenset[str], int] = {}  # edges so far between each pair
    for e in m.edges:
        kw: dict[str, Any] = {"color": e.get("color"), "width": float(e.get("width") or 1),
                              "dashes": e.get("dashes") or False}
        if e.get("title"):
            kw["title"] = e["title"]
        if e.get("label"):
            kw["label"] = str(e["label"])
        pair = frozenset((e["from"], e["to"]))
        k = parallel[pair] = parallel.get(pair, 0) + 1
        if k > 1:  # drawn beside the first, not on top of it
            kw["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.2 * (k - 1)}
        # what add_edge stores; add_edge itself drops an undirected pair's second edge
        net.edges.append({**kw, "from": e["from"], "to": e["to"]})
    net.toggle_physics(False)
    return net
