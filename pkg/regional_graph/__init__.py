"""regional_graph: graph analysis of regional joint-building networks (区域化党建 · 资联网).

Modules: :mod:`~regional_graph.schema` (labels, enums, the table template),
:mod:`~regional_graph.io` (CSV/xlsx in and out), :mod:`~regional_graph.validate`,
:mod:`~regional_graph.build` (tables ↔ graph), :mod:`~regional_graph.graph`,
:mod:`~regional_graph.datasets`.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.load_graph(rg.datasets.SAMPLE_DISTRICT)
>>> G.number_of_nodes() == rg.datasets.load_sample_district().number_of_nodes()
True
"""

from __future__ import annotations

import logging

from . import (
    analysis,
    build,
    datasets,
    errors,
    export_formats,
    flow,
    graph,
    io,
    matching,
    merging,
    orders,
    provenance,
    report,
    schema,
    store,
    validate,
)
from .build import load_graph, save_graph
from .errors import InfeasibleMatchingError, RegionalGraphError, StoreError, TableValidationError
from .graph import RegionalGraph
from .merging import merge

__all__ = [
    "InfeasibleMatchingError",
    "RegionalGraph",
    "RegionalGraphError",
    "StoreError",
    "TableValidationError",
    "analysis",
    "build",
    "datasets",
    "errors",
    "export_formats",
    "flow",
    "graph",
    "io",
    "load_graph",
    "matching",
    "merge",
    "merging",
    "orders",
    "provenance",
    "report",
    "save_graph",
    "schema",
    "store",
    "validate",
]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
