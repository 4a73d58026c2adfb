"""The headline questions answered by Cypher on the server.

Each function returns the same DataFrame (index, columns, dtypes, row order) as its
in-memory twin in :mod:`regional_graph.analysis`, computed from a stored dataset:

=========================  ==============================================================
``uncovered``              :func:`regional_graph.analysis.coverage.uncovered`
``should_build``           :func:`regional_graph.analysis.coverage.should_build`
``isolated_units``         :func:`regional_graph.analysis.isolation.isolated_units`
``dormant_ties``           :func:`regional_graph.analysis.isolation.dormant_ties`
``unpaired_communities``   :func:`regional_graph.analysis.isolation.unpaired_communities`
``coverage_by_area``       :func:`regional_graph.analysis.coverage.coverage_by_area`
``expiring_ties``          :func:`regional_graph.analysis.isolation.expiring_ties`
``coverage_by_industry``   :func:`regional_graph.analysis.coverage.coverage_rates`
                           (``by="industry"``)
=========================  ==============================================================

The selection (who is uncovered, isolated, …), the reasons, counts, latest dates and
places are computed by the server (Cypher in :mod:`regional_graph.store.cypher`); Python
only types the columns and joins lists of ids into text. :func:`report_from_neo4j` returns
the report tables of one or several stored datasets (it writes no file: the CLI writes them
through :mod:`regional_graph.export.report`).

Examples
--------
>>> from regional_graph.store import queries
>>> list(queries.SERVER_TABLES)[:3]
['uncovered', 'should_build', 'isolated_units']
>>> prefix_ids(pd.Series(["O1, O2", None]), "east").tolist()
['east:O1, east:O2', nan]

```python
queries.uncovered(uri="bolt://localhost:7687", dataset="haian",
                  as_of="2026-10-01")
```
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
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
from ..graph import LABELS, DateLike
from ..progress import tqdm
from . import _datasets, cypher
from ._datasets import prefix_ids
from .connection import Connection, connect, dataset_of

__all__ = [
    "SERVER_TABLES",
    "coverage_by_area",
    "coverage_by_industry",
    "dormant_ties",
    "expiring_ties",
    "isolated_units",
    "prefix_ids",
    "report_from_neo4j",
    "should_build",
    "uncovered",
    "unpaired_communities",
]

log = logging.getLogger(__name__)

_LABEL_ORDER = {lbl.value: i for i, lbl in enumerate(LABELS)}
Target = neo4j.Driver | Connection | None
#: The answer of one question: (connection, scope of the dataset's version, day) → table.
Question = Callable[[Connection, str, dt.date], pd.DataFrame]
#: Name of the row of two-new organisations with no industry (as the in-memory analysis).
MISSING_INDUSTRY = "(未填行业)"
#: Months without activity that make a live tie dormant; days ahead for expiring ties.
DORMANT_MONTHS = 12
EXPIRING_DAYS = 30


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` as floats, NaN where ``den`` is 0 (as the in-memory coverage rates).

    >>> ratio(np.array([1, 0]), np.array([4, 0])).tolist()
    [0.25, nan]
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)


def _text(values: Iterable[object]) -> pd.api.extensions.ExtensionArray:
    return pd.array([None if v is None else str(v) for v in values], dtype="str")


def _dates(values: Iterable[Any]) -> np.ndarray:
    """Driver dates (``None`` when missing) as ``datetime64[s]``.

    >>> _dates([dt.date(2026, 1, 2), None]).tolist()
    [datetime.datetime(2026, 1, 2, 0, 0), None]
    """
    out = [None if v is None else v.to_native() if hasattr(v, "to_native") else v
           for v in values]
    return np.array(out, dtype="datetime64[D]").astype("datetime64[s]")


def _join(values: Iterable[object]) -> str | None:
    """Comma-join, duplicates and missing values dropped, order kept (``None`` if empty).

    >>> _join(["b", None, "a", "b"]), _join([])
    ('b, a', None)
    """
    kept = list(dict.fromkeys(str(v) for v in values if v is not None))
    return ", ".join(kept) if kept else None


def _by_code(items: Iterable[list[Any]]) -> list[str]:
    """Ids of ``[label(s), pos, id]`` items in node-code order (label order, then table row),
    duplicates dropped.

    >>> _by_code([[["PartyOrg"], 0, "P1"], [["Area"], 5, "C5"], [["Area"], 2, "C2"]])
    ['C2', 'C5', 'P1']
    """
    keyed = {}
    for labels, pos, nid in items:
        label = labels[0] if isinstance(labels, list) else labels
        keyed[(_LABEL_ORDER.get(label, 99), pos if pos is not None else -1, nid)] = nid
    return [keyed[k] for k in sorted(keyed)]


def _latest(values: Iterable[object]) -> object:
    kept = [v for v in values if v is not None]
    return max(kept) if kept else None  # type: ignore[type-var]


def _index(values: Iterable[object], name: str = "id") -> pd.Index:
    return pd.Index(_text(values), dtype="str", name=name)


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
    return pd.DataFrame(data, index=_index(r["id"] for r in records))


_PLACE = ("community_id", "community", "street_id", "street")


# -- the questions (connection, scope, day) → table --------------------------------------------


def _uncovered(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.uncovered_query(), dataset=scope, day=day,
                     two_new=list(schema.TWO_NEW_KINDS), reason_expired=REASON_EXPIRED,
                     reason_no_link=REASON_NO_LINK)
    out = _org_frame(recs, ("name", "kind", "industry", "party_members", *_PLACE))
    out["reason"] = _text(r["reason"] for r in recs)
    out["last_end"] = _dates(r["last_end"] for r in recs)
    out["last_covered_by"] = _text(r["last_covered_by"] for r in recs)
    return out


def _should_build(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.should_build_query(), dataset=scope, day=day,
                     two_new=list(schema.TWO_NEW_KINDS),
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


def _isolated_units(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.isolated_units_query(), dataset=scope, day=day,
                     resident=list(schema.RESIDENT_UNIT_KINDS))
    out = _org_frame(recs, ("name", "kind", *_PLACE))
    out["party_org"] = _text(
        _join(h[1] for h in sorted(r["hosted"], key=lambda h: h[0])) for r in recs)
    ended = [r["ended"] for r in recs]
    out["expired_ties"] = np.array([len({e[0] for e in es}) for es in ended], dtype=np.int64)
    out["last_tie_end"] = _dates(_latest(e[1] for e in es) for es in ended)
    out["former_partners"] = _text(_join(_by_code(e[2:] for e in es)) for es in ended)
    out["reason"] = _text("only expired ties" if es else "no tie" for es in ended)
    return out


def _unpaired_communities(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.unpaired_communities_query(), dataset=scope, day=day)
    out = pd.DataFrame(
        {"name": _text(r["name"] for r in recs),
         "street_id": _text(r["street_id"] for r in recs),
         "street": _text(r["street"] for r in recs)},
        index=_index(r["id"] for r in recs),
    )
    ended = [r["ended"] for r in recs]
    out["expired_pairs"] = np.array([len({e[0] for e in es}) for es in ended], dtype=np.int64)
    out["last_pair_end"] = _dates(_latest(e[1] for e in es) for es in ended)
    out["former_partners"] = _text(_join(_by_code(e[2:] for e in es)) for es in ended)
    out["reason"] = _text("only expired pairs" if es else "never paired" for es in ended)
    return out


def _tie_frame(recs: list[neo4j.Record]) -> pd.DataFrame:
    """Tie links keyed ``source->target#row`` (``row``: 1-based row of the links table)."""
    key = [f"{r['source_id']}->{r['target_id']}#{int(r['pos']) + 1}" for r in recs]
    return pd.DataFrame({
        "source_id": _text(r["source_id"] for r in recs),
        "source_name": _text(r["source_name"] for r in recs),
        "target_id": _text(r["target_id"] for r in recs),
        "target_name": _text(r["target_name"] for r in recs),
        "type": _text(r["type"] for r in recs),
        "start": _dates(r["start"] for r in recs),
        "end": _dates(r["end"] for r in recs),
        "form": _text(r["form"] for r in recs),
        "unit_id": _text(r["unit_id"] for r in recs),
    }, index=_index(key))


