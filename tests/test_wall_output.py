"""What the wall maps hand out: index.csv equal to the indicator tables (two datasets), the
wall-screen page cycling in Chromium, inline Jupyter preview and pyvis export, quiet logs."""

from __future__ import annotations

import dataclasses
import html
import logging
import sys
from pathlib import Path

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli
from regional_graph.analysis.indicators import indicators
from regional_graph.build import graph_from_tables
from regional_graph.datasets import SCALES, generate_tables
from regional_graph.schema import Label
from regional_graph.validate import validate_tables
from regional_graph.viz import headline, maps, wallscreen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import OfflineBrowser

DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def sample() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def second() -> rg.RegionalGraph:
    """A second generated district (other seed, other shape: 4 streets, 5 communities each)."""
    scale = dataclasses.replace(SCALES["district"], streets_per_district=4,
                                communities_per_street=5.0)
    return graph_from_tables(validate_tables(generate_tables(scale, seed=23)), validate=False,
                             name="第二区")


@pytest.fixture(scope="module")
def sample_index(sample: rg.RegionalGraph) -> pd.DataFrame:
    """index.csv of every map of the sample district (built in memory, as write_maps does)."""
    ms = list(maps.all_maps(sample, as_of=DAY, progress=False))
    return headline.index_table(ms)


@pytest.fixture(scope="module")
def second_out(second: rg.RegionalGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("second")
    maps.write_maps(second, out, as_of=DAY, progress=False, workers=2,
                    wall={"interval": 2.0})
    return out


def read_index(path: Path) -> pd.DataFrame:
    """``index.csv`` (Chinese headers) with the column names of ``headline.index_table``."""
    back = {v: k for k, v in headline.index_columns().items()}
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"区域编号": str},
                       keep_default_na=False).rename(columns=back)


def _brute_counts(G: rg.RegionalGraph, level: str) -> pd.DataFrame:
    """Two-new organisations and resident units per area, straight from the tables (the
    organisation's area_id walked up parent_id), not through the library's code."""
    areas = G.nodes[Label.AREA]
    parent = areas["parent_id"].astype(object).to_dict()
    lvl = areas["level"].astype(object).to_dict()

    def up(a: object) -> object:
        while a is not None and not pd.isna(a) and lvl.get(a) != level:
            a = parent.get(a)
        return a if a is not None and not pd.isna(a) else None

    orgs = G.nodes[Label.ORGANIZATION]
    where = orgs["area_id"].astype(object).map(up)
    kind = orgs["kind"].astype(str)
    ids = areas.index[areas["level"] == level]
    two_new = where[kind.isin(rg.schema.TWO_NEW_KINDS)].value_counts()
    units = where[kind.isin(rg.schema.RESIDENT_UNIT_KINDS)].value_counts()
    return pd.DataFrame({"two_new": two_new.reindex(ids, fill_value=0),
                         "resident_units": units.reindex(ids, fill_value=0)})


def _check_index(index: pd.DataFrame, G: rg.RegionalGraph) -> int:
    """Every street, community and district row of ``index`` equals the indicator table of
    its level; returns the number of rows checked."""
    checked = 0
    for level in ("community", "street", "district"):
        table = indicators(G, by=level, as_of=DAY)
        rows = index[index["kind"] == level]
        if level != "district":
            assert sorted(rows["area_id"]) == sorted(table.index), level
        for _, row in rows.iterrows():
            want = table if level == "district" else table.loc[[row["area_id"]]]
            for key, (col, _) in headline.HEADLINE.items():
                if col in table.columns:
                    assert int(row[key]) == int(want[col].sum()), (row["file"], key)
            if level != "district":
                assert row["area_name"] == table.loc[row["area_id"], "name"]
            checked += 1
        brute = _brute_counts(G, level)
        if level != "district":
            got = rows.set_index("area_id")[["two_new", "resident_units"]].astype(int)
            pd.testing.assert_frame_equal(got.loc[brute.index], brute.astype(int),
                                          check_names=False)
    charts = index[index["kind"] == "org_chart"]
    table = indicators(G, by="street", as_of=DAY)
    for _, row in charts.iterrows():
        for key, (col, _) in headline.ORG_CHART_HEADLINE.items():
            assert int(row[key]) == int(table.loc[row["area_id"], col]), (row["file"], key)
    return checked


def test_index_equals_indicator_tables_sample(sample_index: pd.DataFrame,
                                              sample: rg.RegionalGraph) -> None:
    assert _check_index(sample_index, sample) == 116 + 13 + 1
    # the map of C004 draws context organisations of other communities; its numbers are
    # still C004's own (v0.1 showed 3 two-new organisations and 1 uncovered)
    c004 = sample_index.set_index("area_id").loc["C004"]
    assert (int(c004["two_new"]), int(c004["uncovered"])) == (2, 0)


def test_index_csv_written_equals_indicator_tables_second_district(
        second_out: Path, second: rg.RegionalGraph) -> None:
    header = pd.read_csv(second_out / "index.csv", encoding="utf-8-sig", nrows=0)
    assert list(header.columns[:6]) == ["文件", "地图类型", "层级", "区域编号", "区域名称",
                                        "数据日期"]
    assert "两新组织数" in header.columns  # the indicator tables' own header
    index = read_index(second_out / "index.csv")
    assert _check_index(index, second) == 20 + 4 + 1
    assert set(index["file"]) <= {p.name for p in second_out.iterdir()}
    assert set(index["as_of"]) == {DAY.isoformat()}
    # the title block shows the same numbers as the table
    c = index[index["kind"] == "community"].iloc[0]
    page = (second_out / c["file"]).read_text(encoding="utf-8")
    assert f"两新组织 {int(c['two_new'])} 个" in page
    assert f"驻区单位 {int(c['resident_units'])} 个" in page


