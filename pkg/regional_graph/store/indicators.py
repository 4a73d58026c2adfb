"""The indicator table (量化指标) answered on the server.

:func:`indicators_from_neo4j` returns the same DataFrame (index, columns, dtypes, values) as
:func:`regional_graph.analysis.indicators.indicators` on the loaded graph, for the district,
street or community level, without loading the graph: every count is a Cypher aggregation
on the server (:mod:`regional_graph.store.cypher`, "the indicator table") that returns a few
numbers per row of the table; Python only adds them up by level, divides (rates with the
same numerator and denominator columns) and types the columns. The row of an item is the
area of its place or the area's ancestor of the level; the server is given that mapping
(area id → row, one small query over the areas) as the ``$row_of`` parameter.

The should-build, isolated-unit and unpaired-community counts reuse the server-side lists
of :mod:`regional_graph.store.queries` (one definition each); coverage reuses its rates.
The three-order flow's medians come from the two middle values per row, sorted on the
server. The ``matching`` columns (a matching result is not stored) are not offered.

Examples
--------
>>> from regional_graph.store import indicators as ind
>>> ind.LEVEL_ORDER
('district', 'street', 'community')

```python
from regional_graph.store import connect, indicators_from_neo4j

with connect(uri="bolt://localhost:7687", dataset="haian") as conn:
    streets = indicators_from_neo4j(conn, by="street", as_of="2026-10-01")
# == rg.analysis.indicators.indicators(G, by="street", as_of="2026-10-01")
```
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..analysis.indicators import BRANCH_LEVELS, LEVELS, NOT_SUMMED
from ..graph import DateLike
from ..schema import Label, RelType
from . import _datasets, cypher, queries
from .connection import Connection, connect, dataset_of
from .gds import LEADS_LEVEL

__all__ = ["LEVEL_ORDER", "indicators_from_neo4j", "indicators_tables_from_neo4j"]

log = logging.getLogger(__name__)

#: The levels of the indicator tables, in file order.
LEVEL_ORDER = LEVELS
#: The order flow's statuses (``schema.ORDER_STATUS``): the steps in order, then cancelled.
STATUSES = tuple(schema.ORDER_STATUS.codes)
STEPS = tuple(s for s in STATUSES if s != "cancelled")


class _Rows:
    """The rows of one level's table and the server's per-row counts added into them."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids
        self.slot = {rid: i for i, rid in enumerate(ids)}

    def count(self, pairs: Iterable[tuple[object, object]], dtype: Any = np.int64
              ) -> np.ndarray:
        """Sum ``value`` per ``row`` over ``(row, value)`` pairs (rows not in the table are
        ignored)."""
        out = np.zeros(len(self.ids), dtype=dtype)
        for row, value in pairs:
            i = self.slot.get(row) if isinstance(row, str) else None
            if i is not None and value is not None:
                out[i] += value
        return out


def _row_map(conn: Connection, scope: str, level: str) -> tuple[dict[str, str], list[Any]]:
    """Area id → row id ('' when the area has no ancestor of ``level``), and the areas."""
    areas = conn.read(cypher.area_rows_query(), dataset=scope, level=level)
    return {r["id"]: (r["row"] or "") for r in areas}, areas


def _party_org_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                       row_of: dict[str, str]) -> dict[str, np.ndarray]:
    recs = conn.read(cypher.party_org_counts_query(), dataset=scope, day=day, row_of=row_of,
                     limit=schema.SPAN_OF_CONTROL_LIMIT)

    def total(col: str, levels: Iterable[object] | None = None, *, but: Sequence[str] = ()
              ) -> np.ndarray:
        wanted = None if levels is None else set(levels)
        return rows.count((r["row"], r[col]) for r in recs
                          if (wanted is None or r["level"] in wanted) and r["level"] not in but)

    data = {"party_orgs": total("n", [c for c in schema.PARTY_ORG_LEVEL.codes])}
    for code in schema.PARTY_ORG_LEVEL.codes:
        data[f"party_orgs_{code}"] = total("n", [code])
    data["members"] = total("members", but=NOT_SUMMED)
    data["branches"] = total("n", BRANCH_LEVELS)
    data["members_per_branch"] = queries.ratio(total("members", BRANCH_LEVELS),
                                               data["branches"])
    data["branches_over_limit"] = total("over", BRANCH_LEVELS)
    data["community_committees"] = total("n", ["community_committee"])
    data["community_committees_over_limit"] = total("over", ["community_committee"])
    data["community_committees_over_limit_share"] = queries.ratio(
        data["community_committees_over_limit"], data["community_committees"])
    return data


