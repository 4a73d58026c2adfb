"""Load + validate + build time and peak memory, next to a naive per-row networkx build.

Usage::

    python benchmarks/bench_build.py                 # district and city
    python benchmarks/bench_build.py --scales district city province

For each scale the generator writes the dataset as CSV files into a temporary folder (not
timed); then, each in a fresh subprocess so peak RSS is its own:

* **regional_graph**: ``read_tables`` → ``validate_tables`` → ``graph_from_tables``
  (timed in two parts: reading the CSV files, and validation + build; *load* is the two
  together, wall and CPU seconds of the process, all threads; medians of ``--repeat`` runs;
  the library's imports are done before the clock starts and printed apart);
* **start-up** (``--startup``): a fresh ``python`` that loads the dataset as ``regional-graph
  report`` does (its imports, then ``load_graph``), with and without parsing the CSV files in
  the background from the start (``csvparse.Prefetch``), interleaved; wall seconds from
  process start to the loaded graph (as the parent sees it) and CPU seconds of the process;
* **naive networkx**: the same CSV files read with ``pandas.read_csv``, then one
  ``G.add_node`` per node row and one ``G.add_edge`` per reference and link row.

Prints a markdown table (time, peak RSS, ratio) and the load average before each scale.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv


def peak_mb() -> float:
    """Peak RSS of this process in MB: ``VmHWM`` (Linux), which starts afresh at ``exec``.

    ``getrusage``'s ``ru_maxrss`` does not: a child spawned by a parent that holds a
    province's generated tables reports the parent's RSS when that is larger.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(tables: dict, folder: Path) -> None:
    for name, df in tables.items():
        pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), folder / f"{name}.csv")


def _ours(folder: str, q: mp.Queue) -> None:
    i0 = time.perf_counter()
    import pyarrow.csv  # noqa: F401  (imports are timed apart: `import` below)

    import regional_graph as rg
    from regional_graph import build, io, validate  # noqa: F401

    c0, t0 = time.process_time(), time.perf_counter()
    raw = rg.io.read_tables(folder)
    t1 = time.perf_counter()
    typed, resolved = rg.validate.validate_with_codes(raw)
    del raw  # as load_graph does: the text tables are not needed once typed
    G = rg.build.graph_from_typed(typed, resolved)  # the codes validation found, handed on
    t2 = time.perf_counter()
    q.put(
        {
            "read": t1 - t0,
            "build": t2 - t1,
            "load": t2 - t0,
            "load_cpu": time.process_time() - c0,
            "import": t0 - i0,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "rss_mb": peak_mb(),
        }
    )


#: A fresh process loading a dataset as the report command does; argv: folder, prefetch 0/1.
STARTUP = """
import os, sys
import argparse
from regional_graph import cli
args = argparse.Namespace(command="report", data=sys.argv[1])
if sys.argv[2] == "1":
    cli._prefetch(args)
from regional_graph.export.report import summary_lines, write_report  # report's imports
G = cli._load(args)
t = os.times()
print(t.user + t.system, G.number_of_nodes(), flush=True)
os._exit(0)
"""


def startup(folder: Path, repeat: int) -> dict[str, list[float]]:
    """Process start → loaded graph, with and without the background parse, interleaved."""
    import subprocess
    import sys

    out: dict[str, list[float]] = {"wall": [], "cpu": [], "wall_prefetch": [],
                                   "cpu_prefetch": []}
    for _ in range(repeat):
        for prefetch in ("0", "1"):
            t0 = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", STARTUP, str(folder), prefetch],
                                  capture_output=True, text=True, check=True)
            wall = time.perf_counter() - t0
            suffix = "_prefetch" if prefetch == "1" else ""
            out["wall" + suffix].append(wall)
            out["cpu" + suffix].append(float(done.stdout.split()[0]))
    return out


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
            "rss_mb": peak_mb(),
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
    ap.add_argument("--repeat", type=int, default=3, help="runs of ours per scale (median)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive networkx build")
    ap.add_argument("--startup", action="store_true", help="also process start → loaded graph "
                    "as the report command loads, with and without the background parse")
    args = ap.parse_args()
    import regional_graph as rg

    rows = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            tables = rg.datasets.generate_tables(scale, seed=1)
            _write(tables, folder)
            del tables
            load_avg = os.getloadavg()[0]
            runs = [_run(_ours, folder, 600) for _ in range(args.repeat)]
            if args.startup:
                got = startup(folder, args.repeat)
                print(f"{scale} start-up to loaded graph (wall / CPU s, median of "
                      f"{args.repeat}): without background parse "
                      f"{statistics.median(got['wall']):.2f} / "
                      f"{statistics.median(got['cpu']):.2f}, with "
                      f"{statistics.median(got['wall_prefetch']):.2f} / "
                      f"{statistics.median(got['cpu_prefetch']):.2f}; runs "
                      f"{[round(w, 2) for w in got['wall']]} / "
                      f"{[round(w, 2) for w in got['wall_prefetch']]}", flush=True)
            naive = None if args.no_naive else _run(_naive, folder, args.naive_timeout)
        assert all(runs), f"regional_graph did not finish at {scale} scale"
        ours = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        ours.update(nodes=runs[0]["nodes"], edges=runs[0]["edges"])
        ratio = f"{naive['build'] / ours['build']:.1f}×" if naive else "n/a"
        print(f"{scale}: load wall {[round(r['load'], 2) for r in runs]}, CPU "
              f"{[round(r['load_cpu'], 2) for r in runs]}, imports before it "
              f"{[round(r['import'], 2) for r in runs]}, load average {load_avg:.1f}",
              flush=True)
        rows.append(
            f"| {scale} | {ours['nodes']:,} | {ours['edges']:,} | {ours['read']:.2f} | "
            f"{ours['build']:.2f} | {ours['load']:.2f} | {ours['load_cpu']:.2f} | "
            f"{ours['rss_mb']:,.0f} | "
            + (
                f"{naive['read']:.2f} | {naive['build']:.2f} | {naive['rss_mb']:,.0f} | "
                if naive
                else "not run | – | – | " if args.no_naive
                else f"> {args.naive_timeout:.0f} s | – | – | "
            )
            + f"{ratio} |"
        )
        print(rows[-1], flush=True)
    print()
    print(
        "| scale | nodes | relationships | ours: read CSV s | ours: validate + build s | "
        "ours: load s | ours: load CPU s | ours: peak RSS MB | naive: read CSV s | "
        "naive: networkx build s | naive: peak RSS MB | build speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
