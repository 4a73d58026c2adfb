"""End to end: ``regional-graph report``, ``indicators`` and ``match`` against the naive script.

CSV in, files out, process start included. The generator writes the dataset as CSV files into a
temporary folder (not timed); then every command runs ``--repeat`` times as its own process,
interleaved with its naive baseline on the same folder (``benchmarks/naive_report.py``,
``naive_indicators.py``, ``naive_match.py``), so project and baseline share the machine's state
in the same run. The package is byte-compiled first (as an installed wheel is). Each process
is measured by ``/usr/bin/time``: wall seconds, CPU seconds (user + system: steadier than wall
on a shared machine) and peak RSS. Medians are printed as a markdown table with the ratios.

``report`` runs as users run it (every core: a forked worker computes and writes half of the
tables) and as ``report --workers 1`` (one process). ``--before DIR`` adds ``report`` run from
another source tree (``DIR`` holding ``regional_graph``, e.g. ``git archive <commit> pkg | tar
-x -C /tmp/before`` then ``--before /tmp/before/pkg``), interleaved: before and after in the
same run. The wall ratios against the naive script are printed last, with the targets.

``--breakdown`` adds where one ``report`` run spends its time (import, read + validate +
build, analyses, writing files), measured inside one process: CPU seconds of the one-process
path, and wall seconds of the default path (analyses and files overlapped in two processes).

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

#: Wall seconds of the default path (``workers`` = every core), inside one process.
BREAKDOWN_WALL = r"""
import sys, time
clock = time.perf_counter
t0 = clock()
from regional_graph import build
from regional_graph.export import report
t1 = clock()
G = build.load_graph(sys.argv[1])
t2 = clock()
report.write_report(G, sys.argv[2], as_of=sys.argv[3], source=sys.argv[1], workers=None)
report.summary_lines(G, as_of=sys.argv[3])
t3 = clock()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f}")
"""

#: Runs ``regional-graph`` from the source tree on ``sys.path[0]`` (``--before``), as the
#: console script does.
BEFORE = ("import sys; sys.argv[0] = 'regional-graph'; from regional_graph.cli import main; "
          "sys.exit(main())")


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
BASELINE = {"report": "naive networkx script", "report --workers 1": "naive networkx script",
            "report (before)": "naive networkx script",
            "indicators": "naive indicators script", "match": "naive match script"}
#: Issue 15's targets for the whole job: at least this many times faster (wall) than the
#: naive script, and at most this many wall seconds (city scale).
TARGET_RATIO, TARGET_SECONDS = 10.0, 5.0


def check_indicators(out: Path) -> None:
    """The naive indicator script's counts equal the library's, per street."""
    import pandas as pd

    if not (out / "naive_indicators").exists() or not (out / "indicators").exists():
        return

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


def check_same_report(out: Path) -> None:
    """``report`` with one process, and from the ``--before`` tree, wrote the same files as
    ``report`` (``check_report_equal.py``: CSV bytes, unzipped workbook parts)."""
    sys.path.insert(0, str(HERE))
    from check_report_equal import compare_folders

    for other in ("report1", "report_before"):
        if (out / other).exists() and (out / "report").exists():
            problems = compare_folders(out / other, out / "report")
            print(f"report files vs {other}: " + ("equal" if not problems else
                                                  "DIFFERENT: " + "; ".join(problems[:5])))


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
    p.add_argument("--before", type=Path, default=None, metavar="DIR",
                   help="also run `report` from this source tree (a folder holding "
                        "regional_graph), interleaved")
    args = p.parse_args()
    exe = Path(sys.executable)
    cli = str(exe.parent / "regional-graph")
    # the bytecode an installed wheel has (PYTHONDONTWRITEBYTECODE may be set in a checkout)
    for tree in [HERE.parent / "pkg", *([args.before] if args.before else [])]:
        subprocess.run([str(exe), "-m", "compileall", "-q", str(tree)], check=True,
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
            "report --workers 1": [cli, "report", str(data), "--out", str(out / "report1"),
                                   "--as-of", AS_OF, "--workers", "1"],
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
        if args.before is not None:
            runs["report (before)"] = ["env", f"PYTHONPATH={args.before.resolve()}", str(exe),
                                       "-c", BEFORE, "report", str(data), "--out",
                                       str(out / "report_before"), "--as-of", AS_OF]
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
            if not (out / "naive").exists():
                break
            ours = count_rows(out / "report" / f"{q}.csv")
            naive = count_rows(out / "naive" / f"{q}.csv")
            print(f"{q}: library {ours:,} rows, naive {naive:,} rows"
                  + ("" if ours == naive else "  ← DIFFERENT"))
        check_same_report(out)
        check_indicators(out)
        check_match(out)
        med = {k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu", "rss")}
               for k, v in results.items()}
        print(f"\nmedians of {args.repeat} runs (naive scripts: {naive_rounds}), each a fresh "
              "process "
              f"(load average {os.getloadavg()[0]:.1f} at the end; CPU s counts the worker "
              "process too, so it exceeds wall s where two cores work):\n")
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
        _print_targets(med)
        if args.breakdown:
            _print_breakdown(exe, data, out, args.repeat)


def _print_targets(med: dict[str, dict[str, float]]) -> None:
    """Each command's wall ratio against its naive script, and issue 15's targets."""
    print(f"\nwall-clock ratios (medians; target ≥ {TARGET_RATIO:g}× the naive script and "
          f"≤ {TARGET_SECONDS:g} s):\n")
    for name, base_name in BASELINE.items():
        if name not in med or base_name not in med:
            continue
        wall, base = med[name]["wall"], med[base_name]["wall"]
        met = wall * TARGET_RATIO <= base and wall <= TARGET_SECONDS
        print(f"  {name}: {wall:.2f} s wall, {base_name} {base:.2f} s → "
              f"{base / wall:.1f}× ({'met' if met else 'NOT met'}; ≤ "
              f"{base / TARGET_RATIO:.2f} s needed for {TARGET_RATIO:g}×)")


def _print_breakdown(exe: Path, data: Path, out: Path, repeat: int) -> None:
    """Where one ``report`` spends its time, inside one process (medians of ``repeat``)."""
    serial, wall = [], []
    for _ in range(repeat):
        for script, into in ((BREAKDOWN, serial), (BREAKDOWN_WALL, wall)):
            done = subprocess.run([str(exe), "-c", script, str(data), str(out / "bd"), AS_OF],
                                  check=True, capture_output=True, text=True)
            into.append([float(x) for x in done.stdout.split()])
    names = ["import", "read + validate + build", "analyses", "write files"]
    print("\n`report` inside one process, one process (`--workers 1`), median CPU s:\n")
    print("| " + " | ".join(names) + " |")
    print("|" + "---:|" * len(names))
    print("| " + " | ".join(f"{statistics.median(p[i] for p in serial):.2f}"
                            for i in range(len(names))) + " |")
    names = ["import", "read + validate + build", "analyses + files + summary"]
    print("\n`report` inside one process, every core (the default), median wall s:\n")
    print("| " + " | ".join(names) + " |")
    print("|" + "---:|" * len(names))
    print("| " + " | ".join(f"{statistics.median(p[i] for p in wall):.2f}"
                            for i in range(len(names))) + " |")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"\n(benchmark took {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
