"""Gephi opens our GEXF and GraphML files: the tiny district and the sample district, exported
with :func:`regional_graph.export.formats.export_graph`, are imported by the Gephi toolkit
exactly as Gephi desktop imports a file (``ImportController.importFile``, the container
verified, the default processor into a new workspace) in one JVM (``gephi-check/``, built by
``gephi-check/build.sh``), and what Gephi holds is compared with the graph's own tables.

Gephi keeps one edge per (source, target, edge type) unless the import report's merge strategy
is "don't merge" (``NO_MERGE``): every file is imported both ways.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from expected import expected_nodes, plain, same

import regional_graph as rg
from regional_graph.export.formats import export_graph

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "gephi-check"
JAR = PROJECT / "target" / "gephi-check.jar"
#: the one warning Gephi may give: GraphML's graph-level `name` (the dataset's name, kept for
#: networkx and igraph) has no place in a Gephi workspace
ALLOWED_WARNINGS = {"graphml": {"Graph attributes 'name' ignored as not supported by Gephi"},
                    "gexf": set()}
#: a known name per dataset, to see Chinese text come through unchanged
KNOWN = {"tiny": ("D1", "小岚区"), "sample": ("D01", "海岚区")}


def gephi_check(files: list[tuple[Path, str]], out: Path) -> dict:
    """Run the checker once over ``(file, merge strategy)`` pairs; its JSON report."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("no `java` on PATH: the Gephi check needs Java 17 (bash .ci/run installs it)")
    built = subprocess.run(["bash", str(PROJECT / "build.sh")], capture_output=True, text=True,
                           check=False)
    if built.returncode != 0 or not JAR.is_file():
        pytest.fail(f"gephi-check/build.sh failed (needs Maven):\n{built.stdout}\n{built.stderr}")
    argv = [java, "-Xmx1g", "-jar", str(JAR), "--out", str(out)]
    for path, merge in files:
        argv += ["--merge", merge, str(path)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def graphs() -> dict[str, rg.RegionalGraph]:
    return {"tiny": rg.datasets.load_tiny(), "sample": rg.datasets.load_sample_district()}


@pytest.fixture(scope="module")
def report(tmp_path_factory, graphs) -> dict:
    """The checker's report on both datasets in both formats, each imported with Gephi's
    default merge strategy and with "don't merge"; each file's entry gets its ``key``."""
    folder = tmp_path_factory.mktemp("gephi")
    runs = []
    for name, G in graphs.items():
        for fmt in ("gexf", "graphml"):
            path = export_graph(G, folder / f"{name}.{fmt}", format=fmt)[0]
            runs += [(path, "NO_MERGE"), (path, "DEFAULT")]
    bad = folder / "bad.gexf"  # shows that the checker passes Gephi's complaints on
    bad.write_text(BAD_GEXF, encoding="utf-8")
    runs.append((bad, "DEFAULT"))
    out = gephi_check(runs, folder / "gephi.json")
    assert len(out["files"]) == len(runs)
    for (path, merge), got in zip(runs, out["files"], strict=True):
        assert Path(got["file"]).name == path.name
        got["key"] = (path.stem, path.suffix[1:], merge)
    return out


@pytest.fixture(scope="module")
def gephi(report) -> dict[tuple[str, str, str], dict]:
    """(dataset, format, merge strategy) → what Gephi made of the file."""
    return {got["key"]: got for got in report["files"]}


BAD_GEXF = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" version="1.3">
  <graph defaultedgetype="sideways">
    <attributes class="node"><attribute id="0" title="members" type="long"/></attributes>
    <nodes>
      <node id="A" label="甲"><attvalues><attvalue for="0" value="many"/></attvalues></node>
    </nodes>
    <edges><edge id="0" source="A" target="B"/></edges>
  </graph>
</gexf>
"""


def java_type(value: object) -> str:
    """The Gephi column type a plain value should get: numbers stay numbers."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long"
    if isinstance(value, float):
        return "Double"
    return "String"


def expected_edges(G: rg.RegionalGraph) -> pd.DataFrame:
    """One row per relationship: source id, target id, type, start/end as Gephi's interval
    bounds (milliseconds since 1970 UTC, ∓Infinity when open)."""
    ids = G.ids.to_numpy(dtype=object)

    def bound(s: pd.Series, open_end: str) -> list[object]:
        ms = s.astype("datetime64[ms]").astype("int64").astype(float)
        return [open_end if pd.isna(v) else m for v, m in zip(s, ms, strict=True)]

    return pd.DataFrame({"source": ids[G.edges["source"]], "target": ids[G.edges["target"]],
                         "type": G.edges["type"].astype(str).to_numpy(),
                         "low": bound(G.edges["start"], "-Infinity"),
                         "high": bound(G.edges["end"], "Infinity"),
                         "dated": (G.edges["start"].notna() | G.edges["end"].notna()).to_numpy()})


def columns(got: dict, kind: str) -> dict[str, str]:
    """Data columns (not Gephi's own id/label/timeset) as title → Java type."""
    return {c["title"]: c["type"] for c in got[f"{kind}_columns"] if not c["property"]}


def values(got: dict, element: dict, kind: str) -> dict[str, object]:
    titles = {c["id"]: c["title"] for c in got[f"{kind}_columns"]}
    return {titles[k]: v for k, v in element["attributes"].items()}


@pytest.mark.parametrize("dataset", ["tiny", "sample"])
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_opens_every_node_and_edge(gephi, graphs, dataset, fmt):
    G, got = graphs[dataset], gephi[dataset, fmt, "NO_MERGE"]
    assert "error" not in got, got.get("error")
    assert got["importer"] == {"gexf": "ImporterGEXF", "graphml": "ImporterGraphML"}[fmt]
    assert got["verified"] is True
    levels = Counter(i["level"] for i in got["issues"])
    assert not levels["SEVERE"] and not levels["CRITICAL"], got["issues"]
    warnings = {i["message"] for i in got["issues"] if i["level"] == "WARNING"}
    assert warnings <= ALLOWED_WARNINGS[fmt]
    assert (got["node_count"], got["edge_count"]) == (G.number_of_nodes(), G.number_of_edges())
    assert got["directed"] and got["directed_edges"] == G.number_of_edges()


@pytest.mark.parametrize("dataset", ["tiny", "sample"])
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_attribute_columns_and_values(gephi, graphs, dataset, fmt):
    """Every allow-listed property is a column of the right type (numbers as numbers, dates
    as ISO text) and every node's values and label are ours, Chinese text unchanged."""
    G, got = graphs[dataset], gephi[dataset, fmt, "NO_MERGE"]
    want = expected_nodes(G)
    label_key = "node_label" if fmt == "gexf" else None  # GraphML's `label` is Gephi's label
    want_types: dict[str, str] = {}
    for props in want.values():
        for key, value in props.items():
            title = label_key if key == "label" else key
            if title is not None:
                assert want_types.setdefault(title, java_type(value)) == java_type(value), key
    assert columns(got, "node") == want_types
    nodes = {n["id"]: n for n in got["nodes"]}
    assert set(nodes) == set(want)
    for nid, props in want.items():
        node = nodes[nid]
        shown = props.get("name", nid) if fmt == "gexf" else props["label"]
        assert node["label"] == shown, nid
        rest = {(label_key if k == "label" else k): v for k, v in props.items()}
        rest.pop(None, None)
        have = values(got, node, "node")
        assert set(have) == set(rest), nid
        assert all(same(have[k], v) for k, v in rest.items()), nid
    known_id, known_name = KNOWN[dataset]
    assert values(got, nodes[known_id], "node")["name"] == known_name
    if fmt == "gexf":
        assert nodes[known_id]["label"] == known_name
    # edge columns: the relationship type and the allow-listed properties; in GEXF a link's
    # dates are its time interval, in GraphML ISO text
    want_edges = {("rel_type" if fmt == "gexf" else "type"): "String"}
    for col in rg.graph.EDGE_PROPERTIES:
        present = G.edges[col].dropna() if col in G.edges else ()
        if len(present) and not (fmt == "gexf" and col in ("start", "end")):
            want_edges[col] = java_type(plain(present.iloc[0]))
    have_edges = columns(got, "edge")
    assert have_edges.pop("networkx_key", "Long") == "Long"  # the GEXF writer's edge key
    assert have_edges == want_edges


@pytest.mark.parametrize("dataset", ["tiny", "sample"])
@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_edges_are_our_relationships(gephi, graphs, dataset, fmt):
    """Each relationship is one Gephi edge with its type; in GEXF the edge type is the
    relationship type and the link's start/end its time interval (Gephi's timeline)."""
    G, got = graphs[dataset], gephi[dataset, fmt, "NO_MERGE"]
    want = expected_edges(G)
    type_col = "rel_type" if fmt == "gexf" else "type"
    edges = [(e["source"], e["target"], values(got, e, "edge")[type_col]) for e in got["edges"]]
    assert Counter(edges) == Counter(zip(want["source"], want["target"], want["type"],
                                         strict=True))
    if fmt == "gexf":
        assert got["time_format"] == "DATE" and got["time_representation"] == "INTERVAL"
        assert all(e["type"] == values(got, e, "edge")["rel_type"] for e in got["edges"])
        spans = Counter((e["source"], e["target"], e["type"], *(e["intervals"] or [[None] * 2])[0])
                        for e in got["edges"])
        want_spans = Counter((s, t, ty, lo, hi) if dated else (s, t, ty, None, None)
                             for s, t, ty, lo, hi, dated in want.itertuples(index=False))
        assert spans == want_spans
        assert all(len(e["intervals"]) <= 1 for e in got["edges"])


@pytest.mark.parametrize("dataset", ["tiny", "sample"])
def test_gephi_default_merge_keeps_relationship_types_apart(gephi, graphs, dataset):
    """With Gephi's default merge strategy (the user clicks OK) a GEXF edge is merged only
    with one of the same type between the same nodes (a renewed link: one edge whose timeline
    holds every period); GraphML has no edge types, so parallel edges of any type merge."""
    G = graphs[dataset]
    want = expected_edges(G)
    gexf, graphml = gephi[dataset, "gexf", "DEFAULT"], gephi[dataset, "graphml", "DEFAULT"]
    for got in (gexf, graphml):
        assert "error" not in got and got["node_count"] == G.number_of_nodes()
        assert not [i for i in got["issues"] if i["level"] in ("SEVERE", "CRITICAL")]
    assert not [i for i in gexf["issues"] if i["level"] == "WARNING"]
    triples = set(zip(want["source"], want["target"], want["type"], strict=True))
    assert gexf["edge_count"] == len(triples)
    assert {(e["source"], e["target"], e["type"]) for e in gexf["edges"]} == triples
    assert graphml["edge_count"] == len(set(zip(want["source"], want["target"], strict=True)))
    # a renewed link: all its periods are on the one merged edge
    dated = want[want["dated"]]
    periods = dated.groupby(["source", "target", "type"]).size()
    renewed = periods[periods > 1]
    merged = {(e["source"], e["target"], e["type"]): e["intervals"] for e in gexf["edges"]}
    for key, n in renewed.items():
        assert 1 <= len(merged[key]) <= n, key
    if dataset == "tiny":
        assert gexf["edge_count"] == G.number_of_edges()  # no two links of a type on a pair
    else:  # the numbers docs/research.md quotes
        docs = (REPO / "docs" / "research.md").read_text(encoding="utf-8")
        assert f"has {G.number_of_edges():,} relationships" in docs
        assert f"Gephi shows {gexf['edge_count']:,} edges" in docs


def test_gephi_version_is_the_documented_one(report):
    """The toolkit version the checker runs is the one its pom and the docs name."""
    pom = (PROJECT / "pom.xml").read_text(encoding="utf-8")
    match = re.search(r"<gephi.version>([^<]+)</gephi.version>", pom)
    assert match and report["gephi_toolkit"] == match.group(1)
    docs = (REPO / "docs" / "research.md").read_text(encoding="utf-8")
    assert f"Gephi toolkit {match.group(1)}" in docs


def test_gephi_complaints_reach_the_report(gephi):
    """A broken file (an unknown edge default, a word in a number column) comes back with
    Gephi's SEVERE issues, so the checks above would see them; an edge to a missing node
    makes Gephi invent the node (an INFO)."""
    got = gephi["bad", "gexf", "DEFAULT"]
    severe = [i["message"] for i in got["issues"] if i["level"] == "SEVERE"]
    assert len(severe) == 2 and any("sideways" in m for m in severe), got["issues"]
    assert [(n["id"], n["label"], n["attributes"]) for n in got["nodes"]] == [
        ("A", "甲", {}), ("B", "B", {})]
