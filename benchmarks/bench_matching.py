"""Benchmark ``regional_graph.matching.flow.solve_allocation`` against networkx ``network_simplex``.

Instances: N resources and N demands placed uniformly on a 50 km x 50 km plane, each in
one of 13 categories; every demand may use its 20 nearest resources of the same category
(cost = euclidean km).  Capacities and quantities are 1..10, priorities 1..3.

Each solver runs in its own spawned process; peak memory is that process's ``ru_maxrss``
(so it includes the interpreter and imports, ~100-150 MB).  Wall and CPU seconds of the
solve call are both reported because wall time is inflated on a shared machine.
networkx is killed after ``--nx-timeout`` seconds of solving (graph building excluded).
Objectives are compared exactly as
``(weighted_served, sum(round(cost * 100) * flow))``.

Usage::

    python benchmarks/bench_matching.py --sizes 1000 10000 --nx-timeout 120

Exactness (issue 18): ``--exact 10000`` builds a 6-district graph with N resources and N
demands (coordinates, 13 categories) and compares ``match_resources`` (sparse candidates +
pricing) with an exact solve over *every* same-category pair (``solve_allocation`` given all
pairs, priced with the library's own cost model), with and without ``max_distance_km=5``,
and with the candidates alone (no pricing: the behaviour before issue 18).

End to end (added): ``--e2e city`` also generates the city dataset
(``rg.datasets.generate_tables("city")``), builds its graph and times
``regional_graph.matching.match_resources`` on it (admissible pairs, KD-tree, solver and the
explained result tables) in its own process; peak RSS is shown before and after matching.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import queue
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

try:
    from regional_graph.matching.flow import solve_allocation
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    from regional_graph.matching.flow import solve_allocation

N_CATEGORIES = 13
K_NEAREST = 20
SIDE_KM = 50.0
COST_SCALE = 100


def make_instance(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Random geometric instance with ``n`` resources and ``n`` demands."""
    rng = np.random.default_rng(seed)
    res_xy = rng.uniform(0, SIDE_KM, (n, 2))
    dem_xy = rng.uniform(0, SIDE_KM, (n, 2))
    res_cat = rng.integers(0, N_CATEGORIES, n)
    dem_cat = rng.integers(0, N_CATEGORIES, n)
    pr_parts, pd_parts, cost_parts = [], [], []
    for c in range(N_CATEGORIES):
        r_idx = np.flatnonzero(res_cat == c)
        d_idx = np.flatnonzero(dem_cat == c)
        if r_idx.size == 0 or d_idx.size == 0:
            continue
        k = min(K_NEAREST, r_idx.size)
        dist, nn = cKDTree(res_xy[r_idx]).query(dem_xy[d_idx], k=k)
        dist, nn = dist.reshape(d_idx.size, k), nn.reshape(d_idx.size, k)
        pr_parts.append(r_idx[nn].ravel())
        pd_parts.append(np.repeat(d_idx, k))
        cost_parts.append(dist.ravel())
    return {
        "capacity": rng.integers(1, 11, n),
        "quantity": rng.integers(1, 11, n),
        "priority": rng.integers(1, 4, n),
        "pair_resource": np.concatenate(pr_parts),
        "pair_demand": np.concatenate(pd_parts),
        "pair_cost": np.concatenate(cost_parts),
    }


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _run_ours(path: str, out: Any) -> None:
    inst = dict(np.load(path))
    t0, c0 = time.perf_counter(), time.process_time()
    res = solve_allocation(**inst, cost_scale=COST_SCALE)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    scaled = np.rint(inst["pair_cost"] * COST_SCALE).astype(np.int64)
    out.put(
        {
            "time": elapsed,
            "cpu": cpu,
            "mb": _maxrss_mb(),
            "objective": (res.weighted_served, int(np.dot(scaled, res.flow))),
            "served": int(res.served.sum()),
            "qty": int(inst["quantity"].sum()),
        }
    )


