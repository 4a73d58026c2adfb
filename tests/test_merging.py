"""Many districts at once: rg.merge, the district comparison table and the `merge` command.

Two tiny districts built by hand (the conftest dataset, and a copy with ties and coverage
removed); every expected number below is counted from the tables by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli
from regional_graph.analysis import compare, coverage, indicators, isolation
from regional_graph.export.report import report_tables
from regional_graph.schema import Label
from regional_graph.viz import plots

DAY = "2026-10-01"


def district_b(raw: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tiny district with O3 uncovered (and 5 members: should build), O1's ties gone
    (isolated), and both members reported."""
    t = {name: frame.copy() for name, frame in raw.items()}
    links = t["links"]
    t["links"] = links[~links["type"].isin(["paired_with", "sits_on", "conference_member"])
                       & ~((links["source_id"] == "O3") & (links["type"] == "covered_by"))]
    t["activities"] = t["activities"][t["activities"]["source_id"].isna()]
    orgs = t["organizations"]
    orgs.loc[orgs["id"] == "O3", "party_members"] = "5"
    t["members"]["reported"] = "true"
    return t


@pytest.fixture
def parts(raw_tables) -> tuple[rg.RegionalGraph, rg.RegionalGraph]:
    a = rg.build.graph_from_tables(raw_tables, name="A")
    b = rg.build.graph_from_tables(district_b(raw_tables), name="B")
    return a, b


@pytest.fixture
def city(parts) -> rg.RegionalGraph:
    return rg.merge(parts, names=["a", "b"], city_id="C0", city_name="示例市")


# hand-derived: (district a, district b, total)
EXPECTED = {
    "communities": (2, 2, 4),
    "two_new": (3, 3, 6),
    "covered_two_new": (2, 1, 3),
    "rate_all": (2 / 3, 1 / 3, 3 / 6),
    "with_members": (2, 2, 4),
    "covered_with_members": (2, 1, 3),
    "rate_with_members": (1.0, 0.5, 0.75),
    "should_build": (0, 1, 1),
    "resident_units": (1, 1, 2),
    "resident_units_with_org": (1, 1, 2),
    "conference_units": (1, 0, 1),
    "conference_rate": (1.0, 0.0, 0.5),
    "isolated_units": (0, 1, 1),
    "pairs": (1, 0, 1),
    "pairs_per_community": (0.5, 0.0, 0.25),
    "unpaired_communities": (1, 2, 3),
    "member_records": (2, 2, 4),
    "members_reporting": (1, 2, 3),
    "reporting_rate": (0.5, 1.0, 0.75),
}


def test_merge_namespaces_ids_and_joins_districts_under_the_city(parts, city):
    a, b = parts
    assert city.number_of_nodes() == a.number_of_nodes() + b.number_of_nodes() + 1
    assert city.number_of_edges() == a.number_of_edges() + b.number_of_edges() + 2  # 2 PART_OF
    areas = city.nodes[Label.AREA]
    assert areas.loc["C0", "level"] == "city" and areas.loc["C0", "name"] == "示例市"
    assert areas.loc[["a:D1", "b:D1"], "parent_id"].tolist() == ["C0", "C0"]
    assert set(city.ids) == {"C0"} | {f"a:{i}" for i in a.ids} | {f"b:{i}" for i in b.ids}
    # references follow their ids: O2 is covered by a:PI1 in a
    links = rg.build.graph_to_tables(city)["links"]
    assert ((links["source_id"] == "a:O2") & (links["target_id"] == "a:PI1")).any()
    assert city.nodes[Label.MEMBER].loc["b:M2", "org_id"] == "b:PI1"
    assert rg.merging.namespace_of(["a:S1", "C0"]).tolist() == ["a", None]


def test_comparison_table_matches_the_hand_count(city):
    t = compare.compare_districts(city, as_of=DAY)
    assert t.index.tolist() == ["a:D1", "b:D1", "total"]
    assert t["parent"].tolist()[:2] == ["示例市", "示例市"]
    for col, values in EXPECTED.items():
        got = t[col].tolist()
        assert all(math.isclose(g, w) for g, w in zip(got, values, strict=True)), (col, got)


