"""Offline wall maps and print posters.

Modules: :mod:`~regional_graph.viz.maps` (community / street / district maps, org charts,
``write_maps``: every name of the modules below), made of
:mod:`~regional_graph.viz.networkmap` (the map object, styles of edges and marks),
:mod:`~regional_graph.viz.mapdata` (what every node and edge shows, once per graph),
:mod:`~regional_graph.viz.mapflags` (analysis marks with reasons),
:mod:`~regional_graph.viz.maptext` (text columns of labels and tooltips),
:mod:`~regional_graph.viz.assemble` (one map: selection, positions, legend, title block),
:mod:`~regional_graph.viz.areamaps` (community, street and district maps),
:mod:`~regional_graph.viz.orgchart` (a street's org chart) and
:mod:`~regional_graph.viz.mapfolder` (every map of a graph, ``index.html``, ``write_maps``);
:mod:`~regional_graph.viz.posters` (A0/A1 PNG, SVG, PDF),
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
    __name__, submodules=["areamaps", "assemble", "batch", "dashboard", "fonts", "headline",
                          "layout", "layoutfile", "mapdata", "mapflags", "mapfolder", "maps",
                          "maptext", "networkmap", "notebook", "orgchart", "placement", "plots",
                          "posters", "render", "wallscreen"])
