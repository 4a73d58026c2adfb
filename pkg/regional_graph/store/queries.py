"""The headline questions answered by Cypher on the server.

Each function returns the same DataFrame (index, columns, dtypes, row order) as its
in-memory twin in :mod:`regional_graph.analysis`, computed from a stored dataset:

=========================  ==============================================================
``uncovered``              :func:`regional_graph.analysis.coverage.uncovered`
``should_build``           :func:`regional_graph.analysis.coverage.should_build`
``isolated_units``         :func:`regional_graph.analysis.isolation.isolated_units`
``unpaired_communities``   :func:`regional_graph.analysis.isolation.unpaired_communities`
``coverage_by_area``       :func:`regional_graph.analysis.coverage.coverage_by_area`
=========================  ==============================================================

The selection (who is uncovered, isolated, …), the reasons, counts, latest dates and
places are computed by the server (Cypher in :mod:`regional_graph.store.cypher`); Python
only types the columns and joins lists of ids into text.

Examples
--------
>>> from regional_graph.store import queries

```python
queries.uncovered(uri="bolt://localhost:7687", dataset="haian",
                  as_of="2026-10-01")
```
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from .. import schema
from ..analysis.coverage import (
    REASON_BUILD_JOINT,
    REASON_BUILD_OTHER,
    REASON_BUILD_UNCOVERED,
    REASON_EXPIRED,
    REASON_NO_LINK,
    UNLOCATED_NAME,
    unlocated_id,
)
from ..analysis.coverage import rate as _rate
from ..graph import LABELS, DateLike, as_date
from . import cypher, versions
from .connection import Connection, connect, dataset_of

__all__ = [
    "coverage_by_area",
    "isolated_units",
    "report_from_neo4j",
    "report_tables",
    "should_build",
    "uncovered",
    "unpaired_communities",
]

log = logging.getLogger(__name__)

_LABEL_ORDER = {lbl.value: i for i, lbl in enumerate(LABELS)}
Target = neo4j.Driver | Connection | None


def _day(as_of: DateLike) -> dt.date:
    return as_date(as_of).astype("datetime64[D]").astype(object)


def _text(values: Iterable[object]) -> pd.api.extensions.ExtensionArray:
    return pd.array([None if v is None else str(v) for v in values], dtype="str")


def _dates(values: Iterable[object]) -> np.ndarray:
    out = [np.datetime64("NaT") if v is None else np.datetime64(
        v.to_native() if hasattr(v, "to_native") else v, "D") for v in values]
    return np.array(out, dtype="datetime64[D]").astype("datetime64[s]")


def _join(values: Iterable[object]) -> str | None:
    """Comma-join, duplicates and missing values dropped, order kept (``None`` if empty)."""
    kept = list(dict.fromkeys(str(v) for v in values if v is not None))
    return ", ".join(kept) if kept else None


def _by_code(items: Iterable[list[Any]]) -> list[str]:
    """Ids of ``[label(s), pos, id]`` items in node-code order (label order, then table row),
    duplicates dropped."""
    keyed = {}
    for labels, pos, nid in items:
        label = labels[0] if isinstance(labels, list) else labels
        keyed[(_LABEL_ORDER.get(label, 99), pos if pos is not None else -1, nid)] = nid
    return [keyed[k] for k in sorted(keyed)]


def _org_frame(records: list[neo4j.Record], columns: tuple[str, ...]) -> pd.DataFrame:
    """The organisation columns of the analyses, typed as in the graph's node frame."""
    data: dict[str, Any] = {}
    for col in columns:
        values = [r[col] for r in records]
        if col == "kind":
            data[col] = pd.Categorical(values, categories=schema.ORG_KIND.codes)
        elif col == "party_members":
            data[col] = pd.array(values, dtype="Int64")
        else:
            data[col] = _text(values)
    index = pd.Index(_text(r["id"] for r in records), dtype="str", name="id")
    return pd.DataFrame(data, index=index)


_PLACE = ("community_id", "community", "street_id", "street")


def _run(target: Target, conn_args: dict[str, Any], query: str,
         **params: Any) -> list[neo4j.Record]:
    with connect(target, **conn_args) as conn:
        params["dataset"] = dataset_of(target, params.get("dataset"))
        if params.get("dataset") is None:
            from .load import _resolve_dataset

            params["dataset"] = _resolve_dataset(conn, None)
        params["dataset"] = versions.current_scope(conn, params["dataset"])[0]
        return conn.read(query, **params)


