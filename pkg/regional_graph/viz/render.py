"""Self-contained, offline HTML network maps for wall displays (vis-network, physics off).

The page inlines the vendored vis-network build, the map data (one JSON blob) and, when
given, an embedded CJK font subset (see :mod:`regional_graph.viz.fonts`). It makes no
network requests at all.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..vocab import Lang, check_lang, viz_text
from .fonts import FONT_STACK

__all__ = [
    "ASSET_CSS",
    "ASSET_JS",
    "UI_TEXT",
    "VIS_NETWORK_VERSION",
    "html_lang",
    "localise",
    "map_text",
    "page_head",
    "render_map_html",
    "vis_network_js",
    "write_map_html",
]

VIS_NETWORK_VERSION = "10.1.5"

#: Fixed interface strings of the template (include them in the font subset).
UI_TEXT = (
    "搜索名称或关键词…清除全图全部共个节点显示找到未找到图例"
    "类型街道社区区县网格地图加载失败：（）/0123456789"
    "另有名称放大后显示双击打开详图楼栋、+…"
)

_DEFAULT_FILTER_LABELS = {
    "kind": "类型",
    "type": "类型",
    "street": "街道",
    "community": "社区",
    "district": "区县",
    "grid": "网格",
}

#: Interface texts of the page template (HTML and script), translated by :func:`localise`.
_BODY_TEXTS = ('"搜索名称或关键词…"', ">清除<", ">全图<", ">图例<")
_JS_TEXTS = (
    '"地图加载失败: "', '"共 "',
    '" 个节点"', '"显示 "', '"（另有 "', '" 个名称，放大后显示）"', '"未找到："', '"找到 "',
    '" 个（"', '"）："', '"："', '"全部"', '"显示网格、楼栋"', '"（双击打开详图）"', '"社区"',
)


def html_lang(lang: Lang) -> str:
    """The ``<html lang>`` attribute of a page in ``lang``.

    Examples
    --------
    >>> html_lang("zh"), html_lang("en")
    ('zh-CN', 'en')
    """
    return "zh-CN" if check_lang(lang) == "zh" else "en"


def localise(template: str, texts: Iterable[str], lang: Lang) -> str:
    """``template`` with each of ``texts`` (a quoted Chinese literal, ``"…"`` or ``>…<``)
    replaced by its ``lang`` version from :data:`regional_graph.vocab.VIZ_EN`, and the
    ``<html lang>`` attribute set; unchanged for Chinese.

    Examples
    --------
    >>> localise('<html lang="zh-CN"><b>清除</b>', ['>清除<'], "en")
    '<html lang="en"><b>Clear</b>'
    """
    if check_lang(lang) == "zh":
        return template
    out = template.replace('<html lang="zh-CN">', f'<html lang="{html_lang(lang)}">')
    for quoted in texts:
        if quoted not in out:
            raise ValueError(f"page text {quoted} is not in the template")
        inner = viz_text(quoted[1:-1], lang)
        new = json.dumps(inner, ensure_ascii=False) if quoted[0] == '"' else f">{inner}<"
        out = out.replace(quoted, new)
    return out


def page_head(title: str, lang: Lang = "zh", *, sources: str) -> str:
    """The start of every offline page (map, index, wall screen) up to an open ``<style>``:
    doctype, ``<html lang>``, charset, viewport, a Content-Security-Policy that loads
    nothing from outside (``default-src 'none'`` plus ``sources``) and the ``<title>``
    (``title`` already HTML-escaped).

    Examples
    --------
    >>> page_head("T", "en", sources="style-src 'unsafe-inline'").splitlines()[:2]
    ['<!DOCTYPE html>', '<html lang="en">']
    """
    return ("<!DOCTYPE html>\n"
            f'<html lang="{html_lang(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\';\n'
            f' {sources}">\n<title>{title}</title>\n<style>\n')


@functools.cache
def _page_parts(lang: Lang) -> tuple[str, str]:
    return localise(_BODY, _BODY_TEXTS, lang), localise(_APP_JS, _JS_TEXTS, lang)


NodeDict = Mapping[str, Any]
EdgeDict = Mapping[str, Any]
LegendEntry = tuple[str, str, str]


@functools.cache
def vis_network_js() -> str:
    """Return the vendored vis-network standalone UMD build (read once).

    Examples
    --------
    >>> js = vis_network_js()
    >>> js.splitlines()[1], js.lower().count("</script"), len(js) // 1000  # kB
    (' * vis-network', 0, 652)
    """
    ref = resources.files("regional_graph.viz").joinpath("assets/vis-network.min.js")
    js = ref.read_text(encoding="utf-8")
    if "</script" in js.lower():  # would end the inline <script> early
        raise RuntimeError("vendored vis-network contains '</script'")
    return js


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _script_json(payload: Any) -> str:
    """Dump ``payload`` once, escaped so it cannot leave a ``<script>`` element."""
    try:
        text = json.dumps(
            payload,
            ensure_ascii=False,
            separators=(",", ":"),
            default=_json_default,
            allow_nan=False,
        )
    except ValueError as exc:
        raise ValueError(f"map data contains NaN/inf (check node x/y): {exc}") from exc
    # '<', '>' and '&' only occur inside JSON strings, so escaping them is lossless.
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _esc(text: str) -> str:
    # '@' escaped too, so a title can't contain the template's @@…@@ placeholders
    return html.escape(text).replace("@", "&#64;")


def map_text(
    nodes: Sequence[NodeDict],
    *,
    title: str = "",
    subtitle: str = "",
    legend: Iterable[LegendEntry] = (),
    filters: Mapping[str, Sequence[tuple[Any, str]]] | None = None,
    filter_labels: Mapping[str, str] | None = None,
    fields: Sequence[str] = ("label", "title"),
    edges: Sequence[EdgeDict] = (),
) -> str:
    """Collect every string a map will display, for :func:`~.fonts.cjk_font_face_css`.

    Parameters
    ----------
    nodes
        Node dicts; ``fields`` of each are included (labels and tooltips by default).
    title, subtitle, legend, filters, filter_labels
        As for :func:`render_map_html`.
    fields
        Node fields to include.
    edges
        Edge dicts; their ``title`` and ``label`` are included.

    Returns
    -------
    str
        Concatenated text (duplicates are harmless; the subsetter uses the character set).

    Examples
    --------
    >>> import regional_graph as rg
    >>> areas = rg.datasets.load_tiny().nodes[rg.schema.Label.AREA]
    >>> nodes = [{"id": i, "label": name} for i, name in areas["name"].head(3).items()]
    >>> text = map_text(nodes, title="小岚区", legend=[("街道", "#b91c1c", "star")])
    >>> text[len(UI_TEXT):]  # after the page's own words: title, legend, labels
    '小岚区街道小岚区东街道西街道'
    """
    parts: list[str] = [UI_TEXT, title, subtitle]
    parts.extend(str(e[0]) for e in legend)
    for field, opts in (filters or {}).items():
        parts.append((filter_labels or {}).get(field, _DEFAULT_FILTER_LABELS.get(field, field)))
        parts.extend(str(o[1]) for o in opts)
    for f in fields:
        parts.extend(str(v) for n in nodes if (v := n.get(f)) is not None)
    for f in ("title", "label"):
        parts.extend(str(v) for e in edges if (v := e.get(f)) is not None)
    return "".join(parts)


def render_map_html(  # noqa: PLR0913 (public: one keyword per page option)
    nodes: Sequence[NodeDict],
    edges: Sequence[EdgeDict],
    *,
    title: str,
    subtitle: str = "",
    legend: Iterable[LegendEntry],
    filters: Mapping[str, Sequence[tuple[Any, str]]],
    font_css: str = "",
    search_fields: Sequence[str] = ("label",),
    filter_labels: Mapping[str, str] | None = None,
    regions: Sequence[Mapping[str, Any]] = (),
    label_side: str = "below",
    lang: Lang = "zh",
    assets: str | None = None,
) -> str:
    """Render a self-contained offline HTML network map.

    Parameters
    ----------
    nodes
        Dicts with ``id``, ``label``, ``x``, ``y`` (required) and optionally ``color``,
        ``shape``, ``size``, ``title`` (plain-text tooltip, newlines kept), ``vis`` (dict of
        extra vis-network node options) plus any filter/search fields (e.g. ``kind``,
        ``street``; a list value matches any of its items).
    edges
        Dicts with ``from``, ``to`` and optionally ``color``, ``dashes``, ``width``,
        ``title``, ``arrows``, ``label``.
    title, subtitle
        Heading and sub-heading (e.g. data date and counts).
    legend
        ``(name, color, shape)`` entries; shape is a vis-network node shape, or ``"line"`` /
        ``"dashes"`` for edge kinds.
    filters
        Filter field → list of ``(value, display name)`` for a dropdown; nodes whose field
        doesn't match are hidden together with their edges.
    font_css
        CSS from :func:`~.fonts.cjk_font_face_css` (embedded font), or ``""``.
    search_fields
        Node fields searched (case-insensitive substring, NFKC-normalised).
    filter_labels
        Optional display names of the filter fields (defaults: kind → 类型, street → 街道…).
    regions
        Clusters drawn under the nodes: dicts with ``x``, ``y``, ``r`` (a circle, world
        pixels) and ``name`` (drawn at its top), optionally ``fill`` and ``stroke``. A node's
        ``region`` field (index) counts its hidden label as "+N" on the region's name.
    label_side
        Preferred label spot: ``"below"`` the node (default) or ``"right"`` of it.
    lang
        Language of the page's interface (search box, buttons, status line, ``<html lang>``):
        ``"zh"`` (default) or ``"en"``; the texts passed in are shown as given.
    assets
        A folder (relative URL ending in ``/``, e.g. ``"assets/"``) holding
        :data:`ASSET_JS` and :data:`ASSET_CSS` (one copy of vis-network and one font subset
        for a whole output folder): the page links them instead of embedding them, so it
        is much smaller but needs that folder beside it. Default: self-contained.

    Notes
    -----
    Labels are drawn by the page, not by vis-network: readable size whatever the zoom, never
    one over another or over a node marker. Each goes to the first free spot around its node
    (nodes in order of ``prio``, default ``size``); a long one is shortened ("…") when only
    that fits; the others are left out, counted in the status line and shown when zoomed
    in. Nodes with ``fine`` true (grid and building detail) are hidden until the page's
    toggle shows them; a node's ``href`` opens on double click (drill-down).

    Returns
    -------
    str
        The HTML document. No external URL is referenced.

    Examples
    --------
    >>> import re
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> streets = G.nodes[rg.schema.Label.AREA].query("level == 'street'")
    >>> nodes = [{"id": i, "label": name, "x": 100.0 * k, "y": 0.0, "kind": "street"}
    ...          for k, (i, name) in enumerate(streets["name"].items())]
    >>> edges = [{"from": nodes[0]["id"], "to": nodes[1]["id"]}]
    >>> page = render_map_html(nodes, edges, title="小岚区", subtitle="2024-06-30",
    ...                        legend=[("街道", "#b91c1c", "star")],
    ...                        filters={"kind": [("street", "街道")]})
    >>> page[:15], re.search(r"<title>(.*)</title>", page).group(1)
    ('<!DOCTYPE html>', '小岚区')
    >>> [name for name in streets["name"] if name not in page]  # every label is on the page
    []
    >>> 'src="http' in page or 'href="http' in page  # nothing loaded from the network
    False
    """
    if len({n["id"] for n in nodes}) != len(nodes):
        raise ValueError("node ids must be unique")
    if "</" in font_css or "<!--" in font_css:
        raise ValueError("font_css must not contain '</' or '<!--'")
    defaults = {k: viz_text(v, lang) for k, v in _DEFAULT_FILTER_LABELS.items()}
    labels = {**defaults, **(filter_labels or {})}
    body, app_js = _page_parts(check_lang(lang))
    payload = {
        "title": title,
        "subtitle": subtitle,
        "legend": [{"name": str(n), "color": c, "shape": s} for n, c, s in legend],
        "filters": [
            {
                "field": f,
                "label": labels.get(f, f),
                "options": [[v, str(d)] for v, d in opts],
            }
            for f, opts in filters.items()
        ],
        "searchFields": list(search_fields),
        "hasFont": bool(font_css) or assets is not None,
        "regions": list(regions),
        "labelSide": label_side,
        "fineLabel": viz_text("显示网格、楼栋", lang),
        "nodes": nodes,
        "edges": edges,
    }
    esc_title, esc_sub = _esc(title), _esc(subtitle)
    head, vis_js = page_head(esc_title, lang, sources=_SOURCES), vis_network_js()
    if assets is not None:
        head, vis_js, font_css = _linked_assets(head, assets)
    parts = [
        head,
        font_css,
        f"\n:root {{ --rg-stack: {FONT_STACK}; }}\n",
        _CSS,
        "</style>\n</head>\n<body>\n",
        body.replace("@@TITLE@@", esc_title).replace("@@SUBTITLE@@", esc_sub),
        '<script type="application/json" id="rg-data">',
        _script_json(payload),
        "</script>\n<script>\n",
        vis_js,
        "\n</script>\n<script>\n",
        app_js,
        "</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


#: File names of the shared assets of an output folder (see ``render_map_html(assets=)``).
ASSET_JS = "vis-network.min.js"
ASSET_CSS = "rg-cjk.css"


def _linked_assets(head: str, folder: str) -> tuple[str, str, str]:
    """The head (its policy also allowing scripts and styles from local files), the
    script body and the font CSS of a page that links the shared assets in ``folder``."""
    if any(c in folder for c in "\"'<>") or "//" in folder or ":" in folder:
        raise ValueError(f"`assets` must be a relative folder URL, got {folder!r}")
    linked = head.replace("script-src 'unsafe-inline'; style-src 'unsafe-inline';",
                          "script-src 'unsafe-inline' 'self' file:; "
                          "style-src 'unsafe-inline' 'self' file:;")
    assert linked != head, "the page's security policy changed"
    linked = linked.replace("<style>\n", f'<link rel="stylesheet" href="{folder}{ASSET_CSS}">\n'
                            f'<script src="{folder}{ASSET_JS}"></script>\n<style>\n')
    return linked, "", ""


def write_map_html(path: str | Path, html_text: str) -> Path:
    """Write ``html_text`` as UTF-8 to ``path`` and return the path.

    Examples
    --------
    >>> import tempfile
    >>> page = render_map_html([{"id": "D1", "label": "小岚区", "x": 0, "y": 0}], [],
    ...                        title="小岚区", legend=[], filters={})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_map_html(Path(tmp) / "district.html", page)
    ...     back = p.read_text(encoding="utf-8")
    >>> p.name, back[:15], len(back) - len(page)
    ('district.html', '<!DOCTYPE html>', 0)
    """
    p = Path(path)
    p.write_text(html_text, encoding="utf-8")
    return p


#: What a map page may load (all inline or ``data:``; see :func:`page_head`).
_SOURCES = ("script-src 'unsafe-inline'; style-src 'unsafe-inline'; font-src data:; "
            "img-src data: blob:")

_CSS = """
html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; background: #fbfaf7; }
body {
  display: grid; height: 100vh; color: #1f2328;
  grid-template-rows: auto minmax(0, 1fr); grid-template-columns: minmax(0, 1fr) auto;
}
body, input, select, button, div.vis-tooltip {
  font-family: var(--rg-font-family, var(--rg-stack));
}
#rg-header {
  grid-row: 1; grid-column: 1 / 3; display: flex; flex-wrap: wrap; align-items: center;
  gap: 8px 32px; padding: 10px 20px; background: #fff; border-bottom: 3px solid #a31515;
  font-size: 20px; z-index: 20;
}
#rg-titles { min-width: 0; }
#rg-title { margin: 0; font-size: 32px; font-weight: 700; color: #a31515; line-height: 1.25; }
#rg-subtitle { margin: 2px 0 0; font-size: 20px; color: #444; }
#rg-tools { display: flex; flex-direction: column; gap: 6px; }
#rg-controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
#rg-controls input, #rg-controls select, #rg-controls button {
  font-size: 20px; padding: 6px 10px; border: 1px solid #b9b4aa; border-radius: 6px;
  background: #fff; color: #1f2328;
}
#rg-search { width: 14em; }
#rg-controls button { cursor: pointer; background: #f3efe6; }
#rg-controls label { font-size: 20px; white-space: nowrap; }
#rg-status { font-size: 20px; color: #333; min-height: 1.3em; }
#rg-canvas { grid-row: 2; grid-column: 1; position: relative; min-width: 0; min-height: 0; }
#rg-legend {
  grid-row: 2; grid-column: 2; overflow-y: auto; padding: 12px 18px; background: #fff;
  border-left: 1px solid #d8d4cc; font-size: 20px; max-width: 22em;
}
#rg-legend h2 { margin: 0 0 8px; font-size: 22px; }
#rg-legend ul { list-style: none; margin: 0; padding: 0; }
#rg-legend li { display: flex; align-items: center; gap: 10px; margin: 8px 0; font-size: 20px; }
.rg-sw { display: inline-block; width: 22px; height: 22px; flex: none; box-sizing: border-box; }
.rg-sw.round { border-radius: 50%; }
.rg-sw.ellipse { border-radius: 50%; height: 16px; width: 26px; }
.rg-sw.square { border-radius: 3px; }
.rg-sw.diamond { transform: rotate(45deg) scale(0.8); }
.rg-sw.triangle { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.rg-sw.triangleDown { clip-path: polygon(0 0, 100% 0, 50% 100%); }
.rg-sw.star { clip-path: polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%,
  21% 91%, 32% 57%, 2% 35%, 39% 35%); }
