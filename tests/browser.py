"""Headless-Chromium harness for the offline HTML maps (helper module, not a test file).

Every request other than the HTML file itself is recorded and aborted, so a page that
tries to reach the network is caught rather than silently working on a connected machine.
Chromium is required: if ``/usr/bin/chromium`` is missing the functions raise (tests fail,
they do not skip).
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright, Request, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY_JS = "() => !!(window.__rgMap && window.__rgMap.ready)"
RG_NETWORK_JS = "window.__rgMap && window.__rgMap.network"


@dataclass
class PageReport:
    """What a map page did when opened offline."""

    drawn_nodes: int
    total_nodes: int
    outside_requests: list[str]
    console_errors: list[str]
    page_errors: list[str]
    time_to_drawn_ms: float
    mean_frame_ms: float
    redraw_ms: float
    legend_text: list[str]
    screenshot: Path | None
    nonblank_pixels: int
    canvas_nonblank: bool
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SearchResult:
    """State of the map after a search."""

    selected: Any
    highlighted: list[Any]
    matches: int
    status: str


@dataclass
class GlyphCheck:
    """Evidence that CJK text is drawn with real glyphs, not tofu boxes."""

    fonts_check: bool
    face_loaded: bool
    cjk_width: float
    tofu_width: float
    distinct_glyphs: bool
    differs_from_tofu: bool
    ink_pixels: int

    @property
    def ok(self) -> bool:
        """True when the embedded face is loaded and glyphs are real."""
        return (
            self.fonts_check
            and self.face_loaded
            and self.distinct_glyphs
            and self.differs_from_tofu
            and self.ink_pixels > 0
        )


def _require_chromium() -> None:
    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM}; browser tests need it")


class OfflinePage:
    """An opened page plus the requests/errors recorded while it loaded."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.load_wall_ms: float = float("nan")

    def goto(self, html_path: str | Path, *, ready_js: str = READY_JS,
             timeout_s: float = 60.0) -> bool:
        """Open another local page in the same tab (same offline rules, fresh error lists);
        return whether it became ready."""
        self.url = Path(html_path).resolve().as_uri()
        self.outside_requests.clear()
        self.console_errors.clear()
        self.page_errors.clear()
        self.page.goto(self.url, wait_until="load", timeout=timeout_s * 1000)
        return self.wait_ready(ready_js, timeout_s)

    # -- measurements ----------------------------------------------------------------
    def wait_ready(self, ready_js: str = READY_JS, timeout_s: float = 60.0) -> bool:
        """Wait until ``ready_js`` is truthy; return False on timeout."""
        try:
            self.page.wait_for_function(ready_js, timeout=timeout_s * 1000, polling=50)
        except Exception:
            return False
        return True

    def frame_times(self, net_js: str = RG_NETWORK_JS, frames: int = 12) -> dict[str, float]:
        """Mean rAF interval while panning a little each frame, and sync redraw cost (ms)."""
        return self.page.evaluate(
            """([netJs, k]) => new Promise((resolve) => {
              const net = eval(netJs);
              if (!net) { resolve({ frame: NaN, redraw: NaN }); return; }
              const pos = net.getViewPosition(), sc = net.getScale();
              const r = [];
              for (let i = 0; i < 3; i++) {
                const t0 = performance.now(); net.redraw(); r.push(performance.now() - t0);
              }
              const times = []; let last = null, i = 0;
              function step(t) {
                if (last !== null) times.push(t - last);
                last = t;
                if (i++ >= k) {
                  net.moveTo({ position: pos, scale: sc });
                  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
                  resolve({ frame: mean(times), redraw: mean(r) });
                  return;
                }
                const dx = (i % 2 ? 4 : -4) / sc;
                net.moveTo({ position: { x: pos.x + dx, y: pos.y }, scale: sc });
                requestAnimationFrame(step);
              }
              requestAnimationFrame(step);
            })""",
            [net_js, frames],
        )

    def canvas_ink(self) -> int:
        """Count non-transparent pixels on the page's vis-network canvas(es)."""
        return int(
            self.page.evaluate(
                """() => {
                  let ink = 0;
                  for (const c of document.querySelectorAll('canvas')) {
                    if (!c.width || !c.height) continue;
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    for (let i = 3; i < d.length; i += 4) if (d[i] > 16) ink++;
                  }
                  return ink;
                }"""
            )
        )

    def legend_text(self) -> list[str]:
        """Legend entry names as shown."""
        return self.page.eval_on_selector_all(
            "#rg-legend-list .rg-legend-name", "els => els.map(e => e.textContent)"
        )

    def report(self, screenshot_path: str | Path | None = None) -> PageReport:
        """Collect a :class:`PageReport` (call after :meth:`wait_ready`)."""
        state = self.page.evaluate(
            """() => { const s = window.__rgMap || {};
                       return { nodes: s.nodes ?? -1, total: s.total ?? -1,
                                drawnMs: s.drawnMs ?? NaN, ready: !!s.ready }; }"""
        )
        ft = self.frame_times()
        shot: Path | None = None
        if screenshot_path is not None:
            shot = Path(screenshot_path)
            self.page.screenshot(path=str(shot))
        ink = self.canvas_ink()
        return PageReport(
            drawn_nodes=int(state["nodes"]),
            total_nodes=int(state["total"]),
            outside_requests=list(self.outside_requests),
            console_errors=list(self.console_errors),
            page_errors=list(self.page_errors),
            time_to_drawn_ms=float(state["drawnMs"]),
            mean_frame_ms=float(ft["frame"]),
            redraw_ms=float(ft["redraw"]),
            legend_text=self.legend_text(),
            screenshot=shot,
            nonblank_pixels=ink,
            canvas_nonblank=ink > 500,
            extra={"ready": state["ready"], "load_wall_ms": self.load_wall_ms},
        )

    # -- interaction -----------------------------------------------------------------
    def search(self, query: str, timeout_s: float = 10.0) -> SearchResult:
        """Type ``query`` into the search box, press Enter and read the highlight state."""
        # typing and Enter in one task: on a loaded machine the page's 250 ms search-as-you-type
        # could otherwise run first, and Enter would then (rightly) step to the next match
        self.page.evaluate(
            """(q) => { const b = document.getElementById('rg-search'); b.value = q;
                       b.dispatchEvent(new Event('input', { bubbles: true }));
                       b.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' })); }""",
            query,
        )
        self.page.wait_for_function(
            """(q) => { const s = window.__rgMap;
                        const st = document.getElementById('rg-status').textContent;
                        return (s.selected !== null) || st.startsWith('未找到') || !q; }""",
            arg=query,
            timeout=timeout_s * 1000,
        )
        st = self.page.evaluate(
            """() => { const s = window.__rgMap;
                       const sel = s.network ? s.network.getSelectedNodes() : [];
                       return { selected: s.selected, highlighted: s.highlighted,
                                matches: s.matches, visSelected: sel,
                                status: document.getElementById('rg-status').textContent }; }"""
        )
        if st["selected"] is not None and st["visSelected"] != [st["selected"]]:
            raise AssertionError(f"vis selection {st['visSelected']} != {st['selected']}")
        return SearchResult(st["selected"], st["highlighted"], st["matches"], st["status"])

    def set_filter(self, field_name: str, value: str) -> int:
        """Choose ``value`` in the dropdown for ``field_name``; return the drawn node count."""
        self.page.select_option(f'select[data-field="{field_name}"]', value)
        self.page.wait_for_timeout(100)
        self.page.evaluate("() => window.__rgMap.network.redraw()")
        return int(self.page.evaluate("() => window.__rgMap.nodes"))

    def check_cjk_glyphs(self, text: str = "社区党委", family: str = "RG CJK") -> GlyphCheck:
        """Check that ``text`` renders with real glyphs from ``family``.

        Compares canvas renderings: two different CJK characters must give different
        bitmaps, and the text must differ from a string of unassigned code points (U+0378)
        which every font draws as the same .notdef box (or nothing).
        """
        res = self.page.evaluate(
            """([text, family]) => {
              const font = `40px "${family}"`;
              const fontsCheck = document.fonts.check(`20px "${family}"`, text);
              let faceLoaded = false;
              document.fonts.forEach((f) => {
                if (f.family.replace(/"/g, '') === family && f.status === 'loaded')
                  faceLoaded = true;
              });
              const c = document.createElement('canvas'); c.width = 400; c.height = 60;
              const g = c.getContext('2d');
              function render(s) {
                g.clearRect(0, 0, c.width, c.height);
                g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
                g.fillText(s, 2, 5);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let ink = 0, h = 0;
                for (let i = 3; i < d.length; i += 4) {
                  if (d[i] > 64) { ink++; h = (h * 31 + i) >>> 0; }
                }
                return { w: g.measureText(s).width, ink, h };
              }
              const chars = Array.from(text);
              const a = render(chars[0]), b = render(chars[1] || chars[0]);
              const tofu1 = render('\\u0378');
              const whole = render(text);
              const tofu = render('\\u0378'.repeat(chars.length));
              return { fontsCheck, faceLoaded, cjkWidth: whole.w, tofuWidth: tofu.w,
                       distinct: a.h !== b.h && a.ink > 0 && b.ink > 0,
                       differs: a.h !== tofu1.h && whole.h !== tofu.h, ink: whole.ink };
            }""",
            [text, family],
        )
        return GlyphCheck(
            fonts_check=bool(res["fontsCheck"]),
            face_loaded=bool(res["faceLoaded"]),
            cjk_width=float(res["cjkWidth"]),
            tofu_width=float(res["tofuWidth"]),
            distinct_glyphs=bool(res["distinct"]),
            differs_from_tofu=bool(res["differs"]),
            ink_pixels=int(res["ink"]),
        )

    def close(self) -> None:
        """Close the page and its context."""
        self.page.context.close()


