"""Benchmark: offline wall-map export and drawing vs default pyvis.

Run with ``.venv/bin/python benchmarks/bench_maps_render.py [--sizes 300 3000 20000]``.
Prints markdown tables. Needs /usr/bin/chromium.

Ours: ``force_layout`` + node dicts + embedded CJK font subset + ``render_map_html`` +
write, then time until vis-network's first ``afterDrawing`` in headless Chromium (physics
off, fixed positions), and the mean frame time while panning.

pyvis default: ``Network().from_nx(G)`` + ``write_html`` (physics on, CDN resources). It is
opened twice: strictly offline (everything but the file aborted) and with the CDN
vis-network replaced by pyvis's own bundled copy and its local ``lib/`` folder allowed
(simulating a connected PC). Time to drawn = until ``stabilizationIterationsDone`` hides
the loading bar, timeout 120 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
try:
    import regional_graph  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "pkg"))
sys.path.insert(0, str(ROOT / "tests"))

from browser import OfflineBrowser  # noqa: E402

from regional_graph.viz.fonts import cjk_font_face_css  # noqa: E402
from regional_graph.viz.layout import force_layout  # noqa: E402
from regional_graph.viz.render import map_text, render_map_html  # noqa: E402

PYVIS_READY_JS = """() => { const b = document.getElementById('loadingBar');
  return !!b && (b.style.opacity === '0' || b.style.display === 'none'); }"""
PYVIS_TIMEOUT_S = 120.0
KINDS = [
    ("party", "党组织", "#c0392b", "dot"),
    ("unit", "共建单位", "#2e86de", "square"),
    ("resource", "资源项目", "#27ae60", "diamond"),
]
STREETS = [f"{a}街道" for a in ("芝罘", "幸福", "白石", "只楚", "向阳", "东山", "毓璜顶", "通伸")]
SUFFIX = ["社区党委", "有限公司党支部", "小学党支部", "卫生院", "志愿服务队"]


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Random tree plus ~n extra edges (~2 edges per node) and Chinese names."""
    rng = np.random.default_rng(seed)
    child = np.arange(1, n)
    parent = (rng.random(n - 1) * child).astype(np.int64)
    extra = rng.integers(0, n, size=(2, n))
    src = np.r_[child, extra[0]]
    dst = np.r_[parent, extra[1]]
    keep = src != dst
    pool = [chr(c) for c in rng.choice(np.arange(0x4E00, 0x9FA5), 1500, replace=False)]
    names = ["".join(rng.choice(pool, 3)) + SUFFIX[i % len(SUFFIX)] + str(i) for i in range(n)]
    return src[keep], dst[keep], names


def ours(n: int, out_dir: Path, browser: OfflineBrowser) -> dict[str, float | str]:
    src, dst, names = synthetic(n)
    t0 = time.perf_counter()
    xy = force_layout(n, src, dst, seed=0)
    t1 = time.perf_counter()
    nodes = [
        {
            "id": i,
            "label": names[i],
            "x": x,
            "y": y,
            "color": KINDS[i % 3][2],
            "shape": KINDS[i % 3][3],
            "size": 14,
            "title": f"{names[i]}\n{STREETS[i % len(STREETS)]}",
            "kind": KINDS[i % 3][0],
            "street": STREETS[i % len(STREETS)],
        }
        for i, (x, y) in enumerate(xy.tolist())
    ]
    edges = [{"from": a, "to": b} for a, b in zip(src.tolist(), dst.tolist(), strict=True)]
    legend = [(k[1], k[2], k[3]) for k in KINDS]
    filters = {"kind": [(k[0], k[1]) for k in KINDS], "street": [(s, s) for s in STREETS]}
    title, subtitle = "区域化党建地图（基准）", f"{n} 个节点 · {len(edges)} 条关系"
    t2 = time.perf_counter()
    css = cjk_font_face_css(
        map_text(nodes, title=title, subtitle=subtitle, legend=legend, filters=filters)
    )
    t3 = time.perf_counter()
    html = render_map_html(
        nodes,
        edges,
        title=title,
        subtitle=subtitle,
        legend=legend,
        filters=filters,
        font_css=css,
    )
    t4 = time.perf_counter()
    path = out_dir / f"ours_{n}.html"
    path.write_text(html, encoding="utf-8")
    t5 = time.perf_counter()
    page = browser.open(path, timeout_s=120)
    ready = page.page.evaluate("() => !!(window.__rgMap && window.__rgMap.ready)")
    rep = page.report() if ready else None
    page.close()
    return {
        "edges": len(edges),
        "layout": t1 - t0,
        "dicts": t2 - t1,
        "font": t3 - t2,
        "render": t4 - t3,
        "write": t5 - t4,
        "export": t5 - t0,
        "mb": path.stat().st_size / 1e6,
        "drawn_ms": rep.time_to_drawn_ms if rep else float("nan"),
        "frame_ms": rep.mean_frame_ms if rep else float("nan"),
        "redraw_ms": rep.redraw_ms if rep else float("nan"),
        "nodes_drawn": rep.drawn_nodes if rep else -1,
        "outside": len(rep.outside_requests) if rep else -1,
        "errors": len(rep.console_errors) + len(rep.page_errors) if rep else -1,
    }


