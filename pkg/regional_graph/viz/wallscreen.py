"""Wall-screen mode (大屏轮播): one full-screen offline page that cycles through the
district's street and community maps, for the screens in Party-service centres.

``wall.html`` sits beside the maps written by :func:`regional_graph.viz.maps.write_maps` and
shows them one after another in a full-window frame (the next map is loaded in a hidden
frame first, so the switch is instant). Keys: Space or P pause/resume, → / PageDown / N next,
← / PageUp / B previous, Home first, F full screen. ``wall.html?interval=20&start=5`` overrides
the interval (seconds) and the first map without writing the page again. Like every map it
makes no network request: it only loads its sibling files.

Examples
--------
>>> import json
>>> import regional_graph as rg
>>> from regional_graph.viz import maps
>>> G = rg.datasets.load_tiny()
>>> ms = [maps.street_map(G, "S1"), maps.community_map(G, "C1")]
>>> page = wallscreen_page(ms, interval=15)
>>> config = json.loads(page.split('id="rg-wall">')[1].split("</script>")[0])
>>> config["interval"], [p["file"] for p in config["pages"]], "://" in page
(15, ['street_S1.html', 'community_C1.html'], False)
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..vocab import Lang, check_lang, viz_text
from .fonts import FONT_STACK, cjk_font_face_css
from .render import localise, page_head

if TYPE_CHECKING:
    from .networkmap import NetworkMap

log = logging.getLogger(__name__)

__all__ = ["WALL_KINDS", "wall_order", "wallscreen_page", "write_wallscreen"]

#: Map kinds shown on the wall by default.
WALL_KINDS = ("street", "community")
Order = Literal["street", "attention"]
_ATTENTION = ("uncovered", "should_build", "isolated", "unpaired", "unmet")
_UI = "暂停播放中秒第张共键空格上一张下一张全屏轮播数据日期需关注：/·0123456789 "
#: Interface texts of the script, translated by :func:`~.render.localise`.
_JS_TEXTS = ('"暂停 · "', '"第 "', '" 张 · "', '" · 数据日期 "')


def wall_order(maps: Sequence[NetworkMap], order: Order | Sequence[str] = "street",
               kinds: Sequence[str] = WALL_KINDS) -> list[NetworkMap]:
    """The maps to cycle through, in order.

    Parameters
    ----------
    order
        ``"street"``: each street map followed by its community maps, streets by id;
        ``"attention"``: most flagged items (未覆盖、应建未建、孤立、无结对、未满足) first;
        or a sequence of map keys (``["street_S02", "community_C010", …]``), shown as given.
    kinds
        Map kinds included when ``order`` is not an explicit list.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> ms = [maps.community_map(G, "C002"), maps.street_map(G, "S01"), maps.org_chart(G, "S01")]
    >>> [m.key for m in wall_order(ms)]
    ['street_S01', 'community_C002']
    >>> [m.key for m in wall_order(ms, ["community_C002", "org_chart_S01"])]
    ['community_C002', 'org_chart_S01']
    """
    if not isinstance(order, str):
        by_key = {m.key: m for m in maps}
        unknown = [k for k in order if k not in by_key]
        if unknown:
            raise KeyError(f"`order` names maps that were not made: {unknown[:5]}")
        return [by_key[k] for k in order]
    if order not in ("street", "attention"):
        raise ValueError(f"`order` must be 'street', 'attention' or a list of map keys, "
                         f"got {order!r}")
    chosen = [m for m in maps if m.kind in kinds]
    rank = {"district": 0, "street": 1, "org_chart": 2, "community": 3}
    chosen.sort(key=lambda m: (m.street_id or "", rank.get(m.kind, 9), m.area_id or ""))
    if order == "attention":
        chosen.sort(key=lambda m: -sum(int(m.counts.get(k) or 0) for k in _ATTENTION))
    return chosen


def wallscreen_page(
    maps: Sequence[NetworkMap],
    *,
    interval: float = 30.0,
    order: Order | Sequence[str] = "street",
    kinds: Sequence[str] = WALL_KINDS,
    title: str | None = None,
    files: dict[str, str] | None = None,
    lang: Lang | None = None,
) -> str:
    """The wall-screen page (HTML) cycling through ``maps`` every ``interval`` seconds.

    Parameters
    ----------
    maps
        The maps (written as ``<key>.html`` beside the page, or as given in ``files``).
    interval
        Seconds per map (≥ 2).
    order, kinds
        As for :func:`wall_order`.
    files
        Map key → file name relative to the page (default ``<key>.html``).
    title
        Page title (default: 区域化党建资源网络图 · 大屏轮播, in ``lang``).
    lang
        ``"zh"`` or ``"en"``: the status line; default: the language of the maps.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> page = wallscreen_page([maps.street_map(G, "S01")], interval=5)
    >>> page[:15], page.count("<iframe"), page.count("Content-Security-Policy")
    ('<!DOCTYPE html>', 2, 1)
    """
    if not interval >= 2:
        raise ValueError(f"`interval` must be at least 2 seconds, got {interval!r}")
    shown = wall_order(maps, order, kinds)
    if not shown:
        raise ValueError("no maps to show on the wall screen")
    lang = check_lang(lang or shown[0].lang)
    if title is None:
        title = viz_text("区域化党建资源网络图 · 大屏轮播", lang)
    files = files or {}
    pages = [{"file": files.get(m.key, f"{m.key}.html"), "key": m.key, "title": m.title,
              "kind": m.kind, "asOf": m.as_of} for m in shown]
    data = json.dumps({"interval": interval, "pages": pages}, ensure_ascii=False)
    data = data.replace("</", "<\\/")
    font = cjk_font_face_css(title + _UI + "".join(p["title"] for p in pages))
    head = page_head(html.escape(title), lang, sources="script-src 'unsafe-inline'; "
                     "style-src 'unsafe-inline'; font-src data:; frame-src 'self' file:")
    return (head + _PAGE.replace("@@FONT@@", font).replace("@@STACK@@", FONT_STACK)
            .replace("@@DATA@@", data).replace("@@JS@@", localise(_JS, _JS_TEXTS, lang)))


def write_wallscreen(maps: Sequence[NetworkMap], path: str | Path, **kwargs: object) -> Path:
    """Write :func:`wallscreen_page` to ``path`` (beside the maps) and return it.

    Examples
    --------
    >>> import tempfile, pathlib, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "wall.html"
    >>> p = write_wallscreen([maps.street_map(G, "S01")], out)
    >>> p.name
    'wall.html'
    """
    p = Path(path)
    p.write_text(wallscreen_page(maps, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    log.info("wall screen: %s", p)
    return p


#: The page after its head (:func:`~.render.page_head`).
_PAGE = """@@FONT@@
html, body { margin: 0; height: 100%; overflow: hidden; background: #fbfaf7; cursor: none; }
body { font-family: var(--rg-font-family, @@STACK@@); }
iframe { position: absolute; inset: 0; width: 100vw; height: 100vh; border: 0;
  background: #fbfaf7; }
iframe.next { visibility: hidden; }
#bar { position: fixed; left: 0; top: 0; height: 5px; background: #a31515; width: 0;
  z-index: 3; }
#status { position: fixed; right: 16px; bottom: 12px; z-index: 3; padding: 6px 14px;
  background: rgba(255,255,255,.88); border: 1px solid #d8d4cc; border-radius: 6px;
  color: #1f2328; font-size: 18px; }
#status.paused { color: #a31515; border-color: #a31515; }
</style>
</head>
<body>
<div id="bar"></div>
<iframe id="f0" title="map"></iframe>
<iframe id="f1" class="next" title="next map"></iframe>
<div id="status" role="status"></div>
<script type="application/json" id="rg-wall">@@DATA@@</script>
<script>
@@JS@@
</script>
</body>
</html>
"""

_JS = r"""
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("rg-wall").textContent);
  const q = new URLSearchParams(location.search);
  const pages = cfg.pages;
  let interval = Math.max(2, Number(q.get("interval")) || cfg.interval) * 1000;
  const frames = [document.getElementById("f0"), document.getElementById("f1")];
  const bar = document.getElementById("bar");
  const status = document.getElementById("status");
  const state = { index: 0, paused: false, shown: [], interval: interval / 1000 };
  let front = 0, timer = null, started = 0, left = interval, raf = null;

  function mod(i) { return ((i % pages.length) + pages.length) % pages.length; }
  function label() {
    const p = pages[state.index];
    status.textContent = (state.paused ? "暂停 · " : "") + "第 " + (state.index + 1) +
      " / " + pages.length + " 张 · " + p.title + " · 数据日期 " + p.asOf;
    status.className = state.paused ? "paused" : "";
  }
  function tick() {
    const done = state.paused ? interval - left : interval - left + (performance.now() - started);
    bar.style.width = Math.min(100, 100 * done / interval) + "%";
    raf = requestAnimationFrame(tick);
  }
  function schedule(ms) {
    clearTimeout(timer);
    left = ms; started = performance.now();
    if (!state.paused) timer = setTimeout(function () { go(state.index + 1); }, ms);
  }
  function preload(i) {
    const back = frames[1 - front];
    const file = pages[mod(i)].file;
    if (back.dataset.file !== file) { back.dataset.file = file; back.src = file; }
  }
  function go(i) {
    i = mod(i);
    const back = frames[1 - front];
    const file = pages[i].file;
    if (back.dataset.file !== file) { back.dataset.file = file; back.src = file; }
    back.classList.remove("next");
    frames[front].classList.add("next");
    front = 1 - front;
    state.index = i;
    state.shown.push(pages[i].key);
    label();
    schedule(interval);
    setTimeout(function () { preload(i + 1); }, 1500);
  }
  function pause(on) {
    if (on === state.paused) return;
    state.paused = on;
    if (on) { clearTimeout(timer); left = Math.max(0, left - (performance.now() - started)); }
    else { schedule(left); }
    label();
  }
  document.addEventListener("keydown", function (ev) {
    const k = ev.key;
    if (k === " " || k === "p" || k === "P") { pause(!state.paused); }
    else if (k === "ArrowRight" || k === "PageDown" || k === "n" || k === "N") {
      go(state.index + 1);
    } else if (k === "ArrowLeft" || k === "PageUp" || k === "b" || k === "B") {
      go(state.index - 1);
    }
    else if (k === "Home") { go(0); }
    else if (k === "f" || k === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    } else { return; }
    ev.preventDefault();
  });
  // keys typed while a map frame has the focus still control the wall
  frames.forEach(function (f) {
    f.addEventListener("load", function () {
      try { f.contentWindow.addEventListener("keydown", function (ev) {
        document.dispatchEvent(new KeyboardEvent("keydown", { key: ev.key }));
      }); } catch (e) { /* another origin: keys work on the wall page itself */ }
    });
  });
  state.next = function () { go(state.index + 1); };
  state.prev = function () { go(state.index - 1); };
  state.pause = pause;
  state.pages = pages.map(function (p) { return p.key; });
  window.__rgWall = state;
  const start = mod(Number(q.get("start")) || 0);
  frames[1].dataset.file = pages[start].file;
  frames[1].src = pages[start].file;
  go(start);
  tick();
})();
"""
