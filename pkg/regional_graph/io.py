"""Tables in and out: CSV folders and ``.xlsx`` workbooks, the fill-in template.

Reading gives *raw* tables (every cell a string, empty cells missing, headers as in the file,
English or Chinese); :mod:`regional_graph.validate` maps recognised headers to the canonical
names and turns the tables into typed tables.

Examples
--------
>>> import regional_graph as rg
>>> raw = rg.io.read_tables(rg.datasets.SAMPLE_DISTRICT)
>>> sorted(raw)[:3]
['activities', 'areas', 'demands']
"""

from __future__ import annotations

import csv
import datetime as dt
import io as _io
import itertools
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from . import schema
from .errors import FAILURE_COLUMNS, TableValidationError
from .frames import format_datetimes, safe_frame

log = logging.getLogger(__name__)

Tables = dict[str, pd.DataFrame]

#: The template's hidden sheet of drop-down lists.
ENUM_SHEET = "枚举值"
#: Encodings tried in order when a CSV has no BOM (GB18030 is a superset of GBK/GB2312).
_ENCODINGS = ("utf-8", "gb18030")


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------


def read_tables(path: str | Path) -> Tables:
    """Read a dataset: a folder of CSV files or one workbook (``.xlsx``, ``.xls``, ``.ods``).

    File and sheet names may be English or Chinese (``areas.csv`` or ``区域.csv``); a CSV file
    whose name is not a table is reported (sheets that are not tables are logged and ignored).
    Every cell comes back as a string (missing when empty);
    :func:`regional_graph.validate.validate_tables` types them. Title rows above the header
    (``海岚区两新组织台账（2026年）``) are skipped and noted (:func:`read_notes`); each frame
    knows its file or sheet name and header row (``df.attrs["source"]``) so that problems name
    them as the user sees them. ``.xls`` and ``.ods`` need the ``ledgers`` extra.

    Parameters
    ----------
    path
        A folder holding ``<table>.csv`` files, or a workbook.

    Returns
    -------
    dict
        Table name → raw DataFrame.

    Examples
    --------
    >>> import regional_graph as rg
    >>> raw = read_tables(rg.datasets.TINY)
    >>> list(raw)  # in file name order
    ['activities', 'areas', 'demands', 'links', 'members', 'orders', 'organizations', \
'party_orgs', 'resources']
    >>> raw["organizations"].loc[:2, ["id", "employees", "lat"]].to_dict("list")  # raw text
    {'id': ['O1', 'O2', 'O3'], 'employees': ['120', '200', '40'], \
'lat': ['37.5000', '37.5000', '37.5010']}
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{str(path)!r} does not exist (没有这个文件或文件夹)")
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path)
    if path.suffix.lower() == ".csv":
        try:
            tbl = schema.table(path.stem)
        except KeyError:
            raise TableValidationError(pd.DataFrame(
                [[path.name, None, "", path.name, "file name is not a table of the template",
                  _TABLE_NAMES]], columns=FAILURE_COLUMNS)) from None
        return {tbl.name: read_csv(path, keep_going=True)}
    raise FileNotFoundError(f"{str(path)!r} is neither a folder of CSV files nor a workbook "
                            "(.xlsx, .xls, .ods; 应为CSV文件夹或Excel/WPS工作簿)")


def _read_folder(folder: Path) -> Tables:
    out: Tables = {}
    sources: dict[str, Path] = {}
    files = [f for f in sorted(folder.iterdir()) if f.suffix.lower() == ".csv"]
    frames = _read_files([f for f in files if _table_of(f) is not None])
    for file in files:
        tbl = _table_of(file)
        if tbl is None:  # a misnamed table would be lost silently: an error, not a warning
            out[file.name] = _with_problems(pd.DataFrame(), [[
                file.name, None, "", file.name, "file name is not a table of the template",
                _TABLE_NAMES]])
            continue
        if tbl.name in out:
            _with_problems(out[tbl.name], [[tbl.name, None, "", file.name, "table given twice",
                                            f"one file for {tbl.name} (also in "
                                            f"{sources[tbl.name].name})"]])
            continue
        out[tbl.name] = frames[file]
        sources[tbl.name] = file
    if not any(schema_name in schema.TABLES for schema_name in out):
        raise FileNotFoundError(f"no template CSV files found in {str(folder)!r} "
                                f"(文件夹中没有模板表格; expected {_TABLE_NAMES})")
    return out


def _read_files(files: list[Path]) -> dict[Path, pd.DataFrame]:
    """Read CSV files concurrently, largest first (parsing and decoding happen in Arrow,
    which releases the GIL: two files are read on two cores at once)."""
    if len(files) < 2:
        return {f: read_csv(f, keep_going=True) for f in files}
    from concurrent.futures import ThreadPoolExecutor

    order = sorted(files, key=lambda f: -f.stat().st_size)
    with ThreadPoolExecutor(max_workers=min(len(files), os.cpu_count() or 1)) as pool:
        done = dict(zip(order, pool.map(lambda f: read_csv(f, keep_going=True), order),
                        strict=True))
    return {f: done[f] for f in files}


_TABLE_NAMES = "a file or sheet named after its table: " + ", ".join(
    f"{n}/{t.zh}" for n, t in schema.TABLES.items())


def _check_utf8(data: bytes) -> None:
    """Raise :class:`UnicodeDecodeError` (as ``bytes.decode`` does) unless ``data`` is valid
    UTF-8; Arrow validates without building a Python string first (strict UTF-8 both ways:
    no surrogates, no overlong forms).

    Examples
    --------
    >>> _check_utf8("编号".encode())
    >>> try:
    ...     _check_utf8(b"ab\\xed\\xa0\\x80")  # a surrogate: not UTF-8
    ... except UnicodeDecodeError as err:
    ...     print(err.start, err.reason)
    2 invalid continuation byte
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())  # the bytes are wrapped, not copied
    except pa.ArrowInvalid:
        data.decode("utf-8")  # raises with the position of the first bad byte
        raise  # pragma: no cover - Arrow and Python agree on what UTF-8 is