def pyvis_default(n: int, out_dir: Path, browser: OfflineBrowser) -> dict[str, float | str]:
    from pyvis.network import Network

    src, dst, names = synthetic(n)
    g = nx.Graph()
    g.add_nodes_from((i, {"label": names[i], "title": names[i]}) for i in range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    cwd = os.getcwd()
    os.chdir(out_dir)  # write_html copies lib/ into the cwd
    try:
        t0 = time.perf_counter()
        net = Network()
        net.from_nx(g)
        net.write_html(f"pyvis_{n}.html")
        export = time.perf_counter() - t0
    finally:
        os.chdir(cwd)
    path = out_dir / f"pyvis_{n}.html"

    # 1. strictly offline
    page = browser.open(path, wait=False)
    page.page.wait_for_timeout(3000)
    has_vis = page.page.evaluate("() => typeof vis !== 'undefined'")
    offline = (
        f"fails: {len(page.outside_requests)} blocked req., "
        f"{'vis loaded' if has_vis else 'vis undefined'}"
    )
    page.close()

    # 2. CDN served from pyvis's bundled copy, local lib/ allowed. pyvis pins the CDN files
    # with Subresource Integrity hashes that its bundled copy does not match, so the
    # integrity attributes are removed in a copy of the page.
    import re

    import pyvis

    patched = out_dir / f"pyvis_{n}_sri.html"
    patched.write_text(
        re.sub(r'\s+integrity="[^"]*"', "", path.read_text(encoding="utf-8")), encoding="utf-8"
    )

    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    fulfil = {
        "https://*/vis-network/9.1.2/dist/vis-network.min.js": lib / "vis-network.min.js",
        "https://*/vis-network/9.1.2/dist/dist/vis-network.min.css": lib / "vis-network.css",
    }
    page = browser.open(
        patched,
        fulfil=fulfil,
        allow=[out_dir.resolve().as_uri() + "/lib/"],
        ready_js=PYVIS_READY_JS,
        timeout_s=PYVIS_TIMEOUT_S,
        wait=False,
        wait_until="commit",  # pyvis lays out synchronously; 'load' may never come
    )
    ok = page.wait_ready(PYVIS_READY_JS, PYVIS_TIMEOUT_S)
    if ok:
        drawn = float(page.page.evaluate("() => performance.now()"))
        ft = page.frame_times("window.network")
        res = {"drawn_ms": drawn, "frame_ms": ft["frame"], "redraw_ms": ft["redraw"]}
    else:
        res = {
            "drawn_ms": "did not finish (120 s)",
            "frame_ms": float("nan"),
            "redraw_ms": float("nan"),
        }
    page.close()
    return {"export": export, "mb": path.stat().st_size / 1e6, "offline": offline, **res}


def fmt(v: float | str, nd: int = 2) -> str:
    if isinstance(v, str):
        return v
    if np.isnan(v):
        return "–"
    return f"{v:.{nd}f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 3000, 20000])
    ap.add_argument("--no-pyvis", action="store_true")
    args = ap.parse_args()
    rows_ours, rows_pyvis = [], []
    # one-time cost per process: locate the CJK font and extract its SC face (cached)
    t0 = time.perf_counter()
    cjk_font_face_css("预热")
    warm = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp, OfflineBrowser() as browser:
        out = Path(tmp)
        for n in args.sizes:
            rows_ours.append((n, ours(n, out, browser)))
            print(f"ours {n}: {rows_ours[-1][1]}", file=sys.stderr)
            if not args.no_pyvis:
                rows_pyvis.append((n, pyvis_default(n, out, browser)))
                print(f"pyvis {n}: {rows_pyvis[-1][1]}", file=sys.stderr)
    lines = [
        "### regional_graph.viz (vis-network 10.1.5 inlined, physics off, embedded CJK subset)",
        "",
        f"One-time font lookup + SC face extraction per process (not in the rows): {warm:.2f} s",
        "",
        "| nodes | edges | layout s | font s | render s | write s | **export s** | HTML MB "
        "| **drawn ms** | frame ms (pan) | redraw ms | drawn nodes | outside req. | errors |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in rows_ours:
        lines.append(
            f"| {n:,} | {r['edges']:,} | {fmt(r['layout'])} | {fmt(r['font'])} "
            f"| {fmt(r['render'], 3)} | {fmt(r['write'], 3)} | **{fmt(r['export'])}** "
            f"| {fmt(r['mb'], 1)} | **{fmt(r['drawn_ms'], 0)}** | {fmt(r['frame_ms'], 0)} "
            f"| {fmt(r['redraw_ms'], 0)} | {r['nodes_drawn']:,} | {r['outside']} "
            f"| {r['errors']} |"
        )
    if rows_pyvis:
        lines += [
            "",
            "### default pyvis 0.3.2 (`Network().from_nx(G)`, physics on, `write_html`)",
            "",
            "| nodes | export s | HTML MB | offline | drawn ms (stabilized; CDN served locally) "
            "| frame ms (pan) | redraw ms |",
            "|---:|---:|---:|---|---:|---:|---:|",
        ]
        for n, r in rows_pyvis:
            lines.append(
                f"| {n:,} | {fmt(r['export'])} | {fmt(r['mb'], 1)} | {r['offline']} "
                f"| {fmt(r['drawn_ms'], 0)} | {fmt(r['frame_ms'], 0)} "
                f"| {fmt(r['redraw_ms'], 0)} |"
            )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
