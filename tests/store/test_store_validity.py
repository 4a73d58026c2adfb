"""Validity dates (founded/dissolved) on the server: every server-side question honours them
as the in-memory analyses do (``G.exists(as_of)``, links clipped to the days both ends exist).

The tiny district (pkg/regional_graph/datasets/tiny/) with dates added; the expectations are
worked out by hand from its CSVs and DOMAIN.md (an organisation or Party org exists on a day
when ``founded`` is empty or ≤ the day and ``dissolved`` is empty or > the day; a link lives
only while both its ends exist):

* O6 (uncovered enterprise, 西一社区) founded 2027-01-01; O7 (uncovered) dissolved 2026-05-01;
* the hospital O2 dissolved 2026-06-01;
* the joint branch PJ1 (covering O4, O5 since 2023-03-01) founded 2024-01-01, dissolved
  2026-01-01; O3's own branch PB1 (covering O3) dissolved 2026-03-01;
* 东一社区's committee PC1 (paired with O1 since 2024) dissolved 2026-07-01; the street
  committee PS1 (O1 sits on it and in its conference) dissolved 2026-08-01.

Then the sample district with random dates around the reference day: parity at three days.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import store
from regional_graph.analysis import coverage, isolation
from regional_graph.export.report import report_tables
from regional_graph.store import queries

if TYPE_CHECKING:
    from conftest import BoltTarget

#: Table → id → (founded, dissolved) of the hand-worked case.
TINY_DATES = {
    "organizations": {"O6": ("2027-01-01", None), "O7": (None, "2026-05-01"),
                      "O2": (None, "2026-06-01")},
    "party_orgs": {"PJ1": ("2024-01-01", "2026-01-01"), "PB1": (None, "2026-03-01"),
                   "PC1": (None, "2026-07-01"), "PS1": (None, "2026-08-01")},
}
DAY = "2026-10-01"
SAMPLE_DAYS = ("2025-06-01", rg.datasets.REFERENCE_DATE, "2027-06-30")


def tiny_dated() -> rg.RegionalGraph:
    raw = rg.io.read_tables(rg.datasets.TINY)
    for table, dates in TINY_DATES.items():
        frame = raw[table]
        for col, k in (("founded", 0), ("dissolved", 1)):
            frame[col] = pd.array([dates.get(i, (None, None))[k] for i in frame["id"]],
                                  dtype="str")
    return rg.build.graph_from_tables(raw)


def sample_dated(seed: int = 18) -> rg.RegionalGraph:
    """The sample district, about a fifth of its organisations and Party orgs founded or
    dissolved on random days between 2025-01-01 and 2027-12-31."""
    tables = rg.datasets.sample_district_tables()
    rng = np.random.default_rng(seed)
    first = np.datetime64("2025-01-01", "s")
    for name in ("organizations", "party_orgs"):
        frame = tables[name]
        n = len(frame)
        days = rng.integers(0, 3 * 365, size=(2, n)).astype("timedelta64[D]")
        pick = rng.random(n)
        founded = np.where(pick < 0.1, first + days[0], np.datetime64("NaT"))
        dissolved = np.where((pick >= 0.1) & (pick < 0.2), first + days[1],
                             np.datetime64("NaT"))
        both = pick >= 0.97  # a short life: founded, then dissolved a little later
        founded[both] = first + days[0][both]
        dissolved[both] = founded[both] + days[1][both] // 4
        frame["founded"] = founded.astype("datetime64[s]")
        frame["dissolved"] = dissolved.astype("datetime64[s]")
    return rg.build.graph_from_tables(tables, validate=False, name="海岚区 (dated)")


@pytest.fixture(scope="module")
def saved(bolt: BoltTarget) -> dict[str, rg.RegionalGraph]:
    bolt.clear()
    graphs = {"tiny-dated": tiny_dated(), "sample-dated": sample_dated()}
    for name, G in graphs.items():
        store.save_graph(G, bolt.driver, database=bolt.database, dataset=name, progress=False)
    return graphs


def ask(bolt: BoltTarget, question, day: object, dataset: str = "tiny-dated") -> pd.DataFrame:
    return question(bolt.driver, database=bolt.database, dataset=dataset, as_of=day)


def days(values: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v)[:10] for v in values]


def test_hand_worked_case(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph]) -> None:
    """Each expectation by hand; both the server and the in-memory analysis must give it."""
    G = saved["tiny-dated"]

    def both(server, memory, day: object) -> pd.DataFrame:
        got = ask(bolt, server, day)
        pd.testing.assert_frame_equal(got, memory(G, as_of=day), check_exact=True)
        return got

    u = both(queries.uncovered, coverage.uncovered, DAY)  # O6 not founded, O7 dissolved
    assert u.index.tolist() == ["O3", "O4", "O5", "O8"]
    assert u["reason"].tolist() == [coverage.REASON_EXPIRED] * 3 + [coverage.REASON_NO_LINK]
    assert days(u["last_end"]) == ["2026-02-28", "2025-12-31", "2025-12-31", None]
    assert u["last_covered_by"].tolist()[:3] == ["PB1", "PJ1", "PJ1"]
    # before PJ1 was founded its links had not started; O7 still existed, O6 not yet
    u = both(queries.uncovered, coverage.uncovered, "2023-06-01")
    assert u.index.tolist() == ["O4", "O5", "O7", "O8"]
    assert set(u["reason"]) == {coverage.REASON_NO_LINK}

    s = both(queries.should_build, coverage.should_build, DAY)  # PB1 gone: O3 has no own
    assert s.index.tolist() == ["O3", "O8"]
    assert s.loc["O3", "reason"] == coverage.REASON_BUILD_UNCOVERED

    iso = both(queries.isolated_units, isolation.isolated_units, DAY)  # O2 dissolved
    assert iso.index.tolist() == ["O1"]
    assert iso.loc["O1", "expired_ties"] == 3 and iso.loc["O1", "former_partners"] == "PS1, PC1"
    assert str(iso.loc["O1", "last_tie_end"].date()) == "2026-07-31"

    up = both(queries.unpaired_communities, isolation.unpaired_communities, DAY)
    assert up["reason"].to_dict() == {"C1": "only expired pairs", "C2": "never paired",
                                      "C3": "only expired pairs"}
    assert days(up["last_pair_end"]) == ["2026-06-30", None, "2023-12-31"]
    assert up["former_partners"].tolist()[::2] == ["O1", "O2"]

    rates = both(queries.coverage_by_area, coverage.coverage_by_area, DAY)
    assert rates.loc["D1", ["two_new", "covered_two_new", "with_members"]].tolist() == [4, 0, 4]
    assert rates.loc[["S1", "S2"], "two_new"].tolist() == [4, 0]
    ind = both(queries.coverage_by_industry,
               lambda G, as_of: coverage.coverage_rates(G, as_of=as_of, by="industry"), DAY)
    assert ind["two_new"].to_dict() == {"(未填行业)": 1, "物业": 1, "软件": 1, "餐饮": 1}

    # ties clipped to their partners' lives: PC1's pair ends 06-30, PS1's seats 07-31
    exp = both(queries.expiring_ties, isolation.expiring_ties, "2026-06-15")
    assert exp["days_left"].to_dict() == {"O1->PC1#4": 15}
    exp = both(queries.expiring_ties, isolation.expiring_ties, "2026-07-10")
    assert exp["days_left"].to_dict() == {"O1->PS1#6": 21, "O1->PS1#7": 21}
    dorm = both(queries.dormant_ties, isolation.dormant_ties, "2026-06-15")
    assert dorm.index.tolist() == ["O1->PS1#6", "O1->PS1#7"]
    assert days(dorm["end"]) == ["2026-07-31", "2026-07-31"]
    assert len(both(queries.dormant_ties, isolation.dormant_ties, DAY)) == 0


@pytest.mark.parametrize("day", SAMPLE_DAYS)
def test_report_parity_on_dated_sample(bolt: BoltTarget, saved: dict[str, rg.RegionalGraph],
                                       day: object) -> None:
    """Every server-side report table equals the in-memory one on the dated sample."""
    G = saved["sample-dated"]
    gone = ~G.exists(day)
    assert 50 < gone.sum() < 1000  # the dates matter on each of the days
    tables = queries.report_from_neo4j(bolt.driver, database=bolt.database,
                                       dataset="sample-dated", as_of=day)
    want = report_tables(G, as_of=day, names=tables)
    for name, frame in want.items():
        pd.testing.assert_frame_equal(tables[name], frame, check_exact=True,
                                      obj=f"{name} as of {day}")
    assert len(tables["uncovered"]) and len(tables["dormant_ties"])
    ind = ask(bolt, queries.coverage_by_industry, day, "sample-dated")
    pd.testing.assert_frame_equal(ind, coverage.coverage_rates(G, as_of=day, by="industry"),
                                  check_exact=True)


def test_report_across_dated_datasets(bolt: BoltTarget,
                                      saved: dict[str, rg.RegionalGraph]) -> None:
    """The multi-dataset report honours the dates: equal to the in-memory report of the
    merged graph (whose districts hang under a city area: their rows' parent differs)."""
    names = ["tiny-dated", "sample-dated"]
    got = queries.report_from_neo4j(bolt.driver, database=bolt.database, datasets=names,
                                    as_of=DAY)
    city = rg.merge([saved[n] for n in names], names=names, city_name="示例市")
    want = report_tables(city, as_of=DAY, names=got)
    for name, expected in want.items():
        table, frame = got[name].drop(columns="district"), expected
        if name == "coverage_by_area":
            frame = expected[expected["level"] != "district"]
            table = table.loc[frame.index]
        pd.testing.assert_frame_equal(table, frame, check_exact=True, obj=name)
    assert "tiny-dated:O6" not in got["uncovered"].index  # founded 2027
    assert "tiny-dated:O3" in got["uncovered"].index  # its branch dissolved


@pytest.mark.parametrize("dataset", ["tiny-dated", "sample-dated"])
def test_indicator_table_honours_the_dates(bolt: BoltTarget,
                                           saved: dict[str, rg.RegionalGraph],
                                           dataset: str) -> None:
    from regional_graph.analysis.indicators import LEVELS, indicators
    from regional_graph.store.indicators import indicators_from_neo4j

    G = saved[dataset]
    for day in (DAY, "2026-06-15") if dataset == "tiny-dated" else SAMPLE_DAYS[::2]:
        for level in LEVELS:
            got = indicators_from_neo4j(bolt.driver, database=bolt.database, dataset=dataset,
                                        by=level, as_of=day)
            pd.testing.assert_frame_equal(got, indicators(G, by=level, as_of=day),
                                          check_exact=True, obj=f"{level} as of {day}")
    if dataset == "tiny-dated":  # by hand: PB1, PJ1, PC1, PS1 dissolved; O2, O7 gone, O6 not yet
        row = indicators_from_neo4j(bolt.driver, database=bolt.database, dataset=dataset,
                                    by="district", as_of=DAY).loc["D1"]
        assert (row["party_orgs"], row["two_new"], row["uncovered"]) == (5, 4, 4)
        assert (row["resident_units"], row["isolated_units"], row["agreements"]) == (1, 1, 0)
