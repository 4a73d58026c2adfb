"""Benchmark the headline analyses against networkx and a pandas anti-join, same data.

At city scale (``generate_tables("city")`` → validate → build; ``--scale province`` for the
big one) each query — ``uncovered``, ``should_build``, ``isolated_units``,
``coverage_by_area`` — runs three ways on the same data in the same process:

* **regional_graph**: the library function on the columnar graph (first call, which builds
  the per-graph caches, and the best of ``--repeat`` further calls);
* **networkx**: a straightforward implementation on ``G.to_networkx()`` (a Python loop over
  the nodes checking their edges; building the networkx graph is not timed);
* **pandas**: an anti-join on the typed input tables (``validate_tables`` output; validating
  is not timed), producing the same rows and the same place columns.

Every pair of results is checked to agree (same organisation ids / same counts). Prints a
markdown table. Targets: ≤ 0.1 s each at city scale, ≥ 10× networkx, no slower than pandas;
≤ 2 s at province scale.

Usage::

    python benchmarks/bench_analysis.py [--scale city|province] [--repeat 5] [--no-networkx]
        [--cold 3]
    python benchmarks/bench_analysis.py --report-tables DATA [--rounds 3]
        [--baseline OTHER_CHECKOUT/pkg]

The first call is the median over ``--cold`` freshly built graphs (the main one included),
the queries called in the table's order on each: the first query pays for the per-graph
arrays the others share, as in a real session.

``--report-tables DATA`` times instead the first call of each table of ``regional-graph
report`` (``export.report.report_tables``, Chinese reasons, as of the reference day) on the
graph loaded from the folder ``DATA``, in the report's order, wall and CPU seconds, each round
in a fresh process (median of ``--rounds``). With ``--baseline`` the same rounds run
interleaved on another source tree (e.g. ``git archive main pkg | tar -x -C /tmp/main``), so
both are measured under the same load. Targets at city scale: joint-branch proposals
≤ 0.2 s, pairing recommendations ≤ 0.1 s, dormant ties ≤ 0.05 s, all nine ≤ 0.45 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

try:
    import regional_graph as rg
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    import regional_graph as rg

from regional_graph import schema
from regional_graph.analysis import coverage, isolation
from regional_graph.build import graph_from_tables
from regional_graph.datasets import REFERENCE_DATE
from regional_graph.validate import validate_tables

DAY = pd.Timestamp(REFERENCE_DATE)
TWO_NEW = set(schema.TWO_NEW_KINDS)
RESIDENT = set(schema.RESIDENT_UNIT_KINDS)
OWN = set(schema.OWN_ORG_LEVELS)
TIE_RELS = {schema.LINK_RELTYPE[t].value for t in schema.TIE_TYPES}


# --------------------------------------------------------------------------------------------
# networkx: a loop over nodes checking their edges
# --------------------------------------------------------------------------------------------


def _nx_live(d: dict[str, Any]) -> bool:
    s, e = d.get("start"), d.get("end")
    return (s is None or s <= DAY) and (e is None or e >= DAY)


def _nx_place(g: Any, org: str, level: str) -> str | None:
    area = next((v for _, v, d in g.out_edges(org, data=True) if d["type"] == "LOCATED_IN"),
                None)
    while area is not None:
        if g.nodes[area].get("level") == level:
            return area
        area = next((v for _, v, d in g.out_edges(area, data=True) if d["type"] == "PART_OF"),
                    None)
    return None


def nx_uncovered(g: Any) -> set[str]:
    out = set()
    for node, data in g.nodes(data=True):
        if data["label"] != "Organization" or data.get("kind") not in TWO_NEW:
            continue
        if not any(d["type"] == "COVERED_BY" and _nx_live(d)
                   for _, _, d in g.out_edges(node, data=True)):
            out.add(node)
            _nx_place(g, node, "community")
            _nx_place(g, node, "street")
    return out


def nx_should_build(g: Any) -> set[str]:
    out = set()
    for node, data in g.nodes(data=True):
        if data["label"] != "Organization" or data.get("kind") not in TWO_NEW:
            continue
        if data.get("party_members", 0) < schema.MIN_MEMBERS_INDEPENDENT:
            continue
        own = any(d["type"] == "HOSTED_BY" and g.nodes[u].get("level") in OWN
                  for u, _, d in g.in_edges(node, data=True))
        if not own:
            out.add(node)
            _nx_place(g, node, "community")
            _nx_place(g, node, "street")
    return out


def nx_isolated(g: Any) -> set[str]:
    out = set()
    for node, data in g.nodes(data=True):
        if data["label"] != "Organization" or data.get("kind") not in RESIDENT:
            continue
        actors = [node] + [u for u, _, d in g.in_edges(node, data=True)
                           if d["type"] == "HOSTED_BY"]
        tied = False
        for a in actors:
            for _, _, d in [*g.out_edges(a, data=True), *g.in_edges(a, data=True)]:
                if d["type"] in TIE_RELS and _nx_live(d):
                    tied = True
                    break
            if tied:
                break
        if not tied:
            out.add(node)
    return out


def nx_coverage_by_area(g: Any) -> dict[str, tuple[int, int, int, int]]:
    counts: dict[str, list[int]] = {}
    for node, data in g.nodes(data=True):
        if data["label"] != "Organization" or data.get("kind") not in TWO_NEW:
            continue
        cov = any(d["type"] == "COVERED_BY" and _nx_live(d)
                  for _, _, d in g.out_edges(node, data=True))
        mem = data.get("party_members", 0) >= 1
        for level in ("district", "street", "community"):
            area = _nx_place(g, node, level)
            if area is None:
                continue
            c = counts.setdefault(area, [0, 0, 0, 0])
            c[0] += 1
            c[1] += cov
            c[2] += mem
            c[3] += cov and mem
    return {k: tuple(v) for k, v in counts.items()}


# --------------------------------------------------------------------------------------------
# pandas: anti-joins on the typed input tables
# --------------------------------------------------------------------------------------------


def _pd_live(links: pd.DataFrame) -> pd.Series:
    s, e = links["start"], links["end"]
    return (s.isna() | (s <= DAY)) & (e.isna() | (e >= DAY))


def _pd_places(t: dict[str, pd.DataFrame], orgs: pd.DataFrame) -> pd.DataFrame:
    """community/street (id and name) of ``orgs`` by walking the area table with merges."""
    areas = t["areas"][["id", "name", "level", "parent_id"]]
    out = orgs.copy()
    cur = out["area_id"]
    for _ in range(5):  # building → grid → community → street → district
        step = areas.set_index("id").reindex(cur)
        for level in ("community", "street", "district"):
            hit = (step["level"] == level).to_numpy()
            col = f"{level}_id"
            if col not in out:
                out[col] = pd.Series(pd.NA, index=out.index, dtype="str")
                out[level] = pd.Series(pd.NA, index=out.index, dtype="str")
            out.loc[hit, col] = step.index[hit].to_numpy()
            out.loc[hit, level] = step["name"].to_numpy()[hit]
        cur = pd.Series(step["parent_id"].to_numpy(), index=out.index)
    return out


def pd_uncovered(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    orgs, links = t["organizations"], t["links"]
    cov = links[(links["type"] == "covered_by")]
    live = cov.loc[_pd_live(cov), "source_id"]
    two = orgs[orgs["kind"].isin(TWO_NEW)]
    unc = two[~two["id"].isin(live)]
    ended = cov.loc[cov["end"].notna() & (cov["end"] < DAY), "source_id"]
    unc = unc.assign(reason=np.where(unc["id"].isin(ended), "only expired links",
                                     "no covered_by link"))
    return _pd_places(t, unc[["id", "name", "kind", "industry", "party_members", "area_id",
                              "reason"]]).set_index("id")


def pd_should_build(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    orgs, po = t["organizations"], t["party_orgs"]
    hosts = po.loc[po["level"].isin(OWN), "host_id"]
    big = orgs[orgs["kind"].isin(TWO_NEW) & (orgs["party_members"] >= 3)]
    sb = big[~big["id"].isin(hosts)]
    return _pd_places(t, sb[["id", "name", "kind", "industry", "party_members",
                             "area_id"]]).set_index("id")


def pd_isolated(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    orgs, po, links = t["organizations"], t["party_orgs"], t["links"]
    ties = links[links["type"].isin(schema.TIE_TYPES)]
    ties = ties[_pd_live(ties)]
    host = po.dropna(subset=["host_id"]).set_index("id")["host_id"]
    ends = pd.concat([ties["source_id"], ties["target_id"]], ignore_index=True)
    actors = ends.map(host).fillna(ends)
    units = orgs[orgs["kind"].isin(RESIDENT)]
    iso = units[~units["id"].isin(actors)]
    return _pd_places(t, iso[["id", "name", "kind", "area_id"]]).set_index("id")


def pd_coverage_by_area(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    orgs, links = t["organizations"], t["links"]
    cov = links[(links["type"] == "covered_by")]
    live = cov.loc[_pd_live(cov), "source_id"]
    two = orgs[orgs["kind"].isin(TWO_NEW)]
    flags = two[["id", "area_id", "party_members"]].assign(
        covered=two["id"].isin(live).to_numpy(),
        mem=(two["party_members"] >= 1).fillna(False).to_numpy())
    flags["cm"] = flags["covered"] & flags["mem"]
    flags = _pd_places(t, flags)
    parts = []
    for level in ("district", "street", "community"):
        g = flags.groupby(f"{level}_id").agg(two_new=("id", "size"),
                                             covered_two_new=("covered", "sum"),
                                             with_members=("mem", "sum"),
                                             covered_with_members=("cm", "sum"))
        g["rate_all"] = g["covered_two_new"] / g["two_new"]
        g["rate_with_members"] = g["covered_with_members"] / g["with_members"]
        parts.append(g)
    return pd.concat(parts)


# --------------------------------------------------------------------------------------------
# the floor: one numpy pass over integer codes prepared beforehand (not timed)
# --------------------------------------------------------------------------------------------


def floor_arrays(G: Any) -> dict[str, Any]:
    """Integer code arrays of ``G`` a hand-tuned numpy answer would start from."""
    from regional_graph.graph import REL_TYPES
    from regional_graph.schema import Label

    e, orgs = G.edges, G.nodes[Label.ORGANIZATION]
    org, po = G.label_range(Label.ORGANIZATION), G.label_range(Label.PARTY_ORG)
    n = G.number_of_nodes()
    kind = orgs["kind"].astype(str).to_numpy()
    po_own = np.zeros(n, dtype=bool)
    po_own[po] = G.nodes[Label.PARTY_ORG]["level"].isin(OWN).to_numpy()
    return {
        "n": n, "org": org, "day": np.datetime64(DAY.date(), "s"),
        "type": e["type"].cat.codes.to_numpy(), "src": e["source"].to_numpy(),
        "dst": e["target"].to_numpy(), "start": e["start"].to_numpy("datetime64[s]"),
        "end": e["end"].to_numpy("datetime64[s]"),
        "two_new": np.isin(kind, list(TWO_NEW)), "resident": np.isin(kind, list(RESIDENT)),
        "members": orgs["party_members"].to_numpy("float64", na_value=np.nan),
        "po_own": po_own,
        "covered_by": REL_TYPES.index("COVERED_BY"), "hosted_by": REL_TYPES.index("HOSTED_BY"),
        "ties": [REL_TYPES.index(r) for r in TIE_RELS],
    }


def _np_live(a: dict[str, Any], mask: np.ndarray) -> np.ndarray:
    s, e, day = a["start"], a["end"], a["day"]
    return mask & (np.isnat(s) | (s <= day)) & (np.isnat(e) | (e >= day))


def np_uncovered(a: dict[str, Any]) -> np.ndarray:
    covered = np.zeros(a["n"], dtype=bool)
    covered[a["src"][_np_live(a, a["type"] == a["covered_by"])]] = True
    return np.flatnonzero(a["two_new"] & ~covered[a["org"]]) + a["org"].start


def np_should_build(a: dict[str, Any]) -> np.ndarray:
    hosted = a["type"] == a["hosted_by"]
    own = np.zeros(a["n"], dtype=bool)
    own[a["dst"][hosted & a["po_own"][a["src"]]]] = True
    big = a["two_new"] & (a["members"] >= 3)
    return np.flatnonzero(big & ~own[a["org"]]) + a["org"].start


def np_isolated(a: dict[str, Any]) -> np.ndarray:
    hosted = a["type"] == a["hosted_by"]
    host = np.arange(a["n"])
    host[a["src"][hosted]] = a["dst"][hosted]
    live = _np_live(a, np.isin(a["type"], a["ties"]))
    ends = np.concatenate([a["src"][live], a["dst"][live]])
    tied = np.zeros(a["n"], dtype=bool)
    tied[ends] = True
    tied[host[ends]] = True
    return np.flatnonzero(a["resident"] & ~tied[a["org"]]) + a["org"].start


# --------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def first_calls(typed: dict[str, pd.DataFrame], name: str,
                queries: list[tuple[str, Callable[..., Any]]], n: int) -> dict[str, list[float]]:
    """Seconds of the first call of each query on ``n - 1`` graphs built afresh (the main
    graph gives the n-th), the queries called in order on each graph."""
    out: dict[str, list[float]] = {q: [] for q, _ in queries}
    for _ in range(max(n - 1, 0)):
        fresh = graph_from_tables(typed, validate=False, name=name)
        for q, fn in queries:
            t0 = time.perf_counter()
            fn(fresh)
            out[q].append(time.perf_counter() - t0)
    return out


def report_first_calls(data: str) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of the first call of each report table on a freshly loaded
    graph, in the report's order (run in a process of its own)."""
    from regional_graph.build import load_graph
    from regional_graph.export import report

    G = load_graph(data)
    day = np.datetime64(REFERENCE_DATE)
    out = {}
    for name in report.REPORT_TABLES:
        t0, c0 = time.perf_counter(), time.process_time()
        report.report_tables(G, as_of=day, names=[name], language="zh")
        out[name] = (time.perf_counter() - t0, time.process_time() - c0)
    return out


