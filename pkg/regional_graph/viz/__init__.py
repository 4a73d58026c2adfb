"""Offline wall maps and print posters.

Modules: :mod:`~regional_graph.viz.maps` (community / street / district maps, org charts,
``write_maps``), :mod:`~regional_graph.viz.posters` (A0/A1 PNG, SVG, PDF),
:mod:`~regional_graph.viz.render` (the self-contained HTML page),
:mod:`~regional_graph.viz.headline` (title-block counts from the indicator tables, ``index.csv``),
:mod:`~regional_graph.viz.wallscreen` (``wall.html``, cycling through the maps),
:mod:`~regional_graph.viz.notebook` (Jupyter preview, pyvis export),
:mod:`~regional_graph.viz.batch` (parallel rendering),
:mod:`~regional_graph.viz.layout` and :mod:`~regional_graph.viz.fonts`.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph import viz
>>> G = rg.datasets.load_sample_district()
>>> viz.maps.org_chart(G, "S01").kind
'org_chart'
"""

from __future__ import annotations

from .._lazy import attach

# each submodule loads on first use
__getattr__, __dir__, __all__ = attach(
    __name__, submodules=["batch", "dashboard", "fonts", "headline", "layout", "maps",
                          "notebook", "placement", "plots", "posters", "render", "wallscreen"])
