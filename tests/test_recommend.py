"""Pairing recommendations on a hand-built district where the best partner is known.

Street S1 has communities C1, C2, C3 (about 1 km apart); street S2, 30 km away, has C4.

* U1, a hospital in C1 offering medical capacity 10, is isolated. C1 needs nothing, C2 needs
  medical 5 (1 km away), C3 needs legal 3. Best partner for U1: **C2**.
* C3 is unpaired and needs legal help. U2 (S1, offers legal, no ties, paired with C3 until
  2025) is the best partner; U3 (S1, offers legal too, but already has 12 live ties) comes
  second; U4 (offers legal, but in S2, 30 km away) is not a candidate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.analysis import isolation
from regional_graph.analysis.recommend import COLUMNS, PartnerWeights, recommend_partners

DAY = "2026-10-01"
_ = None
LOC = {"C1": (37.500, 121.400), "C2": (37.509, 121.400), "C3": (37.500, 121.4113),
       "C4": (37.770, 121.400)}


def tables() -> dict[str, pd.DataFrame]:
    areas = [("D", "区", "district", _), ("S1", "东街道", "street", "D"),
             ("S2", "西街道", "street", "D")]
    areas += [(c, f"{c}社区", "community", "S1" if c != "C4" else "S2") for c in LOC]
    orgs = [(f"R{c}", f"{c}居委会", "residents_committee", c, *map(str, LOC[c])) for c in LOC]
    orgs += [("U1", "人民医院", "hospital", "C1", "37.5001", "121.4001"),
             ("U2", "司法局", "agency", "C1", _, _),
             ("U3", "税务局", "agency", "C2", "37.509", "121.401"),
             ("U4", "公证处", "public_institution", "C4", "37.77", "121.40")]
    po = [("PS1", "东街道党工委", "street_committee", _, "S1", _),
          ("PS2", "西街道党工委", "street_committee", _, "S2", _)]
    po += [(f"P{c}", f"{c}社区党委", "community_committee", _, c, _) for c in LOC]
    po += [("PU1", "人民医院党委", "unit_org", _, "C1", "U1")]
    links = [("U2", "C3", "paired_with", "2023-01-01", "2025-06-30")]  # ended: U2 is isolated
    links += [("U3", "PC1", "paired_with", "2024-01-01", _)] * 12  # U3 overloaded
    links += [("U4", "PC4", "paired_with", "2024-01-01", _),
              ("U3", "PC2", "paired_with", "2024-01-01", _)]
    resources = [("RS1", "PU1", "medical", "10", _), ("RS2", "U2", "legal", "5", _),
                 ("RS3", "U3", "legal", "5", _), ("RS4", "U4", "legal", "9", _)]
    demands = [("Q1", "PC2", "medical", "5", "C2"), ("Q2", "C3", "legal", "3", "C3")]
    return {
        "areas": pd.DataFrame(areas, columns=["id", "name", "level", "parent_id"]),
        "organizations": pd.DataFrame(orgs, columns=["id", "name", "kind", "area_id", "lat",
                                                     "lon"]),
        "party_orgs": pd.DataFrame(po, columns=["id", "name", "level", "parent_id", "area_id",
                                                "host_id"]),
        "links": pd.DataFrame(links, columns=["source_id", "target_id", "type", "start", "end"]),
        "resources": pd.DataFrame(resources, columns=["id", "provider_id", "category",
                                                      "capacity", "area_id"]),
        "demands": pd.DataFrame(demands, columns=["id", "requester_id", "category", "quantity",
                                                  "area_id"]),
    }


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return rg.build.graph_from_tables({k: v.astype("str") for k, v in tables().items()})


def test_setup(G: rg.RegionalGraph) -> None:
    assert set(isolation.isolated_units(G, as_of=DAY).index) == {"U1", "U2"}
    assert set(isolation.unpaired_communities(G, as_of=DAY).index) == {"C3"}


def test_best_partner_for_isolated_unit(G: rg.RegionalGraph) -> None:
    rec = recommend_partners(G, as_of=DAY, k=3)
    assert list(rec.columns) == list(COLUMNS)
    u1 = rec.loc[["U1"]]
    assert (u1["for_kind"] == "unit").all()
    assert u1["rank"].tolist() == [1, 2, 3]
    best = u1.iloc[0]
    assert best["partner_id"] == "C2" and best["partner_name"] == "C2社区"
    assert "complementary: offers medical" in best["reason"]
    assert "can serve 5 of 5 unmet" in best["reason"]
    assert best["distance_km"] == pytest.approx(1.0, abs=0.05)
    assert "C4" not in set(u1["partner_id"])  # other street, 30 km away
    assert u1["score"].is_monotonic_decreasing


def test_best_partner_for_unpaired_community(G: rg.RegionalGraph) -> None:
    rec = recommend_partners(G, as_of=DAY, k=5)
    c3 = rec.loc[["C3"]]
    assert (c3["for_kind"] == "community").all()
    assert c3["partner_id"].tolist()[:2] == ["U2", "U3"]
    assert "U4" not in set(c3["partner_id"])
    assert "former partner" in c3.iloc[0]["reason"]
    assert "partner has 0 live ties" in c3.iloc[0]["reason"]
    assert "partner has 13 live ties" in c3.iloc[1]["reason"]
    assert np.isnan(c3.iloc[0]["distance_km"])  # U2 has no coordinates
    assert "same street" in c3.iloc[0]["reason"]


def test_k_and_order(G: rg.RegionalGraph) -> None:
    rec = recommend_partners(G, as_of=DAY, k=1)
    assert rec.groupby("id").size().max() == 1
    assert rec["for_kind"].tolist() == sorted(rec["for_kind"], key=lambda k: k != "unit")
    with pytest.raises(ValueError, match="k"):
        recommend_partners(G, as_of=DAY, k=0)


def test_weights_change_the_answer(G: rg.RegionalGraph) -> None:
    # without the resource terms and with load ignored, the unit's own community is nearest
    weights = PartnerWeights(complement=0, capacity=0, load=0)
    rec = recommend_partners(G, as_of=DAY, k=1, weights=weights)
    assert rec.loc["U1", "partner_id"] == "C1"


def test_matching_removes_served_demand(G: rg.RegionalGraph) -> None:
    served = pd.DataFrame({"quantity": [5, 3], "served": [5, 0]}, index=["Q1", "Q2"])
    rec = recommend_partners(G, as_of=DAY, k=3, matching=served)
    c2 = rec.loc[["U1"]].query("partner_id == 'C2'").iloc[0]
    assert "complementary" not in c2["reason"]
    assert rec.loc[["U1"]].iloc[0]["score"] < recommend_partners(
        G, as_of=DAY, k=1).loc["U1", "score"]


def test_chinese_reasons(G: rg.RegionalGraph) -> None:
    rec = recommend_partners(G, as_of=DAY, k=1, language="zh")
    best = rec.loc["U1"]
    assert "医疗" in best["reason"] and "公里" in best["reason"]


def test_sample_district() -> None:
    G = rg.datasets.load_sample_district()
    day = rg.datasets.REFERENCE_DATE
    rec = recommend_partners(G, as_of=day, k=3)
    iso = isolation.isolated_units(G, as_of=day)
    unp = isolation.unpaired_communities(G, as_of=day)
    assert set(rec.index[rec["for_kind"] == "unit"]) <= set(iso.index)
    assert set(rec.index[rec["for_kind"] == "community"]) <= set(unp.index)
    assert rec["rank"].between(1, 3).all()
    assert not rec.reset_index().duplicated(["id", "partner_id"]).any()
    # the same street or within the radius: nothing far away
    assert (rec["distance_km"].fillna(0) < 50).all()


@pytest.mark.parametrize("seed", range(4))
def test_neighbour_pairs_equal_every_pair_checked(seed: int) -> None:
    """The grid search of ``_within`` finds exactly the pairs a check of every pair finds,
    in the same order: points at exactly the radius, on cell borders, repeated, far apart."""
    from regional_graph.analysis.recommend import _within

    rng = np.random.default_rng(seed)
    for _ in range(60):
        na, nb = (int(n) for n in rng.integers(0, 40, 2))
        scale = float(rng.choice([0.5, 5.0, 80.0]))
        a, b = rng.normal(size=(na, 2)) * scale, rng.normal(size=(nb, 2)) * scale
        radius = float(rng.choice([0.3, 3.0, 3.03]))
        if na and nb:
            m = min(na, nb)
            b[:m] = a[:m] + np.array([radius, 0.0])  # exactly at the radius (or a rounding off it)
            b[-1] = a[0]
            a[-1] = np.round(a[-1] / radius) * radius  # on a cell border
        d2 = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
        want_i, want_j = np.nonzero(d2 <= radius * radius)
        got_i, got_j = _within(a, b, radius)
        assert got_i.tolist() == want_i.tolist() and got_j.tolist() == want_j.tolist()
