"""Parity at city scale: the indicator tables computed on the server (Cypher) equal the
in-memory ones, on a generated city (~300k nodes / 1M relationships) in the local Neo4j.

Run with ``.venv/bin/python benchmarks/parity_neo4j_city.py [--heap 4g]``; prints the
timings and raises if any table differs.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis import indicators
from regional_graph.store.local_server import start_local_server

DAY = "2026-10-01"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--heap", default="4g")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    G = rg.build.graph_from_tables(rg.datasets.generate_tables("city", seed=args.seed))
    print(f"city: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} relationships")
    with start_local_server(heap=args.heap) as srv, srv.driver() as driver:
        conn = store.connect(driver, database=srv.database)
        t = time.perf_counter()
        store.save_graph(G, conn, dataset="city", progress=True)
        print(f"push: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        server = store.indicators_tables_from_neo4j(conn, dataset="city", as_of=DAY)
        print(f"indicator tables on the server: {time.perf_counter() - t:.1f} s")
        for by, table in server.items():
            memory = indicators.indicators(G, by=by, as_of=DAY)
            pd.testing.assert_frame_equal(table, memory, obj=by)
            print(f"{by}: {table.shape[0]:,} rows x {table.shape[1]} columns, equal")


if __name__ == "__main__":
    main()