def _org_count(conn: Connection, scope: str, rows: _Rows, row_of: dict[str, str],
               ids: Iterable[str]) -> np.ndarray:
    """Organisations of ``ids`` per row (of their ``area_id``)."""
    recs = conn.read(cypher.org_rows_query(), dataset=scope, row_of=row_of, ids=list(ids))
    return rows.count((r["row"], 1) for r in recs)


def _unit_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                  row_of: dict[str, str]) -> dict[str, np.ndarray]:
    recs = conn.read(cypher.unit_counts_query(), dataset=scope, day=day, row_of=row_of,
                     resident=list(schema.RESIDENT_UNIT_KINDS))
    data = {"resident_units": rows.count((r["row"], r["units"]) for r in recs),
            "resident_units_with_org": rows.count((r["row"], r["with_org"]) for r in recs),
            "conference_units": rows.count((r["row"], r["conference"]) for r in recs)}
    data["conference_rate"] = queries.ratio(data["conference_units"],
                                            data["resident_units_with_org"])
    isolated = queries.SERVER_TABLES["isolated_units"](conn, scope, day)
    data["isolated_units"] = _org_count(conn, scope, rows, row_of, isolated.index)
    return data


def _coverage_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                      row_of: dict[str, str], base: pd.DataFrame) -> dict[str, np.ndarray]:
    at = [base.index.get_loc(rid) for rid in rows.ids]
    data = {c: base[c].to_numpy()[at].astype(np.int64) for c in ("two_new", "covered_two_new")}
    data["uncovered"] = data["two_new"] - data["covered_two_new"]
    data["rate_all"] = base["rate_all"].to_numpy(dtype=np.float64)[at]
    for col in ("with_members", "covered_with_members"):
        data[col] = base[col].to_numpy()[at].astype(np.int64)
    data["rate_with_members"] = base["rate_with_members"].to_numpy(dtype=np.float64)[at]
    build = queries.SERVER_TABLES["should_build"](conn, scope, day)
    data["should_build"] = _org_count(conn, scope, rows, row_of, build.index)
    return data


def _tie_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                 row_of: dict[str, str], communities: np.ndarray) -> dict[str, np.ndarray]:
    targets = conn.read(cypher.tie_target_counts_query(), dataset=scope, day=day,
                        row_of=row_of)
    pairs = conn.read(cypher.pair_counts_query(), dataset=scope, day=day, row_of=row_of,
                      leads=LEADS_LEVEL)

    def of_type(rel: RelType) -> np.ndarray:
        return rows.count((r["row"], r["n"]) for r in targets if r["type"] == rel.value)

    data = {"agreements": of_type(RelType.PAIRED_WITH),
            "pairs": rows.count((r["row"], r["n"]) for r in pairs)}
    data["pairs_per_community"] = queries.ratio(data["pairs"], communities)
    unpaired = queries.SERVER_TABLES["unpaired_communities"](conn, scope, day)
    data["unpaired_communities"] = rows.count((row_of.get(i), 1) for i in unpaired.index)
    data["part_time_members"] = of_type(RelType.SITS_ON)
    return data


def _member_and_supply_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                               row_of: dict[str, str]) -> dict[str, np.ndarray]:
    recs = conn.read(cypher.member_counts_query(), dataset=scope, day=day, row_of=row_of)
    data = {"member_records": rows.count((r["row"], r["records"]) for r in recs),
            "members_reporting": rows.count((r["row"], r["reporting"]) for r in recs)}
    data["reporting_rate"] = queries.ratio(data["members_reporting"], data["member_records"])
    for label, rel, amount, count_col, sum_col in (
        (Label.RESOURCE, RelType.OFFERS, "capacity", "resources", "resource_capacity"),
        (Label.DEMAND, RelType.NEEDS, "quantity", "demands", "demand_quantity"),
    ):
        got = conn.read(cypher.supply_counts_query(label, rel, amount), dataset=scope,
                        row_of=row_of)
        data[count_col] = rows.count((r["row"], r["n"]) for r in got)
        data[sum_col] = rows.count(((r["row"], r["amount"]) for r in got),
                                   dtype=np.float64).round().astype(np.int64)
    return data


def _median_hours(lo: object, hi: object) -> float:
    """The median (hours) from the two middle values (seconds) of a sorted list."""
    if lo is None or hi is None:
        return np.nan
    return (float(lo) / 3600.0 + float(hi) / 3600.0) / 2  # type: ignore[arg-type]


