"""Resource–demand matching (资源清单 × 需求清单, 双向认领): optimal, explained, sparse.

:func:`match_resources` allocates the resources of a graph to its demands and explains every
assignment and every unit of demand left unmet. The optimisation itself is the exact
min-cost-flow core :func:`regional_graph.matching.flow.solve_allocation`; this module decides which
(resource, demand) pairs are *admissible* and what each one costs.

Objective (lexicographic, integer quantities)
---------------------------------------------
1. maximise the priority-weighted demand served, ``sum(PRIORITY_WEIGHT[priority] * served)``
   (high 3, medium 2, low 1; an empty priority counts as medium);
2. then minimise the total cost ``sum(unit_cost(pair) * quantity)``.

A resource serves only demands of its own category and never more than its ``capacity``
(empty: 1); a demand takes at most its ``quantity`` (empty: 1).

Cost of one unit over a pair (weights in :class:`MatchWeights`)
---------------------------------------------------------------
``unit_cost = (base + per_km * km) * (tie_factor if existing tie else 1)`` where ``km`` is

* the great-circle distance when both ends have coordinates (a resource is where its
  provider organisation is — a Party org provider is where its host organisation is; a
  demand is at the mean lat/lon of the organisations located in the requester's community);
* otherwise the *assumed* distance of the pair's tier: same community 1 km, same street
  3 km, same district 8 km, elsewhere 20 km.

An *existing tie* is a live ``paired_with`` link (as of ``as_of``) from the provider (or the
Party org it hosts, or the organisation hosting it) to the requester's community Area or
its community Party committee.

Candidate pairs, then pricing (the optimum is over all admissible pairs)
-----------------------------------------------------------------------
An admissible pair is any same-category pair below ``max_distance_km`` whose provider is
not excluded. The solver starts on sparse candidates — same category, and any of: both in
the same district (one side without coordinates); the resource is among the ``k_nearest``
same-category resources of the demand (a KD-tree per category on 3-D unit-sphere
coordinates, exact for great-circle distance); an existing tie; or — for a demand that has
none of these — the first ``k_nearest`` resources of its category (tier "elsewhere"); then
drops the pairs at or beyond ``max_distance_km`` and those of excluded providers. Dual
potentials of each optimal flow then price every admissible pair left out; improving pairs
are added until none is left, which proves the result optimal over all admissible pairs.

Examples
--------
The tiny district 小岚区: the school O1 offers its venue (R1, 2 units) in community C1, the
hospital O2 a medical service (R2, 3 units) in C3; C1 asks for a venue (Q1, 1 unit, high), C3
for medical care (Q2, 2 units, medium), C2 for legal advice (Q3, 1 unit, low) that nobody
offers. Each demand sits at the centroid of its community's organisations, 0.0615 km from its
provider (0.00043° north and east at 37.5° N), so a unit costs ``0.5 + 0.0615``; O1 and C1's
Party committee are paired since 2024 (cost halved), O2's pair with C3 ended in 2023.

>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> m = match_resources(G, as_of=rg.datasets.REFERENCE_DATE)
>>> m.assignments["quantity"].to_dict()
{('R1', 'Q1'): 1, ('R2', 'Q2'): 2}
>>> m.assignments["cost"].tolist()  # 0.5615 × 0.5 × 1 and 0.5615 × 2
[0.2808, 1.123]
>>> m.weighted_served  # high 3 × 1 + medium 2 × 2
7
>>> m.unmet_demands.loc["Q3", "reason"]
'no provider of that category anywhere'
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from .. import schema
from ..errors import InfeasibleMatchingError, MatchingError
from ..geo import EARTH_RADIUS_KM
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from ..vocab import SHEET_ZH, VALUE_ZH
from ._places import (
    Pairs,
    Places,
    Side,
    candidate_pairs,
    category_blocks,
    name_of,
    pair_reasons,
    price,
)
from .flow import AllocationResult, max_served, solve_allocation
from .weights import TIERS, TIERS_ZH, MatchWeights

log = logging.getLogger(__name__)

__all__ = [
    "MATCH_TABLES",
    "REASON_ZH",
    "TIERS",
    "TIERS_ZH",
    "UNMET_REASONS",
    "MatchResult",
    "MatchWeights",
    "match_resources",
    "with_assignments",
]

NO_PROVIDER = "no provider of that category anywhere"
USED_UP = "all providers of that category used up"
TOO_FAR = "only providers beyond the distance limit"
EXCLUDED = "provider excluded or share limit reached"
#: The reasons a demand stays (partly) unmet, checked in this order.
UNMET_REASONS = (NO_PROVIDER, TOO_FAR, EXCLUDED, USED_UP)
#: Chinese of the fixed reasons and tiers.
REASON_ZH: dict[str, str] = {k: VALUE_ZH[k] for k in (*UNMET_REASONS, *TIERS)}
#: Output table (file stem) → Chinese sheet name of ``matching.xlsx``.
MATCH_TABLES: dict[str, str] = {
    name: SHEET_ZH[name] for name in ("assignments", "unmet_demands", "idle_resources", "totals")
}


@dataclass(frozen=True)
class MatchResult:
    """The outcome of :func:`match_resources`.

    Attributes
    ----------
    assignments : pandas.DataFrame
        One row per (resource, demand) pair with a positive quantity, on the unique index
        (``resource_id``, ``demand_id``): ``provider_id``, ``provider``, ``requester_id``,
        ``requester``, ``category``, ``quantity``, ``distance_km`` (great-circle; empty when
        a tier was assumed), ``cost`` (unit cost × quantity), ``existing_tie``, ``tier``,
        ``tie_since``, ``reason`` (e.g. ``"same community; existing pair since 2024-03-01;
        1.2 km"``).
    unmet_demands : pandas.DataFrame
        Demands not fully served, indexed by demand ``id``: ``requester_id``, ``requester``,
        ``category``, ``priority``, ``requested``, ``served``, ``unmet``, ``reason`` (one of
        :data:`UNMET_REASONS`).
    idle_resources : pandas.DataFrame
        Resources with capacity left, indexed by resource ``id``: ``provider_id``,
        ``provider``, ``category``, ``capacity``, ``used``, ``idle``.
    totals : pandas.DataFrame
        Indexed by (``group``, ``key``) with group ``all``, ``category`` or ``street``:
        ``name``, ``demands``, ``requested``, ``served``, ``unmet``, ``served_rate``,
        ``resources``, ``capacity``, ``used``.
    weighted_served : int
        The primary objective (priority-weighted units served).
    total_cost : float
        The secondary objective (sum of ``cost``).
    as_of : numpy.datetime64
        The day the ties were evaluated.
    options : dict
        The options the matching ran with.

    Examples
    --------
    On the tiny district (see the module): R1 gives 1 of its 2 units, R2 2 of its 3.

    >>> import regional_graph as rg
    >>> r = match_resources(rg.datasets.load_tiny(), as_of=rg.datasets.REFERENCE_DATE)
    >>> r.assignments.index.tolist()
    [('R1', 'Q1'), ('R2', 'Q2')]
    >>> r.idle_resources[["capacity", "used", "idle"]].to_dict("index")
    {'R1': {'capacity': 2, 'used': 1, 'idle': 1}, 'R2': {'capacity': 3, 'used': 2, 'idle': 1}}
    >>> r.unmet_demands[["requested", "served", "unmet"]].to_dict("index")
    {'Q3': {'requested': 1, 'served': 0, 'unmet': 1}}
    >>> r.weighted_served, round(r.total_cost, 4)
    (7, 1.4038)
    """

    assignments: pd.DataFrame
    unmet_demands: pd.DataFrame
    idle_resources: pd.DataFrame
    totals: pd.DataFrame
    weighted_served: int
    total_cost: float
    as_of: np.datetime64
    options: dict[str, object] = field(default_factory=dict)

    @property
    def demands(self) -> pd.DataFrame:
        """Every demand that got anything or is unmet: ``quantity`` asked and ``served``,
        indexed by demand id (what :func:`~regional_graph.analysis.indicators.indicators`
        and the maps take as ``matching``).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> d = match_resources(G, as_of=rg.datasets.REFERENCE_DATE).demands
        >>> d.to_dict("index")
        {'Q1': {'quantity': 1, 'served': 1}, 'Q2': {'quantity': 2, 'served': 2}, \
'Q3': {'quantity': 1, 'served': 0}}
        """
        served = self.assignments.groupby(level="demand_id")["quantity"].sum()
        unmet = self.unmet_demands
        full = served.drop(unmet.index, errors="ignore")
        out = pd.DataFrame({
            "quantity": pd.concat([full, unmet["requested"]]).astype("int64"),
            "served": pd.concat([full, unmet["served"]]).astype("int64"),
        })
        out.index.name = "id"
        return out


_SLACK = 2  # scaled cost units of slack for the fast (matrix) distances; rechecked exactly


#: Same-category pair distances kept between pricing rounds up to this many pairs (8 bytes
#: each; above it, each round computes them again).
_KEEP_BLOCKS = 4_000_000


def _blocks(inst: _Instance, kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None
            ) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`category_blocks` of the instance, kept in ``kept`` (when small enough) for the
    next pricing round: they do not depend on the flow."""
    if kept:
        yield from kept
        return
    allowed = ~inst.excluded & (inst.cap > 0)
    size = 0
    for block in category_blocks(inst.res, inst.dem, inst.weights, allowed, inst.qty > 0):
        size += block[2].size
        if kept is not None and size <= _KEEP_BLOCKS:
            kept.append(block)
        elif kept:
            kept.clear()  # too many to keep
        yield block
    if kept is not None and size > _KEEP_BLOCKS:
        kept.clear()


def _pricing_pairs(inst: _Instance, pairs: Pairs, sol: AllocationResult,
                   kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Admissible pairs outside ``pairs`` with a negative reduced cost under the dual
    potentials of ``sol`` (at most ``k_nearest`` per demand, most negative first).

    Every pair outside the candidates is without a tie (every tie pair is a candidate),
    so its unit cost is ``base + per_km * km``. A fast matrix pass keeps the pairs within
    ``_SLACK`` of improving; those are priced again exactly as :func:`price` does."""
    from .flow import node_potentials

    res, dem, cap, qty, weights, max_km = (inst.res, inst.dem, inst.cap, inst.qty,
                                           inst.weights, inst.max_km)
    n_dem = max(len(qty), 1)
    units = min(int((cap > 0).sum()), int((qty > 0).sum()))
    far = EARTH_RADIUS_KM * np.pi if max_km is None else max_km
    top_km = max(far, float(weights.tier_km.max()))
    c_max = int(np.rint((weights.base + weights.per_km * top_km) * weights.cost_scale)) + 1
    big_w = c_max * max(units, 1) + 1
    if big_w * int(inst.w.max(initial=1)) * (len(cap) + len(qty) + 3) >= 2**62:
        raise InfeasibleMatchingError("instance too large to price exactly in int64; reduce "
                                      "MatchWeights.cost_scale")
    pi_r, pi_d = node_potentials(
        cap, qty, inst.w, pairs.r, pairs.d, pairs.cost, sol.flow, big_w,
        providers=None if inst.limit is None else (inst.prov, inst.limit),
        cost_scale=weights.cost_scale)
    known = np.sort(pairs.r * n_dem + pairs.d)
    scale = weights.cost_scale
    out_r, out_d = [], []
    for r_idx, d_idx, km in _blocks(inst, kept):
        approx = (weights.base + weights.per_km * km) * scale
        near = approx + pi_r[r_idx][None, :] - pi_d[d_idx][:, None] < _SLACK
        if max_km is not None:
            near &= km < max_km + 1e-3
        i, j = np.nonzero(near)
        if not i.size:
            continue
        r, d = r_idx[j], d_idx[i]
        key = r * n_dem + d
        pos = np.searchsorted(known, key)
        new = (pos >= known.size) | (known[np.clip(pos, 0, max(known.size - 1, 0))] != key) \
            if known.size else np.ones(key.size, dtype=bool)
        out_r.append(r[new])
        out_d.append(d[new])
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r, d = np.concatenate(out_r).astype(np.int64), np.concatenate(out_d).astype(np.int64)
    exact = price(res, dem, pd.DataFrame(columns=["unit", "community", "since"]), weights,
                   r, d)
    red = np.rint(exact.cost * scale).astype(np.int64) + pi_r[r] - pi_d[d]
    bad = red < 0
    if max_km is not None:
        bad &= exact.eff_km < max_km
    r, d, red = r[bad], d[bad], red[bad]
    order = np.lexsort((r, red, d))
    r, d = r[order], d[order]
    rank = np.arange(d.size) - np.searchsorted(d, d)
    keep = rank < max(weights.k_nearest, 1)
    return r[keep], d[keep]


def _resolve_touched(pairs: Pairs, n_old: int, sol: AllocationResult, cap: np.ndarray,
                     qty: np.ndarray, w: np.ndarray, solve: Callable[[Pairs], AllocationResult],
                     prov: np.ndarray | None) -> AllocationResult:
    """Solve again only the connected components (of resources, demands and providers)
    that the pairs from ``n_old`` on touch; the others keep their optimal flow (components
    share nothing, so their optima are independent)."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    n_res, n_dem = len(cap), len(qty)
    rows, cols = [pairs.r], [n_res + pairs.d]
    n_all = n_res + n_dem
    if prov is not None:
        rows.append(np.arange(n_res))
        cols.append(n_all + prov)
        n_all += int(prov.max()) + 1 if len(prov) else 0
    r_, c_ = np.concatenate(rows), np.concatenate(cols)
    adj = coo_array((np.ones(r_.size, dtype=np.int8), (r_, c_)), shape=(n_all, n_all))
    _, label = connected_components(adj, directed=False)
    touched = np.zeros(label.max() + 1, dtype=bool)
    touched[label[pairs.r[n_old:]]] = True
    sub = np.flatnonzero(touched[label[pairs.r]])
    part = solve(pairs.take(sub))
    flow = np.zeros(len(pairs.r), dtype=np.int64)
    flow[:n_old] = sol.flow
    flow[sub] = part.flow
    served = np.bincount(pairs.d, weights=flow, minlength=n_dem).astype(np.int64)
    used = np.bincount(pairs.r, weights=flow, minlength=n_res).astype(np.int64)
    return AllocationResult(flow=flow, served=served, used=used,
                            weighted_served=int(np.dot(served, w)),
                            total_cost=float(np.dot(pairs.cost, flow)), status="optimal")


def _reachable(res: Side, dem: Side, weights: MatchWeights, max_km: float | None,
               allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per demand: some same-category resource within the distance limit (any provider;
    a provider not excluded)."""
    n = len(dem.cat)
    cat_has = np.zeros(len(schema.CATEGORY.codes), dtype=bool)
    cat_has[res.cat] = True
    free_has = np.zeros(len(schema.CATEGORY.codes), dtype=bool)
    free_has[res.cat[allowed]] = True
    if max_km is None:
        return cat_has[dem.cat], free_has[dem.cat]
    near_all = np.zeros(n, dtype=bool)
    near_free = np.zeros(n, dtype=bool)
    no_ties = pd.DataFrame(columns=["unit", "community", "since"])
    for r_idx, d_idx, km in category_blocks(res, dem, weights, np.ones(len(res.cat), bool),
                                             np.ones(n, bool)):
        i, j = np.nonzero(km < max_km + 1e-3)  # then exactly, as price measures
        r, d = r_idx[j], d_idx[i]
        ok = price(res, dem, no_ties, weights, r, d).eff_km < max_km
        near_all[d[ok]] = True
        near_free[d[ok & allowed[r]]] = True
    return near_all, near_free

# --------------------------------------------------------------------------------------------
# the matcher
# --------------------------------------------------------------------------------------------


def _provider_limits(share: float | int | None, n_prov: int, cap: np.ndarray, qty: np.ndarray,
                     p: Pairs, prov: np.ndarray) -> np.ndarray | None:
    if share is None:
        return None
    if isinstance(share, bool) or not isinstance(share, int | float | np.integer | np.floating):
        raise TypeError("provider_share must be a fraction (float) or a unit cap (int)")
    if isinstance(share, int | np.integer):
        if share < 1:
            raise MatchingError("provider_share as a unit cap must be >= 1")
        return np.full(n_prov, int(share), dtype=np.int64)
    if not 0 < share <= 1:
        raise MatchingError("provider_share as a fraction must be in (0, 1]")
    best = max_served(cap, qty, p.r, p.d)
    limit = max(1, math.floor(share * best + 1e-9))
    log.debug("provider share %.3g of max servable %d → cap %d units", share, best, limit)
    return np.full(n_prov, limit, dtype=np.int64)


@dataclass(frozen=True)
class _Instance:
    """One matching problem as arrays: the two sides, their quantities and the options."""

    G: RegionalGraph
    places: Places
    res: Side
    dem: Side
    cap: np.ndarray  # units per resource
    qty: np.ndarray  # units per demand
    prio: pd.Series  # priority code per demand (empty: medium)
    w: np.ndarray  # priority weight per demand
    weights: MatchWeights
    max_km: float | None
    provider_ids: pd.Series  # provider id per resource (text)
    prov_code: np.ndarray  # node code of the provider (-1 unknown)
    excluded_ids: pd.Index
    excluded: np.ndarray  # resource whose provider is excluded
    prov: np.ndarray  # provider position per resource (for the share limit)
    limit: np.ndarray | None = None  # units per provider, or no limit

    @property
    def solver_prov(self) -> np.ndarray | None:
        """The provider of each resource as the solver takes it (``None`` without a limit)."""
        return None if self.limit is None else self.prov


def _check_feasible(ids: pd.Index, values: np.ndarray, what: str,
                    expected: str = "a whole number >= 0") -> None:
    """Raise :class:`InfeasibleMatchingError` naming the first few ``ids`` (when any)."""
    if not len(ids):
        return
    shown = ", ".join(f"{i} ({v})" for i, v in zip(ids[:5], values[:5], strict=True))
    more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
    raise InfeasibleMatchingError(f"{what}: {shown}{more}; expected {expected}")


def _instance(G: RegionalGraph, day: np.datetime64, max_km: float | None,
              exclude_providers: Iterable[str], weights: MatchWeights) -> _Instance:
    """The arrays of one matching problem (the provider limit is set once pairs are known)."""
    places = Places(G, day)
    R, D = G.nodes[Label.RESOURCE], G.nodes[Label.DEMAND]
    prio = D["priority"].astype(object).where(D["priority"].notna(), "medium")
    cap = R["capacity"].fillna(1).to_numpy(dtype=np.int64)
    qty = D["quantity"].fillna(1).to_numpy(dtype=np.int64)
    _check_feasible(R.index[cap < 0], cap[cap < 0], "resources with a negative capacity")
    _check_feasible(D.index[qty < 0], qty[qty < 0], "demands with a negative quantity")
    unknown = ~prio.isin(list(schema.PRIORITY_WEIGHT)).to_numpy(dtype=bool)
    _check_feasible(D.index[unknown], prio.to_numpy(dtype=object)[unknown],
                    "demands with an unknown priority",
                    "one of " + ", ".join(schema.PRIORITY_WEIGHT))
    excluded_ids = pd.Index(list(exclude_providers), dtype="str")
    provider_ids = R["provider_id"].astype("str")
    prov_code = G.resolved(Label.RESOURCE, "provider_id")
    excluded = provider_ids.isin(excluded_ids).to_numpy(dtype=bool, copy=True)
    if len(excluded_ids):
        ex_codes = G.codes(excluded_ids)
        ex_codes = ex_codes[ex_codes >= 0]
        host = places.host_of[np.maximum(prov_code, 0)]
        excluded |= (prov_code >= 0) & np.isin(host, ex_codes)
    return _Instance(
        G=G, places=places, res=places.resources(), dem=places.demands(),
        cap=cap, qty=qty,
        prio=prio, w=prio.map(schema.PRIORITY_WEIGHT).to_numpy(dtype=np.int64),
        weights=weights, max_km=max_km, provider_ids=provider_ids, prov_code=prov_code,
        excluded_ids=excluded_ids, excluded=excluded, prov=pd.factorize(provider_ids)[0],
    )


@dataclass(frozen=True)
class _Reach:
    """Per demand: what it could have been served by (for the unmet reasons)."""

    any_pair: np.ndarray  # a candidate of its category at all
    near: np.ndarray  # one below the distance limit
    free: np.ndarray  # one of a provider not excluded


def _admissible(inst: _Instance) -> tuple[Pairs, _Reach]:
    """The first candidate pairs below the distance limit and of providers not excluded."""
    cand = candidate_pairs(inst.res, inst.dem, inst.places.ties, inst.weights, inst.max_km)
    n_dem = len(inst.qty)
    near = cand.take(cand.eff_km < inst.max_km) if inst.max_km is not None else cand
    pairs = near.take(~inst.excluded[near.r])
    return pairs, _Reach(any_pair=np.bincount(cand.d, minlength=n_dem) > 0,
                         near=np.bincount(near.d, minlength=n_dem) > 0,
                         free=np.bincount(pairs.d, minlength=n_dem) > 0)


def _solve(inst: _Instance, pairs: Pairs) -> AllocationResult:
    """The exact allocation over ``pairs``."""
    return solve_allocation(inst.cap, inst.qty, inst.w, pairs.r, pairs.d, pairs.cost,
                            provider=inst.solver_prov, provider_limit=inst.limit,
                            cost_scale=inst.weights.cost_scale)


def _optimise(inst: _Instance, pairs: Pairs) -> tuple[Pairs, AllocationResult]:
    """Solve on the candidates, then price every admissible pair left out.

    The candidates are a sparse subset of all admissible same-category pairs. Dual potentials
    of the optimal flow price every pair left out; while one would improve the flow (negative
    reduced cost), the most improving ones are added and solved again. When none is left the
    flow is the lexicographic optimum over *all* admissible pairs.
    """
    sol = _solve(inst, pairs)
    kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # distances between rounds
    for _ in range(inst.weights.completion_rounds):
        extra = _pricing_pairs(inst, pairs, sol, kept)
        if not len(extra[0]):
            return pairs, sol
        more = price(inst.res, inst.dem, inst.places.ties, inst.weights, *extra)
        n_old = len(pairs.r)
        pairs = Pairs(**{k: np.concatenate([getattr(pairs, k), getattr(more, k)])
                         for k in vars(pairs)})
        sol = _resolve_touched(pairs, n_old, sol, inst.cap, inst.qty, inst.w,
                               partial(_solve, inst), inst.solver_prov)
    if len(_pricing_pairs(inst, pairs, sol, kept)[0]):
        log.warning("matching: stopped after %d pricing rounds before proving the optimum "
                    "(raise MatchWeights.completion_rounds)", inst.weights.completion_rounds)
    return pairs, sol


def match_resources(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    max_distance_km: float | None = None,
    provider_share: float | int | None = None,
    exclude_providers: Iterable[str] = (),
    weights: MatchWeights | None = None,
) -> MatchResult:
    """Optimally allocate the graph's resources to its demands and explain the outcome.

    Parameters
    ----------
    G
        The graph.
    as_of
        Day on which ``paired_with`` ties must be live to lower the cost (default today).
    max_distance_km
        Pairs whose distance (great-circle, or the tier's assumed km without coordinates) is
        not below this are not admissible. ``0`` admits nothing: every demand is unmet with
        the reason ``"only providers beyond the distance limit"`` — not an error.
    provider_share
        Limit on what one provider (the ``provider_id`` of a resource) may hand out in total:
        a ``float`` in (0, 1] is a fraction of the units that can be served at all (the
        maximum flow of the admissible pairs without the limit, rounded down, at least 1);
        an ``int`` ≥ 1 is an absolute cap in units.
    exclude_providers
        Provider ids whose resources are not used (a Party org provider is also excluded when
        the organisation hosting it is).
    weights
        The cost model (default :class:`MatchWeights()`).

    Returns
    -------
    MatchResult

    Examples
    --------
    On the tiny district each provider is 0.0615 km from its demand: a limit of 50 m serves
    nothing.

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> m = match_resources(G, as_of=rg.datasets.REFERENCE_DATE, max_distance_km=0.05)
    >>> int(m.totals.loc[("all", "all"), "served"])
    0
    >>> m.unmet_demands["reason"].to_dict()
    {'Q1': 'only providers beyond the distance limit', \
'Q2': 'only providers beyond the distance limit', 'Q3': 'no provider of that category anywhere'}
    >>> m = match_resources(G, as_of=rg.datasets.REFERENCE_DATE, max_distance_km=0.1)
    >>> m.assignments["distance_km"].tolist()
    [0.062, 0.062]
    """
    t0 = time.perf_counter()
    weights = MatchWeights() if weights is None else weights
    if max_distance_km is not None and not max_distance_km >= 0:
        raise MatchingError("max_distance_km must be >= 0")
    day = as_date(as_of)
    inst = _instance(G, day, max_distance_km, exclude_providers, weights)
    pairs, reach = _admissible(inst)
    limit = _provider_limits(provider_share, int(inst.prov.max(initial=-1)) + 1, inst.cap,
                             inst.qty, pairs, inst.prov)
    inst = replace(inst, limit=limit)
    pairs, sol = _optimise(inst, pairs)
    near_all, near_free = _reachable(inst.res, inst.dem, weights, max_distance_km,
                                     ~inst.excluded)
    reach = _Reach(any_pair=reach.any_pair, near=reach.near | near_all,
                   free=reach.free | near_free)
    names = G.display_names()
    totals = _totals(G, names, inst.res, inst.dem, inst.cap, sol.used, inst.qty, sol.served)
    log.info("matched %d demands / %d resources over %d admissible pairs: served %d of %d "
             "units in %.2f s", len(inst.qty), len(inst.cap), len(pairs.r),
             int(sol.served.sum()), int(inst.qty.sum()), time.perf_counter() - t0)
    return MatchResult(
        assignments=_assignments(inst, pairs, sol, names),
        unmet_demands=_unmet(inst, pairs, sol, names, reach),
        idle_resources=_idle(inst, sol, names), totals=totals,
        weighted_served=int(sol.weighted_served),
        total_cost=float(np.dot(pairs.cost, sol.flow)), as_of=day,
        options={"max_distance_km": max_distance_km, "provider_share": provider_share,
                 "exclude_providers": list(inst.excluded_ids), "weights": weights,
                 "admissible_pairs": len(pairs.r)},
    )


def _text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` as the text dtype."""
    for col in columns:
        frame[col] = frame[col].astype("str")
    return frame


def _assignments(inst: _Instance, pairs: Pairs, sol: AllocationResult,
                 names: np.ndarray) -> pd.DataFrame:
    """One row per pair with a positive flow, explained."""
    G, R, D = inst.G, inst.G.nodes[Label.RESOURCE], inst.G.nodes[Label.DEMAND]
    a = pairs.take(sol.flow > 0)
    qa = sol.flow[sol.flow > 0]
    reason, reason_zh = pair_reasons(a)
    out = pd.DataFrame({
        "provider_id": inst.provider_ids.to_numpy()[a.r],
        "provider": name_of(names, inst.prov_code[a.r]),
        "requester_id": D["requester_id"].to_numpy()[a.d],
        "requester": name_of(names, G.resolved(Label.DEMAND, "requester_id")[a.d]),
        "category": pd.Categorical.from_codes(inst.res.cat[a.r],
                                              categories=schema.CATEGORY.codes),
        "quantity": qa.astype(np.int64),
        "distance_km": np.round(a.km, 3),
        "cost": np.round(a.cost * qa, 4),
        "existing_tie": a.tie,
        "tier": pd.Series(np.asarray(TIERS, dtype=object)[a.tier], dtype="str").to_numpy(),
        "tie_since": a.since,
        "reason": reason.to_numpy(),
    }, index=pd.MultiIndex.from_arrays(
        [pd.Index(R.index.to_numpy()[a.r], dtype="str"),
         pd.Index(D.index.to_numpy()[a.d], dtype="str")], names=["resource_id", "demand_id"]))
    out = _text(out, ("provider_id", "provider", "requester_id", "requester",
                      "tier", "reason"))
    out.attrs["reason_zh"] = reason_zh.to_numpy(dtype=object)
    return out


def _unmet(inst: _Instance, pairs: Pairs, sol: AllocationResult, names: np.ndarray,
           reach: _Reach) -> pd.DataFrame:
    """Demands not fully served, each with the first reason of :data:`UNMET_REASONS` that
    applies."""
    G, D = inst.G, inst.G.nodes[Label.DEMAND]
    cap, used, served = inst.cap, sol.used, sol.served
    unmet = inst.qty - served
    cat_has = np.zeros(len(schema.CATEGORY.codes), dtype=bool)
    cat_has[inst.res.cat[cap > 0]] = True
    idle_res = (cap - used) > 0
    if inst.limit is not None:
        prov_used = np.bincount(inst.prov, weights=used, minlength=len(inst.limit))
        at_limit = (prov_used >= inst.limit)[inst.prov]
    else:
        at_limit = np.zeros(len(cap), dtype=bool)
    blocked = np.zeros(len(inst.qty), dtype=bool)  # an admissible resource has room but its
    np.logical_or.at(blocked, pairs.d, idle_res[pairs.r] & at_limit[pairs.r])  # provider is full
    why = np.select(
        [~cat_has[inst.dem.cat] | ~reach.any_pair, ~reach.near, ~reach.free | blocked],
        [NO_PROVIDER, TOO_FAR, EXCLUDED], USED_UP,
    )
    mask = unmet > 0
    out = pd.DataFrame({
        "requester_id": D["requester_id"].to_numpy()[mask],
        "requester": name_of(names, G.resolved(Label.DEMAND, "requester_id")[mask]),
        "category": D["category"].to_numpy()[mask],
        "priority": inst.prio.to_numpy(dtype=object)[mask],
        "requested": inst.qty[mask],
        "served": served[mask],
        "unmet": unmet[mask],
        "reason": why[mask],
    }, index=pd.Index(D.index.to_numpy()[mask], dtype="str", name="id"))
    return _text(out, ("requester_id", "requester", "priority", "reason"))


def _idle(inst: _Instance, sol: AllocationResult, names: np.ndarray) -> pd.DataFrame:
    """Resources with capacity left."""
    R = inst.G.nodes[Label.RESOURCE]
    idle = inst.cap - sol.used
    mask = idle > 0
    out = pd.DataFrame({
        "provider_id": inst.provider_ids.to_numpy()[mask],
        "provider": name_of(names, inst.prov_code[mask]),
        "category": R["category"].to_numpy()[mask],
        "capacity": inst.cap[mask],
        "used": sol.used[mask],
        "idle": idle[mask],
    }, index=pd.Index(R.index.to_numpy()[mask], dtype="str", name="id"))
    return _text(out, ("provider_id", "provider"))


def _street_ids(codes: np.ndarray, streets: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The id of each street code (``""`` for -1), ``streets`` sorted with their ``ids``."""
    out = np.full(len(codes), "", dtype=object)
    ok = codes >= 0
    out[ok] = ids[np.searchsorted(streets, codes[ok])]
    return out


def _totals(G: RegionalGraph, names: np.ndarray, res: Side, dem: Side, cap: np.ndarray,
            used: np.ndarray, qty: np.ndarray, served: np.ndarray) -> pd.DataFrame:
    """Served/unmet (and supply) in all, by category and by street."""
    cats = np.asarray(schema.CATEGORY.codes, dtype=object)
    streets = np.unique(np.concatenate([dem.street, res.street]))
    streets = streets[streets >= 0]  # ids and names of these streets only (not every node's)
    street_ids = G.ids[streets].to_numpy(dtype=object)
    frames = []
    for group, dkey, rkey in (
        ("all", np.full(len(qty), "all", dtype=object), np.full(len(cap), "all", dtype=object)),
        ("category", cats[dem.cat], cats[res.cat]),
        ("street", _street_ids(dem.street, streets, street_ids),
         _street_ids(res.street, streets, street_ids)),
    ):
        d = pd.DataFrame({"key": dkey, "requested": qty, "served": served}).groupby("key").agg(
            demands=("requested", "size"), requested=("requested", "sum"),
            served=("served", "sum"))
        r = pd.DataFrame({"key": rkey, "capacity": cap, "used": used}).groupby("key").agg(
            resources=("capacity", "size"), capacity=("capacity", "sum"), used=("used", "sum"))
        t = d.join(r, how="outer").fillna(0).astype(np.int64)
        t["unmet"] = t["requested"] - t["served"]
        with np.errstate(invalid="ignore", divide="ignore"):
            t["served_rate"] = t["served"] / t["requested"].replace(0, np.nan)
        t.insert(0, "group", group)
        frames.append(t.reset_index())
    out = pd.concat(frames, ignore_index=True)
    if len(out) == 0:
        out = pd.DataFrame({"group": ["all"], "key": ["all"], "demands": [0], "requested": [0],
                            "served": [0], "resources": [0], "capacity": [0], "used": [0],
                            "unmet": [0], "served_rate": [np.nan]})
    zh = {c: schema.CATEGORY.zh(c) for c in schema.CATEGORY.codes}
    street_names = dict(zip(street_ids, names[streets], strict=True))
    out["name"] = np.select(
        [out["group"] == "all", out["group"] == "category"],
        ["全部", out["key"].map(zh).fillna("")],
        out["key"].map(street_names).fillna("(no street)"),
    )
    out["key"] = out["key"].replace("", "(none)")
    out = out.set_index(["group", "key"])
    cols = ["name", "demands", "requested", "served", "unmet", "served_rate", "resources",
            "capacity", "used"]
    out = out[cols]
    out["name"] = out["name"].astype("str")
    return out


# --------------------------------------------------------------------------------------------
# the graph with the assignments
# --------------------------------------------------------------------------------------------


def with_assignments(G: RegionalGraph, result: MatchResult) -> RegionalGraph:
    """A new graph whose edges also hold ``(:Resource)-[:ASSIGNED_TO {quantity}]->(:Demand)``.

    Assignments already in ``G`` are replaced; nodes, activities and orders are shared.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> H = with_assignments(G, match_resources(G, as_of="2026-10-01"))
    >>> e = H.edges_of("ASSIGNED_TO")
    >>> list(zip(H.ids[e["source"]], H.ids[e["target"]], e["quantity"].tolist()))
    [('R1', 'Q1', 1), ('R2', 'Q2', 2)]
    >>> H.number_of_edges() - G.number_of_edges()
    2
    """
    from ..build import conform_edges

    a = result.assignments
    src = G.codes(a.index.get_level_values("resource_id"))
    dst = G.codes(a.index.get_level_values("demand_id"))
    if (src < 0).any() or (dst < 0).any():
        raise MatchingError("the matching result names resources or demands not in the graph")
    old = G.edges[(G.edges["type"] != RelType.ASSIGNED_TO.value).to_numpy()]
    new = pd.DataFrame({
        "type": pd.Categorical([RelType.ASSIGNED_TO.value] * len(a),
                               categories=old["type"].cat.categories),
        "source": src.astype(np.int32),
        "target": dst.astype(np.int32),
        "quantity": pd.array(a["quantity"].to_numpy(), dtype="Int64"),
    })
    edges = conform_edges(pd.concat([old, new], ignore_index=True))
    return RegionalGraph(nodes=dict(G.nodes), edges=edges, activities=G.activities,
                         orders=G.orders, name=G.name)
