"""Neo4j over Bolt: store, load and query a :class:`~regional_graph.graph.RegionalGraph`.

All Cypher lives in :mod:`~regional_graph.store.cypher`. A connection is a caller's
``neo4j.Driver`` (never closed here) or settings (``uri``, ``user``, ``password``,
``database``; defaults from ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``). Every stored node and relationship carries ``dataset`` (its scope), so
one database can hold several datasets side by side.

Examples
--------
With a server (``python -m regional_graph.store.local_server`` starts a local one):

```python
import regional_graph as rg
G = rg.datasets.load_sample_district()
rg.store.save_graph(G, uri="bolt://localhost:7687", dataset="haian")
H = rg.store.load_graph(uri="bolt://localhost:7687", dataset="haian")
assert H == G
rg.store.queries.uncovered(uri="bolt://localhost:7687", dataset="haian")
```
"""

from __future__ import annotations

from . import cypher, gds, queries
from .connection import Connection, Neo4jSettings, connect
from .load import list_datasets, load_graph, load_tables
from .queries import report_from_neo4j
from .save import SaveSummary, delete_dataset, ensure_schema, save_graph

__all__ = [
    "Connection",
    "Neo4jSettings",
    "SaveSummary",
    "connect",
    "cypher",
    "delete_dataset",
    "ensure_schema",
    "gds",
    "list_datasets",
    "load_graph",
    "load_tables",
    "queries",
    "report_from_neo4j",
    "save_graph",
]