def _round(data: str, pkg: str | None) -> dict[str, tuple[float, float]]:
    """One fresh process timing the report tables (``pkg``: a source tree to import)."""
    import json
    import os
    import subprocess

    env = dict(os.environ)
    if pkg is not None:
        env["PYTHONPATH"] = str(Path(pkg).resolve())
    done = subprocess.run([sys.executable, __file__, "--report-worker", data], env=env,
                          check=True, capture_output=True, text=True)
    return {k: tuple(v) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def report_tables_table(data: str, rounds: int, baseline: str | None) -> None:
    """Print the median first-call seconds of every report table (and of a baseline)."""
    runs: dict[str, list[dict[str, tuple[float, float]]]] = {"this": [], "baseline": []}
    for _ in range(rounds):  # interleaved: both see the same load
        runs["this"].append(_round(data, None))
        if baseline is not None:
            runs["baseline"].append(_round(data, baseline))
    names = list(runs["this"][0])
    med = {who: {n: (float(np.median([r[n][0] for r in rs])),
                     float(np.median([r[n][1] for r in rs]))) for n in names}
           for who, rs in runs.items() if rs}
    for who, rs in runs.items():
        if rs:
            med[who]["all nine"] = (float(np.median([sum(r[n][0] for n in names) for r in rs])),
                                    float(np.median([sum(r[n][1] for n in names)
                                                     for r in rs])))
    print(f"first call of each report table on {data}, median of {rounds} fresh processes\n")
    head = "| table | wall (s) | CPU (s) |" + (" baseline wall (s) | baseline CPU (s) | "
                                               "× (wall) |" if baseline else "")
    print(head)
    print("|---|" + "---:|" * (head.count("|") - 2))
    for n in [*names, "all nine"]:
        cells = f"| {n} | {med['this'][n][0]:.3f} | {med['this'][n][1]:.3f} |"
        if baseline:
            b = med["baseline"][n]
            cells += f" {b[0]:.3f} | {b[1]:.3f} | {b[0] / med['this'][n][0]:.1f}× |"
        print(cells)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--report-worker"]:
        import json

        print(json.dumps(report_first_calls(argv[1])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city", choices=["district", "city", "province"])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-networkx", action="store_true", help="skip the networkx baseline")
    ap.add_argument("--cold", type=int, default=3,
                    help="first calls measured on this many freshly built graphs (median)")
    ap.add_argument("--report-tables", metavar="DATA",
                    help="time the first call of each report table on this data folder")
    ap.add_argument("--rounds", type=int, default=3, help="fresh processes (--report-tables)")
    ap.add_argument("--baseline", metavar="PKG",
                    help="a source tree (its pkg folder) timed in the same rounds")
    args = ap.parse_args(argv)
    if args.report_tables:
        report_tables_table(args.report_tables, args.rounds, args.baseline)
        return 0

    t0 = time.perf_counter()
    raw = rg.datasets.generate_tables(args.scale)
    typed = validate_tables(raw)
    G = graph_from_tables(typed, validate=False, name=args.scale)
    print(f"{G!r}  (generated, validated and built in {time.perf_counter() - t0:.1f} s)\n")
    arrays = floor_arrays(G)
    floors = {"uncovered": np_uncovered, "should_build": np_should_build,
              "isolated_units": np_isolated}
    g = None
    if not args.no_networkx:
        t1 = time.perf_counter()
        g = G.to_networkx()
        print(f"networkx view built in {time.perf_counter() - t1:.1f} s (not timed below)\n")

    queries: list[tuple[str, Callable[..., Any], Callable[[], Any], Callable[[], Any]]] = [
        ("uncovered", lambda H=G: coverage.uncovered(H, as_of=DAY),
         lambda: nx_uncovered(g), lambda: pd_uncovered(typed)),
        ("should_build", lambda H=G: coverage.should_build(H, as_of=DAY),
         lambda: nx_should_build(g), lambda: pd_should_build(typed)),
        ("isolated_units", lambda H=G: isolation.isolated_units(H, as_of=DAY),
         lambda: nx_isolated(g), lambda: pd_isolated(typed)),
        ("coverage_by_area", lambda H=G: coverage.coverage_by_area(H, as_of=DAY),
         lambda: nx_coverage_by_area(g), lambda: pd_coverage_by_area(typed)),
    ]
    firsts = first_calls(typed, args.scale, [(q[0], q[1]) for q in queries], args.cold)
    print(f"first call: median over {args.cold} freshly built graphs, the queries called in "
          "this order on each (the first pays for the arrays the others share)\n")
    print("| query | rows | regional_graph first call (s) | regional_graph best (s) "
          "| networkx (s) | pandas anti-join (s) | × networkx | × pandas "
          "| numpy floor (s) | first call ÷ floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, ours, nx_fn, pd_fn in queries:
        cold, res = timed(ours)
        cold = float(np.median([cold, *firsts[name]]))
        warm, res = timed(ours, args.repeat)
        t_pd, res_pd = timed(pd_fn, max(1, args.repeat // 2))
        if name == "coverage_by_area":
            cols = ["two_new", "covered_two_new", "with_members", "covered_with_members"]
            mine = res.loc[res["two_new"] > 0, cols].sort_index()
            theirs = res_pd[cols].sort_index().astype("int64")
            assert mine.equals(theirs.loc[mine.index]) and len(mine) == len(theirs), name
        else:
            assert set(res.index) == set(res_pd.index), name
            if "street" in res_pd:
                assert (res_pd.loc[res.index, "street"].fillna("").to_numpy()
                        == res["street"].fillna("").to_numpy()).all(), name
        if g is not None:
            t_nx, res_nx = timed(nx_fn)
            if name == "coverage_by_area":
                assert len(res_nx) == int((res["two_new"] > 0).sum()), name
            else:
                assert res_nx == set(res.index), name
            nx_cell, ratio_nx = f"{t_nx:.3f}", f"{t_nx / warm:.0f}×"
        else:
            nx_cell = ratio_nx = "—"
        floor_cell = ratio_floor = "—"
        if name in floors:
            t_np, res_np = timed(lambda f=floors[name]: f(arrays), args.repeat)
            assert set(G.ids[res_np]) == set(res.index), name
            floor_cell, ratio_floor = f"{t_np:.4f}", f"{cold / t_np:.1f}×"
        print(f"| {name} | {len(res):,} | {cold:.3f} | {warm:.3f} | {nx_cell} | {t_pd:.3f} "
              f"| {ratio_nx} | {t_pd / warm:.1f}× | {floor_cell} | {ratio_floor} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
