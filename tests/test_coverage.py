"""Tests for ``regional_graph.analysis.coverage`` on hand-built districts and the sample."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regional_graph as rg
from regional_graph.analysis import coverage, labels

DAY = dt.date(2026, 6, 30)
SAMPLE_DAY = rg.datasets.REFERENCE_DATE


def _frame(columns: list[str], rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([[None if v is None else str(v) for v in r] for r in rows],
                        columns=columns, dtype="str")


def raw_tables(day: dt.date = DAY, extra_orgs: tuple = (), extra_links: tuple = ()
               ) -> dict[str, pd.DataFrame]:
    """The hand-built district. Every expected analysis row is listed in the tests.

    Two-new: E1 (own branch PI1), E2 (≥3 members, joint branch only), E3 (≥3, no link),
    E4 (only an expired link), E5 (link ends on ``day``: live), E6 (in a grid; link starts
    after ``day``), E7 (street S2, no link). Resident units: U1 (tie only via its Party org
    PU1, ending on ``day``), U2 (only an expired pair), U3 (nothing), U4 (three live ties).
    """
    d = day.isoformat()
    later = (day + dt.timedelta(days=20)).isoformat()
    areas = _frame(["id", "name", "level", "parent_id"], [
        ("D1", "测试区", "district", None),
        ("S1", "向阳街道", "street", "D1"), ("S2", "东山街道", "street", "D1"),
        ("C1", "一社区", "community", "S1"), ("C2", "二社区", "community", "S1"),
        ("C3", "三社区", "community", "S2"), ("G1", "一社区第1网格", "grid", "C1"),
    ])
    party_orgs = _frame(["id", "name", "level", "parent_id", "area_id", "host_id", "members"], [
        ("PD", "区委", "district_committee", None, "D1", None, 30),
        ("PS1", "向阳街道党工委", "street_committee", "PD", "S1", None, 20),
        ("PS2", "东山街道党工委", "street_committee", "PD", "S2", None, 20),
        ("PC1", "一社区党委", "community_committee", "PS1", "C1", None, 80),
        ("PC2", "二社区党委", "community_committee", "PS1", "C2", None, 80),
        ("PC3", "三社区党委", "community_committee", "PS2", "C3", None, 80),
        ("PJ1", "一社区联合党支部", "joint_branch", "PC1", "C1", None, 6),
        ("PJ2", "三社区联合党支部", "joint_branch", "PC3", "C3", None, 0),
        ("PI1", "甲公司党支部", "independent_branch", "PC1", "C1", "E1", 5),
        ("PU1", "一中党委", "unit_org", "PD", "C1", "U1", 40),
        ("PU2", "医院党委", "unit_org", "PD", "C3", "U2", 60),
    ])
    org_cols = ["id", "name", "kind", "industry", "area_id", "party_members", "lat", "lon"]
    organizations = _frame(org_cols, [
        ("E1", "甲公司", "enterprise", "制造", "C1", 5, None, None),
        ("E2", "乙商贸", "enterprise", "商贸", "C1", 4, None, None),
        ("E3", "丙科技", "enterprise", "信息技术", "C2", 3, None, None),
        ("E4", "丁机械", "enterprise", "制造", "C2", 1, None, None),
        ("E5", "戊协会", "social_org", "社会服务", "C2", 0, None, None),
        ("E6", "己餐饮", "enterprise", "餐饮", "G1", 2, None, None),
        ("E7", "庚物流", "enterprise", "物流", "C3", 2, None, None),
        ("U1", "第一中学", "school", None, "C1", 40, None, None),
        ("U2", "人民医院", "hospital", None, "C3", 60, None, None),
        ("U3", "税务局", "agency", None, "C3", 30, None, None),
        ("U4", "供电公司", "soe", None, "C2", 50, None, None),
        *extra_orgs,
    ])
    links = _frame(["source_id", "target_id", "type", "start", "end"], [
        ("E1", "PI1", "covered_by", "2020-01-01", None),
        ("E2", "PJ1", "covered_by", "2021-01-01", None),
        ("E4", "PJ1", "covered_by", "2024-01-01", "2026-01-31"),
        ("E5", "PJ1", "covered_by", "2026-03-01", d),
        ("E6", "PJ1", "covered_by", "2026-09-01", None),
        ("PU1", "C2", "paired_with", "2023-01-01", d),
        ("U2", "PC3", "paired_with", "2024-01-01", "2025-12-31"),
        ("U4", "PC1", "paired_with", "2026-01-01", later),
        ("U4", "PS1", "sits_on", "2022-01-01", None),
        ("U4", "PS1", "conference_member", "2022-01-01", None),
        *extra_links,
    ])
    before = (pd.Timestamp(day) - pd.DateOffset(months=2)).date().isoformat()
    long_ago = (pd.Timestamp(day) - pd.DateOffset(months=14)).date().isoformat()
    activities = _frame(["id", "date", "source_id", "target_id"], [
        ("A1", before, "U4", "PC1"), ("A2", long_ago, "PU1", "C2"),
    ])
    members = _frame(["id", "org_id", "residence_area_id", "reported", "name", "phone"], [
        ("M1", "PU1", "C1", "true", "张伟", "13900001111"),
    ])
    return {"areas": areas, "party_orgs": party_orgs, "organizations": organizations,
            "links": links, "activities": activities, "members": members}


def build(day: dt.date = DAY, **kw: tuple) -> rg.RegionalGraph:
    return rg.build.graph_from_tables(raw_tables(day, **kw), name="测试区")


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return build()


@pytest.fixture(scope="module")
def sample() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


# -- uncovered ---------------------------------------------------------------------------


def test_uncovered_rows_and_reasons(G):
    u = coverage.uncovered(G, as_of=DAY)
    assert u.index.name == "id"
    assert u["reason"].to_dict() == {
        "E3": "no covered_by link", "E4": "only expired links",
        "E6": "no covered_by link", "E7": "no covered_by link",
    }
    assert u.loc["E4", "last_end"] == pd.Timestamp("2026-01-31")
    assert u.loc["E4", "last_covered_by"] == "PJ1"
    assert pd.isna(u.loc["E3", "last_end"])
    # E6 sits in a grid: its community and street come from the area hierarchy
    assert u.loc["E6", ["community_id", "community", "street_id", "street"]].tolist() == [
        "C1", "一社区", "S1", "向阳街道"]
    assert list(u.columns) == ["name", "kind", "industry", "party_members", "community_id",
                               "community", "street_id", "street", "reason", "last_end",
                               "last_covered_by"]


def test_link_ending_today_is_live():
    today = dt.date.today()
    G = build(today)
    assert "E5" not in coverage.uncovered(G).index  # as_of=None → today; ends today: live
    tomorrow = today + dt.timedelta(days=1)
    u = coverage.uncovered(G, as_of=tomorrow.isoformat())
    assert u.loc["E5", "reason"] == "only expired links"


def test_future_link_not_yet_covering(G):
    assert coverage.uncovered(G, as_of="2026-09-01").index.tolist() == ["E3", "E4", "E5",
                                                                        "E7"]


# -- should build ------------------------------------------------------------------------


def test_should_build_joint_coverage_does_not_count(G):
    s = coverage.should_build(G, as_of=DAY)
    assert s.index.tolist() == ["E2", "E3"]  # E1 has its own branch PI1
    assert bool(s.loc["E2", "covered"]) and s.loc["E2", "covered_by"] == "PJ1"
    assert s.loc["E2", "covered_by_level"] == "joint_branch"
    assert s.loc["E2", "reason"] == "covered by a joint branch, no own branch"
    assert not s.loc["E3", "covered"] and pd.isna(s.loc["E3", "covered_by"])
    assert s.loc["E3", "reason"] == "not covered, no own branch"


# -- rates -------------------------------------------------------------------------------


def test_coverage_rates_both_definitions(G):
    t = coverage.coverage_totals(G, as_of=DAY)
    assert (t["two_new"], t["covered_two_new"]) == (7, 3)
    assert (t["with_members"], t["covered_with_members"]) == (6, 2)
    r = coverage.coverage_rates(G, as_of=DAY, by="street")
    assert r.loc["S1", ["two_new", "covered_two_new", "with_members",
                        "covered_with_members"]].tolist() == [6, 3, 5, 2]
    assert r.loc["S1", "rate_all"] == pytest.approx(0.5)
    assert r.loc["S1", "rate_with_members"] == pytest.approx(0.4)
    assert r.loc["S2", "rate_all"] == 0.0
    c = coverage.coverage_rates(G, as_of=DAY, by="community")
    assert c.loc["C1", "two_new"] == 3  # E1, E2 and E6 (in grid G1)
    assert c.loc["C1", "parent_id"] == "S1"
    ind = coverage.coverage_rates(G, as_of=DAY, by="industry")
    assert ind.loc["制造", ["two_new", "covered_two_new"]].tolist() == [2, 1]
    stacked = coverage.coverage_by_area(G, as_of=DAY)
    assert stacked["level"].tolist() == ["district", "street", "street", "community",
                                         "community", "community"]
    assert stacked.loc["D1", "rate_all"] == pytest.approx(3 / 7)
    assert stacked.loc["D1", "rate_with_members"] == pytest.approx(2 / 6)
    with pytest.raises(ValueError, match="by must be"):
        coverage.coverage_rates(G, by="grid")  # type: ignore[arg-type]


# -- joint-branch proposals --------------------------------------------------------------


def test_proposals_join_existing_and_cannot_group(G):
    p = coverage.joint_branch_proposals(G, as_of=DAY)
    assert p.loc["E6", ["proposal", "action"]].tolist() == ["PJ1", "join existing"]
    assert "same community" in p.loc["E6", "reason"]
    assert p.loc["E7", ["proposal", "action"]].tolist() == ["PJ2", "join existing"]
    assert p.loc["E4", "action"] == "cannot group"
    assert pd.isna(p.loc["E4", "proposal"])
    assert set(p.index) == {"E4", "E6", "E7"}  # E3 has 3 members: it should build instead


def _geo_district(existing_in_c2: bool = False) -> rg.RegionalGraph:
    areas = _frame(["id", "name", "level", "parent_id"], [
        ("D1", "区", "district", None), ("S1", "街道", "street", "D1"),
        ("C1", "一社区", "community", "S1"), ("C2", "二社区", "community", "S1")])
    pos = [("PD", "区委", "district_committee", None, "D1", None, 1)]
    if existing_in_c2:
        pos.append(("PJ9", "二社区联合党支部", "joint_branch", "PD", "C2", None, 3))
    party_orgs = _frame(["id", "name", "level", "parent_id", "area_id", "host_id", "members"],
                        pos)
    organizations = _frame(
        ["id", "name", "kind", "industry", "area_id", "party_members", "lat", "lon"], [
            ("A", "甲餐饮", "enterprise", "餐饮", "C1", 2, 37.5000, 121.4000),
            ("B", "乙商贸", "enterprise", "商贸", "C1", 1, 37.5040, 121.4000),
            ("C", "丙物流", "enterprise", "物流", "C2", 1, 37.5270, 121.4000),
            ("D", "丁餐饮", "enterprise", "餐饮", "C2", 1, None, None),
            ("F", "戊科技", "enterprise", "信息技术", "C1", 2, 37.5000, 121.4010),
            ("Z", "己商贸", "enterprise", "商贸", "C1", 0, None, None),
        ])
    links = _frame(["source_id", "target_id", "type"], [])
    return rg.build.graph_from_tables({"areas": areas, "party_orgs": party_orgs,
                                       "organizations": organizations, "links": links})


def test_proposals_new_joint_branch_nearest_first():
    p = coverage.joint_branch_proposals(_geo_district(), as_of=DAY)
    assert set(p.index) == {"A", "B", "C", "D", "F"}  # Z has no Party member
    new = p[p["action"] == "new joint branch"]
    assert set(new.index) == {"A", "B", "C", "D"} and set(new["proposal"]) == {"P001"}
    assert p.loc["A", "distance_km"] == 0.0
    assert p.loc["B", "distance_km"] == pytest.approx(0.445, abs=0.01)  # 0.004° of latitude
    assert p.loc["C", "distance_km"] == pytest.approx(3.0, abs=0.05)
    assert np.isnan(p.loc["D", "distance_km"])
    assert "related industries" in p.loc["A", "reason"] and "P001" in p.loc["A", "reason"]
    assert p.loc["F", "action"] == "cannot group"
    assert "科技金融" in p.loc["F", "reason"]
    # the limits: two organisations per branch at most
    small = coverage.joint_branch_proposals(_geo_district(), as_of=DAY, max_orgs=2)
    assert set(small.index[small["proposal"] == "P001"]) == {"A", "B"}
    assert small.loc["C", "action"] == "cannot group"
    assert "already has 2 organisations" in small.loc["C", "reason"]
    # a custom related-industry map: nothing is related any more
    alone = coverage.joint_branch_proposals(_geo_district(), as_of=DAY,
                                            related_industries={})
    assert set(alone.index[alone["proposal"] == "P001"]) == {"A", "D"}  # both 餐饮
    assert (alone.loc[["B", "C", "F"], "action"] == "cannot group").all()


def test_proposals_prefer_existing_branch_in_community():
    p = coverage.joint_branch_proposals(_geo_district(existing_in_c2=True), as_of=DAY)
    assert p.loc["C", ["proposal", "action"]].tolist() == ["PJ9", "join existing"]
    assert p.loc["D", ["proposal", "action"]].tolist() == ["PJ9", "join existing"]
    assert "PJ9" in p.loc["C", "reason"]
    # A (餐饮) and B (商贸) are related (商贸流通) and have 2 + 1 members: a new branch
    assert p.loc["A", ["proposal", "action"]].tolist() == ["P001", "new joint branch"]
    assert p.loc["B", "proposal"] == "P001"
    assert p.loc["F", "action"] == "cannot group"


def test_chinese_labels(G):
    zh = labels.to_chinese(coverage.uncovered(G, as_of=DAY))
    assert zh.index.name == "编号"
    assert "原因" in zh.columns and "社区" in zh.columns
    assert zh.loc["E4", "原因"] == "覆盖关系均已到期"
    assert zh.loc["E4", "类型"] == "非公企业"


# -- properties --------------------------------------------------------------------------


@st.composite
def coverage_cases(draw):
    n = draw(st.integers(1, 8))
    orgs, links = [], []
    for i in range(n):
        kind = draw(st.sampled_from(["enterprise", "social_org", "school"]))
        pm = draw(st.integers(0, 5))
        orgs.append((f"X{i}", f"单位{i}", kind, "商贸", draw(st.sampled_from(["C1", "C2", "C3"])),
                     pm, None, None))
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(-900, 100))
            end = draw(st.one_of(st.none(), st.integers(start, 400)))
            target = draw(st.sampled_from(["PJ1", "PJ2", "PI1"]))
            links.append((f"X{i}", target, "covered_by",
                          (DAY + dt.timedelta(days=start)).isoformat(),
                          None if end is None else (DAY + dt.timedelta(days=end)).isoformat()))
    return tuple(orgs), tuple(links)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coverage_cases())
def test_property_rates_between_zero_and_one(case):
    extra_orgs, extra_links = case
    G = build(extra_orgs=extra_orgs, extra_links=extra_links)
    for by in ("district", "street", "community", "industry"):
        r = coverage.coverage_rates(G, as_of=DAY, by=by)
        for col in ("rate_all", "rate_with_members"):
            v = r[col].dropna()
            assert ((v >= 0) & (v <= 1)).all()
        assert (r["covered_two_new"] <= r["two_new"]).all()
    t = coverage.coverage_totals(G, as_of=DAY)
    assert 0 <= t["rate_all"] <= 1 and 0 <= t["rate_with_members"] <= 1
    assert len(coverage.uncovered(G, as_of=DAY)) == t["two_new"] - t["covered_two_new"]


# -- the sample district -----------------------------------------------------------------


def test_sample_district_situations(sample):
    u = coverage.uncovered(sample, as_of=SAMPLE_DAY)
    assert set(u["reason"]) == {"no covered_by link", "only expired links"}
    s = coverage.should_build(sample, as_of=SAMPLE_DAY)
    assert s["covered"].any() and (~s["covered"]).any()
    p = coverage.joint_branch_proposals(sample, as_of=SAMPLE_DAY)
    assert len(p) and "join existing" in set(p["action"])
    assert p["reason"].notna().all()
    by_area = coverage.coverage_by_area(sample, as_of=SAMPLE_DAY)
    assert set(by_area["level"]) == {"district", "street", "community"}
    assert by_area["rate_all"].dropna().between(0, 1).all()
    assert len(coverage.coverage_rates(sample, as_of=SAMPLE_DAY, by="industry")) > 5


def test_organisations_without_an_area_still_count_in_the_rates():
    raw = {
        "areas": pd.DataFrame({"id": ["D", "S", "C"], "name": ["区", "街道", "社区"],
                               "level": ["district", "street", "community"],
                               "parent_id": [None, "D", "S"]}),
        "party_orgs": pd.DataFrame({"id": ["PJ"], "name": ["联合党支部"],
                                    "level": ["joint_branch"], "area_id": ["C"]}),
        "organizations": pd.DataFrame({
            "id": ["E1", "E2", "E3"], "name": ["甲", "乙", "丙"],
            "kind": ["enterprise", "enterprise", "social_org"],
            "area_id": ["C", "C", None], "party_members": ["1", "1", "1"]}),
        "links": pd.DataFrame({"source_id": ["E1", "E2"], "target_id": ["PJ", "PJ"],
                               "type": ["covered_by", "covered_by"]}),
    }
    G = rg.build.graph_from_tables(raw)
    totals = coverage.coverage_totals(G, as_of="2026-01-01")
    for level in ("district", "street", "community"):
        rates = coverage.coverage_rates(G, as_of="2026-01-01", by=level)
        assert int(rates["two_new"].sum()) == totals["two_new"] == 3
        assert int(rates["covered_two_new"].sum()) == totals["covered_two_new"] == 2
        assert rates.loc[coverage.unlocated_id(level), "two_new"] == 1
    from regional_graph.store import queries  # the server-side twin builds the same row

    frame = queries._rate_frame(
        "street", [], [{"id": coverage.unlocated_id("street"), "two_new": 1,
                        "covered_two_new": 0, "with_members": 1, "covered_with_members": 0}])
    expected = coverage.coverage_rates(G, as_of="2026-01-01", by="street")
    pd.testing.assert_frame_equal(frame, expected.loc[[coverage.unlocated_id("street")]],
                                  check_index_type=False)


# -- issue 18: 行业相近、地域相邻 — grouped by industry AND place ----------------------------


def _issue_street() -> rg.RegionalGraph:
    """One street. Joint branch PJL in C1 covers a law firm L. Uncovered: A (软件, 2, C1),
    B (软件, 2, C2, 0.4 km from A), far X (餐饮, 1, 44 km away), and T (零售, 1, C1) next
    to branch PJT (C1) covering a 商贸 shop S."""
    areas = _frame(["id", "name", "level", "parent_id"], [
        ("D1", "区", "district", None), ("S1", "一街道", "street", "D1"),
        ("C1", "一社区", "community", "S1"), ("C2", "二社区", "community", "S1")])
    party_orgs = _frame(["id", "name", "level", "parent_id", "area_id", "host_id", "members"], [
        ("PD", "区委", "district_committee", None, "D1", None, 1),
        ("PJL", "律所联合党支部", "joint_branch", "PD", "C1", None, 3),
        ("PJT", "商户联合党支部", "joint_branch", "PD", "C1", None, 3)])
    organizations = _frame(
        ["id", "name", "kind", "industry", "area_id", "party_members", "lat", "lon"], [
            ("L", "律师事务所", "social_org", "法律服务", "C1", 3, 37.5000, 121.4000),
            ("S", "商店", "enterprise", "商贸", "C1", 3, 37.5000, 121.4020),
            ("A", "甲软件", "enterprise", "软件", "C1", 2, 37.5000, 121.4010),
            ("B", "乙软件", "enterprise", "软件", "C2", 2, 37.5036, 121.4010),
            ("T", "丙零售", "enterprise", "零售", "C1", 1, 37.5000, 121.4030),
            ("X", "丁餐饮", "enterprise", "餐饮", "C2", 1, 37.9000, 121.4000),
        ])
    links = _frame(["source_id", "target_id", "type"],
                   [("L", "PJL", "covered_by"), ("S", "PJT", "covered_by")])
    return rg.build.graph_from_tables({"areas": areas, "party_orgs": party_orgs,
                                       "organizations": organizations, "links": links})


def test_issue_same_industry_neighbours_form_one_branch():
    p = coverage.joint_branch_proposals(_issue_street(), as_of=DAY)
    # by hand: A and B are both 软件 (科技金融), 0.4 km apart, 2 + 2 = 4 ≥ 3 members
    assert p.loc["A", "action"] == p.loc["B", "action"] == "new joint branch"
    assert p.loc["A", "proposal"] == p.loc["B", "proposal"]
    assert p.loc["B", "distance_km"] == pytest.approx(0.4, abs=0.01)
    # the law firm's branch is of an unrelated industry: nobody is sent there
    assert "PJL" not in set(p["proposal"].dropna())
    # T (零售) and the shop S (商贸) share the sector 商贸流通: T joins PJT, same community
    assert p.loc["T", ["proposal", "action"]].tolist() == ["PJT", "join existing"]
    # X is 44 km away from anything related: never attached at that distance
    assert p.loc["X", "action"] == "cannot group"
    assert "within 5 km" in p.loc["X", "reason"]


def test_sample_proposals_keep_industry_and_place():
    """On the sample: every proposal is of related industries, adjacent, and true."""
    G = rg.datasets.load_sample_district()
    p = coverage.joint_branch_proposals(G, as_of=SAMPLE_DAY)
    sector = {k: v for k, v in coverage.DEFAULT_RELATED_INDUSTRIES.items()}
    orgs = G.nodes[rg.schema.Label.ORGANIZATION]

    def sec(i):
        ind = orgs.loc[i, "industry"]
        return sector.get(ind, ind) if pd.notna(ind) else None

    links = G.edges_of(rg.schema.RelType.COVERED_BY)
    ids = G.ids
    cov = pd.DataFrame({"org": np.asarray(ids)[links["source"].to_numpy()],
                        "po": np.asarray(ids)[links["target"].to_numpy()]})
    live = G.live(links, SAMPLE_DAY)
    cov = cov[np.asarray(live)]
    joined = p[p["action"] == "join existing"]
    for oid, row in joined.iterrows():
        covered = cov.loc[cov["po"] == row["proposal"], "org"]
        sectors = {sec(o) for o in covered}
        assert not sectors or sec(oid) in sectors, (oid, row["proposal"], sectors)
    for _, grp in p[p["action"] == "new joint branch"].groupby("proposal"):
        assert len({sec(o) for o in grp.index}) == 1
        assert grp["street_id"].nunique() == 1
        assert (grp["distance_km"].dropna() <= 5.0).all()
        assert grp["party_members"].sum() >= 3