def _dormant_ties(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    window = (pd.Timestamp(day) - pd.DateOffset(months=DORMANT_MONTHS)).date()
    recs = conn.read(cypher.dormant_ties_query(), dataset=scope, day=day, window=window,
                     activities=schema.ACTIVITIES.name,
                     resident=list(schema.RESIDENT_UNIT_KINDS))
    out = _tie_frame(recs)
    count = np.array([int(r["activities"]) for r in recs], dtype=np.int64)
    out["activities"] = count
    out["last_activity"] = _dates(r["last_activity"] for r in recs)
    out["reason"] = pd.array(np.where(count > 0, "no activity in the window",
                                      "no activity recorded").astype(object), dtype="str")
    return out


def _expiring_ties(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.expiring_ties_query(), dataset=scope, day=day,
                     horizon=day + dt.timedelta(days=EXPIRING_DAYS),
                     resident=list(schema.RESIDENT_UNIT_KINDS))
    out = _tie_frame(recs)
    out["days_left"] = np.array([int(r["days_left"]) for r in recs], dtype=np.int64)
    return out.sort_values(["days_left", "source_id"], kind="stable")


_COUNTS = ("two_new", "covered_two_new", "with_members", "covered_with_members")


def _rate_columns(counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The count columns with their rates, in the analyses' column order."""
    return {"two_new": counts["two_new"], "covered_two_new": counts["covered_two_new"],
            "rate_all": ratio(counts["covered_two_new"], counts["two_new"]),
            "with_members": counts["with_members"],
            "covered_with_members": counts["covered_with_members"],
            "rate_with_members": ratio(counts["covered_with_members"],
                                       counts["with_members"])}


def coverage_rates_of(conn: Connection, scope: str, day: dt.date, level: str) -> pd.DataFrame:
    """As ``coverage_rates(G, by=level)`` (``level``: district, street or community), for
    the stored version ``scope`` (:mod:`~regional_graph.store.indicators` builds on it)."""
    areas = conn.read(cypher.areas_of_level_query(), dataset=scope, level=level)
    counts = conn.read(cypher.coverage_counts_query(), dataset=scope, day=day,
                       level=level, two_new=list(schema.TWO_NEW_KINDS),
                       unlocated=unlocated_id(level))
    return _rate_frame(level, areas, counts)


def _coverage_by_area(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    return pd.concat([coverage_rates_of(conn, scope, day, level)
                      for level in ("district", "street", "community")])


def _rate_frame(level: str, areas: list[neo4j.Record],
                counts: list[neo4j.Record]) -> pd.DataFrame:
    by_id = {r["id"]: r for r in counts}
    out = pd.DataFrame(
        {"level": _text(level for _ in areas),
         "name": _text(r["name"] for r in areas),
         "parent_id": _text(r["parent_id"] for r in areas),
         "parent": _text(r["parent"] for r in areas)},
        index=_index(r["id"] for r in areas),
    )
    got = {c: np.array([int(by_id[r["id"]][c]) if r["id"] in by_id else 0 for r in areas],
                       dtype=np.int64) for c in _COUNTS}
    for col, values in _rate_columns(got).items():
        out[col] = values
    extra = by_id.get(unlocated_id(level))
    if extra is not None:  # organisations with no area of this level: one row of their own
        one = {c: np.array([int(extra[c])], dtype=np.int64) for c in _COUNTS}
        row = pd.DataFrame(
            {"level": _text([level]), "name": _text([UNLOCATED_NAME]),
             "parent_id": _text([None]), "parent": _text([None]), **_rate_columns(one)},
            index=_index([unlocated_id(level)]))
        out = pd.concat([out, row]) if len(out) else row
    return out


def _coverage_by_industry(conn: Connection, scope: str, day: dt.date) -> pd.DataFrame:
    recs = conn.read(cypher.coverage_by_industry_query(), dataset=scope, day=day,
                     two_new=list(schema.TWO_NEW_KINDS), missing=MISSING_INDUSTRY)
    recs = sorted(recs, key=lambda r: str(r["industry"]))
    got = {c: np.array([int(r[c]) for r in recs], dtype=np.int64) for c in _COUNTS}
    return pd.DataFrame(_rate_columns(got), index=_index((r["industry"] for r in recs),
                                                         name="industry"))


#: Report table → its server-side answer, in the report's file order. ``coverage_by_industry``
#: is no report file; it is answered by :func:`coverage_by_industry`.
SERVER_TABLES: dict[str, Question] = {
    "uncovered": _uncovered,
    "should_build": _should_build,
    "isolated_units": _isolated_units,
    "dormant_ties": _dormant_ties,
    "unpaired_communities": _unpaired_communities,
    "coverage_by_area": _coverage_by_area,
    "expiring_ties": _expiring_ties,
}


# -- the public functions ----------------------------------------------------------------------


def _ask(question: Question, driver: Target, dataset: str | None, as_of: DateLike,
         settings: dict[str, Any]) -> pd.DataFrame:
    dataset = dataset_of(driver, dataset)
    with connect(driver, **settings) as conn:
        return question(conn, _datasets.scope_of(conn, dataset), _datasets.day(as_of))


def uncovered(driver: Target = None, *, dataset: str | None = None, as_of: DateLike = None,
              **settings: Any) -> pd.DataFrame:
    """Two-new organisations with no live ``covered_by`` link, computed on the server.

    Same result as :func:`regional_graph.analysis.coverage.uncovered` on the loaded graph.
    ``driver`` is a ``neo4j.Driver``, a :class:`~regional_graph.store.Connection` or
    ``None``; ``settings`` are ``uri``, ``user``, ``password``, ``database`` (as
    :func:`~regional_graph.store.connect`).

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
    return _ask(_uncovered, driver, dataset, as_of, settings)


def should_build(driver: Target = None, *, dataset: str | None = None,
                 as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """应建未建, computed on the server; as :func:`regional_graph.analysis.coverage.should_build`.

    Examples
    --------
    ```python
    sb = queries.should_build(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert (sb["party_members"] >= 3).all()
    ```
    """
    return _ask(_should_build, driver, dataset, as_of, settings)


def isolated_units(driver: Target = None, *, dataset: str | None = None,
                   as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Resident units with no live tie, computed on the server; as
    :func:`regional_graph.analysis.isolation.isolated_units`.

    Examples
    --------
    ```python
    iso = queries.isolated_units(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    ```
    """
    return _ask(_isolated_units, driver, dataset, as_of, settings)


def dormant_ties(driver: Target = None, *, dataset: str | None = None,
                 as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Live ties of resident units with no activity in the last 12 months, computed on the
    server; as :func:`regional_graph.analysis.isolation.dormant_ties`.

    Examples
    --------
    ```python
    d = queries.dormant_ties(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    ```
    """
    return _ask(_dormant_ties, driver, dataset, as_of, settings)


def expiring_ties(driver: Target = None, *, dataset: str | None = None,
                  as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Live ties of resident units ending within 30 days, computed on the server; as
    :func:`regional_graph.analysis.isolation.expiring_ties`.

    Examples
    --------
    ```python
    e = queries.expiring_ties(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    ```
    """
    return _ask(_expiring_ties, driver, dataset, as_of, settings)


def unpaired_communities(driver: Target = None, *, dataset: str | None = None,
                         as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Communities nobody pairs with, computed on the server; as
    :func:`regional_graph.analysis.isolation.unpaired_communities`.

    Examples
    --------
    ```python
    up = queries.unpaired_communities(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    ```
    """
    return _ask(_unpaired_communities, driver, dataset, as_of, settings)


def coverage_by_area(driver: Target = None, *, dataset: str | None = None,
                     as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Coverage rates of every district, street and community, computed on the server; as
    :func:`regional_graph.analysis.coverage.coverage_by_area`.

    Examples
    --------
    ```python
    rates = queries.coverage_by_area(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    assert rates["rate_all"].dropna().between(0, 1).all()
    ```
    """
    return _ask(_coverage_by_area, driver, dataset, as_of, settings)


def coverage_by_industry(driver: Target = None, *, dataset: str | None = None,
                         as_of: DateLike = None, **settings: Any) -> pd.DataFrame:
    """Coverage rates per industry, computed on the server; as
    ``coverage_rates(G, by="industry")`` (:func:`regional_graph.analysis.coverage.coverage_rates`).

    Examples
    --------
    ```python
    ind = queries.coverage_by_industry(uri="bolt://localhost:7687", dataset="haian",
                  as_of=rg.datasets.REFERENCE_DATE)
    ```
    """
    return _ask(_coverage_by_industry, driver, dataset, as_of, settings)


# -- several datasets --------------------------------------------------------------------------

#: Report tables indexed by a tie key ``source->target#row``.
TIE_TABLES = ("dormant_ties", "expiring_ties")


def _report_tables(conn: Connection, scope: str, day: dt.date, bar: Any
                   ) -> Iterable[tuple[str, pd.DataFrame]]:
    for name, ask in SERVER_TABLES.items():
        table = ask(conn, scope, day)
        bar.update()
        yield name, table


def report_from_neo4j(
    driver: Target = None,
    *,
    dataset: str | None = None,
    datasets: Sequence[str] | None = None,
    as_of: DateLike = None,
    progress: bool | None = None,
    **settings: Any,
) -> dict[str, pd.DataFrame]:
    """The report tables of a stored dataset, every one computed on the server.

    Parameters
    ----------
    driver, settings
        A ``neo4j.Driver``, a :class:`~regional_graph.store.Connection` or settings
        (``uri``, ``user``, ``password``, ``database``).
    dataset
        One dataset (default the connection's, or the only one in the database).
    datasets
        Several datasets side by side: each table is the concatenation of the datasets'
        tables, ids namespaced ``"<dataset>:<id>"`` (as :func:`regional_graph.merge`) and a
        first column ``district`` naming the dataset.
    progress
        Show a tqdm bar of the tables computed (default: only on a terminal).

    Returns
    -------
    dict
        Table name → DataFrame, the tables of :data:`SERVER_TABLES` in report order (the
        joint-branch proposals and pairing recommendations need the whole graph and are
        not among them). Write them with
        :func:`regional_graph.export.report.write_report_tables`.

    Examples
    --------
    ```python
    import regional_graph as rg
    from regional_graph.store import queries

    tables = queries.report_from_neo4j(uri="bolt://localhost:7687", dataset="haian",
                                       as_of=rg.datasets.REFERENCE_DATE)
    rg.export.report.write_report_tables(tables, "out/report")
    both = queries.report_from_neo4j(uri="bolt://localhost:7687", datasets=["east", "west"])
    assert set(both["uncovered"]["district"]) <= {"east", "west"}
    ```
    """
    day = _datasets.day(as_of)
    dataset = dataset_of(driver, dataset)
    n = 1 if datasets is None else len(datasets)
    with connect(driver, **settings) as conn, \
            tqdm(total=n * len(SERVER_TABLES), unit="table", desc="report",
                 leave=False, disable=None if progress is None else not progress) as bar:
        out = _datasets.tables_by_dataset(conn, dataset, datasets,
                                          lambda scope: _report_tables(conn, scope, day, bar),
                                          tie_tables=TIE_TABLES)
    log.info("report of %s as of %s computed on the server",
             ", ".join(datasets) if datasets is not None else dataset or "the dataset", day)
    if datasets is not None:
        out["expiring_ties"] = out["expiring_ties"].sort_values(["days_left", "source_id"],
                                                                kind="stable")
    return out
