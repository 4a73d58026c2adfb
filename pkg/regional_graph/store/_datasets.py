"""Which stored data a server-side answer reads, and several datasets side by side.

The store's questions (:mod:`~regional_graph.store.queries`,
:mod:`~regional_graph.store.indicators`, :mod:`~regional_graph.store.gds`) read the complete
current version of one dataset (:func:`scope_of`) as of one day (:func:`day`).
:func:`tables_by_dataset` asks for the tables of one dataset, or of several and stacks them
with ids namespaced ``"<dataset>:<id>"`` and a first column ``district``, as the tables of a
merged graph (:func:`regional_graph.merging.merge`).

Examples
--------
>>> day("2026-10-01")
datetime.date(2026, 10, 1)
>>> prefix_ids(pd.Series(["O1, O2", None]), "east").tolist()
['east:O1, east:O2', nan]
>>> t = pd.DataFrame({"community_id": ["C1"]}, index=pd.Index(["O1"], name="id"))
>>> namespaced(t, "west", 0, ties=False).reset_index().values.tolist()
[['west:O1', 'west', 'west:C1']]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from .. import schema
from ..errors import StoreError
from ..graph import DateLike, as_date
from . import cypher, versions
from .connection import Connection

#: Columns holding ids (one, or several comma-joined) in the report and indicator tables.
ID_COLUMNS = ("community_id", "street_id", "last_covered_by", "covered_by", "party_org",
              "former_partners", "source_id", "target_id", "unit_id", "parent_id")
#: Between a dataset's name and an id, as in :func:`regional_graph.merging.merge`.
SEPARATOR = ":"
#: The tables of one stored version: ``scope`` → ``(table name, table)`` pairs.
Tables = Callable[[str], Iterable[tuple[str, pd.DataFrame]]]


def day(as_of: DateLike) -> dt.date:
    """The day of ``as_of`` as a ``datetime.date`` (a Cypher ``date`` parameter).

    >>> day("2026-10-01")
    datetime.date(2026, 10, 1)
    """
    out: dt.date = as_date(as_of).astype("datetime64[D]").astype(object)
    return out


def resolve_dataset(conn: Connection, dataset: str | None) -> str:
    """``dataset``, or the only dataset in the database when ``None``.

    Raises
    ------
    StoreError
        No dataset, or several and none named.
    """
    if dataset is not None:
        return dataset
    found = [r["dataset"] for r in conn.read(cypher.list_datasets())]
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise StoreError("the database holds no regional_graph dataset")
    raise StoreError(f"the database holds {len(found)} datasets ({', '.join(map(repr, found))});"
                     " pass `dataset`")


def scope_of(conn: Connection, dataset: str | None) -> str:
    """The scope of the complete current version of ``dataset`` (the only one if ``None``)."""
    return versions.current_scope(conn, resolve_dataset(conn, dataset))[0]


def prefix_ids(values: pd.Series | pd.Index, name: str) -> pd.Series:
    """Every id (also inside a comma-joined list) under the namespace ``"<name>:"``, as the
    ids of a merged graph (:func:`regional_graph.merging.merge`).

    Examples
    --------
    >>> prefix_ids(pd.Index(["S01"]), "west").tolist()
    ['west:S01']
    """
    pre = name + SEPARATOR
    out = [None if pd.isna(v) else ", ".join(pre + x for x in str(v).split(", "))
           for v in list(values)]
    return pd.Series(pd.array(out, dtype="str"))


def tie_key(key: str, name: str, offset: int) -> str:
    """A tie key ``source->target#row`` of one dataset, as in the merged links table
    (``offset``: the links rows of the datasets before it).

    >>> tie_key("O1->C1#3", "west", 10)
    'west:O1->west:C1#13'
    """
    ends, row = key.rsplit("#", 1)
    source, target = ends.split("->", 1)
    pre = name + SEPARATOR
    return f"{pre}{source}->{pre}{target}#{int(row) + offset}"


def namespaced(table: pd.DataFrame, name: str, offset: int, *, ties: bool) -> pd.DataFrame:
    """``table`` of dataset ``name`` with its ids namespaced and a first column ``district``
    (``ties``: indexed by tie keys, see :func:`tie_key`)."""
    out = table.copy()
    for col in ID_COLUMNS:
        if col in out.columns:
            out[col] = prefix_ids(out[col], name).array
    if ties:
        keys = [tie_key(k, name, offset) for k in out.index]
    elif out.index.name == "id":
        keys = prefix_ids(out.index, name).tolist()
    else:
        keys = out.index.tolist()
    out.index = pd.Index(keys, dtype="str", name=out.index.name)
    out.insert(0, "district", pd.array([name] * len(out), dtype="str"))
    return out


def links_count(conn: Connection, scope: str) -> int:
    """Rows of the dataset's links table (the offset of the next dataset's link rows)."""
    total = 0
    for rel in schema.LINK_RELTYPE.values():
        total += int(conn.read(cypher.count_relationships(rel), dataset=scope)[0]["n"])
    return total


def tables_by_dataset(conn: Connection, dataset: str | None, datasets: Sequence[str] | None,
                      tables: Tables, *, tie_tables: Iterable[str] = ()
                      ) -> dict[str, pd.DataFrame]:
    """The ``tables`` of one stored dataset (``dataset``, or the only one), or of several
    (``datasets``) stacked in that order with ids namespaced (:func:`namespaced`; the
    tables named in ``tie_tables`` are indexed by tie keys, their rows counted across the
    datasets' links tables as in a merged graph)."""
    if datasets is None:
        return dict(tables(scope_of(conn, dataset)))
    if not datasets:
        raise ValueError("`datasets` is empty: name at least one stored dataset")
    keyed = set(tie_tables)
    parts: dict[str, list[pd.DataFrame]] = {}
    offset = 0
    for i, name in enumerate(datasets):
        scope = scope_of(conn, name)
        for table, frame in tables(scope):
            parts.setdefault(table, []).append(
                namespaced(frame, name, offset, ties=table in keyed))
        if keyed and i + 1 < len(datasets):
            offset += links_count(conn, scope)
    return {table: pd.concat(frames) for table, frames in parts.items()}
