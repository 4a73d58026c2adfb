"""The one table writer for people: CSV files and a workbook that looks finished.

:func:`write_tables` takes analysis tables (English columns, as the library makes them) and
writes, in the language asked for (:mod:`regional_graph.vocab`, Chinese by default):

* one CSV per table (UTF-8 with BOM, so Excel opens it; dates ``YYYY-MM-DD``);
* one ``.xlsx`` workbook (xlsxwriter, constant-memory streaming): a sheet per table with a
  bold frozen header and autofilter, columns fitted to their content (CJK characters
  counted double), rates as percentages, counts as integers, dates as real dates, 是/否 for
  yes/no, and a 说明 sheet that states the as-of date and the data source and defines every
  column. A sheet holds at most :data:`XLSX_MAX_ROWS` rows (Excel's own limit is
  1,048,576): a longer table keeps its first rows there and says so in 说明; the CSV file
  always holds the whole table.

Examples
--------
>>> import tempfile, pandas as pd
>>> t = {"uncovered": pd.DataFrame({"reason": ["no covered_by link"]},
...                                index=pd.Index(["E1"], name="id"))}
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_tables(t, d, workbook="report", as_of="2026-10-01", source="台账")
...     sorted(p.name for p in paths.values())
['report.xlsx', 'uncovered.csv']
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..graph import DateLike, as_date
from ..vocab import Lang, check_lang, column_doc, column_label, sheet_name, translate
from ._csvfile import text_array, write_csv
from ._rows import LINE_HEIGHT as _LINE_HEIGHT
from ._rows import MAX_CELL_CHARS as _MAX_CELL_CHARS
from ._rows import NumberColumn, TextColumn, rows_xml, token
from ._zip import PartsZip, marker

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

__all__ = ["XLSX_MAX_ROWS", "as_of_line", "display_width", "is_rate", "write_tables"]

#: Most data rows one sheet holds; longer tables are complete in their CSV file only.
XLSX_MAX_ROWS = 50_000
_MAX_WIDTH = 60
#: Tables at most this wide (in characters) print fitted to the page width.
_FIT_WIDTH = 260
_WIDTH_SAMPLE = 2_000
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")

#: How every command picks its day when none is given (printed with every output).
AS_OF_RULE: dict[Lang, str] = {
    "zh": "数据日期:未指定 --as-of 时为运行当天;关系在开始日期至结束日期之间(含)有效",
    "en": "as-of date: the day of the run unless --as-of is given; a link is live from its "
          "start to its end date (inclusive)",
}


def is_rate(col: str) -> bool:
    """Whether a column holds a fraction shown as a percentage.

    Examples
    --------
    >>> is_rate("rate_all_change"), is_rate("served_rate"), is_rate("pairs_per_community")
    (True, True, False)
    """
    return "rate" in col.split("_") or col.endswith("_share") or "_share_" in col


def display_width(text: object) -> int:
    """Widest text on screen among ``text`` (a string or an iterable of them): CJK and
    other wide characters count double (three UTF-8 bytes, two columns).

    Examples
    --------
    >>> display_width("ab"), display_width("社区"), display_width(["a", "社区", None])
    (2, 4, 4)
    """
    values = [text] if isinstance(text, str) else text
    best = 0
    for v in set(values):  # type: ignore[call-overload]
        if isinstance(v, str):
            best = max(best, len(v) + (len(v.encode("utf-8")) - len(v)) // 2)
    return best


def as_of_line(as_of: DateLike, lang: Lang = "zh") -> str:
    """The line every command prints first.

    Examples
    --------
    >>> as_of_line("2026-10-01")
    '数据日期 2026-10-01(未指定 --as-of 时为运行当天)'
    """
    day = np.datetime_as_string(as_date(as_of), "D")
    if lang == "en":
        return f"As of {day} (the day of the run unless --as-of is given)"
    return f"数据日期 {day}(未指定 --as-of 时为运行当天)"


def _kind(col: str, s: pd.Series) -> str:
    """How a column is written: date, datetime, percent, int, float, bool or text."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "text"
    if isinstance(s.dtype, np.dtype) and s.dtype.kind == "M":  # (no time zone)
        ticks = s.to_numpy()
        day = np.timedelta64(1, "D").astype(f"m8[{np.datetime_data(s.dtype)[0]}]")
        times = ticks[~np.isnat(ticks)].view(np.int64) % day.astype(np.int64)
        return "datetime" if bool(times.any()) else "date"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        v = s.dropna()
        return "datetime" if bool((v != v.dt.normalize()).any()) else "date"
    if pd.api.types.is_numeric_dtype(s.dtype):
        if is_rate(col):
            return "percent"
        return "int" if pd.api.types.is_integer_dtype(s.dtype) else "float"
    return "text"


