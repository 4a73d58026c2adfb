"""Neo4j store benchmark: push, pull and the server-side report against the local Neo4j 5
(+ GDS) started by this script, with the naive one-statement-per-row save in the same run.

Usage::

    python benchmarks/bench_neo4j.py                      # ~50k-node generated dataset
    python benchmarks/bench_neo4j.py --quick              # a small dataset (smoke run)
    python benchmarks/bench_neo4j.py --scale city         # ~300k nodes / 1M relationships
    python benchmarks/bench_neo4j.py --runs 3 --gds       # medians of 3 runs, GDS timings

Each run, on the same server:

* **push**: the first save of the dataset (plan, schema check, a fresh version written with
  ``UNWIND $rows … CREATE`` in batches of 5,000, one transaction each, the pointer switch);
  nodes/s, relationships/s and rows/s;
* **push --sync**: a re-save (a new complete version beside the old, switch, old deleted);
* **naive**: 2,000 node rows saved with one auto-commit ``MERGE`` statement each (what a
  script without batching does), into its own dataset;
* **pull**: ``load_graph`` back into a validated ``RegionalGraph`` (checked identical);
* **report**: ``report_from_neo4j`` (every table computed on the server) next to the same
  tables computed in memory (checked equal);

then the datasets are deleted. Prints the median (and the range) of every step over the runs
and the ratio of the batched save to the naive one, as a markdown table: in wall time, and in
CPU time (this process plus the server's, read from ``/proc``), which on a shared machine does
not grow with the other jobs' load the way wall time does.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

import regional_graph as rg
from regional_graph import store
from regional_graph.export.report import report_tables
from regional_graph.schema import Label
from regional_graph.store import queries
from regional_graph.store.local_server import start_local_server
from regional_graph.store.save import _plan

FULL = rg.datasets.Scale(2, 12, 10.0, 8, 2, 3.0, 40.0, 80.0, 3.0, 4.0, 2)
QUICK = rg.datasets.Scale(1, 3, 6.0, 4, 2, 2.0, 8.0, 12.0, 2.0, 2.0, 1)
NAIVE_ROWS = 2000
DAY = rg.datasets.REFERENCE_DATE


def _naive(conn: store.Connection, G: rg.RegionalGraph, dataset: str) -> tuple[int, float]:
    """One auto-commit statement per node row (the pattern the docs warn against)."""
    plan = _plan(G, dataset)
    rows: list[tuple[str, dict[str, Any]]] = []
    for (label, _), recs in plan.nodes.items():
        if label in {lbl.value for lbl in Label}:
            rows += [(label, r) for r in recs]
    rows = rows[:NAIVE_ROWS]
    t0 = time.perf_counter()
    with conn.session() as session:
        for label, row in rows:
            session.run(f"MERGE (n:{label} {{dataset: $dataset, id: $id}}) SET n += $props",
                        dataset=dataset, id=row["id"], props=row["props"]).consume()
    return len(rows), time.perf_counter() - t0


#: The server's pid (its CPU seconds are read from /proc), set in main().
SERVER_PID: list[int] = []


def _server_cpu() -> float:
    """CPU seconds (user + system) the server process has used so far."""
    if not SERVER_PID:
        return 0.0
    fields = Path(f"/proc/{SERVER_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU: dict[str, float] = {}


def _timed(fn: Callable[[], Any], name: str = "") -> tuple[Any, float]:
    """Run ``fn``; return its result and wall seconds (CPU seconds of this process plus the
    server's go to ``CPU[name]``: on a shared machine they do not grow with the load)."""
    c0, s0, t0 = time.process_time(), _server_cpu(), time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    if name:
        CPU[name] = time.process_time() - c0 + _server_cpu() - s0
    return out, wall


def _one_run(conn: store.Connection, G: rg.RegionalGraph, run: int,
             memory: dict[str, pd.DataFrame]) -> dict[str, float]:
    name = f"bench{run}"
    done, t_push = _timed(lambda: store.save_graph(G, conn, dataset=name, progress=True),
                          "push")
    _, t_sync = _timed(lambda: store.save_graph(G, conn, dataset=name, sync=True,
                                                progress=True))
    (n_naive, t_naive), _ = _timed(lambda: _naive(conn, G, f"naive{run}"), "naive")
    H, t_pull = _timed(lambda: store.load_graph(conn, dataset=name, progress=True))
    assert H == G, "the pulled graph differs"
    tables, t_report = _timed(lambda: queries.report_from_neo4j(conn, dataset=name, as_of=DAY,
                                                               progress=True))
    for key, frame in memory.items():
        pd.testing.assert_frame_equal(tables[key], frame, obj=key)
    store.delete_dataset(name, conn)
    store.delete_dataset(f"naive{run}", conn)  # its nodes carry the name as scope
    return {"push": t_push, "push_nodes": done.node_seconds,
            "push_rels": done.relationship_seconds, "sync": t_sync,
            "naive": t_naive, "naive_rows": n_naive, "pull": t_pull, "report": t_report,
            "push_cpu": CPU["push"], "naive_cpu": CPU["naive"]}


def _med(runs: list[dict[str, float]], key: str) -> tuple[float, str]:
    values = [r[key] for r in runs]
    spread = f" ({min(values):.1f}–{max(values):.1f})" if len(values) > 1 else ""
    return statistics.median(values), spread


def _table(G: rg.RegionalGraph, runs: list[dict[str, float]], t_memory: float) -> list[str]:
    nodes = G.number_of_nodes() + len(G.activities) + len(G.orders)
    rels = len(G.edges)
    total = nodes + rels
    push, sp = _med(runs, "push")
    push_n, sn = _med(runs, "push_nodes")
    push_r, sr = _med(runs, "push_rels")
    sync, ss = _med(runs, "sync")
    naive, sv = _med(runs, "naive")
    pull, sl = _med(runs, "pull")
    report, sq = _med(runs, "report")
    naive_rate = runs[0]["naive_rows"] / naive
    push_cpu, sc = _med(runs, "push_cpu")
    naive_cpu, sx = _med(runs, "naive_cpu")
    naive_cpu_rate = runs[0]["naive_rows"] / naive_cpu
    return [
        "| step | size | median time (range) | rate / note |",
        "|---|---|---|---|",
        f"| push: node batches | {nodes:,} nodes | {push_n:.1f} s{sn} | "
        f"{nodes / push_n:,.0f} nodes/s (**{nodes / push_n / naive_rate:.1f}× naive**) |",
        f"| push: relationship batches | {rels:,} rels | {push_r:.1f} s{sr} | "
        f"{rels / push_r:,.0f} rels/s |",
        f"| push (whole save: plan, schema, version, batches, switch) | {total:,} rows | "
        f"{push:.1f} s{sp} | {total / push:,.0f} rows/s "
        f"(**{total / push / naive_rate:.1f}× naive**) |",
        f"| push --sync (new version, switch, old deleted) | same | {sync:.1f} s{ss} | "
        f"{total / sync:,.0f} rows/s |",
        f"| push, CPU (client + server) | {total:,} rows | {push_cpu:.1f} s{sc} | "
        f"{total / push_cpu:,.0f} rows per CPU-s (**{total / push_cpu / naive_cpu_rate:.1f}× "
        "naive**) |",
        f"| naive, CPU (client + server) | {int(runs[0]['naive_rows']):,} nodes | "
        f"{naive_cpu:.1f} s{sx} | {naive_cpu_rate:,.0f} rows per CPU-s |",
        f"| naive save (1 auto-commit MERGE per row) | {int(runs[0]['naive_rows']):,} nodes | "
        f"{naive:.1f} s{sv} | {naive_rate:,.0f} nodes/s |",
        f"| pull → RegionalGraph (validated, identical) | {G.number_of_nodes():,} nodes | "
        f"{pull:.1f} s{sl} | {total / pull:,.0f} rows/s |",
        f"| report on the server ({len(queries.SERVER_TABLES)} tables, equal to in memory) | "
        f"— | {report:.1f} s{sq} | in memory: {t_memory:.1f} s |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small dataset")
    parser.add_argument("--scale", choices=["full", "city"], default="full",
                        help="generated dataset size (city: ~300k nodes)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs (medians are printed)")
    parser.add_argument("--heap", default="2g", help="the server's Java heap")
    parser.add_argument("--gds", action="store_true", help="also time two GDS algorithms")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    scale = QUICK if args.quick else ("city" if args.scale == "city" else FULL)
    G = rg.build.graph_from_tables(rg.datasets.generate_tables(scale, seed=args.seed))
    memory, t_memory = _timed(lambda: report_tables(G, as_of=DAY,
                                                     names=queries.SERVER_TABLES))
    runs = []
    with start_local_server(heap=args.heap, gds=args.gds) as srv, store.connect(
            uri=srv.uri, user=srv.auth[0], password=srv.auth[1], database=srv.database) as conn:
        SERVER_PID.append(int(srv.pid or 0))
        store.save_graph(rg.datasets.load_tiny(), conn, dataset="warm-up", progress=False)
        for run in range(args.runs):
            runs.append(_one_run(conn, G, run, memory))
            print(f"run {run + 1}: " + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1].items())
                  + f"; load average {os.getloadavg()[0]:.1f}", flush=True)
        gds_rows = _gds(conn) if args.gds else []
    print(f"\nDataset: {G!r} (+ {len(G.activities):,} activity and {len(G.orders):,} order "
          f"rows); medians of {len(runs)} runs.\n")
    print("\n".join(_table(G, runs, t_memory) + gds_rows))


def _gds(conn: store.Connection) -> list[str]:
    from regional_graph.store import gds

    G = rg.datasets.load_sample_district()
    store.save_graph(G, conn, dataset="gds", progress=False)
    rows = []
    for name, fn in (("gds.wcc (tie network, sample)", gds.components),
                     ("gds.betweenness (tie network, sample)", gds.betweenness)):
        res, t = _timed(lambda fn=fn: fn(conn, dataset="gds", as_of=DAY))
        rows.append(f"| {name} | {len(res):,} actors | {t:.2f} s | projection + algorithm |")
    return rows


if __name__ == "__main__":
    main()
