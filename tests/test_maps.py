"""Wall maps of the sample district, checked in headless Chromium (network disabled).

These tests need /usr/bin/chromium; they fail (never skip) when it is missing.
"""

from __future__ import annotations

import logging
import re
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli, schema
from regional_graph.analysis import coverage, isolation
from regional_graph.schema import Label
from regional_graph.viz import maps
from regional_graph.viz.render import vis_network_js

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import OfflineBrowser, OfflinePage

DAY = rg.datasets.REFERENCE_DATE
COMMUNITY = "C001"
PHONE_COL, SECRETARY_COL = "联系电话", "书记姓名"


def pii_graph() -> rg.RegionalGraph:
    """The sample district plus two personal columns on the organisations table."""
    G = rg.datasets.load_sample_district()
    orgs = G.nodes[Label.ORGANIZATION]
    n = len(orgs)
    G.nodes[Label.ORGANIZATION] = orgs.assign(**{
        PHONE_COL: pd.array([f"1770{i:07d}" for i in range(n)], dtype="str"),
        SECRETARY_COL: pd.array([f"欧阳{'甲乙丙丁戊'[i % 5]}{'寅卯辰巳'[i // 5 % 4]}"
                                 f"{i:03d}" for i in range(n)], dtype="str"),
    })
    return G


def personal_values(G: rg.RegionalGraph) -> dict[str, list[str]]:
    """Every personal value of the graph: members' names, phones and ID numbers, and the
    extra organisation columns. Member names that are also part of a public name (an area,
    Party org or organisation name) are left out: they can't be told apart in a file."""
    m = G.nodes[Label.MEMBER]
    public = "\n".join(
        str(x) for lbl in (Label.AREA, Label.PARTY_ORG, Label.ORGANIZATION)
        for x in G.nodes[lbl]["name"].dropna()
    )
    names = [x for x in m["name"].dropna().astype(str) if x not in public]
    orgs = G.nodes[Label.ORGANIZATION]
    return {
        "member name": names,
        "member phone": list(m["phone"].dropna().astype(str)),
        "member id_number": list(m["id_number"].dropna().astype(str)),
        PHONE_COL: list(orgs[PHONE_COL].astype(str)),
        SECRETARY_COL: list(orgs[SECRETARY_COL].astype(str)),
    }


def file_texts(path: Path) -> Iterable[str]:
    """The text a file could leak: UTF-8 of the bytes, and for PDFs the decompressed
    streams (UTF-8 and UTF-16-BE)."""
    data = path.read_bytes()
    yield data.decode("utf-8", errors="ignore")
    if path.suffix == ".pdf":
        for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
            try:
                raw = zlib.decompress(m.group(1))
            except zlib.error:
                raw = m.group(1)
            yield raw.decode("utf-8", errors="ignore")
            yield raw.decode("utf-16-be", errors="ignore")


def pii_hits(files: Iterable[Path], values: dict[str, list[str]]) -> list[str]:
    """Where personal values occur. The vendored vis-network library (scanned once, as it
    is) and the base64 font blobs are cut out of each file first, to keep the scan fast."""
    vis = vis_network_js()
    hits = [f"vis-network.min.js: {what} {v!r}" for what, vals in values.items()
            for v in vals if v in vis]
    for f in files:
        for raw in file_texts(f):
            text = re.sub(r"base64,[A-Za-z0-9+/=]+", "base64,", raw.replace(vis, ""))
            for what, vals in values.items():
                hits.extend(f"{f.name}: {what} {v!r}" for v in vals if v in text)
    return hits


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return pii_graph()


@pytest.fixture(scope="module")
def browser() -> OfflineBrowser:
    with OfflineBrowser() as b:
        yield b


@pytest.fixture(scope="module")
def community(G: rg.RegionalGraph) -> maps.NetworkMap:
    return maps.community_map(G, COMMUNITY, as_of=DAY)


