"""Validity dates (founded/dissolved) in the GEXF and GraphML files, worked out by hand.

The tiny district and the sample district have no dates, so here the tiny district's tables
get some (one organisation founded and dissolved, two dissolved or founded, two Party orgs,
one organisation founded and dissolved on the same day). Every expected value below is
written from those dates and the rule of DOMAIN.md (one exists when founded ≤ the day <
dissolved), not from the writer; the files are parsed with xml.etree, read back with
networkx, and opened in Gephi (the toolkit checker of tests/test_gephi.py).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from expected import tiny_with_dates
from test_gephi import ALLOWED_WARNINGS, gephi_check, values

import regional_graph as rg
from regional_graph.export.formats import export_graph

#: id → (table, {column: date}) set on the tiny district's tables.
DATES = {
    "O2": ("organizations", {"dissolved": "2025-01-01"}),
    "O3": ("organizations", {"founded": "2019-03-15", "dissolved": "2030-06-01"}),
    "O7": ("organizations", {"founded": "2026-02-02", "dissolved": "2026-02-02"}),
    "O8": ("organizations", {"founded": "2027-01-01"}),
    "PB1": ("party_orgs", {"founded": "2022-05-01"}),
    "PJ1": ("party_orgs", {"dissolved": "2026-01-01"}),
}
#: id → the GEXF interval (start, end): end is the day before dissolved (the last day, as a
#: link's end); O7 existed on no day and is shown on its one day (see the writer's warning).
INTERVALS = {
    "O2": (None, "2024-12-31"),
    "O3": ("2019-03-15", "2030-05-31"),
    "O7": ("2026-02-02", "2026-02-02"),
    "O8": ("2027-01-01", None),
    "PB1": ("2022-05-01", None),
    "PJ1": (None, "2025-12-31"),
}


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return tiny_with_dates(DATES)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, G: rg.RegionalGraph) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("dated")
    return {fmt: export_graph(G, folder / f"dated.{fmt}", format=fmt)[0]
            for fmt in ("gexf", "graphml")}


def _ns(root: ET.Element) -> dict[str, str]:
    return {"g": root.tag.split("}")[0][1:]}


def _gexf(path: Path) -> tuple[ET.Element, dict[str, dict[str, str]], dict[str, str]]:
    """The root, node id → {attribute title: value}, and the node attributes' types."""
    root = ET.parse(path).getroot()
    ns = _ns(root)
    decl = root.find("g:graph/g:attributes[@class='node']", ns)
    assert decl is not None
    title = {a.get("id"): a.get("title") for a in decl.findall("g:attribute", ns)}
    types = {a.get("title"): a.get("type") for a in decl.findall("g:attribute", ns)}
    values = {n.get("id"): {title[v.get("for")]: v.get("value")
                            for v in n.findall("g:attvalues/g:attvalue", ns)}
              for n in root.findall(".//g:nodes/g:node", ns)}
    return root, values, types


def test_gexf_writes_the_dates_and_the_intervals(files: dict[str, Path], G) -> None:
    root, values, types = _gexf(files["gexf"])
    ns = _ns(root)
    graph = root.find("g:graph", ns)
    assert graph is not None and (graph.get("mode"), graph.get("timeformat")) == ("dynamic",
                                                                                  "date")
    assert (types["founded"], types["dissolved"]) == ("string", "string")
    nodes = {n.get("id"): n for n in root.findall(".//g:nodes/g:node", ns)}
    assert len(nodes) == G.number_of_nodes() == 30
    for nid, node in nodes.items():
        dates = DATES.get(nid, ("", {}))[1]
        got = {k: values[nid][k] for k in ("founded", "dissolved") if k in values[nid]}
        assert got == dates, nid
        assert (node.get("start"), node.get("end")) == INTERVALS.get(nid, (None, None)), nid
    # a link keeps its own interval from the links table
    edges = {(e.get("source"), e.get("target"), e.get("kind")): e
             for e in root.findall(".//g:edge", ns)}
    covered = edges["O4", "PJ1", "COVERED_BY"]
    assert (covered.get("start"), covered.get("end")) == ("2023-03-01", None)
    paired = edges["O2", "PC3", "PAIRED_WITH"]
    assert (paired.get("start"), paired.get("end")) == ("2020-01-01", "2023-12-31")


