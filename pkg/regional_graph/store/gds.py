"""Structure analytics where the data lives: Graph Data Science on the server.

The joint-building network of :mod:`regional_graph.analysis.structure` (actors joined by
live ``paired_with``, ``sits_on`` and ``conference_member`` links; a Party org hosted by an
organisation *is* that organisation, a territorial committee *is* the area it leads; parallel
links make one edge, self-links are dropped) is projected into GDS by one Cypher aggregation,
then GDS runs the algorithm and the results come back keyed by actor id:

* :func:`components` — weakly connected components (``gds.wcc``): the same partition as
  the connected components of ``structure.tie_network``;
* :func:`betweenness` — ``gds.betweenness``: equal (to rounding) to
  ``structure.betweenness(G, normalized=False)``;
* :func:`communities` — ``gds.louvain``: a partition and its modularity (Louvain is
  randomised; the modularity is within a few hundredths of igraph's);
* :func:`similar_actors` — ``gds.nodeSimilarity`` (Jaccard of the partner sets).

Needs the GDS plugin (Neo4j with GDS, AuraDS); a server without it gets a clear
:class:`~regional_graph.errors.StoreError` (Aura Free, Community without the plugin).

Examples
--------
```python
from regional_graph.store import connect, gds

with connect(uri="bolt://localhost:7687", dataset="haian") as conn:
    comp = gds.components(conn, as_of="2026-10-01")   # id → component
```
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
import pandas as pd

from ..errors import StoreError
from ..graph import DateLike
from . import _datasets
from .connection import Connection, connect, dataset_of
from .cypher import actor, live_link
from .versions import current_scope

__all__ = ["betweenness", "communities", "components", "has_gds", "similar_actors"]

log = logging.getLogger(__name__)

#: Area level → the territorial Party org level that leads it (as in ``structure``).
LEADS_LEVEL = {"district": "district_committee", "street": "street_committee",
               "community": "community_committee", "grid": "grid_branch",
               "building": "building_group"}

NO_GDS = ("该 Neo4j 服务器没有 Graph Data Science (GDS) 插件，无法在服务器上计算网络结构；"
          "请安装 GDS（自建服务器）或使用 AuraDS，其他分析不受影响 (this server has no "
          "Graph Data Science plugin: Neo4j Community without the plugin and Aura Free lack it; "
          "install GDS or use AuraDS)")

PROJECT = f"""MATCH (a)-[r:PAIRED_WITH|SITS_ON|CONFERENCE_MEMBER]->(b)
WHERE r.dataset = $scope AND {live_link("r", "a", "b")}
WITH DISTINCT a, b
{actor("a", "x")}
{actor("b", "y")}
WITH x, y WHERE x <> y
WITH DISTINCT CASE WHEN elementId(x) < elementId(y) THEN [x, y] ELSE [y, x] END AS pair
WITH gds.graph.project($name, pair[0], pair[1], {{}},
                       {{undirectedRelationshipTypes: ['*']}}) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships"""


def has_gds(conn: Connection) -> bool:
    """Whether the server offers the GDS procedures this module uses."""
    rec = conn.read("SHOW PROCEDURES YIELD name WHERE name IN $names RETURN count(*) AS n",
                    names=["gds.graph.drop", "gds.wcc.stream"])
    return int(rec[0]["n"]) == 2


@contextmanager
def _projected(driver: Any, dataset: str | None, as_of: DateLike,
               conn_args: dict[str, Any]) -> Iterator[tuple[Connection, str]]:
    with connect(driver, **conn_args) as conn:
        if not has_gds(conn):
            raise StoreError(NO_GDS)
        logical = _datasets.resolve_dataset(conn, dataset_of(driver, dataset))
        scope = current_scope(conn, logical)[0]
        name = f"rg_ties_{uuid.uuid4().hex[:12]}"
        day = _datasets.day(as_of)
        rec = conn.read(PROJECT, scope=scope, day=day, name=name, leads=LEADS_LEVEL)
        log.info("projected the tie network of %r: %s actors, %s relationships", logical,
                 rec[0]["nodes"] if rec else 0, rec[0]["relationships"] if rec else 0)
        try:
            yield conn, name
        finally:
            conn.read("CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName",
                      name=name)


def _stream(algorithm: str, column: str, dtype: str,
            config: dict[str, Any] | None = None) -> Callable[..., pd.Series]:
    def run(driver: neo4j.Driver | Connection | None = None, *, dataset: str | None = None,
            as_of: DateLike = None, **conn_args: Any) -> pd.Series:
        with _projected(driver, dataset, as_of, conn_args) as (conn, name):
            recs = conn.read(
                f"CALL gds.{algorithm}.stream($name, $config) YIELD nodeId, {column} "
                f"RETURN gds.util.asNode(nodeId).id AS id, {column} AS value",
                name=name, config=config or {})
        ids = pd.Index([r["id"] for r in recs], dtype="str", name="id")
        out = pd.Series([r["value"] for r in recs], index=ids, dtype=dtype, name=column)
        return out.sort_index()

    return run


_wcc = _stream("wcc", "componentId", "int64")
_betweenness = _stream("betweenness", "score", "float64")


def components(driver: neo4j.Driver | Connection | None = None, *, dataset: str | None = None,
               as_of: DateLike = None, **conn_args: Any) -> pd.Series:
    """Connected component (``gds.wcc``) of every actor with a live tie, by actor id.

    Component numbers are GDS's; compare partitions, not numbers.

    Examples
    --------
    ```python
    comp = gds.components(conn, as_of="2026-10-01")
    comp.value_counts().iloc[0]        # actors in the largest component
    ```
    """
    return _wcc(driver, dataset=dataset, as_of=as_of, **conn_args).rename("component")


def betweenness(driver: neo4j.Driver | Connection | None = None, *,
                dataset: str | None = None, as_of: DateLike = None,
                **conn_args: Any) -> pd.Series:
    """Exact betweenness (``gds.betweenness``, unnormalised) of every actor, by actor id.

    Equals ``structure.betweenness(G, normalized=False)`` to rounding.

    Examples
    --------
    ```python
    brokers = gds.betweenness(conn, as_of="2026-10-01").nlargest(10)
    ```
    """
    return _betweenness(driver, dataset=dataset, as_of=as_of, **conn_args).rename("betweenness")


def communities(driver: neo4j.Driver | Connection | None = None, *,
                dataset: str | None = None, as_of: DateLike = None,
                **conn_args: Any) -> tuple[pd.Series, float]:
    """Louvain communities (``gds.louvain``, one thread) of the actors and the modularity of
    that partition (GDS's Louvain takes no seed).

    Examples
    --------
    ```python
    part, q = gds.communities(conn, as_of="2026-10-01")
    ```
    """
    with _projected(driver, dataset, as_of, conn_args) as (conn, name):
        recs = conn.read("CALL gds.louvain.stream($name, {concurrency: 1}) "
                         "YIELD nodeId, communityId "
                         "RETURN gds.util.asNode(nodeId).id AS id, communityId", name=name)
        q = conn.read("CALL gds.louvain.stats($name, {concurrency: 1}) "
                      "YIELD modularity RETURN modularity", name=name)
    part = pd.Series([r["communityId"] for r in recs], dtype="int64", name="community",
                     index=pd.Index([r["id"] for r in recs], dtype="str", name="id"))
    return part.sort_index(), float(q[0]["modularity"])


def similar_actors(driver: neo4j.Driver | Connection | None = None, *,
                   dataset: str | None = None, as_of: DateLike = None, top_k: int = 5,
                   **conn_args: Any) -> pd.DataFrame:
    """Pairs of actors with similar partner sets (``gds.nodeSimilarity``, Jaccard).

    Returns ``source_id``, ``target_id``, ``similarity`` (each pair once, best first):
    candidates for pairing recommendations.

    Examples
    --------
    ```python
    pairs = gds.similar_actors(conn, as_of="2026-10-01", top_k=3)
    ```
    """
    with _projected(driver, dataset, as_of, conn_args) as (conn, name):
        recs = conn.read(
            "CALL gds.nodeSimilarity.stream($name, {topK: $k}) YIELD node1, node2, similarity "
            "WITH gds.util.asNode(node1).id AS a, gds.util.asNode(node2).id AS b, similarity "
            "WHERE a < b RETURN a, b, similarity ORDER BY similarity DESC, a, b", name=name,
            k=top_k)
    return pd.DataFrame({"source_id": pd.Series([r["a"] for r in recs], dtype="str"),
                         "target_id": pd.Series([r["b"] for r in recs], dtype="str"),
                         "similarity": pd.Series([r["similarity"] for r in recs],
                                                 dtype="float64")})
