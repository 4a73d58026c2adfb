"""The fast writers of :mod:`regional_graph.export` give the bytes of the slow, obvious ones:
CSV files as pandas' ``to_csv`` writes them (after ``safe_frame``), sheet rows as
xlsxwriter's own cell API writes them, text translated as value-by-value lookup does, on
values chosen to break them (quotes, commas, line breaks, formula starts, blanks at the
edges, control characters, CJK, NaN, odd floats, big integers, dates and NaT)."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import xlsxwriter

from regional_graph import vocab
from regional_graph.export import _csvfile, _rows, tables
from regional_graph.frames import safe_cell, safe_frame, safe_texts

TEXTS = ["plain", "a,b", 'say "hi"', "two\nlines", "cr\r\nlf", "lone\rcr", "=1+1", "+7", "-3",
         "-x", "@here", "\tlead tab", "'=quoted", "''@twice", "社区,东湾", "", None,
         " lead", "trail ", "\u3000全角", "a & b < c > d", "bell\x07ring", "_x0041_ literal",
         "PU1->PC2", "x" * 20_000, "1e5", ".5"]


def _nasty() -> pd.DataFrame:
    n = len(TEXTS)
    floats = [0.1 + 0.2, 1e-7, 1e16, -0.0, np.inf, -np.inf, np.nan, 2.5, 123456789.123,
              1 / 3, 5e-324, 1.7976931348623157e308]
    dates = pd.Series(pd.to_datetime([f"20{10 + i % 20}-0{1 + i % 9}-1{i % 10}"
                                      if i % 7 else None for i in range(n)])).astype("M8[s]")
    stamps = dates + pd.to_timedelta([i * 3_600 + i * 61 + 7 for i in range(n)], unit="s")
    stamps.iloc[1] = pd.Timestamp("1959-12-31 23:59:30")
    return pd.DataFrame({
        "name": pd.Series(TEXTS, dtype="str"),
        "note": pd.Series(TEXTS[::-1], dtype=object),
        "mixed": pd.Series([True, 3, 1.5, None, "x", float("-inf"), "=y"] * 4, dtype=object)[:n],
        "kind": pd.Categorical([("enterprise", "social_org", None)[i % 3] for i in range(n)]),
        "members": pd.array([None if i % 5 == 0 else i * 1_000_003 for i in range(n)],
                            dtype="Int64"),
        "count": np.arange(n, dtype=np.int64) * (2 ** 40) - 2 ** 50,
        "distance_km": (floats * 3)[:n],
        "start": dates,
        "stamp": stamps,
    })


KINDS = ["text", "text", "text", "text", "int", "int", "float", "date", "datetime"]


def _pandas_bytes(frame: pd.DataFrame, kinds: list[str], path) -> bytes:
    """The oracle: the CSV file as the writer made it before (pandas' to_csv)."""
    out = frame.copy()
    for j, kind in enumerate(kinds):
        if kind in _csvfile.DATE_FORMATS:
            out[out.columns[j]] = out.iloc[:, j].dt.strftime(_csvfile.DATE_FORMATS[kind])
    safe_frame(out).to_csv(path, index=False, encoding="utf-8-sig")
    return path.read_bytes()


def test_csv_equals_pandas_to_csv(tmp_path) -> None:
    frame = _nasty()
    assert all(_csvfile.csv_field(frame.iloc[:, j], k) is not None  # the fast path, each
               for j, k in enumerate(KINDS))
    _csvfile.write_csv(tmp_path / "ours.csv", frame, KINDS)
    ours = (tmp_path / "ours.csv").read_bytes()
    assert ours == _pandas_bytes(frame, KINDS, tmp_path / "pandas.csv")
    assert b"'=1+1" in ours and b'"say ""hi"""' in ours  # (the oracle did escape and quote)


def test_csv_of_a_slice_and_of_no_rows_equal_pandas(tmp_path) -> None:
    frame = _nasty().iloc[5:12].reset_index(drop=True)
    for part in (frame, frame.iloc[:0]):
        _csvfile.write_csv(tmp_path / "ours.csv", part, KINDS)
        assert (tmp_path / "ours.csv").read_bytes() == _pandas_bytes(part, KINDS,
                                                                     tmp_path / "p.csv")


def test_safe_texts_equals_safe_cell() -> None:
    values = [v for v in TEXTS if v is not None] + [7, -1.5, float("-inf")]
    expected = [safe_cell(v if isinstance(v, str) else str(v)) for v in values]
    got = safe_texts(values)
    assert [g if isinstance(g, str) else str(g) for g in got] == expected
    assert got[-3] == 7 and got[-1] == "'-inf"


def _xlsxwriter_rows(columns: list[list[object]], kinds: list[str], pct: list[bool],
                     heights: list[int]) -> tuple[str, dict[str, str]]:
    """The oracle: the same cells through xlsxwriter's write_string / write_number, and the
    ``s="…"`` attribute of each format."""
    import io

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": False})
    ws = wb.add_worksheet()
    fmts = {"int": wb.add_format({"num_format": "#,##0"}),
            "float": wb.add_format({"num_format": "#,##0.00"}),
            "percent": wb.add_format({"num_format": "0.0%"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "wrap": wb.add_format({"text_wrap": True})}
    xf = {name: f' s="{fmt._get_xf_index()}"' for name, fmt in fmts.items()}
    for i in range(len(columns[0])):
        if heights[i] > 1:
            ws.set_row(i + 1, 15 * heights[i])
        for j, kind in enumerate(kinds):
            v = columns[j][i]
            if v is None:
                continue
            if kind in ("text", "wrap"):
                ws.write_string(i + 1, j, v, fmts.get(kind))
            else:
                whole = kind == "float" and v == int(v)
                name = "percent" if pct[i] and kind in ("int", "float") else (
                    "int" if whole else kind)
                ws.write_number(i + 1, j, v, fmts[name])
    wb.close()
    sheet = zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml").decode()
    return re.search("<sheetData>(.*)</sheetData>", sheet, re.S).group(1), xf


def test_rows_xml_equals_xlsxwriter_cells() -> None:
    texts = [v[:_rows.MAX_CELL_CHARS] if isinstance(v, str) else v for v in TEXTS]
    n = len(texts)
    ints = [None if i % 4 == 0 else (i - 9) * 123_457 for i in range(n)]
    floats = [0.1 + 0.2, 2.0, None, 1e17, -0.0, 1e-7, 3.25, 1 / 3, 46_000.0, -2.5,
              2.0 ** 53 + 2] * 3
    days = [None if i % 6 == 0 else 45_000.0 + i for i in range(n)]
    columns = [texts, texts[::-1], ints, floats[:n], days]
    kinds = ["text", "wrap", "int", "float", "date"]
    pct = [i % 5 == 2 for i in range(n)]
    heights = [1 + (i * 7) % 17 for i in range(n)]
    expected, xf = _xlsxwriter_rows(columns, kinds, pct, [min(h, 15) for h in heights])
    tok = _rows.token
    ours = _rows.rows_xml([
        _rows.TextColumn(pa.array(texts, pa.large_string()), tok("text")),
        _rows.TextColumn(pa.array(texts[::-1], pa.large_string()), tok("wrap")),
        _rows.NumberColumn(np.array([np.nan if v is None else v for v in ints], float),
                           tok("int"), tok("percent")),
        _rows.NumberColumn(np.array([np.nan if v is None else v for v in floats[:n]]),
                           tok("float"), tok("percent"), tok("int")),
        _rows.NumberColumn(np.array([np.nan if v is None else v for v in days]),
                           tok("date"), tok("date")),
    ], np.array(pct), np.array(heights)).decode()
    for name, attribute in xf.items():
        ours = ours.replace(tok(name), attribute)
    assert ours == expected


def test_cell_text_equals_16g() -> None:
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(0, 1e6, 500), rng.integers(-2 ** 60, 2 ** 60, 300),
                             np.round(rng.normal(0, 1e4, 300)), [0.0, -0.0, 2.0 ** 53,
                                                                 2.0 ** 53 + 2, 1e16, 1e-300]])
    assert _rows.cell_text(values).to_pylist() == [f"{v:.16G}" for v in values.tolist()]


def test_blank_edges_equal_isspace() -> None:
    texts = ["a", " a", "a ", "\u00a0x", "x\u0085", "\u3000", "社区", "\u2028", "x\u2029",
             "a\u202fb", "\u205f", "\u1680z", "é", "€", "", None, "ab\u3001"]
    expected = [v is not None and v != "" and (v[0].isspace() or v[-1].isspace())
                for v in texts]
    got = _rows._blank_edges(pa.array(texts, pa.large_string())).tolist()
    assert [g or not e for g, e in zip(got, expected, strict=True)] == [True] * len(texts)
    assert got == expected  # exact on these (a superset in general)


def test_wide_blanks_are_every_blank_beyond_ascii() -> None:
    import sys

    every = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if chr(c).isspace())
    assert every == _rows.WIDE_BLANKS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_translate_equals_value_by_value_lookup(monkeypatch, lang) -> None:
    df = pd.DataFrame({
        "kind": pd.Categorical(["enterprise", None, "social_org", "enterprise"]),
        "reason": pd.Series(["no covered_by link", None, "only expired links", "new"],
                            dtype="str"),
        "level": pd.Series(["district", "street", "x", None], dtype=object),
        "action": pd.Series([None] * 4, dtype="str"),
        "covered": [True, False, True, False],
    }, index=pd.Index(["a", "b", "c", "d"], name="id"))
    fast = vocab.translate(df, lang)
    monkeypatch.setattr(vocab, "_translated_text", lambda s, table: None)
    slow = vocab.translate(df, lang)
    pd.testing.assert_frame_equal(fast, slow)
    if lang == "zh":
        assert fast.iloc[0, 1] != "enterprise"  # (a value was translated)


def test_workbook_container_reads_back(tmp_path, monkeypatch) -> None:
    frame = _nasty()
    paths = tables.write_tables({"uncovered": frame}, tmp_path / "a", workbook="w",
                                as_of="2026-10-01")
    import builtins

    real_import = builtins.__import__

    def no_isal(name, *args, **kwargs):  # the zlib fallback gives the same parts
        if name.startswith("isal"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_isal)
    other = tables.write_tables({"uncovered": frame}, tmp_path / "b", workbook="w",
                                as_of="2026-10-01")
    with zipfile.ZipFile(paths["w"]) as a, zipfile.ZipFile(other["w"]) as b:
        assert a.testzip() is None and b.testzip() is None
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith(("docProps/core", "xl/worksheets/sheet2")):  # (stamps)
                assert a.read(name) == b.read(name), name
        assert b"\x00" not in a.read("xl/worksheets/sheet1.xml")