def test_indicators_on_the_merged_graph_equal_each_district_alone(parts, city):
    """Merging changes no district's answer: street and community rows of the merged graph
    are the rows of each district computed alone, ids prefixed."""
    for level in ("street", "community"):
        merged = indicators.indicators(city, level=level, as_of=DAY)
        alone = pd.concat([
            indicators.indicators(g, level=level, as_of=DAY).rename(index=lambda i, p=p: p + i)
            for g, p in zip(parts, ("a:", "b:"), strict=True)])
        cols = [c for c in merged.columns if c not in ("parent_id", "parent", "name")]
        pd.testing.assert_frame_equal(merged[cols], alone[cols].loc[merged.index],
                                      check_dtype=False)
    got = set(coverage.uncovered(city, as_of=DAY).index)
    want = {p + i for g, p in zip(parts, ("a:", "b:"), strict=True)
            for i in coverage.uncovered(g, as_of=DAY).index}
    assert got == want == {"a:O4", "b:O3", "b:O4"}
    assert set(isolation.isolated_units(city, as_of=DAY).index) == {"b:O1"}
    tables = report_tables(city, as_of=DAY)
    assert set(tables["isolated_units"].index) == {"b:O1"}
    result = rg.matching.match_resources(city, as_of=DAY)
    assert int(result.totals.loc[("all", "all"), "requested"]) == 2 * (5 + 3)


def test_comparison_plot(city):
    t = compare.compare_districts(city, as_of=DAY)
    fig = plots.plot_district_comparison(t, ("rate_all", "conference_rate"))
    heights = sorted(round(p.get_height(), 6) for p in fig.axes[0].patches)
    assert heights == sorted(round(100 * v, 6) for v in (2 / 3, 1 / 3, 1.0, 0.0))


def test_merge_refuses_bad_names(parts):
    with pytest.raises(ValueError, match="duplicate"):
        rg.merge(parts, names=["x", "x"])
    with pytest.raises(ValueError, match="2 graphs"):
        rg.merge(parts, names=["x"])
    with pytest.raises(ValueError, match="city_id"):
        rg.merge(parts, names=["a", "b"], city_id="a:D1")


def test_merge_command_writes_the_city_and_its_provenance(tmp_path, raw_tables, write_csv,
                                                         capsys):
    a = write_csv(raw_tables, "east")
    b = write_csv(district_b(raw_tables), "west")
    out = tmp_path / "city"
    status = cli.main(["merge", str(a), str(b), "--out", str(out), "--city-name", "示例市"])
    assert status == 0, capsys.readouterr().err
    G = rg.load_graph(out)
    assert G.nodes[Label.AREA].loc[["east:D1", "west:D1"], "parent_id"].tolist() == \
        ["CITY", "CITY"]
    info = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert info["parameters"]["names"] == ["east", "west"]
    inputs = info["parameters"]["inputs"]
    assert [i["name"] for i in inputs] == ["east", "west"]
    assert {f["file"] for f in inputs[0]["files"]} >= {"areas.csv", "links.csv"}
    # the merged folder is an ordinary dataset: every command runs on it
    assert cli.main(["indicators", str(out), "--out", str(tmp_path / "ind"),
                     "--as-of", DAY, "--lang", "en"]) == 0
    district = pd.read_csv(tmp_path / "ind" / "indicators_district.csv", encoding="utf-8-sig")
    assert district["id"].tolist() == ["east:D1", "west:D1"]
    assert district["isolated_units"].tolist() == [0, 1]
    assert (tmp_path / "ind" / "provenance.json").exists()


def test_sample_sized_districts_merge(tmp_path: Path):
    """Two generated districts: ids collide before the merge and not after."""
    import dataclasses

    small = dataclasses.replace(rg.datasets.SCALES["district"], streets_per_district=2,
                                communities_per_street=3.0)
    graphs = [rg.build.graph_from_tables(rg.datasets.generate_tables(small, seed=s))
              for s in (1, 2)]
    assert set(graphs[0].ids) & set(graphs[1].ids)  # e.g. both have S01
    city = rg.merge(graphs, names=["n", "s"])
    t = compare.compare_districts(city, as_of=DAY)
    for col in ("two_new", "isolated_units", "communities"):
        alone = [int(indicators.indicators(g, level="district", as_of=DAY)[col].iloc[0])
                 for g in graphs]
        assert t[col].tolist() == [*alone, sum(alone)]
