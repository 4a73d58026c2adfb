"""End to end: ``regional-graph report``, ``indicators`` and ``match`` against the naive script.

CSV in, files out, process start included. The generator writes the dataset as CSV files into a
temporary folder (not timed); then every command runs ``--repeat`` times as its own process,
interleaved with its naive baseline on the same folder (``benchmarks/naive_report.py``,
``naive_indicators.py``, ``naive_match.py``), so project and baseline share the machine's state
in the same run. The package is byte-compiled first (as an installed wheel is). Each process
is measured by ``/usr/bin/time``: wall seconds, CPU seconds (user + system: steadier than wall
on a shared machine) and peak RSS. Medians are printed as a markdown table with the ratios.

``--breakdown`` adds where one ``report`` run spends its time (import, read + validate +
build, analyses, writing files), measured inside one process.

Answers are checked in the same run: the naive report script's three questions against the
library's ``uncovered``, ``should_build`` and ``isolated_units`` files; the naive indicator
counts per street; and the library's ``match`` allocation, priced by the naive match script's
own cost model, against that script's LP optimum over every same-category pair.

Usage::

    python benchmarks/bench_e2e.py [--factor 1.0] [--repeat 3] [--breakdown]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-10-01"

BREAKDOWN = r"""
import sys, time
clock = time.process_time  # CPU seconds: steadier than wall on a shared machine
t0 = clock()
import regional_graph as rg
from regional_graph import build, io, validate
from regional_graph.export import report
t1 = clock()
raw = io.read_tables(sys.argv[1])
typed = validate.validate_tables(raw)
G = build.graph_from_tables(typed, validate=False)
t2 = clock()
tables = report.report_tables(G, as_of=sys.argv[3])
t3 = clock()
report.write_report_tables(tables, sys.argv[2])
t4 = clock()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {t4 - t3:.3f}")
"""


def write_city(folder: Path, factor: float, seed: int = 7) -> dict[str, int]:
    """Generate ``factor`` × city as CSV files into ``folder``; row counts per table."""
    sys.path.insert(0, str(HERE.parents[0] / "pkg"))
    from bench_scale import scaled

    from regional_graph.datasets import generate_tables
    from regional_graph.io import write_tables

    tables = generate_tables(scaled(factor), seed=seed)
    write_tables(tables, folder)
    return {name: len(df) for name, df in tables.items()}


def timed(cmd: list[str]) -> dict[str, float]:
    """Run ``cmd``; wall s, CPU s and peak RSS MB of the process (``/usr/bin/time``)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as f:
        subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", f.name, *cmd],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall, user, system, rss = f.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss": int(rss) / 1024}


#: Each command's naive baseline.
BASELINE = {"report": "naive networkx script", "indicators": "naive indicators script",
            "match": "naive match script"}


def check_indicators(out: Path) -> None:
    """The naive indicator script's counts equal the library's, per street."""
    import pandas as pd

    ours = pd.read_csv(out / "indicators" / "indicators_street.csv", encoding="utf-8-sig")
    naive = pd.read_csv(out / "naive_indicators" / "indicators_street.csv",
                        encoding="utf-8-sig")
    pairs = {"党组织数": "party_orgs", "两新组织数": "two_new",
             "已覆盖两新组织数": "covered_two_new", "驻区单位数": "resident_units",
             "孤岛单位数": "isolated_units", "共建协议数": "agreements"}
    merged = ours.set_index("编号").join(naive.set_index("id"), how="inner")
    diff = [zh for zh, en in pairs.items() if not (merged[zh] == merged[en]).all()]
    print(f"indicators per street ({len(merged):,} streets): "
          + ("equal" if not diff else f"DIFFERENT in {diff}"))


