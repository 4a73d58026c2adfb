"""The one networkx view: ``G.to_networkx()`` round-trips exactly (activities and orders
included) and ``build.graph_to_networkx`` is the same view."""

from __future__ import annotations

import json

import networkx as nx
import pytest

import regional_graph as rg


@pytest.fixture(scope="module", params=["tiny", "sample"])
def graph(request):
    if request.param == "tiny":
        return rg.datasets.load_tiny()
    return rg.datasets.load_sample_district()


def test_round_trip_is_exact(graph) -> None:
    back = rg.build.graph_from_networkx(graph.to_networkx())
    assert back == graph
    assert back.activities.equals(graph.activities) and back.orders.equals(graph.orders)
    assert len(back.orders) == len(graph.orders) > 0


def test_one_view(graph) -> None:
    assert nx.utils.graphs_equal(rg.build.graph_to_networkx(graph), graph.to_networkx())


def test_tiny_view_by_hand() -> None:
    """Values read off the tiny CSVs (pkg/regional_graph/datasets/tiny/)."""
    g = rg.datasets.load_tiny().to_networkx()
    assert g.number_of_nodes() == 6 + 9 + 8 + 2 + 3 + 2  # areas, Party orgs, orgs, R, Q, M
    assert g.nodes["O8"]["party_members"] == 4 and g.nodes["O8"]["label"] == "Organization"
    ended = [d["end"] for _, v, d in g.edges("O2", data=True) if d["type"] == "PAIRED_WITH"]
    assert ended == ["2023-12-31"]
    activities = json.loads(g.graph["activities"])
    assert activities["data"] == [["A1", "2026-06-01", "O1", "PC1", None, "25", "操场开放日"]]
    orders = json.loads(g.graph["orders"])
    assert [row[0] for row in orders["data"]] == ["OD1", "OD2"]