@pytest.fixture(scope="module")
def community_page(browser: OfflineBrowser, community: maps.NetworkMap,
                   tmp_path_factory: pytest.TempPathFactory) -> OfflinePage:
    path = community.write_html(tmp_path_factory.mktemp("maps") / "community.html")
    page = browser.open(path)
    yield page
    page.close()


@pytest.fixture(scope="module")
def all_maps_dir(G: rg.RegionalGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("all_maps")
    maps.write_maps(G, out, as_of=DAY, progress=False)
    return out


def _community_members(G: rg.RegionalGraph, cid: str) -> dict[str, set[str]]:
    """Ids that must be on the community map, from the tables (not from maps.py)."""
    areas = G.nodes[Label.AREA]
    sub = {cid}
    for _ in range(4):
        sub |= set(areas.index[areas["parent_id"].isin(list(sub))])
    orgs = G.nodes[Label.ORGANIZATION]
    located = set(orgs.index[orgs["area_id"].isin(list(sub))])
    res = G.nodes[Label.RESOURCE]
    dem = G.nodes[Label.DEMAND]
    return {
        "areas": sub,
        "organizations": located,
        "resources": set(res.index[res["area_id"].isin(list(sub))]),
        "demands": set(dem.index[dem["area_id"].isin(list(sub))]),
    }


# --------------------------------------------------------------------------------------------


def test_community_map_drawn_offline(community: maps.NetworkMap, community_page: OfflinePage,
                                     G: rg.RegionalGraph, tmp_path: Path) -> None:
    rep = community_page.report(tmp_path / "shot.png")
    assert rep.extra["ready"]
    assert rep.canvas_nonblank, rep.nonblank_pixels
    assert rep.total_nodes == len(community.nodes) == community.counts["nodes"]
    # grid / building detail is collapsed by default; the toggle shows it
    fine = sum(1 for n in community.nodes if n.get("fine"))
    assert fine > 0 and rep.drawn_nodes == rep.total_nodes - fine
    community_page.page.check("#rg-fine")
    community_page.page.evaluate("() => window.__rgMap.network.redraw()")
    assert community_page.page.evaluate("() => window.__rgMap.nodes") == rep.total_nodes
    assert rep.outside_requests == []
    assert rep.console_errors == [] and rep.page_errors == []
    page_ids = set(community_page.page.evaluate("() => window.__rgMap.network.body.nodeIndices"))
    want = _community_members(G, COMMUNITY)
    for what, ids in want.items():
        assert ids <= page_ids, (what, ids - page_ids)
    # the legend lists every kind present (and nothing for absent kinds)
    kinds = {n["kind"] for n in community.nodes}
    legend = rep.legend_text
    for kind in kinds:
        assert schema.NODE_STYLE[kind][2] in legend
    absent = set(schema.NODE_STYLE) - kinds
    assert not {schema.NODE_STYLE[k][2] for k in absent} & set(legend)


def test_community_map_search_and_glyphs(community_page: OfflinePage,
                                         G: rg.RegionalGraph) -> None:
    orgs = G.nodes[Label.ORGANIZATION]
    oid = orgs.index[orgs["area_id"] == COMMUNITY][0]
    name = str(orgs.loc[oid, "name"])
    res = community_page.search(name)
    assert res.selected == oid and name in res.status
    res = community_page.search(name[1:4])  # a Chinese substring
    assert res.matches >= 1
    chk = community_page.check_cjk_glyphs("社区党委资源网络")
    assert chk.ok, chk


def test_community_map_filters(community_page: OfflinePage,
                               community: maps.NetworkMap) -> None:
    n_party = sum(1 for n in community.nodes if n["kind"] == "party_org")
    assert community_page.set_filter("kind", "party_org") == n_party
    assert community_page.set_filter("kind", "") == len(community.nodes)


def test_map_content_allow_list(community: maps.NetworkMap) -> None:
    allowed = {"id", "label", "x", "y", "color", "shape", "size", "title", "kind",
               "kind_zh", "level", "street", "community", "flag", "vis",
               # drawing: label priority / side, region, collapsed detail, drill-down link
               "prio", "side", "region", "fine", "href", "nolabel"}
    for n in community.nodes:
        assert set(n) <= allowed
    assert "在职党员报到" in community.nodes[0]["title"]
    assert community.nodes[0]["id"] == COMMUNITY
    assert community.title.startswith(str(community.nodes[0]["label"]))
    assert "数据日期 2026-10-01" in community.subtitle


def test_analysis_marks_match_the_analyses(G: rg.RegionalGraph) -> None:
    m = maps.district_overview(G, as_of=DAY, aggregate=False)
    flagged = {n["id"]: n for n in m.nodes if n.get("flag")}
    unc = coverage.uncovered(G, as_of=DAY)
    iso = isolation.isolated_units(G, as_of=DAY)
    assert {i for i, n in flagged.items() if "uncovered" in n["flag"]} == set(unc.index)
    assert {i for i, n in flagged.items() if "isolated" in n["flag"]} == set(iso.index)
    some = unc.index[0]
    assert "未覆盖" in flagged[some]["title"]
    dash, gap = flagged[some]["vis"]["shapeProperties"]["borderDashes"]
    # about four dashes round the node whatever its size, so zooming out keeps them visible
    assert 3 <= 2 * 3.1416 * flagged[some]["size"] / (dash + gap) <= 6
    statuses = {e["status"] for e in m.edges}
    assert {"expired", "dormant", "expiring"} <= statuses
    expired = next(e for e in m.edges if e["status"] == "expired")
    assert expired["dashes"] and "已到期" in expired["title"]
    dormant = next(e for e in m.edges if e["status"] == "dormant")
    assert "休眠" in dormant["title"]
    legend = [x[0] for x in m.legend]
    assert any("已到期" in x for x in legend) and any("需关注" in x for x in legend)
    assert m.counts["uncovered"] == len(unc) and m.counts["isolated"] == len(iso)


def test_layouts_deterministic_and_geo(G: rg.RegionalGraph) -> None:
    a = maps.community_map(G, COMMUNITY, as_of=DAY)
    b = maps.community_map(G, COMMUNITY, as_of=DAY)
    assert [(n["x"], n["y"]) for n in a.nodes] == [(n["x"], n["y"]) for n in b.nodes]
    geo = maps.street_map(G, "S01", as_of=DAY, layout="geo")
    orgs = G.nodes[Label.ORGANIZATION]
    placed = [(n, orgs.loc[n["id"]]) for n in geo.nodes
              if n["id"] in orgs.index and pd.notna(orgs.loc[n["id"], "lat"])]
    assert len(placed) >= 3
    xs = np.array([n["x"] for n, _ in placed])
    ys = np.array([n["y"] for n, _ in placed])
    lon = np.array([float(r["lon"]) for _, r in placed])
    lat = np.array([float(r["lat"]) for _, r in placed])
    # east is right, north is up: each community's disc at its members' mean position and
    # the members by their relative geography inside it, moved apart only as far as the
    # discs and the labels need (a pure projection would give ±1)
    assert np.corrcoef(xs, lon)[0, 1] > 0.95
    assert np.corrcoef(ys, lat)[0, 1] < -0.95
    assert geo.regions  # the communities stay named regions on a geographic map
    assert all(np.isfinite([n["x"], n["y"]]).all() for n in geo.nodes)


def test_org_chart_and_overview_render(G: rg.RegionalGraph, browser: OfflineBrowser,
                                       tmp_path: Path) -> None:
    chart = maps.org_chart(G, "S01", as_of=DAY)
    levels = [n["level"] for n in chart.nodes]
    assert levels[0] == "street_committee"
    assert {"community_committee", "grid_branch"} <= set(levels)
    x = {n["level"]: n["x"] for n in chart.nodes}
    assert x["street_committee"] < x["community_committee"] < x["grid_branch"]  # a tree
    overview = maps.district_overview(G, as_of=DAY, aggregate=True)
    assert {n["kind"] for n in overview.nodes} == {"street", "community"}
    assert any(e["type"] == "TIES" and int(e["label"]) >= 1 for e in overview.edges)
    for m in (chart, overview):
        page = browser.open(m.write_html(tmp_path / f"{m.key}.html"))
        try:
            rep = page.report()
        finally:
            page.close()
        assert rep.drawn_nodes == len(m.nodes) == rep.total_nodes
        assert rep.canvas_nonblank
        assert rep.outside_requests == [] and rep.console_errors == [] == rep.page_errors


def test_write_maps_index_links_every_map(all_maps_dir: Path, G: rg.RegionalGraph) -> None:
    pages = sorted(p.name for p in all_maps_dir.glob("*.html")
                   if p.name not in ("index.html", "wall.html"))
    levels = G.nodes[Label.AREA]["level"].value_counts()
    assert len(pages) == 1 + 2 * int(levels["street"]) + int(levels["community"])
    index = (all_maps_dir / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]+)"', index)
    assert sorted(set(hrefs)) == pages
    assert "@font-face" in index and not re.search(r"https?://", index)


