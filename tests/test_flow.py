"""Tests for the exact resource–demand matching core (``regional_graph.matching.flow``)."""

from __future__ import annotations

from unittest.mock import patch

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import coo_array

import regional_graph.matching.flow as flow_module
from regional_graph.matching.flow import AllocationResult, max_served, solve_allocation

SCALE = 100

# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def scaled_cost(cost, flow) -> int:
    return int(np.dot(np.rint(np.asarray(cost, dtype=float) * SCALE).astype(np.int64), flow))


def check_feasible(inst: dict, res: AllocationResult) -> None:
    cap, qty, w = inst["cap"], inst["qty"], inst["w"]
    pr, pd_, cost = inst["pr"], inst["pd"], inst["cost"]
    flow = res.flow
    assert flow.dtype == np.int64
    assert flow.shape == (len(pr),)
    assert (flow >= 0).all()
    used = np.bincount(np.asarray(pr, dtype=np.int64), weights=flow, minlength=len(cap))
    served = np.bincount(np.asarray(pd_, dtype=np.int64), weights=flow, minlength=len(qty))
    np.testing.assert_array_equal(res.used, used)
    np.testing.assert_array_equal(res.served, served)
    assert (res.used <= np.asarray(cap)).all()
    assert (res.served <= np.asarray(qty)).all()
    assert res.weighted_served == int(np.dot(served, np.asarray(w, dtype=np.int64)))
    assert res.total_cost == pytest.approx(float(np.dot(np.asarray(cost, dtype=float), flow)))
    if inst.get("prov") is not None:
        prov = np.asarray(inst["prov"])
        for p, lim in enumerate(inst["plim"]):
            assert res.used[prov == p].sum() <= lim
    assert res.status == "optimal"


def solve(inst: dict) -> AllocationResult:
    kw = {}
    if inst.get("prov") is not None:
        kw = {"provider": inst["prov"], "provider_limit": inst["plim"]}
    return solve_allocation(
        inst["cap"], inst["qty"], inst["w"], inst["pr"], inst["pd"], inst["cost"], **kw
    )


def networkx_reference(inst: dict) -> tuple[int, int]:
    """Independent formulation with networkx (exact Python ints, different W and layout).

    Unused supply leaves through per-resource / per-provider "idle" arcs instead of a
    single bypass, duplicates are merged to the cheapest copy, and W is a huge Python int.
    Returns (weighted_served, scaled pair cost).
    """
    cap, qty, w = inst["cap"], inst["qty"], inst["w"]
    prov, plim = inst.get("prov"), inst.get("plim")
    total = int(sum(cap))
    big_w = 10**15
    g = nx.DiGraph()
    g.add_node("s", demand=-total)
    g.add_node("t", demand=total)
    for r, c in enumerate(cap):
        p = -1 if prov is None else prov[r]
        if p < 0:
            g.add_edge("s", ("r", r), capacity=int(c), weight=0)
        else:
            g.add_edge(("p", p), ("r", r), capacity=int(c), weight=0)
        g.add_edge(("r", r), "t", capacity=int(c), weight=0)  # idle units of r
    if prov is not None:
        for p, lim in enumerate(plim):
            g.add_edge("s", ("p", p), capacity=int(lim), weight=0)
            g.add_edge("s", ("idle", p), capacity=total, weight=0)
            g.add_edge(("idle", p), "t", capacity=total, weight=0)
    best: dict[tuple[int, int], int] = {}
    for r, d, c in zip(inst["pr"], inst["pd"], inst["cost"], strict=True):
        ci = round(c * SCALE)
        best[(r, d)] = min(best.get((r, d), ci), ci)
    for (r, d), ci in best.items():
        g.add_edge(("r", r), ("d", d), weight=ci)
    for d, q in enumerate(qty):
        g.add_edge(("d", d), "t", capacity=int(q), weight=-big_w * int(w[d]))
    # providers' surplus must be able to reach t: s->idle->t covers it
    if prov is None:
        g.add_edge("s", "t", capacity=total, weight=0)
    _, flow = nx.network_simplex(g)
    served = [flow[("d", d)]["t"] if ("d", d) in flow else 0 for d in range(len(qty))]
    weighted = sum(int(s) * int(w[d]) for d, s in enumerate(served))
    pair_cost = sum(ci * flow[("r", r)][("d", d)] for (r, d), ci in best.items())
    return weighted, pair_cost


