"""A quantified indicator system per district, street or community (量化指标体系).

One row per area of the chosen level, one column per indicator; every rate comes with its
numerator and denominator columns. The definitions (``docs/indicators.md`` lists each with
its Chinese name) follow ``DOMAIN.md``; coverage, 应建未建, isolated units and unpaired
communities are taken from :mod:`~regional_graph.analysis.coverage` and
:mod:`~regional_graph.analysis.isolation` so each definition lives in one place.

An item belongs to an area when its place lies in the area (the area itself or below it):

* a Party org by its ``area_id`` (else its host organisation's area);
* an organisation by its ``area_id``; a Party member by ``residence_area_id`` (else the
  community of a live ``reports_to`` link, else the area of the branch in ``org_id``);
* a tie link by its *target* (the committee or area paired with / sat on);
* a resource or demand by its ``area_id`` (else its provider's / requester's area).

Items placed above the level (a street committee, for community rows) belong to no row of
that level. Rates are fractions in [0, 1] (NaN when the denominator is 0). An empty
``members``, ``capacity`` or ``quantity`` counts as 0, 1 and 1.

Examples
--------
The tiny district's two streets (东街道: 东一, 东二社区; 西街道: 西一社区):

>>> import regional_graph as rg
>>> t = indicators(rg.datasets.load_tiny(), by="street", as_of="2026-10-01")
>>> t[["communities", "party_orgs", "two_new", "should_build", "isolated_units"]].to_dict()
{'communities': {'S1': 2, 'S2': 1}, 'party_orgs': {'S1': 6, 'S2': 2}, \
'two_new': {'S1': 4, 'S2': 2}, 'should_build': {'S1': 1, 'S2': 0}, \
'isolated_units': {'S1': 0, 'S2': 1}}
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import schema, vocab
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from . import coverage, isolation
from ._common import (
    actor_codes,
    orgs_of_kind,
    rate,
    served_frame,
)

log = logging.getLogger(__name__)

__all__ = [
    "BRANCH_LEVELS",
    "INDICATOR_ZH",
    "LEVELS",
    "NOT_SUMMED",
    "indicators",
    "to_chinese",
]

Level = Literal["district", "street", "community"]
#: The area levels indicator tables are made for.
LEVELS: tuple[Level, ...] = ("district", "street", "community")
#: Party org levels counted as *branches* for span of control (grass-roots organisations
#: whose members meet together): the community general branch/committee and the branches.
BRANCH_LEVELS = ("community_committee", "grid_branch", "unit_org", "independent_branch",
                 "joint_branch")
#: Party org levels whose ``members`` are not added to an area's members (a building group
#: 楼栋党小组 is part of a branch; its members are counted in the branch).
NOT_SUMMED = ("building_group",)

#: Indicator column → Chinese name (from the one vocabulary, :mod:`regional_graph.vocab`).
INDICATOR_ZH: dict[str, str] = vocab.COLUMN_ZH
#: The three-order flow's columns in the indicator tables (:func:`regional_graph.matching.orders.
#: order_indicators`).
ORDER_COLUMNS = ("orders", "open", "dispatched", "taken", "done", "cancelled",
                 "fulfilment_rate", "median_hours_to_take", "median_hours_to_finish")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


class _Counter:
    """Counts and sums of node codes by the row (area of ``level``) they belong to."""

    def __init__(self, G: RegionalGraph, level: Level) -> None:
        self.G = G
        self.level = level
        arng = G.label_range(Label.AREA)
        areas = G.nodes[Label.AREA]
        self.rows = np.flatnonzero((areas["level"] == level).to_numpy(dtype=bool)) + arng.start
        self.n = len(self.rows)
        row_of_area = np.full(G.number_of_nodes(), -1, dtype=np.int64)
        row_of_area[self.rows] = np.arange(self.n)
        anc = G.ancestor_at(G.area_of(), level)
        self.row_of_node = np.where(anc >= 0, row_of_area[np.maximum(anc, 0)], -1)
        self.row_of_area = row_of_area

    def key(self, codes: np.ndarray) -> np.ndarray:
        """Row of each node (through its area; -1 when none)."""
        codes = np.asarray(codes, dtype=np.int64)
        return np.where(codes >= 0, self.row_of_node[np.maximum(codes, 0)], -1)

    def area_row(self, area: np.ndarray) -> np.ndarray:
        """Row of each area code (its ancestor of the level; -1 when none)."""
        area = np.asarray(area, dtype=np.int64)
        if not self.n or not len(area):
            return np.full(len(area), -1, dtype=np.int64)
        anc = self.G.ancestor_at(area, self.level)
        return np.where(anc >= 0, self.row_of_area[np.maximum(anc, 0)], -1)

    def count(self, keys: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        keys = np.asarray(keys, dtype=np.int64)
        ok = keys >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[ok]
        out = np.bincount(keys[ok], weights=w, minlength=self.n)
        return out.astype(np.int64) if weights is None else out


def _codes_in(G: RegionalGraph, label: Label, ids: Any) -> np.ndarray:
    """Node codes of ``ids`` of one label (-1 where unknown or missing); uses the label
    frame's cached index hash, far cheaper than :meth:`RegionalGraph.codes` on big graphs."""
    pos = G.nodes[label].index.get_indexer(pd.Index(ids, dtype="str"))
    return np.where(pos >= 0, pos + G.label_range(label).start, -1).astype(np.int64)


