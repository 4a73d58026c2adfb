"""Exact solver core for resource–demand matching (transportation / min-cost flow).

The functions here are array-in / array-out and know nothing about table schemas.

Problem
-------
``R`` resources with integer capacity ``cap[r]``, ``D`` demands with integer quantity
``qty[d]`` and positive integer priority ``w[d]``, and a sparse list of admissible pairs
``(pair_resource[k], pair_demand[k], pair_cost[k])``.  Optionally every resource belongs to
a provider ``provider[r]`` whose total hand-out is limited by ``provider_limit[p]``.
Integer flows ``x[k] >= 0`` are chosen lexicographically:

1. maximise ``sum_d w[d] * served[d]``;
2. then minimise ``sum_k cost[k] * x[k]``.

Reduction (one min-cost-flow call)
----------------------------------
Nodes: source ``s``, sink ``t``, one node per resource, per demand and per provider.

* ``s -> provider p``    capacity ``provider_limit[p]``, cost 0 (only with providers)
* ``provider p -> r``     capacity ``cap[r]``, cost 0  (resources with ``provider[r] >= 0``)
* ``s -> r``              capacity ``cap[r]``, cost 0  (resources without a provider)
* ``r -> d``              one arc per admissible pair, capacity ``min(cap[r], qty[d])``,
  cost ``c_k = round(cost[k] * cost_scale)``
* ``d -> t``              capacity ``qty[d]``, cost ``-W * w[d]``
* ``s -> t``              bypass, capacity ``sum(cap)``, cost 0, so nothing is forced to flow

Supply at ``s`` is ``sum(cap)``, demand at ``t`` is ``-sum(cap)``.  The provider node sits
*between* the source and its resources (a ``resource -> provider`` arc could not lead on
to the demands), which caps the providers' total outflow exactly.

Decomposition
-------------
The pair graph (plus resource–provider links) is split into connected components with
:func:`scipy.sparse.csgraph.connected_components`.  Components share nothing but ``s`` and
``t`` (and the bypass makes ``s``/``t`` non-binding), so they are solved independently;
small components are grouped into one solver call of about ``_BATCH_PAIRS`` pairs.  This
is exact and much faster than one big call (OR-tools' cost scaling is superlinear: for
13 categories × 7.7k nodes, 13 calls take ~11 s CPU, one call ~50 s).

Choice of ``W``
---------------
For a component ``C`` let ``c_max`` be its largest scaled pair cost and
``B_C = min(R_C, D_C, sum(cap_C), sum(qty_C))`` where ``R_C`` / ``D_C`` count its resources /
demands occurring in a pair.  A solver call uses ``W = max_C (c_max * B_C) + 1``.  This is
exact for two independent reasons (each alone would suffice):

* total-cost argument: a feasible flow carries at most ``min(sum(cap_C), sum(qty_C))``
  units over pair arcs of ``C``, so its scaled pair cost lies in ``[0, c_max * ...] < W``;
  one extra unit of weighted service (weights are integers) outweighs any cost difference;
* cycle argument: if the min-cost optimum ``A`` were not weight-maximal, ``A* - A`` for a
  better flow ``A*`` decomposes into unit simple cycles of ``A``'s residual graph, one of
  which gains weight ``>= 1``.  A simple cycle stays in one component and uses each
  resource and demand node at most once, so it has at most ``min(R_C, D_C)`` forward pair
  arcs and its cost is ``<= c_max * min(R_C, D_C) - W < 0``: a negative residual cycle,
  contradicting optimality.

Hence the optimum first maximises the weighted service and, among those flows,
minimises the scaled pair cost.  All arc costs are integers so the optimum is integral.
``cost_scale`` only controls the rounding of the (float) pair costs; ties closer than
``1 / cost_scale`` may be broken arbitrarily.  ``total_cost`` is reported in the original
(unrounded) units.

Overflow: OR-tools needs ``max|arc cost| * (num_nodes + 1)`` to fit in ``int64``, and the
objective of a call is bounded by ``(W * max(w) + c_max) * min(sum(cap), sum(qty))``.  If
either bound reaches ``2**62`` a :class:`ValueError` is raised (reduce ``cost_scale``).

Duplicate pairs
---------------
Duplicate ``(r, d)`` pairs are allowed.  Only the cheapest copy (first one among equal
costs) is given to the solver; the others always receive flow 0.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["AllocationResult", "max_served", "node_potentials", "solve_allocation"]

logger = logging.getLogger(__name__)

_INT64_SAFE = 2**62
_BATCH_PAIRS = 20_000  # small components are grouped into solver calls of about this size


@dataclass(frozen=True)
class AllocationResult:
    """Result of :func:`solve_allocation`.

    Attributes
    ----------
    flow : numpy.ndarray
        ``int64`` units assigned to each input pair (same order as the input).
    served : numpy.ndarray
        ``int64`` units served per demand.
    used : numpy.ndarray
        ``int64`` units handed out per resource.
    weighted_served : int
        ``sum(priority * served)``, the primary objective (maximised).
    total_cost : float
        ``sum(pair_cost * flow)`` in the original cost units, the secondary objective.
    status : str
        ``"optimal"`` on success.

    Examples
    --------
    Two resources (2 and 1 units) and two demands (2 units each, priorities 3 and 1):

    >>> res = solve_allocation(capacity=[2, 1], quantity=[2, 2], priority=[3, 1],
    ...                        pair_resource=[0, 0, 1], pair_demand=[0, 1, 1],
    ...                        pair_cost=[1.0, 2.0, 1.0])
    >>> isinstance(res, AllocationResult), res.status
    (True, 'optimal')
    >>> res.flow.tolist(), res.served.tolist(), res.used.tolist()
    ([2, 0, 1], [2, 1], [2, 1])
    >>> res.weighted_served, res.total_cost
    (7, 3.0)

    On the sample district, through :func:`regional_graph.matching.match_resources`:

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> m = rg.matching.match_resources(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> m.weighted_served > 0, bool(m.assignments["quantity"].gt(0).all())
    (True, True)
    """

    flow: npt.NDArray[np.int64]
    served: npt.NDArray[np.int64]
    used: npt.NDArray[np.int64]
    weighted_served: int
    total_cost: float
    status: str


def _as_int_array(values: Any, name: str, *, minimum: int) -> npt.NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.issubdtype(arr.dtype, np.number) or not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must contain finite integers")
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must contain integers")
    out = arr.astype(np.int64)
    if out.min() < minimum:
        raise ValueError(f"{name} must be >= {minimum}")
    return out


def _check_pairs(
    pair_resource: Any, pair_demand: Any, n_res: int, n_dem: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    pr = _as_int_array(pair_resource, "pair_resource", minimum=0)
    pd_ = _as_int_array(pair_demand, "pair_demand", minimum=0)
    if pr.shape != pd_.shape:
        raise ValueError("pair_resource and pair_demand must have the same length")
    if pr.size and (pr.max() >= n_res or pd_.max() >= n_dem):
        raise ValueError("pair index out of range")
    return pr, pd_


def _check_providers(
    provider: Any, provider_limit: Any, n_res: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
    if provider is None and provider_limit is None:
        return None
    if provider is None or provider_limit is None:
        raise ValueError("provider and provider_limit must be given together")
    prov = _as_int_array(provider, "provider", minimum=-1)
    plim = _as_int_array(provider_limit, "provider_limit", minimum=0)
    if prov.size != n_res:
        raise ValueError("provider must have one entry per resource")
    if prov.size and prov.max() >= plim.size:
        raise ValueError("provider code out of range of provider_limit")
    return prov, plim


def _cheapest_unique(
    pr: npt.NDArray[np.int64], pd_: npt.NDArray[np.int64], cost: npt.NDArray[np.int64], n_dem: int
) -> npt.NDArray[np.intp]:
    """Indices of the pairs to keep: the cheapest (then first) copy of each ``(r, d)``."""
    key = pr * max(n_dem, 1) + pd_
    sorted_keys = np.sort(key)
    if not np.any(sorted_keys[1:] == sorted_keys[:-1]):
        return np.arange(key.size)
    order = np.lexsort((np.arange(key.size), cost, key))
    sorted_key = key[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    return np.sort(order[first])


def _local_index(
    group: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Stable grouping: (order, sorted groups, position of each element inside its group)."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    local = np.empty(group.size, dtype=np.int64)
    local[order] = np.arange(group.size) - np.searchsorted(sorted_group, sorted_group)
    return order, sorted_group, local


def _solve_components(
    cap: npt.NDArray[np.int64],
    qty: npt.NDArray[np.int64],
    w: npt.NDArray[np.int64],
    kr: npt.NDArray[np.int64],
    kd: npt.NDArray[np.int64],
    kc: npt.NDArray[np.int64],
    provs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None,
) -> npt.NDArray[np.int64]:
    """Solve the (deduplicated) instance component by component; return flow per pair."""
    from ortools.graph.python import min_cost_flow
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    n_res, n_dem = cap.size, qty.size
    n_prov = 0 if provs is None else provs[1].size
    prov = np.full(n_res, -1, dtype=np.int64) if provs is None else provs[0]
    plim = np.zeros(0, dtype=np.int64) if provs is None else provs[1]

    # connected components of the pair graph; resources of one provider are linked
    r_used = np.bincount(kr, minlength=n_res) > 0
    d_used = np.bincount(kd, minlength=n_dem) > 0
    linked = np.flatnonzero(r_used & (prov >= 0))
    rows = np.concatenate([kr, linked])
    cols = np.concatenate([n_res + kd, n_res + n_dem + prov[linked]])
    n_all = n_res + n_dem + n_prov
    adj = coo_array((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n_all, n_all))
    n_comp, label = connected_components(adj, directed=False)
    label = label.astype(np.int64)
    comp_r, comp_d, comp_p = label[:n_res], label[n_res : n_res + n_dem], label[n_res + n_dem :]

    # per-component bound for W (module docstring): c_max * min(R_c, D_c, cap_c, qty_c)
    pair_comp = comp_r[kr]
    c_max = np.zeros(n_comp, dtype=np.int64)
    np.maximum.at(c_max, pair_comp, kc)
    n_r = np.bincount(comp_r[r_used], minlength=n_comp)
    n_d = np.bincount(comp_d[d_used], minlength=n_comp)
    cap_c = np.zeros(n_comp, dtype=np.int64)
    np.add.at(cap_c, comp_r[r_used], cap[r_used])
    qty_c = np.zeros(n_comp, dtype=np.int64)
    np.add.at(qty_c, comp_d[d_used], qty[d_used])
    units_c = np.minimum(cap_c, qty_c)
    span_c = np.minimum(np.minimum(n_r, n_d), units_c)
    if np.any(c_max.astype(np.float64) * span_c >= _INT64_SAFE):
        raise ValueError("instance too large to scale exactly in int64; reduce cost_scale")
    bound_c = c_max * span_c

    # batch small components together (fewer solver calls); big ones are solved alone
    pairs_c = np.bincount(pair_comp, minlength=n_comp)
    batch_of_comp = (np.cumsum(pairs_c) - pairs_c) // _BATCH_PAIRS
    n_batch = int(batch_of_comp.max()) + 1
    sentinel = n_batch  # unused nodes sort last and are never touched
    r_order, r_sorted, r_local = _local_index(np.where(r_used, batch_of_comp[comp_r], sentinel))
    d_order, d_sorted, d_local = _local_index(np.where(d_used, batch_of_comp[comp_d], sentinel))
    prov_total = np.zeros(n_prov, dtype=np.int64)
    np.add.at(prov_total, prov[linked], cap[linked])
    p_batch = np.where(prov_total > 0, batch_of_comp[comp_p], sentinel)
    p_order, p_sorted, p_local = _local_index(p_batch)
    k_order, k_sorted, _ = _local_index(batch_of_comp[pair_comp])
    big_w_b = np.zeros(n_batch, dtype=np.int64)
    np.maximum.at(big_w_b, batch_of_comp, bound_c)
    big_w_b += 1
    units_b = np.bincount(batch_of_comp, weights=units_c, minlength=n_batch)

    kept_flow = np.zeros(kr.size, dtype=np.int64)
    batches = np.unique(k_sorted)
    logger.debug("solve_allocation: %d components in %d solver calls", n_comp, batches.size)
    for b in batches.tolist():
        pk = k_order[np.searchsorted(k_sorted, b) : np.searchsorted(k_sorted, b, "right")]
        rs = r_order[np.searchsorted(r_sorted, b) : np.searchsorted(r_sorted, b, "right")]
        ds = d_order[np.searchsorted(d_sorted, b) : np.searchsorted(d_sorted, b, "right")]
        ps = p_order[np.searchsorted(p_sorted, b) : np.searchsorted(p_sorted, b, "right")]
        nr, nd, npv = rs.size, ds.size, ps.size
        big_w = int(big_w_b[b])
        w_max = int(w[ds].max())
        n_nodes = 2 + nr + nd + npv
        max_arc_cost = big_w * w_max
        objective_bound = (max_arc_cost + int(kc[pk].max())) * int(units_b[b])
        if max_arc_cost * (n_nodes + 1) >= _INT64_SAFE or objective_bound >= _INT64_SAFE:
            raise ValueError(
                "instance too large to scale exactly in int64 "
                f"(W={big_w}, max priority={w_max}, nodes={n_nodes}); reduce cost_scale"
            )
        r_cap = cap[rs]
        r_prov = prov[rs]
        free = r_prov < 0
        r_node = 2 + r_local[rs]
        d_node = 2 + nr + d_local[ds]
        p_node = 2 + nr + nd + p_local[ps]
        total_cap = int(r_cap.sum())
        tails = [
            2 + r_local[kr[pk]],  # pair arcs first: arc id == position in pk
            np.zeros(int(free.sum()), dtype=np.int64),
            2 + nr + nd + p_local[r_prov[~free]],
            np.zeros(npv, dtype=np.int64),
            d_node,
            np.zeros(1, dtype=np.int64),
        ]
        heads = [
            2 + nr + d_local[kd[pk]],
            r_node[free],
            r_node[~free],
            p_node,
            np.ones(nd, dtype=np.int64),
            np.ones(1, dtype=np.int64),
        ]
        caps = [
            np.minimum(cap[kr[pk]], qty[kd[pk]]),
            r_cap[free],
            r_cap[~free],
            np.minimum(plim[ps], prov_total[ps]),
            qty[ds],
            np.array([total_cap], dtype=np.int64),
        ]
        costs = [
            kc[pk],
            np.zeros(int(free.sum()), dtype=np.int64),
            np.zeros(int((~free).sum()), dtype=np.int64),
            np.zeros(npv, dtype=np.int64),
            -big_w * w[ds],
            np.zeros(1, dtype=np.int64),
        ]
        smcf = min_cost_flow.SimpleMinCostFlow()
        smcf.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps).astype(np.int64),
            np.concatenate(costs).astype(np.int64),
        )
        smcf.set_nodes_supplies(
            np.array([0, 1], dtype=np.int32), np.array([total_cap, -total_cap], dtype=np.int64)
        )
        status = smcf.solve()
        if status == smcf.BAD_COST_RANGE:
            raise ValueError("instance too large to scale exactly (OR-tools BAD_COST_RANGE)")
        if status != smcf.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status!r}")
        kept_flow[pk] = smcf.flows(np.arange(pk.size, dtype=np.int32))
    return kept_flow


def solve_allocation(
    capacity: Any,
    quantity: Any,
    priority: Any,
    pair_resource: Any,
    pair_demand: Any,
    pair_cost: Any,
    *,
    provider: Any = None,
    provider_limit: Any = None,
    cost_scale: float = 100,
) -> AllocationResult:
    """Exact lexicographic allocation: max weighted service, then min total cost.

    Parameters
    ----------
    capacity : array_like of int, shape (R,)
        Units each resource can give (``>= 0``).
    quantity : array_like of int, shape (D,)
        Units each demand needs (``>= 0``).
    priority : array_like of int, shape (D,)
        Positive integer weight of one served unit of each demand.
    pair_resource, pair_demand : array_like of int, shape (K,)
        Admissible pairs (resource index, demand index); duplicates allowed.
    pair_cost : array_like of float, shape (K,)
        Non-negative unit cost of each pair (e.g. km).
    provider : array_like of int, shape (R,), optional
        Provider code of each resource in ``[0, P)``; ``-1`` means no provider limit.
    provider_limit : array_like of int, shape (P,), optional
        Maximum total units handed out by the resources of each provider.
    cost_scale : float, default 100
        Pair costs are rounded to integers as ``round(cost * cost_scale)``.

    Returns
    -------
    AllocationResult

    Raises
    ------
    ValueError
        On malformed input, or if the instance is too large to scale exactly in int64.

    Examples
    --------
    >>> res = solve_allocation([1], [1, 1], [1, 3], [0, 0], [0, 1], [1.0, 5.0])
    >>> res.flow.tolist(), res.weighted_served, res.total_cost
    ([0, 1], 3, 5.0)
    """
    cap = _as_int_array(capacity, "capacity", minimum=0)
    qty = _as_int_array(quantity, "quantity", minimum=0)
    w = _as_int_array(priority, "priority", minimum=1)
    n_res, n_dem = cap.size, qty.size
    if w.size != n_dem:
        raise ValueError("priority must have one entry per demand")
    pr, pd_ = _check_pairs(pair_resource, pair_demand, n_res, n_dem)
    cost_f = np.asarray(pair_cost, dtype=np.float64).reshape(-1)
    if cost_f.shape != pr.shape:
        raise ValueError("pair_cost must have one entry per pair")
    if cost_f.size and (not np.all(np.isfinite(cost_f)) or cost_f.min() < 0):
        raise ValueError("pair_cost must be finite and >= 0")
    if not (np.isfinite(cost_scale) and cost_scale > 0):
        raise ValueError("cost_scale must be a positive finite number")
    provs = _check_providers(provider, provider_limit, n_res)

    n_pairs = pr.size
    flow = np.zeros(n_pairs, dtype=np.int64)
    empty = AllocationResult(
        flow=flow,
        served=np.zeros(n_dem, dtype=np.int64),
        used=np.zeros(n_res, dtype=np.int64),
        weighted_served=0,
        total_cost=0.0,
        status="optimal",
    )
    total_cap = int(cap.sum())
    total_qty = int(qty.sum())
    if n_pairs == 0 or total_cap == 0 or total_qty == 0:
        return empty

    scaled = cost_f * cost_scale
    if scaled.max() >= _INT64_SAFE:
        raise ValueError("pair_cost * cost_scale too large for int64; reduce cost_scale")
    cost_i = np.rint(scaled).astype(np.int64)
    keep = _cheapest_unique(pr, pd_, cost_i, n_dem)
    kr, kd, kc = pr[keep], pd_[keep], cost_i[keep]

    kept_flow = _solve_components(cap, qty, w, kr, kd, kc, provs)
    flow[keep] = kept_flow
    served = np.bincount(kd, weights=kept_flow, minlength=n_dem).astype(np.int64)
    used = np.bincount(kr, weights=kept_flow, minlength=n_res).astype(np.int64)
    weighted = int(np.dot(served, w))
    total_cost = float(np.dot(cost_f, flow))
    logger.debug("solve_allocation: weighted_served=%d total_cost=%.6g", weighted, total_cost)
    return AllocationResult(
        flow=flow,
        served=served,
        used=used,
        weighted_served=weighted,
        total_cost=total_cost,
        status="optimal",
    )


def max_served(
    capacity: Any,
    quantity: Any,
    pair_resource: Any,
    pair_demand: Any,
    *,
    provider: Any = None,
    provider_limit: Any = None,
) -> int:
    """Maximum total (unweighted) units that can be served, ignoring costs.

    Uses :func:`scipy.sparse.csgraph.maximum_flow` on the same network as
    :func:`solve_allocation` (without the bypass arc).

    Parameters
    ----------
    capacity, quantity, pair_resource, pair_demand
        As in :func:`solve_allocation`.
    provider, provider_limit : array_like of int, optional
        As in :func:`solve_allocation`.

    Returns
    -------
    int
        The maximum flow value.

    Examples
    --------
    >>> max_served([2, 1], [1, 3], [0, 0, 1], [0, 1, 1])
    3
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import maximum_flow

    cap = _as_int_array(capacity, "capacity", minimum=0)
    qty = _as_int_array(quantity, "quantity", minimum=0)
    n_res, n_dem = cap.size, qty.size
    pr, pd_ = _check_pairs(pair_resource, pair_demand, n_res, n_dem)
    provs = _check_providers(provider, provider_limit, n_res)
    total_cap = int(cap.sum())
    if pr.size == 0 or total_cap == 0 or int(qty.sum()) == 0:
        return 0
    if max(total_cap, int(qty.sum())) >= 2**31:
        raise ValueError("capacities too large for scipy's int32 maximum_flow")

    key = np.unique(pr * n_dem + pd_)
    kr, kd = key // n_dem, key % n_dem
    n_prov = 0 if provs is None else provs[1].size
    src, snk = 0, 1
    res_node = 2 + np.arange(n_res)
    dem_node = 2 + n_res + np.arange(n_dem)
    rows = [res_node[kr], dem_node]
    cols = [dem_node[kd], np.full(n_dem, snk)]
    vals = [np.minimum(cap[kr], qty[kd]), qty]
    if provs is None:
        rows.append(np.full(n_res, src))
        cols.append(res_node)
        vals.append(cap)
    else:
        prov, plim = provs
        free = prov < 0
        prov_node = 2 + n_res + n_dem + np.arange(n_prov)
        rows += [np.full(int(free.sum()), src), prov_node[prov[~free]], np.full(n_prov, src)]
        cols += [res_node[free], res_node[~free], prov_node]
        vals += [cap[free], cap[~free], np.minimum(plim, total_cap)]
    n_nodes = 2 + n_res + n_dem + n_prov
    graph = csr_array(
        (
            np.concatenate(vals).astype(np.int32),
            (np.concatenate(rows), np.concatenate(cols)),
        ),
        shape=(n_nodes, n_nodes),
    )
    graph.sum_duplicates()
    return int(maximum_flow(graph, src, snk).flow_value)


def node_potentials(
    capacity: Any,
    quantity: Any,
    priority: Any,
    pair_resource: Any,
    pair_demand: Any,
    pair_cost: Any,
    flow: Any,
    big_w: int,
    *,
    provider: Any = None,
    provider_limit: Any = None,
    cost_scale: float = 100,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Dual potentials ``(pi_resource, pi_demand)`` proving a flow optimal (pricing).

    The residual network of :func:`solve_allocation` (demand arcs cost ``-big_w * w``, pair
    arcs ``round(cost * cost_scale)``) is searched from a virtual root with Bellman–Ford
    (vectorised; a simple path passes the sink once, so the values stay small). For any
    arc ``u -> v`` with room left, ``c + pi[u] - pi[v] >= 0``. A pair ``(r, d)`` *not* in
    the list with ``round(cost * cost_scale) + pi_resource[r] - pi_demand[d] < 0`` would
    improve the flow; when there is none, the flow is optimal over every pair (with
    ``big_w`` large enough for the whole instance, the lexicographic optimum).

    Raises
    ------
    RuntimeError
        If the flow is not optimal over its own pairs (a negative residual cycle).

    Examples
    --------
    One resource (1 unit) at cost 1 to demand 0; a pair to demand 1 (priority 3) at
    cost 1 would be better, and its reduced cost says so:

    >>> pr, pd_ = node_potentials([1], [1, 1], [1, 3], [0], [0], [1.0], [1], big_w=1000)
    >>> int(100 + pr[0] - pd_[1]) < 0
    True
    """
    cap = _as_int_array(capacity, "capacity", minimum=0)
    qty = _as_int_array(quantity, "quantity", minimum=0)
    w = _as_int_array(priority, "priority", minimum=1)
    n_res, n_dem = cap.size, qty.size
    pr, pd_ = _check_pairs(pair_resource, pair_demand, n_res, n_dem)
    x = _as_int_array(flow, "flow", minimum=0) if len(flow) else np.zeros(0, np.int64)
    cost_i = np.rint(np.asarray(pair_cost, dtype=np.float64) * cost_scale).astype(np.int64)
    keep = _cheapest_unique(pr, pd_, cost_i, n_dem) if pr.size else np.zeros(0, np.intp)
    # duplicates carry no flow (solve_allocation) but merge it anyway to stay general
    key = pr * max(n_dem, 1) + pd_
    x_all = np.zeros(pr.size, dtype=np.int64)
    if pr.size:
        _, inv = np.unique(key, return_inverse=True)
        tot = np.bincount(inv, weights=x, minlength=int(inv.max()) + 1).astype(np.int64)
        x_all[keep] = tot[inv[keep]]
    kr, kd, kc, kx = pr[keep], pd_[keep], cost_i[keep], x_all[keep]
    provs = _check_providers(provider, provider_limit, n_res)
    served = np.bincount(kd, weights=kx, minlength=n_dem).astype(np.int64)
    used = np.bincount(kr, weights=kx, minlength=n_res).astype(np.int64)
    s, t = 0, 1
    r_node = 2 + np.arange(n_res, dtype=np.int64)
    d_node = 2 + n_res + np.arange(n_dem, dtype=np.int64)
    tails: list[np.ndarray] = []
    heads: list[np.ndarray] = []
    costs: list[np.ndarray] = []

    def arcs(tail: np.ndarray, head: np.ndarray, cost: np.ndarray | int, room: np.ndarray
             ) -> None:
        tails.append(np.broadcast_to(tail, room.shape)[room])
        heads.append(np.broadcast_to(head, room.shape)[room])
        costs.append(np.broadcast_to(np.asarray(cost, dtype=np.int64), room.shape)[room])

    arcs(r_node[kr], d_node[kd], kc, kx < np.minimum(cap[kr], qty[kd]))
    arcs(d_node[kd], r_node[kr], -kc, kx > 0)
    arcs(d_node, np.int64(t), -big_w * w, served < qty)
    arcs(np.int64(t), d_node, big_w * w, served > 0)
    n_nodes = 2 + n_res + n_dem
    if provs is None:
        arcs(np.int64(s), r_node, 0, used < cap)
        arcs(r_node, np.int64(s), 0, used > 0)
    else:
        prov, plim = provs
        n_prov = plim.size
        p_node = 2 + n_res + n_dem + np.arange(n_prov, dtype=np.int64)
        n_nodes += n_prov
        free = prov < 0
        arcs(np.int64(s), r_node, 0, free & (used < cap))
        arcs(r_node, np.int64(s), 0, free & (used > 0))
        pn = p_node[np.maximum(prov, 0)]
        arcs(pn, r_node, 0, ~free & (used < cap))
        arcs(r_node, pn, 0, ~free & (used > 0))
        p_used = np.bincount(prov[~free], weights=used[~free], minlength=n_prov)
        p_total = np.bincount(prov[~free], weights=cap[~free], minlength=n_prov)
        arcs(np.int64(s), p_node, 0, p_used < np.minimum(plim, p_total))
        arcs(p_node, np.int64(s), 0, p_used > 0)
    through = int(served.sum())
    arcs(np.int64(s), np.int64(t), 0, np.array(through > 0))
    arcs(np.int64(t), np.int64(s), 0, np.array(int(cap.sum()) - through > 0))
    tail = np.concatenate([np.atleast_1d(a) for a in tails]).astype(np.int64)
    head = np.concatenate([np.atleast_1d(a) for a in heads]).astype(np.int64)
    cost = np.concatenate([np.atleast_1d(a) for a in costs]).astype(np.int64)
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]]) if head.size else \
        np.zeros(0, np.int64)
    targets = head[starts]
    dist = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        if not head.size:
            break
        best = np.minimum.reduceat(dist[tail] + cost, starts)
        improve = best < dist[targets]
        if not improve.any():
            break
        dist[targets[improve]] = best[improve]
    else:
        raise RuntimeError("flow is not optimal over its own pairs (negative residual cycle)")
    return dist[r_node], dist[d_node]