def lp_reference(inst: dict) -> tuple[float, float]:
    """Two-stage LP (HiGHS) without any big-M weight: max weight, then min cost.

    The transportation polytope is integral and the stage-1 optimal set is a face of it,
    so the stage-2 LP optimum equals the integral lexicographic optimum.
    """
    cap, qty, w = inst["cap"], inst["qty"], np.asarray(inst["w"], dtype=float)
    pr, pd_ = np.asarray(inst["pr"]), np.asarray(inst["pd"])
    k = len(pr)
    c_int = np.rint(np.asarray(inst["cost"]) * SCALE)
    cols = np.arange(k)
    a_res = coo_array((np.ones(k), (pr, cols)), shape=(len(cap), k)).toarray()
    a_dem = coo_array((np.ones(k), (pd_, cols)), shape=(len(qty), k)).toarray()
    rows = [a_res, a_dem]
    rhs = [np.asarray(cap, float), np.asarray(qty, float)]
    if inst.get("prov") is not None:
        prov = np.asarray(inst["prov"])
        a_prov = np.array([(prov[pr] == p).astype(float) for p in range(len(inst["plim"]))])
        rows.append(a_prov.reshape(len(inst["plim"]), k))
        rhs.append(np.asarray(inst["plim"], float))
    a_ub, b_ub = np.vstack(rows), np.concatenate(rhs)
    weight_per_pair = w[pd_]
    s1 = linprog(-weight_per_pair, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    assert s1.status == 0
    best_w = round(-s1.fun)  # integral polytope, integer weights
    a2 = np.vstack([a_ub, -weight_per_pair[None, :]])
    b2 = np.concatenate([b_ub, [-best_w + 1e-9]])
    s2 = linprog(c_int, A_ub=a2, b_ub=b2, bounds=(0, None), method="highs")
    assert s2.status == 0
    return best_w, s2.fun


@st.composite
def instances(draw, *, with_providers: bool | None = None, equal_priority: bool = False):
    n_res = draw(st.integers(0, 9))
    n_dem = draw(st.integers(0, 9))
    cap = draw(st.lists(st.integers(0, 6), min_size=n_res, max_size=n_res))
    qty = draw(st.lists(st.integers(0, 6), min_size=n_dem, max_size=n_dem))
    if equal_priority:
        w = [1] * n_dem
    else:
        w = draw(st.lists(st.integers(1, 3), min_size=n_dem, max_size=n_dem))
    pairs = []
    if n_res and n_dem:
        pairs = draw(
            st.lists(
                st.tuples(
                    st.integers(0, n_res - 1),
                    st.integers(0, n_dem - 1),
                    st.integers(0, 80).map(lambda x: x / 4),  # exact at SCALE=100
                ),
                max_size=30,
            )
        )
    inst = {
        "cap": cap,
        "qty": qty,
        "w": w,
        "pr": [p[0] for p in pairs],
        "pd": [p[1] for p in pairs],
        "cost": [p[2] for p in pairs],
        "prov": None,
        "plim": None,
    }
    use_prov = draw(st.booleans()) if with_providers is None else with_providers
    if use_prov:
        n_prov = draw(st.integers(1, 3))
        inst["prov"] = draw(st.lists(st.integers(-1, n_prov - 1), min_size=n_res, max_size=n_res))
        inst["plim"] = draw(st.lists(st.integers(0, 8), min_size=n_prov, max_size=n_prov))
    return inst


# ---------------------------------------------------------------------------------------
# hand-computed instances
# ---------------------------------------------------------------------------------------


def test_simple_all_served_min_cost():
    # one resource with 2 units, two demands of 1; a second, dearer resource is unused
    res = solve_allocation([2, 5], [1, 1], [1, 1], [0, 0, 1, 1], [0, 1, 0, 1], [1, 2, 3, 3])
    assert res.flow.tolist() == [1, 1, 0, 0]
    assert res.served.tolist() == [1, 1]
    assert res.used.tolist() == [2, 0]
    assert res.weighted_served == 2
    assert res.total_cost == pytest.approx(3.0)


def test_priority_beats_distance_single_resource():
    # one unit; low-priority demand 1 km away, high-priority demand 50 km away
    res = solve_allocation([1], [1, 1], [1, 3], [0, 0], [0, 1], [1.0, 50.0])
    assert res.flow.tolist() == [0, 1]
    assert res.weighted_served == 3
    assert res.total_cost == pytest.approx(50.0)


def test_priority_trade_off_farther_resource():
    # H (w=3) can only use R0 (9 km); L (w=1, qty 2) can use R0 (1 km) or R1 (2 km).
    # Greedy-by-distance gives R0->L, R1->L (weight 2); optimum is R0->H, R1->L (weight 4).
    res = solve_allocation(
        capacity=[1, 1],
        quantity=[1, 2],
        priority=[3, 1],
        pair_resource=[0, 0, 1],
        pair_demand=[0, 1, 1],
        pair_cost=[9.0, 1.0, 2.0],
    )
    assert res.flow.tolist() == [1, 0, 1]
    assert res.served.tolist() == [1, 1]
    assert res.weighted_served == 4
    assert res.total_cost == pytest.approx(11.0)


def test_min_cost_among_equal_weight():
    # both resources can serve the single unit; the cheaper one is chosen
    res = solve_allocation([1, 1], [1], [2], [0, 1], [0, 0], [3.5, 1.25])
    assert res.flow.tolist() == [0, 1]
    assert res.total_cost == pytest.approx(1.25)
    assert res.weighted_served == 2


def test_provider_limit():
    # R0, R1 belong to provider 0 (limit 1); R2 has no provider. Demand needs 3.
    kw = {"provider": [0, 0, -1], "provider_limit": [1]}
    res = solve_allocation([1, 1, 1], [3], [1], [0, 1, 2], [0, 0, 0], [1.0, 2.0, 5.0], **kw)
    assert res.flow.tolist() == [1, 0, 1]
    assert res.served.tolist() == [2]
    assert res.total_cost == pytest.approx(6.0)
    assert max_served([1, 1, 1], [3], [0, 1, 2], [0, 0, 0], **kw) == 2
    assert max_served([1, 1, 1], [3], [0, 1, 2], [0, 0, 0]) == 3


def test_provider_limit_shifts_to_other_provider():
    # provider 0 (limit 2) is cheap but limited, provider 1 fills the rest
    res = solve_allocation(
        [5, 5],
        [4],
        [1],
        [0, 1],
        [0, 0],
        [1.0, 4.0],
        provider=[0, 1],
        provider_limit=[2, 10],
    )
    assert res.flow.tolist() == [2, 2]
    assert res.total_cost == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("cap", "qty", "w", "pr", "pd_", "cost"),
    [
        ([], [], [], [], [], []),
        ([3], [], [], [], [], []),
        ([], [2], [1], [], [], []),
        ([3, 1], [2, 2], [1, 2], [], [], []),
        ([0], [2], [1], [0], [0], [1.0]),
        ([2], [0], [1], [0], [0], [1.0]),
    ],
)
def test_empty_cases(cap, qty, w, pr, pd_, cost):
    res = solve_allocation(cap, qty, w, pr, pd_, cost)
    assert res.flow.shape == (len(pr),)
    assert res.served.tolist() == [0] * len(qty)
    assert res.used.tolist() == [0] * len(cap)
    assert res.weighted_served == 0
    assert res.total_cost == 0.0
    assert res.status == "optimal"
    assert max_served(cap, qty, pr, pd_) == 0