def _shared(G: RegionalGraph, day: np.datetime64) -> dict[str, np.ndarray]:
    """Node codes of the should-build organisations, isolated units and unpaired
    communities as of ``day`` (from coverage / isolation; cached per graph and day)."""
    return G.memo(("analysis", "indicators", "shared", day), lambda: {
        "should_build": _codes_in(G, Label.ORGANIZATION,
                                  coverage.should_build(G, as_of=day).index),
        "isolated_units": isolation.isolated_rows(G, day)
        + G.label_range(Label.ORGANIZATION).start,
        "unpaired_communities": isolation.unpaired_rows(G, day)
        + G.label_range(Label.AREA).start,
    })


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------


def indicators(
    G: RegionalGraph,
    *,
    by: Level | None = None,
    as_of: DateLike = None,
    matching: Any = None,
    level: Level | None = None,
) -> pd.DataFrame:
    """The indicator table: one row per area of level ``by``, indexed by area id.

    Parameters
    ----------
    G
        The graph.
    by
        ``"district"``, ``"street"`` (default) or ``"community"``.
    as_of
        The day links must be live on (default today).
    matching
        Optional matching result: a DataFrame indexed by demand id with columns ``served``
        (and ``quantity``; else the demand's own), or an object with such a ``.demands``.
        Adds ``served``, ``unmet`` and ``served_rate``.
    level
        Deprecated spelling of ``by`` (warns).

    Returns
    -------
    DataFrame
        Columns (see ``docs/indicators.md``): ``name``, ``parent_id``, ``parent``,
        ``communities``, ``party_orgs`` and ``party_orgs_<level>`` for every Party org level,
        ``members``, ``branches``, ``members_per_branch``, ``branches_over_limit``,
        ``community_committees``, ``community_committees_over_limit``,
        ``community_committees_over_limit_share``, ``resident_units``,
        ``resident_units_with_org``, ``conference_units``, ``conference_rate``,
        ``isolated_units``, ``two_new``, ``covered_two_new``, ``uncovered``, ``rate_all``,
        ``with_members``, ``covered_with_members``, ``rate_with_members``, ``should_build``,
        ``agreements``, ``pairs``, ``pairs_per_community``, ``unpaired_communities``,
        ``part_time_members``, ``member_records``, ``members_reporting``,
        ``reporting_rate``, ``resources``, ``resource_capacity``, ``demands``,
        ``demand_quantity``, the three-order flow's ``orders``, ``open``, ``dispatched``,
        ``taken``, ``done``, ``cancelled``, ``fulfilment_rate``, ``median_hours_to_take``,
        ``median_hours_to_finish`` (and ``served``, ``unmet``, ``served_rate`` with
        ``matching``).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = indicators(G, by="district", as_of=rg.datasets.REFERENCE_DATE)
    >>> int(t["communities"].iloc[0])
    116
    >>> d = indicators(rg.datasets.load_tiny(), by="district", as_of="2026-10-01")
    >>> d.loc["D1", ["members", "uncovered", "unpaired_communities", "conference_rate"]].tolist()
    [82.0, 3.0, 2.0, 1.0]
    """
    by = _grouping(by, level)
    day = as_date(as_of)
    c = _Counter(G, by)
    base = coverage.coverage_rates(G, as_of=day, by=by)
    shared = _shared(G, day)
    data: dict[str, np.ndarray] = {
        "communities": _communities(G, c),
        **_party_org_columns(G, c, day),
        **_unit_columns(G, c, day, shared),
        **_coverage_columns(base, c, shared),
        **_tie_columns(G, c, day, shared),
        **_member_columns(G, c, day),
    }
    supply, demand_key, demand_qty = _supply_columns(G, c)
    data.update(supply)
    if matching is not None:
        data.update(_matching_columns(G, c, matching, demand_key, demand_qty))
    codes = _codes_in(G, Label.AREA, base.index)
    sel = np.where(codes >= 0, c.row_of_area[np.maximum(codes, 0)], -1)
    columns: dict[str, Any] = {col: base[col].array for col in ("name", "parent_id", "parent")}
    for col, values in data.items():  # coverage columns come per row of ``base`` already
        columns[col] = values if col in _PER_BASE_ROW else _take_rows(np.asarray(values), sel)
    columns.update(_order_columns(G, base.index, by, day))
    out = pd.DataFrame(columns, index=base.index.rename("id"))  # one step, not 60 inserts
    log.debug("indicators(%s): %d rows, %d columns", by, len(out), out.shape[1])
    return out


