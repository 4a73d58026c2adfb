"""Server-side queries return exactly the in-memory analyses' DataFrames."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis import coverage, isolation
from regional_graph.store import queries

if TYPE_CHECKING:
    from conftest import BoltTarget

def by_industry(G: rg.RegionalGraph, *, as_of: object) -> pd.DataFrame:
    return coverage.coverage_rates(G, as_of=as_of, by="industry")


PAIRS: list[tuple[Callable[..., pd.DataFrame], Callable[..., pd.DataFrame]]] = [
    (queries.uncovered, coverage.uncovered),
    (queries.should_build, coverage.should_build),
    (queries.isolated_units, isolation.isolated_units),
    (queries.unpaired_communities, isolation.unpaired_communities),
    (queries.coverage_by_area, coverage.coverage_by_area),
    (queries.dormant_ties, isolation.dormant_ties),
    (queries.expiring_ties, isolation.expiring_ties),
    (queries.coverage_by_industry, by_industry),
]
SMALL = rg.datasets.Scale(1, 2, 3.0, 2, 1, 2.0, 4.0, 3.0, 1.0, 1.0, 1)
SEEDS = (1, 2, 3, 4)


@pytest.fixture(scope="module")
def saved(bolt: BoltTarget) -> dict[str, rg.RegionalGraph]:
    """The sample district and small generated variants, saved once for the module."""
    bolt.clear()
    graphs = {"sample": rg.datasets.load_sample_district()}
    graphs.update({f"seed{s}": rg.build.graph_from_tables(
        rg.datasets.generate_tables(SMALL, seed=s)) for s in SEEDS})
    # organisations with no area: the coverage tables count them in an "(unlocated …)" row
    raw = rg.datasets.generate_tables(SMALL, seed=5)
    orgs = raw["organizations"]
    two_new = orgs.index[orgs["kind"].isin(rg.schema.TWO_NEW_KINDS)][:4]
    orgs.loc[two_new, "area_id"] = None
    graphs["unplaced"] = rg.build.graph_from_tables(raw)
    for name, G in graphs.items():
        store.save_graph(G, bolt.driver, database=bolt.database, dataset=name, progress=False)
    return graphs


@pytest.mark.parametrize("dataset", ["sample", "unplaced", *(f"seed{s}" for s in SEEDS)])
def test_parity(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph], dataset: str) -> None:
    G = saved[dataset]
    days = [rg.datasets.REFERENCE_DATE]
    if dataset != "sample":
        days += ["2025-01-01", "2027-06-30"]
    for day in days:
        for server, memory in PAIRS:
            got = server(bolt.driver, database=bolt.database, dataset=dataset, as_of=day)
            want = memory(G, as_of=day)
            pd.testing.assert_frame_equal(got, want, check_exact=True,
                                          obj=f"{memory.__name__} on {dataset} as of {day}")


def test_report_is_computed_on_the_server(bolt: BoltTarget,
                                          saved: dict[str, rg.RegionalGraph]) -> None:
    """``report_from_neo4j`` returns the report's tables, equal to the in-memory report,
    without loading the graph (``load_graph`` is never called)."""
    from unittest import mock

    from regional_graph.export.report import report_tables

    with mock.patch("regional_graph.store.load.load_graph", side_effect=AssertionError), \
            store.connect(bolt.driver, database=bolt.database) as conn:
        tables = queries.report_from_neo4j(conn, dataset="sample",
                                           as_of=rg.datasets.REFERENCE_DATE)
    want = report_tables(saved["sample"], as_of=rg.datasets.REFERENCE_DATE, names=tables)
    assert list(tables) == list(want) == list(queries.SERVER_TABLES)
    assert len(tables["dormant_ties"]) > 0 and len(tables["expiring_ties"]) > 0
    for name, frame in want.items():
        pd.testing.assert_frame_equal(tables[name], frame, check_exact=True, obj=name)