class OfflineBrowser:
    """One headless Chromium, reused for several pages (context manager)."""

    def __init__(self) -> None:
        _require_chromium()
        self._pw_cm = sync_playwright()
        self._pw: Playwright | None = None
        self.browser: Browser | None = None

    def __enter__(self) -> OfflineBrowser:
        self._pw = self._pw_cm.__enter__()
        self.browser = self._pw.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.browser is not None:
            self.browser.close()
        self._pw_cm.__exit__(None, None, None)

    def open(
        self,
        html_path: str | Path,
        *,
        viewport: tuple[int, int] = (1920, 1080),
        fulfil: Mapping[str, Path] | None = None,
        allow: Sequence[str] = (),
        wait: bool = True,
        ready_js: str = READY_JS,
        timeout_s: float = 60.0,
        wait_until: str = "load",
        init_script: str | None = None,
    ) -> OfflinePage:
        """Open ``html_path`` with every other request recorded and aborted.

        ``fulfil`` maps URL glob patterns to local files served instead, and requests starting
        with a prefix in ``allow`` are let through; both are still recorded as outside
        requests. Only for benchmarking pages (pyvis) that insist on a CDN or a lib folder.
        """
        assert self.browser is not None, "use OfflineBrowser as a context manager"
        path = Path(html_path).resolve()
        url = path.as_uri()
        ctx = self.browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",
        )
        page = ctx.new_page()
        if init_script:
            page.add_init_script(init_script)
        op = OfflinePage(page, url)
        fulfil = dict(fulfil or {})

        def on_route(route: Route) -> None:
            req_url = route.request.url
            if req_url == op.url:  # the page itself (also after OfflinePage.goto)
                route.continue_()
                return
            op.outside_requests.append(req_url)
            for pattern, local in fulfil.items():
                if fnmatch.fnmatchcase(req_url, pattern):
                    route.fulfill(path=str(local))
                    return
            if req_url.startswith(tuple(allow)):
                route.continue_()
                return
            route.abort()

        def on_request(req: Request) -> None:
            u = req.url
            if (u != op.url and not u.startswith(("data:", "blob:"))
                    and u not in op.outside_requests):
                op.outside_requests.append(u)

        ctx.route("**/*", on_route)
        page.on("request", on_request)
        page.on(
            "console",
            lambda m: op.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: op.page_errors.append(str(e)))
        t0 = time.perf_counter()
        page.goto(url, wait_until=wait_until, timeout=timeout_s * 1000)  # type: ignore[arg-type]
        if wait:
            ok = op.wait_ready(ready_js, timeout_s)
            op.load_wall_ms = (time.perf_counter() - t0) * 1000 if ok else float("nan")
        return op


