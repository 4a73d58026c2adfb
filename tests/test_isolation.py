"""Tests for ``regional_graph.analysis.isolation`` on the hand-built district and the sample."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_coverage import DAY, SAMPLE_DAY, build

import regional_graph as rg
from regional_graph.analysis import isolation


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return build()


@pytest.fixture(scope="module")
def sample() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


def test_isolated_units(G):
    iso = isolation.isolated_units(G, as_of=DAY)
    assert iso.index.tolist() == ["U2", "U3"]  # U1 is tied only through its Party org PU1
    assert iso.loc["U2", "reason"] == "only expired ties"
    assert iso.loc["U2", "expired_ties"] == 1
    assert iso.loc["U2", "last_tie_end"] == pd.Timestamp("2025-12-31")
    assert iso.loc["U2", "former_partners"] == "PC3"
    assert iso.loc["U2", "party_org"] == "PU2"
    assert iso.loc["U3", "reason"] == "no tie" and iso.loc["U3", "expired_ties"] == 0
    assert pd.isna(iso.loc["U3", "former_partners"])
    assert iso.loc["U3", ["street", "community"]].tolist() == ["东山街道", "三社区"]


def test_tie_ending_today_is_live_and_tomorrow_expired(G):
    tomorrow = DAY + dt.timedelta(days=1)
    iso = isolation.isolated_units(G, as_of=tomorrow)
    assert iso.index.tolist() == ["U1", "U2", "U3"]
    assert iso.loc["U1", "former_partners"] == "C2"  # the pair held by PU1 counts for U1
    assert iso.loc["U1", "last_tie_end"] == pd.Timestamp(DAY)


def test_weakly_tied_through_hosted_party_org(G):
    w = isolation.weakly_tied_units(G, as_of=DAY)
    assert w.index.tolist() == ["U1"]
    assert w.loc["U1", ["type", "partner_id", "via"]].tolist() == ["paired_with", "C2", "PU1"]
    assert w.loc["U1", "partner_name"] == "二社区"


def test_expiring_ties(G):
    e = isolation.expiring_ties(G, as_of=DAY)
    assert e["days_left"].tolist() == [0, 20]
    assert e[["source_id", "target_id"]].values.tolist() == [["PU1", "C2"], ["U4", "PC1"]]
    assert e.index.tolist() == ["PU1->C2#6", "U4->PC1#8"]  # row in the links table
    assert e.loc["PU1->C2#6", "unit_id"] == "U1"
    assert isolation.expiring_ties(G, as_of=DAY, days=5)["days_left"].tolist() == [0]


def test_dormant_ties(G):
    d = isolation.dormant_ties(G, as_of=DAY)
    assert set(zip(d["source_id"], d["target_id"], d["type"], strict=True)) == {
        ("PU1", "C2", "paired_with"), ("U4", "PS1", "sits_on"),
        ("U4", "PS1", "conference_member")}
    assert d.set_index("type").loc["paired_with", "reason"] == "no activity in the window"
    assert d.set_index("type").loc["sits_on", "reason"] == "no activity recorded"
    assert d.set_index("type").loc["paired_with", "activities"] == 1
    # a 24-month window makes the pair active again
    d24 = isolation.dormant_ties(G, as_of=DAY, months=24)
    assert "paired_with" not in set(d24["type"])


def test_dormant_ties_without_activities():
    from test_coverage import raw_tables

    raw = raw_tables()
    del raw["activities"]
    d = isolation.dormant_ties(rg.build.graph_from_tables(raw), as_of=DAY)
    assert d.empty and "reason" in d.columns


def test_unpaired_communities(G):
    u = isolation.unpaired_communities(G, as_of=DAY)
    # C1 is paired through its committee PC1, C2 as the Area itself
    assert u.index.tolist() == ["C3"]
    assert u.loc["C3", "reason"] == "only expired pairs"
    assert u.loc["C3", "former_partners"] == "U2"
    assert u.loc["C3", "last_pair_end"] == pd.Timestamp("2025-12-31")
    assert u.loc["C3", "street_id"] == "S2"
    later = isolation.unpaired_communities(G, as_of=DAY + dt.timedelta(days=1))
    assert later.index.tolist() == ["C2", "C3"]


def test_tie_components(G):
    c = isolation.tie_components(G, as_of=DAY)
    nodes = c.nodes
    # U4 ties to street S1 (via its committee PS1) and community C1 (via PC1)
    assert set(nodes.index[nodes["component"] == 0]) == {"U4", "S1", "C1"}
    assert nodes.loc["U1", "size"] == 2 and nodes.loc["C2", "component"] == nodes.loc[
        "U1", "component"]
    assert "PU1" not in nodes.index  # one actor with U1
    assert nodes.loc["U3", "size"] == 1
    assert set(c.cut_off.index) == {"U1", "U2", "U3"}
    assert not c.cut_off.index.isin(nodes.index[nodes["in_largest"]]).any()


# -- property: adding a live tie never increases the number of isolated units ------------

_ENDS = ["U1", "U2", "U3", "U4", "PU1", "PU2"]
_TARGETS = ["PC1", "PC2", "PC3", "C1", "C2", "C3", "PS1", "PS2"]


@st.composite
def tie_links(draw, min_size=0, max_size=5, live=False):
    out = []
    for _ in range(draw(st.integers(min_size, max_size))):
        source = draw(st.sampled_from(_ENDS))
        kind = draw(st.sampled_from(["paired_with", "sits_on", "conference_member"]))
        target = draw(st.sampled_from(_TARGETS if kind == "paired_with" else
                                      ["PC1", "PC2", "PC3", "PS1", "PS2"]))
        if live:
            start, end = -draw(st.integers(0, 500)), draw(st.one_of(st.none(),
                                                                      st.integers(0, 500)))
        else:
            start = draw(st.integers(-900, 200))
            end = draw(st.one_of(st.none(), st.integers(start, 400)))
        out.append((source, target, kind, (DAY + dt.timedelta(days=start)).isoformat(),
                    None if end is None else (DAY + dt.timedelta(days=end)).isoformat()))
    return tuple(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tie_links(), tie_links(min_size=1, max_size=1, live=True))
def test_property_adding_live_tie_never_increases_isolated(base, extra):
    before = isolation.isolated_units(build(extra_links=base), as_of=DAY)
    after = isolation.isolated_units(build(extra_links=base + extra), as_of=DAY)
    assert len(after) <= len(before)
    assert set(after.index) <= set(before.index)
    weak = isolation.weakly_tied_units(build(extra_links=base + extra), as_of=DAY)
    assert not set(weak.index) & set(after.index)


# -- the sample district -----------------------------------------------------------------


def test_sample_district_situations(sample):
    iso = isolation.isolated_units(sample, as_of=SAMPLE_DAY)
    assert set(iso["reason"]) == {"no tie", "only expired ties"}
    assert len(isolation.weakly_tied_units(sample, as_of=SAMPLE_DAY)) > 0
    d = isolation.dormant_ties(sample, as_of=SAMPLE_DAY)
    assert set(d["reason"]) == {"no activity recorded", "no activity in the window"}
    assert len(isolation.expiring_ties(sample, as_of=SAMPLE_DAY)) > 0
    u = isolation.unpaired_communities(sample, as_of=SAMPLE_DAY)
    assert len(u) > 0
    c = isolation.tie_components(sample, as_of=SAMPLE_DAY)
    assert len(c.cut_off) > 0 and c.nodes["size"].max() > 10
    # a unit tied only through the Party org it hosts is present and not isolated
    w = isolation.weakly_tied_units(sample, as_of=SAMPLE_DAY)
    ties = isolation.expiring_ties(sample, as_of=SAMPLE_DAY, days=100000)
    via_org = ties[ties["source_id"].str.startswith("PU")]["unit_id"]
    assert len(via_org) > 0 and not set(via_org) & set(iso.index)
    assert np.all(w.index.isin(sample.nodes[rg.schema.Label.ORGANIZATION].index))


def test_dormant_and_expiring_ties_are_ties_of_resident_units_only():
    raw = {
        "areas": pd.DataFrame({"id": ["D", "S", "C"], "name": ["区", "街道", "社区"],
                               "level": ["district", "street", "community"],
                               "parent_id": [None, "D", "S"]}),
        "organizations": pd.DataFrame({"id": ["H", "E"], "name": ["医院", "企业"],
                                       "kind": ["hospital", "enterprise"],
                                       "area_id": ["C", "C"]}),
        "links": pd.DataFrame({"source_id": ["H", "E"], "target_id": ["C", "C"],
                               "type": ["paired_with", "paired_with"],
                               "start": ["2025-01-01", "2025-01-01"],
                               "end": ["2026-01-10", "2026-01-10"]}),
        "activities": pd.DataFrame({"id": ["A1"], "date": ["2020-01-01"],
                                    "source_id": ["H"], "target_id": ["C"]}),
    }
    G = rg.build.graph_from_tables(raw)
    dormant = isolation.dormant_ties(G, as_of="2026-01-01")
    expiring = isolation.expiring_ties(G, as_of="2026-01-01", days=30)
    assert dormant["source_id"].tolist() == ["H"]
    assert expiring["source_id"].tolist() == ["H"]
