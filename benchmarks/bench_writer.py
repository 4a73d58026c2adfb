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

Prints a markdown table with the cells written and the ratio.

Usage::

    python benchmarks/bench_writer.py [--scale city] [--repeat 3]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    G = rg.build.graph_from_tables(rg.datasets.generate_tables(args.scale, seed=1))
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
        f"scale {args.scale}: {len(tables)} tables, {rows:,} rows, {cells:,} cells; "
        f"median of {args.repeat}\n\n"
        "| writer | report.xlsx + CSV (s) | runs (s) |\n|---|---|---|\n"
        f"| regional_graph (xlsxwriter, formatted) | {ours_s:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['regional_graph'])} |\n"
        f"| pandas + openpyxl (unformatted) | {naive_s:.2f} | "
        f"{', '.join(f'{t:.2f}' for t in times['pandas+openpyxl'])} |\n"
        f"\nratio: {naive_s / ours_s:.1f}× faster\n")


if __name__ == "__main__":
    main()
