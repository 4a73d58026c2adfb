"""Load a dataset from Neo4j back into a :class:`~regional_graph.graph.RegionalGraph`.

The stored nodes and relationships are turned back into the template tables (as text, the
way a file is read) and built by the importer's own path,
:func:`regional_graph.build.graph_from_tables`, so ``load_graph(save_graph(G)) == G``:
row order (the ``pos`` property), dates, Chinese text, extra columns and the links' order
included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
import time
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from .. import schema
from ..build import conform_edges, graph_from_tables
from ..graph import REL_TYPES, RegionalGraph
from ..io import Tables
from ..progress import tqdm
from ..schema import Label, RelType
from . import cypher, versions
from ._datasets import resolve_dataset
from .connection import Connection, connect, dataset_of
from .cypher import StoreLabel
from .save import row_tables

__all__ = ["list_datasets", "load_graph", "load_tables"]

log = logging.getLogger(__name__)


def _text(value: object) -> str | None:
    """A stored property as the text a CSV file would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        value = value.to_native()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _frame(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Records (each with ``pos``) → a text frame in ``pos`` order with ``columns``."""
    records = sorted(records, key=lambda r: (r.get("pos", 0), str(r.get("id", "")),
                                             str(r.get("key", ""))))
    data = {c: pd.Series([_text(r.get(cypher.property_name(c))) for r in records], dtype="str")
            for c in columns}
    return pd.DataFrame(data, index=pd.RangeIndex(len(records)))


def load_tables(
    driver: neo4j.Driver | Connection | None = None,
    *,
    dataset: str | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    progress: bool | None = None,
) -> tuple[Tables, str, pd.DataFrame]:
    """The raw (text) template tables of a stored dataset.

    Returns
    -------
    tables, name, assigned
        Table name → text DataFrame (as read from a CSV folder), the graph's display name,
        and the ``ASSIGNED_TO`` relationships (``source_id``, ``target_id``, ``quantity``).
        ``progress`` shows a tqdm bar of the rows read (default: only on a terminal).

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store.load import load_tables

    tables, name, assigned = load_tables(uri="bolt://localhost:7687", dataset="haian")
    assert list(tables) == list(rg.schema.TABLES)
    assert list(assigned.columns) == ["source_id", "target_id", "quantity"]
    ```
    """
    with connect(driver, uri=uri, user=user, password=password, database=database) as conn, \
            tqdm(unit="row", desc="loading", leave=False,
                 disable=None if progress is None else not progress) as bar:
        logical = resolve_dataset(conn, dataset_of(driver, dataset))
        dataset, props = versions.current_scope(conn, logical)  # the complete version
        columns: dict[str, list[str]] = json.loads(props.get("columns") or "{}")
        tables: Tables = {}
        for label, tbl in schema.NODE_TABLES.items():
            recs = [r["p"] for r in conn.read(cypher.read_nodes(label), dataset=dataset)]
            tables[tbl.name] = _frame(recs, columns.get(tbl.name, tbl.names))
            bar.update(len(recs))
        for name in row_tables():
            found = conn.read(cypher.read_nodes(StoreLabel.ROW), dataset=dataset, table=name)
            tables[name] = _frame([r["p"] for r in found],
                                  columns.get(name, schema.TABLES[name].names))
            bar.update(len(found))
        links: list[dict[str, Any]] = []
        assigned: list[dict[str, Any]] = []
        rel_to_link = {v.value: k for k, v in schema.LINK_RELTYPE.items()}
        for link_type, (sources, targets) in schema.LINK_ENDPOINTS.items():
            rel = schema.LINK_RELTYPE[link_type]
            for s in sources:
                for t in targets:
                    found = conn.read(cypher.read_relationships(rel, s, t), dataset=dataset)
                    links += [{**r["p"], "source_id": r["s"], "target_id": r["t"],
                               "type": rel_to_link[rel.value]} for r in found]
                    bar.update(len(found))
        for r in conn.read(cypher.read_relationships(RelType.ASSIGNED_TO, Label.RESOURCE,
                                                     Label.DEMAND), dataset=dataset):
            assigned.append({"pos": r["p"].get("pos", 0), "source_id": r["s"],
                             "target_id": r["t"], "quantity": r["p"].get("quantity")})
    tables["links"] = _frame(links, columns.get("links", schema.LINKS.names))
    assigned.sort(key=lambda r: r["pos"])
    frame = pd.DataFrame({
        "source_id": pd.Series([r["source_id"] for r in assigned], dtype="str"),
        "target_id": pd.Series([r["target_id"] for r in assigned], dtype="str"),
        "quantity": pd.array([r["quantity"] for r in assigned], dtype="Int64"),
    })
    ordered = {name: tables[name] for name in schema.TABLES}
    return ordered, str(props.get("name") or ""), frame


def load_graph(
    driver: neo4j.Driver | Connection | None = None,
    *,
    dataset: str | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    progress: bool | None = None,
) -> RegionalGraph:
    """Load a stored dataset as a :class:`RegionalGraph` (validated like any input).

    Parameters
    ----------
    driver
        A ``neo4j.Driver`` (not closed here) or a :class:`Connection`; when omitted one is
        opened from the settings or the ``NEO4J_*`` variables.
    dataset
        Which dataset; may be omitted when the database holds exactly one.
    progress
        Show a tqdm progress bar of the rows read (default: only on a terminal).

    Raises
    ------
    StoreError
        Unreachable server, unknown dataset.
    TableValidationError
        The stored data no longer makes a valid dataset (e.g. edited by hand).

    Examples
    --------
    ```python
    G = rg.store.load_graph(uri="bolt://localhost:7687", dataset="haian")
    ```
    """
    t0 = time.perf_counter()
    tables, name, assigned = load_tables(driver, dataset=dataset, uri=uri, user=user,
                                         password=password, database=database,
                                         progress=progress)
    G = graph_from_tables(tables, name=name)
    if len(assigned):
        codes_s, codes_t = G.codes(assigned["source_id"]), G.codes(assigned["target_id"])
        ok = (codes_s >= 0) & (codes_t >= 0)
        extra = pd.DataFrame({
            "type": pd.Categorical([RelType.ASSIGNED_TO.value] * int(ok.sum()),
                                   categories=REL_TYPES),
            "source": codes_s[ok].astype(np.int32),
            "target": codes_t[ok].astype(np.int32),
            "quantity": assigned["quantity"][ok].reset_index(drop=True),
        })
        edges = conform_edges(pd.concat([G.edges, extra], ignore_index=True))
        G = dataclasses.replace(G, edges=edges, _cache={})
    log.info("loaded dataset %r: %s nodes, %s relationships in %.1f s", dataset or name,
             f"{G.number_of_nodes():,}", f"{G.number_of_edges():,}", time.perf_counter() - t0)
    return G


def list_datasets(
    driver: neo4j.Driver | Connection | None = None,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """The datasets stored in a database: ``dataset`` and ``name``, sorted by dataset.

    Examples
    --------
    ```python
    import regional_graph as rg

    stored = rg.store.list_datasets(uri="bolt://localhost:7687")
    assert list(stored.columns) == ["dataset", "name"]
    ```
    """
    with connect(driver, uri=uri, user=user, password=password, database=database) as conn:
        recs = conn.read(cypher.list_datasets())
    return pd.DataFrame({"dataset": pd.Series([r["dataset"] for r in recs], dtype="str"),
                         "name": pd.Series([r["name"] for r in recs], dtype="str")})

