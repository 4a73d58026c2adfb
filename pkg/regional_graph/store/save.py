"""Save a :class:`~regional_graph.graph.RegionalGraph` into Neo4j, and delete datasets.

What is written (all Cypher is in :mod:`regional_graph.store.cypher`):

* one node per row of every node table, label from :class:`~regional_graph.schema.Label`,
  every column as a property (template and extra columns; dates as dates; an empty cell is
  an absent property), plus ``dataset`` (the scope) and ``pos`` (the row's position);
* one relationship per row of ``G.edges``: the structural references (``PART_OF``,
  ``SUBORDINATE_TO``, ``LEADS``, ``HOSTED_BY``, ``LOCATED_IN``, ``MEMBER_OF``, ``OFFERS``,
  ``NEEDS``), the links (``COVERED_BY``, ``PAIRED_WITH``, ``SITS_ON``, ``CONFERENCE_MEMBER``,
  ``REPORTS_TO``: ``start``, ``end``, ``kind``, ``note``, extra link columns, and ``pos``, the
  row of the links table) and ``ASSIGNED_TO`` (``quantity``), each with ``dataset`` and a
  stable ``key``;
* one ``RGActivity`` node per row of the activities table and one ``RGDataset`` node holding
  the graph's name and the column order of every table.

Every save is atomic (:mod:`regional_graph.store.versions`): the new version is written
beside the old one under a new scope (``UNWIND $rows`` batches, one transaction each), the
dataset's pointer is switched in one small transaction, then the old version is deleted.
A crash or a concurrent save at any moment leaves the complete old or the complete new
version. Values of types Neo4j cannot store are refused before anything is written.
"""

from __future__ import annotations

import cmath
import datetime as dt
import hashlib
import json
import logging
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from .. import schema
from ..build import graph_to_tables, link_column
from ..errors import StoreError
from ..graph import LABELS, LINK_REL_TYPES, RegionalGraph
from ..progress import tqdm
from ..schema import Label, RelType
from . import cypher, versions
from .connection import Connection, connect, dataset_of
from .cypher import StoreLabel

__all__ = ["DEFAULT_BATCH_SIZE", "SaveSummary", "delete_dataset", "ensure_schema", "save_graph"]

log = logging.getLogger(__name__)

#: Rows per transaction.
DEFAULT_BATCH_SIZE = 5000
#: Version of the stored layout (kept on the ``RGDataset`` node); 2 = versioned scopes.
FORMAT_VERSION = 2


@dataclass(frozen=True)
class SaveSummary:
    """What :func:`save_graph` did.

    Examples
    --------
    ```python
    import regional_graph as rg

    G = rg.datasets.load_sample_district()
    summary = rg.store.save_graph(G, uri="bolt://localhost:7687", dataset="haian")
    assert summary.nodes == G.number_of_nodes() and summary.dataset == "haian"
    ```
    """

    dataset: str
    nodes: int
    relationships: int
    deleted_nodes: int
    deleted_relationships: int
    seconds: float
    node_seconds: float = 0.0  # time spent in node batches
    relationship_seconds: float = 0.0  # time spent in relationship batches


# -- value conversion --------------------------------------------------------------------------


def column_values(s: pd.Series, *, dates: bool = True) -> list[Any]:
    """A column as driver-ready Python values, ``None`` when empty. Date columns give
    ``datetime.date`` (``dates=True``) or naive ``datetime.datetime`` values.

    Examples
    --------
    >>> column_values(pd.Series([1, None], dtype="Int64"))
    [1, None]
    >>> column_values(pd.Series(["2024-03-01", None], dtype="datetime64[s]"))
    [datetime.date(2024, 3, 1), None]
    """
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s.to_numpy(dtype="datetime64[D]" if dates else "datetime64[us]")
        out = values.astype(object)
        out[np.isnat(values)] = None
        return out.tolist()
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype(object).where(s.notna(), None).tolist()
    if pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.StringDtype):
        vals = s.to_numpy(dtype="float64", na_value=np.nan)
        return [None if math.isnan(v) else v for v in vals.tolist()]
    return s.astype(object).where(s.notna(), None).tolist()