def _run_networkx(path: str, out: Any) -> None:
    import networkx as nx

    inst = dict(np.load(path))
    cap, qty, w = inst["capacity"], inst["quantity"], inst["priority"]
    pr, pd_ = inst["pair_resource"], inst["pair_demand"]
    scaled = np.rint(inst["pair_cost"] * COST_SCALE).astype(np.int64)
    n_res, n_dem = cap.size, qty.size
    total = int(cap.sum())
    big_w = 10**12  # exact: networkx works on Python ints
    g = nx.DiGraph()
    g.add_node("s", demand=-total)
    g.add_node("t", demand=total)
    g.add_edge("s", "t", capacity=total, weight=0)
    g.add_edges_from(("s", r, {"capacity": int(cap[r]), "weight": 0}) for r in range(n_res))
    g.add_edges_from(
        (n_res + int(d), "t", {"capacity": int(qty[d]), "weight": -big_w * int(w[d])})
        for d in range(n_dem)
    )
    g.add_edges_from(
        (int(r), n_res + int(d), {"weight": int(c)})
        for r, d, c in zip(pr.tolist(), pd_.tolist(), scaled.tolist(), strict=True)
    )
    out.put({"built": True})
    t0, c0 = time.perf_counter(), time.process_time()
    _, flow = nx.network_simplex(g)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    weighted = sum(flow[n_res + d]["t"] * int(w[d]) for d in range(n_dem))
    cost = sum(
        flow[r][n_res + d] * c
        for r, d, c in zip(pr.tolist(), pd_.tolist(), scaled.tolist(), strict=True)
    )
    out.put({"time": elapsed, "cpu": cpu, "mb": _maxrss_mb(), "objective": (weighted, cost)})


