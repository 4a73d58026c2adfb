"""The three-order flow (三单制): residents order → the Party org dispatches → members take it.

群众点单 → 党组织下单 → 党员接单. The ``orders`` table (:data:`regional_graph.schema.ORDERS`,
``G.orders``) records each resident order with its community, category, status
(``open`` → ``dispatched`` → ``taken`` → ``done``, or ``cancelled``) and the time of each step.

* :func:`propose_dispatch` proposes, for every order still open, who should take it — an
  in-service member living in the order's community whose ``skills`` list the category, or a
  unit offering a resource of that category — with the community's Party committee as the
  dispatcher. The choice is one exact allocation
  (:func:`~regional_graph.matching.flow.solve_allocation`): as many orders as possible,
  then the cheapest by the cost model of
  :class:`~regional_graph.matching.MatchWeights`.
* :func:`order_indicators` measures the flow per community (or street, district, category):
  fulfilment rate, median hours to take and to finish, orders still open.

The status of an order *as of* a day is its recorded status, stepped back when the time of
that step lies after the day (an order ``done`` on 3 May was ``taken`` on 1 May if it was
taken on 30 April); cancelled orders stay cancelled.

Examples
--------
The tiny district has two orders: OD1 (a venue in C1, ordered 1 June 09:00, taken 12:00, done
2 June 18:00) and OD2 (medical care in C3, ordered 20 September, still open). One of two is
done; OD1 was taken after 3 hours and finished after 33.

>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> ind = order_indicators(G, as_of=rg.datasets.REFERENCE_DATE, by=None)
>>> ind[["orders", "open", "done"]].to_dict("index")
{'all': {'orders': 2, 'open': 1, 'done': 1}}
>>> ind.loc["all", ["fulfilment_rate", "median_hours_to_take", "median_hours_to_finish"]].tolist()
[0.5, 3.0, 33.0]
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..errors import MatchingError
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from ..vocab import VALUE_ZH
from ._places import Pairs, Places, Side, candidate_pairs, name_of, pair_reasons
from .flow import solve_allocation
from .weights import MatchWeights

log = logging.getLogger(__name__)

__all__ = [
    "DISPATCH_REASONS", "ORDER_TABLES", "order_indicators", "order_status_as_of", "order_tables",
    "propose_dispatch",
]

_STEPS = ("open", "dispatched", "taken", "done")
NO_CANDIDATE = "no in-service member with that skill and no unit of that category"
TOO_FAR = "only units beyond the distance limit"
ALL_BUSY = "every suitable member and unit is proposed for other orders"
#: Why an open order gets no proposal.
DISPATCH_REASONS = (NO_CANDIDATE, TOO_FAR, ALL_BUSY)


def order_status_as_of(orders: pd.DataFrame, as_of: DateLike = None) -> pd.Series:
    """The status of each order at the end of ``as_of`` (``NaN`` if not yet ordered).

    Parameters
    ----------
    orders
        A typed orders table (``G.orders``).
    as_of
        The day (default today); times up to 23:59:59 of that day count.

    Returns
    -------
    pandas.Series
        Status codes (``open``, ``dispatched``, ``taken``, ``done``, ``cancelled``), aligned
        with ``orders``.

    Examples
    --------
    On the tiny district (see the module): on 1 June OD1 was taken (it was finished on 2 June)
    and OD2 not yet ordered; on 1 October OD1 is done and OD2 open.

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> order_status_as_of(G.orders, "2026-06-01").tolist()
    ['taken', nan]
    >>> order_status_as_of(G.orders, "2026-10-01").tolist()
    ['done', 'open']
    """
    end = as_date(as_of) + np.timedelta64(1, "D")
    status = orders["status"].astype(object).to_numpy()
    pos = pd.Series(status).map({s: i for i, s in enumerate(_STEPS)}).fillna(-1)
    pos = pos.to_numpy(dtype=np.int64)
    for step, col in ((2, "finished_at"), (1, "taken_at"), (0, "dispatched_at")):
        t = orders[col].to_numpy(dtype="datetime64[s]")
        later = ~np.isnat(t) & (t >= end)
        pos = np.where(later & (pos > step), step, pos)
    out = np.where(pos >= 0, np.asarray(_STEPS, dtype=object)[np.maximum(pos, 0)], status)
    ordered = orders["ordered_at"].to_numpy(dtype="datetime64[s]")
    out = np.where(~np.isnat(ordered) & (ordered < end), out, None)
    return pd.Series(out, index=orders.index, dtype="str", name="status")


def _member_skills(G: RegionalGraph) -> pd.DataFrame:
    """(member row, category code) for every valid token of the members' ``skills``."""
    M = G.nodes[Label.MEMBER]
    if "skills" not in M.columns or not len(M):
        return pd.DataFrame({"m": np.zeros(0, np.int64), "cat": np.zeros(0, np.int64)})
    tokens = M["skills"].reset_index(drop=True).str.split(
        f"[{re.escape(schema.SKILL_SEPARATORS)}]", regex=True).explode()
    tokens = tokens[tokens.notna()].str.strip()
    lookup = schema.CATEGORY.lookup
    position = {c: i for i, c in enumerate(schema.CATEGORY.codes)}
    codes = tokens.map(lambda v: position.get(lookup.get("".join(str(v).split()).lower(), ""),
                                              -1))
    out = pd.DataFrame({"m": tokens.index.to_numpy(dtype=np.int64),
                        "cat": codes.to_numpy(dtype=np.int64)})
    return out[out["cat"] >= 0].drop_duplicates().reset_index(drop=True)