def _is_date(table: str, column: str) -> bool:
    """Whether a column of a table holds days (``date``) rather than date-times."""
    tbl = schema.TABLES.get(table)
    if tbl is None:
        return True
    try:
        return tbl.column(column).dtype != "datetime"
    except KeyError:
        return True


def _records(frame: pd.DataFrame, columns: Sequence[str], table: str) -> list[dict[str, Any]]:
    cols = [column_values(frame[c], dates=_is_date(table, c)) for c in columns]
    return [dict(zip(columns, vals, strict=True)) for vals in zip(*cols, strict=True)] \
        if cols else [{} for _ in range(len(frame))]


def rel_key(rel: str, source: str, target: str, occurrence: int) -> str:
    """The stable key of a relationship: a digest of its type, endpoint ids and occurrence.

    Examples
    --------
    >>> rel_key("PART_OF", "S01", "D01", 0), rel_key("PART_OF", "S01", "D01", 1)
    ('c10565394467abdce4ad', 'ae2c13fb7302600113dc')
    """
    text = json.dumps([rel, source, target, occurrence], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


# -- planning ------------------------------------------------------------------------------------


@dataclass
class _Batch:
    query: str
    rows: list[dict[str, Any]]
    table: str | None = None
    fallback: str | None = None  # the MERGE form of a CREATE batch
    rels: bool = False


@dataclass
class _Plan:
    nodes: dict[tuple[str, str], list[dict[str, Any]]]  # (label, table) → rows {id|pos, props}
    rels: dict[tuple[str, str, str], list[dict[str, Any]]]  # (type, src, tgt) → rows
    columns: dict[str, list[str]]


def _plan(G: RegionalGraph, dataset: str) -> _Plan:
    tables = graph_to_tables(G)
    check_values({**tables, "links (edges)": G.edges})
    nodes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    columns = {name: [str(c) for c in df.columns] for name, df in tables.items()}
    for label, tbl in schema.NODE_TABLES.items():
        frame = tables[tbl.name]
        rows = []
        for pos, raw in enumerate(_records(frame, list(frame.columns), tbl.name)):
            rec = _escaped(raw)
            rec["dataset"] = dataset
            rec["pos"] = pos
            rows.append({"id": rec["id"], "props": rec})
        nodes[(label.value, tbl.name)] = rows
    for name in row_tables():
        frame = tables[name]
        rows = []
        for pos, raw in enumerate(_records(frame, list(frame.columns), name)):
            rec = _escaped(raw)
            rec.update(dataset=dataset, table=name, pos=pos)
            rows.append({"pos": pos, "props": rec})
        nodes[(StoreLabel.ROW.value, name)] = rows

    e = G.edges
    ids = G.ids.to_numpy(dtype=object)
    src = e["source"].to_numpy().astype(np.int64)
    tgt = e["target"].to_numpy().astype(np.int64)
    types = e["type"].astype(str).to_numpy(dtype=object)
    lab = np.array([lbl.value for lbl in LABELS], dtype=object)
    src_label, tgt_label = lab[G.label_codes[src]], lab[G.label_codes[tgt]]
    occurrence = pd.DataFrame({"t": types, "s": src, "d": tgt}).groupby(
        ["t", "s", "d"], sort=False).cumcount().to_numpy()
    is_link = np.isin(types, LINK_REL_TYPES)
    link_pos = np.cumsum(is_link) - 1
    assigned = types == RelType.ASSIGNED_TO.value
    assigned_pos = np.cumsum(assigned) - 1
    link_cols = [c for c in e.columns if c not in ("type", "source", "target", "quantity")]
    link_props = _records(e, link_cols, "links")
    quantity = column_values(e["quantity"])
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for i in range(len(e)):
        s_id, t_id = ids[src[i]], ids[tgt[i]]
        key = rel_key(types[i], s_id, t_id, int(occurrence[i]))
        props: dict[str, Any] = {"dataset": dataset, "key": key}
        if is_link[i]:
            props.update(_escaped({link_column(k): v for k, v in link_props[i].items()}))
            props["pos"] = int(link_pos[i])
        elif assigned[i]:
            props["quantity"] = quantity[i]
            props["pos"] = int(assigned_pos[i])
        rels.setdefault((types[i], src_label[i], tgt_label[i]), []).append(
            {"s": s_id, "t": t_id, "key": key, "props": props})
    return _Plan(nodes=nodes, rels=rels, columns=columns)


def row_tables() -> list[str]:
    """Tables stored as ``RGRow`` nodes: every table that is neither a node table nor links.

    Examples
    --------
    >>> row_tables()[0]
    'activities'
    """
    node_tables = {t.name for t in schema.NODE_TABLES.values()}
    return [n for n in schema.TABLES if n not in node_tables and n != schema.LINKS.name]


_STORABLE = (str, bool, int, float, dt.date, dt.datetime, dt.time, dt.timedelta, np.generic)


def check_values(tables: dict[str, pd.DataFrame]) -> None:
    """Refuse values Neo4j cannot store (``Decimal``, ``set``, ``complex``, objects …), all at once.

    Raises
    ------
    StoreError
        Naming table, row (1 = first data row), column, the value and its type.

    Examples
    --------
    >>> from decimal import Decimal
    >>> check_values({"areas": pd.DataFrame({"id": ["G1"], "面积": [Decimal("1.5")]})})
    Traceback (most recent call last):
    ...
    regional_graph.errors.StoreError: 以下取值无法存入 Neo4j（只支持文本、数字、布尔值、日期）：
    表 areas 第 1 行 列 '面积'：Decimal('1.5')（类型 Decimal）
    """
    problems = []
    for name, frame in tables.items():
        for col in frame.columns:
            kind = getattr(frame[col].dtype, "kind", "O")
            if kind not in {"O", "c"}:  # complex numbers: Neo4j has none
                continue
            for i, v in enumerate(frame[col].tolist()):
                if kind == "c" and isinstance(v, complex) and cmath.isnan(v):
                    continue  # an empty cell of a complex column (NaN)
                if kind == "O" and (v is None or isinstance(v, _STORABLE) or v is pd.NA
                                    or v is pd.NaT):
                    continue
                if isinstance(v, list) and all(isinstance(x, str | int | float) for x in v):
                    continue
                problems.append(f"表 {name} 第 {i + 1} 行 列 {str(col)!r}：{v!r}"
                                f"（类型 {type(v).__name__}）")
    if problems:
        more = f"\n…共 {len(problems)} 处" if len(problems) > 50 else ""
        raise StoreError("以下取值无法存入 Neo4j（只支持文本、数字、布尔值、日期）：\n"
                         + "\n".join(problems[:50]) + more)


def _escaped(rec: dict[str, Any]) -> dict[str, Any]:
    return {cypher.property_name(k): v for k, v in rec.items()}


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


# -- running -------------------------------------------------------------------------------------


def ensure_schema(conn: Connection) -> None:
    """Create the store's constraints and indexes (``IF NOT EXISTS``; before any data).

    Examples
    --------
    ```python
    from regional_graph.store.connection import connect
    from regional_graph.store.save import ensure_schema

    with connect(uri="bolt://localhost:7687") as conn:
        ensure_schema(conn)  # idempotent
    ```
    """
    statements = [*cypher.schema_statements(), *versions.schema_statements()]
    try:  # one round trip per missing statement only (a re-save creates nothing)
        have = {str(r["name"]) for q in cypher.existing_schema() for r in conn.read(q)}
    except StoreError:  # a server without SHOW: every statement is IF NOT EXISTS anyway
        have = set()
    for statement in statements:
        if cypher.schema_name(statement) not in have:
            conn.write(statement)


def _run_batch(conn: Connection, batch: _Batch, dataset: str) -> None:
    def work(tx: neo4j.ManagedTransaction, query: str = batch.query) -> None:
        tx.run(query, rows=batch.rows, dataset=dataset, table=batch.table).consume()

    try:
        conn.write_tx(work)
    except StoreError as err:
        # a concurrent MERGE of the same new keys, or a CREATE meeting existing nodes:
        # run the batch once more as MERGE, which then matches
        if "ConstraintValidationFailed" not in str(err):
            raise
        log.warning("constraint conflict in a batch of %d rows; retrying it as MERGE",
                    len(batch.rows))
        conn.write_tx(lambda tx: work(tx, batch.fallback or batch.query))


def save_graph(
    G: RegionalGraph,
    driver: neo4j.Driver | Connection | None = None,
    *,
    dataset: str | None = None,
    sync: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> SaveSummary:
    """Write ``G`` into a Neo4j database as the dataset ``dataset``.

    Parameters
    ----------
    G
        The graph.
    driver
        A ``neo4j.Driver`` (not closed here) or a :class:`Connection`; when omitted one is
        opened from ``uri``/``user``/``password``/``database`` or the ``NEO4J_*`` variables.
    dataset
        The scope: every node and relationship gets ``dataset=<this>``; other datasets in the
        same database are never touched. Default: ``G.name`` or ``"default"``.
    sync
        Make the stored dataset equal to ``G``: properties replaced (properties no longer in
        ``G`` removed), nodes and relationships no longer in ``G`` deleted. Without it the
        save is an upsert: nothing is deleted and only the properties of ``G``'s columns are
        set (an empty cell removes that property).
    batch_size
        Rows per transaction (1,000–5,000 is a good range).
    progress
        Show a tqdm progress bar (default: only on a terminal).

    Returns
    -------
    SaveSummary

    Raises
    ------
    StoreError
        Unreachable server, failed authentication, a failed batch (earlier batches stay
        committed; save again to complete).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()

    ```python
    rg.store.save_graph(G, uri="bolt://localhost:7687", dataset="haian")
    ```
    """
    t0 = time.perf_counter()
    dataset = dataset_of(driver, dataset)
    dataset = dataset if dataset is not None else (G.name or "default")
    if not isinstance(dataset, str) or not dataset:
        raise StoreError(f"`dataset` must be a non-empty string, got {dataset!r}")
    if not 1 <= batch_size <= 100_000:
        raise StoreError(f"`batch_size` must be between 1 and 100000, got {batch_size}")
    scope = versions.new_scope(dataset)
    plan = _plan(G, scope)  # checks every value before anything is written
    with connect(driver, uri=uri, user=user, password=password, database=database) as conn:
        ensure_schema(conn)
        old = versions.start_version(conn, dataset, scope)
        try:
            meta = _meta(conn, dataset, G, plan.columns, sync=sync or old is None)
            n_nodes = sum(len(r) for r in plan.nodes.values())
            n_rels = sum(len(r) for r in plan.rels.values())
            if old is not None and not sync:  # an upsert starts from a copy of the old version
                _copy_scope(conn, old, scope, batch_size)
            batches: list[_Batch] = []
            for (label, table), rows in plan.nodes.items():
                merge = cypher.merge_nodes(label, replace=sync)
                # a fresh scope: plain CREATE (the uniqueness constraint refuses duplicates)
                query = merge if (old is not None and not sync) else cypher.create_nodes(label)
                batches += [_Batch(query, chunk, table, merge)
                            for chunk in _chunks(rows, batch_size)]
            for (rel, src, tgt), rows in plan.rels.items():
                # a fresh scope: plain CREATE (nobody else writes into this version)
                query = cypher.merge_relationships(rel, src, tgt, replace=sync) \
                    if (old is not None and not sync) else cypher.create_relationships(
                        rel, src, tgt)
                batches += [_Batch(query, chunk, rels=True)
                            for chunk in _chunks(rows, batch_size)]
            with tqdm(total=n_nodes + n_rels, unit="row", desc=f"saving {dataset}",
                      disable=(None if progress is None else not progress), leave=False) as bar:
                spent = [0.0, 0.0]
                for batch in batches:
                    tb = time.perf_counter()
                    _run_batch(conn, batch, scope)
                    spent[batch.rels] += time.perf_counter() - tb
                    bar.update(len(batch.rows))
            deleted_nodes = deleted_rels = 0
            if sync and old is not None:
                deleted_rels = _stale_relationships(conn, old, plan)
                deleted_nodes = _stale_nodes(conn, old, plan)
            versions.commit_version(conn, dataset, scope, meta)
        except BaseException:
            versions.abandon(conn, scope)
            raise
        versions.drop_old_versions(conn, dataset, batch_size=max(batch_size, 10_000))
    seconds = time.perf_counter() - t0
    log.info(
        "saved dataset %r: %s nodes and %s relationships in %.1f s (%s deleted nodes, %s deleted "
        "relationships)", dataset, f"{n_nodes:,}", f"{n_rels:,}", seconds,
        f"{deleted_nodes:,}", f"{deleted_rels:,}",
    )
    return SaveSummary(dataset, n_nodes, n_rels, deleted_nodes, deleted_rels, round(seconds, 3),
                       round(spent[0], 3), round(spent[1], 3))


def _meta(conn: Connection, dataset: str, G: RegionalGraph, columns: dict[str, list[str]], *,
          sync: bool) -> dict[str, Any]:
    columns = {k: v for k, v in columns.items() if k in schema.TABLES}
    if not sync:  # an upsert keeps the extra columns saved before
        old = conn.read(cypher.read_dataset(), dataset=dataset)
        if old:
            before = json.loads(old[0]["p"].get("columns") or "{}")
            for name, cols in before.items():
                if name in columns:
                    columns[name] += [c for c in cols if c not in columns[name]]
    return {"name": G.name, "columns": json.dumps(columns, ensure_ascii=False),
            "format": FORMAT_VERSION}


def _stale_nodes(conn: Connection, old: str, plan: _Plan) -> int:
    """Nodes of the old version that the new one no longer has."""
    stale = 0
    for (label, table), rows in plan.nodes.items():
        key = cypher.node_key(label)
        keep = {r[key] for r in rows}
        found = conn.read(cypher.node_keys(label), dataset=old, table=table)
        stale += sum(rec["key"] not in keep for rec in found)
    return stale


def _stale_relationships(conn: Connection, old: str, plan: _Plan) -> int:
    """Relationships of the old version that the new one no longer has."""
    keep: dict[str, set[str]] = {}
    for (rel, _, _), rows in plan.rels.items():
        keep.setdefault(rel, set()).update(r["key"] for r in rows)
    stale = 0
    for rel in RelType:
        for source in Label:
            found = conn.read(cypher.relationship_keys(rel, source), dataset=old)
            stale += sum(r["key"] not in keep.get(rel.value, set()) for r in found)
    return stale


def _copy_scope(conn: Connection, old: str, new: str, batch_size: int) -> None:
    """Copy every node and relationship of scope ``old`` into scope ``new``."""
    for label, table in [*((lbl.value, None) for lbl in Label),
                         *((StoreLabel.ROW.value, t) for t in row_tables())]:
        found = conn.read(cypher.read_nodes(label), dataset=old, table=table)
        rows = [{"props": {**r["p"], "dataset": new}} for r in found]
        for chunk in _chunks(rows, batch_size):
            _run_batch(conn, _Batch(cypher.create_nodes(label), chunk, table), new)
    for rel in RelType:
        for source in Label:
            found = conn.read(cypher.relationship_targets(rel, source), dataset=old)
            by_target: dict[str, list[dict[str, Any]]] = {}
            for r in found:
                props = {**r["p"], "dataset": new}
                by_target.setdefault(r["label"], []).append(
                    {"s": r["s"], "t": r["t"], "key": props.get("key"), "props": props})
            for target, rows in by_target.items():  # the new scope is fresh: CREATE
                query = cypher.create_relationships(rel, source, target)
                for chunk in _chunks(rows, batch_size):
                    _run_batch(conn, _Batch(query, chunk, rels=True), new)


def delete_dataset(
    dataset: str,
    driver: neo4j.Driver | Connection | None = None,
    *,
    batch_size: int = 10_000,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> int:
    """Delete every node and relationship of ``dataset`` (nothing else); return the node count.

    Examples
    --------
    ```python
    rg.store.delete_dataset("haian", uri="bolt://localhost:7687")
    ```
    """
    total = 0
    with connect(driver, uri=uri, user=user, password=password, database=database) as conn:
        scopes = [str(r["s"]) for r in conn.read(
            f"MATCH (v:{versions.VERSION} {{of: $dataset}}) RETURN v.scope AS s",
            dataset=dataset)]
        for scope in [dataset, *scopes]:  # ``dataset`` itself: a store of format 1
            total += versions.drop_scope(conn, scope, batch_size=batch_size)
        conn.write(f"MATCH (v:{versions.VERSION} {{of: $dataset}}) DELETE v", dataset=dataset)
        conn.write(cypher.delete_dataset_meta(), dataset=dataset)
    log.info("deleted dataset %r: %s nodes", dataset, f"{total:,}")
    return total
