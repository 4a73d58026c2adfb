"""Benchmark: wall maps of generated districts (export and in-browser drawing) vs default pyvis.

Run with ``.venv/bin/python benchmarks/bench_maps.py [--sizes 300 3000 20000] [--no-pyvis]``.
Prints a markdown table. Needs /usr/bin/chromium.

For each size a district is generated (``datasets.generate_tables`` with a custom
:class:`~regional_graph.datasets.Scale`, about 75 map nodes per community) and its detailed
overview (``district_overview(aggregate=False)``) is the map.

* ours – export = map data (the per-graph base: styles, tooltips, analyses, edge status) +
  deterministic force layout + node dicts + embedded CJK subset + HTML + write; then time to
  vis-network's first drawing in headless Chromium (physics off) and the mean frame time
  while panning.
* pyvis – the same nodes, edges, labels and tooltips: ``nx.spring_layout`` (seed 0) as start
  positions, ``Network().from_nx`` + ``write_html`` with default physics on; opened with its
  CDN files served from pyvis's bundled copy (see ``bench_maps_render.py``), drawn = physics
  stabilised (loading bar hidden), timeout 120 s.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
try:
    import regional_graph  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "pkg"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_maps_render import PYVIS_READY_JS, PYVIS_TIMEOUT_S, fmt  # noqa: E402
from browser import OfflineBrowser  # noqa: E402

import regional_graph as rg  # noqa: E402
from regional_graph.datasets import Scale, generate_tables  # noqa: E402
from regional_graph.viz import maps  # noqa: E402
from regional_graph.viz.fonts import cjk_font_face_css  # noqa: E402

SCALES = {  # target map nodes → a one-district Scale (≈ 75 map nodes per community)
    300: Scale(1, 1, 4, 3, 1, 3.0, 40.0, 10.0, 3.0, 4.0, 1),
    3000: Scale(1, 4, 10, 3, 1, 3.0, 40.0, 10.0, 3.0, 4.0, 1),
    20000: Scale(1, 27, 10, 3, 1, 3.0, 40.0, 10.0, 3.0, 4.0, 1),
}


def scale_for(n: int) -> Scale:
    if n in SCALES:
        return SCALES[n]
    communities = max(1, round(n / 75))
    streets = max(1, round(communities / 10))
    return Scale(1, streets, communities / streets, 3, 1, 3.0, 40.0, 10.0, 3.0, 4.0, 1)


def ours(G: rg.RegionalGraph, out: Path, browser: OfflineBrowser) -> tuple[dict, maps.NetworkMap]:
    t0 = time.perf_counter()
    m = maps.district_overview(G, as_of=rg.datasets.REFERENCE_DATE, aggregate=False)
    t1 = time.perf_counter()
    html = m.to_html()
    t2 = time.perf_counter()
    path = out / f"ours_{len(m.nodes)}.html"
    path.write_text(html, encoding="utf-8")
    t3 = time.perf_counter()
    page = browser.open(path, timeout_s=120)
    ready = page.page.evaluate("() => !!(window.__rgMap && window.__rgMap.ready)")
    rep = page.report() if ready else None
    page.close()
    return {
        "nodes": len(m.nodes), "edges": len(m.edges), "map": t1 - t0, "html": t2 - t1,
        "write": t3 - t2, "export": t3 - t0, "mb": path.stat().st_size / 1e6,
        "drawn_ms": rep.time_to_drawn_ms if rep else float("nan"),
        "frame_ms": rep.mean_frame_ms if rep else float("nan"),
        "drawn": rep.drawn_nodes if rep else -1,
        "outside": len(rep.outside_requests) if rep else -1,
        "errors": len(rep.console_errors) + len(rep.page_errors) if rep else -1,
    }, m


def pyvis_default(m: maps.NetworkMap, out: Path, browser: OfflineBrowser) -> dict:
    import pyvis
    from pyvis.network import Network

    g = nx.Graph()
    g.add_nodes_from((n["id"], {"label": str(n["label"]), "title": n["title"]})
                     for n in m.nodes)
    g.add_edges_from((e["from"], e["to"]) for e in m.edges)
    n = len(m.nodes)
    cwd = os.getcwd()
    os.chdir(out)
    try:
        t0 = time.perf_counter()
        pos = nx.spring_layout(g, seed=0)
        for node, (x, y) in pos.items():
            g.nodes[node]["x"], g.nodes[node]["y"] = float(x) * 1000, float(y) * 1000
        net = Network()
        net.from_nx(g)
        net.write_html(f"pyvis_{n}.html")
        export = time.perf_counter() - t0
    finally:
        os.chdir(cwd)
    path = out / f"pyvis_{n}.html"
    patched = out / f"pyvis_{n}_sri.html"
    patched.write_text(re.sub(r'\s+integrity="[^"]*"', "", path.read_text(encoding="utf-8")),
                       encoding="utf-8")
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    fulfil = {
        "https://*/vis-network/9.1.2/dist/vis-network.min.js": lib / "vis-network.min.js",
        "https://*/vis-network/9.1.2/dist/dist/vis-network.min.css": lib / "vis-network.css",
    }
    page = browser.open(patched, fulfil=fulfil, allow=[out.resolve().as_uri() + "/lib/"],
                        ready_js=PYVIS_READY_JS, timeout_s=PYVIS_TIMEOUT_S, wait=False,
                        wait_until="commit")
    ok = page.wait_ready(PYVIS_READY_JS, PYVIS_TIMEOUT_S)
    if ok:
        drawn: float | str = float(page.page.evaluate("() => performance.now()"))
        frame = page.frame_times("window.network")["frame"]
    else:
        drawn, frame = f"did not finish ({PYVIS_TIMEOUT_S:.0f} s)", float("nan")
    blocked = len(page.outside_requests)
    page.close()
    return {"export": export, "mb": path.stat().st_size / 1e6, "drawn_ms": drawn,
            "frame_ms": frame, "requests": blocked}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 20000])
    ap.add_argument("--no-pyvis", action="store_true")
    args = ap.parse_args()
    cjk_font_face_css("预热")  # one-time font lookup and face extraction, not in the rows
    rows = []
    with tempfile.TemporaryDirectory() as tmp, OfflineBrowser() as browser:
        out = Path(tmp)
        for size in args.sizes:
            G = rg.build.graph_from_tables(generate_tables(scale_for(size), seed=1))
            r, m = ours(G, out, browser)
            print(f"ours {size}: {r}", file=sys.stderr)
            p = None if args.no_pyvis else pyvis_default(m, out, browser)
            print(f"pyvis {size}: {p}", file=sys.stderr)
            rows.append((G.number_of_nodes(), r, p))
    lines = [
        "| graph nodes | map nodes | map edges | map data + layout s | HTML + font s "
        "| **export s** | HTML MB | **drawn ms** | frame ms | outside req. | errors "
        "| pyvis export s (spring_layout) | pyvis drawn ms (physics) | pyvis frame ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for gn, r, p in rows:
        pe = fmt(p["export"]) if p else "–"
        pd_ = fmt(p["drawn_ms"], 0) if p else "–"
        pf = fmt(p["frame_ms"], 0) if p else "–"
        lines.append(
            f"| {gn:,} | {r['nodes']:,} | {r['edges']:,} | {fmt(r['map'])} | {fmt(r['html'])} "
            f"| **{fmt(r['export'])}** | {fmt(r['mb'], 1)} | **{fmt(r['drawn_ms'], 0)}** "
            f"| {fmt(r['frame_ms'], 0)} | {r['outside']} | {r['errors']} | {pe} | {pd_} | {pf} |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
