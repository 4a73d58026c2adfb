"""Several districts in one database: the merged city pushed as one dataset, and the
server-side report across all its districts equals the in-memory one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pytest

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


def test_report_across_datasets_side_by_side(bolt: BoltTarget, tmp_path, monkeypatch) -> None:
    """Two districts pushed as two datasets; the server-side report across both equals the
    in-memory report of ``rg.merge`` of the two (ids namespaced, a ``district`` column)."""
    from regional_graph import cli
    from regional_graph.export.report import report_tables

    parts = {name: rg.build.graph_from_tables(rg.datasets.generate_tables(SMALL, seed=s))
             for name, s in (("east", 23), ("west", 24))}
    for name, G in parts.items():
        store.save_graph(G, bolt.driver, database=bolt.database, dataset=name, progress=False)
    got = queries.report_from_neo4j(bolt.driver, database=bolt.database,
                                    datasets=list(parts), as_of=DAY)
    city = rg.merge(list(parts.values()), names=list(parts), city_name="示例市")
    want = report_tables(city, as_of=DAY, names=got)
    assert list(got) == list(want)
    for name, expected in want.items():
        table, frame = got[name], expected.copy()
        assert set(table["district"]) <= set(parts), name
        assert (table["district"] == [i.split(":", 1)[0] for i in table.index]).all(), name
        table = table.drop(columns="district")
        if name == "coverage_by_area":  # the merged districts hang under the city area
            top = frame["level"] == "district"
            frame.loc[top, ["parent_id", "parent"]] = None
            table = table.loc[frame.index]
        pd.testing.assert_frame_equal(table, frame, check_exact=True, obj=name)
    assert set(got["coverage_by_area"]["district"]) == set(parts) and len(got["uncovered"])
    s = bolt.settings
    monkeypatch.setenv("NEO4J_PASSWORD", s.password)
    args = ["report", "--from-neo4j", "--out", str(tmp_path), "--uri", s.uri, "--user", s.user,
            "--dataset", "east", "--dataset", "west", "--as-of", "2026-10-01",
            *(["--database", s.database] if s.database else [])]
    assert cli.main(args) == 0
    csv = pd.read_csv(tmp_path / "uncovered.csv", encoding="utf-8-sig")
    assert len(csv) == len(got["uncovered"]) and csv.shape[1] == got["uncovered"].shape[1] + 1


def test_an_empty_list_of_datasets_is_refused() -> None:
    from regional_graph.store import _datasets

    with pytest.raises(ValueError, match="`datasets` is empty"):
        _datasets.tables_by_dataset(None, None, [], lambda scope: [])  # type: ignore[arg-type]
