"""Tests for ``regional_graph.analysis.changes``."""

from __future__ import annotations

import pytest
from test_coverage import DAY, SAMPLE_DAY, build

import regional_graph as rg
from regional_graph.analysis import changes

OLD = "2025-06-30"


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return build()


def test_one_graph_at_two_dates(G):
    d = changes.diff(G, as_of_old=OLD, as_of_new=DAY)
    # U2–PC3 ended 2025-12-31; U4–PC1 started 2026-01-01
    assert d.pairs_ended.index.tolist() == ["paired_with:U2->PC3"]
    assert d.pairs_added.index.tolist() == ["paired_with:U4->PC1"]
    assert d.pairs_added.loc["paired_with:U4->PC1", "target_name"] == "一社区党委"
    # E5 covered since 2026-03-01; E4's link ended 2026-01-31
    assert d.newly_covered.index.tolist() == ["E5"]
    assert not d.newly_covered.loc["E5", "new_org"]
    assert d.newly_uncovered.index.tolist() == ["E4"]
    assert d.newly_uncovered.loc["E4", "reason"] == "only expired links"
    s = d.street_coverage
    assert s.loc["S1", ["covered_old", "covered_new"]].tolist() == [3, 3]
    assert s.loc["S1", "rate_with_members_change"] == pytest.approx(2 / 5 - 3 / 5)
    assert s.loc["S2", "rate_all_change"] == 0.0
    # isolated on 2025-06-30: U3 only (U2's pair was live); on 2026-06-30: U2 and U3
    assert d.isolated_gained.index.tolist() == ["U2"]
    assert d.isolated_lost.empty
    assert d.summary() == {"pairs_added": 1, "pairs_ended": 1, "newly_covered": 1,
                           "newly_uncovered": 1, "isolated_gained": 1, "isolated_lost": 0}


def test_two_graphs():
    old = build()
    new = build(extra_orgs=(("E8", "辛公司", "enterprise", "商贸", "C3", 1, None, None),),
                extra_links=(("E8", "PJ2", "covered_by", "2026-01-01", None),
                             ("U3", "C3", "paired_with", "2026-02-01", None)))
    d = changes.diff(old, new, as_of_old=DAY, as_of_new=DAY)
    assert d.newly_covered.index.tolist() == ["E8"]
    assert bool(d.newly_covered.loc["E8", "new_org"])
    assert d.pairs_added.index.tolist() == ["paired_with:U3->C3"]
    assert d.pairs_ended.empty and d.newly_uncovered.empty
    assert d.street_coverage.loc["S2", ["two_new_old", "two_new_new"]].tolist() == [1, 2]
    assert d.street_coverage.loc["S2", "rate_all_new"] == pytest.approx(0.5)


def test_sample_district_changes():
    G = rg.datasets.load_sample_district()
    d = changes.diff(G, as_of_old="2025-10-01", as_of_new=SAMPLE_DAY)
    assert len(d.pairs_added) and len(d.pairs_ended)
    assert len(d.newly_covered) and len(d.newly_uncovered)
    assert len(d.street_coverage) == 13
    same = changes.diff(G, G, as_of_old=SAMPLE_DAY, as_of_new=SAMPLE_DAY)
    assert sum(same.summary().values()) == 0
    assert (same.street_coverage["rate_all_change"].fillna(0) == 0).all()


def test_diff_command(tmp_path, capsys, write_csv):
    """``regional-graph diff`` on the hand-built district, 2025-06-30 → 2026-06-30.

    Hand-derived: two-new E1–E7; covered then E1, E2, E4 (3/7), now E1, E2, E5 (3/7).
    Isolated then U3, now U2 and U3. Live pairs then PU1→C2 and U2→PC3, now PU1→C2 (ends that
    day: live) and U4→PC1: 2 and 2. Units with a Party org: U1, U2; U4 is the only
    conference member and hosts none, so the conference rate is 0/2 both times."""
    import pandas as pd
    from test_coverage import raw_tables

    from regional_graph import cli

    data = write_csv(raw_tables(), "data")
    out = tmp_path / "diff"
    assert cli.main(["diff", str(data), "--as-of", DAY.isoformat(), "--as-of-old", OLD,
                     "--out", str(out), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"As of {DAY.isoformat()}") and f"old state {OLD}" in printed
    summary = pd.read_csv(out / "diff_summary.csv", encoding="utf-8-sig")
    assert dict(zip(summary["item"], summary["value"], strict=True)) == {
        "pairs_added": 1, "pairs_ended": 1, "newly_covered": 1, "newly_uncovered": 1,
        "isolated_gained": 1, "isolated_lost": 0}
    ind = pd.read_csv(out / "indicators_district.csv", encoding="utf-8-sig")
    ind = ind.set_index("indicator")
    assert ind.loc["isolated_units", ["old", "new", "change"]].tolist() == [1, 2, 1]
    assert ind.loc["covered_two_new", ["old", "new", "change"]].tolist() == [3, 3, 0]
    assert ind.loc["rate_all", "old"] == pytest.approx(3 / 7)
    assert ind.loc["pairs", ["old", "new"]].tolist() == [2, 2]
    assert ind.loc["conference_rate", ["old", "new"]].tolist() == [0, 0]
    gained = pd.read_csv(out / "isolated_gained.csv", encoding="utf-8-sig")
    assert gained["id"].tolist() == ["U2"]
    streets = pd.read_csv(out / "indicators_street.csv", encoding="utf-8-sig")
    s2 = streets[(streets["id"] == "S2") & (streets["indicator"] == "isolated_units")]
    assert s2[["old", "new"]].values.tolist() == [[1, 2]]  # U2 and U3 sit in S2 (C3)
    zh = tmp_path / "zh"
    assert cli.main(["diff", str(data), "--as-of", DAY.isoformat(), "--as-of-old", OLD,
                     "--out", str(zh)]) == 0
    summary = pd.read_csv(zh / "diff_summary.csv", encoding="utf-8-sig")
    assert summary.columns.tolist() == ["项目", "数值"]
    assert summary["项目"].tolist()[-2:] == ["新增孤岛单位", "不再孤岛单位"]
