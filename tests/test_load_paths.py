"""The fast paths of loading give what the plain paths give (issue 15, item 3).

Each fast path is checked against an independent derivation: Arrow's date parsing against the
Python parsers value by value; the build's reused reference codes against a lookup made afresh;
the hierarchy parents taken from the one lookup of all references against a lookup within the
table; the concurrent folder read against reading each file on its own.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import regional_graph as rg
from regional_graph import validate
from regional_graph.build import assert_tables_equal


def _random_cells(n: int, seed: int) -> list[str]:
    """Dates and date-times as people type them, many out of range (month 13, 30 February,
    hour 24, second 60, year 0) and many not in the ISO form (``2024-3-1``, ``T``, spaces)."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        y = rnd.choice([rnd.randint(0, 9999), rnd.randint(1990, 2030)])
        m, d = rnd.randint(0, 13), rnd.randint(0, 32)
        h, mi, s = rnd.randint(0, 25), rnd.randint(0, 61), rnd.randint(0, 61)
        day = f"{y:04d}-{m:02d}-{d:02d}" if rnd.random() < 0.9 else f"{y}-{m}-{d}"
        out.append(rnd.choice([day, f"{day} {h:02d}:{mi:02d}", f"{day} {h:02d}:{mi:02d}:{s:02d}",
                               f"{day} {h}:{mi}", f"{day}T{h:02d}:{mi:02d}", f" {day}"]))
    return out


@pytest.mark.parametrize("kind", ["date", "datetime"])
def test_arrow_dates_equal_the_python_parsers(kind: str) -> None:
    cells = [*_random_cells(20_000, seed=3), "2024-02-29", "2023-02-29", "0999-01-01",
             "2024年3月1日"]
    parse = validate.parse_date if kind == "date" else validate.parse_datetime
    expected = np.array([np.datetime64(v, "s") if (v := parse(c)) is not None else
                         np.datetime64("NaT") for c in cells], dtype="datetime64[s]")
    column = pd.Series([*cells, None], dtype="str")
    got = validate._map_unique_dates(column, parse, validate._ISO_FORMATS[kind])
    assert np.array_equal(got[:-1], expected, equal_nan=True)
    assert np.isnat(got[-1])
    fast = validate._iso_dates(column, validate._ISO_FORMATS[kind])
    assert (~np.isnat(fast)).sum() > 2_000  # the fast path does the work
    assert 0 < np.isnat(expected).sum() < len(cells)  # and both kinds of cell occur


@pytest.fixture(scope="module")
def district_typed() -> tuple[dict[str, pd.DataFrame], validate.Resolved]:
    typed, resolved = validate.validate_with_codes(rg.io.read_tables(rg.datasets.SAMPLE_DISTRICT))
    assert resolved is not None
    return typed, resolved


def test_build_reuses_the_codes_of_validation(
        district_typed: tuple[dict[str, pd.DataFrame], validate.Resolved]) -> None:
    typed, resolved = district_typed
    reused = rg.build.graph_from_typed(typed, resolved)
    afresh = rg.build.graph_from_tables(typed, validate=False)  # looked up again
    assert reused == afresh
    assert reused.ids.equals(afresh.ids)
    pd.testing.assert_frame_equal(reused.edges, afresh.edges, check_exact=True)
    assert rg.build.graph_from_tables(rg.io.read_tables(rg.datasets.SAMPLE_DISTRICT)) == reused


def test_the_handed_codes_are_the_lookups(
        district_typed: tuple[dict[str, pd.DataFrame], validate.Resolved]) -> None:
    typed, resolved = district_typed
    keys = [("links", "source_id"), ("organizations", "area_id"), ("orders", "assignee_id")]
    ids = rg.build.graph_from_tables(typed, validate=False).ids
    for (table, column), codes in zip(keys, resolved.codes_of(keys), strict=True):
        given = typed[table][column].notna().to_numpy()
        assert (codes[~given] == -1).all()
        assert ids[codes[given]].tolist() == typed[table][column][given].tolist()
    assert validate.validate_tables(rg.io.read_tables(rg.datasets.SAMPLE_DISTRICT)).keys() \
        == typed.keys()