@contextmanager
def offline_page(html_path: str | Path, **kwargs: Any) -> Iterator[OfflinePage]:
    """Context manager: launch Chromium, open ``html_path`` offline, yield the page."""
    with OfflineBrowser() as b:
        p = b.open(html_path, **kwargs)
        try:
            yield p
        finally:
            p.close()


def open_offline(
    html_path: str | Path,
    *,
    screenshot_path: str | Path | None = None,
    timeout_s: float = 60.0,
    viewport: tuple[int, int] = (1920, 1080),
) -> PageReport:
    """Open a map offline in headless Chromium and return its :class:`PageReport`.

    Raises ``TimeoutError`` if ``window.__rgMap.ready`` never becomes true.
    """
    with offline_page(html_path, viewport=viewport, timeout_s=timeout_s, wait=False) as p:
        if not p.wait_ready(READY_JS, timeout_s):
            raise TimeoutError(
                f"map not ready after {timeout_s}s; page errors={p.page_errors} "
                f"console errors={p.console_errors} outside requests={p.outside_requests}"
            )
        return p.report(screenshot_path)


#: Installed before any page script: records the box of every piece of text drawn on a
#: map's canvas (what the reader sees), independently of how the page chose where to draw it.
TEXT_HOOK_JS = """
(() => {
  const P = CanvasRenderingContext2D.prototype, fill = P.fillText;
  window.__rgText = [];
  P.fillText = function (t, x, y, maxWidth) {
    const c = this.canvas;
    if (c && c.isConnected && c.clientWidth && String(t).trim() !== "") {
      const m = this.measureText(t), T = this.getTransform(), k = c.clientWidth / c.width;
      const x0 = x - m.actualBoundingBoxLeft, x1 = x + m.actualBoundingBoxRight;
      const y0 = y - m.actualBoundingBoxAscent, y1 = y + m.actualBoundingBoxDescent;
      window.__rgText.push({ text: String(t), x0: (T.a * x0 + T.e) * k, x1: (T.a * x1 + T.e) * k,
                             y0: (T.d * y0 + T.f) * k, y1: (T.d * y1 + T.f) * k });
    }
    return fill.apply(this, arguments);
  };
})();
"""

