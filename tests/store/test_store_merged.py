"""Several districts in one database: the merged city pushed as one dataset, and the
server-side report across all its districts equals the in-memory one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis import coverage, isolation
from regional_graph.store import queries

if TYPE_CHECKING:
    from conftest import BoltTarget

SMALL = rg.datasets.Scale(1, 2, 3.0, 2, 1, 2.0, 4.0, 3.0, 1.0, 1.0, 1)
DAY = rg.datasets.REFERENCE_DATE


def test_server_side_report_across_merged_districts(bolt: BoltTarget) -> None:
    parts = [rg.build.graph_from_tables(rg.datasets.generate_tables(SMALL, seed=s))
             for s in (21, 22)]
    city = rg.merge(parts, names=["east", "west"], city_name="示例市")
    store.save_graph(city, bolt.driver, database=bolt.database, dataset="city-merged",
                     progress=False)
    for server, memory in ((queries.uncovered, coverage.uncovered),
                           (queries.isolated_units, isolation.isolated_units),
                           (queries.coverage_by_area, coverage.coverage_by_area)):
        got = server(bolt.driver, database=bolt.database, dataset="city-merged", as_of=DAY)
        pd.testing.assert_frame_equal(got, memory(city, as_of=DAY), check_exact=True,
                                      obj=memory.__name__)
    # the city's answer is the union of the districts' answers, ids prefixed
    got = set(queries.uncovered(bolt.driver, database=bolt.database, dataset="city-merged",
                                as_of=DAY).index)
    want = {f"{p}:{i}" for G, p in zip(parts, ("east", "west"), strict=True)
            for i in coverage.uncovered(G, as_of=DAY).index}
    assert got == want and len(want) > 0
    back = store.load_graph(bolt.driver, database=bolt.database, dataset="city-merged")
    assert back == city
