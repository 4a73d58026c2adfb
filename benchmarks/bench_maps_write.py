"""Benchmark: every map of the sample district as HTML + A1 PDF posters (``write_maps``),
the current renderer vs the v0.1 one, in the same run.

Run with ``.venv/bin/python benchmarks/bench_maps_write.py [--streets S01 S02] [--runs 3]``
(default: the whole district, 143 maps, 286 files) ``[--no-baseline]``. Prints a markdown
table of the median wall time of ``--runs`` runs of each, the CPU time (this process and
its workers: what the job costs whatever else runs; divided by the cores it is the wall time
of an idle machine) and the load average after each run (the machine is shared).

* v0.1 – one process; each PDF embeds a subset of the full CJK font collection (what v0.1
  did: fontTools parses the 20 MB collection for every file).
* now – maps built and written in a process pool of ``--workers`` (default: every core);
  the posters use one small TrueType subset of the CJK font made once per run.

Both write exactly the same maps (same layouts, same counts); only the speed differs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
try:
    import regional_graph  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "pkg"))

import regional_graph as rg  # noqa: E402
from regional_graph.viz import batch, maps, posters  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the pool's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


CPU: list[float] = []


def run(G: rg.RegionalGraph, streets: list[str] | None, *, v01: bool, workers: int) -> float:
    G._cache.clear()  # nothing precomputed: each run starts from the graph
    with tempfile.TemporaryDirectory() as out:
        c0 = _cpu()
        t0 = time.perf_counter()
        if v01:
            with mock.patch.object(posters, "poster_family", lambda ms: posters.cjk_family()):
                maps.write_maps(G, out, as_of=rg.datasets.REFERENCE_DATE, formats=("html", "pdf"),
                                streets=streets, progress=False, workers=1)
        else:
            maps.write_maps(G, out, as_of=rg.datasets.REFERENCE_DATE, formats=("html", "pdf"),
                            streets=streets, progress=False, workers=workers)
        dt = time.perf_counter() - t0
        cpu = _cpu() - c0
        n = len(list(Path(out).glob("*.pdf")))
    load = os.getloadavg()[0]
    if not v01:
        CPU.append(cpu)
    print(f"  {'v0.1' if v01 else 'now '}: {dt:7.1f} s wall, {cpu:7.1f} s CPU ({n} posters), "
          f"load average {load:.1f}", file=sys.stderr)
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--streets", nargs="+", help="only these streets (default: all)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=batch.default_workers())
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip the v0.1 renderer (it takes over 10 minutes on the district)")
    args = ap.parse_args()
    G = rg.datasets.load_sample_district()
    n_maps = len(maps.map_jobs(G, args.streets))
    old, new = [], []
    loads = []
    for _ in range(args.runs):
        if not args.no_baseline:
            old.append(run(G, args.streets, v01=True, workers=1))
        new.append(run(G, args.streets, v01=False, workers=args.workers))
        loads.append(os.getloadavg()[0])
    mn = statistics.median(new)
    if args.no_baseline:
        print(f"| {n_maps} maps (HTML + A1 PDF), {args.workers} processes | median {mn:.1f} s "
              f"wall of {args.runs} ({', '.join(f'{t:.1f}' for t in new)}) | median "
              f"{statistics.median(CPU):.1f} s CPU (÷ {args.workers} cores = "
              f"{statistics.median(CPU) / args.workers:.1f} s on an idle machine) | load "
              f"average {', '.join(f'{x:.1f}' for x in loads)} |")
        return
    mo = statistics.median(old)
    print(f"| maps (HTML + A1 PDF) | v0.1 renderer, 1 process | now, {args.workers} processes "
          "| speed-up |")
    print("|---|---|---|---|")
    print(f"| {n_maps} | {mo:.1f} s | {mn:.1f} s | {mo / mn:.1f}× |")


if __name__ == "__main__":
    main()
