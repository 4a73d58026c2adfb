"""Benchmark: the district dashboard — page size, time to write it, time to draw it.

Run with ``.venv/bin/python benchmarks/bench_dashboard.py [--scales district city]``.
Prints markdown tables. Needs /usr/bin/chromium.

For each scale (the sample district; a generated city): build the graph, then

* *data*: :func:`dashboard_data` (every analysis, with a comparison one year back);
* *baseline*: what an office ran before to get the same numbers into files — ``write_report``
  + ``match_resources``/``write_matching`` + ``write_indicators`` — on the same graph;
* *page*: :func:`render_dashboard_html` (font subset + inlining) and the file size, split
  into ECharts, font and data;
* *draw*: in headless Chromium with every request but the file aborted, from navigation to
  the first complete render (``__rgDash.ready``), then a drill-down to a street and a change
  of list filter (median of ``--repeat`` loads).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import OfflineBrowser  # noqa: E402

import regional_graph as rg  # noqa: E402
from regional_graph.build import graph_from_tables  # noqa: E402
from regional_graph.datasets import REFERENCE_DATE, generate_tables  # noqa: E402
from regional_graph.export.indicators import write_indicators  # noqa: E402
from regional_graph.export.matching import write_matching  # noqa: E402
from regional_graph.export.report import write_report  # noqa: E402
from regional_graph.matching import match_resources  # noqa: E402
from regional_graph.validate import validate_tables  # noqa: E402
from regional_graph.viz.dashboard import _asset, dashboard_data, render_dashboard_html  # noqa: E402
from regional_graph.viz.fonts import cjk_font_face_css  # noqa: E402

READY = "() => !!(window.__rgDash && window.__rgDash.ready)"
OLD = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 1)


def _graph(scale: str) -> rg.RegionalGraph:
    if scale == "district":
        return rg.datasets.load_sample_district()
    return graph_from_tables(validate_tables(generate_tables(scale, seed=1)), name=f"示例{scale}")


def _draw(path: Path, repeat: int) -> dict[str, float]:
    loads, drills, filters, bad = [], [], [], []
    with OfflineBrowser() as b:
        for _ in range(repeat):
            p = b.open(path, ready_js=READY, timeout_s=120)
            page = p.page
            loads.append(page.evaluate("() => window.__rgDash.readyMs"))  # since navigation
            street = page.evaluate(
                "() => { const d = window.__rgDash.data; let a = d.root;"
                " while (d.areas[a].level !== 'street') a = d.areas[a].children[0]; return a; }")
            t = page.evaluate(
                """(s) => new Promise((res) => { const t0 = performance.now();
                     const n = window.__rgDash.renders;
                     location.hash = '#' + s;
                     const wait = () => window.__rgDash.renders > n
                       ? requestAnimationFrame(() => res(performance.now() - t0))
                       : setTimeout(wait, 1);
                     wait(); })""", street)
            drills.append(t)
            page.evaluate("() => { location.hash = '#' + window.__rgDash.data.root; }")
            page.wait_for_function("() => window.__rgDash.scope === window.__rgDash.data.root")
            t = page.evaluate(
                """() => new Promise((res) => { const t0 = performance.now();
                     const q = document.getElementById('q'); q.value = '公司';
                     q.dispatchEvent(new Event('input'));
                     requestAnimationFrame(() => res(performance.now() - t0)); })""")
            filters.append(t)
            bad += p.outside_requests + p.console_errors + p.page_errors
            p.close()
    if bad:
        raise RuntimeError(f"page problems: {bad}")
    return {"load": statistics.median(loads), "drill": statistics.median(drills),
            "filter": statistics.median(filters)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", nargs="+", default=["district", "city"])
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = ap.parse_args()
    rows = []
    for scale in args.scales:
        G = _graph(scale)
        data_s, base_s = [], []
        runs = args.repeat if scale == "district" else 1
        for _ in range(runs):
            G._cache.clear()
            t0 = time.perf_counter()
            data = dashboard_data(G, as_of=REFERENCE_DATE, compare=OLD)
            data_s.append(time.perf_counter() - t0)
            G._cache.clear()
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                write_report(G, Path(tmp) / "report", as_of=REFERENCE_DATE)
                m = match_resources(G, as_of=REFERENCE_DATE)
                write_matching(m, Path(tmp) / "match")
                write_indicators(G, Path(tmp) / "ind", as_of=REFERENCE_DATE, matching=m)
                base_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        page = render_dashboard_html(data)
        page_s = time.perf_counter() - t0
        blob = json.dumps(data, ensure_ascii=False).encode()
        font = cjk_font_face_css(_asset("dashboard.html") + json.dumps(data, ensure_ascii=False))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dashboard.html"
            path.write_text(page, encoding="utf-8")
            draw = _draw(path, args.repeat)
        n_rows = sum(len(v["rows"]) for v in data["lists"].values())
        rows.append((scale, G.number_of_nodes(), len(data["areas"]), n_rows,
                     statistics.median(data_s), statistics.median(base_s), page_s,
                     len(page.encode()) / 1e6, len(_asset("echarts.min.js")) / 1e6,
                     len(font) / 1e6, len(blob) / 1e6, draw))
    sys.stdout.write(
        "| scale | nodes | areas | list rows | data s (2 dates) | baseline exports s | ratio "
        "| page s | page MB | ECharts MB | font MB | data MB | draw ms | drill-down ms "
        "| search ms |\n|---|" + "---:|" * 14 + "\n")
    for (scale, n, areas, lr, ds, bs, ps, mb, emb, fmb, dmb, dr) in rows:
        sys.stdout.write(
            f"| {scale} | {n:,} | {areas:,} | {lr:,} | {ds:.2f} | {bs:.2f} | {bs / ds:.1f}× "
            f"| {ps:.2f} | {mb:.2f} | {emb:.2f} | {fmb:.2f} | {dmb:.2f} | {dr['load']:.0f} "
            f"| {dr['drill']:.0f} | {dr['filter']:.0f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