def _take_rows(values: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """``values`` of the rows ``sel``; a row of -1 (the coverage's "(unlocated …)" row: no
    area, so no count of its own) gets 0, or NaN in a float column.

    Examples
    --------
    >>> _take_rows(np.array([5, 7]), np.array([1, -1])).tolist()
    [7, 0]
    >>> _take_rows(np.array([0.5, 0.25]), np.array([-1, 0])).tolist()
    [nan, 0.5]
    """
    fill = np.array([np.nan if values.dtype.kind == "f" else 0], dtype=values.dtype)
    return np.r_[values, fill][np.where(sel >= 0, sel, len(values))]


def _grouping(by: Level | None, level: Level | None) -> Level:
    """The area level to group by (``level=`` is the old spelling of ``by=``)."""
    if level is not None:
        warnings.warn("indicators(level=...) is deprecated; use by=...", DeprecationWarning,
                      stacklevel=3)
        by = level if by is None else by
    by = "street" if by is None else by
    if by not in LEVELS:
        raise ValueError(f"`by` must be one of {', '.join(LEVELS)}, not {by!r}")
    return by


def _communities(G: RegionalGraph, c: _Counter) -> np.ndarray:
    arng = G.label_range(Label.AREA)
    is_comm = (G.nodes[Label.AREA]["level"] == "community").to_numpy(dtype=bool)
    return c.count(c.key(np.flatnonzero(is_comm) + arng.start))


def _party_org_columns(G: RegionalGraph, c: _Counter, day: np.datetime64
                       ) -> dict[str, np.ndarray]:
    """Party orgs (existing on ``day``) by level, members and span of control."""
    prng = G.label_range(Label.PARTY_ORG)
    po = G.nodes[Label.PARTY_ORG]
    po_key = np.where(G.exists(day)[prng], c.key(np.arange(prng.start, prng.stop)), -1)
    lvl = po["level"]
    lvl_codes = lvl.cat.codes.to_numpy()
    cats = list(lvl.cat.categories)
    members = po["members"].to_numpy(dtype="float64", na_value=0.0)
    data: dict[str, np.ndarray] = {"party_orgs": c.count(po_key[lvl_codes >= 0])}
    for code in schema.PARTY_ORG_LEVEL.codes:
        hit = lvl_codes == cats.index(code) if code in cats else np.zeros(len(po), bool)
        data[f"party_orgs_{code}"] = c.count(po_key[hit])
    summed = ~np.isin(lvl_codes, [cats.index(x) for x in NOT_SUMMED if x in cats])
    data["members"] = c.count(po_key[summed], members[summed]).round().astype(np.int64)
    branch = np.isin(lvl_codes, [cats.index(x) for x in BRANCH_LEVELS if x in cats])
    data["branches"] = c.count(po_key[branch])
    branch_members = c.count(po_key[branch], members[branch])
    data["members_per_branch"] = rate(branch_members, data["branches"])
    over = members > schema.SPAN_OF_CONTROL_LIMIT
    data["branches_over_limit"] = c.count(po_key[branch & over])
    cc = lvl_codes == cats.index("community_committee")
    data["community_committees"] = c.count(po_key[cc])
    data["community_committees_over_limit"] = c.count(po_key[cc & over])
    data["community_committees_over_limit_share"] = rate(
        data["community_committees_over_limit"], data["community_committees"])
    return data


def _unit_columns(G: RegionalGraph, c: _Counter, day: np.datetime64,
                  shared: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Resident units, the joint conference, isolation."""
    orng = G.label_range(Label.ORGANIZATION)
    unit = orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, day)
    org_key = c.key(np.arange(orng.start, orng.stop))
    n = G.number_of_nodes()
    hosted = np.zeros(n, dtype=bool)
    hosted[G.links(RelType.HOSTED_BY, as_of=day).target] = True  # a Party org existing
    data = {"resident_units": c.count(org_key[unit]),
            "resident_units_with_org": c.count(org_key[unit & hosted[orng]])}
    actor = actor_codes(G, merge_committees=False)
    conf = G.links(RelType.CONFERENCE_MEMBER, as_of=day)
    in_conf = np.zeros(n, dtype=bool)
    in_conf[actor[conf.source]] = True
    in_conf[actor[conf.target]] = True
    # numerator within the denominator's population: units that host a Party org
    data["conference_units"] = c.count(org_key[unit & hosted[orng] & in_conf[orng]])
    data["conference_rate"] = rate(data["conference_units"], data["resident_units_with_org"])
    data["isolated_units"] = c.count(c.key(shared["isolated_units"]))
    return data


#: Columns :func:`_coverage_columns` takes from the coverage table row by row (its
#: "(unlocated …)" row included); every other column is per counter row.
_PER_BASE_ROW = frozenset({"two_new", "covered_two_new", "uncovered", "rate_all", "with_members",
                           "covered_with_members", "rate_with_members"})


def _coverage_columns(base: pd.DataFrame, c: _Counter,
                      shared: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Coverage (from :func:`coverage.coverage_rates`) and 应建未建."""
    data = {col: base[col].to_numpy(dtype=np.int64) for col in ("two_new", "covered_two_new")}
    data["uncovered"] = data["two_new"] - data["covered_two_new"]
    data["rate_all"] = base["rate_all"].to_numpy(dtype=np.float64)
    for col in ("with_members", "covered_with_members"):
        data[col] = base[col].to_numpy(dtype=np.int64)
    data["rate_with_members"] = base["rate_with_members"].to_numpy(dtype=np.float64)
    data["should_build"] = c.count(c.key(shared["should_build"]))
    return data


def _tie_columns(G: RegionalGraph, c: _Counter, day: np.datetime64,
                 shared: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Agreements, pairs between actors, unpaired communities, part-time members."""
    paired = G.links(RelType.PAIRED_WITH, as_of=day)
    merged = actor_codes(G, merge_committees=True)
    pairs = np.unique(np.stack([merged[paired.source], merged[paired.target]], axis=1), axis=0) \
        if len(paired) else np.zeros((0, 2), np.int64)
    data = {"agreements": c.count(c.key(paired.target)),
            "pairs": c.count(c.key(pairs[:, 1]))}
    data["pairs_per_community"] = rate(data["pairs"], _communities(G, c))
    data["unpaired_communities"] = c.count(c.key(shared["unpaired_communities"]))
    data["part_time_members"] = c.count(c.key(G.links(RelType.SITS_ON, as_of=day).target))
    return data


def _member_columns(G: RegionalGraph, c: _Counter, day: np.datetime64) -> dict[str, np.ndarray]:
    """Member records and reporting: a member's place is ``residence_area_id``, else the
    community of a live ``reports_to`` link, else the area of the branch in ``org_id``."""
    home, reported = G.memo(("analysis", "indicators", "member_home", day),
                            lambda: _member_home(G, day))  # the same for every level
    m_key = c.area_row(home)
    data = {"member_records": c.count(m_key), "members_reporting": c.count(m_key[reported])}
    data["reporting_rate"] = rate(data["members_reporting"], data["member_records"])
    return data


def _member_home(G: RegionalGraph, day: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Each member's area code (see :func:`_member_columns`) and whether they reported."""
    n = G.number_of_nodes()
    mrng = G.label_range(Label.MEMBER)
    mem = G.nodes[Label.MEMBER]
    reports_to = G.links(RelType.REPORTS_TO, as_of=day)
    reports = np.zeros(n, dtype=bool)
    reports[reports_to.source] = True
    home = _codes_in(G, Label.AREA, mem["residence_area_id"])
    via_link = np.full(n, -1, dtype=np.int64)
    via_link[reports_to.source] = reports_to.target
    home = np.where(home >= 0, home, via_link[mrng][:len(home)])
    branch = G.resolved(Label.MEMBER, "org_id")  # org_id, as resolved
    branch_area = G.area_of()[np.maximum(branch, 0)]
    home = np.where(home >= 0, home, np.where(branch >= 0, branch_area, -1))
    reported = mem["reported"].to_numpy(dtype=bool, na_value=False) if "reported" in mem \
        else np.zeros(len(mem), dtype=bool)
    return home, reported | reports[mrng]


def _supply_columns(G: RegionalGraph, c: _Counter
                    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Resources and demands by their area (else their provider's / requester's), and the
    demands' rows and quantities (for the matching columns)."""
    n = G.number_of_nodes()
    data: dict[str, np.ndarray] = {}
    demand_key = demand_qty = np.zeros(0)
    for label, rel, amount, count_col, sum_col in (
        (Label.RESOURCE, RelType.OFFERS, "capacity", "resources", "resource_capacity"),
        (Label.DEMAND, RelType.NEEDS, "quantity", "demands", "demand_quantity"),
    ):
        rng = G.label_range(label)
        codes = np.arange(rng.start, rng.stop)
        ed = G.links(rel, state="any")
        owner = np.full(n, -1, dtype=np.int64)
        owner[ed.target] = ed.source
        place = G.area_of()[codes]
        fallback = owner[codes]
        place = np.where(place >= 0, place,
                         np.where(fallback >= 0, G.area_of()[np.maximum(fallback, 0)], -1))
        key = c.area_row(place)
        qty = G.nodes[label][amount].to_numpy(dtype="float64", na_value=1.0)
        data[count_col] = c.count(key)
        data[sum_col] = c.count(key, qty).round().astype(np.int64)
        if label is Label.DEMAND:
            demand_key, demand_qty = key, qty
    return data, demand_key, demand_qty


def _matching_columns(G: RegionalGraph, c: _Counter, matching: Any, demand_key: np.ndarray,
                      demand_qty: np.ndarray) -> dict[str, np.ndarray]:
    """``served``, ``unmet`` and ``served_rate`` of a matching result."""
    frame = served_frame(matching)
    demands = G.nodes[Label.DEMAND].index
    served = frame["served"].reindex(demands).to_numpy(dtype="float64", na_value=0.0)
    qty = demand_qty
    if "quantity" in frame.columns:
        given = frame["quantity"].reindex(demands).to_numpy(dtype="float64", na_value=np.nan)
        qty = np.where(np.isnan(given), qty, given)
    unknown = ~frame.index.isin(demands)
    if unknown.any():
        log.warning("matching: %d demand ids not in the graph ignored", int(unknown.sum()))
    data = {"served": c.count(demand_key, served).round().astype(np.int64),
            "unmet": c.count(demand_key, np.maximum(qty - served, 0)).round().astype(np.int64)}
    data["served_rate"] = rate(data["served"], data["served"] + data["unmet"])
    return data


def _order_columns(G: RegionalGraph, index: pd.Index, level: Level,
                   day: np.datetime64) -> dict[str, np.ndarray]:
    """The three-order flow's columns for the rows ``index`` (0 orders where none)."""
    from ..matching.orders import order_indicators

    flow = order_indicators(G, as_of=day, by=level).reindex(index)
    out: dict[str, np.ndarray] = {}
    for col in ORDER_COLUMNS:
        values = flow[col]
        if col in ("fulfilment_rate", "median_hours_to_take", "median_hours_to_finish"):
            out[col] = values.to_numpy(dtype="float64", na_value=np.nan)
        else:
            out[col] = values.fillna(0).to_numpy(dtype=np.int64)
    return out


def to_chinese(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of an indicator table with Chinese column names (and index name).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> zh = to_chinese(indicators(G, by="street", as_of=rg.datasets.REFERENCE_DATE))
    >>> zh.index.name, list(zh.columns[:4])
    ('编号', ['名称', '上级编号', '上级名称', '社区数'])
    >>> zh["覆盖率(全部)"].to_dict()  # 东街道: O3, O4, O5 of O3, O4, O5, O8; 西街道: none of O6, O7
    {'S1': 0.75, 'S2': 0.0}
    """
    out = vocab.translate(table)
    return out.set_index(out.columns[0])