def detect_encoding(data: bytes) -> str:
    """Encoding of CSV bytes: UTF-8 (with or without BOM), GB18030/GBK, else a best guess.

    Examples
    --------
    >>> detect_encoding("编号,名称".encode("gbk"))
    'gb18030'
    >>> detect_encoding(b"\\xef\\xbb\\xbfid,name")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            _check_utf8(data)
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise ValueError(f"invalid UTF-8 byte {data[err.start:err.start + 1]!r} on line "
                             f"{line} (UTF-8编码错误; save the file as UTF-8)") from None
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:65536]
    if b"\x00" in head:  # UTF-16 without a byte-order mark, or not text at all
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > 0.3 * len(head) / 2 and even < 0.05 * len(head) / 2:
            return "utf-16-le"
        if even > 0.3 * len(head) / 2 and odd < 0.05 * len(head) / 2:
            return "utf-16-be"
        raise ValueError("not a text file (binary data; 不是文本文件)")
    try:
        _check_utf8(data)
    except UnicodeDecodeError as err:
        bad = data[: err.start].count(b"\n") + 1
        rest = data.decode("utf-8", errors="replace")
        if rest.count("\ufffd") * 20 < sum(ord(c) > 127 for c in rest):
            # mostly UTF-8 with a few broken bytes: reading it as GB18030 would garble it
            raise ValueError(f"invalid UTF-8 byte {data[err.start:err.start + 1]!r} on line "
                             f"{bad} (UTF-8编码错误; save the file as UTF-8)") from None
    else:
        return "utf-8"  # what decoding it would tell, without a copy of the text
    for enc in _ENCODINGS[1:]:
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ValueError("cannot detect the text encoding (expected UTF-8 or GB18030/GBK; "
                         "无法识别文本编码)")
    return best.encoding


#: Key of ``DataFrame.attrs`` holding the problems found while reading a table (a failures
#: table); :func:`regional_graph.validate.check_tables` reports them with the others.
READ_PROBLEMS = "read_problems"
#: Problem text of a CSV row whose cell count differs from the header's.
RAGGED = "cells in the row"
#: Problem text of a CSV row with a bare carriage return inside a cell.
BARE_CR = "carriage return (CR, ␍) inside a cell"
#: Key of ``DataFrame.attrs`` naming where a raw table came from, as the user named it:
#: ``{"name": file or sheet name, "header_row": file row of the header}``.
SOURCE = "source"
#: Key of ``DataFrame.attrs`` holding what reading normalised (a notes table).
READ_NOTES = "read_notes"
#: Columns of a notes table: what was accepted and normalised, per table and column.
NOTE_COLUMNS = ["table", "column", "note", "count", "example"]
#: Note of title rows skipped above a header.
TITLE_ROWS = "title rows above the header skipped"
#: Leading rows searched for the header.
HEADER_SEARCH = 10
#: Workbook file types read (``.xls`` and ``.ods`` through the ``ledgers`` extra).
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def broken_rows(problems: pd.Series) -> np.ndarray:
    """Mask of read problems that make a whole row unreliable (cells may be shifted).

    Examples
    --------
    >>> broken_rows(pd.Series(["5 cells in the row", "unknown id"])).tolist()
    [True, False]
    """
    text = problems.astype("str")
    return (text.str.endswith(RAGGED, na=False) | (text == BARE_CR)).to_numpy(dtype=bool)


def read_problems(df: pd.DataFrame) -> pd.DataFrame | None:
    """The problems found while reading ``df`` (``None`` when there were none).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "areas.csv"
    ...     _ = file.write_text("id,name,level\\nD1,小岚区,district,多余\\nS1,东街道\\n")
    ...     df = read_csv(file, keep_going=True)
    >>> read_problems(df)[["row", "problem"]].to_dict("records")  # row = line in the file
    [{'row': 2, 'problem': '4 cells in the row'}, {'row': 3, 'problem': '2 cells in the row'}]
    >>> df.to_dict("list"), read_problems(pd.DataFrame())
    ({'id': ['D1', 'S1'], 'name': ['小岚区', '东街道'], 'level': ['district', nan]}, None)
    """
    found = df.attrs.get(READ_PROBLEMS)
    return found if isinstance(found, pd.DataFrame) and len(found) else None


def _with_problems(df: pd.DataFrame, problems: list[list[object]] | pd.DataFrame
                   ) -> pd.DataFrame:
    failures = problems if isinstance(problems, pd.DataFrame) else \
        pd.DataFrame(problems, columns=FAILURE_COLUMNS)
    if len(failures):
        old = read_problems(df)
        df.attrs[READ_PROBLEMS] = failures if old is None else \
            pd.concat([old, failures], ignore_index=True)
    return df


def read_csv(path: str | Path, *, keep_going: bool = False) -> pd.DataFrame:
    """Read one CSV file as strings, detecting its encoding; empty cells become missing.

    Rows keep their position (row ``i`` of the frame is line ``i + 2`` of the file); rows
    that are entirely empty are kept as all-missing rows and dropped by validation. Rows with
    more or fewer cells than the header raise :class:`TableValidationError` naming each —
    or, with ``keep_going``, are read cut or padded to the header's width and listed in the
    frame's read problems (:func:`read_problems`): validation reports them with every other
    problem and nothing else about those rows (their cells may be shifted). A file that
    cannot be read at all (binary data, broken encoding) gives one problem naming it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "areas.csv"
    ...     _ = file.write_bytes("id,name\\na1,海岚区\\na2,\\n".encode("gbk"))
    ...     df = read_csv(file)
    >>> list(df.columns), df["name"].tolist()
    (['id', 'name'], ['海岚区', nan])
    """
    path = Path(path)
    try:
        return _read_csv(path, keep_going=keep_going)
    except (ValueError, UnicodeError, csv.Error, pa.ArrowException, OSError, MemoryError) as err:
        if isinstance(err, TableValidationError):
            raise
        try:
            name = schema.table(path.stem).name
        except KeyError:
            name = path.name
        failures = pd.DataFrame([[name, None, "", path.name, f"cannot read the file: {err}",
                                  "a CSV text file (UTF-8 or GB18030/GBK), one row per line"]],
                                columns=FAILURE_COLUMNS)
        if not keep_going:
            raise TableValidationError(failures) from None
        return _with_problems(pd.DataFrame(), failures)


def _read_csv(path: Path, *, keep_going: bool) -> pd.DataFrame:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    if encoding.startswith("utf-16"):  # re-encode once: the parser below reads UTF-8
        data = data.decode(encoding).lstrip("\ufeff").encode("utf-8")
        encoding = "utf-8"
    if b"\r" in data and re.search(rb"\r(?!\n)", data):
        text = data.decode(encoding)
        if "\n" not in text.replace("\r\n", ""):  # old Mac line endings: CR only
            data = text.replace("\r", "\n").encode("utf-8")
            encoding = "utf-8"
        else:  # a bare CR inside a cell (pasted from Excel): a problem of its row
            return _read_with_bare_cr(path, text, keep_going=keep_going)
    text_head = data[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")
    head = list(itertools.islice(csv.reader(_io.StringIO(text_head, newline="")),
                                 HEADER_SEARCH + 2))
    k = header_index(head, _table_of(path))
    header = [h.lstrip("\ufeff").strip() for h in head[k]] if head else []
    if not header:
        return pd.DataFrame()
    names = _dedupe(header)
    py_encoding = "utf8" if encoding in {"utf-8", "utf-8-sig"} else encoding
    if len(head) <= k + 1 and len(data) <= 65536:
        # the header alone (no row after it): a table with no rows
        return _sourced(pd.DataFrame({h: pd.Series([], dtype="str") for h in names}).set_axis(
            header, axis=1), path.name, head, k, _name_of(path))
    ragged: list[object] = []

    def _invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(data),  # no copy of the file's bytes
        read_options=pacsv.ReadOptions(
            encoding=py_encoding, column_names=names, skip_rows=k + 1,
            block_size=max(1 << 24, min(len(data) + 1, 1 << 31 - 1)),  # one huge cell fits
        ),
        # quoted cells may hold line breaks; only then is the (serial) multi-line parser needed
        parse_options=pacsv.ParseOptions(
            newlines_in_values=b'"' in data, ignore_empty_lines=False,
            invalid_row_handler=_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.large_string()),  # pandas' own string type
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    if ragged:
        text = data.decode(encoding).lstrip("\ufeff")
        failures = _ragged_rows(path, text, len(header), skip=k)
        if not keep_going:
            raise TableValidationError(failures)
        records = list(csv.reader(_io.StringIO(text, newline="")))[k + 1:]
        frame = _padded(records, header)
        return _with_problems(_sourced(frame, path.name, head, k, _name_of(path)), failures)
    frame = table.to_pandas()
    frame.columns = header
    return _sourced(frame, path.name, head, k, _name_of(path))


def _padded(records: list[list[str]], header: list[str]) -> pd.DataFrame:
    """Records cut or padded to the header's width (empty cells missing)."""
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in records]
    frame = pd.DataFrame([[v if v != "" else None for v in r] for r in body],
                         columns=_dedupe(header), dtype="str")
    frame.columns = header
    return frame


