"""Same answers before and after a speed change: every query, indicator table and matching.

``save`` writes every analysis table of the tiny district, the sample district, a generated
city (and a CSV folder given with ``--data``) to pickles; ``check`` computes them again with
the code now in place and compares exactly (``assert_frame_equal(check_exact=True)``, arrays
equal with their dtypes). Run ``save`` on the old commit, ``check`` on the new one::

    git stash; python benchmarks/same_answers.py save /tmp/ref --data /tmp/speed_city
    git stash pop; python benchmarks/same_answers.py check /tmp/ref --data /tmp/speed_city

Each graph is asked twice: once in the CLI's order (indicator tables first) and once freshly
built with should-build, isolated units and uncovered as the first calls (the per-graph
arrays they share are then built by a different query).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal, assert_series_equal

try:
    import regional_graph as rg
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    import regional_graph as rg

from regional_graph.analysis import coverage, isolation
from regional_graph.analysis import indicators as ind
from regional_graph.build import graph_from_tables, load_graph
from regional_graph.matching import orders, resources
from regional_graph.validate import validate_tables

QUERIES: dict[str, Callable[..., Any]] = {
    "uncovered": coverage.uncovered, "should_build": coverage.should_build,
    "coverage_by_area": coverage.coverage_by_area, "coverage_totals": coverage.coverage_totals,
    "isolated_units": isolation.isolated_units, "weakly_tied": isolation.weakly_tied_units,
    "unpaired": isolation.unpaired_communities, "dormant": isolation.dormant_ties,
    "expiring": isolation.expiring_ties,
}


def graphs(data: Path | None) -> dict[str, tuple[Callable[[], rg.RegionalGraph], list[str]]]:
    """Name → (a builder of a fresh graph, the days to ask)."""
    ref = rg.datasets.REFERENCE_DATE
    out: dict[str, tuple[Callable[[], rg.RegionalGraph], list[str]]] = {
        "tiny": (rg.datasets.load_tiny, ["2026-10-01", "2023-06-01"]),
        "sample": (rg.datasets.load_sample_district, [ref, "2024-01-15"]),
        "city": (lambda: graph_from_tables(validate_tables(rg.datasets.generate_tables("city")),
                                           validate=False), [ref]),
    }
    if data is not None:
        out["data"] = (lambda: load_graph(data), [ref])
    return out


def answers(make: Callable[[], rg.RegionalGraph], day: str) -> dict[str, Any]:
    """Every table of one graph and day."""
    G = make()
    out: dict[str, Any] = {f"indicators_{lvl}": ind.indicators(G, by=lvl, as_of=day)
                           for lvl in ind.LEVELS}
    out.update({name: query(G, as_of=day) for name, query in QUERIES.items()})
    for by in ("district", "street", "community", "industry"):
        out[f"rates_{by}"] = coverage.coverage_rates(G, as_of=day, by=by)  # type: ignore[arg-type]
    out["proposals"] = coverage.joint_branch_proposals(G, as_of=day)
    out["tie_components"] = vars(isolation.tie_components(G, as_of=day))
    m = resources.match_resources(G, as_of=day)
    for part in ("assignments", "unmet_demands", "idle_resources", "totals"):
        out[f"match_{part}"] = getattr(m, part)
    out["indicators_matched"] = ind.indicators(G, by="street", as_of=day, matching=m)
    for by in (None, "category", "district", "street", "community"):
        out[f"orders_{by}"] = orders.order_indicators(G, as_of=day, by=by)
    out.update({f"order_tables_{k}": v for k, v in orders.order_tables(G, as_of=day).items()})
    fresh = make()
    for name in ("should_build", "isolated_units", "uncovered"):
        out[f"first_{name}"] = QUERIES[name](fresh, as_of=day)
    return out


def same(a: Any, b: Any, where: str) -> None:
    """Raise AssertionError unless ``a`` and ``b`` are exactly equal."""
    if isinstance(a, pd.DataFrame):
        assert_frame_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, pd.Series):
        assert_series_equal(a, b, check_exact=True, obj=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=where)
        assert a.dtype == b.dtype, where
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b or (a != a and b != b), (where, a, b)  # NaN equals NaN here


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["save", "check"])
    p.add_argument("folder", type=Path, help="where the reference pickles are")
    p.add_argument("--data", type=Path, default=None, help="also a folder of CSV files")
    args = p.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    differences = 0
    for name, (make, days) in graphs(args.data).items():
        for day in days:
            got = answers(make, day)
            path = args.folder / f"{name}_{day}.pkl"
            if args.mode == "save":
                path.write_bytes(pickle.dumps(got))
                continue
            ref = pickle.loads(path.read_bytes())  # our own reference files
            for key in sorted(set(ref) | set(got)):
                if key not in ref or key not in got:
                    differences += 1
                    print(f"MISSING {name} {day} {key}: only {'before' if key in ref else 'now'}")
                    continue
                try:
                    same(ref.get(key), got.get(key), f"{name}/{day}/{key}")
                except AssertionError as e:
                    differences += 1
                    print(f"DIFFERENT {name} {day} {key}: {str(e)[:500]}")
        print(f"{name}: {args.mode} done", flush=True)
    if args.mode == "check":
        print("same answers" if not differences else f"{differences} tables differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