def _cell_texts(text: pa.Array) -> pa.Array:
    """Text cut to Excel's limit on the characters of a cell.

    Examples
    --------
    >>> import pyarrow as pa
    >>> _cell_texts(pa.array(["a" * 40_000, None])).to_pylist()[0] == "a" * _MAX_CELL_CHARS
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(text) or (pc.max(pc.utf8_length(text)).as_py() or 0) <= _MAX_CELL_CHARS:
        return text
    return pa.array([v if v is None else v[:_MAX_CELL_CHARS] for v in text.to_pylist()],
                    pa.large_string())


def _number_array(s: pd.Series, kind: str) -> np.ndarray:
    """A number column's values as floats (NaN = empty cell), dates as Excel serial days.

    Examples
    --------
    >>> _number_array(pd.Series(pd.to_datetime(["1900-01-01", None])), "date").tolist()
    [2.0, nan]
    """
    if kind in ("date", "datetime"):
        t = s.to_numpy(dtype="datetime64[s]")
        days = (t - _EXCEL_EPOCH).astype(np.int64) / 86400.0
        days[np.isnat(t)] = np.nan
        return days
    return s.to_numpy(dtype="float64", na_value=np.nan)


def _widths(header: list[str], kinds: list[str], values: list[Any]) -> list[float]:
    """Column widths from the header and the first rows (``values``: each column's
    :func:`_text_array` or :func:`_number_array`)."""
    out = []
    for col, kind, v in zip(header, kinds, values, strict=True):
        if kind == "percent":
            body = 8
        elif kind == "date":
            body = 11
        elif kind == "datetime":
            body = 17
        elif kind in ("int", "float"):
            head = v[:_WIDTH_SAMPLE]
            head = head[np.isfinite(head)]
            big = float(np.abs(head).max()) if len(head) else 0.0
            body = len(f"{big:,.0f}") + (3 if kind == "float" else 0) + 2
        else:
            widths = _text_widths(v.slice(0, _WIDTH_SAMPLE))[0]
            body = int(widths.max()) if len(widths) else 0
        out.append(float(min(max(body, display_width(col)) + 2, _MAX_WIDTH)))
    return out


def _page_header(sheet: str, day: str, lang: Lang) -> str:
    """The printed page header: the sheet's name and the as-of date."""
    label = "数据日期" if lang == "zh" else "as of"
    return f"&L&B{sheet.replace('&', '&&')}&R{label} {day}"