def run_in_subprocess(target: Any, path: str, timeout: float | None) -> dict[str, Any] | None:
    """Run ``target(path, queue)`` in a spawned process; ``None`` if it times out."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=target, args=(path, out))
    proc.start()
    try:
        msg = out.get(timeout=None if timeout is None else timeout + 600)
        if msg.get("built"):
            msg = out.get(timeout=timeout)
        return msg
    except queue.Empty:
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def _run_end_to_end(scale: str, out: Any) -> None:
    """Generate a dataset, build its graph, then time ``match_resources`` on it."""
    import regional_graph as rg
    from regional_graph.matching import match_resources

    t0 = time.perf_counter()
    tables = rg.datasets.generate_tables(scale)
    t1 = time.perf_counter()
    G = rg.build.graph_from_tables(tables)
    t2 = time.perf_counter()
    mb_before = _maxrss_mb()
    c0 = time.process_time()
    m = match_resources(G, as_of=rg.datasets.REFERENCE_DATE)
    t3, cpu = time.perf_counter(), time.process_time() - c0
    total = m.totals.loc[("all", "all")]
    out.put({
        "resources": len(G.nodes[rg.schema.Label.RESOURCE]),
        "demands": len(G.nodes[rg.schema.Label.DEMAND]),
        "pairs": int(m.options["admissible_pairs"]),
        "served": f"{int(total['served']):,}/{int(total['requested']):,}",
        "generate": t1 - t0, "build": t2 - t1, "match": t3 - t2, "cpu": cpu,
        "mb_before": mb_before, "mb": _maxrss_mb(),
    })


def end_to_end(scales: list[str]) -> None:
    """Print the end-to-end rows: ``match_resources`` on generated graphs (own process each)."""
    rows = []
    for scale in scales:
        print(f"[{scale}] generating, building and matching ...", flush=True)
        r = run_in_subprocess(_run_end_to_end, scale, None)
        assert r is not None
        rows.append((scale, f"{r['resources']:,}", f"{r['demands']:,}", f"{r['pairs']:,}",
                     r["served"], f"{r['build']:.1f}", f"{r['match']:.2f}", f"{r['cpu']:.2f}",
                     f"{r['mb_before']:.0f}", f"{r['mb']:.0f}"))
    print()
    print("| scale | resources | demands | admissible pairs | served/requested | build s "
          "| match_resources s | match CPU s | peak MB before match | peak MB after match |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")


def exact_graph(n: int, seed: int = 0) -> Any:
    """A 6-district graph (4 streets × 5 communities each, 30 km × 20 km) with ``n``
    resources (each offered by its own located organisation) and ``n`` demands raised by
    communities; 13 categories, capacities/quantities 1..10, priorities high/medium/low."""
    import pandas as pd

    import regional_graph as rg

    rng = np.random.default_rng(seed)
    deg = 1 / 111.19508
    dist = [f"D{i}" for i in range(6)]
    streets = [f"S{i}_{j}" for i in range(6) for j in range(4)]
    comms = [f"C{s[1:]}_{k}" for s in streets for k in range(5)]
    areas = pd.DataFrame({
        "id": dist + streets + comms, "name": dist + streets + comms,
        "level": ["district"] * 6 + ["street"] * 24 + ["community"] * 120,
        "parent_id": [None] * 6 + [s.split("_")[0].replace("S", "D") for s in streets]
        + [c.rsplit("_", 1)[0].replace("C", "S") for c in comms]})
    centre = {c: ((i // 20) % 3 * 10 + rng.uniform(0, 10), (i // 60) * 10 + rng.uniform(0, 10))
              for i, c in enumerate(comms)}
    at = rng.integers(0, len(comms), n)
    xy = np.array([centre[comms[a]] for a in at]) + rng.normal(0, 0.8, (n, 2))
    orgs = pd.DataFrame({"id": [f"O{i}" for i in range(n)], "name": [f"单位{i}" for i in range(n)],
                         "kind": "hospital", "area_id": [comms[a] for a in at],
                         "lat": [repr(float(v)) for v in 30 + xy[:, 1] * deg],
                         "lon": [repr(float(v)) for v in 120 + xy[:, 0] * deg]})
    cats = np.array(rg.schema.CATEGORY.codes)
    res = pd.DataFrame({"id": [f"R{i}" for i in range(n)], "provider_id": orgs["id"],
                        "category": cats[rng.integers(0, 13, n)],
                        "capacity": rng.integers(1, 11, n).astype(str)})
    dem = pd.DataFrame({"id": [f"Q{i}" for i in range(n)],
                        "requester_id": [comms[a] for a in rng.integers(0, len(comms), n)],
                        "category": cats[rng.integers(0, 13, n)],
                        "quantity": rng.integers(1, 11, n).astype(str),
                        "priority": np.array(["high", "medium", "low"])[rng.integers(0, 3, n)]})
    return rg.build.graph_from_tables({"areas": areas, "organizations": orgs,
                                       "resources": res, "demands": dem})


def _run_exact(arg: str, out: Any) -> None:
    """``match_resources`` (with and without pricing) vs. an exact solve on all pairs."""
    import pandas as pd

    from regional_graph import matching
    from regional_graph.matching import _places
    from regional_graph.schema import Label

    n, limit_text = arg.split(":")
    limit = None if limit_text == "none" else float(limit_text)
    G = exact_graph(int(n))
    row: dict[str, Any] = {}
    for label, weights in (("ours", matching.MatchWeights()),
                           ("candidates only", matching.MatchWeights(completion_rounds=0))):
        runs, cpus = [], []
        for _ in range(3 if label == "ours" else 1):
            t0, c0 = time.perf_counter(), time.process_time()
            m = matching.match_resources(G, as_of="2026-01-01", max_distance_km=limit,
                                         weights=weights)
            runs.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        row[label] = (m.weighted_served, m.total_cost, float(np.median(runs)),
                      float(np.median(cpus)), int(m.options["admissible_pairs"]))
    # exact baseline: every same-category pair (within the limit), the library's costs
    places = _places.Places(G, np.datetime64("2026-01-01"))
    res, dem = places.resources(), places.demands()
    R, D = G.nodes[Label.RESOURCE], G.nodes[Label.DEMAND]
    cap = R["capacity"].fillna(1).to_numpy(dtype=np.int64)
    qty = D["quantity"].fillna(1).to_numpy(dtype=np.int64)
    w = D["priority"].astype(object).map({"high": 3, "medium": 2, "low": 1}).to_numpy(np.int64)
    t0, c0 = time.perf_counter(), time.process_time()
    rs, ds = [], []
    for r_idx, d_idx, km in _places.category_blocks(res, dem, matching.MatchWeights(),
                                                      cap > 0, qty > 0):
        near = np.ones(km.shape, dtype=bool) if limit is None else km < limit + 1e-3
        i, j = np.nonzero(near)
        rs.append(r_idx[j])
        ds.append(d_idx[i])
    r, d = np.concatenate(rs), np.concatenate(ds)
    p = _places.price(res, dem, places.ties, matching.MatchWeights(), r, d)
    if limit is not None:
        p = p.take(p.eff_km < limit)
        r = p.r
    sol = solve_allocation(cap, qty, w, p.r, p.d, p.cost, cost_scale=COST_SCALE)
    row["exact"] = (sol.weighted_served, sol.total_cost, time.perf_counter() - t0,
                    time.process_time() - c0, len(p.r))
    row["mb"] = _maxrss_mb()
    del pd
    out.put(row)


def exact(sizes: list[int]) -> None:
    """Print the exactness rows (own process per size and limit)."""
    print()
    print("| N×N | max km | method | pairs | weighted served | total cost | s (median) "
          "| CPU s (median) |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    for n in sizes:
        for limit in ("none", "5"):
            r = run_in_subprocess(_run_exact, f"{n}:{limit}", None)
            assert r is not None
            for label in ("ours", "candidates only", "exact"):
                ws, cost, sec, cpu, pairs = r[label]
                print(f"| {n:,} | {limit} | {label} | {pairs:,} | {ws:,} | {cost:,.1f} "
                      f"| {sec:.2f} | {cpu:.2f} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--nx-timeout", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--e2e", nargs="*", default=["city"], metavar="SCALE",
                        help="generated scales for the end-to-end match_resources rows "
                        "(default: city; give --e2e alone to skip)")
    parser.add_argument("--exact", type=int, nargs="*", default=[], metavar="N",
                        help="graph sizes for the exactness rows (match_resources vs. an "
                        "exact solve over every same-category pair)")
    args = parser.parse_args(argv)
    if args.exact:
        exact(args.exact)
        if not args.sizes:
            return

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            inst = make_instance(n, seed=args.seed)
            path = str(Path(tmp) / f"inst_{n}.npz")
            np.savez(path, **inst)
            n_pairs = inst["pair_resource"].size
            print(f"[n={n}] pairs={n_pairs}; running ours ...", flush=True)
            ours = run_in_subprocess(_run_ours, path, None)
            assert ours is not None
            print(
                f"[n={n}] ours {ours['time']:.2f} s, {ours['mb']:.0f} MB, "
                f"served {ours['served']}/{ours['qty']}; running networkx ...",
                flush=True,
            )
            nxr = run_in_subprocess(_run_networkx, path, args.nx_timeout)
            if nxr is None:
                nx_s, nx_cpu = f"> {args.nx_timeout:.0f} (timeout)", "—"
                ratio, equal = "—", "n/a"
            else:
                nx_s, nx_cpu = f"{nxr['time']:.2f}", f"{nxr['cpu']:.2f}"
                ratio = f"{nxr['time'] / ours['time']:.0f}× ({nxr['cpu'] / ours['cpu']:.0f}×)"
                equal = "yes" if tuple(nxr["objective"]) == tuple(ours["objective"]) else "NO"
            print(f"[n={n}] networkx {nx_s} s", flush=True)
            ours_s, ours_cpu = f"{ours['time']:.2f}", f"{ours['cpu']:.2f}"
            ours_mb = f"{ours['mb']:.0f}"
            rows.append((n, n_pairs, ours_s, ours_cpu, ours_mb, nx_s, nx_cpu, ratio, equal))

    print()
    print(
        "| size (N×N) | pairs | ours s | ours CPU s | ours MB | networkx s | networkx CPU s "
        "| ratio wall (CPU) | objectives equal |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    if args.e2e:
        end_to_end(args.e2e)


if __name__ == "__main__":
    main()
