"""The naive baseline of ``regional-graph indicators``: CSV → networkx → counts per area → CSV.

What a capable analyst would write by hand without this library (the same graph as
``naive_report.py``), for a core of the indicator tables: per community, street and district
the Party organisations and members, organisations, two-new organisations and those covered
(a live ``covered_by`` link), the coverage rate, resident units and isolated ones (no live
tie of their own or of a Party org they host), and live pairing agreements
(``paired_with``) with the area or its Party organisations. One loop over the nodes, each
visiting its edges through the graph; one CSV per level. Only pandas, networkx and the
standard library.

Usage::

    python benchmarks/naive_indicators.py DATA_FOLDER OUT_FOLDER [--as-of 2026-10-01]
"""

from __future__ import annotations

import csv
from collections import defaultdict

import networkx as nx
from naive_report import RESIDENT, TWO_NEW, arguments, build, isolated, live, uncovered

COLUMNS = ["id", "name", "level", "party_orgs", "party_members", "organizations", "two_new",
           "covered_two_new", "rate_all", "resident_units", "isolated_units", "agreements"]


def community_counts(g: nx.MultiDiGraph, day: str) -> dict[str, dict[str, float]]:
    not_covered, lonely = set(uncovered(g, day)), set(isolated(g, day))
    counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for n, d in g.nodes(data=True):
        if d.get("table") == "party_orgs":
            area = next((v for _, v, e in g.out_edges(n, data=True) if e["type"] == "leads"),
                        None)
            if area is not None:
                c = counts[area]
                c["party_orgs"] += 1
                c["party_members"] += float(d.get("members", 0) or 0)
                c["agreements"] += sum(1 for _, _, e in g.in_edges(n, data=True)
                                       if e["type"] == "paired_with" and live(e, day))
        elif d.get("table") == "areas":  # agreements with the community itself
            counts[n]["agreements"] += sum(1 for _, _, e in g.in_edges(n, data=True)
                                           if e["type"] == "paired_with" and live(e, day))
        elif d.get("table") == "organizations":
            area = next((v for _, v, e in g.out_edges(n, data=True)
                         if e["type"] == "located_in"), None)
            if area is None:
                continue
            c = counts[area]
            c["organizations"] += 1
            if d.get("kind") in TWO_NEW:
                c["two_new"] += 1
                c["covered_two_new"] += n not in not_covered
            if d.get("kind") in RESIDENT:
                c["resident_units"] += 1
                c["isolated_units"] += n in lonely
    return counts


def main() -> None:
    args = arguments(__doc__)
    g = build(args.data)
    base = community_counts(g, args.as_of)
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for area, c in base.items():  # each area's own counts, then to every ancestor
        node = area
        while node is not None:
            for k, v in c.items():
                totals[node][k] += v
            node = next((v for _, v, e in g.out_edges(node, data=True)
                         if e["type"] == "part_of"), None)
    args.out.mkdir(parents=True, exist_ok=True)
    for level in ("district", "street", "community"):
        areas = [n for n, d in g.nodes(data=True)
                 if d.get("table") == "areas" and d.get("level") == level]
        with (args.out / f"indicators_{level}.csv").open("w", encoding="utf-8-sig",
                                                          newline="") as f:
            w = csv.writer(f)
            w.writerow(COLUMNS)
            for a in areas:
                c = totals.get(a, {})
                rate = c.get("covered_two_new", 0) / c["two_new"] if c.get("two_new") else None
                w.writerow([a, g.nodes[a].get("name"), level,
                            *(int(c.get(k, 0)) for k in COLUMNS[3:8]), rate,
                            *(int(c.get(k, 0)) for k in COLUMNS[9:])])
        print(f"{level}: {len(areas)}")


if __name__ == "__main__":
    main()