.rg-sw.hexagon { clip-path: polygon(25% 5%, 75% 5%, 100% 50%, 75% 95%, 25% 95%, 0 50%); }
.rg-sw.line { height: 4px; width: 30px; }
.rg-sw.dashes { height: 0; width: 30px; border-top: 4px dashed; background: transparent; }
div.vis-tooltip {
  font-size: 20px; white-space: pre-line; max-width: 40em; padding: 8px 12px;
  background: #fffdf6; color: #1f2328; border: 1px solid #b9b4aa;
}
#rg-error { position: fixed; bottom: 12px; left: 12px; z-index: 30; color: #a31515;
  font-size: 20px; background: #fff; padding: 8px 12px; display: none; }
"""

_BODY = """<header id="rg-header">
  <div id="rg-titles">
    <h1 id="rg-title">@@TITLE@@</h1>
    <p id="rg-subtitle">@@SUBTITLE@@</p>
  </div>
  <div id="rg-tools">
    <div id="rg-controls">
      <input id="rg-search" type="search" placeholder="搜索名称或关键词…" autocomplete="off">
      <button id="rg-clear" type="button">清除</button>
      <button id="rg-fit" type="button">全图</button>
    </div>
    <div id="rg-status"></div>
  </div>
</header>
<div id="rg-canvas"></div>
<aside id="rg-legend"><h2>图例</h2><ul id="rg-legend-list"></ul></aside>
<div id="rg-error"></div>
"""

_APP_JS = r"""
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("rg-data").textContent);
  const N = D.nodes, E = D.edges, n = N.length;
  const S = { nodes: 0, total: n, ready: false, drawnMs: null, selected: null,
              highlighted: [], matches: 0, error: null };
  window.__rgMap = S;
  const $ = (id) => document.getElementById(id);
  const DEF_NODE = "#5b8ff9", DEF_EDGE = "#9aa4ae", FONT_COLOR = "#1f2328";
  const DIM_NODE = { background: "#e4e2dd", border: "#d6d3cc",
                     highlight: { background: "#e4e2dd", border: "#d6d3cc" } };
  const DIM_FONT = "#c9c6bf", DIM_EDGE = "rgba(190,190,190,0.25)";
  const INSIDE = new Set(["box", "ellipse", "circle", "database", "text"]);
  const cssFont = getComputedStyle(document.documentElement);
  const FONT = (cssFont.getPropertyValue("--rg-font-family") ||
                cssFont.getPropertyValue("--rg-stack")).trim() || "sans-serif";

  function fail(e) {
    S.error = String(e && e.stack || e);
    const el = $("rg-error");
    el.textContent = "地图加载失败: " + String(e);
    el.style.display = "block";
    throw e;
  }
  function textEl(t) {
    const el = document.createElement("div");
    el.textContent = String(t);
    return el;
  }
  const norm = (s) => String(s).normalize("NFKC").toLowerCase();

  // ---- legend (always visible) ----
  const SHAPE_CLASS = { dot: "round", circle: "round", ellipse: "ellipse", database: "square",
    box: "square", square: "square", text: "square", diamond: "diamond", triangle: "triangle",
    triangleDown: "triangleDown", star: "star", hexagon: "hexagon", line: "line",
    dashes: "dashes" };
  const ul = $("rg-legend-list");
  for (const it of D.legend) {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = "rg-sw " + (SHAPE_CLASS[it.shape] || "round");
    if (it.shape === "dashes") sw.style.borderTopColor = it.color;
    else sw.style.background = it.color;
    const tx = document.createElement("span");
    tx.className = "rg-legend-name";
    tx.textContent = it.name;
    li.append(sw, tx);
    ul.append(li);
  }
  if (!D.legend.length) $("rg-legend").style.display = "none";

  // ---- data ----
  const visNodes = new Array(n), idx = new Map(), origColor = new Array(n);
  const hay = new Array(n), shown = new Array(n).fill(true);
  const hasFine = N.some((d) => d.fine);
  let FINE_HIDDEN = hasFine;
  const SF = D.searchFields;
  for (let i = 0; i < n; i++) {
    const d = N[i];
    const c = d.color == null ? DEF_NODE : d.color;
    const v = { id: d.id, x: d.x, y: d.y, color: c };
    // labels are drawn by the label layer below (never one over another), not by vis
    if (d.shape) v.shape = INSIDE.has(d.shape) ? "square" : d.shape;
    v.size = d.size != null ? d.size : 14;
    if (INSIDE.has(d.shape)) v.size = Math.min(v.size, 10);
    if (d.fine && FINE_HIDDEN) { v.hidden = true; shown[i] = false; }
    if (d.title != null && d.title !== "") v.title = textEl(d.title);
    if (d.vis) Object.assign(v, d.vis);
    visNodes[i] = v; origColor[i] = c; idx.set(d.id, i);
    let h = "";
    for (let k = 0; k < SF.length; k++) { const x = d[SF[k]]; if (x != null) h += "\u0001" + x; }
    hay[i] = norm(h);
  }
  const m = E.length, visEdges = new Array(m), edgeColor = new Array(m);
  const ef = new Int32Array(m), et = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const d = E[j];
    const c = d.color == null ? DEF_EDGE : d.color;
    const v = { id: j, from: d.from, to: d.to, color: c };
    if (d.dashes) v.dashes = d.dashes;
    if (d.width != null) v.width = d.width;
    if (d.arrows) v.arrows = d.arrows;
    if (d.title != null && d.title !== "") v.title = textEl(d.title);
    visEdges[j] = v; edgeColor[j] = c;
    const a = idx.get(d.from), b = idx.get(d.to);
    ef[j] = a === undefined ? -1 : a; et[j] = b === undefined ? -1 : b;
    if (ef[j] < 0 || et[j] < 0 || !shown[ef[j]] || !shown[et[j]]) v.hidden = true;
  }
  const nodesDS = new vis.DataSet(visNodes), edgesDS = new vis.DataSet(visEdges);

  const big = n > 5000;
  const options = {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 0 },
    nodes: { shape: "dot", size: 14, borderWidth: 1.5, physics: false, fixed: true,
             // labels smaller than 9 px on screen are unreadable on a wall: skip drawing them
             scaling: { label: { enabled: false, drawThreshold: 9, maxVisible: 40 } },
             font: { size: 20, face: FONT, color: FONT_COLOR, strokeWidth: 4,
                     strokeColor: "#ffffff" } },
    edges: { smooth: false, width: 1.2, physics: false, selectionWidth: 1.5,
             color: { inherit: false },
             font: { size: 18, face: FONT, strokeWidth: 4, strokeColor: "#ffffff" } },
    interaction: { dragNodes: false, hover: false, tooltipDelay: 150, navigationButtons: false,
                   keyboard: false, multiselect: false, hideEdgesOnDrag: big,
                   hideEdgesOnZoom: big, zoomView: true, dragView: true },
    configure: { enabled: false },
  };

  let network = null;
  let dimmed = new Uint8Array(n), edgeDim = new Uint8Array(m);
  let matches = [], cursor = 0, lastQ = "";

  function setStatus(t) { $("rg-status").textContent = t; }
  function countText() {
    const vis = S.nodes;
    const base = vis === n ? "共 " + n + " 个节点" : "显示 " + vis + " / " + n + " 个节点";
    return base + (S.hiddenLabels ? "（另有 " + S.hiddenLabels + " 个名称，放大后显示）" : "");
  }

  function restyle(keep, focusEdgeNode) {
    const nu = [], eu = [];
    for (let i = 0; i < n; i++) {
      const want = keep && !keep.has(i) ? 1 : 0;
      if (want !== dimmed[i]) {
        dimmed[i] = want;
        nu.push(want ? { id: N[i].id, color: DIM_NODE, font: { color: DIM_FONT } }
                     : { id: N[i].id, color: origColor[i], font: { color: FONT_COLOR } });
      }
    }
    for (let j = 0; j < m; j++) {
      const want = keep && !(ef[j] === focusEdgeNode || et[j] === focusEdgeNode) ? 1 : 0;
      if (want !== edgeDim[j]) {
        edgeDim[j] = want;
        eu.push({ id: j, color: want ? DIM_EDGE : edgeColor[j] });
      }
    }
    if (nu.length) nodesDS.update(nu);
    if (eu.length) edgesDS.update(eu);
  }

  function highlight(i) {
    const id = N[i].id;
    const nb = network.getConnectedNodes(id);
    const keep = new Set([i]);
    for (const x of nb) { const k = idx.get(x); if (k !== undefined && shown[k]) keep.add(k); }
    restyle(keep, i);
    network.selectNodes([id], false);
    const scale = Math.max(network.getScale(), 0.9);
    network.focus(id, { scale: scale, animation: big ? false : { duration: 500 } });
    S.selected = id;
    S.highlighted = Array.from(keep, (k) => N[k].id);
  }

  function clearHighlight() {
    restyle(null, -1);
    if (network) network.unselectAll();
    S.selected = null; S.highlighted = []; S.matches = 0;
    matches = []; cursor = 0; lastQ = "";
  }

  function runSearch(q, advance) {
    const qq = norm(q.trim());
    if (!qq) { clearHighlight(); setStatus(countText()); return; }
    if (!advance || qq !== lastQ) {
      lastQ = qq;
      matches = [];
      for (let i = 0; i < n; i++) if (shown[i] && hay[i].includes(qq)) matches.push(i);
      const lab = (i) => norm(N[i].label == null ? "" : N[i].label);
      matches.sort((a, b) => {
        const la = lab(a), lb = lab(b);
        const ra = la === qq ? 0 : la.startsWith(qq) ? 1 : 2;
        const rb = lb === qq ? 0 : lb.startsWith(qq) ? 1 : 2;
        return ra - rb || la.length - lb.length || (la < lb ? -1 : la > lb ? 1 : 0);
      });
      cursor = 0;
    } else if (matches.length) {
      cursor = (cursor + 1) % matches.length;
    }
    S.matches = matches.length;
    if (!matches.length) {
      restyle(null, -1); network.unselectAll();
      S.selected = null; S.highlighted = [];
      setStatus("未找到：" + q.trim());
      return;
    }
    const i = matches[cursor];
    highlight(i);
    setStatus("找到 " + matches.length + " 个（" + (cursor + 1) + "/" + matches.length + "）：" +
              (N[i].label == null ? String(N[i].id) : String(N[i].label)));
  }

  // ---- filters ----
  const active = {};
  function passes(d) {
    if (d.fine && FINE_HIDDEN) return false;
    for (const f in active) {
      const want = active[f];
      if (want === "") continue;
      const v = d[f];
      if (Array.isArray(v)) { if (!v.some((x) => String(x) === want)) return false; }
      else if (v == null || String(v) !== want) return false;
    }
    return true;
  }
  function applyFilters() {
    const nu = [], eu = [];
    for (let i = 0; i < n; i++) {
      const ok = passes(N[i]);
      if (ok !== shown[i]) { shown[i] = ok; nu.push({ id: N[i].id, hidden: !ok }); }
    }
    for (let j = 0; j < m; j++) {
      const ok = ef[j] >= 0 && et[j] >= 0 && shown[ef[j]] && shown[et[j]];
      if (ok === !!visEdges[j].hidden) {
        visEdges[j].hidden = !ok;
        eu.push({ id: j, hidden: !ok });
      }
    }
    clearHighlight();
    $("rg-search").value = "";
    if (nu.length) nodesDS.update(nu);
    if (eu.length) edgesDS.update(eu);
    network.redraw();
    setStatus(countText());
  }
  const controls = $("rg-controls");
  for (const f of D.filters) {
    const lab = document.createElement("label");
    lab.textContent = f.label + "：";
    const sel = document.createElement("select");
    sel.dataset.field = f.field;
    sel.className = "rg-filter";
    const all = document.createElement("option");
    all.value = ""; all.textContent = "全部";
    sel.append(all);
    for (const [val, name] of f.options) {
      const o = document.createElement("option");
      o.value = String(val); o.textContent = name;
      sel.append(o);
    }
    active[f.field] = "";
    sel.addEventListener("change", () => { active[f.field] = sel.value; applyFilters(); });
    lab.append(sel);
    controls.append(lab);
  }
  if (hasFine) {  // grid / building detail: collapsed by default, a toggle shows it
    const lab = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox"; box.id = "rg-fine";
    lab.append(box, document.createTextNode(D.fineLabel || "显示网格、楼栋"));
    box.addEventListener("change", () => { FINE_HIDDEN = !box.checked; applyFilters(); });
    controls.append(lab);
  }

  // ---- regions (clusters with their names) and the label layer ----
  // Labels keep a readable size on screen (15-22 px whatever the zoom) and are placed
  // greedily by priority at one of four spots around their node; a label that would touch
  // another label, a region name or a node marker is left out (counted as "+N" on its
  // region and in the status line) and appears when zoomed in.
  const R = D.regions || [];
  const SIDES = D.labelSide === "right" ? ["right", "below", "left", "above"]
                                         : ["below", "right", "above", "left"];
  const sidesOf = (d) => d.side ? [d.side, ...SIDES.filter((x) => x !== d.side)] : SIDES;
  const prio = new Float64Array(n);
  for (let i = 0; i < n; i++) prio[i] = N[i].prio != null ? N[i].prio : (N[i].size || 14);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => prio[b] - prio[a] || a - b);
  S.labels = []; S.hiddenLabels = 0;

  function drawRegions(ctx) {
    for (const r of R) {
      if (r.fine && FINE_HIDDEN) continue;
      ctx.beginPath();
      ctx.arc(r.x, r.y, r.r, 0, 2 * Math.PI);
      ctx.fillStyle = r.fill || "rgba(239,68,68,0.06)";
      ctx.fill();
      const px = 1 / Math.max(network.getScale(), 0.05);
      ctx.lineWidth = 2 * px;
      ctx.setLineDash([10 * px, 8 * px]);
      ctx.strokeStyle = r.stroke || "rgba(163,21,21,0.45)";
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }

  function Grid(cell) {
    const g = new Map();
    const key = (a, b) => a * 100003 + b;
    this.hit = (x0, y0, x1, y1) => {
      for (let a = Math.floor(x0 / cell); a <= Math.floor(x1 / cell); a++)
        for (let b = Math.floor(y0 / cell); b <= Math.floor(y1 / cell); b++) {
          const l = g.get(key(a, b));
          if (!l) continue;
          for (const q of l) if (x0 < q[2] && q[0] < x1 && y0 < q[3] && q[1] < y1) return true;
        }
      return false;
    };
    this.add = (bx) => {
      for (let a = Math.floor(bx[0] / cell); a <= Math.floor(bx[2] / cell); a++)
        for (let b = Math.floor(bx[1] / cell); b <= Math.floor(bx[3] / cell); b++) {
          const k = key(a, b);
          if (!g.has(k)) g.set(k, []);
          g.get(k).push(bx);
        }
    };
  }

  function drawLabels(ctx) {
    const scale = network.getScale();
    const canvas = ctx.canvas, pr = canvas.width / canvas.clientWidth || 1;
    const W = canvas.clientWidth, H = canvas.clientHeight;
    const fs = Math.max(15, Math.min(22, 20 * scale)), lh = Math.ceil(fs * 1.25);
    const rfs = Math.round(fs + 3), rlh = Math.ceil(rfs * 1.25);
    const font = fs + "px " + FONT, rfont = "bold " + rfs + "px " + FONT;
    ctx.save();
    ctx.setTransform(pr, 0, 0, pr, 0, 0);
    const grid = new Grid(64), pos = network.getPositions();
    const scr = new Map();
    // node markers are obstacles for every label
    for (let i = 0; i < n; i++) {
      if (!shown[i]) continue;
      const p = pos[N[i].id]; if (!p) continue;
      const c = network.canvasToDOM(p), r = Math.max(3, (visNodes[i].size || 14) * scale) + 2;
      scr.set(i, [c.x, c.y, r]);
      if (c.x + r < 0 || c.y + r < 0 || c.x - r > W || c.y - r > H) continue;
      grid.add([c.x - r, c.y - r, c.x + r, c.y + r, -1]);
    }
    const out = [];
    const put = (t, x, y, w, color, f, owner, h) => {
      const bx = [x, y, x + w, y + h, owner];
      grid.add(bx);
      out.push({ text: t, x: x, y: y, w: w, h: h, color: color, font: f, owner: owner });
    };
    // region names first
    ctx.font = rfont;
    const regionBox = [];
    for (let k = 0; k < R.length; k++) {
      const r = R[k], top = network.canvasToDOM({ x: r.x, y: r.y - r.r });
      const w = ctx.measureText(r.name).width;
      regionBox.push(null);
      if (r.fine && FINE_HIDDEN) continue;
      const spots = [];  // inside or just above the top, centred or a little aside
      for (const dy of [2, -rlh - 2, rlh + 4]) {
        for (const dx of [0, -w / 3, w / 3]) spots.push([top.x - w / 2 + dx, top.y + dy]);
      }
      for (const [x, y] of spots) {
        if (x < 0 || y < 0 || x + w > W || y + rlh > H || grid.hit(x, y, x + w, y + rlh)) continue;
        put(r.name, x, y, w, "#a31515", rfont, -2 - k, rlh);
        regionBox[k] = out.length - 1;
        break;
      }
    }
    ctx.font = font;
    let hidden = 0;
    const hiddenIn = new Int32Array(R.length);
    for (const i of order) {
      const s = scr.get(i);
      if (!s || N[i].label == null || N[i].label === "" || N[i].nolabel) continue;
      const [cx, cy, r] = s;
      if (cx < -200 || cy < -50 || cx > W + 200 || cy > H + 50) continue;
      const full = String(N[i].label);
      const texts = full.length > 9 ? [full, full.slice(0, 7) + "…"] : [full];
      let done = false;
      for (const t of texts) {
        const w = ctx.measureText(t).width;
        for (const side of sidesOf(N[i])) {
          let x, y;
          if (side === "below") { x = cx - w / 2; y = cy + r + 1; }
          else if (side === "above") { x = cx - w / 2; y = cy - r - 1 - lh; }
          else if (side === "right") { x = cx + r + 3; y = cy - lh / 2; }
          else { x = cx - r - 3 - w; y = cy - lh / 2; }
          if (x < 0 || y < 0 || x + w > W || y + lh > H) continue;
          if (grid.hit(x, y, x + w, y + lh)) continue;
          put(t, x, y, w, dimmed[i] ? DIM_FONT : FONT_COLOR, font, i, lh);
          done = true; break;
        }
        if (done) break;
      }
      if (!done && cx >= 0 && cy >= 0 && cx <= W && cy <= H) {
        hidden++;
        if (N[i].region != null && N[i].region < R.length) hiddenIn[N[i].region]++;
      }
    }
    // "+N" after a region's name when it fits
    for (let k = 0; k < R.length; k++) {
      const b = regionBox[k];
      if (b == null || !hiddenIn[k]) continue;
      const L = out[b], extra = " +" + hiddenIn[k];
      ctx.font = rfont;
      const w2 = ctx.measureText(L.text + extra).width;
      const x0 = L.x + L.w + 0.01, x1 = L.x + w2;  // the added part, right of the name
      if (x1 <= W && !grid.hit(x0, L.y, x1, L.y + L.h)) {
        L.text += extra; L.w = w2;
        grid.add([L.x, L.y, x1, L.y + L.h, L.owner]);
      }
    }
    ctx.textBaseline = "middle"; ctx.textAlign = "left";
    ctx.lineJoin = "round";
    for (const L of out) {
      ctx.font = L.font;
      ctx.lineWidth = 4; ctx.strokeStyle = "#ffffff";
      ctx.strokeText(L.text, L.x, L.y + L.h / 2);
      ctx.fillStyle = L.color;
      ctx.fillText(L.text, L.x, L.y + L.h / 2);
    }
    ctx.restore();
    S.labels = out.map((L) => [L.x, L.y, L.w, L.h, L.owner]);
    S.hiddenLabels = hidden;
    if (S.selected === null && !lastQ) setStatus(countText());
    S.markers = Array.from(scr.entries(), ([i, v]) => [v[0], v[1], v[2] - 2, i]);
  }

  // ---- network ----
  async function fontsReady() {
    if (!D.hasFont || !document.fonts) return;
    const sample = (N.length && N[0].label != null) ? String(N[0].label) : "社区";
    const timeout = new Promise((r) => setTimeout(r, 3000));
    try {
      await Promise.race([document.fonts.load('20px "RG CJK"', sample + "社区"), timeout]);
    } catch (e) { /* fall back to system fonts */ }
  }

  function fitVisible() {
    // the visible nodes with room for their labels (20 px at zoom 1) and the regions
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    const grow = (a, b, c, d) => {
      x0 = Math.min(x0, a); y0 = Math.min(y0, b); x1 = Math.max(x1, c); y1 = Math.max(y1, d);
    };
    for (let i = 0; i < n; i++) {
      if (!shown[i]) continue;
      const d = N[i], r = visNodes[i].size || 14;
      const t = d.label == null ? "" : String(d.label);
      let w = 0;
      for (const ch of t) w += ch.charCodeAt(0) > 0x2e80 ? 20 : 11;
      w = Math.min(w, 200);
      const half = Math.max(r, w / 2);
      const right = (d.side || D.labelSide) === "right";
      if (right) grow(d.x - r, d.y - r - 26, d.x + r + 4 + w, d.y + r);
      else grow(d.x - half, d.y - r, d.x + half, d.y + r + 26);
    }
    for (const r of R) {
      if (!(r.fine && FINE_HIDDEN)) grow(r.x - r.r, r.y - r.r - 30, r.x + r.r, r.y + r.r);
    }
    if (!isFinite(x0)) { network.fit({ animation: false }); return; }
    const el = $("rg-canvas"), W = el.clientWidth || 800, H = el.clientHeight || 600;
    const scale = Math.min(W / Math.max(x1 - x0, 1), H / Math.max(y1 - y0, 1)) * 0.96;
    network.moveTo({ position: { x: (x0 + x1) / 2, y: (y0 + y1) / 2 },
                     scale: Math.min(scale, 2), animation: false });
  }

  function start() {
    network = new vis.Network($("rg-canvas"), { nodes: nodesDS, edges: edgesDS }, options);
    S.network = network;
    network.on("beforeDrawing", drawRegions);
    network.on("afterDrawing", drawLabels);
    let first = true;
    network.on("afterDrawing", () => {
      S.nodes = network.body.nodeIndices.length;
      if (first) {
        first = false;
        S.drawnMs = performance.now();
        S.ready = true;
        if (!S.selected) setStatus(countText());
      }
    });
    network.on("doubleClick", (p) => {
      if (!p.nodes.length) return;
      const i = idx.get(p.nodes[0]);
      if (i !== undefined && N[i].href) window.location.href = N[i].href;
    });
    network.on("click", (p) => {
      if (p.nodes.length) {
        const i = idx.get(p.nodes[0]);
        if (i !== undefined) {
          highlight(i);
          setStatus(String(N[i].label == null ? N[i].id : N[i].label) +
                    (N[i].href ? "（双击打开详图）" : ""));
        }
      } else if (S.selected !== null) {
        clearHighlight(); $("rg-search").value = ""; setStatus(countText());
      }
    });
    fitVisible();
    let timer = null;
    const box = $("rg-search");
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => runSearch(box.value, false), 250);
    });
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") { clearTimeout(timer); runSearch(box.value, true); }
      if (ev.key === "Escape") { box.value = ""; runSearch("", false); }
    });
    $("rg-clear").addEventListener("click", () => { box.value = ""; runSearch("", false); });
    $("rg-fit").addEventListener("click", fitVisible);
    S.search = (q) => { box.value = q; runSearch(q, false); return S.selected; };
  }

  fontsReady().then(() => { try { start(); } catch (e) { fail(e); } });
})();
"""
