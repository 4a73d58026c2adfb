"""Indicators reproduce the seeds' published figures (``DOMAIN.md``).

Each dataset is built programmatically (vectorised numpy → raw string tables →
``rg.build.graph_from_tables``) so that its true figures are those of a report:

* Lianyungang: 6,462 non-public enterprises, 2,075 with their own org, 4,368 covered by 773
  joint orgs, 28,259 members → coverage (all) 99.7 %.
* Suzhou: 558 conference units = 62.4 % of units with a Party org (894); 78 covered = 63.0 % of
  new organisations with members (124); 286 pairs; nearly 30 % of community general
  branches over 150 members.
* Zhifu: 288 part-time members, 13,000 in-service members reporting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.analysis import coverage, isolation
from regional_graph.analysis.indicators import (
    INDICATOR_ZH,
    indicators,
    to_chinese,
)
from regional_graph.export.indicators import write_indicators

DAY = "2026-10-01"
RESIDENT = list(rg.schema.RESIDENT_UNIT_KINDS)


def ids(prefix: str, n: int, start: int = 1) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), 5))


def frame(**cols: object) -> pd.DataFrame:
    n = max(len(v) for v in cols.values() if v is not None and not isinstance(v, str))
    data = {k: (np.full(n, v, dtype=object) if isinstance(v, str) or v is None
                else np.asarray(v, dtype=object)) for k, v in cols.items()}
    return pd.DataFrame(data).astype("str")


def territory(n_streets: int, n_comms: int) -> tuple[dict[str, pd.DataFrame], np.ndarray,
                                                     np.ndarray, np.ndarray]:
    """District D, streets S*, communities C* (round robin), with their committees."""
    s_id, c_id = ids("S", n_streets), ids("C", n_comms)
    comm_street = np.arange(n_comms) % n_streets
    areas = frame(id=np.r_[["D"], s_id, c_id], name=np.r_[["区"], np.char.add(s_id, "街道"),
                                                          np.char.add(c_id, "社区")],
                  level=np.repeat(["district", "street", "community"], [1, n_streets, n_comms]),
                  parent_id=np.r_[[None], np.full(n_streets, "D"), s_id[comm_street]])
    return {"areas": areas}, s_id, c_id, comm_street


def orgs_frame(**cols: object) -> pd.DataFrame:
    return frame(**cols)


def party_frame(id, name, level, parent_id, area_id, host_id, members) -> pd.DataFrame:
    return frame(id=id, name=name, level=level, parent_id=parent_id, area_id=area_id,
                 host_id=host_id, members=members)


def links_frame(source, target, type_, start=None, end=None) -> pd.DataFrame:
    n = len(source)
    return frame(source_id=source, target_id=target, type=np.full(n, type_),
                 start=np.full(n, start, dtype=object) if start is None or isinstance(start, str)
                 else start,
                 end=np.full(n, end, dtype=object) if end is None or isinstance(end, str) else end)


# --------------------------------------------------------------------------------------------
# Lianyungang
# --------------------------------------------------------------------------------------------

LYG_ENTERPRISES, LYG_OWN, LYG_JOINT_COVERED, LYG_JOINT_ORGS = 6462, 2075, 4368, 773
LYG_MEMBERS = 28259


@pytest.fixture(scope="module")
def lianyungang() -> rg.RegionalGraph:
    t, s_id, c_id, comm_street = territory(30, 255)
    n = LYG_ENTERPRISES
    e_id = ids("E", n)
    comm = np.arange(n) % 255
    own = np.arange(n) < LYG_OWN
    joint = (np.arange(n) >= LYG_OWN) & (np.arange(n) < LYG_OWN + LYG_JOINT_COVERED)
    pm = np.where(own, 3 + np.arange(n) % 5, np.where(joint, 1 + np.arange(n) % 2, 0))
    t["organizations"] = orgs_frame(
        id=e_id, name=np.char.add(e_id, "有限公司"), kind="enterprise", industry="商贸",
        area_id=c_id[comm], party_members=pm.astype(str))
    pi_id = ids("PI", LYG_OWN)
    pj_id = ids("PJ", LYG_JOINT_ORGS)
    joint_rows = np.flatnonzero(joint)
    jb_of = np.arange(len(joint_rows)) % LYG_JOINT_ORGS
    jb_members = np.bincount(jb_of, weights=pm[joint_rows], minlength=LYG_JOINT_ORGS)
    rest = LYG_MEMBERS - pm[own].sum() - int(jb_members.sum())
    assert rest > 0
    cc_members = rest // 255 + (np.arange(255) < rest % 255)
    pc_id, ps_id = ids("PC", 255), ids("PS", 30)
    t["party_orgs"] = pd.concat([
        party_frame(["PD"], ["区委"], "district_committee", None, ["D"], None, "0"),
        party_frame(ps_id, ps_id, "street_committee", "PD", s_id, None, "0"),
        party_frame(pc_id, pc_id, "community_committee", ps_id[comm_street], c_id,
                    None, cc_members.astype(str)),
        party_frame(pi_id, np.char.add(pi_id, "党支部"), "independent_branch",
                    pc_id[comm[own]], c_id[comm[own]], e_id[own], pm[own].astype(str)),
        party_frame(pj_id, np.char.add(pj_id, "联合党支部"), "joint_branch",
                    pc_id[np.arange(LYG_JOINT_ORGS) % 255], c_id[np.arange(LYG_JOINT_ORGS) % 255],
                    None, jb_members.astype(int).astype(str)),
    ], ignore_index=True)
    uncovered = np.flatnonzero(~own & ~joint)
    t["links"] = pd.concat([
        links_frame(e_id[own], pi_id, "covered_by", start="2020-01-01"),
        links_frame(e_id[joint_rows], pj_id[jb_of], "covered_by"),
        # expired and not-yet-started coverage of uncovered enterprises: still uncovered
        links_frame(e_id[uncovered[:10]], pj_id[:10], "covered_by", "2019-01-01", "2024-12-31"),
        links_frame(e_id[uncovered[10:12]], pj_id[:2], "covered_by", start="2027-01-01"),
    ], ignore_index=True)
    return rg.build.graph_from_tables(t, name="连云港")


def test_lianyungang_coverage(lianyungang: rg.RegionalGraph) -> None:
    d = indicators(lianyungang, by="district", as_of=DAY).iloc[0]
    assert d["two_new"] == LYG_ENTERPRISES
    assert d["covered_two_new"] == LYG_OWN + LYG_JOINT_COVERED
    assert d["uncovered"] == LYG_ENTERPRISES - LYG_OWN - LYG_JOINT_COVERED == 19
    assert d["rate_all"] == pytest.approx((2075 + 4368) / 6462)
    assert round(100 * d["rate_all"], 1) == 99.7
    assert d["party_orgs_independent_branch"] == LYG_OWN
    assert d["party_orgs_joint_branch"] == LYG_JOINT_ORGS
    assert d["members"] == LYG_MEMBERS
    assert d["communities"] == 255
    assert d["should_build"] == 0
    assert d["with_members"] == d["covered_with_members"] == LYG_OWN + LYG_JOINT_COVERED
    assert d["rate_with_members"] == 1.0


def test_levels_add_up(lianyungang: rg.RegionalGraph) -> None:
    d = indicators(lianyungang, by="district", as_of=DAY)
    s = indicators(lianyungang, by="street", as_of=DAY)
    c = indicators(lianyungang, by="community", as_of=DAY)
    assert len(s) == 30 and len(c) == 255
    assert s["parent_id"].eq("D").all() and c.index.str.startswith("C").all()
    counts = [col for col in d.columns if d[col].dtype == np.int64 and col != "communities"]
    at_district = {"party_orgs", "party_orgs_district_committee"}  # the district committee
    for col in counts:
        expected = d[col].iloc[0] - (col in at_district)
        assert s[col].sum() == expected, col
    # community rows hold what is placed in a community (not street/district committees)
    assert c["party_orgs"].sum() == d["party_orgs"].iloc[0] - 1 - 30
    assert c["two_new"].sum() == LYG_ENTERPRISES
    assert c["members"].sum() == LYG_MEMBERS
    assert s["rate_all"].between(0.99, 1).all()


# --------------------------------------------------------------------------------------------
# Suzhou
# --------------------------------------------------------------------------------------------

SZ_UNITS_WITH_ORG, SZ_CONFERENCE, SZ_PAIRS = 894, 558, 286
SZ_WITH_MEMBERS, SZ_COVERED = 124, 78
SZ_OVER_150 = 47  # of 157 community general branches: "nearly 30 %"


@pytest.fixture(scope="module")
def suzhou() -> rg.RegionalGraph:
    t, s_id, c_id, comm_street = territory(20, 157)
    pc_id, ps_id = ids("PC", 157), ids("PS", 20)
    # resident units: 894 host a unit Party org, 106 have none
    n_u = 1000
    u_id = ids("U", n_u)
    u_comm = np.arange(n_u) % 157
    has_org = np.arange(n_u) < SZ_UNITS_WITH_ORG
    pu_id = ids("PU", SZ_UNITS_WITH_ORG)
    # two-new: 32 own branches, 46 covered by 12 joint branches, 46 uncovered with members
    # (5 + 3 of them with >= 3 members: should build), 30 without members (10 covered)
    pm = np.r_[np.full(32, 5), np.r_[np.full(41, 1), np.full(5, 4)],
               np.r_[np.full(43, 2), np.full(3, 6)], np.zeros(30, int)]
    n_t = len(pm)
    t_id = ids("T", n_t)
    t_comm = np.arange(n_t) % 157
    joint_rows = np.r_[np.arange(32, 78), np.arange(124, 134)]
    t["organizations"] = pd.concat([
        orgs_frame(id=u_id, name=np.char.add(u_id, "局"),
                   kind=np.array(RESIDENT)[np.arange(n_u) % len(RESIDENT)],
                   area_id=c_id[u_comm], party_members="30"),
        orgs_frame(id=t_id, name=np.char.add(t_id, "公司"),
                   kind=np.where(np.arange(n_t) % 4 == 0, "social_org", "enterprise"),
                   area_id=c_id[t_comm], party_members=pm.astype(str)),
    ], ignore_index=True)
    cc_members = np.where(np.arange(157) < SZ_OVER_150, 151 + np.arange(157) % 150,
                          np.where(np.arange(157) == 100, 150, 40 + np.arange(157) % 100))
    pi_id, pj_id = ids("PI", 32), ids("PJ", 12)
    t["party_orgs"] = pd.concat([
        party_frame(["PD"], ["区委"], "district_committee", None, ["D"], None, "30"),
        party_frame(ps_id, ps_id, "street_committee", "PD", s_id, None, "20"),
        party_frame(pc_id, pc_id, "community_committee", ps_id[comm_street], c_id, None,
                    cc_members.astype(str)),
        party_frame(pu_id, np.char.add(pu_id, "党委"), "unit_org", "PD", c_id[u_comm[has_org]],
                    u_id[has_org], "30"),
        party_frame(pi_id, pi_id, "independent_branch", pc_id[t_comm[:32]], c_id[t_comm[:32]],
                    t_id[:32], "5"),
        party_frame(pj_id, pj_id, "joint_branch", pc_id[:12], c_id[:12], None, "8"),
    ], ignore_index=True)
    street_of_unit = ps_id[comm_street[u_comm]]
    conf_direct, conf_via = np.arange(400), np.arange(400, SZ_CONFERENCE)
    pair_units = np.arange(SZ_PAIRS)
    pair_target = np.where(pair_units % 2 == 0, pc_id[u_comm[pair_units]],
                           c_id[u_comm[pair_units]])
    t["links"] = pd.concat([
        links_frame(u_id[conf_direct], street_of_unit[conf_direct], "conference_member",
                    start="2024-01-01"),
        links_frame(pu_id[conf_via], street_of_unit[conf_via], "conference_member"),
        # not live: expired, not yet started
        links_frame(u_id[[600]], street_of_unit[[600]], "conference_member", "2020-01-01",
                    "2021-01-01"),
        links_frame(u_id[[601]], street_of_unit[[601]], "conference_member", "2027-01-01"),
        # 286 pairs; a second live agreement of pair 0; unit 2's Party org with the same
        # community (same pair, merged actors); an expired earlier agreement of pair 1
        links_frame(u_id[pair_units], pair_target, "paired_with", "2025-01-01", "2027-12-31"),
        links_frame(u_id[[0]], pair_target[[0]], "paired_with", "2026-01-01"),
        links_frame(pu_id[[2]], c_id[u_comm[[2]]], "paired_with", "2026-01-01"),
        links_frame(u_id[[1]], pair_target[[1]], "paired_with", "2020-01-01", "2024-12-31"),
        links_frame(t_id[:32], pi_id, "covered_by"),
        links_frame(t_id[joint_rows], pj_id[np.arange(len(joint_rows)) % 12], "covered_by"),
    ], ignore_index=True)
    return rg.build.graph_from_tables(t, name="苏州")


def test_suzhou_conference_rate(suzhou: rg.RegionalGraph) -> None:
    d = indicators(suzhou, by="district", as_of=DAY).iloc[0]
    assert d["resident_units"] == 1000
    assert d["resident_units_with_org"] == SZ_UNITS_WITH_ORG
    assert d["conference_units"] == SZ_CONFERENCE
    assert round(100 * d["conference_rate"], 1) == 62.4
    assert d["pairs"] == SZ_PAIRS
    assert d["agreements"] == SZ_PAIRS + 2
    assert d["pairs_per_community"] == pytest.approx(SZ_PAIRS / 157)
    # isolated: no live tie at all (units 558.. except none paired beyond 285)
    assert d["isolated_units"] == 1000 - SZ_CONFERENCE
    assert d["isolated_units"] == len(isolation.isolated_units(suzhou, as_of=DAY))
    assert d["unpaired_communities"] == len(isolation.unpaired_communities(suzhou, as_of=DAY))


def test_suzhou_coverage_with_members(suzhou: rg.RegionalGraph) -> None:
    d = indicators(suzhou, by="district", as_of=DAY).iloc[0]
    assert d["with_members"] == SZ_WITH_MEMBERS
    assert d["covered_with_members"] == SZ_COVERED
    # 78 / 124 = 62.9 %: the report's "63.0 %" implies 123.8 organisations with members
    assert d["rate_with_members"] == pytest.approx(SZ_COVERED / SZ_WITH_MEMBERS)
    assert abs(d["rate_with_members"] - 0.630) < 0.0015
    assert d["two_new"] == 154 and d["covered_two_new"] == SZ_COVERED + 10
    assert d["should_build"] == 8 == len(coverage.should_build(suzhou, as_of=DAY))
    totals = coverage.coverage_totals(suzhou, as_of=DAY)
    assert totals["rate_with_members"] == pytest.approx(d["rate_with_members"])


def test_suzhou_span_of_control(suzhou: rg.RegionalGraph) -> None:
    d = indicators(suzhou, by="district", as_of=DAY).iloc[0]
    assert d["community_committees"] == 157
    assert d["community_committees_over_limit"] == SZ_OVER_150  # 150 itself is not over
    assert round(d["community_committees_over_limit_share"], 2) == 0.30
    # branches: community committees, unit orgs, independent and joint branches
    assert d["branches"] == 157 + SZ_UNITS_WITH_ORG + 32 + 12
    assert d["branches_over_limit"] == SZ_OVER_150
    po = suzhou.nodes[rg.schema.Label.PARTY_ORG]
    branch = po[po["level"].isin(["community_committee", "unit_org", "independent_branch",
                                  "joint_branch"])]
    assert d["members_per_branch"] == pytest.approx(branch["members"].mean())
    c = indicators(suzhou, by="community", as_of=DAY)
    assert c["community_committees_over_limit"].sum() == SZ_OVER_150
    assert set(c["community_committees_over_limit_share"].unique()) <= {0.0, 1.0}


# --------------------------------------------------------------------------------------------
# Zhifu: part-time members and reporting
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zhifu() -> rg.RegionalGraph:
    t, s_id, c_id, comm_street = territory(13, 116)
    pc_id, ps_id = ids("PC", 116), ids("PS", 13)
    n_u = 102
    u_id = ids("U", n_u)
    u_comm = np.arange(n_u) % 116
    t["organizations"] = orgs_frame(id=u_id, name=u_id, kind="school", area_id=c_id[u_comm])
    t["party_orgs"] = pd.concat([
        party_frame(ps_id, ps_id, "street_committee", None, s_id, None, "20"),
        party_frame(pc_id, pc_id, "community_committee", ps_id[comm_street], c_id, None, "80"),
    ], ignore_index=True)
    # 288 part-time members: 200 on street big working committees, 88 on community committees
    sit_u = np.arange(288) % n_u
    sit_target = np.where(np.arange(288) < 200, ps_id[comm_street[u_comm[sit_u]]],
                          pc_id[u_comm[sit_u]])
    # 16,000 in-service members, 13,000 reporting: 12,000 say so, 1,000 only by a live
    # reports_to link; 200 more have only an expired link
    n_m = 16000
    m_id = ids("M", n_m)
    home = np.arange(n_m) % 116
    reported = np.arange(n_m) < 12000
    linked = (np.arange(n_m) >= 12000) & (np.arange(n_m) < 13000)
    expired = (np.arange(n_m) >= 13000) & (np.arange(n_m) < 13200)
    t["members"] = frame(id=m_id, org_id=pc_id[home], residence_area_id=c_id[home],
                         reported=np.where(reported, "是", "否"))
    t["links"] = pd.concat([
        links_frame(u_id[sit_u], sit_target, "sits_on", start="2025-03-01"),
        links_frame(m_id[linked], c_id[home[linked]], "reports_to", start="2025-01-01"),
        links_frame(m_id[expired], c_id[home[expired]], "reports_to", "2023-01-01",
                    "2023-12-31"),
        links_frame(m_id[:500], c_id[home[:500]], "reports_to", start="2025-01-01"),
    ], ignore_index=True)
    return rg.build.graph_from_tables(t, name="芝罘")


def test_zhifu_part_time_and_reporting(zhifu: rg.RegionalGraph) -> None:
    d = indicators(zhifu, by="district", as_of=DAY).iloc[0]
    assert d["part_time_members"] == 288
    assert d["member_records"] == 16000
    assert d["members_reporting"] == 13000
    assert d["reporting_rate"] == pytest.approx(13000 / 16000)
    s = indicators(zhifu, by="street", as_of=DAY)
    # street big working committee seats count at street level, community seats below it
    assert s["part_time_members"].sum() == 288
    c = indicators(zhifu, by="community", as_of=DAY)
    assert c["part_time_members"].sum() == 88
    assert c["member_records"].sum() == 16000


# --------------------------------------------------------------------------------------------
# matching, sample district, exports, speed
# --------------------------------------------------------------------------------------------


def test_matching_served_unmet() -> None:
    G = rg.datasets.load_sample_district()
    demands = G.nodes[rg.schema.Label.DEMAND]
    qty = demands["quantity"].astype("float64").fillna(1)
    served = (qty // 2).astype(int)
    matching = pd.DataFrame({"quantity": qty.astype(int), "served": served},
                            index=demands.index)
    t = indicators(G, by="district", as_of=DAY, matching=matching).iloc[0]
    assert t["served"] == served.sum()
    assert t["unmet"] == (qty - served).sum()
    assert t["served"] + t["unmet"] == t["demand_quantity"]
    assert t["served_rate"] == pytest.approx(served.sum() / qty.sum())

    class Result:  # any object with a per-demand table
        def __init__(self, demands: pd.DataFrame) -> None:
            self.demands = demands

    t2 = indicators(G, by="district", as_of=DAY, matching=Result(matching[["served"]]))
    assert t2["served"].iloc[0] == t["served"]
    with pytest.raises(TypeError, match="served"):
        indicators(G, by="district", as_of=DAY, matching=pd.DataFrame({"x": [1]}))
    assert "served" not in indicators(G, by="district", as_of=DAY).columns


def test_sample_district_consistency() -> None:
    G = rg.datasets.load_sample_district()
    day = rg.datasets.REFERENCE_DATE
    t = indicators(G, by="community", as_of=day)
    assert len(t) == 116
    res = G.nodes[rg.schema.Label.RESOURCE]
    dem = G.nodes[rg.schema.Label.DEMAND]
    assert t["resources"].sum() == len(res)
    assert t["demand_quantity"].sum() == dem["quantity"].sum()
    assert t["isolated_units"].sum() == len(isolation.isolated_units(G, as_of=day))
    rates = coverage.coverage_rates(G, as_of=day, by="community")
    pd.testing.assert_series_equal(t["rate_all"], rates["rate_all"], check_names=False)
    with pytest.raises(ValueError, match="`by` must be one of"):
        indicators(G, by="grid")  # type: ignore[arg-type]


def test_level_is_the_deprecated_spelling_of_by() -> None:
    G = rg.datasets.load_tiny()
    with pytest.warns(DeprecationWarning, match="by="):
        old = indicators(G, level="community", as_of="2026-10-01")
    pd.testing.assert_frame_equal(old, indicators(G, by="community", as_of="2026-10-01"))
    assert old.index.tolist() == ["C1", "C2", "C3"]


def test_chinese_labels_cover_every_column() -> None:
    G = rg.datasets.load_sample_district()
    t = indicators(G, by="street", as_of=rg.datasets.REFERENCE_DATE)
    assert set(t.columns) <= set(INDICATOR_ZH)
    zh = to_chinese(t)
    assert zh.index.name == "编号"
    assert "联席会参与率" in zh.columns and "应建未建数" in zh.columns
    assert not any(c.isascii() for c in zh.columns)


def test_write_indicators(tmp_path) -> None:
    G = rg.datasets.load_sample_district()
    paths = write_indicators(G, tmp_path / "out", as_of=rg.datasets.REFERENCE_DATE, lang="en")
    assert set(paths) == {"district", "street", "community", "xlsx"}
    raw = paths["street"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(paths["street"], encoding="utf-8-sig")
    assert back.columns[0] == "id" and len(back) == 13
    sheets = pd.read_excel(paths["xlsx"], sheet_name=None)
    assert list(sheets) == ["district", "street", "community", "notes"]
    assert len(sheets["community"]) == 116
    zh = write_indicators(G, tmp_path / "zh", as_of=rg.datasets.REFERENCE_DATE)
    back = pd.read_csv(zh["street"], encoding="utf-8-sig")
    assert back.columns[0] == "编号" and "联席会参与率" in back.columns
    sheets = pd.read_excel(zh["xlsx"], sheet_name=None)
    assert list(sheets) == ["区指标", "街道指标", "社区指标", "说明"]
    assert not any(str(c).isascii() for c in sheets["街道指标"].columns)


def test_city_scale_tables() -> None:
    """Every area of a generated city gets a row (timings: benchmarks/bench_structure.py)."""
    G = rg.build.graph_from_tables(rg.datasets.generate_tables("city"))
    tables = [indicators(G, by=lvl, as_of=DAY) for lvl in ("district", "street", "community")]
    assert [len(t) for t in tables] == [10, 120, 1200]
    assert int(tables[0]["two_new"].sum()) == int(tables[2]["two_new"].sum())


def test_members_without_residence_count_where_their_branch_is():
    raw = {
        "areas": pd.DataFrame({"id": ["D", "S", "C"], "name": ["区", "街道", "社区"],
                               "level": ["district", "street", "community"],
                               "parent_id": [None, "D", "S"]}),
        "party_orgs": pd.DataFrame({"id": ["PC"], "name": ["社区党委"],
                                    "level": ["community_committee"], "area_id": ["C"]}),
        "members": pd.DataFrame({"id": ["M1", "M2", "M3"], "org_id": ["PC"] * 3,
                                 "residence_area_id": ["C", "C", None],
                                 "reported": ["true", "false", "false"]}),
    }
    G = rg.build.graph_from_tables(raw)
    row = indicators(G, by="district", as_of="2026-01-01").loc["D"]
    assert row["member_records"] == 3
    assert row["members_reporting"] == 1
    assert abs(row["reporting_rate"] - 1 / 3) < 1e-12


def test_conference_rate_counts_only_units_with_a_party_org() -> None:
    """Hand-built: 4 resident units, U1 and U2 host a Party org; U1 (directly), U3 and U4
    (no Party org) sit on the street's joint conference. Rate = 1 / 2 (was 3 / 2 = 150 %)."""
    t, s_id, c_id, _ = territory(1, 1)
    u = ["U1", "U2", "U3", "U4"]
    t["organizations"] = orgs_frame(id=u, name=[f"{x}局" for x in u], kind="agency",
                                    area_id=c_id[0], party_members="5")
    t["party_orgs"] = pd.concat([
        party_frame(["PD"], ["区委"], "district_committee", None, ["D"], None, "0"),
        party_frame(["PS"], ["街道党工委"], "street_committee", "PD", s_id, None, "0"),
        party_frame(["P1", "P2"], ["U1党委", "U2党委"], "unit_org", "PD", c_id[0],
                    ["U1", "U2"], "5"),
    ], ignore_index=True)
    t["links"] = links_frame(["U1", "U3", "U4"], ["PS", "PS", "PS"], "conference_member")
    G = rg.build.graph_from_tables(t)
    for level in ("district", "street", "community"):
        row = indicators(G, by=level, as_of=DAY).iloc[0]
        assert (row["resident_units_with_org"], row["conference_units"]) == (2, 1), level
        assert row["conference_rate"] == 0.5, level


