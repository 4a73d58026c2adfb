"""Every workbook and CSV file the demo writes is finished for a district office (issue 14):
Chinese headers, sheet names, reasons and codes under the default language; fitted widths,
bold frozen header with autofilter, percentages, integers, real dates, 是/否, a 说明 sheet
defining every column."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from regional_graph import cli
from regional_graph.export import display_width, is_rate

#: Columns holding codes or fixed sentences: no English word may remain in them.
CODED = {"reason", "reasons", "action", "kind", "level", "type", "category", "priority",
         "status", "tier", "for_kind", "assignee_kind", "group", "key", "via", "what", "item",
         "indicator", "covered_by_level", "label", "change_kind"}
ENGLISH_WORD = re.compile(r"[a-z]{3,}")
ASCII_LETTER = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, capsys_module=None) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = cli.main(["demo", "--out", str(out)])
    assert status == 0
    return out, buf.getvalue()


def _notes(wb: openpyxl.Workbook) -> dict[tuple[str, str], tuple[str, str]]:
    """(sheet, header) → (English column, definition) from the 说明 sheet."""
    ws = wb["说明"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "工作表")
    return {(r[0], r[1]): (r[2], r[3]) for r in rows[head + 1:] if r[0]}


def test_demo_prints_chinese_and_the_as_of_date(demo) -> None:
    _, text = demo
    first = text.splitlines()[0]
    assert first.startswith("数据日期 20") and "--as-of" in first
    assert "完成" in text and "三单制" in text and "资源需求匹配" in text


def test_every_workbook_is_finished(demo) -> None:
    out, _ = demo
    books = sorted(out.rglob("*.xlsx"))
    names = {p.name for p in books}
    assert {"report.xlsx", "matching.xlsx", "indicators.xlsx", "orders.xlsx", "diff.xlsx",
            "summary.xlsx"} <= names
    for path in books:
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames[-1] == "说明", path
        notes = _notes(wb)
        info = {r[0]: r[1] for r in wb["说明"].iter_rows(max_row=6, values_only=True)}
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info["数据日期"]), path
        assert info["数据来源"], path
        for ws in wb.worksheets[:-1]:
            where = f"{path.name}:{ws.title}"
            assert not ASCII_LETTER.search(ws.title), where
            assert ws.freeze_panes in ("A2", "B2"), where
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), where
            header = [c.value for c in ws[1]]
            widths = {j: d.width for d in ws.column_dimensions.values()
                      for j in range(d.min, d.max + 1)}
            for j, h in enumerate(header, start=1):
                cell = ws.cell(row=1, column=j)
                assert cell.font.b, (where, h)
                assert not ASCII_LETTER.search(h.replace("--lang", "")), (where, h)
                english, doc = notes[(ws.title, h)]
                assert doc, (where, h, "no definition in 说明")
                width = widths.get(j, 0)
                assert width >= min(display_width(h), 58), (where, h, width)
                values = [ws.cell(row=i, column=j) for i in range(2, min(ws.max_row, 400) + 1)]
                filled = [c for c in values if c.value is not None]
                if filled:
                    longest = max(display_width(str(c.value)) for c in filled
                                  if isinstance(c.value, str)) if any(
                        isinstance(c.value, str) for c in filled) else 0
                    assert width >= min(longest, 58), (where, h, width, longest)
                for c in filled:
                    if isinstance(c.value, bool):
                        pytest.fail(f"{where} {h}: TRUE/FALSE instead of 是/否")
                    if english in CODED and isinstance(c.value, str):
                        assert not ENGLISH_WORD.search(c.value), (where, h, c.value)
                    if isinstance(c.value, float | int) and english not in ("old", "new",
                                                                             "change"):
                        if is_rate(english):
                            assert c.number_format == "0.0%", (where, h, c.number_format)
                        elif float(c.value).is_integer():
                            assert c.number_format == "#,##0", (where, h, c.number_format)
                    if english in ("start", "end", "last_end", "last_activity", "tie_since",
                                   "last_tie_end", "ordered_at", "dispatched_at", "taken_at",
                                   "finished_at", "last_pair_end"):
                        assert c.is_date, (where, h, c.value)
                    if english in ("covered", "existing_tie", "in_largest", "new_org"):
                        assert c.value in ("是", "否"), (where, h, c.value)


def test_every_csv_has_chinese_headers(demo) -> None:
    out, _ = demo
    files = [p for p in out.rglob("*.csv") if "maps" not in p.parts]
    assert len(files) >= 25
    for path in files:
        header = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
        assert not any(ASCII_LETTER.search(h) for h in header), (path.name, list(header))


def test_rates_show_as_percentages(demo) -> None:
    out, _ = demo
    wb = openpyxl.load_workbook(out / "report" / "report.xlsx")
    ws = wb["分区域覆盖率"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("覆盖率(全部)") + 1)
    assert 0 <= cell.value <= 1 and cell.number_format == "0.0%"
    diff = openpyxl.load_workbook(out / "diff" / "diff.xlsx")["区指标对比"]
    head = [c.value for c in diff[1]]
    rows = list(diff.iter_rows(min_row=2))
    rate_row = next(r for r in rows if r[head.index("指标")].value == "覆盖率(全部)")
    count_row = next(r for r in rows if r[head.index("指标")].value == "结对数")
    assert rate_row[head.index("本期")].number_format == "0.0%"
    assert count_row[head.index("本期")].number_format == "#,##0"


def test_english_on_request(tmp_path) -> None:
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert cli.main(["report", "data/sample_district", "--out", str(tmp_path),
                         "--as-of", "2026-10-01", "--lang", "en"]) == 0
    assert buf.getvalue().startswith("As of 2026-10-01")
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames[0] == "uncovered" and wb.sheetnames[-1] == "notes"
    assert wb["joint_branch_proposals"]["D2"].value.startswith(("existing", "new", "no ",
                                                                "the ", "every"))
    rows = list(wb["notes"].iter_rows(values_only=True))
    head = rows.index(("sheet", "column", "column (code)", "meaning"))
    described = rows[head + 1:]
    assert len(described) == sum(ws.max_column for ws in wb.worksheets[:-1])
    for sheet, label, code, meaning in described:  # every column defined, in English
        assert label == code and meaning and not CJK.search(meaning), (sheet, code, meaning)


def test_chinese_notes_define_every_column_in_chinese(demo) -> None:
    out, _ = demo
    for path in sorted(out.rglob("*.xlsx")):
        for (sheet, _), (_, doc) in _notes(openpyxl.load_workbook(path)).items():
            assert CJK.search(doc) and not ENGLISH_WORD.search(doc), (path.name, sheet, doc)


def test_every_definition_has_both_languages() -> None:
    from regional_graph.vocab import COLUMN_DOC, COLUMN_DOC_EN, column_doc

    assert set(COLUMN_DOC) == set(COLUMN_DOC_EN)
    assert not [c for c, doc in COLUMN_DOC_EN.items() if CJK.search(doc)]
    assert column_doc("served_rate", "en") == "share served = served ÷ requested"
    assert column_doc("pairs_old", "en").startswith("base: pairings")


def test_report_renders_in_libreoffice(tmp_path) -> None:
    """report.xlsx opens in LibreOffice headless; the docs' screenshots are made this way."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("render_report",
                                                  root / "scripts" / "render_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pngs = module.render(tmp_path, dpi=40)
    assert [p.name for p in pngs] == ["report-uncovered.png", "report-proposals.png",
                                      "report-coverage.png", "report-notes.png"]
    assert all(p.stat().st_size > 5_000 for p in pngs)
    for name in ("uncovered", "proposals", "coverage", "notes"):
        assert (root / "docs" / "assets" / f"report-{name}.png").is_file()


def test_long_tables_keep_first_rows_in_the_workbook(tmp_path) -> None:
    from regional_graph.export import write_tables

    df = pd.DataFrame({"name": [f"单位{i}" for i in range(10)],
                       "reason": ["no tie"] * 9 + ["x" * 40_000],
                       "rate_all": [i / 10 for i in range(10)]},
                      index=pd.Index([f"U{i}" for i in range(10)], name="id"))
    paths = write_tables({"isolated_units": df}, tmp_path, workbook="t", as_of="2026-10-01",
                         source="手工", max_rows=3)
    assert len(pd.read_csv(paths["isolated_units"], encoding="utf-8-sig")) == 10
    wb = openpyxl.load_workbook(paths["t"])
    ws = wb["孤岛驻区单位"]
    assert ws.max_row == 4 and ws["C2"].value == "从未建立共建关系"
    assert ws["D3"].value == 0.1 and ws["D3"].number_format == "0.0%"
    notes = [r for r in wb["说明"].iter_rows(values_only=True) if r[0] == "行数上限"]
    assert notes and "共 10 行" in notes[0][1] and "isolated_units.csv" in notes[0][1]
    assert wb["说明"]["B3"].value == "手工"