def test_wall_screen_cycles_offline(second_out: Path) -> None:
    wall = second_out / "wall.html"
    page_text = wall.read_text(encoding="utf-8")
    assert "://" not in page_text.replace(second_out.as_uri(), "")
    folder = second_out.as_uri() + "/"
    ready = "() => !!(window.__rgWall && window.__rgWall.shown.length >= 3)"
    with OfflineBrowser() as b:
        op = b.open(wall, allow=[folder], ready_js=ready, timeout_s=30)
        try:
            state = op.page.evaluate("() => ({...window.__rgWall})")
            assert state["interval"] == 2
            keys = state["pages"]
            assert keys[0].startswith("street_") and len(keys) == 4 + 20
            assert state["shown"][:3] == keys[:3]  # cycles in the configured order
            # the visible frame really shows the current map, drawn
            cur = op.page.evaluate("() => window.__rgWall.pages[window.__rgWall.index]")
            visible = op.page.evaluate("() => [...document.querySelectorAll('iframe')].find("
                                       "f => !f.classList.contains('next')).dataset.file")
            assert visible == f"{cur}.html"
            frame = next(f for f in op.page.frames if f.url.endswith(f"/{cur}.html"))
            frame.wait_for_function("() => !!(window.__rgMap && window.__rgMap.ready)",
                                    timeout=20000)
            assert frame.evaluate("() => document.title").endswith("网络图")
            op.page.keyboard.press("Space")
            paused_at = op.page.evaluate("() => window.__rgWall.index")
            op.page.wait_for_timeout(3000)
            assert op.page.evaluate("() => [window.__rgWall.paused, window.__rgWall.index]"
                                    ) == [True, paused_at]
            op.page.keyboard.press("ArrowRight")
            assert op.page.evaluate("() => window.__rgWall.index") == (paused_at + 1) % len(keys)
            op.page.keyboard.press("ArrowLeft")
            op.page.keyboard.press("ArrowLeft")
            assert op.page.evaluate("() => window.__rgWall.index") == (paused_at - 1) % len(keys)
            assert "暂停" in op.page.inner_text("#status")
            op.page.keyboard.press("Space")
            op.page.wait_for_function("() => !window.__rgWall.paused && "
                                      f"window.__rgWall.index !== {(paused_at - 1) % len(keys)}",
                                      timeout=10000)
            # only sibling files were loaded; nothing from the network
            assert op.outside_requests and all(u.startswith(folder) for u in op.outside_requests)
            assert op.page_errors == []
        finally:
            op.close()


def test_wall_order_and_interval_are_configurable(sample: rg.RegionalGraph) -> None:
    ms = [maps.street_map(sample, "S01", as_of=DAY), maps.community_map(sample, "C002", as_of=DAY),
          maps.community_map(sample, "C001", as_of=DAY), maps.org_chart(sample, "S01", as_of=DAY)]
    assert [m.key for m in wallscreen.wall_order(ms)] == ["street_S01", "community_C001",
                                                          "community_C002"]
    by_attention = wallscreen.wall_order(ms, "attention")
    score = [sum(m.counts.get(k, 0) for k in ("uncovered", "should_build", "isolated",
                                              "unpaired")) for m in by_attention]
    assert score == sorted(score, reverse=True)
    page = wallscreen.wallscreen_page(ms, interval=12, order=["community_C002", "street_S01"])
    assert '"interval": 12' in page and page.index("community_C002.html") < page.index(
        "street_S01.html")
    with pytest.raises(ValueError, match="interval"):
        wallscreen.wallscreen_page(ms, interval=0.5)
    with pytest.raises(KeyError, match="nope"):
        wallscreen.wall_order(ms, ["nope"])


def test_repr_html_and_pyvis(sample: rg.RegionalGraph) -> None:
    m = maps.community_map(sample, "C004", as_of=DAY)
    snippet = m._repr_html_()
    assert snippet.startswith("<iframe srcdoc=") or (snippet.startswith("<iframe")
                                                      and " srcdoc=" in snippet)
    assert "file:" not in snippet and "/tmp" not in snippet
    doc = html.unescape(snippet.split('srcdoc="', 1)[1].split('" style=', 1)[0])
    assert doc == m.to_html()  # the whole offline page, no file path
    net = m.to_pyvis()
    assert net.options.physics.enabled is False
    got = {n["id"]: n for n in net.nodes}
    assert set(got) == {n["id"] for n in m.nodes}
    for n in m.nodes:
        p = got[n["id"]]
        assert (p["x"], p["y"], p["label"], p["color"], p["shape"]) == (
            n["x"], n["y"], n["label"], n["color"], n["shape"])
        assert p["physics"] is False
    assert len(net.edges) == len(m.edges)
    e0, p0 = m.edges[0], net.edges[0]
    assert (p0["from"], p0["to"], p0["color"]) == (e0["from"], e0["to"], e0["color"])


def test_cli_maps_quiet_with_index_and_wall(tiny_dir: Path, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "m"
    with caplog.at_level(logging.DEBUG):
        assert cli.main(["-v", "maps", str(tiny_dir), "--out", str(out), "--as-of",
                         "2024-06-30", "--format", "html", "pdf", "--paper", "A3",
                         "--workers", "1", "--wall-interval", "10"]) == 0
    assert not [r for r in caplog.records if r.name.startswith("fontTools")
                and r.levelno < logging.WARNING]
    index = read_index(out / "index.csv")
    assert {"community_C1.html", "street_S1.html"} <= set(index["file"])
    assert '"interval": 10' in (out / "wall.html").read_text(encoding="utf-8")