_DISPATCH_COLUMNS = ["community_id", "community", "category", "ordered_at", "dispatcher_id",
                     "dispatcher", "assignee_kind", "assignee_id", "assignee", "resource_id",
                     "distance_km", "cost", "reason"]


def _member_pairs(G: RegionalGraph, places: Places, status: pd.Series, day: np.datetime64,
                  dem: Side, member_capacity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """In-service members who could take each order: ``(member row, order row)`` pairs and
    the orders each member may still take."""
    M = G.nodes[Label.MEMBER]
    mrng = G.label_range(Label.MEMBER)
    reported = M["reported"].fillna(False).to_numpy(dtype=bool) if len(M) else np.zeros(0, bool)
    rep = G.edges_of(RelType.REPORTS_TO)
    rep = rep[G.live(rep, day)]
    reported[rep["source"].to_numpy(dtype=np.int64) - mrng.start] = True
    m_comm = places.levels(G.codes(M["residence_area_id"]), "community") if len(M) \
        else np.zeros(0, np.int64)
    busy_ids = G.orders.loc[
        status.isin(["dispatched", "taken"]).to_numpy(dtype=bool), "assignee_id"].dropna()
    busy = np.bincount(np.maximum(G.codes(busy_ids) - mrng.start, 0)[
        (G.codes(busy_ids) >= mrng.start) & (G.codes(busy_ids) < mrng.stop)],
        minlength=len(M)) if len(M) else np.zeros(0, np.int64)
    cap_m = np.maximum(member_capacity - busy, 0).astype(np.int64)
    skills = _member_skills(G)
    skills = skills[reported[skills["m"].to_numpy()]] if len(skills) else skills
    skills = skills.assign(community=m_comm[skills["m"].to_numpy()] if len(skills) else [])
    od = pd.DataFrame({"community": dem.community, "cat": dem.cat, "d": np.arange(len(dem.cat))})
    mp = skills.merge(od[od["community"] >= 0], on=["community", "cat"])
    return mp["m"].to_numpy(dtype=np.int64), mp["d"].to_numpy(dtype=np.int64), cap_m


@dataclass
class _Takers:
    """Per open order: the proposed taker and why (filled in by kind)."""

    kind: np.ndarray
    assignee: np.ndarray
    name: np.ndarray
    resource_id: np.ndarray
    distance: np.ndarray
    reason: np.ndarray
    reason_zh: np.ndarray

    @classmethod
    def empty(cls, n: int) -> _Takers:
        return cls(kind=np.full(n, None, dtype=object), assignee=np.full(n, None, dtype=object),
                   name=np.full(n, None, dtype=object),
                   resource_id=np.full(n, None, dtype=object), distance=np.full(n, np.nan),
                   reason=np.full(n, None, dtype=object), reason_zh=np.full(n, None, dtype=object))


def _unit_takers(G: RegionalGraph, places: Places, units: Pairs, chosen: np.ndarray,
                 out: _Takers) -> None:
    """Fill in the orders given to a unit (``chosen`` is a position in ``units``)."""
    is_unit = (chosen >= 0) & (chosen < len(units.r))
    if not is_unit.any():
        return
    R = G.nodes[Label.RESOURCE]
    ku = chosen[is_unit]
    r = units.r[ku]
    prov = G.codes(R["provider_id"].to_numpy()[r])
    unit = np.where(prov >= 0, places.host_of[np.maximum(prov, 0)], -1)
    out.kind[is_unit] = "unit"
    out.assignee[is_unit] = name_of(G.ids.to_numpy(dtype=object), unit)
    out.name[is_unit] = name_of(G.display_names(), unit)
    out.resource_id[is_unit] = R.index.to_numpy()[r]
    out.distance[is_unit] = np.round(units.km[ku], 3)
    en, zh = pair_reasons(units.take(ku))
    out.reason[is_unit] = ("unit: " + en).to_numpy(dtype=object)
    out.reason_zh[is_unit] = ("驻区单位：" + zh).to_numpy(dtype=object)


def _member_takers(G: RegionalGraph, ords: pd.DataFrame, m_r: np.ndarray, offset: int,
                   chosen: np.ndarray, out: _Takers) -> None:
    """Fill in the orders given to a member (``chosen - offset`` is a position in ``m_r``)."""
    is_member = chosen >= offset
    if not is_member.any():
        return
    mrow = m_r[chosen[is_member] - offset]
    out.kind[is_member] = "member"
    out.assignee[is_member] = G.nodes[Label.MEMBER].index.to_numpy()[mrow]
    cat_zh = np.array([schema.CATEGORY.zh(c) for c in schema.CATEGORY.codes], dtype=object)
    cat_codes = ords["category"].cat.codes.to_numpy()[is_member]
    out.reason[is_member] = "member living in the community; skill " \
        + np.asarray(schema.CATEGORY.codes, dtype=object)[cat_codes]
    out.reason_zh[is_member] = "住在本社区的在职党员；技能：" + cat_zh[cat_codes]


def _dispatchers(G: RegionalGraph, community_ids: pd.Series) -> pd.Series:
    """The community Party committee of each community id (text; empty when none)."""
    po = G.nodes[Label.PARTY_ORG]
    cc = po[po["level"].astype(str).to_numpy(dtype=object) == "community_committee"]
    committee = pd.Series(cc.index.to_numpy(dtype=object), index=cc["area_id"].to_numpy(
        dtype=object)).groupby(level=0).first() if len(cc) else pd.Series(dtype=object)
    return community_ids.map(committee).astype("str")


def propose_dispatch(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    max_distance_km: float | None = None,
    member_capacity: int = 1,
    weights: MatchWeights | None = None,
) -> pd.DataFrame:
    """Propose a taker for every open order (党组织下单): a member or a unit.

    Candidates of an order (community ``c``, category ``k``):

    * an *in-service member*: ``reported`` true (or a live ``reports_to`` link), living in
      ``c`` (``residence_area_id`` in ``c``), with ``k`` among their ``skills``. A member
      takes at most ``member_capacity`` orders at a time, less the orders already
      dispatched to or taken by them. Cost: the same-community tier cost times
      ``tie_factor`` (a member is the community's own);
    * a *unit*: a resource of category ``k`` (its capacity), admissible and priced exactly as
      in :func:`~regional_graph.matching.match_resources` (the order sits at its community).

    The dispatcher is the community Party committee (``community_committee`` whose
    ``area_id`` is ``c``).

    Parameters
    ----------
    G
        The graph (with an ``orders`` table).
    as_of
        The day; orders open at its end are proposed for (default today).
    max_distance_km
        Units at or beyond this distance are not proposed (members live in the community).
    member_capacity
        Orders one member may hold at a time.
    weights
        The cost model (default :class:`~regional_graph.matching.MatchWeights()`).

    Returns
    -------
    pandas.DataFrame
        Indexed by order ``id``: ``community_id``, ``community``, ``category``,
        ``ordered_at``, ``dispatcher_id``, ``dispatcher``, ``assignee_kind`` (``member``,
        ``unit`` or empty), ``assignee_id`` (a Member or Organization id, as the orders
        table expects), ``assignee`` (a unit's name; members stay unnamed — personal data),
        ``resource_id``, ``distance_km``, ``cost``, ``reason``.

    Examples
    --------
    On the tiny district only OD2 (medical care in C3) is open. The one reported member, M1,
    lives in C1 and teaches; the hospital O2 offers medical care (R2) 0.0615 km from C3's
    centroid: it is proposed, at ``0.5 + 0.0615`` for one unit, dispatched by C3's Party
    committee PC3.

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> p = propose_dispatch(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> p.loc["OD2", ["dispatcher_id", "assignee_kind", "assignee_id", "resource_id"]].tolist()
    ['PC3', 'unit', 'O2', 'R2']
    >>> p.loc["OD2", ["distance_km", "cost"]].astype(float).tolist()
    [0.062, 0.5615]
    >>> p.loc["OD2", "reason"]
    'unit: same community; 0.1 km'
    """
    weights = MatchWeights() if weights is None else weights
    if member_capacity < 0:
        raise MatchingError("member_capacity must be >= 0")
    day = as_date(as_of)
    ords = G.orders.reset_index(drop=True)
    if not len(ords):
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in _DISPATCH_COLUMNS},
                            index=pd.Index([], dtype="str", name="id"))
    status = order_status_as_of(ords, day)
    ords = ords.iloc[np.flatnonzero((status == "open").to_numpy(dtype=bool))]
    ords = ords.reset_index(drop=True)
    places = Places(G, day)
    comm_code = G.codes(ords["community_id"])
    dem = places.at_communities(ords["category"].cat.codes.to_numpy(), comm_code)
    n_ord = len(ords)

    # units: the resources, priced like the matcher; members: in service, with the skill
    units = candidate_pairs(places.resources(), dem, places.ties, weights, max_distance_km)
    had_unit = np.bincount(units.d, minlength=n_ord) > 0
    if max_distance_km is not None:
        units = units.take(units.eff_km < max_distance_km)
    m_r, m_d, cap_m = _member_pairs(G, places, status, day, dem, member_capacity)
    cap_u = G.nodes[Label.RESOURCE]["capacity"].fillna(1).to_numpy(dtype=np.int64)
    pdm = np.concatenate([units.d, m_d])
    cost = np.concatenate([units.cost, np.full(len(m_r), weights.tier_cost("same community")
                                               * weights.tie_factor)])
    sol = solve_allocation(np.concatenate([cap_u, cap_m]), np.ones(n_ord, np.int64),
                           np.ones(n_ord, np.int64), np.concatenate([units.r, len(cap_u) + m_r]),
                           pdm, cost, cost_scale=weights.cost_scale)
    chosen = np.full(n_ord, -1, dtype=np.int64)
    chosen[pdm[sol.flow > 0]] = np.flatnonzero(sol.flow > 0)

    takers = _Takers.empty(n_ord)
    _unit_takers(G, places, units, chosen, takers)
    _member_takers(G, ords, m_r, len(units.r), chosen, takers)
    none = chosen < 0
    with_cand = np.bincount(pdm, minlength=n_ord) > 0
    takers.reason[none] = np.select([~with_cand[none] & had_unit[none], ~with_cand[none]],
                                    [TOO_FAR, NO_CANDIDATE], ALL_BUSY)
    takers.reason_zh[none] = [VALUE_ZH[r] for r in takers.reason[none]]
    cost_out = np.full(n_ord, np.nan)
    cost_out[~none] = np.round(cost[chosen[~none]], 4)
    names = G.display_names()
    dispatcher_id = _dispatchers(G, ords["community_id"])
    out = pd.DataFrame({
        "community_id": ords["community_id"].to_numpy(),
        "community": name_of(names, comm_code),
        "category": ords["category"].to_numpy(),
        "ordered_at": ords["ordered_at"].to_numpy(),
        "dispatcher_id": dispatcher_id.to_numpy(),
        "dispatcher": name_of(names, G.codes(dispatcher_id)),
        "assignee_kind": takers.kind,
        "assignee_id": takers.assignee,
        "assignee": takers.name,
        "resource_id": takers.resource_id,
        "distance_km": takers.distance,
        "cost": cost_out,
        "reason": takers.reason,
    }, index=pd.Index(ords["id"].to_numpy(), dtype="str", name="id"))
    for col in ("community_id", "community", "dispatcher_id", "dispatcher", "assignee_kind",
                "assignee_id", "assignee", "resource_id", "reason"):
        out[col] = out[col].astype("str")
    out.attrs["reason_zh"] = takers.reason_zh  # the export layer shows these in Chinese
    log.info("proposed takers for %d of %d open orders", int((~none).sum()), n_ord)
    return out


