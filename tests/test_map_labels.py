"""Every wall map of the sample district, opened in real headless Chromium at 1920x1080:
no drawn label over another label or over a node marker, the "+N" of hidden labels shown,
every drill-down link resolving to a map file, nothing fetched from outside.

The text boxes are recorded by a hook on the canvas ``fillText`` (installed before the page's
scripts), so the test checks what is drawn, not what the page meant to draw.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import FRAME_JS, TEXT_HOOK_JS, OfflineBrowser, overlaps

import regional_graph as rg
from regional_graph.viz import maps

DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def sample_maps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("label_maps")
    maps.write_maps(rg.datasets.load_sample_district(), out, as_of=DAY, progress=False)
    return out


def _data(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    blob = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', text, re.S)
    assert blob, path.name
    return json.loads(blob.group(1))


def test_no_label_overlaps_on_any_map(sample_maps: Path) -> None:
    pages = sorted(p for p in sample_maps.glob("*.html")
                   if p.name not in ("index.html", "wall.html"))  # wall.html frames the maps
    kinds = {p.name.split("_")[0].replace(".html", "") for p in pages}
    assert {"district", "street", "community", "org"} <= kinds
    problems: dict[str, list[str]] = {}
    drawn_total = 0
    with OfflineBrowser() as b:
        page = b.open(pages[0], init_script=TEXT_HOOK_JS)  # one tab for every map
        for path in pages:
            try:
                assert page.goto(path), path.name
                frame = page.page.evaluate(FRAME_JS)
                bad = overlaps(frame["texts"], frame["markers"])
                inside = [t["text"] for t in frame["texts"]
                          if t["x0"] < -1 or t["y0"] < -1 or t["x1"] > frame["width"] + 1
                          or t["y1"] > frame["height"] + 1]
                bad += [f"{t!r} outside the canvas" for t in inside]
                bad += page.outside_requests + page.page_errors + page.console_errors
                if not frame["texts"]:
                    bad.append("no label drawn")
                # hidden labels are announced, not silently dropped
                if frame["hidden"] and f"另有 {frame['hidden']} 个名称" not in frame["status"]:
                    bad.append(f"status does not say {frame['hidden']} hidden")
                drawn_total += len(frame["texts"])
                if bad:
                    problems[path.name] = bad[:5]
            except AssertionError as exc:
                problems[path.name] = [f"not ready: {exc}"]
        page.close()
    assert problems == {}, problems
    assert drawn_total > 20 * len(pages)


def test_drill_down_links_resolve(sample_maps: Path) -> None:
    district = _data(sample_maps / "district.html")
    links = [n["href"] for n in district["nodes"] if n.get("href")]
    streets = [n for n in district["nodes"] if n["kind"] == "street"]
    assert len(links) == len(district["nodes"]) and streets
    for page in sample_maps.glob("street_*.html"):
        links += [n["href"] for n in _data(page)["nodes"] if n.get("href")]
    missing = [h for h in links if not (sample_maps / h).is_file()]
    assert missing == []
    assert any(h.startswith("community_") for h in links)