def _order_columns(conn: Connection, scope: str, day: dt.date, rows: _Rows,
                   row_of: dict[str, str], level: str) -> dict[str, np.ndarray]:
    """The three-order flow (``matching.orders.order_indicators``) per row."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    recs = conn.read(cypher.order_counts_query(), dataset=scope, row_of=row_of, end=end,
                     orders=schema.ORDERS.name, steps=list(STEPS), statuses=list(STATUSES),
                     exact=level == "community")
    data: dict[str, np.ndarray] = {
        s: rows.count((r["row"], r["counts"][i]) for r in recs) for i, s in enumerate(STATUSES)}
    orders = sum(data[s] for s in STATUSES)
    out: dict[str, np.ndarray] = {"orders": np.asarray(orders, dtype=np.int64)}
    out.update({s: data[s] for s in STATUSES})
    out["fulfilment_rate"] = queries.ratio(data["done"], orders - data["cancelled"])
    for col, key in (("median_hours_to_take", "take"), ("median_hours_to_finish", "finish")):
        med = np.full(len(rows.ids), np.nan)
        for r in recs:
            i = rows.slot.get(r["row"])
            if i is not None:
                med[i] = _median_hours(r[f"{key}_lo"], r[f"{key}_hi"])
        out[col] = np.round(med, 2)
    return out


def _table(conn: Connection, scope: str, day: dt.date, level: str) -> pd.DataFrame:
    """The indicator table of one stored version (``scope``) at ``level``."""
    row_of, areas = _row_map(conn, scope, level)
    base = queries.coverage_rates_of(conn, scope, day, level)
    rows = _Rows([str(i) for i in base.index if i in row_of])
    communities = rows.count((r["row"], 1) for r in areas if r["level"] == "community")
    data: dict[str, np.ndarray] = {
        "communities": communities,
        **_party_org_columns(conn, scope, day, rows, row_of),
        **_unit_columns(conn, scope, day, rows, row_of),
        **_coverage_columns(conn, scope, day, rows, row_of, base),
        **_tie_columns(conn, scope, day, rows, row_of, communities),
        **_member_and_supply_columns(conn, scope, day, rows, row_of),
        **_order_columns(conn, scope, day, rows, row_of, level),
    }
    out = base[["name", "parent_id", "parent"]].copy()
    # an "(unlocated …)" row of the coverage (organisations with no area of the level) has
    # no area: no count of its own but its coverage
    at = np.array([rows.slot.get(str(i), -1) for i in out.index], dtype=np.int64)
    for col, given in data.items():
        values = np.asarray(given)
        out[col] = np.r_[values, np.array([np.nan if values.dtype.kind == "f" else 0],
                                          dtype=values.dtype)][at]
    out.index.name = "id"
    return out


def indicators_from_neo4j(
    driver: queries.Target = None,
    *,
    dataset: str | None = None,
    by: str = "street",
    as_of: DateLike = None,
    **settings: Any,
) -> pd.DataFrame:
    """The indicator table of a stored dataset at level ``by``, computed on the server.

    Same result as :func:`regional_graph.analysis.indicators.indicators` (without
    ``matching``) on the loaded graph. ``driver``: a ``neo4j.Driver``, a
    :class:`~regional_graph.store.Connection` or ``None`` (``settings``: ``uri``, ``user``,
    ``password``, ``database``).

    Examples
    --------
    ```python
    t = indicators_from_neo4j(uri="bolt://localhost:7687", dataset="haian", by="district",
                              as_of="2026-10-01")
    assert int(t["communities"].iloc[0]) == 116
    ```
    """
    if by not in LEVELS:
        raise ValueError(f"`by` must be one of {', '.join(LEVELS)}, not {by!r}")
    dataset = dataset_of(driver, dataset)
    with connect(driver, **settings) as conn:
        return _table(conn, _datasets.scope_of(conn, dataset), _datasets.day(as_of), by)


def indicators_tables_from_neo4j(
    driver: queries.Target = None,
    *,
    dataset: str | None = None,
    datasets: Sequence[str] | None = None,
    as_of: DateLike = None,
    **settings: Any,
) -> dict[str, pd.DataFrame]:
    """The three indicator tables (district, street, community) of one stored dataset, or of
    several side by side (``datasets``: ids namespaced ``"<dataset>:<id>"`` and a first
    column ``district``, as :func:`~regional_graph.store.queries.report_from_neo4j`).

    Examples
    --------
    ```python
    tables = indicators_tables_from_neo4j(uri="bolt://localhost:7687", dataset="haian")
    list(tables)  # ['district', 'street', 'community']
    ```
    """
    day = _datasets.day(as_of)
    dataset = dataset_of(driver, dataset)
    with connect(driver, **settings) as conn:
        return _datasets.tables_by_dataset(
            conn, dataset, datasets,
            lambda scope: ((lvl, _table(conn, scope, day, lvl)) for lvl in LEVEL_ORDER))