def order_indicators(
    G: RegionalGraph, *, as_of: DateLike = None, by: str | None = "community"
) -> pd.DataFrame:
    """Indicators of the three-order flow per community (or street, district, category).

    Only orders placed by the end of ``as_of`` count, each with its status as of that day
    (:func:`order_status_as_of`).

    * ``fulfilment_rate`` = done / (orders − cancelled) (NaN when nothing to fulfil);
    * ``median_hours_to_take`` = median of ``taken_at − ordered_at`` over orders taken by then;
    * ``median_hours_to_finish`` = median of ``finished_at − ordered_at`` over orders done;
    * ``open`` (waiting for dispatch), ``dispatched``, ``taken`` (in progress), ``done``,
      ``cancelled`` counts.

    Parameters
    ----------
    G
        The graph.
    as_of
        The day (default today).
    by
        ``"community"``, ``"street"``, ``"district"``, ``"category"`` or ``None`` (one row
        ``all``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id`` (the area id, category code or ``all``): ``name``, ``orders``,
        ``open``, ``dispatched``, ``taken``, ``done``, ``cancelled``, ``fulfilment_rate``,
        ``median_hours_to_take``, ``median_hours_to_finish``. Communities without orders are
        not listed.

    Examples
    --------
    On the tiny district (see the module) OD1 lies in street S1 (C1) and is done, OD2 in S2
    (C3) and open:

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> ind = order_indicators(G, as_of=rg.datasets.REFERENCE_DATE, by="street")
    >>> ind[["name", "orders", "open", "done", "fulfilment_rate"]].to_dict("index")
    {'S1': {'name': '东街道', 'orders': 1, 'open': 0, 'done': 1, 'fulfilment_rate': 1.0}, \
'S2': {'name': '西街道', 'orders': 1, 'open': 1, 'done': 0, 'fulfilment_rate': 0.0}}
    """
    if by not in {"community", "street", "district", "category", None}:
        raise ValueError("by must be 'community', 'street', 'district', 'category' or None")
    day = as_date(as_of)
    ords, status, comm, hours = G.memo(("matching", "orders", "placed", day),
                                       lambda: _placed(G, day))  # shared by every level
    code = np.zeros(0, dtype=np.int64)
    if by is None:
        key = np.full(len(ords), "all", dtype=object)
    elif by == "category":
        key = ords["category"].astype(object).to_numpy()
    else:
        code = comm
        if by != "community":
            ok = code >= 0
            up = np.full(len(code), -1, dtype=np.int64)
            up[ok] = G.ancestor_at(code[ok], by)
            code = up
        key = np.full(len(code), None, dtype=object)
        key[code >= 0] = G.ids[code[code >= 0]].to_numpy(dtype=object)
    text = pd.Series(key, dtype="str").fillna("(none)").to_numpy(dtype=object)
    keys, row = np.unique(text, return_inverse=True) if len(text) \
        else (np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64))
    state = status.to_numpy(dtype=object)
    counts = {s: np.bincount(row[state == s], minlength=len(keys)).astype(np.int64)
              for s in (*_STEPS, "cancelled")}
    data: dict[str, np.ndarray] = {"orders": sum(counts.values(),
                                                 np.zeros(len(keys), dtype=np.int64))}
    data.update(counts)
    left = (data["orders"] - data["cancelled"]).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        data["fulfilment_rate"] = data["done"] / np.where(left == 0, np.nan, left)
    data["median_hours_to_take"] = _group_median(row, hours["taken_at"], len(keys)).round(2)
    data["median_hours_to_finish"] = _group_median(row, hours["finished_at"],
                                                   len(keys)).round(2)
    out = pd.DataFrame(data, index=pd.Index(keys, dtype="str"))
    if by == "category":
        label = {c: schema.CATEGORY.zh(c) for c in schema.CATEGORY.codes}
    elif by is None:
        label = {"all": "全部"}
    else:
        used = np.unique(code[code >= 0])  # the names of the areas listed only
        label = dict(zip(G.ids[used].to_numpy(dtype=object), G.display_names(used),
                         strict=True))
    out.insert(0, "name", pd.Series(out.index.map(label.get), index=out.index,
                                    dtype="str"))
    out.index = pd.Index(out.index, dtype="str", name="id")
    out.columns.name = None
    return out


