"""Benchmark the table writer: report.xlsx + CSV files at city scale, against pandas+openpyxl.

The report tables of a generated city (``generate_tables("city")`` → build →
``report.report_tables``; not timed) are written two ways in the same process, each
``--repeat`` times (median):

* **regional_graph**: :func:`regional_graph.export.write_tables` — CSV files and one workbook
  streamed by xlsxwriter in constant-memory mode, with formats, widths, frozen header,
  autofilter and the 说明 sheet (translation to Chinese included);
* **pandas+openpyxl** (the naive baseline, the library's writer before issue 14): translate
  the headers, ``DataFrame.to_excel(engine="openpyxl")`` sheet by sheet, no formatting, and
  ``to_csv`` for the CSV files.

Prints a markdown table with the cells written and the ratio, then our writer's two steps
(wall and CPU seconds, medians): ``prepare_table`` of every table (its CSV file and its
sheet's rows) and ``write_workbook`` (the xlsx). ``--costs`` also prints what each report
table takes to compute and write (:data:`regional_graph.export.report.TABLE_SECONDS`, which
the split with the forked worker is balanced on) and what a trivial fork costs.

Usage::

    python benchmarks/bench_writer.py [--scale city | --data DIR] [--repeat 3] [--costs]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

try:
    import regional_graph as rg
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    import regional_graph as rg

from regional_graph.export import report, write_tables
from regional_graph.vocab import sheet_name, translate


def naive(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """pandas + openpyxl, cell by cell, headers translated, no formatting."""
    with pd.ExcelWriter(folder / "report.xlsx", engine="openpyxl") as xw:
        for name, df in tables.items():
            out = translate(df)
            out.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
            out.to_excel(xw, sheet_name=sheet_name(name), index=False)


def ours(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    write_tables(tables, folder, workbook="report", as_of="2026-10-01", source="bench")


def steps(tables: dict[str, pd.DataFrame], repeat: int) -> str:
    """Median wall and CPU seconds of prepare_table (all tables) and write_workbook."""
    from regional_graph.export.tables import prepare_table, write_workbook

    runs: dict[str, list[tuple[float, float]]] = {"prepare": [], "workbook": []}
    for _ in range(repeat + 1):  # the first run warms up (imports)
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            prepared = [prepare_table(name, df, tmp) for name, df in tables.items()]
            t1, c1 = time.perf_counter(), time.process_time()
            write_workbook(prepared, tmp, workbook="report", as_of="2026-10-01", source="bench")
            t2, c2 = time.perf_counter(), time.process_time()
        runs["prepare"].append((t1 - t0, c1 - c0))
        runs["workbook"].append((t2 - t1, c2 - c1))
    rows = ["| step | wall (s) | CPU (s) | runs, wall (s) |", "|---|---|---|---|"]
    for step, values in runs.items():
        wall = [w for w, _ in values[1:]]
        rows.append(f"| {step} | {statistics.median(wall):.3f} | "
                    f"{statistics.median(c for _, c in values[1:]):.3f} | "
                    f"{', '.join(f'{w:.3f}' for w in wall)} |")
    return "\n".join(rows) + "\n"


def costs(G: rg.RegionalGraph) -> str:
    """Seconds to compute and write each report table (first call, as the report does),
    and a trivial forked call."""
    from regional_graph.export._fork import fork_call
    from regional_graph.export.tables import prepare_table

    rows = ["| table | compute (s) | write (s) |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for name in report.REPORT_TABLES:
            t0 = time.perf_counter()
            df = report.report_tables(G, as_of="2026-10-01", names=[name], language="zh")[name]
            t1 = time.perf_counter()
            prepare_table(name, df.rename_axis(df.index.name or "id"), tmp)
            rows.append(f"| {name} | {t1 - t0:.3f} | {time.perf_counter() - t1:.3f} |")
    t0 = time.perf_counter()
    with fork_call(len, [1], workers=2):
        pass
    return "\n".join(rows) + f"\n\na trivial forked call: {time.perf_counter() - t0:.3f} s\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--data", type=Path, help="a dataset folder instead of --scale")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--costs", action="store_true")
    args = parser.parse_args()
    G = rg.build.load_graph(args.data) if args.data else \
        rg.build.graph_from_tables(rg.datasets.generate_tables(args.scale, seed=1))
    if args.costs:
        sys.stdout.write(costs(G) + "\n")
    tables = {name: df.rename_axis(df.index.name or "id") for name, df in
              report.report_tables(G, as_of="2026-10-01", language="zh").items()}
    rows = sum(len(t) for t in tables.values())
    cells = sum(t.size + len(t) for t in tables.values())
    times: dict[str, list[float]] = {"regional_graph": [], "pandas+openpyxl": []}
    for _ in range(args.repeat):
        for label, fn in (("regional_graph", ours), ("pandas+openpyxl", naive)):
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                fn(tables, Path(tmp))
                times[label].append(time.perf_counter() - t0)
    ours_s = statistics.median(times["regional_graph"])
    naive_s = statistics.median(times["pandas+openpyxl"])
    sys.stdout.write(
        f"{args.data or 'scale ' + args.scale}: {len(tables)} tables, {rows:,} rows, "
        f"{cells:,} cells; "
        f"median of {args.repeat}\n\n"
        "| writer | report.xlsx + CSV (s) | runs (s) |\n|---|---|---|\n"
        f"| regional_graph (xlsxwriter, formatted) | {ours_s:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['regional_graph'])} |\n"
        f"| pandas + openpyxl (unformatted) | {naive_s:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['pandas+openpyxl'])} |\n"
        f"\nratio: {naive_s / ours_s:.1f}× faster\n\n" + steps(tables, args.repeat))


if __name__ == "__main__":
    main()
