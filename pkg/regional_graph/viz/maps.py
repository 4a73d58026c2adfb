"""Wall-display network maps (资联网地图) of a regional graph: per community, per street, the
district overview and the street org charts, as offline HTML pages.

Each map is a :class:`NetworkMap`: node and edge dicts with positions computed here
(deterministic, fixed seed; physics off in the page), a legend from
:data:`regional_graph.schema.NODE_STYLE`, filters and a title block. Pages are drawn by
:func:`regional_graph.viz.render.render_map_html` with an embedded CJK font subset, so a
wall PC without Chinese fonts, and without a network, shows them correctly.

Every public name is importable from here; the code lives in one module per concern:
:mod:`~regional_graph.viz.networkmap` (the map object and the styles of edges and marks),
:mod:`~regional_graph.viz.mapdata` (what every node and edge shows, computed once per graph),
:mod:`~regional_graph.viz.mapflags` (the analysis marks and their reasons),
:mod:`~regional_graph.viz.maptext` (text columns of labels and tooltips),
:mod:`~regional_graph.viz.assemble` (one map: selection, positions, legend, title block),
:mod:`~regional_graph.viz.areamaps` (community, street and district maps),
:mod:`~regional_graph.viz.orgchart` (a street's org chart) and
:mod:`~regional_graph.viz.mapfolder` (every map of a graph written as a folder).

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
>>> m.kind, m.counts["nodes"], len(m.nodes), m.street_id
('community', 51, 51, 'S01')
>>> sorted({n["kind"] for n in m.nodes})[:5]
['building', 'community', 'demand', 'enterprise', 'grid']
"""


from __future__ import annotations

# the maps live in modules by concern; every name of the module before the split stays
# importable from here (F401: those outside __all__)
from .areamaps import community_map, district_overview, street_map
from .layoutfile import (
    LAYOUT_COLUMNS,
    LAYOUT_DIR,
    keep_layout,
    layout_files,
    layout_table,
    read_layout,
    write_layout,
)
from .mapdata import ALLOWED_FIELDS, ALLOWED_LINK_FIELDS  # noqa: F401
from .mapfolder import all_maps, build_map, index_page, map_jobs, write_maps  # noqa: F401
from .networkmap import (  # noqa: F401
    EDGE_STYLE,
    FLAG_BORDER,
    FLAG_LEGEND,
    FLAG_NAMES,
    STATUS_STYLE,
    Layout,
    NetworkMap,
)
from .orgchart import org_chart

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
