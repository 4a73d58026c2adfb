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

import numpy as np
import pandas as pd
import pyarrow as pa

from . import schema
from .csvparse import (
    HEADER_SEARCH,
    Parsed,
    Prefetch,
    detect_encoding,  # noqa: F401  (io.detect_encoding: the one detection)
    header_index,
    parse_csv,
    table_of,
)
from .csvparse import dedupe as _dedupe
from .errors import FAILURE_COLUMNS, TableValidationError
from .frames import format_datetimes, safe_frame

log = logging.getLogger(__name__)

Tables = dict[str, pd.DataFrame]

#: The template's hidden sheet of drop-down lists.
ENUM_SHEET = "枚举值"


# --------------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------------


def read_tables(path: str | Path, *, prefetched: Prefetch | None = None) -> Tables:
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
    prefetched
        The folder's files parsed in the background since
        (:class:`regional_graph.csvparse.Prefetch`, started early by the command line):
        what it parsed is taken, with the same result.

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
        return _read_folder(path, prefetched)
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


def _read_folder(folder: Path, prefetched: Prefetch | None = None) -> Tables:
    out: Tables = {}
    sources: dict[str, Path] = {}
    files = [f for f in sorted(folder.iterdir()) if f.suffix.lower() == ".csv"]
    frames = _read_files([f for f in files if table_of(f) is not None], prefetched)
    for file in files:
        tbl = table_of(file)
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


def _read_files(files: list[Path], prefetched: Prefetch | None = None
                ) -> dict[Path, pd.DataFrame]:
    """Read CSV files concurrently, largest first (parsing and decoding happen in Arrow,
    which releases the GIL: two files are read on two cores at once), or finish reading what
    ``prefetched`` parsed (in file order: its threads parse them largest first)."""
    if prefetched is not None:
        return {f: read_csv(f, keep_going=True, _prefetched=prefetched) for f in files}
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


def read_csv(path: str | Path, *, keep_going: bool = False,
             _prefetched: Prefetch | None = None) -> pd.DataFrame:
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
        parsed = _prefetched.take(path) if _prefetched is not None else None
        return _read_csv(path, keep_going=keep_going,
                         parsed=parse_csv(path, table_of(path)) if parsed is None else parsed)
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


def _read_csv(path: Path, *, keep_going: bool, parsed: Parsed) -> pd.DataFrame:
    """The raw table of a parsed CSV file (rows of the wrong width and bare CRs read the
    careful way, each a problem of its row)."""
    if parsed.bare_cr is not None:
        return _read_with_bare_cr(path, parsed.bare_cr, keep_going=keep_going)
    head, k, header = parsed.head, parsed.k, parsed.header
    if not header:
        return pd.DataFrame()
    if parsed.table is None:  # the header alone (no row after it): a table with no rows
        return _sourced(pd.DataFrame({h: pd.Series([], dtype="str") for h in _dedupe(header)}
                                     ).set_axis(header, axis=1), path.name, head, k,
                        _name_of(path))
    if parsed.ragged:
        assert parsed.data is not None
        text = parsed.data.decode(parsed.encoding).lstrip("\ufeff")
        failures = _ragged_rows(path, text, len(header), skip=k)
        if not keep_going:
            raise TableValidationError(failures)
        records = list(csv.reader(_io.StringIO(text, newline="")))[k + 1:]
        frame = _padded(records, header)
        return _with_problems(_sourced(frame, path.name, head, k, _name_of(path)), failures)
    frame = parsed.table.to_pandas()
    frame.columns = header
    return _sourced(frame, path.name, head, k, _name_of(path))


def _name_of(path: Path) -> str:
    tbl = table_of(path)
    return tbl.name if tbl else path.name




def _padded(records: list[list[str]], header: list[str]) -> pd.DataFrame:
    """Records cut or padded to the header's width (empty cells missing)."""
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in records]
    frame = pd.DataFrame([[v if v != "" else None for v in r] for r in body],
                         columns=_dedupe(header), dtype="str")
    frame.columns = header
    return frame


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
    tbl = table_of(path)
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
    tbl = table_of(path)
    name = tbl.name if tbl else path.name
    rows = [
        [name, i, "", ",".join(cells), f"{len(cells)} {RAGGED}",
         f"{width} cells, one per header column (quote a value that holds a comma)"]
        for i, cells in enumerate(csv.reader(_io.StringIO(text, newline="")), start=1)
        if i > skip + 1 and cells and len(cells) != width
    ]
    return pd.DataFrame(rows, columns=FAILURE_COLUMNS)


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


