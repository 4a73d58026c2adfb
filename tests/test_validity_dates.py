"""Validity dates (founded/dissolved, 成立日期/撤销日期) of organisations and Party orgs,
honoured by every as-of analysis.

The tiny district (pkg/regional_graph/datasets/tiny/) with dates added; every expectation is
worked out by hand from its CSVs and DOMAIN.md (an organisation exists as of a day when
``founded`` is empty or ≤ the day and ``dissolved`` is empty or > the day):

* the joint branch PJ1 (covering O4 and O5) dissolved on 2026-01-01;
* the hospital O2 (isolated: its ties ended in 2022 and 2023) dissolved on 2025-01-01;
* the enterprise O8 (4 Party members, uncovered) founded on 2027-01-01;
* O3's own branch PB1 dissolved on 2026-05-01.
"""

from __future__ import annotations

import pandas as pd
import pytest
from expected import tiny_with_dates

import regional_graph as rg
from regional_graph.analysis import changes, coverage, indicators, isolation, recommend, structure

DAY = "2026-10-01"


def _tiny(**dates: tuple[str, str, str]) -> rg.RegionalGraph:
    """The tiny district with ``id=(table, column, date)`` set."""
    return tiny_with_dates({nid: (table, {column: value})
                            for nid, (table, column, value) in dates.items()})


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return _tiny(PJ1=("party_orgs", "dissolved", "2026-01-01"),
                 O2=("organizations", "dissolved", "2025-01-01"),
                 O8=("organizations", "founded", "2027-01-01"))


def test_exists(G) -> None:
    gone = G.ids[~G.exists(DAY)].tolist()
    assert gone == ["PJ1", "O2", "O8"]
    assert G.ids[~G.exists("2025-12-31")].tolist() == ["O2", "O8"]  # PJ1's last day
    assert G.ids[~G.exists("2024-06-01")].tolist() == ["O8"]


def test_links_last_while_both_ends_exist(G) -> None:
    live = G.links("COVERED_BY", as_of=DAY)
    assert G.ids[live.source].tolist() == ["O3"]
    ended = G.links("COVERED_BY", as_of=DAY, state="ended")
    assert G.ids[ended.source].tolist() == ["O4", "O5"]
    assert [str(d)[:10] for d in ended.end] == ["2025-12-31", "2025-12-31"]
    assert len(G.links("COVERED_BY", as_of="2025-12-31")) == 3


def test_coverage(G) -> None:
    u = coverage.uncovered(G, as_of=DAY)
    assert u.index.tolist() == ["O4", "O5", "O6", "O7"]  # O8 not founded yet
    assert u.loc["O4", "reason"] == coverage.REASON_EXPIRED
    assert u.loc["O4", "last_covered_by"] == "PJ1"
    assert str(u.loc["O4", "last_end"].date()) == "2025-12-31"
    assert coverage.uncovered(G, as_of="2025-06-01").index.tolist() == ["O6", "O7"]
    t = coverage.coverage_totals(G, as_of=DAY)
    assert (t["two_new"], t["covered_two_new"]) == (5, 1)
    assert coverage.should_build(G, as_of=DAY).index.tolist() == []  # O8 does not exist
    assert coverage.should_build(G, as_of="2027-06-01").index.tolist() == ["O8"]


def test_dissolved_own_branch_no_longer_counts() -> None:
    H = _tiny(PB1=("party_orgs", "dissolved", "2026-05-01"))
    s = coverage.should_build(H, as_of=DAY)
    assert s.index.tolist() == ["O3", "O8"]
    u = coverage.uncovered(H, as_of=DAY)
    assert str(u.loc["O3", "last_end"].date()) == "2026-04-30"
    assert coverage.should_build(H, as_of="2026-04-30").index.tolist() == ["O8"]


def test_joint_branch_proposals(G) -> None:
    # O4 (餐饮) and O5 (no industry) are uncovered again, in different sectors; the
    # dissolved PJ1 cannot take them, O6 is alone in 西街道
    p = coverage.joint_branch_proposals(G, as_of=DAY)
    assert p.index.tolist() == ["O4", "O5", "O6"]
    assert set(p["action"]) == {"cannot group"}
    assert "PJ1" not in " ".join(p["reason"])


def test_isolation(G) -> None:
    assert isolation.isolated_units(G, as_of=DAY).index.tolist() == []
    old = isolation.isolated_units(G, as_of="2024-06-01")
    assert old["reason"].to_dict() == {"O2": "only expired ties"}
    assert isolation.tie_components(G, as_of=DAY).cut_off.index.tolist() == []


def test_structure(G) -> None:
    assert structure.degree(G, as_of=DAY).index.tolist() == ["O1", "S1", "C1"]


def test_indicators(G) -> None:
    t = indicators.indicators(G, by="street", as_of=DAY)
    assert t["party_orgs"].to_dict() == {"S1": 5, "S2": 2}
    assert t["resident_units"].to_dict() == {"S1": 1, "S2": 0}
    assert t["covered_two_new"].to_dict() == {"S1": 1, "S2": 0}
    assert t["two_new"].to_dict() == {"S1": 3, "S2": 2}


def test_recommend(G) -> None:
    # O2 does not exist: nobody is left for 西一社区 (C3) and O2 gets no partner
    rec = recommend.recommend_partners(G, as_of=DAY)
    assert list(zip(rec.index, rec["partner_id"], strict=True)) == [("C2", "O1")]


def test_changes(G) -> None:
    d = changes.diff(G, as_of_old="2025-06-01", as_of_new=DAY)
    assert d.newly_uncovered.index.tolist() == ["O4", "O5"]
    assert d.isolated_gained.index.tolist() == []


def test_chinese_headers_and_bad_order() -> None:
    raw = rg.io.read_tables(rg.datasets.TINY)
    orgs = raw["organizations"]
    orgs["成立日期"] = pd.Series([None] * len(orgs), dtype="str")
    orgs["撤销日期"] = pd.Series([None] * len(orgs), dtype="str")
    orgs.loc[orgs["id"] == "O7", ["成立日期", "撤销日期"]] = ["2024-05-01", "2024-04-30"]
    orgs.loc[orgs["id"] == "O6", ["成立日期", "撤销日期"]] = ["2020-01-01", "2020-01-01"]
    with pytest.raises(rg.errors.TableValidationError) as err:
        rg.build.graph_from_tables(raw)
    f = err.value.failures
    assert len(f) == 1
    row = f.iloc[0]
    assert row["table"] == "organizations" and row["column"] == "dissolved"
    assert "撤销日期早于成立日期" in row["problem"]
    orgs.loc[orgs["id"] == "O7", "撤销日期"] = "2024-05-01"  # the same day is allowed
    H = rg.build.graph_from_tables(raw)
    assert H.ids[~H.exists("2024-06-01")].tolist() == ["O6", "O7"]