def test_duplicate_pairs_use_cheapest_copy():
    res = solve_allocation([3], [2], [1], [0, 0, 0], [0, 0, 0], [5.0, 2.0, 2.0])
    assert res.flow.tolist() == [0, 2, 0]
    assert res.total_cost == pytest.approx(4.0)
    assert max_served([3], [2], [0, 0], [0, 0]) == 2


def test_result_is_frozen():
    res = solve_allocation([1], [1], [1], [0], [0], [1.0])
    with pytest.raises(AttributeError):
        res.status = "x"  # type: ignore[misc]


def test_overflow_guard():
    with pytest.raises(ValueError, match="too large"):
        solve_allocation([10**6] * 3, [10**6] * 3, [3] * 3, [0, 1, 2], [0, 1, 2], [1e12] * 3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"capacity": [-1]},
        {"priority": [0]},
        {"pair_resource": [1]},
        {"pair_demand": [1]},
        {"pair_cost": [-1.0]},
        {"pair_cost": [float("nan")]},
        {"capacity": [1.5]},
    ],
)
def test_invalid_input(kwargs):
    base = {
        "capacity": [1],
        "quantity": [1],
        "priority": [1],
        "pair_resource": [0],
        "pair_demand": [0],
        "pair_cost": [1.0],
    }
    base.update(kwargs)
    with pytest.raises(ValueError):
        solve_allocation(**base)


