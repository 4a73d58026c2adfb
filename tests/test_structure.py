"""Network structure: igraph answers equal networkx's on the same graph; seeds are honoured."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.analysis import _common, structure

DAY = "2026-10-01"


def random_tables(seed: int = 0, n_streets: int = 4, n_comms: int = 16,
                  n_units: int = 60) -> dict[str, pd.DataFrame]:
    """A random district: units (half with a unit Party org), communities with committees,
    and tie links of every type between their actors, some expired or not yet started."""
    rng = np.random.default_rng(seed)
    s_id = [f"S{i}" for i in range(n_streets)]
    c_id = [f"C{i:02d}" for i in range(n_comms)]
    c_street = np.arange(n_comms) % n_streets
    areas = pd.DataFrame({
        "id": ["D", *s_id, *c_id], "name": ["区", *[f"{s}街道" for s in s_id],
                                             *[f"{c}社区" for c in c_id]],
        "level": ["district"] + ["street"] * n_streets + ["community"] * n_comms,
        "parent_id": [None] + ["D"] * n_streets + [s_id[s] for s in c_street]})
    u_id = [f"U{i:03d}" for i in range(n_units)]
    u_comm = rng.integers(0, n_comms, n_units)
    orgs = pd.DataFrame({"id": [*u_id, "E1"], "name": [*u_id, "企业"],
                         "kind": ["school"] * n_units + ["enterprise"],
                         "area_id": [c_id[c] for c in u_comm] + [c_id[0]]})
    has_org = np.arange(n_units) % 2 == 0
    po = pd.DataFrame({
        "id": [f"P{s}" for s in s_id] + [f"P{c}" for c in c_id]
        + [f"PU{i:03d}" for i in np.flatnonzero(has_org)] + ["PJ1"],
        "name": [f"{s}党工委" for s in s_id] + [f"{c}党委" for c in c_id]
        + [f"U{i:03d}党支部" for i in np.flatnonzero(has_org)] + ["联合支部"],
        "level": ["street_committee"] * n_streets + ["community_committee"] * n_comms
        + ["unit_org"] * int(has_org.sum()) + ["joint_branch"],
        "area_id": s_id + c_id + [c_id[u_comm[i]] for i in np.flatnonzero(has_org)] + [c_id[0]],
        "host_id": [None] * (n_streets + n_comms) + [u_id[i] for i in np.flatnonzero(has_org)]
        + [None],
    })
    rows = []
    for i in range(n_units):
        me = f"PU{i:03d}" if has_org[i] and rng.random() < 0.5 else u_id[i]
        for _ in range(int(rng.integers(0, 4))):
            c = int(rng.choice([u_comm[i], rng.integers(0, n_comms)]))
            tgt = f"P{c_id[c]}" if rng.random() < 0.5 else c_id[c]
            r = rng.random()
            start, end = ("2020-01-01", "2021-01-01") if r < 0.1 else \
                ("2030-01-01", None) if r < 0.15 else ("2024-01-01", None)
            rows.append((me, tgt, "paired_with", start, end))
        if rng.random() < 0.3:
            rows.append((u_id[i], f"P{s_id[c_street[u_comm[i]]]}", "conference_member",
                         None, None))
        if rng.random() < 0.2:
            rows.append((u_id[i], f"P{c_id[u_comm[i]]}", "sits_on", None, None))
    rows.append(("E1", "PJ1", "covered_by", None, None))
    rows.append(("E1", f"P{c_id[0]}", "paired_with", None, None))
    links = pd.DataFrame(rows, columns=["source_id", "target_id", "type", "start", "end"])
    return {k: v.astype("str") for k, v in {"areas": areas, "party_orgs": po,
                                            "organizations": orgs, "links": links}.items()}


def expected_nx(tables: dict[str, pd.DataFrame], *, coverage: bool = False) -> nx.Graph:
    """The joint-building network built independently with networkx from the raw tables."""
    po = tables["party_orgs"].set_index("id")
    actor = {}
    for pid, row in po.iterrows():
        if pd.notna(row["host_id"]):
            actor[pid] = row["host_id"]
        elif row["level"] in ("street_committee", "community_committee"):
            actor[pid] = row["area_id"]
    g = nx.Graph()
    day = pd.Timestamp(DAY)
    types = {"paired_with", "sits_on", "conference_member"} | ({"covered_by"} if coverage
                                                               else set())
    for r in tables["links"].itertuples():
        if r.type not in types:
            continue
        if pd.notna(r.start) and pd.Timestamp(r.start) > day:
            continue
        if pd.notna(r.end) and pd.Timestamp(r.end) < day:
            continue
        u, v = actor.get(r.source_id, r.source_id), actor.get(r.target_id, r.target_id)
        if u != v:
            g.add_edge(u, v)
    return g


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return random_tables(seed=1)


@pytest.fixture(scope="module")
def G(tables: dict[str, pd.DataFrame]) -> rg.RegionalGraph:
    return rg.build.graph_from_tables(tables)


def test_network_matches_definition(G: rg.RegionalGraph, tables) -> None:
    for coverage in (False, True):
        net = structure.tie_network(G, as_of=DAY, include_coverage=coverage)
        H, E = net.to_networkx(), expected_nx(tables, coverage=coverage)
        assert set(H.nodes) == set(E.nodes)
        assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in E.edges}
    assert "PJ1" in structure.tie_network(G, as_of=DAY, include_coverage=True).ids
    assert "PJ1" not in structure.tie_network(G, as_of=DAY).ids


def test_degree_equals_networkx(G: rg.RegionalGraph) -> None:
    net = structure.tie_network(G, as_of=DAY)
    H = net.to_networkx()
    d = structure.degree(G, as_of=DAY, include_isolated=False)
    assert dict(H.degree()) == d["degree"].to_dict()
    assert dict(H.degree(weight="weight")) == d["ties"].to_dict()
    full = structure.degree(G, as_of=DAY)
    units = G.nodes[rg.schema.Label.ORGANIZATION]
    n_units = int((units["kind"] == "school").sum())
    assert full["kind"].eq("school").sum() == n_units  # isolated units listed with degree 0
    assert (full.loc[~full.index.isin(H.nodes), "degree"] == 0).all()


@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_equals_networkx(G: rg.RegionalGraph, normalized: bool) -> None:
    H = structure.tie_network(G, as_of=DAY).to_networkx()
    ours = structure.betweenness(G, as_of=DAY, normalized=normalized)
    theirs = nx.betweenness_centrality(H, normalized=normalized)
    np.testing.assert_allclose(ours.to_numpy(), [theirs[v] for v in ours.index], atol=1e-12)


@pytest.mark.parametrize("seed", [0, 7])
def test_sampled_betweenness_equals_networkx(G: rg.RegionalGraph, seed: int) -> None:
    H = structure.tie_network(G, as_of=DAY).to_networkx()
    ours = structure.betweenness(G, as_of=DAY, k=15, seed=seed)
    theirs = nx.betweenness_centrality(H, k=15, seed=seed)
    np.testing.assert_allclose(ours.to_numpy(), [theirs[v] for v in ours.index], atol=1e-12)
    again = structure.betweenness(G, as_of=DAY, k=15, seed=seed)
    pd.testing.assert_series_equal(ours, again)
    exact = structure.betweenness(G, as_of=DAY, k=10_000)
    pd.testing.assert_series_equal(exact, structure.betweenness(G, as_of=DAY))


@pytest.mark.parametrize("method", ["leiden", "leidenalg", "louvain"])
@pytest.mark.parametrize(("resolution", "weighted"), [(1.0, False), (1.5, True)])
def test_modularity_equals_networkx(G: rg.RegionalGraph, method: str, resolution: float,
                                    weighted: bool) -> None:
    part = structure.communities(G, as_of=DAY, method=method, seed=3, resolution=resolution,
                                 weighted=weighted)
    H = part.network.to_networkx()
    q = nx.community.modularity(H, part.clusters(), weight="weight" if weighted else None,
                                resolution=resolution)
    assert part.modularity == pytest.approx(q, abs=1e-12)
    assert part.membership.index.equals(part.network.ids)
    sizes = part.membership.value_counts().sort_index().to_numpy()
    assert (np.diff(sizes) <= 0).all()  # cluster 0 is the largest


@pytest.mark.parametrize("method", ["leiden", "leidenalg", "louvain"])
def test_communities_deterministic(method: str) -> None:
    G = rg.datasets.load_sample_district()
    day = rg.datasets.REFERENCE_DATE
    a = structure.communities(G, as_of=day, method=method, seed=11)
    b = structure.communities(G, as_of=day, method=method, seed=11)
    pd.testing.assert_series_equal(a.membership, b.membership)
    assert a.modularity == b.modularity
    H = a.network.to_networkx()
    ref = max(nx.community.modularity(H, nx.community.louvain_communities(H, seed=s),
                                      weight=None) for s in range(3))
    assert a.modularity >= ref - 0.01


def test_unknown_method(G: rg.RegionalGraph) -> None:
    with pytest.raises(ValueError, match="leiden"):
        structure.communities(G, as_of=DAY, method="walktrap")  # type: ignore[arg-type]


def test_brokers_articulation_points(G: rg.RegionalGraph) -> None:
    H = structure.tie_network(G, as_of=DAY).to_networkx()
    b = structure.brokers(G, as_of=DAY, all_actors=True)
    assert set(b.index[b["articulation"]]) == set(nx.articulation_points(H))
    for a in b.index[b["articulation"]]:
        comp = nx.node_connected_component(H, a)
        rest = H.subgraph(comp - {a})
        sizes = [len(c) for c in nx.connected_components(rest)]
        assert b.loc[a, "pieces"] == len(sizes)
        assert b.loc[a, "cut_off"] == len(comp) - 1 - max(sizes)
    assert (b.loc[~b["articulation"], "cut_off"] == 0).all()
    only = structure.brokers(G, as_of=DAY)
    assert (only["articulation"] | (only["streets_reached"] >= 2)).all()
    assert only["cut_off"].is_monotonic_decreasing


def test_brokers_between_streets() -> None:
    # two streets joined only through unit U2: it is the broker, cutting 2 actors off
    t = random_tables(seed=0, n_streets=2, n_comms=2, n_units=3)
    t["links"] = pd.DataFrame({
        "source_id": ["U000", "U001", "U002", "U002"],
        "target_id": ["C00", "C01", "C00", "C01"],
        "type": ["paired_with"] * 4}).astype("str")
    G = rg.build.graph_from_tables(t)
    b = structure.brokers(G, as_of=DAY)
    assert b.index[0] == "U002"
    top = b.iloc[0]
    assert top["articulation"] and top["pieces"] == 2 and top["cut_off"] == 2
    assert top["streets_reached"] == 2 and top["cross_street_ties"] == 1


def test_compare_with_streets(G: rg.RegionalGraph) -> None:
    part = structure.communities(G, as_of=DAY, seed=2)
    cmp = structure.compare_with_streets(G, part)
    street = cmp.streets
    codes = _common.street_of(G, part.network.codes)
    ok = codes >= 0
    ref = ig.compare_communities(part.membership.to_numpy()[ok].tolist(), codes[ok].tolist(),
                                 method="nmi")
    assert cmp.nmi == pytest.approx(ref)
    assert cmp.clusters["size"].sum() == len(part.membership)
    assert street["actors"].sum() == ok.sum()
    assert (street["split"] == (street["main_share"] < 0.8)).all()

    # a partition that *is* the streets: NMI 1, nothing crosses, nothing split
    same = structure.Partition(
        membership=pd.Series(pd.factorize(codes)[0], index=part.network.ids),
        modularity=float("nan"), method="streets", seed=0, resolution=1.0, weighted=False,
        network=part.network)
    perfect = structure.compare_with_streets(G, same)
    assert perfect.nmi == pytest.approx(1.0)
    assert not perfect.clusters["crosses_streets"].any()
    assert not perfect.streets["split"].any()


def test_empty_network() -> None:
    t = random_tables(seed=0, n_units=3)
    t["links"] = t["links"].iloc[:0]
    G = rg.build.graph_from_tables(t)
    assert structure.tie_network(G, as_of=DAY).number_of_nodes() == 0
    assert len(structure.betweenness(G, as_of=DAY)) == 0
    assert structure.communities(G, as_of=DAY).n_clusters == 0
    assert len(structure.brokers(G, as_of=DAY)) == 0
    assert (structure.degree(G, as_of=DAY)["degree"] == 0).all()
