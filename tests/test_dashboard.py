"""The district dashboard: its numbers against the indicator tables and the analyses, and
the page itself in real headless Chromium with the network cut off."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import OfflineBrowser

import regional_graph as rg
from regional_graph.analysis import coverage, isolation
from regional_graph.analysis.indicators import indicators
from regional_graph.cli import main
from regional_graph.matching import match_resources
from regional_graph.matching.orders import order_indicators
from regional_graph.schema import Label
from regional_graph.viz.dashboard import KPIS, LISTS, dashboard_data
from regional_graph.viz.maps import community_map

DAY = rg.datasets.REFERENCE_DATE
OLD_DAY = "2025-10-01"
READY = "() => !!(window.__rgDash && window.__rgDash.ready)"


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def tables(G: rg.RegionalGraph) -> dict[str, pd.DataFrame]:
    m = match_resources(G, as_of=DAY)
    out = {lvl: indicators(G, by=lvl, as_of=DAY, matching=m)
           for lvl in ("district", "street", "community")}
    out["old_district"] = indicators(G, by="district", as_of=OLD_DAY,
                                     matching=match_resources(G, as_of=OLD_DAY))
    out["unmet_demands"] = m.unmet_demands
    out["totals"] = m.totals
    return out


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page as the command writes it (font embedded, compared with a year before:
    the older ledger is the same folder, evaluated on ``OLD_DAY``)."""
    out = tmp_path_factory.mktemp("dash")
    status = main(["dashboard", str(rg.datasets.SAMPLE_DISTRICT), "--out", str(out),
                   "--as-of", DAY.isoformat(), "--compare", str(rg.datasets.SAMPLE_DISTRICT),
                   "--compare-as-of", OLD_DAY])
    assert status == 0
    return out / "dashboard.html"


