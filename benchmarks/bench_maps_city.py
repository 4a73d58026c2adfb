"""Benchmark: ``regional-graph maps`` on a generated city, self-contained pages against
``--shared-assets``, in the same run.

The city (``bench_e2e.write_city``: the generator's city scale, about 1,440 maps) is written
as CSV files into a temporary folder (not timed); then each variant runs ``--repeat`` times
as its own process, interleaved, measured by ``/usr/bin/time`` (wall, CPU = user + system of
the process and its pool workers, peak RSS) with the files it wrote: their total size, the
largest page, the largest file of any kind (pages, the layout CSVs, index, assets), the
largest layout file and the number of files of any kind over 3 MB. The load average after
each run is printed too (the machine is shared). Prints a markdown table of medians.

Usage::

    python benchmarks/bench_maps_city.py [--factor 1.0] [--repeat 3] [--workers N]
        [--only self-contained|shared]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_e2e import AS_OF, timed, write_city  # noqa: E402

LIMIT = 3e6  # bytes: the largest file a wall PC should have to open


def files_of(out: Path) -> dict[str, float]:
    """Total MB written, the largest page and the largest file of any kind (pages, layout
    CSVs, index, assets; MB), the largest layout file (KB) and how many files of any kind
    exceed :data:`LIMIT`."""
    sizes = {p: p.stat().st_size for p in out.rglob("*") if p.is_file()}
    pages = [s for p, s in sizes.items() if p.suffix == ".html"]
    layout = [s for p, s in sizes.items() if p.parent.name == "layout" or p.name == "layout.csv"]
    return {"files": len(sizes), "total_mb": sum(sizes.values()) / 1e6,
            "page_mb": max(pages) / 1e6, "file_mb": max(sizes.values()) / 1e6,
            "layout_kb": max(layout, default=0) / 1e3,
            "over": sum(s > LIMIT for s in sizes.values())}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--factor", type=float, default=1.0, help="× city scale (default 1)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workers", type=int, help="pool processes (default: every core)")
    p.add_argument("--only", choices=("self-contained", "shared"),
                   help="run one variant only (default: both, interleaved)")
    args = p.parse_args()
    cli = str(Path(sys.executable).parent / "regional-graph")
    variants = {"self-contained pages": [], "--shared-assets": ["--shared-assets"]}
    if args.only:
        variants = {k: v for k, v in variants.items() if bool(v) == (args.only == "shared")}
    results: dict[str, list[dict[str, float]]] = {k: [] for k in variants}
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data", Path(tmp) / "out"
        rows = write_city(data, args.factor)
        print(f"{args.factor:g} × city: {rows['areas']:,} areas, {rows['links']:,} links",
              file=sys.stderr)
        for i in range(args.repeat):
            for name, extra in variants.items():
                shutil.rmtree(out, ignore_errors=True)
                cmd = [cli, "maps", str(data), "--out", str(out), "--as-of", AS_OF, *extra]
                if args.workers:
                    cmd += ["--workers", str(args.workers)]
                r = {**timed(cmd), **files_of(out), "load": os.getloadavg()[0]}
                results[name].append(r)
                print(f"  run {i + 1} {name}: " + ", ".join(f"{k} {v:.1f}" for k, v in r.items()),
                      file=sys.stderr)
    print("| maps of a city | wall s | CPU s | peak MB | files | written MB | largest page MB "
          "| largest file MB | largest layout file KB | files > 3 MB | load avg |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, rs in results.items():
        med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        loads = ", ".join(f"{r['load']:.1f}" for r in rs)
        print(f"| {name} | {med['wall']:.1f} | {med['cpu']:.1f} | {med['rss']:,.0f} "
              f"| {med['files']:,.0f} | {med['total_mb']:,.0f} | {med['page_mb']:.2f} "
              f"| {med['file_mb']:.2f} | {med['layout_kb']:,.0f} | {med['over']:.0f} "
              f"| {loads} |")


if __name__ == "__main__":
    main()
