"""Validation: every problem type, each from its own bad file on disk.

Each test breaks the tiny dataset (``conftest.TINY``) in one place, writes it as CSV files,
reads it back with :func:`regional_graph.io.read_tables` and validates it, then checks the
reported table, row *as the user sees it in the file* (header = row 1, so frame row ``i``
is file row ``i + 2``), column, value and the "expected" text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import schema
from regional_graph.errors import FAILURE_COLUMNS

Tables = dict[str, pd.DataFrame]


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------


def failures_of(folder: Path) -> pd.DataFrame:
    """Read a CSV folder, validate it, and return the failures (which must exist)."""
    raw = rg.io.read_tables(folder)
    with pytest.raises(rg.TableValidationError) as info:
        rg.validate.validate_tables(raw)
    return info.value.failures


def bad_file_failures(tables: Tables, write_csv: Callable[..., Path]) -> pd.DataFrame:
    return failures_of(write_csv(tables, "bad"))


def only(failures: pd.DataFrame) -> dict[str, object]:
    """The single failure of a table of failures, as a dict."""
    assert len(failures) == 1, failures.to_string()
    return failures.iloc[0].to_dict()


def assert_failure(
    f: dict[str, object],
    table: str,
    row: int,
    column: str,
    value: str | None,
    problem: str,
    *expected_words: str,
) -> None:
    assert f["table"] == table
    assert f["row"] == row
    assert f["column"] == column
    if value is None:
        assert pd.isna(f["value"])
    else:
        assert f["value"] == value
    assert problem in f["problem"]
    for word in expected_words:
        assert word in f["expected"], (word, f["expected"])


def append_row(tables: Tables, table: str, **cells: str) -> int:
    """Append a row to ``tables[table]``; return its file row number."""
    df = tables[table]
    df.loc[len(df)] = [cells.get(c) for c in df.columns]
    return len(df) + 1


# ---------------------------------------------------------------------------------------
# the tiny dataset itself is valid
# ---------------------------------------------------------------------------------------


def test_tiny_dataset_is_valid(tiny_dir: Path, raw_tables: Tables) -> None:
    typed = rg.validate.validate_tables(rg.io.read_tables(tiny_dir))
    assert list(typed) == list(schema.TABLES)
    for name, raw in raw_tables.items():
        assert len(typed[name]) == len(raw), name
    _, failures = rg.validate.check_tables(rg.io.read_tables(tiny_dir))
    assert failures.empty
    assert list(failures.columns) == FAILURE_COLUMNS


# ---------------------------------------------------------------------------------------
# columns
# ---------------------------------------------------------------------------------------


def test_missing_required_column(raw_tables: Tables, write_csv) -> None:
    raw_tables["areas"] = raw_tables["areas"].drop(columns="level")
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "areas", 1, "level", None, "missing required column", "'level'", "'层级'")


def test_missing_required_column_of_links(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"] = raw_tables["links"].drop(columns="type")
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 1, "type", None, "missing required column", "'type'", "'关系类型'")


def test_column_given_twice_english_and_chinese(raw_tables: Tables, write_csv) -> None:
    orgs = raw_tables["organizations"]
    orgs["类型"] = orgs["kind"]
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "organizations", 1, "kind", "类型", "column given twice", "kind", "'kind'")


def test_missing_table(raw_tables: Tables, write_csv) -> None:
    orgs = raw_tables["organizations"].iloc[[3]].assign(area_id=None)
    f = only(bad_file_failures({"organizations": orgs}, write_csv))  # no areas.csv
    assert f["table"] == "areas"
    assert pd.isna(f["row"])
    assert f["problem"] == "missing table"
    assert "区域" in f["expected"]


def test_activities_without_a_links_table(raw_tables: Tables, write_csv) -> None:
    del raw_tables["links"]  # optional, but then an activity on a link has nothing to be on
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "activities", 2, "target_id", "PC1", "no link", "links table")


# ---------------------------------------------------------------------------------------
# cells
# ---------------------------------------------------------------------------------------


def test_empty_required_cell(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"].loc[2, "name"] = None
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "organizations", 4, "name", None, "empty required cell", "non-empty")


def test_blank_required_text_cell(raw_tables: Tables, write_csv) -> None:
    raw_tables["areas"].loc[2, "name"] = "   "  # looks empty in the spreadsheet
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "areas", 4, "name", "   ", "empty required cell", "non-empty")


def test_empty_required_enum_and_id_cells(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"].loc[1, "kind"] = None
    raw_tables["resources"].loc[1, "id"] = "   "  # blank counts as empty
    failures = bad_file_failures(raw_tables, write_csv)
    assert len(failures) == 2, failures.to_string()
    kind, rid = failures.iloc[0].to_dict(), failures.iloc[1].to_dict()
    assert_failure(kind, "organizations", 3, "kind", None, "empty required cell", "hospital",
                   "医院")
    assert_failure(rid, "resources", 3, "id", None, "empty required cell", "non-empty id")


def test_duplicate_id_within_a_table(raw_tables: Tables, write_csv) -> None:
    row = append_row(raw_tables, "areas", id="C1", name="重复社区", level="community",
                     parent_id="S1")
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "areas", row, "id", "C1", "duplicate id", "unique", "areas row 4")


def test_duplicate_id_across_tables(raw_tables: Tables, write_csv) -> None:
    row = append_row(raw_tables, "organizations", id="PC1", name="同名单位", kind="enterprise")
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "organizations", row, "id", "PC1", "duplicate id", "unique",
                   "party_orgs row 4")


def test_reference_to_a_missing_id(raw_tables: Tables, write_csv) -> None:
    raw_tables["party_orgs"].loc[3, "parent_id"] = "PS9"
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "party_orgs", 5, "parent_id", "PS9", "unknown id",
                   "id of an existing PartyOrg")


def test_link_to_a_missing_id(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"].loc[4, "source_id"] = "O99"
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 6, "source_id", "O99", "unknown id", "id of an existing")


def test_reference_to_the_wrong_kind_of_node(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"].loc[3, "area_id"] = "PC1"  # a PartyOrg, not an Area
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "organizations", 5, "area_id", "PC1", "wrong kind",
                   "id of an existing Area")
    assert "PartyOrg" in f["problem"]


def test_link_endpoint_of_the_wrong_kind_for_its_type(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"].loc[0, "target_id"] = "C1"  # covered_by → an Area
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 2, "target_id", "C1", "wrong kind", "PartyOrg", "covered_by")
    assert "Area" in f["problem"]


def test_link_source_of_the_wrong_kind_for_its_type(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"].loc[5, "source_id"] = "O1"  # reports_to from an Organization
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 7, "source_id", "O1", "wrong kind", "Member", "reports_to")


ENUM_CASES = [
    # table, column, frame row, bad value, enum
    ("areas", "level", 1, "town", schema.AREA_LEVEL),
    ("areas", "level", 2, "镇区", schema.AREA_LEVEL),
    ("party_orgs", "level", 4, "党支部", schema.PARTY_ORG_LEVEL),
    ("organizations", "kind", 0, "company", schema.ORG_KIND),
    ("organizations", "kind", 1, "公司", schema.ORG_KIND),
    ("links", "type", 2, "partner", schema.LINK_TYPE),
    ("links", "type", 2, "合作", schema.LINK_TYPE),
    ("resources", "category", 0, "food", schema.CATEGORY),
    ("demands", "category", 1, "餐饮", schema.CATEGORY),
    ("demands", "priority", 0, "urgent", schema.PRIORITY),
    ("demands", "priority", 0, "火急", schema.PRIORITY),
]


@pytest.mark.parametrize(("table", "column", "i", "value", "enum"), ENUM_CASES)
def test_unknown_enum_value(
    raw_tables: Tables, write_csv, table: str, column: str, i: int, value: str,
    enum: schema.Enum,
) -> None:
    raw_tables[table].loc[i, column] = value
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, table, i + 2, column, value, f"unknown {enum.name}")
    for code in enum.codes:  # the expected text lists every value, English and Chinese
        assert code in f["expected"]
        assert enum.zh(code) in f["expected"]


NUMBER_CASES = [
    # table, column, frame row, bad value, problem, words of the expected text
    ("party_orgs", "members", 2, "-3", "negative count", ("whole number", "≥ 0")),
    ("organizations", "employees", 1, "2.5", "not a whole number", ("whole number",)),
    ("organizations", "party_members", 2, "abc", "not a number", ("whole number",)),
    ("activities", "participants", 0, "二十", "not a number", ("whole number",)),
    ("resources", "capacity", 1, "0", "below 1", ("≥ 1",)),
    ("organizations", "lat", 0, "91.5", "above 90", ("from -90 to 90",)),
    ("organizations", "lon", 0, "-181", "below -180", ("from -180 to 180",)),
    ("organizations", "lat", 0, "N37", "not a number", ("number",)),
]


@pytest.mark.parametrize(("table", "column", "i", "value", "problem", "words"), NUMBER_CASES)
def test_bad_number(
    raw_tables: Tables, write_csv, table: str, column: str, i: int, value: str, problem: str,
    words: tuple[str, ...],
) -> None:
    raw_tables[table].loc[i, column] = value
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, table, i + 2, column, value, problem, *words)


@pytest.mark.parametrize(
    ("table", "column", "i", "value"),
    [
        ("links", "start", 0, "last spring"),
        ("links", "end", 2, "2024-13-01"),
        ("links", "start", 4, "2024-02-30"),  # impossible day
        ("activities", "date", 1, "2023年2月29日"),  # not a leap year
    ],
)
def test_bad_date(raw_tables: Tables, write_csv, table: str, column: str, i: int,
                  value: str) -> None:
    raw_tables[table].loc[i, column] = value
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, table, i + 2, column, value, "unparseable date", "2024-03-01",
                   "2024年3月1日")


def test_bad_boolean(raw_tables: Tables, write_csv) -> None:
    raw_tables["members"].loc[1, "reported"] = "maybe"
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "members", 3, "reported", "maybe", "not a yes/no value", "是/否")


def test_end_before_start(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"].loc[2, ["start", "end"]] = ["2025-01-01", "2024-12-31"]
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 4, "end", "2024-12-31", "end before start", "on or after")


def test_link_from_a_node_to_itself(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"].loc[3, "target_id"] = "PU1"  # sits_on PU1 → PU1
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "links", 5, "target_id", "PU1", "itself", "different node")


# ---------------------------------------------------------------------------------------
# hierarchies
# ---------------------------------------------------------------------------------------


def _cycles_and_level_order(failures: pd.DataFrame, *orders: list[object]) -> pd.DataFrame:
    """A cycle of a hierarchy breaks its level order too (the top gets a parent): check the
    level-order problems, return the cycle problems."""
    order = failures["problem"].str.contains("wrong level order")
    assert failures.loc[order, ["table", "row", "value", "expected"]].values.tolist() == \
        list(orders)
    return failures[~order].reset_index(drop=True)


def test_area_hierarchy_cycle(raw_tables: Tables, write_csv) -> None:
    raw_tables["areas"].loc[0, "parent_id"] = "S1"  # D1 → S1 → D1
    failures = _cycles_and_level_order(bad_file_failures(raw_tables, write_csv),
                                       ["areas", 2, "S1", "a parent of level city"])
    assert failures[["table", "row", "column", "value"]].values.tolist() == [
        ["areas", 2, "parent_id", "S1"],
        ["areas", 3, "parent_id", "D1"],
    ]
    assert failures["problem"].str.contains("cycle").all()
    assert "D1 → S1 → D1" in failures.loc[0, "problem"]
    assert failures["expected"].str.contains("top-level").all()


def test_party_org_hierarchy_cycle(raw_tables: Tables, write_csv) -> None:
    raw_tables["party_orgs"].loc[0, "parent_id"] = "PC1"  # PD1 → PC1 → PS1 → PD1
    failures = _cycles_and_level_order(bad_file_failures(raw_tables, write_csv),
                                       ["party_orgs", 2, "PC1", "no parent"])
    assert failures[["table", "row", "column"]].values.tolist() == [
        ["party_orgs", 2, "parent_id"],
        ["party_orgs", 3, "parent_id"],
        ["party_orgs", 4, "parent_id"],
    ]
    assert failures["problem"].str.contains("hierarchy cycle").all()


def test_party_org_two_cycle(raw_tables: Tables, write_csv) -> None:
    raw_tables["party_orgs"].loc[0, "parent_id"] = "PS1"  # PD1 → PS1 → PD1
    failures = _cycles_and_level_order(bad_file_failures(raw_tables, write_csv),
                                       ["party_orgs", 2, "PS1", "no parent"])
    assert failures[["table", "row", "value"]].values.tolist() == [
        ["party_orgs", 2, "PS1"],
        ["party_orgs", 3, "PD1"],
    ]


@pytest.mark.parametrize(("table", "i", "own"), [("areas", 3, "C2"), ("party_orgs", 4, "PG1")])
def test_self_parent(raw_tables: Tables, write_csv, table: str, i: int, own: str) -> None:
    raw_tables[table].loc[i, "parent_id"] = own
    f = only(_cycles_and_level_order(bad_file_failures(raw_tables, write_csv),
                                     [table, i + 2, own, {"areas": "a parent of level street",
                                      "party_orgs": "a parent of level community_committee"}[
                                         table]]))
    assert_failure(f, table, i + 2, "parent_id", own, "its own parent", "another node")


# ---------------------------------------------------------------------------------------
# activities
# ---------------------------------------------------------------------------------------


def test_activity_on_a_link_that_does_not_exist(raw_tables: Tables, write_csv) -> None:
    raw_tables["activities"].loc[0, ["source_id", "target_id"]] = ["O3", "PC2"]  # both exist
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "activities", 2, "target_id", "PC2", "no link", "links table")


def test_activity_with_half_a_link_reference(raw_tables: Tables, write_csv) -> None:
    raw_tables["activities"].loc[0, "target_id"] = None
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "activities", 2, "target_id", None, "incomplete", "source_id")


def test_activity_on_an_unknown_project(raw_tables: Tables, write_csv) -> None:
    raw_tables["activities"].loc[1, "project_id"] = "PC1"  # a PartyOrg, not a project
    f = only(bad_file_failures(raw_tables, write_csv))
    assert_failure(f, "activities", 3, "project_id", "PC1", "wrong kind", "Resource", "Demand")


# ---------------------------------------------------------------------------------------
# all at once, the error type, row numbers, nothing dropped
# ---------------------------------------------------------------------------------------


def test_all_problems_are_reported_at_once(raw_tables: Tables, write_csv) -> None:
    orgs = raw_tables["organizations"]  # five different problems in one file
    orgs.loc[0, "kind"] = "公司"
    orgs.loc[0, "lat"] = "91.5"
    orgs.loc[1, "employees"] = "-3"
    orgs.loc[2, "party_members"] = "abc"
    orgs.loc[3, "area_id"] = "PC1"
    folder = write_csv(raw_tables, "bad")
    with pytest.raises(rg.TableValidationError) as info:
        rg.load_graph(folder)
    failures = info.value.failures
    assert failures[["table", "row", "column", "value"]].values.tolist() == [
        ["organizations", 2, "kind", "公司"],
        ["organizations", 2, "lat", "91.5"],
        ["organizations", 3, "employees", "-3"],
        ["organizations", 4, "party_members", "abc"],
        ["organizations", 5, "area_id", "PC1"],
    ]
    message = str(info.value)
    assert message.startswith("5 problems")
    for rec in failures.itertuples():
        assert f"organizations row {rec.row}, column {rec.column!r}" in message
        assert repr(rec.value) in message


def test_problems_across_tables_are_reported_together(raw_tables: Tables, write_csv) -> None:
    raw_tables["areas"].loc[1, "level"] = "镇区"
    raw_tables["links"].loc[0, "target_id"] = "C1"
    raw_tables["demands"].loc[1, "quantity"] = "-1"
    raw_tables["members"].loc[0, "org_id"] = "PX"
    raw_tables["activities"].loc[0, "date"] = "2024-02-30"
    failures = bad_file_failures(raw_tables, write_csv)
    assert failures[["table", "row", "column"]].values.tolist() == [
        ["areas", 3, "level"],
        ["demands", 3, "quantity"],
        ["members", 2, "org_id"],
        ["links", 2, "target_id"],
        ["activities", 2, "date"],
    ]


def test_validation_error_is_a_value_error_with_a_failures_table(raw_tables: Tables,
                                                                write_csv) -> None:
    raw_tables["areas"].loc[1, "level"] = "镇区"
    folder = write_csv(raw_tables, "bad")
    with pytest.raises(ValueError, match="areas row 3, column 'level'") as info:
        rg.load_graph(folder)
    err = info.value
    assert isinstance(err, rg.TableValidationError)
    assert isinstance(err, rg.RegionalGraphError)
    assert list(err.failures.columns) == ["table", "row", "column", "value", "problem",
                                          "expected"]
    assert "镇区" in str(err)
    assert "unknown area level" in str(err)
    assert "街道" in str(err)  # what was expected


def test_blank_lines_do_not_shift_row_numbers(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"].loc[3, "employees"] = "-1"  # frame row 3 = line 5 …
    folder = write_csv(raw_tables, "bad")
    path = folder / "organizations.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    # … but after a blank line, an all-empty row and another blank line it is line 8
    lines[2:2] = [""]
    lines[4:4] = ["," * (len(raw_tables["organizations"].columns) - 1), ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert path.read_text(encoding="utf-8-sig").splitlines()[7].startswith("O4,")
    f = only(failures_of(folder))
    assert_failure(f, "organizations", 8, "employees", "-1", "negative count")
    # the blank lines are not rows: the valid data keeps its four organisations
    typed = rg.validate.check_tables(rg.io.read_tables(folder))[0]
    assert typed["organizations"]["id"].tolist() == ["O1", "O2", "O3", "O4"]


def test_rows_with_the_wrong_number_of_cells(raw_tables: Tables, write_csv) -> None:
    folder = write_csv(raw_tables, "bad")
    path = folder / "areas.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = "S1,湖岚街道,street"  # a cell short
    lines[4] = "C2,西湾社区,community,S1,多余"  # a cell too many (an unquoted comma)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (folder / "links.csv").write_text("source_id,target_id,type\nO2,PI1\n", encoding="utf-8")
    with pytest.raises(rg.TableValidationError) as info:
        rg.load_graph(folder)
    failures = info.value.failures
    ragged = failures[failures["problem"].str.endswith("cells in the row")]
    assert ragged[["table", "row", "value"]].values.tolist() == [
        ["areas", 3, "S1,湖岚街道,street"],
        ["areas", 5, "C2,西湾社区,community,S1,多余"],
        ["links", 2, "O2,PI1"],
    ]
    assert ragged["expected"].str.contains("4 cells|3 cells").all()
    # the other tables are still checked (the links file lost the activity's link)
    assert failures.loc[~failures.index.isin(ragged.index), "table"].tolist() == ["activities"]


def test_nothing_valid_is_dropped(raw_tables: Tables, write_csv, tmp_path: Path) -> None:
    orgs = raw_tables["organizations"]
    orgs["联系电话"] = ["0535-6201234", None, "13800000002", None]
    orgs["备注2"] = ["007", "重点单位", None, "  空格 "]
    raw_tables["links"]["负责人"] = ["王伟", None, None, "李娜", None, None]
    folder = write_csv(raw_tables, "extras")
    typed = rg.validate.validate_tables(rg.io.read_tables(folder))

    for name, raw in raw_tables.items():
        assert len(typed[name]) == len(raw), name
    t = typed["organizations"]
    assert t.columns.tolist() == [*schema.ORGANIZATIONS.names, "联系电话", "备注2"]
    assert t["name"].tolist() == orgs["name"].tolist()
    assert t["kind"].tolist() == ["hospital", "enterprise", "enterprise", "social_org"]
    assert t["employees"].tolist() == [800, 60, 15, pd.NA]
    assert t["party_members"].tolist() == [120, 4, 1, 0]
    np.testing.assert_array_equal(t["lat"].to_numpy(), [37.52, np.nan, np.nan, np.nan])
    assert t["address"].tolist()[0] == "东湾路1号"
    # extra columns: kept as text, exactly as written (no number parsing, no stripping)
    assert pd.api.types.is_string_dtype(t["联系电话"])
    assert t["联系电话"].tolist()[0] == "0535-6201234"
    assert t["联系电话"].tolist()[2] == "13800000002"
    assert t["备注2"].tolist()[:2] == ["007", "重点单位"]
    assert t["备注2"].tolist()[3] == "  空格 "
    assert t["备注2"].isna().tolist() == [False, False, True, False]
    assert typed["links"].columns.tolist()[-1] == "负责人"

    # … and they survive the graph and a write/read cycle
    G = rg.build.graph_from_tables(typed, validate=False)
    assert G.nodes[schema.Label.ORGANIZATION].loc["O1", "联系电话"] == "0535-6201234"
    assert "负责人" in G.edges.columns
    back = rg.build.graph_to_tables(G)
    rg.build.assert_tables_equal(back, typed)
    again = rg.validate.validate_tables(rg.io.read_tables(rg.save_graph(G, tmp_path / "out")))
    rg.build.assert_tables_equal(again, typed)


def test_valid_rows_are_kept_when_other_rows_are_bad(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"].loc[1, "kind"] = "公司"
    typed, failures = rg.validate.check_tables(rg.io.read_tables(write_csv(raw_tables)))
    assert len(failures) == 1
    assert typed["organizations"]["id"].tolist() == ["O1", "O2", "O3", "O4"]
    assert typed["organizations"]["kind"].isna().tolist() == [False, True, False, False]


def test_chinese_headers_and_values_validate_like_english(raw_tables: Tables, write_csv) -> None:
    english = rg.validate.validate_tables(rg.io.read_tables(write_csv(raw_tables, "en")))
    zh = {}
    for name, df in raw_tables.items():
        cols = {c.name: c.zh for c in schema.TABLES[name].columns}
        zh[schema.TABLES[name].zh] = df.rename(columns=cols)
    zh["区域"]["层级"] = zh["区域"]["层级"].map(schema.AREA_LEVEL.zh)
    folder = write_csv(zh, "zh")
    assert (folder / "区域.csv").exists()
    rg.build.assert_tables_equal(rg.validate.validate_tables(rg.io.read_tables(folder)), english)


def test_two_extra_columns_of_one_name_are_both_kept(tmp_path):
    folder = tmp_path / "dup_extra"
    folder.mkdir()
    (folder / "areas.csv").write_text(
        "id,name,level,备注,备注\nD1,示例区,district,甲,乙\n", encoding="utf-8")
    typed = rg.validate.validate_tables(rg.io.read_tables(folder))
    areas = typed["areas"]
    assert areas.loc[0, "备注"] == "甲"
    assert areas.loc[0, "备注 (2)"] == "乙"


def test_xlsx_value_under_no_header_and_table_twice_are_reported(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "areas"
    ws.append(["id", "name", "level"])
    ws.append(["D1", "示例区", "district", "13800000000"])
    twice = wb.create_sheet("区域")
    twice.append(["id", "name", "level"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(rg.TableValidationError) as info:
        rg.validate.validate_tables(rg.io.read_tables(path))
    f = info.value.failures
    cell = f[f["problem"] == "value in a column without a header"].iloc[0]
    assert (cell["table"], cell["row"], cell["column"], cell["value"]) == \
        ("areas", 2, "D", "13800000000")
    assert (f["problem"] == "table given twice").sum() == 1


def test_control_characters_huge_counts_and_headerless_values_are_reported():
    raw = {
        "areas": pd.DataFrame({"id": ["D1"], "name": ["示例\x0b区"], "level": ["district"],
                               "": ["stray"], "备注": ["tab\tand\nnewline are fine"]}),
        "organizations": pd.DataFrame({"id": ["O1"], "name": ["企业"], "kind": ["enterprise"],
                                       "party_members": ["9999999999999999999"]}),
    }
    with pytest.raises(rg.TableValidationError) as info:
        rg.validate.validate_tables(raw)
    f = info.value.failures.set_index("problem")
    assert f.loc["control character in text", "column"] == "name"
    assert f.loc["number too large", "column"] == "party_members"
    assert f.loc["value in a column without a header", "value"] == "stray"
    assert len(f) == 3


# -- issue 18: every problem at once, even with a broken row ------------------------------


def test_ragged_csv_row_does_not_hide_other_problems(raw_tables, write_csv) -> None:
    folder = write_csv(raw_tables)
    areas = (folder / "areas.csv").read_text(encoding="utf-8").splitlines()
    areas[3] = areas[3] + ",东湾路1号,多出的格"  # an unquoted comma: two cells too many
    (folder / "areas.csv").write_text("\n".join(areas) + "\n", encoding="utf-8")
    orgs = pd.read_csv(folder / "organizations.csv", dtype=str, keep_default_na=False)
    orgs.loc[1, "kind"] = "火星单位"
    orgs.to_csv(folder / "organizations.csv", index=False)
    _, f = rg.validate.check_tables(rg.io.read_tables(folder))
    ragged = f[f["problem"].str.contains("cells in the row")]
    assert ragged[["table", "row"]].values.tolist() == [["areas", 4]]
    kind = f[f["column"] == "kind"]
    assert kind[["table", "row", "value"]].values.tolist() == [["organizations", 3, "火星单位"]]


def test_value_under_blank_xlsx_header_does_not_hide_other_problems(tmp_path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "区域"
    ws.append(["编号", "名称", "层级", None])
    ws.append(["D1", "示例区", "区", "13800000000"])
    orgs = wb.create_sheet("单位")
    orgs.append(["编号", "名称", "类型"])
    orgs.append(["O1", "某公司", "外星企业"])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    _, f = rg.validate.check_tables(rg.io.read_tables(path))
    problems = set(zip(f["table"], f["row"], f["problem"], strict=True))
    assert ("areas", 2, "value in a column without a header") in problems
    assert ("organizations", 2, "unknown organization kind") in problems


def test_excel_error_values_are_rejected() -> None:
    raw = {"areas": pd.DataFrame({"id": ["D1", "#REF!"], "name": ["#N/A", "街道"],
                                  "level": ["district", "street"], "parent_id": [None, "D1"]})}
    _, f = rg.validate.check_tables(raw)
    bad = f[f["problem"] == "Excel error value"]
    assert bad[["row", "column", "value"]].values.tolist() == [[2, "name", "#N/A"],
                                                               [3, "id", "#REF!"]]