def _name_of(path: Path) -> str:
    tbl = _table_of(path)
    return tbl.name if tbl else path.name


def _table_of(path: Path) -> schema.Table | None:
    try:
        return schema.table(path.stem)
    except KeyError:
        return None


def header_index(rows: list[list[str]] | list[tuple[object, ...]],
                 tbl: schema.Table | None) -> int:
    """Position of the header row: the first of the leading rows that holds two or more of the
    table's headers (title rows above it are skipped), else 0.

    Examples
    --------
    >>> rows = [["海岚区两新组织台账（2026年）", None], [None, None], ["编号", "名称"], ["O1", "x"]]
    >>> header_index(rows, schema.ORGANIZATIONS), header_index(rows[2:], schema.ORGANIZATIONS)
    (2, 0)
    >>> header_index(rows, None)
    0
    """
    if tbl is None:
        return 0
    lookup = schema.header_lookup(tbl)
    need = min(2, len(tbl.columns))
    for i, row in enumerate(rows[:HEADER_SEARCH + 1]):
        known = sum("".join(str(h).split()).lower() in lookup for h in row if h is not None)
        if known >= need:
            return i
    return 0


def _sourced(frame: pd.DataFrame, label: str, head: list[list[str]] | list[tuple[object, ...]],
             k: int, table: str) -> pd.DataFrame:
    """Record where ``frame`` came from (``label``: file or sheet; header row) and note any
    title rows above the header."""
    frame.attrs[SOURCE] = {"name": label, "header_row": k + 1}
    if k:
        title = " / ".join(str(c).strip() for r in head[:k] for c in r
                           if c is not None and str(c).strip())
        note = [table, "", TITLE_ROWS, k, _short_text(title)]
        frame.attrs[READ_NOTES] = pd.DataFrame([note], columns=NOTE_COLUMNS)
    return frame