def test_provider_arguments_must_come_together():
    with pytest.raises(ValueError):
        solve_allocation([1], [1], [1], [0], [0], [1.0], provider=[0])
    with pytest.raises(ValueError):
        solve_allocation([1], [1], [1], [0], [0], [1.0], provider=[1], provider_limit=[1])


# ---------------------------------------------------------------------------------------
# property tests
# ---------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(instances())
def test_matches_networkx(inst):
    res = solve(inst)
    check_feasible(inst, res)
    ref_weight, ref_cost = networkx_reference(inst)
    assert res.weighted_served == ref_weight
    assert scaled_cost(inst["cost"], res.flow) == ref_cost


@settings(max_examples=150, deadline=None)
@given(instances())
def test_matches_two_stage_lp(inst):
    if not inst["pr"]:
        return
    res = solve(inst)
    ref_weight, ref_cost = lp_reference(inst)
    assert res.weighted_served == pytest.approx(ref_weight, abs=1e-6)
    assert scaled_cost(inst["cost"], res.flow) == pytest.approx(ref_cost, abs=1e-3)


@settings(max_examples=200, deadline=None)
@given(instances(equal_priority=True))
def test_equal_priority_serves_max_flow(inst):
    res = solve(inst)
    check_feasible(inst, res)
    kw = {}
    if inst["prov"] is not None:
        kw = {"provider": inst["prov"], "provider_limit": inst["plim"]}
    assert int(res.served.sum()) == max_served(
        inst["cap"], inst["qty"], inst["pr"], inst["pd"], **kw
    )


@settings(max_examples=100, deadline=None)
@given(instances(with_providers=False), st.floats(1.5, 1000.0))
def test_scaling_costs_does_not_change_allocation_value(inst, factor):
    # weighted service is independent of the cost units
    res = solve(inst)
    inst2 = dict(inst, cost=[c * factor for c in inst["cost"]])
    res2 = solve_allocation(
        inst2["cap"], inst2["qty"], inst2["w"], inst2["pr"], inst2["pd"], inst2["cost"]
    )
    assert res2.weighted_served == res.weighted_served


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 6))
def test_many_small_solver_batches_match_networkx(inst, batch_pairs):
    # force the component batching to split the instance into many solver calls
    with patch.object(flow_module, "_BATCH_PAIRS", batch_pairs):
        res = solve(inst)
    check_feasible(inst, res)
    ref_weight, ref_cost = networkx_reference(inst)
    assert (res.weighted_served, scaled_cost(inst["cost"], res.flow)) == (ref_weight, ref_cost)


def test_medium_random_instance_against_networkx():
    rng = np.random.default_rng(7)
    n_res, n_dem, k = 40, 60, 400
    inst = {
        "cap": rng.integers(1, 11, n_res).tolist(),
        "qty": rng.integers(1, 11, n_dem).tolist(),
        "w": rng.integers(1, 4, n_dem).tolist(),
        "pr": rng.integers(0, n_res, k).tolist(),
        "pd": rng.integers(0, n_dem, k).tolist(),
        "cost": (rng.integers(0, 4000, k) / 100).tolist(),
        "prov": rng.integers(-1, 4, n_res).tolist(),
        "plim": rng.integers(5, 40, 4).tolist(),
    }
    res = solve(inst)
    check_feasible(inst, res)
    assert (res.weighted_served, scaled_cost(inst["cost"], res.flow)) == networkx_reference(inst)
