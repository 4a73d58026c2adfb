"""Neo4j store benchmark against the local Neo4j 5 (+ GDS) started by this script.

Usage::

    python benchmarks/bench_neo4j.py                 # ~50k-node generated dataset
    python benchmarks/bench_neo4j.py --quick         # a small dataset (smoke run)
    python benchmarks/bench_neo4j.py --scale city    # ~300k nodes / 1M relationships

Measures, on a fresh server:

* the batched save (``UNWIND $rows … MERGE`` in batches, one transaction each) of a generated
  dataset: nodes/s and relationships/s, for the first save and for a re-save (idempotent);
* a naive save of a 2,000-row sample: one auto-commit ``MERGE`` statement per row;
* the load back into a ``RegionalGraph``;
* the server-side queries next to the in-memory analyses on the same graph;
* GDS connected components and betweenness of the tie network on the server.

Prints a markdown table.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis import coverage, isolation
from regional_graph.schema import Label
from regional_graph.store import queries
from regional_graph.store.local_server import start_local_server
from regional_graph.store.save import _plan

FULL = rg.datasets.Scale(2, 12, 10.0, 8, 2, 3.0, 40.0, 80.0, 3.0, 4.0, 2)
QUICK = rg.datasets.Scale(1, 3, 6.0, 4, 2, 2.0, 8.0, 12.0, 2.0, 2.0, 1)
NAIVE_ROWS = 2000


def _naive(conn: store.Connection, G: rg.RegionalGraph) -> tuple[int, float]:
    """One auto-commit statement per node row (the pattern the docs warn against)."""
    plan = _plan(G, "naive")
    rows: list[tuple[str, dict[str, Any]]] = []
    for (label, _), recs in plan.nodes.items():
        if label in {lbl.value for lbl in Label}:
            rows += [(label, r) for r in recs]
    rows = rows[:NAIVE_ROWS]
    t0 = time.perf_counter()
    with conn.session() as session:
        for label, row in rows:
            session.run(f"MERGE (n:{label} {{dataset: $dataset, id: $id}}) SET n += $props",
                        dataset="naive", id=row["id"], props=row["props"]).consume()
    return len(rows), time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small dataset")
    parser.add_argument("--scale", choices=["full", "city"], default="full",
                        help="generated dataset size (city: ~300k nodes)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    scale = QUICK if args.quick else ("city" if args.scale == "city" else FULL)
    G = rg.build.graph_from_tables(rg.datasets.generate_tables(scale, seed=args.seed))
    day = rg.datasets.REFERENCE_DATE
    rows: list[tuple[str, str, str, str]] = []
    with start_local_server(heap="2g") as srv, store.connect(
            uri=srv.uri, user=srv.auth[0], password=srv.auth[1], database=srv.database) as conn:
        t0 = time.perf_counter()
        done = store.save_graph(G, conn, dataset="bench", progress=None)
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.save_graph(G, conn, dataset="bench", progress=False)
        t_resave = time.perf_counter() - t0
        n_naive, t_naive = _naive(conn, G)  # after the batched saves: a warmed-up server
        naive_rate = n_naive / t_naive
        total = done.nodes + done.relationships
        node_rate = done.nodes / done.node_seconds
        rows.append(("save nodes (batched, first save)", f"{done.nodes:,} nodes",
                     f"{done.node_seconds:.1f} s",
                     f"{node_rate:,.0f} nodes/s ({node_rate / naive_rate:.1f}× naive)"))
        rows.append(("save relationships (batched)", f"{done.relationships:,} rels",
                     f"{done.relationship_seconds:.1f} s",
                     f"{done.relationships / done.relationship_seconds:,.0f} rels/s"))
        rows.append(("save total (schema, plan, batches)", f"{total:,} rows", f"{t_save:.1f} s",
                     f"{total / t_save:,.0f} rows/s"))
        rows.append(("re-save (idempotent)", "same", f"{t_resave:.1f} s",
                     f"{total / t_resave:,.0f} rows/s"))
        rows.append(("save (naive: 1 statement per row)", f"{n_naive:,} nodes",
                     f"{t_naive:.1f} s", f"{naive_rate:,.0f} nodes/s"))
        t0 = time.perf_counter()
        H = store.load_graph(conn, dataset="bench")
        t_load = time.perf_counter() - t0
        assert H == G
        rows.append(("load → RegionalGraph (validated)", f"{H.number_of_nodes():,} nodes",
                     f"{t_load:.1f} s", "round trip identical"))
        pairs = [("uncovered", queries.uncovered, coverage.uncovered),
                 ("should_build", queries.should_build, coverage.should_build),
                 ("isolated_units", queries.isolated_units, isolation.isolated_units),
                 ("unpaired_communities", queries.unpaired_communities,
                  isolation.unpaired_communities),
                 ("coverage_by_area", queries.coverage_by_area, coverage.coverage_by_area)]
        for name, server, memory in pairs:
            t0 = time.perf_counter()
            a = server(conn, dataset="bench", as_of=day)
            ts = time.perf_counter() - t0
            t0 = time.perf_counter()
            b = memory(G, as_of=day)
            tm = time.perf_counter() - t0
            same = a.equals(b) and list(a.dtypes) == list(b.dtypes)
            rows.append((f"query {name}", f"{len(a):,} rows", f"{ts:.2f} s server",
                         f"{tm * 1000:.0f} ms in memory; {'same' if same else 'DIFFERENT'}"))
        from regional_graph.store import gds

        for name, fn in (("gds.wcc (tie network)", gds.components),
                         ("gds.betweenness (tie network)", gds.betweenness)):
            t0 = time.perf_counter()
            res = fn(conn, dataset="bench", as_of=day)
            rows.append((name, f"{len(res):,} actors", f"{time.perf_counter() - t0:.2f} s",
                         "server (projection + algorithm)"))
    print(f"Dataset: {G!r}; nodes saved include {len(G.activities):,} activity rows.\n")
    print("| step | size | time | rate / note |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