def _embedded(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    blob = re.search(r'<script id="rg-data" type="application/json">(.*?)</script>', text, re.S)
    assert blob is not None
    return json.loads(blob.group(1))


def _expected_kpis(G: rg.RegionalGraph, tables: dict[str, pd.DataFrame], day: object,
                   level: str, area: str) -> dict[str, float]:
    """Headline figures of one area straight from the tables and the analyses."""
    row = tables[level].loc[area]
    exp = {k.key: row[k.key] for k in KPIS if k.key in row.index}
    for key, frame in (("dormant_ties", isolation.dormant_ties(G, as_of=day)),
                       ("expiring_ties", isolation.expiring_ties(G, as_of=day))):
        place = G.ancestor_at(G.area_of()[G.codes(frame["target_id"])], level)
        exp[key] = int((place == G.codes([area])[0]).sum())
    orders = order_indicators(G, as_of=day, by=level)
    exp["fulfilment_rate"] = orders["fulfilment_rate"].get(area, np.nan)
    return exp


def _fmt(v: float, unit: str) -> str:
    if v is None or pd.isna(v):
        return "—"
    return f"{100 * v:.1f}%" if unit == "rate" else f"{int(v):,}"


def test_embedded_data_equals_indicator_tables(G, tables, page) -> None:
    d = _embedded(page)
    assert d["root"] == "D01" and d["meta"]["compare"].endswith(f"（{OLD_DAY}）")
    for level in ("district", "street", "community"):
        t = tables[level]
        assert set(t.index) <= set(d["values"])
        for col in ("rate_all", "rate_with_members", "uncovered", "should_build",
                    "isolated_units", "unpaired_communities", "conference_rate",
                    "reporting_rate", "unmet", "served", "pairs", "members"):
            got = pd.Series({a: d["values"][a][col] for a in t.index}, dtype="float64")
            np.testing.assert_allclose(got.to_numpy(), t[col].to_numpy(dtype="float64"),
                                       rtol=1e-5, equal_nan=True, err_msg=f"{level}.{col}")
    old = tables["old_district"].loc["D01"]
    assert d["old"]["D01"]["rate_all"] == pytest.approx(old["rate_all"], rel=1e-5)
    assert d["old"]["D01"]["isolated_units"] == old["isolated_units"]
    # figures not in the indicator table: from the analyses themselves
    assert d["values"]["D01"]["dormant_ties"] == len(isolation.dormant_ties(G, as_of=DAY))
    assert d["values"]["D01"]["expiring_ties"] == len(isolation.expiring_ties(G, as_of=DAY))
    total = order_indicators(G, as_of=DAY, by=None).loc["all", "fulfilment_rate"]
    assert d["values"]["D01"]["fulfilment_rate"] == pytest.approx(total, rel=1e-5)
    cats = tables["totals"].loc["category"]
    assert d["unmet_by_category"]["D01"] == {
        rg.schema.CATEGORY.zh(k): int(v) for k, v in cats["unmet"].items() if v > 0}
    # per street: the street rows add up to the district (hand check of the placement)
    streets = [a for a, x in d["areas"].items() if x["level"] == "street"]
    for key in ("dormant_ties", "expiring_ties", "uncovered"):
        assert sum(d["values"][s][key] for s in streets) == d["values"]["D01"][key]
    # the lists are the analyses' rows
    lists = d["lists"]
    assert {r[0] for r in lists["uncovered"]["rows"]} == set(coverage.uncovered(G, as_of=DAY).index)
    assert {r[0] for r in lists["should_build"]["rows"]} == set(
        coverage.should_build(G, as_of=DAY).index)
    assert {r[0] for r in lists["isolated"]["rows"]} == set(
        isolation.isolated_units(G, as_of=DAY).index)
    assert {r[0] for r in lists["unmet"]["rows"]} == set(tables["unmet_demands"].index)
    assert list(lists) == list(LISTS)
    assert all(r[7] for v in lists.values() for r in v["rows"])  # every row says why


def test_no_personal_data_on_the_page(G, page) -> None:
    text = page.read_text(encoding="utf-8")
    d = _embedded(page)
    strings = {s for v in d["lists"].values() for r in v["rows"] for s in r if s}
    strings |= {a["name"] for a in d["areas"].values()}
    members = G.nodes[Label.MEMBER]
    assert len(members) > 0
    for col in ("phone", "id_number"):
        assert not any(str(x) in text for x in members[col].dropna())
    assert not (set(members["name"].dropna()) & strings)
    assert not (set(members.index) & strings)


def test_compare_with_a_date_equals_compare_with_the_same_ledger(G, page) -> None:
    """--compare DATE measures the same graph on that day: the same as the older ledger."""
    ref = dashboard_data(G, as_of=DAY, compare=OLD_DAY)
    assert ref["meta"]["compare"] == OLD_DAY
    assert _embedded(page)["old"] == ref["old"]


def test_cli_rejects_a_bad_compare(capsys) -> None:
    with pytest.raises(SystemExit) as err:
        main(["dashboard", str(rg.datasets.SAMPLE_DISTRICT), "--out", "x",
              "--compare", "去年"])
    assert err.value.code == 2
    assert "既不是已有的数据文件夹或工作簿，也不是日期" in capsys.readouterr().err


def _kpi_cards(p) -> dict[str, dict[str, str]]:
    return p.page.eval_on_selector_all(
        ".kpi", """els => Object.fromEntries(els.map(e => [e.dataset.kpi, {
            value: e.querySelector('.value').textContent,
            delta: e.querySelector('.delta').textContent, title: e.title}]))""")


def test_page_in_headless_chromium(G, tables, page) -> None:
    units = {k.key: k.unit for k in KPIS}
    with OfflineBrowser() as b:
        p = b.open(page, ready_js=READY)
        try:
            # every headline figure as shown == the indicator table / the analyses
            cards = _kpi_cards(p)
            assert list(cards) == [k.key for k in KPIS]
            exp = _expected_kpis(G, tables, DAY, "district", "D01")
            for key, v in exp.items():
                assert cards[key]["value"] == _fmt(v, units[key]), key
            assert all(c["title"] for c in cards.values())  # definition on hover
            iso_old = int(tables["old_district"].loc["D01", "isolated_units"])
            iso_new = int(tables["district"].loc["D01", "isolated_units"])
            assert cards["isolated_units"]["delta"] == (
                f"较对比期 {'▲' if iso_new > iso_old else '▼'} {abs(iso_new - iso_old)}"
                if iso_new != iso_old else "与对比期持平")
            p.page.click('[data-kpi="rate_with_members"]')  # definition on click
            assert p.page.is_visible('[data-kpi="rate_with_members"] .def')
            assert "有党员" in p.page.inner_text('[data-kpi="rate_with_members"] .def')

            # a filter: uncovered list by street
            unc = coverage.uncovered(G, as_of=DAY)
            street = unc["street_id"].value_counts().index[0]
            p.page.select_option("#f-street", street)
            rows = p.page.eval_on_selector_all("#list .row", "els => els.map(e => e.dataset.id)")
            assert sorted(rows) == sorted(unc.index[unc["street_id"] == street])
            p.page.select_option("#f-street", "")
            # a search, on another list
            p.page.click('#tabs button[data-list="isolated"]')
            iso = isolation.isolated_units(G, as_of=DAY)
            name = iso["name"].iloc[0]
            p.page.fill("#q", name)
            rows = p.page.eval_on_selector_all("#list .row", "els => els.map(e => e.dataset.id)")
            assert rows == list(iso.index[iso["name"].str.contains(name, regex=False)])
            href = p.page.get_attribute("#list .row .nm", "href")
            cid = iso["community_id"].iloc[0]
            assert href == community_map(G, cid, as_of=DAY).key + ".html"
            assert "列入原因" in p.page.inner_text("#list .row .why")
            p.page.fill("#q", "")

            # drill-down: district → street (from the table) → community → back
            p.page.click('#view button[data-v="table"]')
            p.page.click(f'#t-area a[data-id="{street}"]')
            p.page.wait_for_function(f"() => window.__rgDash.scope === '{street}'")
            cards = _kpi_cards(p)
            exp = _expected_kpis(G, tables, DAY, "street", street)
            for key, v in exp.items():
                assert cards[key]["value"] == _fmt(v, units[key]), (street, key)
            n_rows = p.page.eval_on_selector_all("#list .row", "els => els.length")
            assert n_rows == int((iso["street_id"] == street).sum())
            comm = tables["community"].index[tables["community"]["parent_id"] == street][0]
            p.page.click(f'#t-area a[data-id="{comm}"]')
            p.page.wait_for_function(f"() => window.__rgDash.scope === '{comm}'")
            cards = _kpi_cards(p)
            exp = _expected_kpis(G, tables, DAY, "community", comm)
            for key, v in exp.items():
                assert cards[key]["value"] == _fmt(v, units[key]), (comm, key)
            assert p.page.get_attribute("#maplink", "href") == f"community_{comm}.html"
            p.page.click("#back")
            p.page.wait_for_function(f"() => window.__rgDash.scope === '{street}'")
            p.page.click('#crumbs a[data-id="D01"]')
            p.page.wait_for_function("() => window.__rgDash.scope === 'D01'")
            assert p.page.is_disabled("#back")
            # drill-down by clicking a bar of the chart
            p.page.click('#view button[data-v="chart"]')
            best = tables["street"]["rate_all"].idxmax()
            xy = p.page.evaluate(
                """(sid) => { const c = window.__rgDash.charts['c-area'], o = c.getOption();
                     const i = o.yAxis[0].data.indexOf(window.__rgDash.data.areas[sid].name);
                     const [x, y] = c.convertToPixel({ seriesIndex: 0 },
                                                     [o.series[0].data[i].value / 2, i]);
                     const r = document.getElementById('c-area').getBoundingClientRect();
                     return [r.left + x, r.top + y]; }""", best)
            p.page.mouse.click(*xy)
            p.page.wait_for_function(f"() => window.__rgDash.scope === '{best}'")
            p.page.go_back()
            p.page.wait_for_function("() => window.__rgDash.scope === 'D01'")
            # the charts drew something
            ink = p.canvas_ink()
            assert ink > 20_000
            assert p.check_cjk_glyphs("驾驶舱").ok
            assert p.outside_requests == []
            assert p.console_errors == [] and p.page_errors == []
        finally:
            p.close()


def test_several_districts_get_a_root_that_totals_them() -> None:
    import dataclasses

    from regional_graph.build import graph_from_tables
    from regional_graph.datasets import SCALES, generate_tables
    from regional_graph.validate import validate_tables

    sc = dataclasses.replace(SCALES["city"], districts=2, streets_per_district=2,
                             communities_per_street=3.0)
    G2 = graph_from_tables(validate_tables(generate_tables(sc, seed=3)))
    d = dashboard_data(G2, as_of=DAY)
    districts = sorted(a for a, x in d["areas"].items() if x["level"] == "district")
    assert d["root"] == "__all__" and sorted(d["areas"]["__all__"]["children"]) == districts
    tot = coverage.coverage_totals(G2, as_of=DAY)
    root = d["values"]["__all__"]
    assert root["rate_all"] == pytest.approx(tot["rate_all"], rel=1e-5)
    assert root["rate_with_members"] == pytest.approx(tot["rate_with_members"], rel=1e-5)
    assert root["should_build"] == len(coverage.should_build(G2, as_of=DAY))
    assert root["isolated_units"] == len(isolation.isolated_units(G2, as_of=DAY))
    assert root["fulfilment_rate"] == pytest.approx(
        order_indicators(G2, as_of=DAY, by=None).loc["all", "fulfilment_rate"], rel=1e-5)


def test_with_maps_every_area_link_is_a_written_map(tmp_path) -> None:
    """``--with-maps`` on a small generated district: every area's link is a file."""
    import dataclasses

    from regional_graph.datasets import SCALES, generate_tables
    from regional_graph.io import write_tables

    sc = dataclasses.replace(SCALES["district"], streets_per_district=2,
                             communities_per_street=3.0)
    data = write_tables(generate_tables(sc, seed=5), tmp_path / "data")
    out = tmp_path / "out"
    assert main(["dashboard", str(data), "--out", str(out), "--as-of", DAY.isoformat(),
                 "--with-maps"]) == 0
    areas = _embedded(out / "dashboard.html")["areas"]
    assert len(areas) >= 1 + 2 + 3
    assert [a["map"] for a in areas.values() if not (out / a["map"]).is_file()] == []


def test_tiny_ledger_without_orders(tiny_dir) -> None:
    """No orders table, empty lists: the figure is empty (—), the page still renders."""
    from regional_graph.build import load_graph
    from regional_graph.viz.dashboard import render_dashboard_html

    G1 = load_graph(tiny_dir)
    d = dashboard_data(G1, as_of=DAY)
    root = d["values"][d["root"]]
    assert root["orders"] == 0 and root["fulfilment_rate"] is None
    assert d["lists"]["should_build"]["rows"] == []
    assert root["uncovered"] == len(d["lists"]["uncovered"]["rows"]) == len(
        coverage.uncovered(G1, as_of=DAY))
    assert "<!DOCTYPE html>" in render_dashboard_html(d, embed_font=False)
