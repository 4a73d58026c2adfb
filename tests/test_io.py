"""Reading and writing tables: encodings, Chinese headers and values, dates, xlsx, template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import schema

Tables = dict[str, pd.DataFrame]


def typed_from(path: Path) -> Tables:
    return rg.validate.validate_tables(rg.io.read_tables(path))


def chinese(raw: Tables) -> Tables:
    """The same tables with Chinese table names, Chinese headers and Chinese enum values."""
    out = {}
    for name, frame in raw.items():
        tbl = schema.TABLES[name]
        df = frame.copy()
        for col in schema.enum_columns(tbl):
            assert col.enum is not None
            df[col.name] = df[col.name].map(col.enum.zh, na_action="ignore")
        out[tbl.zh] = df.rename(columns={c.name: c.zh for c in tbl.columns})
    return out


# ---------------------------------------------------------------------------------------
# CSV encodings
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030"])
def test_csv_encodings_read_identically(raw_tables: Tables, write_csv, encoding: str) -> None:
    bom = write_csv(raw_tables, "bom", encoding="utf-8-sig")
    other = write_csv(raw_tables, encoding, encoding=encoding)
    assert (bom / "areas.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (other / "areas.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    raw_bom, raw_other = rg.io.read_tables(bom), rg.io.read_tables(other)
    for name in raw_tables:
        pd.testing.assert_frame_equal(raw_other[name], raw_bom[name])
    assert raw_other["areas"]["name"].tolist()[1] == "湖岚街道"
    rg.build.assert_tables_equal(typed_from(other), typed_from(bom))


def test_gbk_chinese_headers_and_file_names(raw_tables: Tables, write_csv) -> None:
    folder = write_csv(chinese(raw_tables), "zh-gbk", encoding="gbk")
    assert (folder / "单位.csv").read_bytes().startswith("编号".encode("gbk"))
    english = typed_from(write_csv(raw_tables, "en"))
    rg.build.assert_tables_equal(typed_from(folder), english)


def test_detect_encoding() -> None:
    assert rg.io.detect_encoding("编号,名称\n".encode("gbk")) == "gb18030"
    assert rg.io.detect_encoding("编号,名称\n".encode()) == "utf-8"
    assert rg.io.detect_encoding(b"\xef\xbb\xbf" + "编号".encode()) == "utf-8-sig"


# ---------------------------------------------------------------------------------------
# Chinese headers and enum values
# ---------------------------------------------------------------------------------------


def test_chinese_headers_and_values_give_the_same_typed_tables(raw_tables: Tables,
                                                               write_csv) -> None:
    zh = chinese(raw_tables)
    assert zh["单位"]["类型"].tolist()[0] == "医院"
    assert zh["关系"]["关系类型"].tolist()[2] == "共建"
    assert zh["区域"]["层级"].tolist()[1] == "街道"
    english = typed_from(write_csv(raw_tables, "en"))
    typed = typed_from(write_csv(zh, "zh"))
    rg.build.assert_tables_equal(typed, english)
    assert typed["organizations"]["kind"].tolist()[0] == "hospital"
    assert typed["links"]["type"].tolist()[2] == "paired_with"
    assert typed["areas"]["level"].tolist()[1] == "street"


def test_enum_aliases_spacing_and_case(raw_tables: Tables, write_csv) -> None:
    raw_tables["organizations"]["kind"] = ["卫生院", "民营企业", "Enterprise", " social org "]
    raw_tables["links"]["type"] = ["隶属", "覆盖", "结对共建", "兼职委员", "联席会", "报到"]
    typed = typed_from(write_csv(raw_tables))
    assert typed["organizations"]["kind"].tolist() == ["hospital", "enterprise", "enterprise",
                                                       "social_org"]
    assert typed["links"]["type"].tolist() == ["covered_by", "covered_by", "paired_with",
                                               "sits_on", "conference_member", "reports_to"]


# ---------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2024-03-01", "2024/3/1", "2024年3月1日", "2024.03.01", "20240301",
             " 2024-3-1 ", "2024-03-01 00:00:00"],
)
def test_date_spellings_parse_to_the_same_date(raw_tables: Tables, write_csv,
                                               text: str) -> None:
    assert rg.validate.parse_date(text) == dt.date(2024, 3, 1)
    raw_tables["links"].loc[0, "start"] = text
    raw_tables["activities"].loc[0, "date"] = text
    typed = typed_from(write_csv(raw_tables))
    day = pd.Timestamp("2024-03-01")
    assert typed["links"]["start"].iloc[0] == day
    assert typed["activities"]["date"].iloc[0] == day
    assert typed["links"]["start"].dtype == "datetime64[s]"


def test_all_date_spellings_in_one_file(raw_tables: Tables, write_csv) -> None:
    raw_tables["links"]["start"] = ["2024-03-01", "2024/3/1", "2024年3月1日", None, None, None]
    typed = typed_from(write_csv(raw_tables))
    assert typed["links"]["start"].iloc[:3].nunique() == 1
    assert typed["links"]["start"].iloc[3:].isna().all()


# ---------------------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------------------


def _excel_value(col: schema.Column, text: str | None) -> object:
    """A cell as someone typing into Excel would leave it: real numbers, dates, booleans."""
    if text is None:
        return None
    if col.dtype == "int":
        return int(text)
    if col.dtype == "float":
        return float(text)
    if col.dtype == "date":
        return dt.date.fromisoformat(text)
    if col.dtype == "bool":
        return text == "true"
    if col.enum is not None:
        return col.enum.zh(col.enum.canonical(text))
    return text


def write_native_workbook(raw: Tables, path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, df in raw.items():
        tbl = schema.TABLES[name]
        ws = wb.create_sheet(tbl.zh)
        cols = [tbl.column(c) for c in df.columns]
        ws.append([c.zh for c in cols])
        for rec in df.itertuples(index=False):
            ws.append([_excel_value(c, None if pd.isna(v) else v)
                       for c, v in zip(cols, rec, strict=True)])
    wb.save(path)
    return path


def test_xlsx_with_chinese_sheets_and_native_cells_reads_like_csv(raw_tables: Tables,
                                                                 write_csv,
                                                                 tmp_path: Path) -> None:
    book = write_native_workbook(raw_tables, tmp_path / "台账.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["区域", "党组织", "单位", "关系", "资源清单", "需求清单", "党员",
                             "活动"]
    assert isinstance(wb["单位"]["F2"].value, int)  # 职工数 800
    assert isinstance(wb["单位"]["H2"].value, float)  # 纬度 37.52
    assert isinstance(wb["关系"]["D2"].value, dt.datetime)  # a real date cell
    assert wb["关系"]["D2"].is_date
    typed = typed_from(book)
    rg.build.assert_tables_equal(typed, typed_from(write_csv(raw_tables)))


def test_xlsx_row_numbers_count_blank_rows(raw_tables: Tables, tmp_path: Path) -> None:
    book = write_native_workbook(raw_tables, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["单位"]
    ws.insert_rows(3)  # a blank row 3; O2 moves to row 4
    ws.cell(row=4, column=6, value=-5)  # O2 职工数
    wb.save(book)
    with pytest.raises(rg.TableValidationError) as info:
        typed_from(book)
    f = info.value.failures
    assert f[["table", "row", "column", "value"]].values.tolist() == [
        ["organizations", 4, "employees", "-5"]
    ]


def test_cell_text() -> None:
    assert rg.io._cell_text(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert rg.io._cell_text(dt.date(2024, 3, 1)) == "2024-03-01"
    assert rg.io._cell_text(800.0) == "800"
    assert rg.io._cell_text(37.52) == "37.52"
    assert rg.io._cell_text(True) == "true"
    assert rg.io._cell_text("  ") is None


# ---------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("chinese_headers", [False, True])
def test_write_tables_csv_round_trip(raw_tables: Tables, write_csv, tmp_path: Path,
                                     chinese_headers: bool) -> None:
    raw_tables["organizations"]["备注2"] = ["007", None, "重点", None]
    typed = typed_from(write_csv(raw_tables))
    folder = rg.io.write_tables(typed, tmp_path / "out", chinese_headers=chinese_headers)
    for name in schema.TABLES:
        data = (folder / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
    header = (folder / "organizations.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("编号,名称,类型" if chinese_headers else "id,name,kind")
    assert header.endswith(",备注2")
    rg.build.assert_tables_equal(typed_from(folder), typed)


@pytest.mark.parametrize("chinese_headers", [False, True])
def test_write_tables_xlsx_round_trip(raw_tables: Tables, write_csv, tmp_path: Path,
                                      chinese_headers: bool) -> None:
    raw_tables["links"]["负责人"] = ["王伟", None, None, "李娜", None, None]
    typed = typed_from(write_csv(raw_tables))
    book = rg.io.write_tables(typed, tmp_path / "out.xlsx", chinese_headers=chinese_headers)
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    if chinese_headers:
        assert names == [schema.TABLES[n].zh for n in schema.TABLES]
    else:
        assert names == list(schema.TABLES)
    rg.build.assert_tables_equal(typed_from(book), typed)


def test_xlsx_keeps_text_that_looks_like_a_formula(raw_tables: Tables, tmp_path: Path) -> None:
    raw_tables["organizations"]["address"] = ["=东湾路1号", "=SUM(A1:A2)", "+86 0535", None]
    raw_tables["organizations"]["备注2"] = ["=1", None, "-", None]
    typed = rg.validate.validate_tables(raw_tables)
    book = rg.io.write_tables(typed, tmp_path / "out.xlsx")
    back = typed_from(book)
    assert back["organizations"]["address"].tolist()[:3] == ["=东湾路1号", "=SUM(A1:A2)",
                                                             "+86 0535"]
    rg.build.assert_tables_equal(back, typed)


def test_sample_district_xlsx_round_trip(tmp_path: Path) -> None:
    typed = rg.datasets.sample_district_tables()
    book = rg.io.write_tables(typed, tmp_path / "sample.xlsx", chinese_headers=True)
    rg.build.assert_tables_equal(typed_from(book), typed)


# ---------------------------------------------------------------------------------------
# the template
# ---------------------------------------------------------------------------------------


def _range_values(wb: openpyxl.Workbook, formula: str) -> list[object]:
    sheet, cells = formula.lstrip("=").rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in row]


def test_write_template(tmp_path: Path) -> None:
    path = rg.io.write_template(tmp_path / "sub" / "模板.xlsx")
    assert path.exists()
    wb = openpyxl.load_workbook(path)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == [t.zh for t in schema.TABLES.values()]
    for tbl in schema.TABLES.values():
        ws = wb[tbl.zh]
        headers = [c.value for c in ws[1]]
        assert headers == [c.zh for c in tbl.columns], tbl.name
        assert ws.max_row == 1  # empty: headers only
        for j, col in enumerate(tbl.columns, start=1):
            assert col.name in ws.cell(row=1, column=j).comment.text
        lists = {}
        for dv in ws.data_validations.dataValidation:
            assert dv.type == "list"
            for rng in dv.sqref.ranges:
                assert rng.min_col == rng.max_col
                assert rng.min_row == 2
                lists[rng.min_col] = _range_values(wb, dv.formula1)
        enum_cols = {j: c for j, c in enumerate(tbl.columns, start=1) if c.enum is not None}
        assert set(lists) == set(enum_cols), tbl.name
        for j, col in enum_cols.items():
            assert col.enum is not None
            assert lists[j] == [col.enum.zh(code) for code in col.enum.codes], col.name
            for value in lists[j]:
                assert col.enum.canonical(value) is not None


def test_template_filled_in_reads_back(raw_tables: Tables, tmp_path: Path) -> None:
    """Filling the template's sheets (Chinese headers, drop-down values) gives valid tables."""
    path = rg.io.write_template(tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    for name, df in raw_tables.items():
        tbl = schema.TABLES[name]
        ws = wb[tbl.zh]
        positions = {c.name: j for j, c in enumerate(tbl.columns, start=1)}
        for i, rec in enumerate(df.to_dict("records"), start=2):
            for col, value in rec.items():
                if value is not None and not pd.isna(value):
                    ws.cell(row=i, column=positions[col],
                            value=_excel_value(tbl.column(col), value))
    wb.save(path)
    typed = typed_from(path)
    english = rg.validate.validate_tables(raw_tables)
    rg.build.assert_tables_equal(typed, english)


def test_read_tables_rejects_other_paths(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(FileNotFoundError):
        rg.io.read_tables(tmp_path / "notes.txt")
    with pytest.raises(FileNotFoundError):
        rg.io.read_tables(tmp_path)  # a folder without template CSV files


def test_a_single_csv_file_and_unknown_files(raw_tables: Tables, write_csv: Callable) -> None:
    folder = write_csv(raw_tables)
    (folder / "说明.csv").write_text("随便写点什么\n", encoding="utf-8")  # not a table: an error
    raw = rg.io.read_tables(folder)
    assert set(raw) == {*raw_tables, "说明.csv"}
    f = rg.validate.check_tables(raw)[1]
    assert f[["table", "problem"]].values.tolist() == [
        ["说明.csv", "file name is not a table of the template"]]
    (folder / "说明.csv").unlink()
    one = rg.io.read_tables(folder / "areas.csv")
    assert list(one) == ["areas"]
    assert one["areas"]["id"].tolist() == ["D1", "S1", "C1", "C2", "G1"]


# ---------------------------------------------------------------------------------------
# issue 18: malformed files — a clear problem naming the file, never a traceback
# ---------------------------------------------------------------------------------------


def _problems(path: Path) -> pd.DataFrame:
    return rg.validate.check_tables(rg.io.read_tables(path))[1]


def _mangle(folder: Path, fn: Callable[[bytes], bytes], name: str = "areas.csv") -> Path:
    (folder / name).write_bytes(fn((folder / name).read_bytes()))
    return folder


@pytest.mark.parametrize("case", ["cr_only", "bare_cr", "utf16_no_bom", "header_only",
                                  "bad_utf8", "binary", "huge_cell"])
def test_malformed_csv_files(tiny_dir: Path, case: str) -> None:
    body = (tiny_dir / "areas.csv").read_bytes().replace(b"\r\n", b"\n")
    if case == "cr_only":  # valid data: read exactly like the original
        _mangle(tiny_dir, lambda b: body.replace(b"\n", b"\r"))
        assert _problems(tiny_dir).empty
        return
    if case == "utf16_no_bom":
        _mangle(tiny_dir, lambda b: body.decode("utf-8-sig").encode("utf-16-le"))
        assert _problems(tiny_dir).empty
        return
    mangled = {
        "bare_cr": body.replace("湖岚街道".encode(), "湖岚\r街道".encode()),
        "header_only": body.split(b"\n")[0],
        "bad_utf8": body.replace("东湾社区".encode(), b"\xff\xfe"),
        "binary": bytes(range(256)) * 8,
        "huge_cell": body + b'X9,"' + b"A" * 2_000_000 + b'",district,\n',
    }[case]
    _mangle(tiny_dir, lambda b: mangled)
    f = _problems(tiny_dir)
    assert len(f) > 0
    first = f.iloc[0]
    assert first["table"] == ("party_orgs" if case == "header_only" else "areas")
    expected_problem = {"bare_cr": "carriage return", "header_only": "unknown id",
                        "bad_utf8": "invalid UTF-8 byte", "binary": "not a text file",
                        "huge_cell": "text too long"}[case]
    assert f["problem"].str.contains(expected_problem).any(), f["problem"].tolist()
    if case in {"bad_utf8", "binary"}:  # the file is named; references not re-reported
        assert first["value"] == "areas.csv"
        assert not (f["problem"] == "unknown id").any()
    if case == "huge_cell":
        assert len(f.loc[f["problem"] == "text too long", "value"].iloc[0]) < 200


def test_misnamed_file_is_an_error_and_single_unknown_csv(tiny_dir: Path) -> None:
    (tiny_dir / "activities.csv").rename(tiny_dir / "活动记录.csv")
    f = _problems(tiny_dir)
    assert f[["table", "problem"]].values.tolist() == [
        ["活动记录.csv", "file name is not a table of the template"]]
    with pytest.raises(rg.TableValidationError, match="not a table of the template"):
        rg.io.read_tables(tiny_dir / "活动记录.csv")


def test_text_file_named_xlsx_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "book.xlsx").write_text("id,name\n1,2\n", encoding="utf-8")
    with pytest.raises(rg.TableValidationError) as info:
        rg.io.read_tables(tmp_path / "book.xlsx")
    assert "rename it to <table>.csv" in info.value.failures.loc[0, "problem"]
    assert info.value.failures.loc[0, "table"] == "book.xlsx"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        rg.io.read_tables(tmp_path / "nope")


def test_blank_ids_in_both_hierarchies_are_reported_not_raised(raw_tables, write_csv) -> None:
    raw_tables["areas"].loc[2, "id"] = None  # C1: G1 and PC1 now point nowhere
    raw_tables["party_orgs"].loc[1, "id"] = None  # PS1
    f = _problems(write_csv(raw_tables))
    empty = f[f["problem"] == "empty required cell"]
    assert empty[["table", "row", "column"]].values.tolist() == [
        ["areas", 4, "id"], ["party_orgs", 3, "id"]]
    assert not f["problem"].str.contains("cycle").any()


def test_check_output_is_bounded_with_the_full_list_on_request(tiny_dir: Path, tmp_path,
                                                               capsys) -> None:
    rows = "".join(f"J{i},单位{i},火星单位\n" for i in range(300))
    with (tiny_dir / "organizations.csv").open("a", encoding="utf-8") as fh:
        fh.write(rows.replace(",火星单位", ",火星单位" + "," * 7))
    full = tmp_path / "all.csv"
    from regional_graph import cli

    status = cli.main(["check", str(tiny_dir), "--problems-file", str(full)])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("输入表格中有 300 个问题：\n")
    assert "  organizations.csv 第 6 行，列 C「kind」：单位类型不在可选值中；填的是「火星单位」；" \
        "应为：以下之一：机关、" in err
    assert "… organizations.csv，列 C「kind」还有 280 个问题" in err
    assert len(err.splitlines()) < 40
    every = pd.read_csv(full, encoding="utf-8-sig")
    assert list(every.columns) == ["表格", "行", "列", "值", "问题", "应为"]
    assert len(every) == 300 and every["行"].tolist()[:2] == [6, 7]
    status = cli.main(["check", str(tiny_dir), "--lang", "en"])
    err = capsys.readouterr().err
    assert "organizations.csv row 6, column C \"kind\": unknown organization kind; " \
        "found '火星单位', expected one of agency" in err
    assert "… and 280 more in organizations.csv, column C \"kind\"" in err
    assert "(write the full list with --problems-file FILE.csv)" in err
    assert cli.main(["check", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err