def _group_median(row: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Median of ``values`` (NaN left out) per ``row`` in ``0..n-1``; NaN where none.

    Examples
    --------
    >>> _group_median(np.array([0, 0, 1, 0, 1]), np.array([3.0, 1.0, np.nan, 2.5, 4.0]),
    ...               3).tolist()
    [2.5, 4.0, nan]
    """
    ok = ~np.isnan(values)
    g, v = row[ok], values[ok]
    order = np.lexsort((v, g))
    g, v = g[order], v[order]
    count = np.bincount(g, minlength=n)
    first = np.cumsum(count) - count
    out = np.full(n, np.nan)
    has = count > 0
    lo, hi = (first + (count - 1) // 2)[has], (first + count // 2)[has]
    out[has] = (v[hi] + v[lo]) / 2  # the middle value, or the mean of the two middle ones
    return out


def _placed(G: RegionalGraph, day: np.datetime64
            ) -> tuple[pd.DataFrame, pd.Series, np.ndarray, dict[str, np.ndarray]]:
    """The orders placed by the end of ``day``: rows, status that day, community codes and
    the hours to take and to finish (NaN when not yet)."""
    end = day + np.timedelta64(1, "D")
    ords = G.orders.reset_index(drop=True)
    status = order_status_as_of(ords, day) if len(ords) else pd.Series([], dtype="str")
    placed = status.notna().to_numpy(dtype=bool)
    ords, status = ords[placed], status[placed]
    comm = G.codes(ords["community_id"], Label.AREA) if len(ords) \
        else np.zeros(0, dtype=np.int64)
    ordered = ords["ordered_at"].to_numpy(dtype="datetime64[s]")
    hours = {}
    for col in ("taken_at", "finished_at"):
        t = ords[col].to_numpy(dtype="datetime64[s]")
        ok = ~np.isnat(t) & (t < end) & ~np.isnat(ordered)
        h = np.full(len(ords), np.nan)
        h[ok] = (t[ok] - ordered[ok]).astype(np.int64) / 3600.0
        hours[col] = h
    return ords, status, comm, hours


#: The orders workbook's tables (file stems) in sheet order.
ORDER_TABLES = ("order_status", "dispatch_proposals", "order_indicators",
                "order_indicators_street", "order_indicators_category")


def order_tables(G: RegionalGraph, *, as_of: DateLike = None,
                 max_distance_km: float | None = None) -> dict[str, pd.DataFrame]:
    """The three-order flow as of a day: every order placed by then with its status that
    day (``order_status``), a taker proposed for every open order (``dispatch_proposals``)
    and the indicators per community, street and category.

    Only allow-listed columns: no order ``description`` (free text, possibly personal).

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = order_tables(rg.datasets.load_tiny(), as_of=rg.datasets.REFERENCE_DATE)
    >>> list(t)
    ['order_status', 'dispatch_proposals', 'order_indicators', 'order_indicators_street', \
'order_indicators_category']
    >>> t["order_status"]["status"].tolist()
    ['done', 'open']
    >>> t["order_status"][["status", "assignee_kind", "assignee_id"]].to_dict("index")
    {'OD1': {'status': 'done', 'assignee_kind': 'unit', 'assignee_id': 'O1'}, \
'OD2': {'status': 'open', 'assignee_kind': nan, 'assignee_id': nan}}
    """
    day = as_date(as_of)
    ords = G.orders
    status = order_status_as_of(ords, day) if len(ords) else pd.Series([], dtype="str")
    placed = status.notna().to_numpy(dtype=bool)
    o = ords[placed]
    names = G.display_names()
    comm = G.codes(o["community_id"]) if len(o) else np.zeros(0, dtype=np.int64)
    street = G.ancestor_at(comm, "street") if len(o) else comm
    end = day + np.timedelta64(1, "D")

    def upto(col: str) -> np.ndarray:  # a step's time, empty when it lies after the day
        t = o[col].to_numpy(dtype="datetime64[s]")
        return np.where(~np.isnat(t) & (t < end), t, np.datetime64("NaT"))

    assignee = o["assignee_id"].to_numpy(dtype=object, na_value=None)
    a_code = G.codes(assignee) if len(o) else comm
    mrng, orng = G.label_range(Label.MEMBER), G.label_range(Label.ORGANIZATION)
    taken = ~np.isnat(upto("taken_at"))
    kind = np.full(len(a_code), None, dtype=object)
    kind[taken & (a_code >= mrng.start) & (a_code < mrng.stop)] = "member"
    kind[taken & (a_code >= orng.start) & (a_code < orng.stop)] = "unit"
    assignee = np.where(taken, assignee, np.full(len(assignee), None, dtype=object))
    status_table = pd.DataFrame({
        "community_id": o["community_id"].to_numpy(dtype=object),
        "community": name_of(names, comm),
        "street_id": name_of(G.ids.to_numpy(dtype=object), street),
        "street": name_of(names, street),
        "category": o["category"].to_numpy(),
        "status": status[placed].to_numpy(dtype=object),
        "ordered_at": upto("ordered_at"),
        "dispatched_at": upto("dispatched_at"),
        "taken_at": upto("taken_at"),
        "finished_at": upto("finished_at"),
        "dispatcher_id": o["dispatcher_id"].to_numpy(dtype=object, na_value=None),
        "assignee_kind": kind,
        "assignee_id": assignee,
    }, index=pd.Index(o.index if o.index.name == "id" else o["id"], dtype="str", name="id"))
    for col in ("community_id", "community", "street_id", "street", "status",
                "dispatcher_id", "assignee_kind", "assignee_id"):
        status_table[col] = status_table[col].astype("str")
    return {
        "order_status": status_table,
        "dispatch_proposals": propose_dispatch(G, as_of=day, max_distance_km=max_distance_km),
        "order_indicators": order_indicators(G, as_of=day, by="community"),
        "order_indicators_street": order_indicators(G, as_of=day, by="street"),
        "order_indicators_category": order_indicators(G, as_of=day, by="category"),
    }
