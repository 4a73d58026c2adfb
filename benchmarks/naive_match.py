"""The naive baseline of ``regional-graph match``: CSV in → networkx → one LP → files.

What a capable analyst would write by hand without this library: the graph of
``naive_report.py`` (pandas → a networkx ``MultiDiGraph`` row by row), each resource placed at
its provider (a Party org at its host organisation) and each demand at the centroid of its
requester's community by walking the graph, every same-category (resource, demand) pair priced
with the same cost model as the library (``(0.5 + km) × (0.5 if the two are already paired)``,
the tier's assumed km — 1, 3, 8 or 20 — when a side has no coordinates; rounded to 1/100),
and the allocation solved as a linear programme over **all** those pairs with
``scipy.optimize.linprog`` (HiGHS) in two stages: first the most priority-weighted units served
(high 3, medium 2, low 1), then the least cost at that service. The constraint matrix is a
bipartite incidence matrix (totally unimodular), so the LP optimum is integral.

Writes ``assignments.csv`` (resource_id, demand_id, quantity, unit_cost) and
``summary.csv`` (units served, weighted units served, total cost), and prints the summary.
Only pandas, networkx, numpy, scipy and the standard library: it does not import
regional_graph.

``--check ASSIGNMENTS_CSV`` prices another allocation (the library's ``assignments.csv``:
resource id, demand id and quantity in columns 1, 2 and 8) with this script's model: its
units, weighted units and cost in 1/100 go to ``checked.txt``, the LP optimum's to
``optimum.txt``.

Usage::

    python benchmarks/naive_match.py DATA_FOLDER OUT_FOLDER [--as-of 2026-10-01]
        [--check ASSIGNMENTS_CSV]
"""

from __future__ import annotations

import csv
import math

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from naive_report import arguments, build, live
from scipy.optimize import linprog

TIER_KM = (1.0, 3.0, 8.0, 20.0)  # same community, same street, same district, elsewhere
WEIGHT = {"high": 3, "medium": 2, "low": 1}


def out_of(g: nx.MultiDiGraph, n: str, rel: str) -> str | None:
    return next((v for _, v, d in g.out_edges(n, data=True) if d["type"] == rel), None)


def ancestor(g: nx.MultiDiGraph, area: str | None, level: str) -> str | None:
    while area is not None:
        if g.nodes[area].get("level") == level:
            return area
        area = out_of(g, area, "part_of")
    return None


def host(g: nx.MultiDiGraph, n: str) -> str:
    """The organisation a Party org sits in (itself otherwise)."""
    return out_of(g, n, "hosted_by") or n


def area(g: nx.MultiDiGraph, n: str) -> str | None:
    """Where a node is: an area itself, else its area_id (a Party org: else its host's)."""
    d = g.nodes[n]
    if d.get("table") == "areas":
        return n
    if isinstance(d.get("area_id"), str):
        return d["area_id"]
    h = host(g, n)
    return area(g, h) if h != n else None