def check_match(out: Path) -> None:
    """The library's allocation, priced by the naive script's own model (``--check``), equals
    the naive LP optimum (units, priority-weighted units, cost in 1/100)."""
    folder = out / "naive_match"
    if not (folder / "checked.txt").exists():
        print("match: the naive match script did not run")
        return
    optimum = (folder / "optimum.txt").read_text(encoding="utf-8").strip()
    ours = (folder / "checked.txt").read_text(encoding="utf-8").strip()
    print(f"match: naive LP optimum {optimum}; the library's allocation priced by the naive "
          f"script: {ours}" + ("  (equal)" if optimum == ours else "  ← DIFFERENT"))


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factor", type=float, default=1.0, help="× city scale (default 1)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--breakdown", action="store_true")
    p.add_argument("--naive-repeat", type=int, default=None,
                   help="run the naive scripts in the first N rounds only (default all: "
                        "they take minutes each at city scale)")
    p.add_argument("--skip", nargs="*", default=[], metavar="RUN",
                   help="runs to leave out, e.g. 'naive match script'")
    p.add_argument("--data", type=Path, default=None,
                   help="use this folder of CSV files instead of generating one")
    args = p.parse_args()
    exe = Path(sys.executable)
    cli = str(exe.parent / "regional-graph")
    # the bytecode an installed wheel has (PYTHONDONTWRITEBYTECODE may be set in a checkout)
    subprocess.run([str(exe), "-m", "compileall", "-q", str(HERE.parent / "pkg")], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        if args.data is not None:
            data = args.data
        else:
            rows = write_city(data, args.factor)
            print(f"{args.factor:g} × city: {rows['links']:,} links, "
                  f"{sum(rows[t] for t in ('areas', 'party_orgs', 'organizations')):,} "
                  "areas + Party orgs + organisations")
        runs = {
            "report": [cli, "report", str(data), "--out", str(out / "report"), "--as-of", AS_OF],
            "indicators": [cli, "indicators", str(data), "--out", str(out / "indicators"),
                           "--as-of", AS_OF],
            "match": [cli, "match", str(data), "--out", str(out / "match"), "--as-of", AS_OF],
            "naive networkx script": [str(exe), str(HERE / "naive_report.py"), str(data),
                                      str(out / "naive"), "--as-of", AS_OF],
            "naive indicators script": [str(exe), str(HERE / "naive_indicators.py"), str(data),
                                        str(out / "naive_indicators"), "--as-of", AS_OF],
            "naive match script": [str(exe), str(HERE / "naive_match.py"), str(data),
                                   str(out / "naive_match"), "--as-of", AS_OF,
                                   "--check", str(out / "match" / "assignments.csv")],
        }
        runs = {k: v for k, v in runs.items() if k not in args.skip}
        results: dict[str, list[dict[str, float]]] = {k: [] for k in runs}
        naive_rounds = args.repeat if args.naive_repeat is None else args.naive_repeat
        for i in range(args.repeat):
            for name, cmd in runs.items():
                if name.startswith("naive") and i >= naive_rounds:
                    continue
                results[name].append(timed(cmd))
                print(f"  run {i + 1} {name}: {results[name][-1]}", file=sys.stderr)
        for q in ("uncovered", "should_build", "isolated_units"):
            ours = count_rows(out / "report" / f"{q}.csv")
            naive = count_rows(out / "naive" / f"{q}.csv")
            print(f"{q}: library {ours:,} rows, naive {naive:,} rows"
                  + ("" if ours == naive else "  ← DIFFERENT"))
        check_indicators(out)
        check_match(out)
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "rss")}
               for k, v in results.items()}
        print(f"\nmedians of {args.repeat} runs (naive scripts: {naive_rounds}), each a fresh "
              "process "
              f"(load average {os.getloadavg()[0]:.1f} at the end):\n")
        print("| command | wall s | CPU s | peak RSS MB | baseline | × naive (wall) "
              "| × naive (CPU) |")
        print("|---|---:|---:|---:|---|---:|---:|")
        for name, m in med.items():
            base_name = BASELINE.get(name, name)
            base = med.get(base_name)
            ratio = (f"{base['wall'] / m['wall']:.1f}× | {base['cpu'] / m['cpu']:.1f}×"
                     if base else "— | —")
            print(f"| {name} | {m['wall']:.2f} | {m['cpu']:.2f} | {m['rss']:,.0f} | "
                  f"{base_name} | {ratio} |")
        if args.breakdown:
            parts = []
            for _ in range(args.repeat):
                done = subprocess.run([str(exe), "-c", BREAKDOWN, str(data), str(out / "bd"),
                                       AS_OF], check=True, capture_output=True, text=True)
                parts.append([float(x) for x in done.stdout.split()])
            names = ["import", "read + validate + build", "analyses", "write files"]
            print("\n`report` inside one process (median CPU s):\n")
            print("| " + " | ".join(names) + " |")
            print("|" + "---:|" * len(names))
            print("| " + " | ".join(f"{statistics.median(p[i] for p in parts):.2f}"
                                    for i in range(len(names))) + " |")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\n(benchmark took {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