def test_hierarchy_parents_from_the_one_lookup(tmp_path: Path) -> None:
    """A cycle and a self-parent are found the same with unique ids (parents from the lookup
    of all references) as with a lookup within each table."""
    folder = Path(shutil.copytree(rg.datasets.SAMPLE_DISTRICT, tmp_path / "d"))
    areas = pd.read_csv(folder / "areas.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    streets = areas.index[areas["level"] == "street"][:3]
    areas.loc[streets[0], "parent_id"] = areas.loc[streets[1], "id"]
    areas.loc[streets[1], "parent_id"] = areas.loc[streets[0], "id"]
    areas.loc[streets[2], "parent_id"] = areas.loc[streets[2], "id"]
    areas.to_csv(folder / "areas.csv", index=False, encoding="utf-8-sig")
    raw = rg.io.read_tables(folder)

    run = validate._Run()
    typed, failures = validate.check_tables(raw)
    cycles = failures[failures["problem"].str.startswith("hierarchy cycle")]
    assert sorted(cycles["row"].tolist()) == sorted(int(i) + 2 for i in streets)
    for tname in ("areas", "party_orgs"):
        df = typed[tname]
        within = pc.fill_null(pc.index_in(pa.array(df["parent_id"], pa.large_string()),
                                          value_set=pa.array(df["id"], pa.large_string()),
                                          skip_nulls=True), -1).to_numpy()
        run.unique_ids = True
        run.id_offsets = {"areas": 0, "party_orgs": len(typed["areas"])}
        ids = pa.concat_arrays([pa.array(typed[t]["id"], pa.large_string())
                                for t in ("areas", "party_orgs")])
        found = pc.index_in(pa.array(df["parent_id"], pa.large_string()), value_set=ids,
                            skip_nulls=True)
        run.ref_codes = {(tname, "parent_id"): pc.fill_null(found, -1).to_numpy()}
        assert run.parents(tname, df).tolist() == within.tolist()


def test_concurrent_folder_read_equals_file_by_file() -> None:
    folder = rg.datasets.SAMPLE_DISTRICT
    together = rg.io.read_tables(folder)
    one_by_one = {rg.schema.table(f.stem).name: rg.io.read_csv(f, keep_going=True)
                  for f in sorted(Path(folder).glob("*.csv"))}
    assert list(together) == list(one_by_one)
    assert_tables_equal(together, one_by_one)
    assert all(together[n].attrs == one_by_one[n].attrs for n in together)


def test_tables_parsed_in_threads_equal_one_by_one(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Problems and notes of every table come out the same, in the same order, whether the
    tables are parsed one after the other or side by side."""
    folder = Path(shutil.copytree(rg.datasets.SAMPLE_DISTRICT, tmp_path / "d"))
    frames = {f.stem: pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for f in folder.glob("*.csv")}
    orgs, links = frames["organizations"], frames["links"]
    orgs.loc[[3, 9], "employees"] = ["三", "１２３"]
    orgs.loc[5, "founded"] = "45566"
    links.loc[[2, 7, 9], "start"] = ["2024-02-30", "2024年3月1日", "２０２４-03-01"]
    frames["areas"].loc[4, "level"] = "镇区"
    frames["members"].loc[1, "reported"] = "maybe"
    for name, df in frames.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    text = (folder / "party_orgs.csv").read_text(encoding="utf-8-sig")
    (folder / "party_orgs.csv").write_text("党组织台账（2026年）\n" + text, encoding="utf-8-sig")
    raw = rg.io.read_tables(folder)
    monkeypatch.setattr(validate, "PARALLEL_CELLS", 10**12)
    typed_one, failures_one = validate.check_tables(raw)
    monkeypatch.setattr(validate, "PARALLEL_CELLS", 0)
    typed_two, failures_two = validate.check_tables(raw)
    assert len(failures_one) >= 4 and len(failures_one.attrs[validate.NOTES]) >= 3
    pd.testing.assert_frame_equal(failures_two, failures_one, check_exact=True)
    for key in (validate.NOTES, validate.SOURCES):
        assert str(failures_two.attrs[key]) == str(failures_one.attrs[key])
    assert list(typed_two) == list(typed_one)
    assert_tables_equal(typed_two, typed_one)
