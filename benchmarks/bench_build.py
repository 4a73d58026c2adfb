"""Load + validate + build time and peak memory, next to a naive per-row networkx build.

Usage::

    python benchmarks/bench_build.py                 # district and city
    python benchmarks/bench_build.py --scales district city province

For each scale the generator writes the dataset as CSV files into a temporary folder (not
timed); then, each in a fresh subprocess so peak RSS is its own:

* **regional_graph**: ``read_tables`` → ``validate_tables`` → ``graph_from_tables``
  (timed in two parts: reading the CSV files, and validation + build);
* **naive networkx**: the same CSV files read with ``pandas.read_csv``, then one
  ``G.add_node`` per node row and one ``G.add_edge`` per reference and link row.

Prints a markdown table (time, peak RSS, ratio).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


def _write(tables: dict, folder: Path) -> None:
    for name, df in tables.items():
        pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), folder / f"{name}.csv")


def _ours(folder: str, q: mp.Queue) -> None:
    import regional_graph as rg

    t0 = time.perf_counter()
    raw = rg.io.read_tables(folder)
    t1 = time.perf_counter()
    typed = rg.validate.validate_tables(raw)
    G = rg.build.graph_from_tables(typed, validate=False)
    t2 = time.perf_counter()
    q.put(
        {
            "read": t1 - t0,
            "build": t2 - t1,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _naive(folder: str, q: mp.Queue) -> None:
    import networkx as nx
    import pandas as pd

    from regional_graph import schema

    t0 = time.perf_counter()
    frames = {name: pd.read_csv(Path(folder) / f"{name}.csv", dtype=str) for name in schema.TABLES}
    t1 = time.perf_counter()
    G = nx.MultiDiGraph()
    for tbl in schema.NODE_TABLES.values():
        df = frames[tbl.name]
        for row in df.itertuples(index=False):
            rec = row._asdict()
            G.add_node(
                rec["id"], label=tbl.label, **{k: v for k, v in rec.items() if isinstance(v, str)}
            )
    for tbl in schema.NODE_TABLES.values():
        df = frames[tbl.name]
        for col in tbl.columns:
            if col.rel is None:
                continue
            for nid, ref in zip(df["id"], df[col.name], strict=True):
                if isinstance(ref, str):
                    if col.reverse:
                        G.add_edge(ref, nid, type=col.rel.value)
                    else:
                        G.add_edge(nid, ref, type=col.rel.value)
    for row in frames["links"].itertuples(index=False):
        G.add_edge(row.source_id, row.target_id, type=row.type, start=row.start, end=row.end)
    t2 = time.perf_counter()
    q.put(
        {
            "read": t1 - t0,
            "build": t2 - t1,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _run(target, folder: Path, timeout: float) -> dict | None:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=(str(folder), q))
    p.start()
    try:
        result = q.get(timeout=timeout)
    except Exception:
        result = None
    p.join(5)
    if p.is_alive():
        p.kill()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", default=["district", "city"])
    ap.add_argument("--naive-timeout", type=float, default=300)
    args = ap.parse_args()
    import regional_graph as rg

    rows = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            tables = rg.datasets.generate_tables(scale, seed=1)
            _write(tables, folder)
            del tables
            ours = _run(_ours, folder, 600)
            naive = _run(_naive, folder, args.naive_timeout)
        assert ours is not None, f"regional_graph did not finish at {scale} scale"
        ratio = f"{naive['build'] / ours['build']:.1f}×" if naive else "n/a"
        rows.append(
            f"| {scale} | {ours['nodes']:,} | {ours['edges']:,} | {ours['read']:.2f} | "
            f"{ours['build']:.2f} | {ours['rss_mb']:,.0f} | "
            + (
                f"{naive['read']:.2f} | {naive['build']:.2f} | {naive['rss_mb']:,.0f} | "
                if naive
                else f"> {args.naive_timeout:.0f} s | – | – | "
            )
            + f"{ratio} |"
        )
        print(rows[-1], flush=True)
    print()
    print(
        "| scale | nodes | relationships | ours: read CSV s | ours: validate + build s | "
        "ours: peak RSS MB | naive: read CSV s | naive: networkx build s | "
        "naive: peak RSS MB | build speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