def _text_widths(arr: pa.Array, breaks: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Screen width (as :func:`display_width`, 0 for null) of each text, and its line
    breaks when asked (else zeros), computed in Arrow."""
    import pyarrow.compute as pc

    chars = pc.utf8_length(arr)
    width = pc.add(chars, pc.divide(pc.subtract(pc.binary_length(arr), chars), 2))
    lines = pc.count_substring(arr, "\n").fill_null(0).to_numpy(zero_copy_only=False) \
        if breaks else np.zeros(len(arr), np.int64)
    return width.fill_null(0).to_numpy(zero_copy_only=False), lines


def _wrapped_lines(columns: list[pa.Array], widths: list[float], n: int) -> np.ndarray:
    """Lines each row needs to show its wrapped text columns."""
    out = np.ones(n, dtype=np.int64)
    for values, width in zip(columns, widths, strict=True):
        chars, breaks = _text_widths(values, breaks=True)
        need = -(-chars // int(max(width - 2, 1))) + breaks
        np.maximum(out, need, out=out)
    return out


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    workbook: str,
    lang: Lang = "zh",
    as_of: DateLike = None,
    source: str | None = None,
    title: str | None = None,
    notes: Mapping[str, str] | None = None,
    csv_prefix: str = "",
    max_rows: int = XLSX_MAX_ROWS,
) -> dict[str, Path]:
    """Write ``tables`` (name → English frame) as CSV files and ``<workbook>.xlsx``.

    Parameters
    ----------
    tables
        Table name (file stem; its sheet name comes from :mod:`~regional_graph.vocab`) →
        frame; a named index is written as the first columns.
    out_dir
        Folder, created if needed.
    workbook
        File stem of the workbook.
    lang
        ``"zh"`` (default) or ``"en"``: headers, sheet names, fixed values, the notes sheet.
    as_of, source, title
        The day the tables describe, where the data came from and the workbook's title:
        stated at the top of the notes sheet.
    notes
        Extra lines for the notes sheet (label → text).
    csv_prefix
        Prefix of the CSV file names (``<csv_prefix><table>.csv``).
    max_rows
        Most data rows per sheet.

    Returns
    -------
    dict
        Table name → CSV path, and ``workbook`` → the xlsx path.
    """
    check_lang(lang)
    sheets = [prepare_table(name, frame, out_dir, lang=lang, csv_prefix=csv_prefix,
                            max_rows=max_rows) for name, frame in tables.items()]
    return write_workbook(sheets, out_dir, workbook=workbook, lang=lang, as_of=as_of,
                          source=source, title=title, notes=notes, max_rows=max_rows)


@dataclass
class PreparedTable:
    """One table written as CSV and rendered for its sheet (:func:`prepare_table`): all
    :func:`write_workbook` needs, picklable (a worker process may prepare it)."""

    name: str
    csv: Path
    sheet: str
    rows: int  # of the whole table (the sheet may hold fewer)
    header: list[str]
    kinds: list[str]
    widths: list[float]
    wide: list[bool]  # text columns at the widest width, wrapped
    body: bytes  # the sheet's data rows as SpreadsheetML (UTF-8), styles as tokens
    shown: int  # data rows on the sheet
    described: list[tuple[str, str, str, str]]  # (sheet, label, column code, meaning)


def prepare_table(name: str, frame: pd.DataFrame, out_dir: str | Path, *, lang: Lang = "zh",
                  csv_prefix: str = "", max_rows: int = XLSX_MAX_ROWS) -> PreparedTable:
    """Write one table's CSV file (as :func:`write_tables`) and render its sheet's rows.

    Examples
    --------
    >>> import tempfile
    >>> t = pd.DataFrame({"reason": ["no covered_by link"]}, index=pd.Index(["E1"], name="id"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = prepare_table("uncovered", t, d)
    ...     p.csv.read_text(encoding="utf-8-sig").splitlines()
    ['编号,原因', 'E1,无覆盖关系']
    >>> p.sheet, p.header, p.kinds, p.shown
    ('未覆盖两新组织', ['编号', '原因'], ['text', 'text'], 1)
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    display = translate(frame, lang)
    df = pd.DataFrame(frame, copy=False)  # without attrs, which pandas deep-copies often
    english = df.reset_index() if any(n is not None for n in df.index.names) \
        else df.reset_index(drop=True)
    kinds = [_kind(str(c), english[c]) for c in english.columns]
    columns = [s for _, s in display.items()]
    texts = {j: text_array(s) for j, (k, s) in enumerate(zip(kinds, columns, strict=True))
             if k == "text"}
    csv = folder / f"{csv_prefix}{name}.csv"
    write_csv(csv, display, kinds, texts, columns)
    sheet = sheet_name(name, lang)
    shown = min(len(display), max_rows)
    header = [str(c) for c in display.columns]
    values = [_cell_texts(texts[j].slice(0, shown)) if k == "text" else
              _number_array(s, k)[:shown] for j, (k, s) in enumerate(zip(kinds, columns,
                                                                         strict=True))]
    widths = _widths(header, kinds, values)
    wide = [k == "text" and w >= _MAX_WIDTH for k, w in zip(kinds, widths, strict=True)]
    lines = _wrapped_lines([v for v, x in zip(values, wide, strict=True) if x],
                           [w for w, x in zip(widths, wide, strict=True) if x], shown)
    pct_rows = frame.attrs.get("percent_rows")
    body = rows_xml([_sheet_column(v, k, x) for v, k, x in zip(values, kinds, wide, strict=True)],
                    None if pct_rows is None else np.asarray(pct_rows, bool), lines)
    return PreparedTable(
        name=name, csv=csv, sheet=sheet, rows=len(display), header=header, kinds=kinds,
        widths=widths, wide=wide, body=body, shown=shown,
        described=[(sheet, column_label(str(c), lang), str(c), column_doc(str(c), lang) or "")
                   for c in english.columns])


def _sheet_column(values: Any, kind: str, wide: bool) -> TextColumn | NumberColumn:
    """A column for :func:`~regional_graph.export._rows.rows_xml` with its style tokens:
    wide text wraps; counts and amounts show as percentages in percent rows; whole amounts
    without decimals."""
    style = token("wrap" if wide else kind)
    if kind == "text":
        return TextColumn(values, style)
    return NumberColumn(values, style, token("percent") if kind in ("int", "float") else style,
                        token("int") if kind == "float" else None)


def write_workbook(sheets: list[PreparedTable], out_dir: str | Path, *, workbook: str,
                   lang: Lang = "zh", as_of: DateLike = None, source: str | None = None,
                   title: str | None = None, notes: Mapping[str, str] | None = None,
                   max_rows: int = XLSX_MAX_ROWS) -> dict[str, Path]:
    """Write ``<workbook>.xlsx`` from prepared tables (a sheet each, in order, and the notes
    sheet); table name → CSV path, and ``workbook`` → the xlsx path."""
    import xlsxwriter

    check_lang(lang)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    day = np.datetime_as_string(as_date(as_of), "D")
    xlsx = folder / f"{workbook}.xlsx"
    wb = xlsxwriter.Workbook(str(xlsx), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "strings_to_numbers": False,
                                         "tmpdir": _scratch_dir()})
    fmts = _formats(wb)
    rows: dict[bytes, bytes] = {}  # the prepared rows, spliced into each sheet when zipped
    for key, t in enumerate(sheets):
        rows[marker(key)] = _write_sheet(wb.add_worksheet(t.sheet), fmts, t,
                                         _page_header(t.sheet, day, lang), lang, key)
    cut = [(t.sheet, t.rows, t.csv.name) for t in sheets if t.rows > max_rows]
    _notes_sheet(wb, fmts["head"], lang, title=title or workbook, day=day, source=source,
                 notes=notes or {}, described=[d for t in sheets for d in t.described],
                 cut=cut, max_rows=max_rows)
    _close(wb, rows)
    log.info("wrote %s (%d sheets) to %s", xlsx.name, len(sheets) + 1, folder)
    return {**{t.name: t.csv for t in sheets}, workbook: xlsx}


def _scratch_dir() -> str | None:
    """Where xlsxwriter keeps its small temporary files (a part each, and a row file per
    sheet that holds only a marker): memory (``/dev/shm``) where there is, which spares
    the disk's create-and-delete waits; else the system's temporary folder."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


#: Deflate level of the workbook's zip container: 1 is about 3× faster than zlib's default 6
#: on SpreadsheetML and the file some 25 % larger (the XML inside is the same).
ZIP_LEVEL = 1


def _close(wb: Any, rows: Mapping[bytes, bytes]) -> None:
    """Close (write) the workbook: its parts into a zip container deflated at
    :data:`ZIP_LEVEL`, with the prepared ``rows`` spliced into the sheets
    (:class:`~regional_graph.export._zip.PartsZip`)."""
    import xlsxwriter.workbook as xw

    zip_file = xw.ZipFile  # xlsxwriter takes no container: give it ours for this call
    xw.ZipFile = partial(PartsZip, rows=rows, compresslevel=ZIP_LEVEL)
    try:
        wb.close()
    finally:
        xw.ZipFile = zip_file


def _formats(wb: Any) -> dict[str, Any]:
    """The workbook's cell formats by kind (``text`` = none), ``wrap`` and ``head``."""
    right = {"align": "right", "indent": 1}  # numbers keep a gap to the next column
    return {"head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                   "text_wrap": True, "valign": "top"}),
            "percent": wb.add_format({"num_format": "0.0%", **right}),
            "int": wb.add_format({"num_format": "#,##0", **right}),
            "float": wb.add_format({"num_format": "#,##0.00", **right}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd", "align": "center"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "center"}),
            "text": None,
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"})}


def _write_sheet(ws: Any, fmts: dict[str, Any], t: PreparedTable, page_header: str,
                 lang: Lang, key: int) -> bytes:
    """One table's sheet: widths, print setup, the bold header, frozen panes, and
    :func:`~regional_graph.export._zip.marker` ``key`` where the rows go; returns the rows
    with their styles."""
    for j, w in enumerate(t.widths):
        ws.set_column(j, j, w)
    ws.set_landscape()  # printing: A4 landscape, header row on every page
    ws.set_paper(9)
    ws.repeat_rows(0)
    ws.set_header(page_header)
    ws.set_footer("&C&P / &N")
    if sum(t.widths) <= _FIT_WIDTH:
        ws.fit_to_pages(1, 0)
    ws.set_row(0, 30 if lang == "zh" else 20)
    for j, col in enumerate(t.header):
        ws.write_string(0, j, col, fmts["head"])
    n, m = t.shown, len(t.header)
    # style indices are numbered on first use: take them in the order they always were
    names = ["wrap" if x else k for k, x in zip(t.kinds, t.wide, strict=True)]
    pct = ["percent" if k in ("int", "float") else names[j] for j, k in enumerate(t.kinds)]
    xf: dict[str, str] = {}
    for name in [*names, *pct, "int"]:
        xf[name] = _xf(fmts[name])
    body = t.body
    if n:
        ws._write_single_row(1)  # flush the header row; the row file now ends after it
        ws._check_dimensions(n, m - 1)
        ws.fh.write(marker(key).decode())
        ws.previous_row = n + 1
        parts = body.split(b"\x00")  # text, token name, text, token name, …, text
        attributes = {token(name).strip("\x00").encode(): x.encode() for name, x in xf.items()}
        parts[1::2] = [attributes[name] for name in parts[1::2]]
        body = b"".join(parts)
    ws.freeze_panes(1, 1 if m > 2 else 0)
    if m:
        ws.autofilter(0, 0, max(n, 1), m - 1)
    return body


def _xf(fmt: Any) -> str:
    """The ``s="…"`` attribute of a cell in ``fmt`` (empty for none)."""
    return "" if fmt is None else f' s="{fmt._get_xf_index()}"'


def _provenance_rows(source: str | None, zh: bool) -> list[tuple[str, str]]:
    """The library version, and the input files' checksum when ``source`` is a path."""
    from .. import __version__

    rows = [("软件版本" if zh else "library", f"regional_graph {__version__}")]
    if source and Path(source).exists():
        from .provenance import provenance

        digest = provenance(source)["input"]["sha256"]
        if digest:
            rows.append(("输入校验码(SHA-256)" if zh else "input checksum (SHA-256)", digest))
    return rows


def _notes_sheet(wb: object, head: object, lang: Lang, *, title: str, day: str,
                 source: str | None, notes: Mapping[str, str],
                 described: list[tuple[str, str, str, str]], cut: list[tuple[str, int, str]],
                 max_rows: int) -> None:
    zh = lang == "zh"
    ws = wb.add_worksheet("说明" if zh else "notes")  # type: ignore[attr-defined]
    bold = wb.add_format({"bold": True, "valign": "top"})  # type: ignore[attr-defined]
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})  # type: ignore[attr-defined]
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_header(_page_header("说明" if zh else "notes", day, lang))
    ws.set_footer("&C&P / &N")
    rows: list[tuple[str, str]] = [
        ("报表" if zh else "workbook", title),
        ("数据日期" if zh else "as of", day),
        ("数据来源" if zh else "data source", source or ("(未注明)" if zh else "(not given)")),
        *_provenance_rows(source, zh),
        ("生成时间" if zh else "written",
         dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
        ("日期口径" if zh else "date rule", AS_OF_RULE[lang]),
        ("百分比" if zh else "rates",
         "率以百分比显示,分子分母取自同一总体,均在 0%~100% 之间" if zh else
         "rates are shown as percentages; numerator and denominator from the same "
         "population, always within 0–100 %"),
        *notes.items(),
    ]
    for sheet, total, csv in cut:
        rows.append(("行数上限" if zh else "row limit",
                     f"工作表“{sheet}”共 {total:,} 行,工作簿只保留前 {max_rows:,} 行;"
                     f"完整数据见 {csv}" if zh else
                     f"sheet '{sheet}' has {total:,} rows; the workbook keeps the first "
                     f"{max_rows:,}, the whole table is in {csv}"))
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 36, wrap)
    ws.set_column(2, 2, 30)
    ws.set_column(3, 3, 70, wrap)
    r = 0
    for label, text in rows:
        ws.set_row(r, _LINE_HEIGHT * max(1, -(-display_width(str(text)) // 34)))
        ws.write_string(r, 0, label, bold)
        ws.write_string(r, 1, str(text), wrap)
        r += 1
    r += 1
    header = ("工作表", "列", "英文列名(--lang en)", "含义") if zh else \
        ("sheet", "column", "column (code)", "meaning")
    for j, h in enumerate(header):
        ws.write_string(r, j, h, head)
    for sheet, label, english, doc in described:
        r += 1
        tall = max(-(-display_width(label) // 34), -(-display_width(doc) // 68), 1)
        if tall > 1:
            ws.set_row(r, _LINE_HEIGHT * tall)
        ws.write_string(r, 0, sheet)
        ws.write_string(r, 1, label, wrap)
        ws.write_string(r, 2, english)
        if doc:
            ws.write_string(r, 3, doc, wrap)
