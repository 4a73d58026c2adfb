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

from .._lazy import attach

# the neo4j driver loads on first use
__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["connection", "cypher", "gds", "indicators", "load", "local_server", "queries",
                "save", "versions"],
    names={"Connection": "connection", "Neo4jSettings": "connection", "connect": "connection",
           "indicators_from_neo4j": "indicators",
           "indicators_tables_from_neo4j": "indicators", "list_datasets": "load",
           "load_graph": "load", "load_tables": "load",
           "report_from_neo4j": "queries", "SaveSummary": "save", "delete_dataset": "save",
           "ensure_schema": "save", "save_graph": "save"},
)