def test_pii_scan_of_every_exported_file(all_maps_dir: Path, G: rg.RegionalGraph) -> None:
    values = personal_values(G)
    assert all(values.values())
    files = sorted(p for p in all_maps_dir.rglob("*") if p.is_file())  # layout/ too
    assert len(files) > 100 and any(p.parent.name == "layout" for p in files)
    assert pii_hits(files, values) == []


def test_include_personal_shows_it_and_warns(G: rg.RegionalGraph, tmp_path: Path,
                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="regional_graph.viz.maps"):
        m = maps.community_map(G, COMMUNITY, as_of=DAY, include_personal=True)
    assert any("include_personal" in r.getMessage() for r in caplog.records)
    path = m.write_html(tmp_path / "personal.html")
    text = path.read_text(encoding="utf-8")
    orgs = G.nodes[Label.ORGANIZATION]
    here = orgs[orgs["area_id"] == COMMUNITY]
    assert str(here[PHONE_COL].iloc[0]) in text
    assert str(here[SECRETARY_COL].iloc[0]) in text
    members = G.nodes[Label.MEMBER]
    residents = members[members["residence_area_id"] == COMMUNITY]
    assert str(residents["phone"].iloc[0]) in text
    assert str(residents["id_number"].iloc[0]) in text
    assert str(residents["name"].iloc[0]) in text
    assert pii_hits([path], personal_values(G))  # the scan does find them


