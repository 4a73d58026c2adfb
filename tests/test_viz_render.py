"""Offline rendering of wall-display maps, checked in headless Chromium.

These tests need /usr/bin/chromium; they fail (never skip) when it is missing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

try:
    import regional_graph  # noqa: F401
except ImportError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import OfflineBrowser, OfflinePage, open_offline

from regional_graph.viz.fonts import cjk_font_face_css, find_cjk_font
from regional_graph.viz.layout import force_layout, geo_layout, tree_layout
from regional_graph.viz.render import map_text, render_map_html

EVIL = "</script><script>alert(1)</script>"
KINDS = [
    ("party", "党组织", "#c0392b", "dot"),
    ("unit", "共建单位", "#2e86de", "square"),
    ("resource", "资源项目", "#27ae60", "diamond"),
    ("volunteer", "志愿队伍", "#8e44ad", "triangle"),
]
STREETS = ["芝罘街道", "幸福街道", "白石街道", "只楚街道"]
ORDINALS = "一二三四五六七八九十"


def _name(i: int) -> str:
    if i == 7:
        return f"恶意名称{EVIL}"
    tens, ones = divmod(i, 10)
    num = (
        (ORDINALS[tens - 1] if tens > 1 else "")
        + ("十" if tens else "")
        + (ORDINALS[ones - 1] if ones else "")
    )
    return f"芝罘区第{num}社区党委"


def build_map(n: int = 60) -> tuple[list[dict], list[dict], list, dict]:
    src = np.arange(1, n)
    dst = src // 3
    xy = force_layout(n, src, dst, seed=1)
    nodes = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        street = STREETS[(i // 4) % len(STREETS)]
        nodes.append(
            {
                "id": f"n{i}",
                "label": _name(i),
                "x": float(xy[i, 0]),
                "y": float(xy[i, 1]),
                "color": kind[2],
                "shape": kind[3],
                "size": 16,
                "title": f"名称：{_name(i)}\n街道：{street}\n<b>不是HTML</b>",
                "kind": kind[0],
                "street": street,
                "isolated": i % 9 == 0,
            }
        )
    edges = [
        {"from": f"n{a}", "to": f"n{b}", "title": "共建", "dashes": bool(a % 5 == 0)}
        for a, b in zip(src.tolist(), dst.tolist(), strict=True)
    ]
    legend = [(k[1], k[2], k[3]) for k in KINDS] + [("共建关系", "#9aa4ae", "line")]
    filters = {"kind": [(k[0], k[1]) for k in KINDS], "street": [(s, s) for s in STREETS]}
    return nodes, edges, legend, filters


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nodes, edges, legend, filters = build_map()
    title, subtitle = "芝罘区区域化党建地图", "数据日期 2024-06-30 · 60 个节点"
    css = cjk_font_face_css(
        map_text(nodes, title=title, subtitle=subtitle, legend=legend, filters=filters, edges=edges)
    )
    assert css, "no CJK font found on this machine"
    html = render_map_html(
        nodes,
        edges,
        title=title,
        subtitle=subtitle,
        legend=legend,
        filters=filters,
        font_css=css,
    )
    path = tmp_path_factory.mktemp("viz") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> OfflineBrowser:
    with OfflineBrowser() as b:
        yield b


@pytest.fixture()
def page(browser: OfflineBrowser, map_file: Path) -> OfflinePage:
    p = browser.open(map_file)
    yield p
    p.close()


def test_chromium_present() -> None:
    assert Path("/usr/bin/chromium").is_file(), "chromium is required for the viz tests"


def test_offline_report(map_file: Path, tmp_path: Path) -> None:
    rep = open_offline(map_file, screenshot_path=tmp_path / "map.png")
    assert rep.extra["ready"]
    assert rep.drawn_nodes == 60 == rep.total_nodes
    assert rep.outside_requests == []
    assert rep.console_errors == []
    assert rep.page_errors == []
    assert rep.canvas_nonblank, rep.nonblank_pixels
    assert rep.screenshot is not None and rep.screenshot.stat().st_size > 10_000
    assert rep.legend_text == [k[1] for k in KINDS] + ["共建关系"]
    assert 0 < rep.time_to_drawn_ms < 10_000
    assert rep.mean_frame_ms > 0


def test_search_chinese_substring(page: OfflinePage) -> None:
    res = page.search("第二十三社区")
    assert res.selected == "n23"
    assert res.matches == 1
    # n23's neighbours: parent n7, children n69.. (none, n < 60) → {n23, n7}
    assert set(res.highlighted) == {"n23", "n7"}
    assert "芝罘区第二十三社区党委" in res.status
    # several matches; Enter cycles
    res2 = page.search("第二十")
    assert res2.matches == 10
    assert res2.selected == "n20"  # shortest label first
    page.page.press("#rg-search", "Enter")
    assert page.page.evaluate("window.__rgMap.selected") != "n20"
    none = page.search("不存在的单位")
    assert none.selected is None and none.status.startswith("未找到")


def test_search_case_insensitive_latin(page: OfflinePage) -> None:
    res = page.search("SCRIPT><SCRIPT>ALERT")
    assert res.selected == "n7"


def test_filters_hide_nodes_and_edges(page: OfflinePage) -> None:
    assert page.set_filter("kind", "party") == 15
    visible_edges = page.page.evaluate("() => window.__rgMap.network.body.edgeIndices.length")
    # only party–party edges stay: a→a//3 with both ≡ 0 mod 4
    expected = sum(1 for a in range(1, 60) if a % 4 == 0 and (a // 3) % 4 == 0)
    assert visible_edges == expected
    assert page.set_filter("street", "幸福街道") == 4
    assert page.set_filter("kind", "") == 16
    assert page.set_filter("street", "") == 60


def test_cjk_glyphs_render(page: OfflinePage) -> None:
    chk = page.check_cjk_glyphs("社区党委")
    assert chk.ok, chk
    assert chk.cjk_width > 60


def test_tooltip_is_plain_text(page: OfflinePage) -> None:
    kinds = page.page.evaluate(
        """() => { const n = window.__rgMap.network.body.nodes['n3'];
                   const t = n.options.title;
                   return [t instanceof Element, t.children.length, t.textContent]; }"""
    )
    assert kinds[0] is True and kinds[1] == 0
    assert "<b>不是HTML</b>" in kinds[2]


def test_no_external_urls_and_script_escape(map_file: Path) -> None:
    html = map_file.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, flags=re.I)
    assert refs == []
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html, flags=re.I)
    assert not re.search(r"@import", html)
    assert "<link" not in html.lower()
    assert len(re.findall(r"<script\b", html, flags=re.I)) == 3
    assert len(re.findall(r"</script", html, flags=re.I)) == 3
    assert EVIL not in html
    assert "\\u003c/script\\u003e" in html


def test_evil_name_does_not_break_page(page: OfflinePage) -> None:
    assert page.page.evaluate("typeof window.alert") == "function"
    dialogs: list[str] = []
    page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    label = page.page.evaluate(
        "JSON.parse(document.getElementById('rg-data').textContent).nodes[7].label")
    assert label == _name(7)
    assert page.page.evaluate("window.__rgMap.network.body.nodes['n7'].options.id") == "n7"
    assert dialogs == []
    assert page.page_errors == [] and page.console_errors == []


def test_render_input_validation() -> None:
    nodes, edges, legend, filters = build_map(5)
    with pytest.raises(ValueError, match="unique"):
        render_map_html([*nodes, nodes[0]], edges, title="t", legend=legend, filters=filters)
    bad = [dict(nodes[0], x=float("nan")), *nodes[1:]]
    with pytest.raises(ValueError, match="NaN"):
        render_map_html(bad, edges, title="t", legend=legend, filters=filters)
    # numpy scalars are accepted
    npn = [dict(n, x=np.float32(n["x"]), size=np.int64(3)) for n in nodes]
    assert "rg-data" in render_map_html(npn, edges, title="t", legend=legend, filters=filters)


def test_render_speed_20k() -> None:
    n = 20_000
    rng = np.random.default_rng(0)
    xy = rng.uniform(-5000, 5000, size=(n, 2))
    nodes = [
        {
            "id": i,
            "label": f"第{i}号单位",
            "x": float(xy[i, 0]),
            "y": float(xy[i, 1]),
            "color": "#c0392b",
            "shape": "dot",
            "size": 10,
            "title": f"第{i}号单位\n芝罘街道",
            "kind": "unit",
            "street": "芝罘街道",
        }
        for i in range(n)
    ]
    edges = [{"from": i, "to": int(j)} for i, j in enumerate(rng.integers(0, n, n))]
    html = render_map_html(nodes, edges, title="t", legend=[("单位", "#c0392b", "dot")], filters={})
    assert len(html) > 1_000_000  # timings: benchmarks/bench_maps_render.py


def test_cjk_font_css() -> None:
    assert find_cjk_font() is not None
    css = cjk_font_face_css("社区党委ABC")
    assert css.startswith("@font-face")
    assert '"RG CJK"' in css and "base64," in css
    assert "</" not in css
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2000))
    big = cjk_font_face_css(text + "x")  # a 2,000-glyph subset (timed in the benchmarks)
    assert len(big) > len(css)


def test_layouts_deterministic_and_shaped() -> None:
    src = np.arange(1, 200)
    dst = src // 2
    a = force_layout(200, src, dst, seed=5)
    b = force_layout(200, src, dst, seed=5)
    c = force_layout(200, src, dst, seed=6)
    assert a.shape == (200, 2) and np.array_equal(a, b) and not np.array_equal(a, c)
    parent = np.r_[-1, dst]
    t = tree_layout(parent)
    assert t.shape == (200, 2)
    assert t[0, 1] == t[:, 1].min()  # root on top
    assert np.all(t[src, 1] > t[dst, 1])  # children below parents
    g = geo_layout([37.55, 37.50, 37.45], [121.30, 121.40, 121.50])
    assert g[0, 1] < g[2, 1]  # north is up
    assert g[0, 0] < g[2, 0]  # east is right