@pytest.mark.parametrize("level", ["district", "street", "community"])
def test_every_rate_lies_in_unit_interval(level) -> None:
    G = rg.datasets.load_sample_district()
    t = indicators(G, by=level, as_of=rg.datasets.REFERENCE_DATE)
    for col in ("rate_all", "rate_with_members", "conference_rate", "reporting_rate",
                "community_committees_over_limit_share", "fulfilment_rate"):
        values = t[col].dropna()
        assert values.between(0, 1).all(), (level, col, values.max())


def test_unlocated_row_has_no_counts_of_another_area():
    """An organisation placed at the district (no street) gets the coverage's "(unlocated
    street)" row: its coverage counts (1 two-new, 1 uncovered) and 0 / NaN elsewhere, never the
    last street's values (it used to get S2's communities = 1)."""
    raw = rg.io.read_tables(rg.datasets.TINY)
    raw["organizations"].loc[raw["organizations"]["id"] == "O8", "area_id"] = "D1"
    G = rg.build.graph_from_tables(raw)
    t = rg.analysis.indicators.indicators(G, by="street", as_of="2026-10-01")
    row = t.loc["(unlocated street)"]
    assert (row["two_new"], row["uncovered"]) == (1, 1)
    assert (row["communities"], row["resident_units"], row["party_orgs"]) == (0, 0, 0)
    assert np.isnan(row["members_per_branch"])
    assert t.loc["S2", "communities"] == 1
