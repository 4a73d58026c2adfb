"""Real ledgers (issue 18): what district offices keep, read as they keep it — title rows,
.xls/.ods workbooks, formula cells, priorities as numbers, 1,200 and １２３, Excel serial
dates — each normalisation said in the check output, and problems told in the user's words.

Expected values are worked by hand from the files the tests write.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import regional_graph as rg
from regional_graph import cli
from regional_graph.problems import explain, notes_lines, report_lines
from regional_graph.validate import NOTES, SOURCES


def _root_conftest():
    """tests/conftest.py by path: ``import conftest`` may find tests/store/conftest.py when a
    worker ran the store tests first."""
    import importlib.util
    import sys

    name = "regional_graph_tests_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("conftest.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]

Tables = dict[str, pd.DataFrame]


def _check(path: Path) -> tuple[Tables, pd.DataFrame]:
    return rg.validate.check_tables(rg.io.read_tables(path))


def _ledger_book(raw_tables: Tables, path: Path) -> Path:
    """The tiny dataset as a ledger: Chinese sheet and header names, a merged title row and a
    blank row above each header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, df in raw_tables.items():
        tbl = rg.schema.TABLES[name]
        ws = wb.create_sheet(tbl.zh)
        ws.append([f"海岚区{tbl.zh}台账（2026年）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
        ws.append([])
        ws.append([tbl.column(c).zh for c in df.columns])
        for rec in df.itertuples(index=False):
            ws.append([None if pd.isna(v) else v for v in rec])
    wb.save(path)
    return path


def test_title_rows_are_skipped_noted_and_rows_keep_their_excel_numbers(raw_tables, tmp_path,
                                                                        write_csv) -> None:
    raw_tables["organizations"].loc[1, "employees"] = "-3"  # second data row: Excel row 5
    book = _ledger_book(raw_tables, tmp_path / "台账.xlsx")
    _, f = _check(book)
    assert f[["table", "row", "column", "value"]].values.tolist() == [
        ["organizations", 5, "employees", "-3"]]
    notes = f.attrs[NOTES]
    assert (notes["note"] == "title rows above the header skipped").sum() == len(raw_tables)
    assert notes.loc[notes["table"] == "organizations", "example"].tolist() == [
        "海岚区单位台账（2026年）"]
    line = report_lines(f)[1]
    assert line.startswith("  台账.xlsx › 单位 第 5 行，列 F「职工数」：不能为负数；填的是「-3」")
    # a CSV with a title line: the same
    folder = write_csv(raw_tables, "csv")
    text = (folder / "areas.csv").read_text(encoding="utf-8-sig")
    (folder / "areas.csv").write_text("区域台账,,,\n" + text, encoding="utf-8")
    typed_csv, f_csv = _check(folder)
    assert typed_csv["areas"]["id"].tolist() == raw_tables["areas"]["id"].tolist()
    assert f_csv.attrs[NOTES]["note"].tolist() == ["title rows above the header skipped"]
    assert f_csv[["table", "row"]].values.tolist() == [["organizations", 3]]


def test_formula_cells_without_a_saved_result_are_reported(raw_tables, tmp_path) -> None:
    book = _ledger_book(raw_tables, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["单位"]
    ws["G4"] = "=2+3"  # O1 党员数 as a formula; openpyxl saves no result
    wb.save(book)
    _, f = _check(book)
    assert f[["table", "row", "column", "value", "problem"]].values.tolist() == [
        ["organizations", 4, "G", "=2+3", "formula without a saved result"]]
    told = explain(f).iloc[0].tolist()
    assert told[:3] == ["book.xlsx › 单位", 4, "列 G「党员数」"]
    assert told[4].startswith("公式没有保存的计算结果")
    # saved by a spreadsheet program, the result is there and read as the value
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir",
                    str(tmp_path / "saved"), str(book)], check=True, capture_output=True,
                   timeout=180)
    typed, f2 = _check(tmp_path / "saved" / "book.xlsx")
    assert f2.empty, f2.to_string()
    assert typed["organizations"]["party_members"].tolist()[0] == 5


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_workbooks_read_like_xlsx(raw_tables, tmp_path, suffix: str) -> None:
    book = _ledger_book(raw_tables, tmp_path / "台账.xlsx")
    expected, f = _check(book)
    assert f.empty
    subprocess.run(["soffice", "--headless", "--convert-to", suffix, "--outdir",
                    str(tmp_path / suffix), str(book)], check=True, capture_output=True,
                   timeout=180)
    typed, f = _check(tmp_path / suffix / f"台账.{suffix}")
    assert f.empty, f.to_string()
    rg.build.assert_tables_equal(typed, expected)


def test_ledger_spellings_are_accepted_and_noted(raw_tables, write_csv, capsys) -> None:
    orgs, demands, links = (raw_tables[n] for n in ("organizations", "demands", "links"))
    orgs["employees"] = orgs["employees"].astype(object)
    orgs.loc[0, "employees"] = "1,200"
    orgs.loc[1, "employees"] = "１２３"
    orgs.loc[2, "lat"] = "３７.５２"
    demands["priority"] = ["1", "3"]
    links.loc[0, "start"] = "45566"  # Excel serial day: 45292 is 2024-01-01, + 274 days
    links.loc[1, "start"] = "2023-03-01 08:30:00"  # a date-time cell in a date column
    folder = write_csv(raw_tables, "ledger")
    typed, f = _check(folder)
    assert f.empty, f.to_string()
    o = typed["organizations"]
    assert o["employees"].tolist()[:2] == [1200, 123]
    assert o["lat"].tolist()[2] == 37.52
    assert typed["demands"]["priority"].astype(str).tolist() == ["high", "low"]
    assert typed["links"]["start"].tolist()[:2] == [pd.Timestamp("2024-10-01"),
                                                    pd.Timestamp("2023-03-01")]
    notes = f.attrs[NOTES].set_index(["table", "column", "note"])["count"].to_dict()
    assert notes == {
        ("organizations", "employees", "full-width digits read as digits"): 1,
        ("organizations", "employees", "thousands separators removed"): 1,
        ("organizations", "lat", "full-width digits read as digits"): 1,
        ("demands", "priority", "numbers read as priorities (1 high, 2 medium, 3 low)"): 2,
        ("links", "start", "Excel serial dates read as dates"): 1,
        ("links", "start", "times of day dropped (a date column)"): 1,
    }
    lines = notes_lines(f.attrs[NOTES], f.attrs[SOURCES])
    assert ("已规范化：organizations.csv，列 F「employees」："
            "去掉了数字中的千位分隔符（1 个，如「1,200」）") in lines
    assert cli.main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert ("已规范化：links.csv，列 D「start」："
            "Excel 日期序号按日期读取（1 个，如「45566」）") in out
    assert out.rstrip().splitlines()[-1].startswith("OK：")


def test_ambiguous_numbers_stay_problems_and_values_are_shown_as_written(raw_tables,
                                                                         write_csv) -> None:
    orgs = raw_tables["organizations"]
    orgs["employees"] = orgs["employees"].astype(object)
    orgs.loc[0, "employees"] = "1,2"  # not groups of three: a decimal comma? refused
    orgs.loc[1, "employees"] = "１２.５"  # full-width, but not whole
    _, f = _check(write_csv(raw_tables, "bad"))
    assert f[["row", "value", "problem"]].values.tolist() == [
        [2, "1,2", "not a number"], [3, "１２.５", "not a whole number"]]


def test_every_problem_text_has_a_chinese_version(raw_tables, write_csv, tmp_path) -> None:
    """Break the tiny dataset in every way validation knows; no English problem or expected
    text reaches the Chinese output."""
    r = raw_tables
    r["areas"].loc[1, "level"] = "镇区"
    r["areas"].loc[2, "parent_id"] = "C1"  # its own parent
    r["organizations"].loc[0, "party_members"] = "-1"
    r["organizations"].loc[1, "lat"] = "99"
    r["organizations"].loc[2, "employees"] = "2.5"
    r["organizations"].loc[3, "area_id"] = "PC1"  # a party org, not an area
    r["links"].loc[0, "target_id"] = "C1"  # covered_by needs a party org
    r["links"].loc[1, "end"] = "2000-01-01"
    r["links"].loc[2, "target_id"] = "nope"
    r["members"].loc[0, "reported"] = "也许"
    r["members"].loc[1, "skills"] = "编程"
    r["activities"].loc[0, "date"] = "昨天"
    r["resources"].loc[0, "id"] = "O1"  # duplicate across tables
    r["demands"].loc[0, "requester_id"] = None
    r["party_orgs"].loc[0, "name"] = "#N/A"
    folder = write_csv(r, "broken")
    (folder / "orders.csv").write_text(
        "id,community_id,category,status,ordered_at,finished_at\n"
        "OD9,C1,venue,done,2026-06-02 09:00,2026-06-01 09:00\n", encoding="utf-8")
    _, f = _check(folder)
    assert len(f) >= 15
    told = explain(f)
    english = told["问题"].str.replace("Excel", "").str.contains("[a-z]{3}", regex=True) | \
        told["应为"].str.contains("(?:^| )(?:a|an|the|of|one)(?: |$)", regex=True)
    assert not english.any(), told[english].to_string()


def test_check_prints_nothing_but_problems_and_never_a_traceback(tmp_path, capsys) -> None:
    (tmp_path / "单位.csv").write_bytes(b"\x00\x01\x02" * 100)
    assert cli.main(["check", str(tmp_path / "单位.csv")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "单位.csv" in err
    rng = np.random.default_rng(0)
    (tmp_path / "areas.csv").write_bytes(rng.integers(0, 256, 5000, dtype=np.uint8).tobytes())
    assert cli.main(["check", str(tmp_path / "areas.csv")]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_csv_exports_neutralise_formulas_and_read_back_unchanged(raw_tables, tmp_path) -> None:
    raw_tables["organizations"]["address"] = ["=HYPERLINK(\"http://x\",\"点我\")", "+86 0535",
                                              "@SUM(A1)", "-东湾路"]
    raw_tables["organizations"]["备注"] = ["=1+1", None, "-", "普通"]
    typed = rg.validate.validate_tables(raw_tables)
    folder = rg.io.write_tables(typed, tmp_path / "out")
    text = (folder / "organizations.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+86 0535" in text and "'@SUM(A1)" in text
    assert "'-东湾路" in text and ",'=1+1" in text and ",'-\n" in text.replace("\r\n", "\n")
    assert ",-" not in text.replace("'-", "")  # no cell starts with a bare minus
    back, f = _check(folder)
    assert f.empty
    rg.build.assert_tables_equal(back, typed)
    assert f.attrs[NOTES]["count"].sum() == 6  # the ' removed again, and said


def test_area_file_names_are_unique_bounded_and_portable() -> None:
    from regional_graph.frames import MAX_FILE_BYTES, area_file_name

    names = [area_file_name(n, i, ".html") for n, i in
             [("东湾社区", "C1"), ("东湾社区", "C2"), ("a/b", "x1"), ("a_b", "x2"),
              ("名" * 300, "C3"), ("", "C4"), ("..", "C5"), ("x", "a/b"), ("x", "a_b")]]
    assert len(set(names)) == len(names)
    assert all(len(n.encode()) <= MAX_FILE_BYTES for n in names)
    assert not any(c in n for n in names for c in '/\\:*?"<>|')
    assert names[:2] == ["东湾社区_C1.html", "东湾社区_C2.html"]


# ---------------------------------------------------------------------------------------
# property: random corruptions of a valid dataset, all reported in one run, nothing else moved
# ---------------------------------------------------------------------------------------

#: Corruption → (cell value, the columns it fits): each makes exactly its cell invalid.
_CORRUPTIONS = {
    "enum": ("火星值", lambda c: c.dtype == "enum"),
    "count": ("-7", lambda c: c.dtype == "int"),
    "number": ("七", lambda c: c.dtype in {"int", "float"}),
    "ref": ("NOPE", lambda c: c.dtype == "ref"),
    "date": ("昨天", lambda c: c.dtype in {"date", "datetime"}),
    "bool": ("也许", lambda c: c.dtype == "bool"),
    "excel": ("#REF!", lambda c: c.dtype == "str" and c.name == "name"),
    "control": ("a\x0bb", lambda c: c.dtype == "str" and not c.personal),
}


def _cells() -> list[tuple[str, int, str, str]]:
    """Every (table, frame row, column, corruption) that the tiny dataset can carry."""
    conftest = _root_conftest()

    out = []
    for name, (columns, rows) in conftest.TINY.items():
        tbl = rg.schema.TABLES[name]
        for col in (tbl.column(c) for c in columns):
            if name == "activities" and col.name in {"source_id", "target_id"}:
                continue  # an activity's endpoints are checked as a pair (see test_validate)
            for kind, (_, fits) in _CORRUPTIONS.items():
                if fits(col):
                    out += [(name, i, col.name, kind) for i in range(len(rows))]
    return out


CELLS = _cells()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted=st.lists(st.sampled_from(CELLS), min_size=1, max_size=8,
                        unique_by=lambda c: c[:3]),
       workbook=st.booleans())
def test_random_corruptions_are_all_reported_and_nothing_else_changes(planted, workbook):
    import tempfile

    conftest = _root_conftest()
    tiny_raw_tables, write_csv_folder = conftest.tiny_raw_tables, conftest.write_csv_folder

    assume(not (workbook and any(kind == "control" for *_, kind in planted)))  # xlsx can't
    clean = rg.validate.validate_tables(tiny_raw_tables())
    raw = tiny_raw_tables()
    for table, i, column, kind in planted:
        raw[table].loc[i, column] = _CORRUPTIONS[kind][0]
    with tempfile.TemporaryDirectory() as tmp:
        if workbook:
            path = rg.io.write_tables(raw, Path(tmp) / "book.xlsx", chinese_headers=True)
        else:
            path = write_csv_folder(raw, Path(tmp) / "csv")
        typed, f = _check(path)  # never raises
    report_lines(f), explain(f, "en")  # told without a traceback
    reported = set(zip(f["table"], f["row"].astype(int), f["column"], strict=True))
    for table, i, column, _ in planted:
        assert (table, i + 2, column) in reported, (table, i + 2, column, f.to_string())
    bad_rows = set(zip(f["table"], f["row"].astype(int), strict=True))
    for name, df in clean.items():  # every row without a problem is typed as before
        keep = [i for i in range(len(df)) if (name, i + 2) not in bad_rows]
        pd.testing.assert_frame_equal(typed[name].iloc[keep][df.columns].reset_index(drop=True),
                                      df.iloc[keep].reset_index(drop=True), check_dtype=False)


def test_level_order_of_both_hierarchies(raw_tables, write_csv) -> None:
    areas, orgs = raw_tables["areas"], raw_tables["party_orgs"]
    # hand-worked: D1 district, S1 street → D1, C1/C2 communities → S1, G1 grid → C1
    areas.loc[2, "parent_id"] = "C2"  # community C1 under community C2
    areas.loc[4, "parent_id"] = "S1"  # grid G1 under a street
    first_committee = orgs.index[orgs["level"] == "community_committee"][0]
    orgs.loc[first_committee, "area_id"] = "S1"  # a community committee leading a street
    _, f = _check(write_csv(raw_tables, "levels"))
    got = f[["table", "row", "column", "value", "problem", "expected"]].values.tolist()
    assert got == [
        ["areas", 4, "parent_id", "C2", "parent of level community, wrong level order",
         "a parent of level street"],
        ["areas", 6, "parent_id", "S1", "parent of level street, wrong level order",
         "a parent of level community"],
        ["party_orgs", first_committee + 2, "area_id", "S1",
         "leads an area of level street, wrong level order", "an area of level community"],
    ]
    told = explain(f)
    assert told["问题"].tolist() == ["上级是社区，层级顺序不对", "上级是街道，层级顺序不对",
                                   "所属区域是街道，层级不对应"]
    assert told["应为"].tolist() == ["层级为街道的上级", "层级为社区的上级", "层级为社区的区域"]


def test_the_problems_file_holds_no_live_formula(raw_tables, write_csv, tmp_path,
                                                 capsys) -> None:
    raw_tables["organizations"].loc[0, "kind"] = "=HYPERLINK(\"http://x\")"
    full = tmp_path / "problems.csv"
    assert cli.main(["check", str(write_csv(raw_tables)), "--problems-file", str(full)]) == 1
    capsys.readouterr()
    text = full.read_text(encoding="utf-8-sig")
    assert ",'=HYPERLINK" in text.replace('"', "")
    assert ",=" not in text.replace('"', "")