def coords(g: nx.MultiDiGraph, n: str) -> tuple[float, float]:
    d = g.nodes[host(g, n)]
    if d.get("table") != "organizations" or not isinstance(d.get("lat"), str) \
            or not isinstance(d.get("lon"), str):
        return math.nan, math.nan
    return float(d["lat"]), float(d["lon"])


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dl = math.radians(b[1]) - math.radians(a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def places(g: nx.MultiDiGraph, a: str | None) -> tuple[str | None, str | None, str | None]:
    return tuple(ancestor(g, a, lv) for lv in ("community", "street", "district"))  # type: ignore[return-value]


def centroids(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    sums: dict[str, list[float]] = {}
    for n, d in g.nodes(data=True):
        if d.get("table") == "organizations":
            c = ancestor(g, area(g, n), "community")
            ll = coords(g, n)
            if c is not None and not math.isnan(ll[0]) and not math.isnan(ll[1]):
                s = sums.setdefault(c, [0.0, 0.0, 0])
                s[0], s[1], s[2] = s[0] + ll[0], s[1] + ll[1], s[2] + 1
    return {c: (s[0] / s[2], s[1] / s[2]) for c, s in sums.items()}


def ties(g: nx.MultiDiGraph, day: str) -> set[tuple[str, str]]:
    """(unit, community) of every live paired_with link."""
    out = set()
    for u, v, d in g.edges(data=True):
        if d["type"] != "paired_with" or not live(d, day):
            continue
        t = g.nodes[v]
        comm = v if t.get("level") == "community" and t.get("table") == "areas" else (
            ancestor(g, area(g, v), "community")
            if t.get("table") == "party_orgs" and t.get("level") == "community_committee"
            else None)
        if comm is not None:
            out.add((host(g, u), comm))
    return out


def sides(g: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    cent = centroids(g)
    res, dem = [], []
    for n, d in g.nodes(data=True):
        if d.get("table") == "resources":
            p = d.get("provider_id")
            a = area(g, p) if p in g else None
            a = a if a is not None else d.get("area_id")
            res.append({"id": n, "cat": d.get("category"), "places": places(g, a),
                        "xy": coords(g, p) if p in g else (math.nan, math.nan),
                        "unit": host(g, p) if p in g else None,
                        "cap": int(float(d.get("capacity", 1)))})
        elif d.get("table") == "demands":
            q = d.get("requester_id")
            a = area(g, q) if q in g else None
            if ancestor(g, a, "community") is None and isinstance(d.get("area_id"), str):
                a = d["area_id"]
            pl = places(g, a)
            dem.append({"id": n, "cat": d.get("category"), "places": pl,
                        "xy": cent.get(pl[0], (math.nan, math.nan)),
                        "qty": int(float(d.get("quantity", 1))),
                        "w": WEIGHT[d.get("priority", "medium")]})
    return res, dem


def pairs(res: list[dict], dem: list[dict], tie: set[tuple[str, str]]) -> tuple[list, list, list]:
    rows, cols, cost = [], [], []
    by_cat: dict[str, list[int]] = {}
    for i, r in enumerate(res):
        if isinstance(r["cat"], str):
            by_cat.setdefault(r["cat"], []).append(i)
    for j, q in enumerate(dem):
        for i in by_cat.get(q["cat"], []):
            r = res[i]
            tier = next((t for t in range(3) if r["places"][t] is not None
                         and r["places"][t] == q["places"][t]), 3)
            dist = km(r["xy"], q["xy"])
            c = 0.5 + (TIER_KM[tier] if math.isnan(dist) else dist)
            if (r["unit"], q["places"][0]) in tie:
                c *= 0.5
            rows.append(i)
            cols.append(j)
            cost.append(c)
    return rows, cols, cost


def solve(res: list[dict], dem: list[dict], rows: list, cols: list,
          cost: list) -> np.ndarray:
    n = len(rows)
    r, d = np.asarray(rows), np.asarray(cols)
    a = sp.vstack([sp.csr_array((np.ones(n), (r, np.arange(n))), shape=(len(res), n)),
                   sp.csr_array((np.ones(n), (d, np.arange(n))), shape=(len(dem), n))])
    b = np.array([x["cap"] for x in res] + [x["qty"] for x in dem], dtype=float)
    w = np.array([dem[j]["w"] for j in cols], dtype=float)
    first = linprog(-w, A_ub=a, b_ub=b, bounds=(0, None), method="highs-ds")
    scaled = np.rint(np.asarray(cost) * 100)
    a2 = sp.vstack([a, sp.csr_array(-w[None, :])])
    # the best service is an integer; keeping it exactly keeps the LP on a face of the
    # integral polytope (a slack would let it trade fractional service for cost)
    second = linprog(scaled, A_ub=a2, b_ub=np.append(b, np.rint(first.fun) + 1e-7),
                     bounds=(0, None),
                     method="highs-ds")
    return np.rint(second.x).astype(np.int64)


def main() -> None:
    args = arguments(__doc__, check=True)
    g = build(args.data)
    for name in ("resources", "demands"):
        for row in pd.read_csv(args.data / f"{name}.csv", dtype=str,
                               encoding="utf-8-sig").to_dict("records"):
            g.add_node(row["id"], table=name, **{k: v for k, v in row.items() if pd.notna(v)})
    res, dem = sides(g)
    rows, cols, cost = pairs(res, dem, ties(g, args.as_of))
    x = solve(res, dem, rows, cols, cost)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "assignments.csv").open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["resource_id", "demand_id", "quantity", "unit_cost"])
        for k in np.flatnonzero(x > 0):
            out.writerow([res[rows[k]]["id"], dem[cols[k]]["id"], int(x[k]), cost[k]])
    served = int(x.sum())
    weighted = int(sum(dem[cols[k]]["w"] * x[k] for k in np.flatnonzero(x > 0)))
    total = float(np.dot(x, cost))
    with (args.out / "summary.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["served", "weighted_served", "total_cost", "pairs"],
                                 [served, weighted, f"{total:.4f}", len(rows)]])
    line = (f"served {served}; weighted {weighted}; "
            f"scaled cost {int(np.dot(x, np.rint(np.asarray(cost) * 100)))}")
    (args.out / "optimum.txt").write_text(line + "\n", encoding="utf-8")
    print(f"pairs {len(rows)}; {line}; cost {total:.4f}")
    if args.check:  # another allocation (the library's) priced by this script's model
        other = pd.read_csv(args.check, encoding="utf-8-sig").iloc[:, [0, 1, 7]]
        index = {(res[rows[k]]["id"], dem[cols[k]]["id"]): k for k in range(len(rows))}
        k = np.array([index[(r, d)]
                      for r, d in zip(other.iloc[:, 0], other.iloc[:, 1], strict=True)])
        q = other.iloc[:, 2].to_numpy()
        line = (f"served {int(q.sum())}; weighted "
                f"{int(sum(dem[cols[i]]['w'] * v for i, v in zip(k, q, strict=True)))}; "
                f"scaled cost {int(np.dot(q, np.rint(np.asarray(cost)[k] * 100)))}")
        (args.out / "checked.txt").write_text(line + "\n", encoding="utf-8")
        print("checked: " + line)


if __name__ == "__main__":
    main()
