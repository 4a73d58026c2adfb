"""The streamed rows of :func:`regional_graph.export.write_tables` read back as written: the
same cell values and formats as xlsxwriter's own cell API gives (the oracle), for text that
needs escaping, blanks, whole and fractional numbers, rates, dates and missing values."""

from __future__ import annotations

import openpyxl
import pandas as pd
import xlsxwriter

from regional_graph.export import write_tables

TEXTS = ["a & b < c > d", " leading", "trailing ", "bell\x07ring", "_x0041_ literal",
         "<r>not rich</r>", "", None, "社区" * 40, "two\nlines", "plain"]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame({
        "name": TEXTS,
        "party_members": pd.array([1, 2, None, 4, 5, 6, 7, 8, 9, 10, 11], dtype="Int64"),
        "distance_km": [0.5, 2.0, None, 1.25, 3.0, 0.0, 7.5, 1.0, 2.5, 9.0, 4.0],
        "rate_all": [i / n for i in range(n)],
        "start": pd.to_datetime([f"2024-01-0{i % 9 + 1}" if i != 3 else None
                                 for i in range(n)]),
    }, index=pd.Index([f"U{i}" for i in range(n)], name="id"))


def test_streamed_rows_equal_xlsxwriter_cells(tmp_path) -> None:
    paths = write_tables({"isolated_units": _frame()}, tmp_path, workbook="t", lang="en",
                         as_of="2026-10-01")
    ref = tmp_path / "ref.xlsx"
    wb = xlsxwriter.Workbook(str(ref), {"constant_memory": True})
    ws = wb.add_worksheet()
    for i, text in enumerate(TEXTS):
        if text is not None:
            ws.write_string(i + 1, 1, text)
    wb.close()
    ours = openpyxl.load_workbook(paths["t"])["isolated_units"]
    oracle = openpyxl.load_workbook(ref).worksheets[0]
    expected = [c.value for c in oracle["B"][1:]] + [None] * (len(TEXTS) - oracle.max_row + 1)
    expected[5] = "<r>not rich</r>"  # xlsxwriter's cell API takes it for rich-text markup
    assert [c.value for c in ours["B"][1:]] == expected
    assert [c.value for c in ours["A"]] == ["id"] + [f"U{i}" for i in range(len(TEXTS))]
    members = [(c.value, c.number_format) for c in ours["C"][1:5]]
    assert members == [(1, "#,##0"), (2, "#,##0"), (None, "General"), (4, "#,##0")]
    distances = [(c.value, c.number_format) for c in ours["D"][1:5]]
    assert distances == [(0.5, "#,##0.00"), (2, "#,##0"), (None, "General"),
                         (1.25, "#,##0.00")]
    assert ours["E3"].value == 1 / len(TEXTS) and ours["E3"].number_format == "0.0%"
    assert ours["F2"].is_date and str(ours["F2"].value)[:10] == "2024-01-01"
    assert ours["F5"].value is None
    assert ours.row_dimensions[10].height > 15  # the long text wraps onto several lines
    assert ours.max_row == len(TEXTS) + 1 and ours.freeze_panes == "B2"
