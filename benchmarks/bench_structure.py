"""Benchmark indicators and network structure (igraph/leidenalg) against networkx.

For each scale (``generate_tables(scale)`` → ``rg.build.graph_from_tables``):

* **indicators**: the three indicator tables (district, street, community), first call
  (builds the per-graph caches the analyses share) and best of ``--repeat`` further calls;
* **network**: the joint-building network (ties only, and ties + coverage links);
* **betweenness** (sampled, ``k`` sources, ``seed=0``): ours (igraph subset betweenness) vs
  ``nx.betweenness_centrality(H, k=k, seed=0)`` on the same graph. Both draw the same ``k``
  sources, so the values must agree (max abs difference reported);
* **communities**: ours (Leiden via igraph and via leidenalg, Louvain via igraph) vs
  ``nx.community.louvain_communities(H, seed=0)``, with the modularity of each partition.

networkx runs in a subprocess with a ``--nx-timeout`` (default 180 s); when betweenness does
not finish, it is re-run with ``k/16`` sources and its time extrapolated linearly in ``k``
(marked "extrapolated"). Prints a markdown table. Targets: indicators ≤ 2 s at city scale;
≥ 10× faster than networkx at modularity within 1 %.

Usage::

    python benchmarks/bench_structure.py [--scales district city] [--k 256] [--nx-timeout 180]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

try:
    import regional_graph as rg
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    import regional_graph as rg

import igraph  # noqa: F401  (imported up front: import time is not benchmarked)
import leidenalg  # noqa: F401

from regional_graph.analysis import indicators, structure

DAY = rg.datasets.REFERENCE_DATE


# --------------------------------------------------------------------------------------------
# networkx worker (runs in a subprocess)
# --------------------------------------------------------------------------------------------


def _worker(path: str, task: str, k: int) -> None:
    import networkx as nx

    data = np.load(path)
    g = nx.Graph()
    g.add_nodes_from(range(int(data["n"])))
    g.add_edges_from(map(tuple, data["edges"].tolist()))
    t0 = time.perf_counter()
    if task == "betweenness":
        bc = nx.betweenness_centrality(g, k=k, seed=0)
        elapsed = time.perf_counter() - t0
        out = Path(path).with_suffix(f".bc{k}.npy")
        np.save(out, np.array([bc[i] for i in range(g.number_of_nodes())]))
        print(json.dumps({"seconds": elapsed, "values": str(out)}))
    else:
        parts = nx.community.louvain_communities(g, seed=0)
        elapsed = time.perf_counter() - t0
        q = nx.community.modularity(g, parts, weight=None)
        print(json.dumps({"seconds": elapsed, "modularity": q, "clusters": len(parts)}))


def _run_nx(path: Path, task: str, k: int, timeout: float) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--worker", str(path), task, str(k)],
            capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _ratio(slow: float | None, fast: float) -> str:
    if not slow or fast <= 0:
        return "—"
    r = slow / fast
    return f"{r:.0f}×" if r >= 10 else f"{r:.1f}×"


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def bench_scale(scale: str, *, k: int, timeout: float, repeat: int) -> list[list[str]]:
    rows: list[list[str]] = []
    t0 = time.perf_counter()
    G = rg.build.graph_from_tables(rg.datasets.generate_tables(scale))
    print(f"[{scale}] {G!r} built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    t0 = time.perf_counter()
    tables = [indicators.indicators(G, by=lvl, as_of=DAY) for lvl in indicators.LEVELS]
    cold = time.perf_counter() - t0
    warm, _ = _best(lambda: [indicators.indicators(G, by=lvl, as_of=DAY)
                             for lvl in indicators.LEVELS], repeat)
    sizes = "/".join(str(len(t)) for t in tables)
    rows.append([scale, "indicators, 3 levels", f"{sizes} rows",
                 f"{_fmt(cold)} first, {_fmt(warm)} warm", "—", "—", "target ≤ 2 s"])

    for coverage in (False, True):
        label = "ties + coverage" if coverage else "ties"
        t0 = time.perf_counter()
        net = structure.tie_network(G, as_of=DAY, include_coverage=coverage)
        net.to_igraph()
        build = time.perf_counter() - t0
        size = f"{net.number_of_nodes():,} actors, {net.number_of_edges():,} edges"
        rows.append([scale, f"network ({label})", size, _fmt(build), "—", "—", ""])
        kk = min(k, net.number_of_nodes())
        ours_bc_t, ours_bc = _best(lambda c=coverage, kk=kk: structure.betweenness(
            G, as_of=DAY, k=kk, seed=0, include_coverage=c), repeat)
        ours_l_t, leiden = _best(lambda c=coverage: structure.communities(
            G, as_of=DAY, method="leiden", seed=0, include_coverage=c), repeat)
        ours_a_t, leidenalg_part = _best(lambda c=coverage: structure.communities(
            G, as_of=DAY, method="leidenalg", seed=0, include_coverage=c), repeat)
        ours_v_t, louvain = _best(lambda c=coverage: structure.communities(
            G, as_of=DAY, method="louvain", seed=0, include_coverage=c), repeat)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "net.npz"
            np.savez(path, n=net.number_of_nodes(), edges=net.edges)
            res = _run_nx(path, "betweenness", kk, timeout)
            note = ""
            if res is None:
                small = max(1, kk // 16)
                res = _run_nx(path, "betweenness", small, timeout)
                if res is not None:
                    res["seconds"] *= kk / small
                    note = f"extrapolated from k={small} (k={kk} > {timeout:.0f} s)"
                    diff = None
                else:
                    note = f"did not finish k={small} in {timeout:.0f} s"
            else:
                theirs = np.load(res["values"])
                diff = float(np.max(np.abs(theirs - ours_bc.to_numpy()))) if len(theirs) else 0.0
                note = f"same sources; max abs difference {diff:.1e}"
            nx_bc = None if res is None else res["seconds"]
            rows.append([scale, f"betweenness k={kk} ({label})", size, _fmt(ours_bc_t),
                         _fmt(nx_bc) + (" (extrap.)" if "extrapolated" in note else ""),
                         _ratio(nx_bc, ours_bc_t), note])
            com = _run_nx(path, "communities", 0, timeout)
        nx_c = None if com is None else com["seconds"]
        q_nx = None if com is None else com["modularity"]
        for name, t_ours, part in (("Leiden (igraph)", ours_l_t, leiden),
                                   ("Leiden (leidenalg)", ours_a_t, leidenalg_part),
                                   ("Louvain (igraph)", ours_v_t, louvain)):
            rel = (f"Q {part.modularity:.4f} vs nx {q_nx:.4f} "
                   f"({100 * (part.modularity - q_nx) / q_nx:+.2f} %); "
                   f"{part.n_clusters} vs {com['clusters']} clusters") if com else \
                f"Q {part.modularity:.4f}; networkx did not finish in {timeout:.0f} s"
            rows.append([scale, f"communities {name} vs nx Louvain ({label})", size,
                         _fmt(t_ours), _fmt(nx_c),
                         _ratio(nx_c, t_ours), rel])
    return rows


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        _worker(argv[1], argv[2], int(argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", default=["district", "city"])
    parser.add_argument("--k", type=int, default=256)
    parser.add_argument("--nx-timeout", type=float, default=180.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for scale in args.scales:
        rows += bench_scale(scale, k=args.k, timeout=args.nx_timeout, repeat=args.repeat)
    head = ["scale", "what", "size", "regional_graph", "networkx", "speed-up", "notes"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
