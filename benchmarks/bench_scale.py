"""Scale curve: load, every report question and the whole report from ¼ × to 10 × city.

For each factor the generator writes the dataset as CSV files (not timed); then a fresh
process reads, validates and builds the graph (load), answers every question of the report
once (first calls, so the per-graph caches are built inside the timings) and writes the report
files; its peak RSS is its own (``VmHWM``: ``ru_maxrss`` would carry the generating
parent's). The naive networkx script (``naive_report.py``: CSV → networkx → three
questions → CSV files) runs on the same folder in the same run, up to
``--naive-max`` × city and within ``--naive-timeout`` seconds. Wall and CPU seconds are
medians of ``--repeat`` runs. Prints a markdown table and draws ``--plot`` (PNG).

Usage::

    python benchmarks/bench_scale.py [--factors 0.25 0.5 1 2 4 10] [--repeat 3]
        [--naive-max 2] [--plot docs/assets/bench_scale.png]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-10-01"

CHILD = r"""
import json, resource, sys, time
c0, t0 = time.process_time(), time.perf_counter()
import regional_graph as rg
from regional_graph import build
from regional_graph.export import report
G = build.load_graph(sys.argv[1])  # as the CLI loads: the text tables freed once typed
out = {"load": time.perf_counter() - t0, "load_cpu": time.process_time() - c0,
       "nodes": G.number_of_nodes(), "relationships": G.number_of_edges(), "queries": {}}
tables = {}
for name in report.REPORT_TABLES:
    t = time.perf_counter()
    tables.update(report.report_tables(G, as_of=sys.argv[3], names=[name], language="zh"))
    out["queries"][name] = time.perf_counter() - t
t = time.perf_counter()
report.write_report_tables(tables, sys.argv[2])
out["write"] = time.perf_counter() - t
out["total"], out["cpu"] = time.perf_counter() - t0, time.process_time() - c0
out["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:  # VmHWM starts afresh at exec; ru_maxrss keeps the parent's (the generator's) peak
    out["rss"] = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError):
    pass
print(json.dumps(out))
"""


def scaled(factor: float):
    """The city :class:`~regional_graph.datasets.Scale` times ``factor`` (streets or districts).

    Below 1 the city keeps its 10 districts with fewer streets; from 1 up it has more districts.
    """
    from regional_graph.datasets import SCALES

    city = SCALES["city"]
    if factor >= 1:
        return dataclasses.replace(city, districts=round(city.districts * factor))
    return dataclasses.replace(city, streets_per_district=max(
        1, round(city.streets_per_district * factor)))


def naive(data: Path, out: Path, timeout: float) -> dict[str, float] | None:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as f:
        try:
            subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", f.name, sys.executable,
                            str(HERE / "naive_report.py"), str(data), str(out), "--as-of",
                            AS_OF], check=True, stdout=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        wall, user, system, rss = f.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss) / 1024}


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    n = [r["relationships"] for r in rows]
    has = [(x, r["naive"]) for x, r in zip(n, rows, strict=True) if r.get("naive")]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    ax.plot(n, [r["load_cpu"] for r in rows], "o-", label="load (read + validate + build)")
    ax.plot(n, [r["cpu"] for r in rows], "^-", label="report: load, every question, files")
    if has:
        ax.plot([x for x, _ in has], [v["cpu"] for _, v in has], "x--", color="grey",
                label="naive networkx script (3 questions)")
    ax.set(xscale="log", yscale="log", xlabel="relationships",
           ylabel="CPU seconds (median)", title="Time (CPU seconds)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    bx.plot(n, [r["rss"] for r in rows], "o-", label="regional_graph report")
    if has:
        bx.plot([x for x, _ in has], [v["rss"] for _, v in has], "x--", color="grey",
                label="naive networkx script")
    bx.set(xscale="log", yscale="log", xlabel="relationships", ylabel="MB", title="Peak RSS")
    bx.grid(True, which="both", alpha=0.3)
    bx.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factors", type=float, nargs="+", default=[0.25, 0.5, 1, 2, 4, 10])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--naive-max", type=float, default=2.0)
    p.add_argument("--naive-timeout", type=float, default=900.0)
    p.add_argument("--plot", type=Path, default=HERE.parent / "docs/assets/bench_scale.png")
    p.add_argument("--json", type=Path,
                   help="write the results here (after each factor, so a partial run counts)")
    p.add_argument("--replot", type=Path, metavar="JSON",
                   help="print the tables and draw the plot of an earlier --json, run nothing")
    args = p.parse_args()
    if args.replot:
        report(json.loads(args.replot.read_text()), args)
        return
    sys.path.insert(0, str(HERE.parent / "pkg"))
    from regional_graph.datasets import generate_tables
    from regional_graph.io import write_tables

    rows = []
    for factor in args.factors:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "data"
            write_tables(generate_tables(scaled(factor), seed=7), data)
            runs, naive_runs = [], []
            for _ in range(args.repeat):
                done = subprocess.run([sys.executable, "-c", CHILD, str(data),
                                       str(Path(tmp) / "out"), AS_OF],
                                      check=True, capture_output=True, text=True)
                runs.append(json.loads(done.stdout))
                if factor <= args.naive_max:
                    naive_runs.append(naive(data, Path(tmp) / "naive", args.naive_timeout))
        row = {k: runs[0][k] for k in ("nodes", "relationships")}
        for k in ("load", "load_cpu", "write", "total", "cpu", "rss"):
            row[k] = statistics.median(r[k] for r in runs)
        row["queries"] = {q: statistics.median(r["queries"][q] for r in runs)
                          for q in runs[0]["queries"]}
        if naive_runs and all(naive_runs):
            row["naive"] = {m: statistics.median(r[m] for r in naive_runs)
                            for m in ("wall", "cpu", "rss")}
        row["factor"] = factor
        rows.append(row)
        print(f"{factor:g} × city done: {json.dumps(row)}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    report(rows, args)


def report(rows: list[dict], args: argparse.Namespace) -> None:
    print(f"\nmedians of {args.repeat} runs (wall s unless marked):\n")
    print("| × city | nodes | relationships | load | load CPU | every question | write files "
          "| report total | report CPU | peak RSS MB | naive wall | naive CPU | naive RSS MB "
          "| × naive (wall) | × naive (CPU) |")
    print("|" + "---:|" * 15)
    for r in rows:
        nv = r.get("naive")
        print(f"| {r['factor']:g} | {r['nodes']:,} | {r['relationships']:,} | {r['load']:.2f} "
              f"| {r['load_cpu']:.2f} | {sum(r['queries'].values()):.2f} | {r['write']:.2f} "
              f"| {r['total']:.2f} | {r['cpu']:.2f} | {r['rss']:,.0f} | "
              + (f"{nv['wall']:.1f} | {nv['cpu']:.1f} | {nv['rss']:,.0f} | "
                 f"{nv['wall'] / r['total']:.1f}× | {nv['cpu'] / r['cpu']:.1f}× |"
                 if nv else "— | — | — | — | — |"))
    print("\nfirst call of each question (median s):\n")
    names = list(rows[0]["queries"])
    print("| × city | " + " | ".join(names) + " |")
    print("|" + "---:|" * (len(names) + 1))
    for r in rows:
        print(f"| {r['factor']:g} | " + " | ".join(f"{r['queries'][q]:.3f}" for q in names)
              + " |")
    if args.plot:
        plot(rows, args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\n(benchmark took {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
