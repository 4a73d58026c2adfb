"""The pyvis export keeps every edge of a map: pyvis's ``add_edge`` keeps one edge per pair in
an undirected network, so two relationships between the same pair used to become one."""

from __future__ import annotations

from collections import Counter

import regional_graph as rg
from regional_graph.viz import maps


def test_to_pyvis_keeps_parallel_edges() -> None:
    G = rg.datasets.load_tiny()
    m = maps.street_map(G, "S1", as_of=rg.datasets.REFERENCE_DATE)
    net = m.to_pyvis()
    # tiny links.csv: 小岚中学 (O1) sits on 东街道党工委 (PS1) and is a member of its joint
    # conference, both since 2024-01-01 and open: two edges, the second drawn curved
    o1_ps1 = [e for e in net.edges if {e["from"], e["to"]} == {"O1", "PS1"}]
    assert [e["title"].split("\n")[0] for e in o1_ps1] == ["兼职委员", "联席会成员"]
    assert "smooth" not in o1_ps1[0] and o1_ps1[1]["smooth"]["type"] == "curvedCW"
    # and every edge of the map, once, with its own tooltip and colour
    assert Counter((e["from"], e["to"], e.get("title"), e["color"]) for e in net.edges) == \
        Counter((e["from"], e["to"], e.get("title"), e["color"]) for e in m.edges)
