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
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..errors import InfeasibleMatchingError

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

    On the tiny district, through :func:`regional_graph.matching.match_resources`: the venue
    (high priority, 1 unit) and the medical care (medium, 2 units) are served, the legal
    advice nobody offers is not: ``3 × 1 + 2 × 2``.

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> m = rg.matching.match_resources(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> m.weighted_served, m.assignments["quantity"].tolist()
    (7, [1, 2])
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


class _Instance(NamedTuple):
    """A checked allocation instance (the arrays every solver here takes)."""

    cap: npt.NDArray[np.int64]
    qty: npt.NDArray[np.int64]
    w: npt.NDArray[np.int64]
    pr: npt.NDArray[np.int64]
    pd_: npt.NDArray[np.int64]
    cost: npt.NDArray[np.float64]


def _check_pairs(
    capacity: Any, quantity: Any, pair_resource: Any, pair_demand: Any, *,
    priority: Any = None, pair_cost: Any = None,
) -> _Instance:
    """The one check of an instance (the priorities default to 1, the costs to 0).

    Examples
    --------
    >>> _check_pairs([1], [1, 1], [0, 0], [0, 1], priority=[1, 3]).w.tolist()
    [1, 3]
    >>> _check_pairs([1], [1], [0], [1])
    Traceback (most recent call last):
    ValueError: pair index out of range
    """
    cap = _as_int_array(capacity, "capacity", minimum=0)
    qty = _as_int_array(quantity, "quantity", minimum=0)
    n_res, n_dem = cap.size, qty.size
    w = np.ones(n_dem, np.int64) if priority is None else \
        _as_int_array(priority, "priority", minimum=1)
    if w.size != n_dem:
        raise ValueError("priority must have one entry per demand")
    pr = _as_int_array(pair_resource, "pair_resource", minimum=0)
    pd_ = _as_int_array(pair_demand, "pair_demand", minimum=0)
    if pr.shape != pd_.shape:
        raise ValueError("pair_resource and pair_demand must have the same length")
    if pr.size and (pr.max() >= n_res or pd_.max() >= n_dem):
        raise ValueError("pair index out of range")
    cost = np.zeros(pr.size) if pair_cost is None else \
        np.asarray(pair_cost, dtype=np.float64).reshape(-1)
    if cost.shape != pr.shape:
        raise ValueError("pair_cost must have one entry per pair")
    if cost.size and (not np.all(np.isfinite(cost)) or cost.min() < 0):
        raise ValueError("pair_cost must be finite and >= 0")
    return _Instance(cap, qty, w, pr, pd_, cost)


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


@dataclass(frozen=True)
class _Network:
    """The deduplicated instance of :func:`solve_allocation`, ready to be split."""

    cap: npt.NDArray[np.int64]
    qty: npt.NDArray[np.int64]
    w: npt.NDArray[np.int64]
    kr: npt.NDArray[np.int64]  # pair resource
    kd: npt.NDArray[np.int64]  # pair demand
    kc: npt.NDArray[np.int64]  # scaled pair cost
    prov: npt.NDArray[np.int64]  # provider per resource, -1 none
    plim: npt.NDArray[np.int64]  # limit per provider
    prov_total: npt.NDArray[np.int64]  # capacity of the used resources per provider


@dataclass(frozen=True)
class _Group:
    """Members of one kind (pairs, resources, demands or providers) sorted by batch."""

    order: npt.NDArray[np.intp]
    batch: npt.NDArray[np.int64]  # sorted batch numbers
    local: npt.NDArray[np.int64]  # position of each member inside its batch

    def members(self, b: int) -> npt.NDArray[np.intp]:
        """The members of batch ``b`` (in their batch order)."""
        return self.order[np.searchsorted(self.batch, b): np.searchsorted(self.batch, b, "right")]


def _group(batch: npt.NDArray[np.int64]) -> _Group:
    order, sorted_batch, local = _local_index(batch)
    return _Group(order=order, batch=sorted_batch, local=local)


@dataclass(frozen=True)
class _Batches:
    """Connected components grouped into solver calls, with each call's ``W`` and units."""

    pairs: _Group
    res: _Group
    dem: _Group
    provs: _Group
    big_w: npt.NDArray[np.int64]
    units: npt.NDArray[np.int64]
    n_components: int


def _batches(net: _Network) -> _Batches:
    """Split the pair graph into connected components (resources of one provider are linked),
    bound ``W`` per component (module docstring) and batch small components together."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    n_res, n_dem, n_prov = net.cap.size, net.qty.size, net.plim.size
    r_used = np.bincount(net.kr, minlength=n_res) > 0
    d_used = np.bincount(net.kd, minlength=n_dem) > 0
    linked = np.flatnonzero(r_used & (net.prov >= 0))
    rows = np.concatenate([net.kr, linked])
    cols = np.concatenate([n_res + net.kd, n_res + n_dem + net.prov[linked]])
    n_all = n_res + n_dem + n_prov
    adj = coo_array((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n_all, n_all))
    n_comp, label = connected_components(adj, directed=False)
    label = label.astype(np.int64)
    comp_r, comp_d, comp_p = label[:n_res], label[n_res: n_res + n_dem], label[n_res + n_dem:]

    # per-component bound for W (module docstring): c_max * min(R_c, D_c, cap_c, qty_c)
    pair_comp = comp_r[net.kr]
    c_max = np.zeros(n_comp, dtype=np.int64)
    np.maximum.at(c_max, pair_comp, net.kc)
    n_r = np.bincount(comp_r[r_used], minlength=n_comp)
    n_d = np.bincount(comp_d[d_used], minlength=n_comp)
    cap_c = np.zeros(n_comp, dtype=np.int64)
    np.add.at(cap_c, comp_r[r_used], net.cap[r_used])
    qty_c = np.zeros(n_comp, dtype=np.int64)
    np.add.at(qty_c, comp_d[d_used], net.qty[d_used])
    units_c = np.minimum(cap_c, qty_c)
    span_c = np.minimum(np.minimum(n_r, n_d), units_c)
    if np.any(c_max.astype(np.float64) * span_c >= _INT64_SAFE):
        raise InfeasibleMatchingError(
            "instance too large to scale exactly in int64; reduce cost_scale")

    # batch small components together (fewer solver calls); big ones are solved alone
    pairs_c = np.bincount(pair_comp, minlength=n_comp)
    batch_of_comp = (np.cumsum(pairs_c) - pairs_c) // _BATCH_PAIRS
    n_batch = int(batch_of_comp.max()) + 1
    sentinel = n_batch  # unused nodes sort last and are never touched
    big_w = np.zeros(n_batch, dtype=np.int64)
    np.maximum.at(big_w, batch_of_comp, c_max * span_c)
    return _Batches(
        pairs=_group(batch_of_comp[pair_comp]),
        res=_group(np.where(r_used, batch_of_comp[comp_r], sentinel)),
        dem=_group(np.where(d_used, batch_of_comp[comp_d], sentinel)),
        provs=_group(np.where(net.prov_total > 0, batch_of_comp[comp_p], sentinel)),
        big_w=big_w + 1,
        units=np.bincount(batch_of_comp, weights=units_c, minlength=n_batch).astype(np.int64),
        n_components=int(n_comp),
    )


def _solve_batch(net: _Network, bt: _Batches, b: int) -> tuple[npt.NDArray[np.intp],
                                                                 npt.NDArray[np.int64]]:
    """One min-cost-flow call on batch ``b``: ``(its pairs, their flow)``."""
    from ortools.graph.python import min_cost_flow

    pk, rs, ds, ps = (bt.pairs.members(b), bt.res.members(b), bt.dem.members(b),
                      bt.provs.members(b))
    nr, nd, npv = rs.size, ds.size, ps.size
    big_w = int(bt.big_w[b])
    w_max = int(net.w[ds].max())
    n_nodes = 2 + nr + nd + npv
    max_arc_cost = big_w * w_max
    objective_bound = (max_arc_cost + int(net.kc[pk].max())) * int(bt.units[b])
    if max_arc_cost * (n_nodes + 1) >= _INT64_SAFE or objective_bound >= _INT64_SAFE:
        raise InfeasibleMatchingError(
            "instance too large to scale exactly in int64 "
            f"(W={big_w}, max priority={w_max}, nodes={n_nodes}); reduce cost_scale"
        )
    r_cap, r_prov = net.cap[rs], net.prov[rs]
    free = r_prov < 0
    r_node = 2 + bt.res.local[rs]
    d_node = 2 + nr + bt.dem.local[ds]
    total_cap = int(r_cap.sum())
    n_free = int(free.sum())
    # (tail, head, capacity, cost) blocks: source 0, sink 1; pair arcs first, so that an
    # arc's id is its position in pk
    arcs = [
        (2 + bt.res.local[net.kr[pk]], 2 + nr + bt.dem.local[net.kd[pk]],
         np.minimum(net.cap[net.kr[pk]], net.qty[net.kd[pk]]), net.kc[pk]),
        (np.zeros(n_free, np.int64), r_node[free], r_cap[free], np.zeros(n_free, np.int64)),
        (2 + nr + nd + bt.provs.local[r_prov[~free]], r_node[~free], r_cap[~free],
         np.zeros(nr - n_free, np.int64)),
        (np.zeros(npv, np.int64), 2 + nr + nd + bt.provs.local[ps],
         np.minimum(net.plim[ps], net.prov_total[ps]), np.zeros(npv, np.int64)),
        (d_node, np.ones(nd, np.int64), net.qty[ds], -big_w * net.w[ds]),
        (np.zeros(1, np.int64), np.ones(1, np.int64), np.array([total_cap], np.int64),
         np.zeros(1, np.int64)),  # the bypass: nothing is forced to flow
    ]
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        *(np.concatenate([a[i] for a in arcs]).astype(np.int32 if i < 2 else np.int64)
          for i in range(4)))
    smcf.set_nodes_supplies(
        np.array([0, 1], dtype=np.int32), np.array([total_cap, -total_cap], dtype=np.int64)
    )
    status = smcf.solve()
    if status == smcf.BAD_COST_RANGE:
        raise InfeasibleMatchingError(
            "instance too large to scale exactly (OR-tools BAD_COST_RANGE)")
    if status != smcf.OPTIMAL:
        raise InfeasibleMatchingError(f"min-cost flow failed with status {status!r}")
    return pk, smcf.flows(np.arange(pk.size, dtype=np.int32))


def _solve_components(net: _Network) -> npt.NDArray[np.int64]:
    """Solve the (deduplicated) instance batch of components by batch; return flow per pair."""
    bt = _batches(net)
    kept_flow = np.zeros(net.kr.size, dtype=np.int64)
    batches = np.unique(bt.pairs.batch)
    logger.debug("solve_allocation: %d components in %d solver calls", bt.n_components,
                 batches.size)
    for b in batches.tolist():
        pk, flow = _solve_batch(net, bt, b)
        kept_flow[pk] = flow
    return kept_flow


def _network(
    cap: npt.NDArray[np.int64],
    qty: npt.NDArray[np.int64],
    w: npt.NDArray[np.int64],
    kr: npt.NDArray[np.int64],
    kd: npt.NDArray[np.int64],
    kc: npt.NDArray[np.int64],
    provs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None,
) -> _Network:
    n_res = cap.size
    prov = np.full(n_res, -1, dtype=np.int64) if provs is None else provs[0]
    plim = np.zeros(0, dtype=np.int64) if provs is None else provs[1]
    linked = np.flatnonzero((np.bincount(kr, minlength=n_res) > 0) & (prov >= 0))
    prov_total = np.zeros(plim.size, dtype=np.int64)
    np.add.at(prov_total, prov[linked], cap[linked])
    return _Network(cap=cap, qty=qty, w=w, kr=kr, kd=kd, kc=kc, prov=prov, plim=plim,
                    prov_total=prov_total)


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
    cap, qty, w, pr, pd_, cost_f = _check_pairs(capacity, quantity, pair_resource, pair_demand,
                                                priority=priority, pair_cost=pair_cost)
    n_res, n_dem = cap.size, qty.size
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
        raise InfeasibleMatchingError(
            "pair_cost * cost_scale too large for int64; reduce cost_scale")
    cost_i = np.rint(scaled).astype(np.int64)
    keep = _cheapest_unique(pr, pd_, cost_i, n_dem)
    kr, kd, kc = pr[keep], pd_[keep], cost_i[keep]

    kept_flow = _solve_components(_network(cap, qty, w, kr, kd, kc, provs))
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

    cap, qty, _, pr, pd_, _ = _check_pairs(capacity, quantity, pair_resource, pair_demand)
    n_res, n_dem = cap.size, qty.size
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


class _Arcs:
    """Residual arcs ``tail -> head`` with a cost, added in blocks where there is room."""

    def __init__(self) -> None:
        self.tails: list[npt.NDArray[np.int64]] = []
        self.heads: list[npt.NDArray[np.int64]] = []
        self.costs: list[npt.NDArray[np.int64]] = []

    def add(self, tail: Any, head: Any, cost: Any, room: Any) -> None:
        """The arcs ``tail[i] -> head[i]`` (broadcast) with ``room[i]`` true."""
        room = np.atleast_1d(np.asarray(room, dtype=bool))
        self.tails.append(np.broadcast_to(np.asarray(tail, dtype=np.int64), room.shape)[room])
        self.heads.append(np.broadcast_to(np.asarray(head, dtype=np.int64), room.shape)[room])
        self.costs.append(np.broadcast_to(np.asarray(cost, dtype=np.int64), room.shape)[room])

    def arrays(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                              npt.NDArray[np.int64]]:
        return (np.concatenate(self.tails), np.concatenate(self.heads),
                np.concatenate(self.costs))


def _bellman_ford(tail: npt.NDArray[np.int64], head: npt.NDArray[np.int64],
                  cost: npt.NDArray[np.int64], n_nodes: int) -> npt.NDArray[np.int64]:
    """Shortest distances from a virtual root joined to every node at cost 0 (vectorised)."""
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]]) if head.size else \
        np.zeros(0, np.int64)
    targets = head[starts]
    dist = np.zeros(n_nodes, dtype=np.int64)
    if not head.size:
        return dist
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(dist[tail] + cost, starts)
        improve = best < dist[targets]
        if not improve.any():
            return dist
        dist[targets[improve]] = best[improve]
    raise RuntimeError("flow is not optimal over its own pairs (negative residual cycle)")


def _residual(cap: npt.NDArray[np.int64], qty: npt.NDArray[np.int64],
              w: npt.NDArray[np.int64], kr: npt.NDArray[np.int64], kd: npt.NDArray[np.int64],
              kc: npt.NDArray[np.int64], kx: npt.NDArray[np.int64], big_w: int,
              provs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None) -> _Arcs:
    """The residual network of :func:`solve_allocation` under the pair flows ``kx``
    (nodes: source 0, sink 1, resources, demands, providers)."""
    n_res, n_dem = cap.size, qty.size
    served = np.bincount(kd, weights=kx, minlength=n_dem).astype(np.int64)
    used = np.bincount(kr, weights=kx, minlength=n_res).astype(np.int64)
    s, t = 0, 1
    r_node = 2 + np.arange(n_res, dtype=np.int64)
    d_node = 2 + n_res + np.arange(n_dem, dtype=np.int64)
    arcs = _Arcs()
    arcs.add(r_node[kr], d_node[kd], kc, kx < np.minimum(cap[kr], qty[kd]))
    arcs.add(d_node[kd], r_node[kr], -kc, kx > 0)
    arcs.add(d_node, t, -big_w * w, served < qty)
    arcs.add(t, d_node, big_w * w, served > 0)
    prov, plim = provs if provs is not None else (np.full(n_res, -1, np.int64),
                                                   np.zeros(0, np.int64))
    free = prov < 0
    arcs.add(s, r_node, 0, free & (used < cap))
    arcs.add(r_node, s, 0, free & (used > 0))
    if provs is not None:
        p_node = 2 + n_res + n_dem + np.arange(plim.size, dtype=np.int64)
        pn = p_node[np.maximum(prov, 0)]
        arcs.add(pn, r_node, 0, ~free & (used < cap))
        arcs.add(r_node, pn, 0, ~free & (used > 0))
        p_used = np.bincount(prov[~free], weights=used[~free], minlength=plim.size)
        p_total = np.bincount(prov[~free], weights=cap[~free], minlength=plim.size)
        arcs.add(s, p_node, 0, p_used < np.minimum(plim, p_total))
        arcs.add(p_node, s, 0, p_used > 0)
    through = int(served.sum())
    arcs.add(s, t, 0, through > 0)
    arcs.add(t, s, 0, int(cap.sum()) - through > 0)
    return arcs


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
    providers: tuple[Any, Any] | None = None,
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

    Parameters
    ----------
    capacity, quantity, priority, pair_resource, pair_demand, pair_cost, cost_scale
        As in :func:`solve_allocation`.
    flow : array_like of int, shape (K,)
        Units on each pair (an optimal flow, e.g. ``solve_allocation(...).flow``).
    big_w : int
        The weight of one unit of priority against cost (the demand arcs cost
        ``-big_w * priority``).
    providers : tuple of array_like, optional
        ``(provider, provider_limit)`` as in :func:`solve_allocation`.

    Raises
    ------
    RuntimeError
        If the flow is not optimal over its own pairs (a negative residual cycle).

    Examples
    --------
    One resource (1 unit) at cost 1 (100 scaled) sends its unit to demand 0 (priority 1);
    demand 1 (priority 3) has no pair. By hand: the sink is reached at ``-3000`` from demand 1,
    demand 0 at ``-3000 + 1000`` (undoing its service), the resource at ``-2000 - 100``
    (undoing the pair). A pair to demand 1 at cost 100 has the reduced cost
    ``100 - 2100 - 0 = -2000 < 0``: it would improve the flow.

    >>> pr, pd_ = node_potentials([1], [1, 1], [1, 3], [0], [0], [1.0], [1], big_w=1000)
    >>> pr.tolist(), pd_.tolist()
    ([-2100], [-2000, 0])
    >>> int(100 + pr[0] - pd_[1])
    -2000
    """
    cap, qty, w, pr, pd_, cost = _check_pairs(capacity, quantity, pair_resource, pair_demand,
                                              priority=priority, pair_cost=pair_cost)
    n_res, n_dem = cap.size, qty.size
    x = _as_int_array(flow, "flow", minimum=0) if len(flow) else np.zeros(0, np.int64)
    cost_i = np.rint(cost * cost_scale).astype(np.int64)
    keep = _cheapest_unique(pr, pd_, cost_i, n_dem) if pr.size else np.zeros(0, np.intp)
    # duplicates carry no flow (solve_allocation) but merge it anyway to stay general
    key = pr * max(n_dem, 1) + pd_
    x_all = np.zeros(pr.size, dtype=np.int64)
    if pr.size:
        _, inv = np.unique(key, return_inverse=True)
        tot = np.bincount(inv, weights=x, minlength=int(inv.max()) + 1).astype(np.int64)
        x_all[keep] = tot[inv[keep]]
    provs = None if providers is None else _check_providers(*providers, n_res)
    arcs = _residual(cap, qty, w, pr[keep], pd_[keep], cost_i[keep], x_all[keep], big_w, provs)
    n_nodes = 2 + n_res + n_dem + (0 if provs is None else provs[1].size)
    dist = _bellman_ford(*arcs.arrays(), n_nodes)
    return dist[2: 2 + n_res], dist[2 + n_res: 2 + n_res + n_dem]
