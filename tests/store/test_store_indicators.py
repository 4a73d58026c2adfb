"""The indicator table computed on the server equals the in-memory one (same index, columns,
dtypes and values, rates with the same numerator and denominator columns) at every level, and
``indicators --from-neo4j`` writes it without loading the graph."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest import mock

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis.indicators import LEVELS, indicators
from regional_graph.store.indicators import indicators_from_neo4j, indicators_tables_from_neo4j

if TYPE_CHECKING:
    from conftest import BoltTarget

SMALL = rg.datasets.Scale(1, 2, 3.0, 2, 1, 2.0, 4.0, 3.0, 1.0, 1.0, 1)
DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def saved(bolt: BoltTarget) -> dict[str, rg.RegionalGraph]:
    """The sample district, a generated district and the tiny one, saved once."""
    bolt.clear()
    graphs = {"sample": rg.datasets.load_sample_district(),
              "generated": rg.build.graph_from_tables(rg.datasets.generate_tables(SMALL,
                                                                                  seed=31)),
              "tiny": rg.datasets.load_tiny()}
    for name, G in graphs.items():
        store.save_graph(G, bolt.driver, database=bolt.database, dataset=name, progress=False)
    return graphs


@pytest.mark.parametrize("dataset", ["sample", "generated", "tiny"])
def test_indicator_table_parity(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph],
                                dataset: str) -> None:
    G = saved[dataset]
    days = [DAY] if dataset == "sample" else [DAY, "2024-06-01"]
    for day in days:
        for level in LEVELS:
            got = indicators_from_neo4j(bolt.driver, database=bolt.database, dataset=dataset,
                                        by=level, as_of=day)
            want = indicators(G, by=level, as_of=day)
            pd.testing.assert_frame_equal(got, want, check_exact=True,
                                          obj=f"{dataset} by {level} as of {day}")
            assert len(got.columns) == 55 and len(got) > 0


def test_tiny_values_by_hand(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph]) -> None:
    """A few cells of the tiny district worked out from its CSVs: 9 Party orgs with 82
    members (the members column of every Party org), O6/O7/O8 uncovered, C2 and C3 unpaired,
    one order done of two."""
    t = indicators_from_neo4j(bolt.driver, database=bolt.database, dataset="tiny",
                              by="district", as_of="2026-10-01")
    row = t.loc["D1"]
    assert (row["party_orgs"], row["members"], row["uncovered"]) == (9, 82, 3)
    assert (row["unpaired_communities"], row["orders"], row["done"]) == (2, 2, 1)
    assert row["rate_all"] == row["covered_two_new"] / row["two_new"] == 0.5


def test_several_datasets_and_the_cli(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph],
                                      tmp_path, monkeypatch) -> None:
    """Two datasets side by side equal the merged graph's tables (ids namespaced, a
    ``district`` column; the districts' parent is the city only in the merged graph), and
    the CLI writes the tables computed on the server without loading the graph."""
    from regional_graph import cli

    names = ["generated", "tiny"]
    got = indicators_tables_from_neo4j(bolt.driver, database=bolt.database, datasets=names,
                                       as_of=DAY)
    city = rg.merge([saved[n] for n in names], names=names, city_name="示例市")
    for level in LEVELS:
        want = indicators(city, by=level, as_of=DAY)
        table = got[level]
        assert (table["district"] == [i.split(":", 1)[0] for i in table.index]).all()
        table = table.drop(columns="district")
        if level == "district":
            want = want.drop(columns=["parent_id", "parent"])
            table = table.drop(columns=["parent_id", "parent"])
        pd.testing.assert_frame_equal(table.loc[want.index], want, check_exact=True, obj=level)

    s = bolt.settings
    monkeypatch.setenv("NEO4J_PASSWORD", s.password)
    args = ["indicators", "--from-neo4j", "--out", str(tmp_path), "--uri", s.uri,
            "--user", s.user, "--dataset", "sample", "--as-of", str(DAY), "--lang", "en",
            *(["--database", s.database] if s.database else [])]
    with mock.patch("regional_graph.store.load.load_graph", side_effect=AssertionError):
        assert cli.main(args) == 0
    csv = pd.read_csv(tmp_path / "indicators_street.csv", encoding="utf-8-sig", index_col=0)
    want = indicators(saved["sample"], by="street", as_of=DAY)
    assert csv.index.tolist() == want.index.tolist()
    assert csv["members"].tolist() == want["members"].tolist()
    assert (tmp_path / "indicators.xlsx").is_file()