def test_gexf_timeline_shows_what_exists(files: dict[str, Path], G) -> None:
    """Gephi's timeline on a day shows the nodes whose interval holds it: the ones that
    exist that day (by hand from DATES; O7, existing on no day, is the one exception)."""
    root = ET.parse(files["gexf"]).getroot()
    ns = _ns(root)
    spans = {n.get("id"): (n.get("start") or "0000", n.get("end") or "9999")
             for n in root.findall(".//g:nodes/g:node", ns)}
    gone = {
        "2019-03-14": {"O3", "O7", "O8", "PB1"},
        "2022-05-01": {"O7", "O8"},
        "2024-12-31": {"O7", "O8"},
        "2025-01-01": {"O2", "O7", "O8"},
        "2026-01-01": {"O2", "O7", "O8", "PJ1"},
        "2026-02-02": {"O2", "O8", "PJ1"},
        "2027-01-01": {"O2", "O7", "PJ1"},
        "2030-06-01": {"O2", "O3", "O7", "PJ1"},
    }
    for day, want in gone.items():
        assert {nid for nid, (lo, hi) in spans.items() if not lo <= day <= hi} == want, day
        assert set(G.ids[~G.exists(day)]) == want | ({"O7"} if day == "2026-02-02" else set())


def test_graphml_writes_the_dates(files: dict[str, Path]) -> None:
    root = ET.parse(files["graphml"]).getroot()
    ns = _ns(root)
    keys = {k.get("id"): k for k in root.findall("g:key", ns)}
    by_name = {k.get("attr.name"): k for k in keys.values() if k.get("for") == "node"}
    for col in ("founded", "dissolved"):
        assert by_name[col].get("attr.type") == "string"
    name_of = {kid: k.get("attr.name") for kid, k in keys.items()}
    for node in root.findall(".//g:node", ns):
        data = {name_of[d.get("key")]: d.text for d in node.findall("g:data", ns)}
        got = {k: data[k] for k in ("founded", "dissolved") if k in data}
        assert got == DATES.get(node.get("id"), ("", {}))[1], node.get("id")
        assert "start" not in data and "end" not in data  # GraphML has no timeline


def test_networkx_reads_the_dates_back(files: dict[str, Path]) -> None:
    g = nx.read_graphml(files["graphml"], force_multigraph=True)
    h = nx.read_gexf(files["gexf"])
    for nid in g.nodes:
        dates = DATES.get(nid, ("", {}))[1]
        assert {k: g.nodes[nid][k] for k in ("founded", "dissolved") if k in g.nodes[nid]} \
            == dates, nid
        assert {k: h.nodes[nid][k] for k in ("founded", "dissolved") if k in h.nodes[nid]} \
            == dates, nid
        start, end = INTERVALS.get(nid, (None, None))
        assert (h.nodes[nid].get("start"), h.nodes[nid].get("end")) == (start, end), nid
    assert h.nodes["PJ1"]["node_label"] == "PartyOrg" and g.nodes["PJ1"]["label"] == "PartyOrg"


def test_same_day_dates_are_warned_about(tmp_path: Path, G, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="regional_graph.export.formats"):
        export_graph(G, tmp_path / "g.gexf", format="gexf")
    assert [r.getMessage() for r in caplog.records] == [
        "O7: founded and dissolved on the same day 2026-02-02; shown on that day in the GEXF "
        "timeline"]


def test_gephi_opens_the_dated_files(files: dict[str, Path], tmp_path: Path, G) -> None:
    out = gephi_check([(files["gexf"], "NO_MERGE"), (files["graphml"], "NO_MERGE")],
                      tmp_path / "gephi.json")
    for fmt, got in zip(("gexf", "graphml"), out["files"], strict=True):
        assert "error" not in got, got.get("error")
        assert got["verified"] is True
        levels = {i["level"] for i in got["issues"]}
        assert not levels & {"SEVERE", "CRITICAL"}, got["issues"]
        assert {i["message"] for i in got["issues"] if i["level"] == "WARNING"} \
            <= ALLOWED_WARNINGS[fmt]
        assert (got["node_count"], got["edge_count"]) == (G.number_of_nodes(),
                                                          G.number_of_edges())
        for node in got["nodes"]:  # the dates come through as text, exactly
            have = values(got, node, "node")
            got_dates = {k: have[k] for k in ("founded", "dissolved") if k in have}
            assert got_dates == DATES.get(node["id"], ("", {}))[1], (fmt, node["id"])
