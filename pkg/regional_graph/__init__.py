"""regional_graph: graph analysis of regional joint-building networks (区域化党建 · 资联网).

Modules: :mod:`~regional_graph.schema` (labels, enums, the table template),
:mod:`~regional_graph.io` (CSV/xlsx in and out), :mod:`~regional_graph.validate`,
:mod:`~regional_graph.build` (tables ↔ graph), :mod:`~regional_graph.graph`,
:mod:`~regional_graph.datasets`.

Submodules and the names below load on first use: ``import regional_graph`` imports neither
pandas nor any other heavy library, so a script or the command line pays only for what it uses.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.load_graph(rg.datasets.TINY)  # a folder of CSV files: 小岚区, the tiny district
>>> G.number_of_nodes(), G.number_of_edges()
(30, 48)
>>> G.ids[G.label_range("Area")].tolist()
['D1', 'S1', 'S2', 'C1', 'C2', 'C3']
"""

from __future__ import annotations

import logging

from ._lazy import attach, name_missing_extras

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["analysis", "build", "datasets", "errors", "export", "frames", "geo", "graph", "io",
                "matching", "merging", "problems", "schema", "store", "validate", "viz", "vocab"],
    names={"InfeasibleMatchingError": "errors", "MatchingError": "errors",
           "MissingDependencyError": "errors",
           "RegionalGraph": "graph",
           "RegionalGraphError": "errors", "StoreError": "errors",
           "TableValidationError": "errors", "load_graph": "build", "merge": "merging",
           "save_graph": "build"},
)
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
# a missing optional library (maps, structure, matching, neo4j) names its extra at first use
name_missing_extras()