def _short_text(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def read_notes(df: pd.DataFrame) -> pd.DataFrame | None:
    """What reading ``df`` normalised (title rows skipped, …), or ``None``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = Path(tmp) / "areas.csv"
    ...     _ = file.write_text("小岚区区域表（2026年）\\nid,name,level\\nD1,小岚区,district\\n")
    ...     df = read_csv(file)
    >>> read_notes(df)[["note", "example"]].to_dict("records")
    [{'note': 'title rows above the header skipped', 'example': '小岚区区域表（2026年）'}]
    >>> df["id"].tolist(), read_notes(pd.DataFrame())
    (['D1'], None)
    """
    found = df.attrs.get(READ_NOTES)
    return found if isinstance(found, pd.DataFrame) and len(found) else None


def _read_with_bare_cr(path: Path, text: str, *, keep_going: bool) -> pd.DataFrame:
    """A file with LF (or CRLF) line ends and a bare CR inside some cells: every such row is
    a problem (Excel shows the CR as a line break; we cannot tell what was meant)."""
    tbl = _table_of(path)
    name = tbl.name if tbl else path.name
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    marked = text.replace("\r", "\u240d")  # visible mark: ␍
    records = list(csv.reader(_io.StringIO(marked, newline="")))
    k = header_index(records, tbl)
    header = [h.strip() for h in records[k]] if records else []
    problems = [[name, i, "", ",".join(r), BARE_CR,
                 "a cell without a bare CR: remove the line break or quote the cell"]
                for i, r in enumerate(records, start=1) if i > k and any("\u240d" in c for c in r)]
    failures = pd.DataFrame(problems, columns=FAILURE_COLUMNS)
    if not keep_going:
        raise TableValidationError(failures)
    frame = _padded(records[k + 1:], header)
    return _with_problems(_sourced(frame, path.name, records, k, name), failures)


def _ragged_rows(path: Path, text: str, width: int, *, skip: int = 0) -> pd.DataFrame:
    """Failures for the rows of a CSV text whose cell count differs from the header's
    (the slow path, only taken for a broken file; rows numbered as records, first = 1;
    the ``skip`` title rows above the header are not rows of the table)."""
    tbl = _table_of(path)
    name = tbl.name if tbl else path.name
    rows = [
        [name, i, "", ",".join(cells), f"{len(cells)} {RAGGED}",
         f"{width} cells, one per header column (quote a value that holds a comma)"]
        for i, cells in enumerate(csv.reader(_io.StringIO(text, newline="")), start=1)
        if i > skip + 1 and cells and len(cells) != width
    ]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


def _dedupe(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


Rows = Iterator[tuple[object, ...]]
#: Problem text of a formula cell whose result was never saved in the file.
NO_RESULT = "formula without a saved result"


def _read_workbook(path: Path) -> Tables:
    if path.suffix.lower() in {".xls", ".ods"}:
        return _read_sheets(path, _calamine_sheets(path), {})
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # BadZipFile, InvalidFileException, KeyError of a broken zip
        raise _unreadable(path, err) from None
    try:
        sheets = ((ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets)
        return _read_sheets(path, sheets, _formula_cells(path))
    finally:
        wb.close()


def _unreadable(path: Path, err: Exception) -> TableValidationError:
    head = path.read_bytes()[:8]
    what = ("a text file (CSV?) with a workbook name: rename it to <table>.csv"
            if head and not head.startswith((b"PK", b"\xd0\xcf")) and b"\x00" not in head
            else f"not a readable workbook ({type(err).__name__}: {err})")
    return TableValidationError(pd.DataFrame(
        [[path.name, None, "", path.name, f"cannot read the workbook: {what}",
          "a workbook saved by Excel, WPS or LibreOffice (.xlsx, .xls or .ods)"]],
        columns=FAILURE_COLUMNS))


def _calamine_sheets(path: Path) -> Iterable[tuple[str, Rows]]:
    """The sheets of an ``.xls`` or ``.ods`` workbook (python-calamine, loaded on first use)."""
    try:
        import python_calamine  # noqa: F401  (the engine pandas uses below)
    except ImportError:
        raise TableValidationError(pd.DataFrame(
            [[path.name, None, "", path.name, f"reading {path.suffix} workbooks needs the "
              "optional package python-calamine", "pip install 'regional_graph[ledgers]', or "
              "save the workbook as .xlsx"]], columns=FAILURE_COLUMNS)) from None
    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                               engine="calamine")
    except Exception as err:  # a broken or mislabelled file
        raise _unreadable(path, err) from None
    return [(str(title), (tuple(None if _blank(v) else v for v in row)
                          for row in df.itertuples(index=False, name=None)))
            for title, df in frames.items()]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT


def _formula_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet → (row, column) → formula, for every formula cell of an ``.xlsx`` workbook
    (read only when the sheets hold formulas at all: a second, formula-level pass)."""
    import zipfile

    import openpyxl

    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        if not any(re.search(rb"<f[ >/]", z.read(n)) for n in parts):
            return {}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        out: dict[str, dict[tuple[int, int], str]] = {}
        for ws in wb.worksheets:
            found = {(i, j): str(getattr(v, "text", v))
                     for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
                     for j, v in enumerate(row, start=1)
                     if (v is not None and not isinstance(v, str | int | float | dt.date))
                     or (isinstance(v, str) and v.startswith("="))}
            if found:
                out[ws.title] = found
        return out
    finally:
        wb.close()


def _read_sheets(path: Path, sheets: Iterable[tuple[str, Rows]],
                 formulas: dict[str, dict[tuple[int, int], str]]) -> Tables:
    out: Tables = {}
    seen: dict[str, str] = {}
    for title, rows in sheets:
        if title == ENUM_SHEET:
            continue  # the template's own hidden lists
        try:
            tbl = schema.table(title)
        except KeyError:
            log.warning("ignoring sheet %r: not a table of the template", title)
            continue
        if tbl.name in out:
            _with_problems(out[tbl.name], [[tbl.name, None, "", title, "table given twice",
                                            f"one sheet for {tbl.name} (also sheet "
                                            f"{seen[tbl.name]!r})"]])
            continue
        seen[tbl.name] = title
        out[tbl.name] = _sheet_frame(tbl, f"{path.name} › {title}", rows,
                                     formulas.get(title, {}))
    return out


def _sheet_frame(tbl: schema.Table, label: str, rows: Rows,
                 formulas: dict[tuple[int, int], str]) -> pd.DataFrame:
    """One sheet as a raw table: header found below any title rows, every value kept;
    values under no header and formulas without a saved result are problems of their cell."""
    head = list(itertools.islice(rows, HEADER_SEARCH + 1))
    if not head:
        return _sourced(pd.DataFrame(), label, [], 0, tbl.name)
    k = header_index(head, tbl)
    header = head[k]
    width = max((i + 1 for i, h in enumerate(header) if h not in (None, "")), default=0)
    names = [str(h).strip() if h is not None else "" for h in header[:width]]
    names += [""] * (width - len(names))
    problems: list[list[object]] = []
    body = []
    for i, r in enumerate(itertools.chain(head[k + 1:], rows), start=k + 2):
        cells = [_cell_text(v) for v in r]
        for j, v in enumerate(cells):  # data under no header would be lost silently
            if v is None and (i, j + 1) in formulas:
                problems.append([tbl.name, i, column_letter(j + 1), formulas[(i, j + 1)],
                                 NO_RESULT, "the value: open the file in Excel or WPS and save "
                                 "it (formulas get calculated), or type the value"])
            elif v is not None and (j >= width or not names[j]):
                problems.append([tbl.name, i, column_letter(j + 1), v,
                                 "value in a column without a header",
                                 "a header for this column, or an empty cell"])
        body.append(cells[:width] + [None] * (width - len(cells)))
    while body and all(v is None for v in body[-1]):
        body.pop()  # trailing formatted-but-empty rows
    frame = pd.DataFrame(body, columns=_dedupe(names), dtype="str")
    frame.columns = names
    return _with_problems(_sourced(frame, label, head, k, tbl.name), problems)


def column_letter(n: int) -> str:
    """The spreadsheet letter of column ``n`` (1 → A, 27 → AA).

    Examples
    --------
    >>> column_letter(3), column_letter(27), column_letter(703)
    ('C', 'AA', 'AAA')
    """
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return text if text.strip() else None


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    chinese_headers: bool = False,
) -> Path:
    """Write tables as a folder of CSV files (UTF-8 with BOM) or, for ``*.xlsx``, a workbook.

    Dates are written as ``YYYY-MM-DD``, enum values as their canonical codes. A CSV text cell
    that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``) is written with
    a leading ``'`` (:func:`regional_graph.frames.safe_cell`); reading removes it again.

    Parameters
    ----------
    tables
        Table name → DataFrame (typed or raw).
    path
        A folder (created if needed) or a ``.xlsx`` file name.
    chinese_headers
        Write the Chinese header of every template column instead of the English one.

    Examples
    --------
    >>> import tempfile
    >>> import regional_graph as rg
    >>> from regional_graph.validate import validate_tables
    >>> tables = validate_tables(read_tables(rg.datasets.TINY))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_tables(tables, Path(tmp) / "out", chinese_headers=True)
    ...     lines = (folder / "areas.csv").read_text(encoding="utf-8-sig").splitlines()
    ...     back = read_tables(folder)
    >>> lines[:3]
    ['编号,名称,层级,上级编号', 'D1,小岚区,district,', 'S1,东街道,street,D1']
    >>> list(back["areas"].columns)  # raw: headers as written; validation maps them
    ['编号', '名称', '层级', '上级编号']
    >>> from regional_graph.build import tables_equal
    >>> typed = validate_tables(back)  # the same tables come back, typed again
    >>> tables_equal(typed, tables), typed["organizations"]["party_members"].tolist()
    (True, [30, 12, 3, 1, 2, 2, 0, 4])
    """
    path = Path(path)
    frames = {name: _for_file(name, df, chinese_headers) for name, df in tables.items()}
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, df in frames.items():
                known = chinese_headers and name in schema.TABLES
                sheet = schema.TABLES[name].zh if known else name
                write_sheet(xw, df, sheet)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, df in frames.items():  # no cell a spreadsheet would run as a formula
        safe_frame(df).to_csv(path / f"{name}.csv", index=False, encoding="utf-8-sig")
    return path


def write_sheet(writer: pd.ExcelWriter, df: pd.DataFrame, sheet: str, *,
                freeze: str | None = None) -> None:
    """Write ``df`` (index dropped) to one sheet, user text kept as text, never a formula.

    Every workbook the library writes goes through here (tables, report, matching,
    indicators), so a name such as ``=HYPERLINK(…)`` stays inert text.
    """
    df.to_excel(writer, sheet_name=sheet[:31], index=False)
    ws = writer.sheets[sheet[:31]]
    _keep_as_text(ws, df)
    if freeze:
        ws.freeze_panes = freeze


def _keep_as_text(ws: object, df: pd.DataFrame) -> None:
    """Text that starts with ``=`` would be stored as a formula (and read back empty):
    mark those cells as text."""
    for j, col in enumerate(df.columns, start=1):
        s = df[col]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        hits = np.flatnonzero(s.astype("str").str.startswith("=", na=False).to_numpy(bool))
        for i in hits:
            ws.cell(row=int(i) + 2, column=j).data_type = "s"  # type: ignore[attr-defined]


def _for_file(name: str, df: pd.DataFrame, chinese: bool) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype("str")
        elif pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = format_datetimes(s)
        elif pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.map({True: "true", False: "false"}, na_action="ignore")
    if chinese and name in schema.TABLES:
        tbl = schema.TABLES[name]
        zh = {c.name: c.zh for c in tbl.columns}
        out.columns = [zh.get(c, c) for c in out.columns]
    return out


def write_template(path: str | Path, *, tables: list[str] | None = None) -> Path:
    """Write the empty fill-in workbook: Chinese headers, one sheet per table, drop-downs.

    Every enum column gets a drop-down list (Excel data validation) of its Chinese values;
    a hidden ``枚举值`` sheet holds the lists. Each header carries a comment giving the
    English column name, whether it is required, and what it expects.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_template(pathlib.Path(tempfile.mkdtemp()) / "template.xlsx")
    >>> p.name
    'template.xlsx'
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    names = tables or list(schema.TABLES)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    lists = wb.create_sheet(ENUM_SHEET)
    enum_ranges: dict[str, str] = {}
    col_idx = 1
    seen: dict[str, str] = {}
    for name in names:
        for col in schema.enum_columns(schema.TABLES[name]):
            assert col.enum is not None
            if col.enum.name in seen:
                continue
            letter = get_column_letter(col_idx)
            lists.cell(row=1, column=col_idx, value=col.enum.name)
            for i, code in enumerate(col.enum.codes, start=2):
                lists.cell(row=i, column=col_idx, value=col.enum.zh(code))
            last = len(col.enum.codes) + 1
            seen[col.enum.name] = f"{quote_sheetname(ENUM_SHEET)}!${letter}$2:${letter}${last}"
            col_idx += 1
    enum_ranges.update(seen)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE68A")
    for name in names:
        tbl = schema.TABLES[name]
        ws = wb.create_sheet(tbl.zh)
        for j, col in enumerate(tbl.columns, start=1):
            cell = ws.cell(row=1, column=j, value=col.zh)
            cell.font = bold
            if col.required:
                cell.fill = required_fill
            what = col.expects
            cell.comment = Comment(
                f"{col.name}{' (必填 required)' if col.required else ''}: {what}", "regional_graph"
            )
            ws.column_dimensions[get_column_letter(j)].width = max(12, 3 * len(col.zh) + 4)
            if col.enum is not None:
                dv = DataValidation(
                    type="list",
                    formula1=enum_ranges[col.enum.name],
                    allow_blank=not col.required,
                    showErrorMessage=True,
                    errorTitle="无效的值",
                    error=f"请从下拉列表中选择{col.zh}",
                )
                ws.add_data_validation(dv)
                dv.add(f"{get_column_letter(j)}2:{get_column_letter(j)}5000")
        ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    wb.save(path)
    return path


def empty_tables() -> Tables:
    """Raw empty tables with the template's English headers (for building data in code).

    Examples
    --------
    >>> tables = empty_tables()
    >>> list(tables)
    ['areas', 'party_orgs', 'organizations', 'resources', 'demands', 'members', 'links', \
'activities', 'orders']
    >>> list(tables["areas"].columns), len(tables["areas"])
    (['id', 'name', 'level', 'parent_id'], 0)
    >>> list(tables["areas"].columns) == schema.AREAS.names, len(tables["areas"])
    (True, 0)
    """
    return {
        name: pd.DataFrame({c: pd.Series([], dtype="str") for c in tbl.names})
        for name, tbl in schema.TABLES.items()
    }


