"""Versioned datasets: every save writes a complete new version, then switches a pointer.

A stored dataset ``haian`` is one ``RGDataset {dataset: 'haian'}`` node whose ``current``
property names the *scope* of its complete version (e.g. ``'haian#v3f2a…'``); every data
node and relationship of that version carries ``dataset = <scope>``. A save writes the new
version under a new scope (an ``RGVersion`` node records it as ``writing``), switches
``current`` in one small transaction, then deletes the old version. A crash or a race at
any moment leaves readers the complete old or the complete new version, never a mixture;
versions left ``writing`` by a crashed save are removed by a later save.

Examples
--------
>>> new_scope("haian")[:7], len(new_scope("haian"))
('haian#v', 23)
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

import neo4j

from ..errors import StoreError
from .connection import Connection
from .cypher import NODE_LABELS, StoreLabel

__all__ = ["abandon", "commit_version", "current_scope", "drop_old_versions", "drop_scope",
           "new_scope", "start_version"]

log = logging.getLogger(__name__)

VERSION = "RGVersion"
#: A version still ``writing`` after this long belongs to a save that died; it is removed.
STALE_AFTER = dt.timedelta(hours=6)


def new_scope(dataset: str) -> str:
    """A fresh scope for a new version of ``dataset``.

    Examples
    --------
    >>> a, b = new_scope("x"), new_scope("x")
    >>> a[:3], a == b
    ('x#v', False)
    """
    return f"{dataset}#v{uuid.uuid4().hex[:16]}"


def schema_statements() -> list[str]:
    """Constraint of the version nodes.

    Examples
    --------
    >>> schema_statements()[0].split(" FOR ")[1]
    '(v:RGVersion) REQUIRE v.scope IS UNIQUE'
    """
    return [f"CREATE CONSTRAINT rg_rgversion_scope IF NOT EXISTS FOR (v:{VERSION}) "
            "REQUIRE v.scope IS UNIQUE"]


def current_scope(conn: Connection, dataset: str) -> tuple[str, dict[str, Any]]:
    """The scope of ``dataset``'s complete version and its metadata.

    Raises
    ------
    StoreError
        No such dataset, or only an unfinished version of it (a save was interrupted or
        is running), in the user's words.
    """
    rec = conn.read(
        f"OPTIONAL MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) "
        f"OPTIONAL MATCH (v:{VERSION} {{of: $dataset, status: 'writing'}}) "
        "RETURN properties(d) AS p, count(v) AS writing", dataset=dataset)[0]
    props = rec["p"]
    if props and props.get("current"):
        return str(props["current"]), props
    if props and int(props.get("format") or 1) == 1:  # stored before versions existed
        return dataset, props
    if rec["writing"] or props:
        raise StoreError(
            f"数据集 {dataset!r} 不完整：上传尚未完成或已中断，没有可读取的完整版本；"
            f"请重新上传 (dataset {dataset!r} is incomplete: a push was interrupted or is "
            "still running; push it again)")
    raise StoreError(f"no dataset {dataset!r} in database {conn.database!r}")


def start_version(conn: Connection, dataset: str, scope: str) -> str | None:
    """Register the new version ``scope`` (``writing``); return the current scope (if any).

    Also removes versions of this dataset that a crashed save left ``writing`` long ago.
    """
    rec = conn.read(f"OPTIONAL MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) "
                    "RETURN d.current AS current, d.format AS format", dataset=dataset)[0]
    old = rec["current"] or (dataset if rec["format"] == 1 else None)
    conn.write(f"CREATE (v:{VERSION} {{scope: $scope, of: $dataset, status: 'writing', "
               "started: datetime()})", scope=scope, dataset=dataset)
    stale = conn.read(f"MATCH (v:{VERSION} {{of: $dataset, status: 'writing'}}) "
                      "WHERE v.started < datetime() - $age RETURN v.scope AS s",
                      dataset=dataset, age=STALE_AFTER)
    for r in stale:
        _retire_and_drop(conn, str(r["s"]), expect="writing")
    return old


def commit_version(conn: Connection, dataset: str, scope: str, props: dict[str, Any]) -> str | None:
    """Make ``scope`` the current version of ``dataset`` in one transaction.

    Returns the scope it replaced. Raises :class:`StoreError` if the new version was
    removed meanwhile (it then never becomes current).
    """

    def work(tx: neo4j.ManagedTransaction) -> str | None:
        # lock the pointer first, then the version: concurrent commits serialise here
        rec = tx.run(
            f"MERGE (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) "
            "SET d._lock = coalesce(d._lock, 0) + 1 "
            f"WITH d MATCH (v:{VERSION} {{scope: $scope}}) SET v._lock = true "
            "RETURN d.current AS old, d.format AS format, v.status AS status",
            dataset=dataset, scope=scope).single()
        if rec is None or rec["status"] != "writing":
            raise StoreError(f"the new version of dataset {dataset!r} was removed before it "
                             "was complete; push again")
        old = rec["old"] or (dataset if rec["format"] == 1 else None)
        tx.run(f"MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) "
               f"MATCH (v:{VERSION} {{scope: $scope}}) "
               "SET d += $props, d.current = $scope, v.status = 'current' "
               "REMOVE v._lock, d._lock "
               f"WITH d OPTIONAL MATCH (o:{VERSION} {{of: $dataset, status: 'current'}}) "
               "WHERE o.scope <> $scope SET o.status = 'old'",
               dataset=dataset, scope=scope, props=props).consume()
        return str(old) if old else None

    return conn.write_tx(work)


def drop_old_versions(conn: Connection, dataset: str, *, batch_size: int = 10_000) -> int:
    """Delete every superseded version of ``dataset`` (``old``, or ``deleting`` left by a
    crash during a clean-up); return the nodes deleted. Never raises: the save is done."""
    try:
        found = conn.read(f"MATCH (v:{VERSION} {{of: $dataset}}) "
                          "WHERE v.status IN ['old', 'deleting'] "
                          "RETURN v.scope AS s, v.status AS status", dataset=dataset)
        return sum(_retire_and_drop(conn, str(r["s"]), expect=str(r["status"]),
                                    batch_size=batch_size) for r in found)
    except StoreError as err:
        log.warning("the old versions of %r are not all deleted yet (%s); the next save "
                    "deletes them", dataset, err)
        return 0


def abandon(conn: Connection, scope: str) -> None:
    """Remove an unfinished version (after a failed save); never raises."""
    try:
        _retire_and_drop(conn, scope, expect="writing")
    except StoreError as err:
        log.warning("could not remove the unfinished version %r: %s", scope, err)


def _retire_and_drop(conn: Connection, scope: str, *, expect: str,
                     batch_size: int = 10_000) -> int:
    def claim(tx: neo4j.ManagedTransaction) -> bool:
        rec = tx.run(f"MATCH (v:{VERSION} {{scope: $scope}}) SET v._lock = true "
                     "WITH v WHERE v.status = $expect SET v.status = 'deleting' "
                     "RETURN count(v) AS n", scope=scope, expect=expect).single()
        return bool(rec and rec["n"])

    if not conn.write_tx(claim):
        return 0
    n = drop_scope(conn, scope, batch_size=batch_size)
    conn.write(f"MATCH (v:{VERSION} {{scope: $scope}}) DELETE v", scope=scope)
    log.info("removed version %r (%s nodes)", scope, f"{n:,}")
    return n


def drop_scope(conn: Connection, scope: str, *, batch_size: int = 10_000) -> int:
    """Detach-delete every node whose ``dataset`` is ``scope``, in batches; return the count."""
    from . import cypher

    total = 0
    for label in NODE_LABELS:
        query = cypher.delete_dataset_nodes(label)

        def work(tx: neo4j.ManagedTransaction, query: str = query) -> int:
            record = tx.run(query, dataset=scope, batch=batch_size).single()
            return int(record["deleted"]) if record is not None else 0

        while True:
            n = conn.write_tx(work)
            total += n
            if n < batch_size:
                break
    return total