#: One fresh frame: the text boxes drawn and every visible node marker (CSS pixels).
FRAME_JS = """() => {
  const S = window.__rgMap, net = S.network;
  window.__rgText = [];
  net.redraw();
  const pos = net.getPositions(), scale = net.getScale(), markers = [];
  for (const id of net.body.nodeIndices) {
    const node = net.body.nodes[id], c = net.canvasToDOM(pos[id]);
    markers.push({ id: String(id), x: c.x, y: c.y, r: node.options.size * scale });
  }
  const cv = document.querySelector('#rg-canvas canvas');
  return { texts: window.__rgText, markers, width: cv.clientWidth, height: cv.clientHeight,
           hidden: S.hiddenLabels, status: document.getElementById('rg-status').textContent };
}"""


def overlaps(boxes: Sequence[Mapping[str, float]], markers: Sequence[Mapping[str, Any]] = (),
             tol: float = 0.5) -> list[str]:
    """Pairs of drawn texts that overlap, and texts that overlap a node marker.

    A marker is the square of side ``2 r`` around the node centre, shrunk by ``tol``.
    """
    bad: list[str] = []
    ordered = sorted(boxes, key=lambda b: b["x0"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["x0"] >= a["x1"] - tol:
                break
            if a["y0"] < b["y1"] - tol and b["y0"] < a["y1"] - tol:
                bad.append(f"{a['text']!r} / {b['text']!r}")
    for m in markers:
        r = m["r"] - tol
        if r <= 0:
            continue
        for a in boxes:
            if (a["x0"] < m["x"] + r and m["x"] - r < a["x1"]
                    and a["y0"] < m["y"] + r and m["y"] - r < a["y1"]):
                bad.append(f"{a['text']!r} on node {m['id']}")
    return bad