def test_cli_maps(tiny_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "maps"
    assert cli.main(["maps", str(tiny_dir), "--out", str(out), "--as-of", "2024-06-30"]) == 0
    assert (out / "index.html").is_file() and (out / "community_C1.html").is_file()
    assert "13800000001" not in "".join(p.read_text(encoding="utf-8-sig")
                                        for p in out.rglob("*") if p.is_file())
    captured = capsys.readouterr()
    assert "WARNING" not in captured.err
    out2 = tmp_path / "maps2"
    assert cli.main(["maps", str(tiny_dir), "--out", str(out2), "--as-of", "2024-06-30",
                     "--include-personal", "--layout", "geo"]) == 0
    captured = capsys.readouterr()
    assert "WARNING" in captured.err and "personal" in captured.err
    assert "13800000001" in (out2 / "community_C1.html").read_text(encoding="utf-8")


def test_bad_arguments(G: rg.RegionalGraph) -> None:
    with pytest.raises(ValueError, match="street"):
        maps.community_map(G, "S01")
    with pytest.raises(KeyError, match="nope"):
        maps.street_map(G, "nope")
    with pytest.raises(ValueError, match="layout"):
        maps.community_map(G, COMMUNITY, layout="spring")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="formats"):
        maps.write_maps(G, "/tmp/never", formats=("gif",))
