"""The naive baseline of the end-to-end benchmark: CSV in → networkx → three questions → files.

What a capable analyst would write by hand without this library: read the template's CSV files
with pandas, build a ``networkx.MultiDiGraph`` row by row (one node per row, one edge per
reference and per link), answer the report's three headline questions with loops over the
nodes, and write one CSV per answer:

* ``uncovered.csv`` — two-new organisations without a live ``covered_by`` link;
* ``should_build.csv`` — two-new organisations with ≥ 3 Party members and no own Party org
  (level independent_branch or unit_org hosted by them);
* ``isolated_units.csv`` — resident units without a live tie (``paired_with``, ``sits_on``,
  ``conference_member``) of their own or of a Party org they host.

Each answer carries the organisation's name, community and street, like the library's report.
Only pandas, networkx and the standard library: it does not import regional_graph.

Usage::

    python benchmarks/naive_report.py DATA_FOLDER OUT_FOLDER [--as-of 2026-10-01]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import networkx as nx
import pandas as pd

TWO_NEW = {"enterprise", "social_org"}
RESIDENT = {"agency", "school", "hospital", "soe", "institute", "military", "public_institution"}
OWN = {"independent_branch", "unit_org"}
TIES = {"paired_with", "sits_on", "conference_member"}
REFERENCES = {  # table → (column, relationship) pairs
    "areas": [("parent_id", "part_of")],
    "party_orgs": [("parent_id", "subordinate_to"), ("area_id", "leads"),
                   ("host_id", "hosted_by")],
    "organizations": [("area_id", "located_in")],
}


def build(folder: Path) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    tables = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, encoding="utf-8-sig")
              for name in ("areas", "party_orgs", "organizations", "links")}
    for name in ("areas", "party_orgs", "organizations"):
        for row in tables[name].to_dict("records"):
            g.add_node(row["id"], table=name, **{k: v for k, v in row.items() if pd.notna(v)})
    for name, refs in REFERENCES.items():
        for row in tables[name].to_dict("records"):
            for col, rel in refs:
                if pd.notna(row.get(col)):
                    g.add_edge(row["id"], row[col], type=rel)
    for row in tables["links"].to_dict("records"):
        g.add_edge(row["source_id"], row["target_id"], type=row["type"],
                   start=row["start"] if pd.notna(row["start"]) else None,
                   end=row["end"] if pd.notna(row["end"]) else None)
    return g


def live(d: dict, day: str) -> bool:
    return (d.get("start") is None or d["start"] <= day) and (d.get("end") is None
                                                             or d["end"] >= day)


def place(g: nx.MultiDiGraph, org: str, level: str) -> str | None:
    area = next((v for _, v, d in g.out_edges(org, data=True) if d["type"] == "located_in"), None)
    while area is not None:
        if g.nodes[area].get("level") == level:
            return area
        area = next((v for _, v, d in g.out_edges(area, data=True) if d["type"] == "part_of"),
                    None)
    return None


def orgs(g: nx.MultiDiGraph, kinds: set[str]) -> list[str]:
    return [n for n, d in g.nodes(data=True)
            if d.get("table") == "organizations" and d.get("kind") in kinds]


def uncovered(g: nx.MultiDiGraph, day: str) -> list[str]:
    return [n for n in orgs(g, TWO_NEW)
            if not any(d["type"] == "covered_by" and live(d, day)
                       for _, _, d in g.out_edges(n, data=True))]


def should_build(g: nx.MultiDiGraph, day: str) -> list[str]:
    del day
    return [n for n in orgs(g, TWO_NEW)
            if float(g.nodes[n].get("party_members", 0)) >= 3
            and not any(d["type"] == "hosted_by" and g.nodes[u].get("level") in OWN
                        for u, _, d in g.in_edges(n, data=True))]


def isolated(g: nx.MultiDiGraph, day: str) -> list[str]:
    out = []
    for n in orgs(g, RESIDENT):
        actors = [n] + [u for u, _, d in g.in_edges(n, data=True) if d["type"] == "hosted_by"]
        if not any(d["type"] in TIES and live(d, day)
                   for a in actors
                   for _, _, d in [*g.out_edges(a, data=True), *g.in_edges(a, data=True)]):
            out.append(n)
    return out


def write(g: nx.MultiDiGraph, ids: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "kind", "community_id", "community", "street_id", "street"])
        for n in ids:
            c, s = place(g, n, "community"), place(g, n, "street")
            w.writerow([n, g.nodes[n].get("name"), g.nodes[n].get("kind"), c,
                        g.nodes[c].get("name") if c else None, s,
                        g.nodes[s].get("name") if s else None])


def arguments(doc: str, *, check: bool = False) -> argparse.Namespace:
    """DATA_FOLDER OUT_FOLDER [--as-of DAY] of a naive script (``doc``: its docstring);
    ``check`` adds ``--check FILE``."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("data", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--as-of", default="2026-10-01")
    if check:
        p.add_argument("--check", type=Path)
    return p.parse_args()


def main() -> None:
    args = arguments(__doc__)
    g = build(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, question in (("uncovered", uncovered), ("should_build", should_build),
                           ("isolated_units", isolated)):
        ids = question(g, args.as_of)
        write(g, ids, args.out / f"{name}.csv")
        print(f"{name}: {len(ids)}")


if __name__ == "__main__":
    main()
