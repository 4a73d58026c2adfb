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

import numpy as np
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


def _label_problems(pages: list[Path], assets: Path | None = None
                    ) -> tuple[dict[str, list[str]], int]:
    """Open every page in one tab; the overlapping, clipped or unannounced labels of each
    (map → problems) and how many labels were drawn in all. Only files of ``assets`` may
    be loaded besides the page."""
    problems: dict[str, list[str]] = {}
    drawn_total = 0
    local = () if assets is None else (assets.as_uri() + "/",)
    with OfflineBrowser() as b:
        page = b.open(pages[0], init_script=TEXT_HOOK_JS, allow=local)  # one tab for all
        for path in pages:
            try:
                assert page.goto(path), path.name
                frame = page.page.evaluate(FRAME_JS)
                bad = overlaps(frame["texts"], frame["markers"])
                inside = [t["text"] for t in frame["texts"]
                          if t["x0"] < -1 or t["y0"] < -1 or t["x1"] > frame["width"] + 1
                          or t["y1"] > frame["height"] + 1]
                bad += [f"{t!r} outside the canvas" for t in inside]
                bad += [u for u in page.outside_requests if not u.startswith(local or "\0")]
                bad += page.page_errors + page.console_errors
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
    return problems, drawn_total


def _pages(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.html")
                  if p.name not in ("index.html", "wall.html"))  # wall.html frames the maps


def test_no_label_overlaps_on_any_map(sample_maps: Path) -> None:
    pages = _pages(sample_maps)
    kinds = {p.name.split("_")[0].replace(".html", "") for p in pages}
    assert {"district", "street", "community", "org"} <= kinds
    problems, drawn_total = _label_problems(pages)
    assert problems == {}, problems
    assert drawn_total > 20 * len(pages)


def test_geo_maps_follow_the_map_keep_regions_and_never_overlap(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """``layout="geo"`` on street S03 (264 nodes, 13 communities): organisations placed by
    their lat/lon (rank correlation of x with longitude and of y with latitude, against
    the input table), each community still a named region, and no label over another."""
    from scipy.stats import spearmanr

    sample = rg.datasets.load_sample_district()
    out = tmp_path_factory.mktemp("geo_maps")
    maps.write_maps(sample, out, as_of=DAY, layout="geo", streets=["S03"], progress=False)
    street = _data(out / "street_S03.html")
    communities = {n["community"] for n in street["nodes"] if n["kind"] == "community"}
    names = {r["name"].split("（")[0] for r in street["regions"]}
    assert len(communities) >= 10 and len(names) >= len(communities)
    orgs = sample.nodes[rg.schema.Label.ORGANIZATION][["lat", "lon"]].dropna()
    drawn = [(n["x"], n["y"], *orgs.loc[n["id"]]) for n in street["nodes"]
             if n["id"] in orgs.index]
    x, y, lat, lon = np.array(drawn).T
    assert len(drawn) >= 50
    assert spearmanr(x, lon)[0] > 0.8 and spearmanr(-y, lat)[0] > 0.8
    problems, drawn_total = _label_problems(_pages(out))
    assert problems == {}, problems
    assert drawn_total > 20 * len(_pages(out))


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


def test_shared_assets_pages_are_small_and_draw_the_same(sample_maps: Path,
                                                         tmp_path: Path) -> None:
    """``shared_assets=True``: one vis-network and one font in ``assets/``, linked by every
    page; the pages are a fraction of the self-contained ones, carry the same map data, and
    draw with the font, no label over another, nothing fetched but the two assets."""
    out = tmp_path / "shared"
    maps.write_maps(rg.datasets.load_sample_district(), out, as_of=DAY, streets=["S01"],
                    progress=False, shared_assets=True)
    assert sorted(p.name for p in (out / "assets").iterdir()) == ["rg-cjk.css",
                                                                  "vis-network.min.js"]
    pages = _pages(out)
    for p in pages:
        assert _data(p) == _data(sample_maps / p.name), p.name
        assert p.stat().st_size < 0.4 * (sample_maps / p.name).stat().st_size, p.name
    problems, drawn_total = _label_problems(pages, assets=out / "assets")
    assert problems == {}, problems
    assert drawn_total > 20 * len(pages)