def uncovered(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """Two-new organisations with no live ``covered_by`` link, computed on the server.

    Same result as :func:`regional_graph.analysis.coverage.uncovered` on the loaded graph.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    u = queries.uncovered(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    G = rg.store.load_graph(uri="bolt://localhost:7687", dataset="haian")
    local = rg.analysis.coverage.uncovered(G, as_of=rg.datasets.REFERENCE_DATE)
    assert u.index.equals(local.index) and len(u) > 0
    ```
    """
    recs = _run(driver, _args(uri, user, password, database), cypher.uncovered_query(),
                dataset=dataset, day=_day(as_of), two_new=list(schema.TWO_NEW_KINDS),
                reason_expired=REASON_EXPIRED, reason_no_link=REASON_NO_LINK)
    out = _org_frame(recs, ("name", "kind", "industry", "party_members", *_PLACE))
    out["reason"] = _text(r["reason"] for r in recs)
    out["last_end"] = _dates(r["last_end"] for r in recs)
    out["last_covered_by"] = _text(r["last_covered_by"] for r in recs)
    return out


def should_build(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """应建未建, computed on the server; as :func:`regional_graph.analysis.coverage.should_build`.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    sb = queries.should_build(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert (sb["party_members"] >= 3).all()
    ```
    """
    recs = _run(driver, _args(uri, user, password, database), cypher.should_build_query(),
                dataset=dataset, day=_day(as_of), two_new=list(schema.TWO_NEW_KINDS),
                min_members=schema.MIN_MEMBERS_INDEPENDENT,
                own_levels=list(schema.OWN_ORG_LEVELS),
                reason_uncovered=REASON_BUILD_UNCOVERED, reason_joint=REASON_BUILD_JOINT,
                reason_other=REASON_BUILD_OTHER)
    out = _org_frame(recs, ("name", "kind", "industry", "party_members", *_PLACE))
    covs = [sorted(r["cov"], key=lambda c: c[0] if c[0] is not None else -1) for r in recs]
    out["covered"] = np.array([bool(c) for c in covs], dtype=bool)
    out["covered_by"] = _text(_join(c[1] for c in cov) for cov in covs)
    out["covered_by_name"] = _text(_join(c[2] for c in cov) for cov in covs)
    out["covered_by_level"] = _text(_join(c[3] for c in cov) for cov in covs)
    out["reason"] = _text(r["reason"] for r in recs)
    return out


def isolated_units(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """Resident units with no live tie, computed on the server; as
    :func:`regional_graph.analysis.isolation.isolated_units`.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    iso = queries.isolated_units(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    print(len(iso), "isolated resident units")
    ```
    """
    recs = _run(driver, _args(uri, user, password, database), cypher.isolated_units_query(),
                dataset=dataset, day=_day(as_of), resident=list(schema.RESIDENT_UNIT_KINDS))
    out = _org_frame(recs, ("name", "kind", *_PLACE))
    out["party_org"] = _text(
        _join(h[1] for h in sorted(r["hosted"], key=lambda h: h[0])) for r in recs)
    ended = [r["ended"] for r in recs]
    out["expired_ties"] = np.array([len({e[0] for e in es}) for es in ended], dtype=np.int64)
    out["last_tie_end"] = _dates(_latest(e[1] for e in es) for es in ended)
    out["former_partners"] = _text(_join(_by_code(e[2:] for e in es)) for es in ended)
    out["reason"] = _text("only expired ties" if es else "no tie" for es in ended)
    return out


def unpaired_communities(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """Communities nobody pairs with, computed on the server; as
    :func:`regional_graph.analysis.isolation.unpaired_communities`.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    up = queries.unpaired_communities(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert up.index.name == "id"
    ```
    """
    recs = _run(driver, _args(uri, user, password, database),
                cypher.unpaired_communities_query(), dataset=dataset, day=_day(as_of))
    out = pd.DataFrame(
        {"name": _text(r["name"] for r in recs),
         "street_id": _text(r["street_id"] for r in recs),
         "street": _text(r["street"] for r in recs)},
        index=pd.Index(_text(r["id"] for r in recs), dtype="str", name="id"),
    )
    ended = [r["ended"] for r in recs]
    out["expired_pairs"] = np.array([len({e[0] for e in es}) for es in ended], dtype=np.int64)
    out["last_pair_end"] = _dates(_latest(e[1] for e in es) for es in ended)
    out["former_partners"] = _text(_join(_by_code(e[2:] for e in es)) for es in ended)
    out["reason"] = _text("only expired pairs" if es else "never paired" for es in ended)
    return out


def _latest(values: Iterable[object]) -> object:
    values = [v for v in values if v is not None]
    return max(values) if values else None


def coverage_by_area(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """Coverage rates of every district, street and community, computed on the server; as
    :func:`regional_graph.analysis.coverage.coverage_by_area`.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    rates = queries.coverage_by_area(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert rates["rate_all"].dropna().between(0, 1).all()
    ```
    """
    day = _day(as_of)
    frames = []
    dataset = dataset_of(driver, dataset)
    with connect(driver, **_args(uri, user, password, database)) as conn:
        if dataset is None:
            from .load import _resolve_dataset

            dataset = _resolve_dataset(conn, None)
        dataset = versions.current_scope(conn, dataset)[0]
        for level in ("district", "street", "community"):
            areas = conn.read(cypher.areas_of_level_query(), dataset=dataset, level=level)
            counts = conn.read(cypher.coverage_counts_query(), dataset=dataset, day=day,
                               level=level, two_new=list(schema.TWO_NEW_KINDS),
                               unlocated=unlocated_id(level))
            frames.append(_rate_frame(level, areas, counts))
    return pd.concat(frames)


_COUNTS = ("two_new", "covered_two_new", "with_members", "covered_with_members")


def _rate_frame(level: str, areas: list[neo4j.Record],
                counts: list[neo4j.Record]) -> pd.DataFrame:
    by_id = {r["id"]: r for r in counts}
    out = pd.DataFrame(
        {"level": _text(level for _ in areas),
         "name": _text(r["name"] for r in areas),
         "parent_id": _text(r["parent_id"] for r in areas),
         "parent": _text(r["parent"] for r in areas)},
        index=pd.Index(_text(r["id"] for r in areas), dtype="str", name="id"),
    )
    got = {c: np.array([int(by_id[r["id"]][c]) if r["id"] in by_id else 0 for r in areas],
                       dtype=np.int64) for c in _COUNTS}
    out["two_new"] = got["two_new"]
    out["covered_two_new"] = got["covered_two_new"]
    out["rate_all"] = _rate(got["covered_two_new"], got["two_new"])
    out["with_members"] = got["with_members"]
    out["covered_with_members"] = got["covered_with_members"]
    out["rate_with_members"] = _rate(got["covered_with_members"], got["with_members"])
    extra = by_id.get(unlocated_id(level))
    if extra is not None:  # organisations with no area of this level: one row of their own
        got = {c: np.array([int(extra[c])], dtype=np.int64) for c in _COUNTS}
        row = pd.DataFrame(
            {"level": _text([level]), "name": _text([UNLOCATED_NAME]),
             "parent_id": _text([None]), "parent": _text([None]),
             "two_new": got["two_new"], "covered_two_new": got["covered_two_new"],
             "rate_all": _rate(got["covered_two_new"], got["two_new"]),
             "with_members": got["with_members"],
             "covered_with_members": got["covered_with_members"],
             "rate_with_members": _rate(got["covered_with_members"], got["with_members"])},
            index=pd.Index(_text([unlocated_id(level)]), dtype="str", name="id"))
        out = pd.concat([out, row]) if len(out) else row
    return out


def _args(uri: str | None, user: str | None, password: str | None,
          database: str | None) -> dict[str, Any]:
    return {"uri": uri, "user": user, "password": password, "database": database}


#: Report table → the server-side query that answers it.
SERVER_TABLES: dict[str, Callable[..., pd.DataFrame]] = {
    "uncovered": uncovered,
    "should_build": should_build,
    "isolated_units": isolated_units,
    "unpaired_communities": unpaired_communities,
    "coverage_by_area": coverage_by_area,
}


def report_tables(
    driver: Target = None,
    *,
    dataset: str | None = None,
    as_of: DateLike = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The five server-side report tables (name → DataFrame), one connection for all.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    tables = queries.report_tables(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert list(tables) == list(queries.SERVER_TABLES)
    ```
    """
    day = _day(as_of)
    dataset = dataset_of(driver, dataset)
    with connect(driver, **_args(uri, user, password, database)) as conn:
        if dataset is None:
            from .load import _resolve_dataset

            dataset = _resolve_dataset(conn, None)
        return {name: fn(conn, dataset=dataset, as_of=day) for name, fn in SERVER_TABLES.items()}


def report_from_neo4j(
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    driver: Target = None,
    dataset: str | None = None,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    lang: str = "zh",
) -> dict[str, Path]:
    """Write the coverage/isolation report of a stored dataset from server-side queries
    (in ``lang``, as :func:`regional_graph.export.report.write_report`).

    The five tables of :data:`SERVER_TABLES` come from Cypher; the report's other tables
    (joint-branch proposals, dormant ties) need the whole graph and are computed in memory
    on the dataset loaded from the server. Files as
    :func:`~regional_graph.export.report.write_report` (CSV per table, UTF-8 with BOM, and
    ``report.xlsx`` with Chinese headers).

    Returns
    -------
    dict
        Table name → CSV path, plus ``"report"`` → the workbook.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    paths = queries.report_from_neo4j("out/report", uri="bolt://localhost:7687",
                                      dataset="haian", as_of=rg.datasets.REFERENCE_DATE)
    assert paths["report"].name == "report.xlsx"
    ```
    """
    from ..export import report
    from .load import load_graph

    day = _day(as_of)
    dataset = dataset_of(driver, dataset)
    with connect(driver, **_args(uri, user, password, database)) as conn:
        if dataset is None:
            from .load import _resolve_dataset

            dataset = _resolve_dataset(conn, None)
        server = report_tables(conn, dataset=dataset, as_of=day)
        rest = [name for name in report.REPORT_TABLES if name not in server]
        memory = report.report_tables(load_graph(conn, dataset=dataset), as_of=day,
                                      names=rest, language=lang) if rest else {}
    tables = {name: server[name] if name in server else memory[name]
              for name in report.REPORT_TABLES}
    paths = report.write_report_tables(tables, out_dir, lang=lang, as_of=day,
                                       source=f"Neo4j: {dataset}")
    log.info("wrote the report of dataset %r as of %s to %s (%d tables from the server)",
             dataset, day.isoformat(), out_dir, len(server))
    return paths
