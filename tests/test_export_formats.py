"""Interchange: GraphML, GEXF, Parquet and neo4j-admin import files of the sample district,
read back by networkx, igraph, pandas and a CSV reader following neo4j-admin's header rules,
and compared with the graph's own tables (not with what the writer produced)."""

from __future__ import annotations

import csv
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import igraph
import networkx as nx
import pandas as pd
import pytest
from expected import PERSONAL, expected_nodes, same

import regional_graph as rg
from regional_graph import schema
from regional_graph.export import formats as export_formats
from regional_graph.schema import Label


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def out(tmp_path_factory, G) -> Path:
    folder = tmp_path_factory.mktemp("export")
    for fmt, target in (("graphml", "g.graphml"), ("gexf", "g.gexf"),
                        ("parquet", "parquet"), ("neo4j-import", "neo4j")):
        export_formats.export_graph(G, folder / target, format=fmt)
    return folder


def test_graphml_reads_back_in_networkx(out, G):
    g = nx.read_graphml(out / "g.graphml", force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == (G.number_of_nodes(),
                                                           G.number_of_edges())
    want = expected_nodes(G)
    assert set(g.nodes) == set(want)
    for nid, props in want.items():
        got = g.nodes[nid]
        assert set(got) == set(props), nid
        assert all(same(got[k], v) for k, v in props.items()), nid
    # edges: (source, target, type, start) multiset equals the graph's
    ids = G.ids.to_numpy(dtype=object)
    start = G.edges["start"].dt.strftime("%Y-%m-%d")
    want_edges = sorted(zip(ids[G.edges["source"]], ids[G.edges["target"]],
                            G.edges["type"].astype(str), start.fillna(""), strict=True))
    got_edges = sorted((u, v, d["type"], d.get("start", ""))
                       for u, v, d in g.edges(data=True))
    assert got_edges == want_edges


def test_graphml_reads_back_in_igraph(out, G):
    h = igraph.Graph.Read_GraphML(str(out / "g.graphml"))
    assert (h.vcount(), h.ecount()) == (G.number_of_nodes(), G.number_of_edges())
    want = expected_nodes(G)
    for v in h.vs:
        props = want[v["id"]]
        for key, value in props.items():
            assert same(v[key], value), (v["id"], key)
        # igraph fills attributes a node lacks: "" for text, NaN for numbers, False for
        # booleans (only members have the boolean `reported`)
        for key in set(h.vs.attributes()) - set(props) - {"id"}:
            assert v[key] in ("", None, False) or (isinstance(v[key], float) and math.isnan(v[key]))
    counts = pd.Series(h.es["type"]).value_counts().sort_index()
    assert counts.to_dict() == G.edges["type"].astype(str).value_counts().sort_index().to_dict()
    assert "phone" not in h.vs.attributes() and "name" in h.vs.attributes()


def test_gexf_reads_back_and_is_well_formed(out, G):
    g = nx.read_gexf(out / "g.gexf")
    assert (g.number_of_nodes(), g.number_of_edges()) == (G.number_of_nodes(),
                                                           G.number_of_edges())
    want = expected_nodes(G)
    for nid, props in want.items():
        got = dict(g.nodes[nid])
        assert got.pop("node_label") == props["label"]
        assert got.pop("label") == props.get("name", nid)  # Gephi shows the name
        rest = {k: v for k, v in props.items() if k != "label"}
        assert set(got) == set(rest), nid
        assert all(same(got[k], v) for k, v in rest.items()), nid
    types = pd.Series([d["rel_type"] for *_, d in g.edges(data=True)]).value_counts()
    assert types.to_dict() == G.edges["type"].astype(str).value_counts()[
        lambda s: s > 0].to_dict()
    root = ET.parse(out / "g.gexf").getroot()
    ns = {"g": root.tag.split("}")[0][1:]}
    graph = root.find("g:graph", ns)
    assert graph is not None and graph.get("mode") == "dynamic" and \
        graph.get("timeformat") == "date"
    edges = root.findall(".//g:edge", ns)
    assert {e.get("type") for e in edges} == {None}  # GEXF's type means directed/undirected
    n_start = sum(e.get("start") is not None for e in edges)
    assert n_start == int(G.edges["start"].notna().sum())
    titles = [(a.get("title"), a.get("type"))
              for a in root.findall(".//g:attributes/g:attribute", ns)]
    assert ("members", "long") in titles and ("rel_type", "string") in titles


def test_parquet_tables_equal_the_template_tables(out, G):
    tables = rg.build.graph_to_tables(G)
    for name, table in tables.items():
        back = pd.read_parquet(out / "parquet" / f"{name}.parquet")
        keep = [c for c in table.columns if c in schema.TABLES[name].names
                and not (name == "members" and c in PERSONAL)]
        assert list(back.columns) == keep, name
        for col in keep:  # Parquet keeps dates as dates (its unit may differ)
            if pd.api.types.is_datetime64_any_dtype(table[col].dtype):
                assert pd.api.types.is_datetime64_any_dtype(back[col].dtype), (name, col)
                back[col] = back[col].astype(table[col].dtype)
        pd.testing.assert_frame_equal(back, table[keep].reset_index(drop=True),
                                      check_dtype=False, check_categorical=False)


def _read_import_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    return header, rows


def test_neo4j_import_layout(out, G):
    folder = out / "neo4j"
    ids_by_space: dict[str, set[str]] = {}
    n_nodes = 0
    for label in rg.graph.LABELS:
        header, rows = _read_import_csv(folder / f"nodes_{label.value}.csv")
        assert header[0] == f"id:ID({label.value})" and header[-1] == ":LABEL"
        assert all(r[":LABEL"] == label.value for r in rows)
        ids_by_space[label.value] = {r[header[0]] for r in rows}
        n_nodes += len(rows)
        assert not PERSONAL & {h.split(":")[0] for h in header} or label is not Label.MEMBER
    assert n_nodes == G.number_of_nodes()
    header, rows = _read_import_csv(folder / "nodes_PartyOrg.csv")
    assert "members:long" in header
    po = G.nodes[Label.PARTY_ORG]
    for r in rows:
        want = po.loc[r["id:ID(PartyOrg)"], "members"]
        assert r["members:long"] == ("" if pd.isna(want) else str(int(want)))
    n_rels = 0
    by_type: dict[str, int] = {}
    for path in sorted(folder.glob("rels_*.csv")):
        header, rows = _read_import_csv(path)
        start, end = header[0], header[1]
        assert start.startswith(":START_ID(") and end.startswith(":END_ID(") and \
            header[2] == ":TYPE"
        s_space, e_space = start[len(":START_ID("):-1], end[len(":END_ID("):-1]
        for r in rows:  # every endpoint exists in its id space
            assert r[start] in ids_by_space[s_space] and r[end] in ids_by_space[e_space]
            by_type[r[":TYPE"]] = by_type.get(r[":TYPE"], 0) + 1
        for h in header[3:]:
            if h.startswith("start") or h.startswith("end"):
                assert h.endswith(":date")
        n_rels += len(rows)
    assert n_rels == G.number_of_edges()
    assert by_type == G.edges["type"].astype(str).value_counts()[lambda s: s > 0].to_dict()
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script
    assert script.count("--nodes=") == len(rg.graph.LABELS)


def test_neo4j_import_cells_are_written_exactly(tmp_path):
    """The import files are read by neo4j-admin, not a spreadsheet: a name that looks like a
    formula and a negative number reach the database as written (no ' escape), every other
    cell too (the tiny district, one name changed)."""
    raw = rg.io.read_tables(rg.datasets.TINY)
    raw["organizations"].loc[0, "name"] = "=HYPERLINK(\"http://x\")"  # O1
    raw["links"].loc[3, "note"] = "-3"  # O1–PC1's note: a number, left alone
    G = rg.build.graph_from_tables(raw)
    export_formats.write_neo4j_import(G, tmp_path)
    _, orgs = _read_import_csv(tmp_path / "nodes_Organization.csv")
    names = {r["id:ID(Organization)"]: r["name"] for r in orgs}
    assert names["O1"] == "=HYPERLINK(\"http://x\")" and names["O2"] == "小岚医院"
    _, pairs = _read_import_csv(tmp_path / "rels_PAIRED_WITH_Organization_PartyOrg.csv")
    assert [r["note"] for r in pairs] == ["-3", ""]


def test_to_networkx_writes_with_networkx(tmp_path, G):
    """networkx's own writers accept G.to_networkx() (dates are ISO strings)."""
    g = G.to_networkx()
    nx.write_graphml(g, tmp_path / "g.graphml")
    nx.write_gexf(g, tmp_path / "g.gexf")
    back = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert back.number_of_edges() == G.number_of_edges()


def test_include_personal_is_explicit(tmp_path, G):
    plain = export_formats.plain_networkx(G, include_personal=True)
    member = G.nodes[Label.MEMBER].index[0]
    assert "phone" in plain.nodes[member]
    with pytest.raises(ValueError, match="format"):
        export_formats.export_graph(G, tmp_path / "x", format="dot")  # type: ignore[arg-type]


def test_cli_offers_every_format() -> None:
    from regional_graph import cli
    from regional_graph.export import formats as export_formats

    assert cli.EXPORT_FORMATS == export_formats.FORMATS
