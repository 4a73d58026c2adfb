"""Validation: raw string tables → typed tables, every problem collected at once.

Checks, all vectorised (one pass per column, parsing each distinct value once): missing
required columns, a column given twice, empty required cells, duplicate ids (also across
tables), references to missing ids or to nodes of the wrong kind, link endpoints of the wrong
kinds for the link type, unknown enum values (English or Chinese), negative, non-integer or
out-of-range numbers, unparseable dates, end before start, hierarchy cycles.

Typed tables have every template column (missing optional columns come back empty) in template
order, then any extra columns the user's table carried (kept as text, never dropped). Enums
hold canonical English codes (``类型=医院`` → ``hospital``); dates are ``datetime64[s]``.

Examples
--------
>>> import pandas as pd
>>> raw = {"areas": pd.DataFrame({"编号": ["d", "s1"], "名称": ["芝罘区", "向阳街道"],
...                                 "层级": ["区", "街道"], "上级编号": [None, "d"]})}
>>> validate_tables(raw)["areas"]["level"].tolist()
['district', 'street']
>>> raw["areas"].loc[1, "层级"] = "镇区"
>>> try:
...     validate_tables(raw)
... except TableValidationError as err:
...     print(err.failures[["table", "row", "column", "value"]].to_string(index=False))
table  row column value
areas    3  level    镇区
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .errors import FAILURE_COLUMNS, TableValidationError
from .frames import concat_arrow, to_text_frame
from .io import (
    NOTE_COLUMNS,
    SOURCE,
    Tables,
    broken_rows,
    column_letter,
    read_notes,
    read_problems,
)

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+(\d{1,2})\s*[:时]\s*(\d{1,2})\s*(?:[:分]\s*(\d{1,2})(?:\.\d+)?\s*秒?)?分?)?$"
)
_CONTROL_RE = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
#: What Excel shows in a cell whose formula failed (never a name or an id).
_EXCEL_ERROR = r"^#(N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$"
#: Tables of at least this many cells in all are parsed in two threads (the columns of each
#: table of at least a quarter of it).
PARALLEL_CELLS = 200_000
#: Longest text accepted in a cell (Excel's own limit).
MAX_TEXT = 32_767
_BOOL = {**dict.fromkeys(schema.BOOL_TRUE, True), **dict.fromkeys(schema.BOOL_FALSE, False)}
_BOOL_CODE: dict[bool | None, int] = {True: 1, False: 0}
#: Full-width digits, sign, point and comma (Chinese input methods type these).
_FULL_WIDTH = "[０-９－＋．，]"
#: A number with thousands separators, in groups of three (``1,234``, ``-12,000.5``).
_THOUSANDS = r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
#: Day 0 of Excel's serial dates (1900 date system, with its leap-year quirk folded in).
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")
#: Key of the failures table's ``attrs`` naming each table and column as the user named it:
#: table → ``{"name": file or sheet, "columns": {column: [letter, header]}, "letters": …}``.
SOURCES = "sources"
#: Key of the failures table's ``attrs`` holding what was accepted and normalised (a table of
#: ``NOTE_COLUMNS``): shown by ``regional-graph check`` even when there is no problem.
NOTES = "notes"


def parse_date(text: str) -> dt.date | None:
    """Parse ``2024-03-01``, ``2024/3/1``, ``2024.3.1``, ``20240301`` or ``2024年3月1日``.

    Examples
    --------
    >>> parse_date("2024年3月1日")
    datetime.date(2024, 3, 1)
    >>> parse_date("2024/3/1"), parse_date("2024-02-30")  # no 30 February
    (datetime.date(2024, 3, 1), None)
    """
    text = text.strip()
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """Parse a date with an optional time: ``2024-03-01 14:30``, ``2024/3/1 9:05:00``,
    ``2024年3月1日 14时30分`` or a plain date (midnight).

    Examples
    --------
    >>> parse_datetime("2024/3/1 9:05")
    datetime.datetime(2024, 3, 1, 9, 5)
    """
    m = _DATETIME_RE.match(text.strip())
    if not m:
        day = parse_date(text)
        return None if day is None else dt.datetime(day.year, day.month, day.day)
    try:
        return dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0),
                           int(m[6] or 0))
    except ValueError:
        return None


def validate_tables(raw: Mapping[str, pd.DataFrame]) -> Tables:
    """Type and check raw tables; raise :class:`TableValidationError` listing every problem.

    Parameters
    ----------
    raw
        Table name (English or Chinese) → DataFrame as read from a file (cells as text;
        typed columns are accepted too and checked the same way).

    Returns
    -------
    dict
        Table name → typed DataFrame, for :func:`regional_graph.build.graph_from_tables`.

    Examples
    --------
    >>> import regional_graph as rg
    >>> raw = {name: to_text_frame(df)
    ...        for name, df in rg.datasets.sample_district_tables().items()}
    >>> typed = validate_tables(raw)
    >>> str(typed["areas"]["level"].dtype), str(typed["links"]["start"].dtype)
    ('category', 'datetime64[s]')
    >>> raw["links"].loc[0, "target_id"] = "nope"
    >>> try:
    ...     validate_tables(raw)
    ... except TableValidationError as err:
    ...     print(err.failures.loc[0, "problem"])
    unknown id
    """
    return validate_with_codes(raw)[0]


def validate_with_codes(raw: Mapping[str, pd.DataFrame]) -> tuple[Tables, Resolved | None]:
    """:func:`validate_tables`, and what it resolved on the way for building the graph: the
    hand-off of :func:`regional_graph.build.load_graph` to the build (``None`` when there is
    nothing to hand on).

    Examples
    --------
    >>> import regional_graph as rg
    >>> typed, resolved = validate_with_codes(rg.io.read_tables(rg.datasets.TINY))
    >>> [resolved.ids[c[0]].as_py() for c in resolved.codes_of(
    ...     [("links", "source_id"), ("links", "target_id")])]
    ['O3', 'PB1']
    """
    typed, failures, resolved = _checked(raw)
    if len(failures):
        raise TableValidationError(failures)
    return typed, resolved


def check_tables(raw: Mapping[str, pd.DataFrame]) -> tuple[Tables, pd.DataFrame]:
    """Like :func:`validate_tables` but return ``(typed_tables, failures)`` without raising.

    Examples
    --------
    >>> import regional_graph as rg
    >>> raw = rg.io.read_tables(rg.datasets.TINY)
    >>> typed, failures = check_tables(raw)
    >>> len(typed["organizations"]), len(failures)
    (8, 0)
    >>> raw["areas"].loc[5, "level"] = "镇区"  # C3, line 7 of areas.csv
    >>> raw["organizations"].loc[6, "party_members"] = "三"  # O7, line 8
    >>> _, failures = check_tables(raw)
    >>> print(failures[["table", "row", "column", "value", "problem"]].to_string(index=False))
            table  row        column value            problem
            areas    7         level    镇区 unknown area level
    organizations    8 party_members     三       not a number
    """
    typed, failures, _ = _checked(raw)
    return typed, failures


def _checked(raw: Mapping[str, pd.DataFrame]) -> tuple[Tables, pd.DataFrame, Resolved | None]:
    """The typed tables, the failures, and the ids and reference codes found on the way."""
    run = _Run()
    frames: dict[str, pd.DataFrame] = {}
    for given, df in raw.items():
        notes = read_notes(df)  # what reading normalised (title rows skipped, …)
        if notes is not None:
            run.notes.append(notes)
        found = read_problems(df)  # problems met while reading the file (ragged rows, …)
        if found is not None:
            run.parts.append(found.astype({"row": "object"}))
            if not len(df.columns):
                run.unreadable.add(str(given))
        try:
            tbl = schema.table(given)
        except KeyError:
            if found is not None:  # already reported while reading (a misnamed file)
                continue
            run.fail(given, None, "", None, "unknown table",
                     "a table of the template, named (file or sheet) one of: "
                     + ", ".join(f"{n}/{t.zh}" for n, t in schema.TABLES.items()))
            continue
        if str(given) in run.unreadable:
            run.unreadable.add(tbl.name)
        if tbl.name in frames:
            run.fail(tbl.name, None, "", given, "table given twice", "each table once")
            continue
        frames[tbl.name] = df
    for name, tbl in schema.TABLES.items():
        if name not in frames and not tbl.optional:
            run.fail(name, None, "", None, "missing table", f"a {name} ({tbl.zh}) table")
    run.parse_tables([(tbl, frames.get(name)) for name, tbl in schema.TABLES.items()])
    run.check_ids()
    run.check_references()
    run.check_links()
    run.check_validity_dates()
    run.check_hierarchies()
    run.check_activities()
    run.check_orders()
    run.check_skills()
    failures = run.failures()
    lost = sorted(n for n in run.unreadable if n in schema.TABLES)
    if lost:  # ids of a table that could not be read are unknown to every other table
        unknown = failures["problem"].eq("unknown id").to_numpy(dtype=bool)
        if unknown.any():
            note = pd.DataFrame([[n, None, "", None, f"{int(unknown.sum())} references to ids "
                                  "not checked", "a readable file for this table"]
                                 for n in lost], columns=FAILURE_COLUMNS)
            failures = pd.concat([failures[~unknown], note], ignore_index=True)
    ragged = broken_rows(failures["problem"])
    if ragged.any():  # a row of the wrong width: its cells may be shifted, report only that
        broken = pd.MultiIndex.from_frame(failures.loc[ragged, ["table", "row"]])
        keys = pd.MultiIndex.from_frame(failures[["table", "row"]])
        failures = failures[ragged | ~keys.isin(broken)].reset_index(drop=True)
    failures.attrs[SOURCES] = run.sources
    failures.attrs[NOTES] = run.notes_table()
    return run.typed, failures, run.resolved()


@dataclass(frozen=True)
class Resolved:
    """What validation computed on the way that building the graph needs again: every node
    id in code order (node tables in template order, rows in order) and each reference
    column's codes (position of the id, -1 when empty or unknown). It belongs to the typed
    tables it was found with (:func:`validate_with_codes` returns both together)."""

    ids: pa.Array
    codes: Mapping[tuple[str, str], np.ndarray]

    def codes_of(self, keys: list[tuple[str, str]]) -> list[np.ndarray]:
        """The codes of the reference columns ``keys`` (none for an empty table)."""
        return [self.codes.get(key, np.zeros(0, np.int64)) for key in keys]


# --------------------------------------------------------------------------------------------


@dataclass
class _Run:
    typed: Tables = field(default_factory=dict)
    rows: dict[str, np.ndarray] = field(default_factory=dict)  # file row number per typed row
    parts: list[pd.DataFrame] = field(default_factory=list)
    present: dict[str, set[str]] = field(default_factory=dict)  # columns the user gave
    ids: pa.Array | None = None
    labels: np.ndarray | None = None
    ref_codes: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    id_offsets: dict[str, int] = field(default_factory=dict)  # first position of each table
    unique_ids: bool = False
    unreadable: set[str] = field(default_factory=set)  # tables whose file could not be read
    sources: dict[str, dict[str, object]] = field(default_factory=dict)  # as the user named
    notes: list[pd.DataFrame] = field(default_factory=list)  # what was normalised

    def note(self, table: str, column: str, note: str, mask: np.ndarray,
             values: pd.Series | np.ndarray) -> None:
        """Record that the cells of ``mask`` were accepted after normalising them."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            example = str(np.asarray(values, dtype=object)[mask][0])
            self.notes.append(pd.DataFrame([[table, column, note, int(mask.sum()), example]],
                                           columns=NOTE_COLUMNS))

    def resolved(self) -> Resolved | None:
        """The ids and reference codes found on the way (``None`` when an id is empty: the
        graph matches an empty reference to it, validation does not)."""
        if self.ids is None or self.ids.null_count:
            return None
        return Resolved(self.ids, self.ref_codes)

    def notes_table(self) -> pd.DataFrame:
        if not self.notes:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in NOTE_COLUMNS})
        return pd.concat(self.notes, ignore_index=True)

    # -- recording ----------------------------------------------------------------------
    def fail(
        self, table: str, row: object, column: str, value: object, problem: str, expected: str
    ) -> None:
        self.parts.append(
            pd.DataFrame([[table, row, column, value, problem, expected]], columns=FAILURE_COLUMNS)
        )

    def fail_rows(
        self,
        table: str,
        mask: np.ndarray,
        column: str,
        values: pd.Series | np.ndarray,
        problem: str | pd.Series | np.ndarray,
        expected: str | pd.Series | np.ndarray,
    ) -> None:
        """Record one problem per row where ``mask`` is true (vectorised)."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        vals = np.asarray(values, dtype=object)[mask]
        part = pd.DataFrame(
            {
                "table": table,
                "row": self.rows[table][mask],
                "column": column,
                "value": [None if _missing(v) else _short(str(v)) for v in vals],
                "problem": _pick(problem, mask),
                "expected": _pick(expected, mask),
            }
        )
        self.parts.append(part)

    def failures(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in FAILURE_COLUMNS})
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["row"].astype("Int64")
        order = {name: i for i, name in enumerate(schema.TABLES)}
        out["_t"] = out["table"].map(order).fillna(len(order))
        out = out.sort_values(["_t", "row"], kind="stable", na_position="first")
        return out.drop(columns="_t").reset_index(drop=True)

    # -- per table ----------------------------------------------------------------------
    def parse_tables(self, work: list[tuple[schema.Table, pd.DataFrame | None]]) -> None:
        """Parse the tables one after the other, the columns of a large table side by side
        in two threads (most of the work is in Arrow and numpy, which release the GIL)."""
        size = sum(len(df) * len(df.columns) for _, df in work if df is not None)
        if size < PARALLEL_CELLS or (os.cpu_count() or 1) < 2:
            for tbl, df in work:
                self.parse_table(tbl, df)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            for tbl, df in work:
                self.parse_table(tbl, df, pool)

    def parse_columns(self, tbl: schema.Table, todo: list[tuple[schema.Column, pd.Series]],
                      pool: Executor | None) -> list[object]:
        """Parse columns; in ``pool``, each into its own run, merged in column order, so that
        problems and notes come out as from one thread."""
        if pool is None or len(todo) < 2:
            return [self.parse_column(tbl, spec, s) for spec, s in todo]
        runs = [_Run(unreadable=self.unreadable, rows=self.rows) for _ in todo]
        values = list(pool.map(lambda i: runs[i].parse_column(tbl, *todo[i]), range(len(todo))))
        for run in runs:
            self.parts.extend(run.parts)
            self.notes.extend(run.notes)
        return values

    def parse_table(self, tbl: schema.Table, df: pd.DataFrame | None,
                    pool: Executor | None = None) -> None:
        if df is None:
            df = pd.DataFrame({c: pd.Series([], dtype="str") for c in tbl.required})
        source = dict(df.attrs.get(SOURCE, {}))
        df = to_text_frame(df) if not all(df.dtypes == "str") else df
        df.attrs[SOURCE] = source
        lookup = schema.header_lookup(tbl)
        rename: dict[str, str] = {}
        extras: list[str] = []
        for header in df.columns:
            canon = lookup.get("".join(str(header).split()).lower())
            if canon is None:
                if str(header) not in extras:
                    extras.append(str(header))
            elif canon in rename.values():
                first = next(h for h, c in rename.items() if c == canon)
                self.fail(tbl.name, 1, canon, str(header), "column given twice",
                          f"one column for {canon} (already given as {first!r})")
            else:
                rename[str(header)] = canon
        present = set(rename.values())
        self.present[tbl.name] = present
        self.record_source(tbl, df, rename)
        for col in tbl.required:
            if col not in present and tbl.name not in self.unreadable:
                c = tbl.column(col)
                self.fail(tbl.name, 1, col, None, "missing required column",
                          f"a column {c.name!r} (or {c.zh!r})")
        # drop entirely empty rows, remember file row numbers (header = row 1)
        keep = _non_empty_rows(df)
        header_row = int(df.attrs.get(SOURCE, {}).get("header_row", 1))
        rows = np.flatnonzero(keep) + header_row + 1
        df = df.iloc[np.flatnonzero(keep)] if not keep.all() else df
        self.rows[tbl.name] = rows
        n = len(df)
        out: dict[str, object] = {}
        todo = []
        for spec in tbl.columns:
            header = next((h for h, c in rename.items() if c == spec.name), None)
            if header is None:
                out[spec.name] = _empty(spec, n)
                continue
            s = df.iloc[:, list(df.columns).index(header)] if _dup(df, header) else df[header]
            todo.append((spec, s.reset_index(drop=True)))
        if len(df) * len(df.columns) < PARALLEL_CELLS // 4:
            pool = None  # a small table: not worth the threads
        out.update(zip([spec.name for spec, _ in todo], self.parse_columns(tbl, todo, pool),
                       strict=True))
        typed = pd.DataFrame({spec.name: out[spec.name] for spec in tbl.columns})
        positions = [i for i, h in enumerate(df.columns) if str(h) in extras]
        for pos in positions:  # by position: a ledger may carry two columns of one name
            header = str(df.columns[pos]).strip()
            values = df.iloc[:, pos].reset_index(drop=True).astype("str")
            if not header:  # a column with no header: fine when empty, else a problem
                filled = values.notna().to_numpy()
                self.fail_rows(tbl.name, filled, column_letter(pos + 1), values,
                               "value in a column without a header",
                               "a header for this column, or an empty cell")
                continue
            values = self.unescape_formulas(tbl.name, header, values)
            self.check_control_characters(tbl.name, header, values)
            name, k = header, 2
            while name in typed.columns:
                name, k = f"{header} ({k})", k + 1
            typed[name] = values
        self.typed[tbl.name] = typed

    def record_source(self, tbl: schema.Table, df: pd.DataFrame, rename: dict[str, str]) -> None:
        """Remember the table's file or sheet name and each column's header and letter as the
        user wrote them, so that problems name them in the user's words."""
        given = df.attrs.get(SOURCE, {})
        letters = {column_letter(i + 1): str(h) for i, h in enumerate(df.columns)}
        columns = {}
        for i, h in enumerate(df.columns):
            canon = rename.get(str(h))
            if canon is not None and canon not in columns:
                columns[canon] = [column_letter(i + 1), str(h)]
        self.sources[tbl.name] = {"name": given.get("name"), "columns": columns,
                                  "letters": letters}

    def parse_column(self, tbl: schema.Table, col: schema.Column, s: pd.Series) -> object:
        t = tbl.name
        if col.dtype != "str":
            s = _strip(s)
        if col.required:
            empty = (_strip(s) if col.dtype == "str" else s).isna().to_numpy()  # "  " is empty
            self.fail_rows(t, empty, col.name, s, "empty required cell",
                           "non-empty text" if col.dtype == "str" else col.expects)
        if col.dtype in {"str", "id", "ref"}:
            s = self.unescape_formulas(t, col.name, s)
            self.check_control_characters(t, col.name, s)
            return s.astype("str")
        if col.dtype == "enum":
            return self.parse_enum(t, col, s)
        if col.dtype in {"int", "float"}:
            return self.parse_number(t, col, s)
        if col.dtype in {"date", "datetime"}:
            return self.parse_dates(t, col, s)
        if col.dtype == "bool":
            flag = _map_unique(s, lambda v: _BOOL_CODE.get(_BOOL.get(v.strip().lower()), -1),
                               dtype=np.int8, missing=-1)  # 1 yes, 0 no, -1 empty or unknown
            bad = s.notna().to_numpy() & (flag < 0)
            self.fail_rows(t, bad, col.name, s, "not a yes/no value", col.expects)
            return pd.arrays.BooleanArray(flag == 1, flag < 0)
        raise AssertionError(col.dtype)

    def parse_enum(self, t: str, col: schema.Column, s: pd.Series) -> pd.Categorical:
        assert col.enum is not None
        lookup = col.enum.lookup
        position = {code: i for i, code in enumerate(col.enum.codes)}
        codes = _map_unique(
            s, lambda v: position.get(lookup.get("".join(v.split()).lower(), ""), -1),
            dtype=np.int16, missing=-1,
        )
        bad = s.notna().to_numpy() & (codes < 0)
        self.fail_rows(t, bad, col.name, s, f"unknown {col.enum.name}", col.expects)
        if col.enum is schema.PRIORITY:
            digits = s.str.fullmatch(r"\s*[123]\s*", na=False).to_numpy(dtype=bool)
            self.note(t, col.name, "numbers read as priorities (1 high, 2 medium, 3 low)",
                      digits, s)
        return pd.Categorical.from_codes(codes, categories=col.enum.codes)

    def parse_number(self, t: str, col: schema.Column, s: pd.Series) -> pd.Series:
        given = s.notna().to_numpy()
        num = _plain_numbers(s)
        if num is None:  # something else than plain decimals: normalise, then pandas decides
            num = pd.to_numeric(self.normalise_digits(t, col.name, s), errors="coerce"
                                ).to_numpy(dtype="float64", na_value=np.nan)
        bad = given & ~np.isfinite(num)
        self.fail_rows(t, bad, col.name, s, "not a number", col.expects)
        ok = given & ~bad
        if col.dtype == "int":
            huge = ok & (np.abs(num) > 2**53)  # beyond exact integers of a float64
            self.fail_rows(t, huge, col.name, s, "number too large", col.expects)
            ok &= ~huge
            frac = ok & (num != np.round(num))
            self.fail_rows(t, frac, col.name, s, "not a whole number", col.expects)
            ok &= ~frac
        if col.minimum is not None:
            low = ok & (num < col.minimum)
            problem = "negative count" if col.minimum == 0 else f"below {col.minimum:g}"
            self.fail_rows(t, low, col.name, s, problem, col.expects)
        if col.maximum is not None:
            high = ok & (num > col.maximum)
            self.fail_rows(t, high, col.name, s, f"above {col.maximum:g}", col.expects)
        values = pd.Series(np.where(ok, num, np.nan))
        return values if col.dtype == "float" else values.astype("Int64")

    def normalise_digits(self, t: str, column: str, s: pd.Series) -> pd.Series:
        """Full-width digits (１２３) as digits and thousands separators (1,234) dropped,
        each noted; the values shown in problems stay as the user wrote them."""
        text = s.astype("str")
        wide = text.str.contains(_FULL_WIDTH, regex=True, na=False).to_numpy(dtype=bool)
        if wide.any():
            self.note(t, column, "full-width digits read as digits", wide, text)
            text = text.where(~wide, text.map(_nfkc, na_action="ignore"))
        grouped = text.str.fullmatch(_THOUSANDS, na=False).to_numpy(dtype=bool)
        if grouped.any():
            self.note(t, column, "thousands separators removed", grouped, s)
            text = text.where(~grouped, text.str.replace(",", "", regex=False))
        return text

    def parse_dates(self, t: str, col: schema.Column, s: pd.Series) -> pd.Series:
        """Dates as written (see :func:`parse_date`), full-width digits, and Excel serial
        day numbers (45566 → 2024-10-01), each normalisation noted."""
        nat = np.datetime64("NaT", "s")
        given = s.notna().to_numpy()
        text = self.normalise_digits(t, col.name, s) if not _plain_ascii(s) else s
        parse = parse_date if col.dtype == "date" else parse_datetime
        dates = _map_unique_dates(text, parse, _ISO_FORMATS[col.dtype])
        unparsed = given & np.isnat(dates)
        if not unparsed.any():  # the common case: every date as written
            return pd.Series(dates)
        serial = unparsed & text.where(unparsed).str.fullmatch(
            r"\d{5}(\.\d+)?", na=False).to_numpy(dtype=bool)
        if serial.any():
            days = pd.to_numeric(text.where(serial), errors="coerce").to_numpy(dtype="float64")
            days = np.where(serial, days, 0.0)
            if col.dtype == "date":
                days = np.floor(days)
            when = _EXCEL_EPOCH + (days * 86400).round().astype("int64", copy=False
                                                                 ).astype("timedelta64[s]")
            dates = np.where(serial, when, dates)
            self.note(t, col.name, "Excel serial dates read as dates", serial, s)
        if col.dtype == "date" and (given & np.isnat(dates)).any():  # a date-time cell
            stamped = _map_unique(text.where(given & np.isnat(dates)), parse_datetime,
                                  dtype="datetime64[s]", missing=nat)
            timed = ~np.isnat(stamped)
            dates = np.where(timed, stamped.astype("datetime64[D]").astype("datetime64[s]"),
                             dates)
            self.note(t, col.name, "times of day dropped (a date column)", timed, s)
        bad = given & np.isnat(dates)
        self.fail_rows(t, bad, col.name, s, "unparseable date", col.expects)
        return pd.Series(dates)

    def unescape_formulas(self, t: str, column: str, s: pd.Series) -> pd.Series:
        """Text that a spreadsheet-safe export wrote with a leading ``'`` (``'=A1``) is read
        back without it, noted (:func:`regional_graph.frames.safe_cell` writes it)."""
        if not len(s) or not _may_hold(s, _QUOTE_BYTES):
            return s
        hit = s.str.match(r"'+[=+\-@\t\r]", na=False).to_numpy(dtype=bool)
        if not hit.any():
            return s
        self.note(t, column, "formula escape removed (a leading ')", hit, s)
        return s.where(~hit, s.str.slice(1))

    def check_control_characters(self, table: str, column: str, s: pd.Series) -> None:
        """Control characters (e.g. a vertical tab pasted from Excel) break workbooks and
        maps: report them instead of passing them on."""
        if not len(s):
            return
        arr = pa.array(s.astype("str"), type=pa.large_string(), from_pandas=True)
        if _may_hold_control(arr):  # one pass over the bytes spares the regex
            hit = pc.match_substring_regex(arr, _CONTROL_RE)
            mask = pc.fill_null(hit, False).to_numpy(zero_copy_only=False)
            if mask.any():
                self.fail_rows(table, mask, column, s.map(repr, na_action="ignore"),
                               "control character in text",
                               "text without control characters (tabs and line breaks are fine)")
        if _bytes_hit(arr, _HASH_BYTES):  # every Excel error starts with "#"
            excel = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(arr),
                                                          _EXCEL_ERROR),
                                 False).to_numpy(zero_copy_only=False)
            if excel.any():
                self.fail_rows(table, excel, column, s, "Excel error value",
                               "a value, not the error a formula shows (fix the formula in "
                               "the file, or type the value)")
        if (pc.max(pc.binary_length(arr)).as_py() or 0) <= MAX_TEXT:  # bytes ≥ characters
            return
        length = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
        long = np.nan_to_num(length.astype("float64"), nan=0) > MAX_TEXT
        if long.any():
            self.fail_rows(table, long, column, s, "text too long",
                           f"at most {MAX_TEXT:,} characters (the limit of an Excel cell)")

    # -- across tables -------------------------------------------------------------------
    def check_ids(self) -> None:
        """Duplicate ids, and every reference resolved, in one hash table of all ids: the ids
        and the reference columns are looked up together (building the table of millions of
        ids costs as much as looking up all references, so it is built once)."""
        chunks: list[pa.Array | pa.ChunkedArray] = []
        labels, tables, rows = [], [], []
        start = 0
        for code, tbl in enumerate(schema.NODE_TABLES.values()):
            ids = self.typed[tbl.name]["id"]
            self.id_offsets[tbl.name] = start
            start += len(ids)
            chunks.append(_arrow(ids))
            labels.append(np.full(len(ids), code, dtype=np.int8))
            tables.append(np.full(len(ids), code, dtype=np.int8))
            rows.append(self.rows[tbl.name])
        all_ids = concat_arrow(chunks).combine_chunks()
        self.ids = all_ids
        self.labels = np.concatenate(labels) if labels else np.zeros(0, np.int8)
        own = self.resolve_references(all_ids)  # own[i]: first position of id i (-1 empty)
        dup = (own >= 0) & (own != np.arange(len(own)))
        self.unique_ids = not dup.any()
        if self.unique_ids:
            return
        names = list(schema.NODE_TABLES.values())
        tcode = np.concatenate(tables)
        rownum = np.concatenate(rows)
        for i in np.flatnonzero(dup):  # every later row of a repeated id, in table order
            first, value = own[i], all_ids[int(i)].as_py()
            self.fail(names[tcode[i]].name, int(rownum[i]), "id", value, "duplicate id",
                      f"a unique id; {value!r} is already used in {names[tcode[first]].name} "
                      f"row {rownum[first]}")

    def resolve_references(self, all_ids: pa.Array) -> np.ndarray:
        """Look every reference column up in one pass (one hash table for all ids), together
        with the ids themselves; returns the first position of each id (-1 when empty)."""
        keys = [(t.name, c.name) for t in schema.TABLES.values() for c in t.columns
                if c.dtype == "ref" and len(self.typed[t.name])]
        parts = [_arrow(self.typed[t][c]) for t, c in keys]
        found = self.codes_of(concat_arrow([all_ids, *parts]))
        bounds = np.cumsum([len(all_ids), *(len(p) for p in parts)])
        for key, (lo, hi) in zip(keys, itertools.pairwise(bounds), strict=True):
            self.ref_codes[key] = found[lo:hi]
        return found[:len(all_ids)]

    def codes_of(self, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        assert self.ids is not None
        found = pc.index_in(values, value_set=self.ids, skip_nulls=True)  # empty ≠ empty id
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)

    def check_references(self) -> None:
        assert self.labels is not None
        label_list = list(schema.NODE_TABLES)
        for tbl in schema.TABLES.values():
            df = self.typed[tbl.name]
            for col in tbl.columns:
                if col.dtype != "ref" or not len(df):
                    continue
                s = df[col.name]
                given = s.notna().to_numpy()
                code = self.ref_codes[(tbl.name, col.name)]
                unknown = given & (code < 0)
                self.fail_rows(tbl.name, unknown, col.name, s, "unknown id", col.expects)
                if set(col.refs) == set(schema.Label):
                    continue
                allowed = np.array([lbl in col.refs for lbl in label_list])
                ok = code >= 0
                wrong = ok.copy()
                wrong[ok] = ~allowed[self.labels[code[ok]]]
                if wrong.any():
                    found = np.array([label_list[i].value for i in range(len(label_list))])
                    got = np.where(wrong, found[self.labels[np.where(ok, code, 0)]], "")
                    self.fail_rows(tbl.name, wrong, col.name, s,
                                   pd.Series(got).map(lambda g: f"id of {_a(g)} {g}, wrong kind"),
                                   col.expects)
                if col.rel in {schema.RelType.PART_OF, schema.RelType.SUBORDINATE_TO}:
                    own = df["id"].to_numpy(dtype=object)
                    selfref = given & (s.to_numpy(dtype=object) == own)
                    self.fail_rows(tbl.name, selfref, col.name, s,
                                   "hierarchy cycle: its own parent", "the id of another node")

    def check_links(self) -> None:
        assert self.labels is not None
        df = self.typed["links"]
        if not len(df):
            return
        label_list = list(schema.NODE_TABLES)
        src, dst = self.ref_codes[("links", "source_id")], self.ref_codes[("links", "target_id")]
        tcode = df["type"].cat.codes.to_numpy()
        link_types = schema.LINK_TYPE.codes
        for end, code, col in (("source", src, "source_id"), ("target", dst, "target_id")):
            allowed = np.zeros((len(link_types), len(label_list)), dtype=bool)
            for i, lt in enumerate(link_types):
                ends = schema.LINK_ENDPOINTS[lt][0 if end == "source" else 1]
                allowed[i] = [lbl in ends for lbl in label_list]
            ok = (code >= 0) & (tcode >= 0)
            wrong = ok.copy()
            wrong[ok] = ~allowed[tcode[ok], self.labels[code[ok]]]
            if wrong.any():
                found = np.array([lbl.value for lbl in label_list], dtype=object)
                got = found[self.labels[np.where(ok, code, 0)]]
                tname = np.array(link_types, dtype=object)[np.where(tcode >= 0, tcode, 0)]
                side = int(end == "target")
                expected = [
                    f"{_a(schema.LINK_ENDPOINTS[tn][side][0])} "
                    f"{' or '.join(x.value for x in schema.LINK_ENDPOINTS[tn][side])}"
                    f" as the {end} of a {tn} link"
                    for tn in tname[wrong]
                ]
                exp = np.empty(len(df), dtype=object)
                exp[wrong] = expected
                prob = np.empty(len(df), dtype=object)
                prob[wrong] = [f"{end} is {_a(g)} {g}, wrong kind for this link type"
                               for g in got[wrong]]
                self.fail_rows("links", wrong, col, df[col], prob, exp)
        same = (src >= 0) & (src == dst)
        self.fail_rows("links", same, "target_id", df["target_id"],
                       "link from a node to itself", "a different node than source_id")
        start, end = df["start"].to_numpy(), df["end"].to_numpy()
        before = ~pd.isna(start) & ~pd.isna(end) & (end < start)
        if before.any():
            self.fail_rows("links", before, "end", df["end"].dt.strftime("%Y-%m-%d"),
                           "end before start", "an end date on or after the start date")

    def check_validity_dates(self) -> None:
        """An organisation or Party org is dissolved on or after the day it was founded."""
        for tname in ("organizations", "party_orgs"):
            df = self.typed[tname]
            if not len(df) or "dissolved" not in df or "founded" not in df:
                continue
            founded, dissolved = df["founded"].to_numpy(), df["dissolved"].to_numpy()
            before = ~pd.isna(founded) & ~pd.isna(dissolved) & (dissolved < founded)
            if before.any():
                self.fail_rows(tname, before, "dissolved",
                               df["dissolved"].dt.strftime("%Y-%m-%d"),
                               "撤销日期早于成立日期 (dissolved before founded)",
                               "不早于成立日期的撤销日期 (a dissolved date on or after founded)")

    def check_hierarchies(self) -> None:
        for tname in ("areas", "party_orgs"):
            df = self.typed[tname]
            if not len(df):
                continue
            parent = self.parents(tname, df)
            self.check_level_order(tname, df, parent)
            on_cycle = cycle_members(parent)
            on_cycle &= parent != np.arange(len(parent))  # self-parents reported already
            if not on_cycle.any():
                continue
            ids = df["id"].astype(object).where(df["id"].notna(), "(空)").to_numpy(dtype=object)
            paths = []
            for i in np.flatnonzero(on_cycle):
                path, j = [ids[i]], parent[i]
                while j != i and len(path) < 12:
                    path.append(ids[j])
                    j = parent[j]
                paths.append(" → ".join([*path, ids[i]] if j == i else [*path, "…"]))
            prob = np.empty(len(df), dtype=object)
            prob[on_cycle] = [f"hierarchy cycle: its own ancestor ({p})" for p in paths]
            self.fail_rows(tname, on_cycle, "parent_id", df["parent_id"], prob,
                           "a parent chain that ends at a top-level node")

    def parents(self, tname: str, df: pd.DataFrame) -> np.ndarray:
        """Row of each row's parent in its own table (-1: none, or not in this table)."""
        code = self.ref_codes.get((tname, "parent_id"))
        if self.unique_ids and code is not None:  # the lookup of all references, shifted
            lo = self.id_offsets[tname]
            return np.where((code >= lo) & (code < lo + len(df)), code - lo, -1)
        # a duplicated id resolves to its first row; an empty id is nobody's parent
        found = pc.index_in(_arrow(df["parent_id"]), value_set=_arrow(df["id"]), skip_nulls=True)
        return pc.fill_null(found, -1).to_numpy().astype(np.int64)

    def check_level_order(self, tname: str, df: pd.DataFrame, parent: np.ndarray) -> None:
        """A street's parent must be a district, a community's a street, …; a street Party
        working committee leads a street (:data:`schema.PARENT_LEVELS`, ``LEADS_LEVELS``)."""
        rule = schema.PARENT_LEVELS[tname]
        codes = list(df["level"].cat.categories)
        level = df["level"].cat.codes.to_numpy()
        allowed = np.array([[p in rule.get(c, ()) for p in codes] for c in codes], dtype=bool)
        has = (parent >= 0) & (level >= 0)
        p_level = np.where(has, level[np.where(parent >= 0, parent, 0)], -1)
        has &= p_level >= 0
        wrong = has.copy()
        wrong[has] = ~allowed[level[has], p_level[has]]
        if wrong.any():
            names = np.array(codes, dtype=object)
            prob = np.array([f"parent of level {names[p]}, wrong level order" if p >= 0 else ""
                             for p in p_level], dtype=object)
            exp = np.array([("a parent of level " + " or ".join(rule[names[c]]))
                            if c >= 0 and rule.get(names[c]) else "no parent" for c in level],
                           dtype=object)
            self.fail_rows(tname, wrong, "parent_id", df["parent_id"], prob, exp)
        if tname == "party_orgs":
            self.check_leads(df)

    def check_leads(self, df: pd.DataFrame) -> None:
        code = self.ref_codes.get(("party_orgs", "area_id"))
        areas = self.typed["areas"]
        if code is None or not len(areas):
            return
        pos = code  # ids are numbered table by table, areas first
        ok = (code >= 0) & (pos < len(areas)) & df["level"].notna().to_numpy()
        # a table of (Party org level, area level) → wrong, looked up by the level codes
        leads = schema.LEADS_LEVELS
        bad = np.array([[o in leads and a not in leads[o] for a in areas["level"].cat.categories]
                        for o in df["level"].cat.categories], dtype=bool).reshape(
            len(df["level"].cat.categories), len(areas["level"].cat.categories))
        org_code = df["level"].cat.codes.to_numpy()
        area_code = np.full(len(df), -1, dtype=np.int64)
        area_code[ok] = areas["level"].cat.codes.to_numpy()[pos[ok]]
        has = (org_code >= 0) & (area_code >= 0)
        wrong = np.zeros(len(df), dtype=bool)
        wrong[has] = bad[org_code[has], area_code[has]]
        if wrong.any():
            area_level = np.full(len(df), "", dtype=object)
            known = areas["level"].astype(object).where(areas["level"].notna(), "")
            area_level[ok] = known.to_numpy(dtype=object)[pos[ok]]
            org_level = df["level"].astype("str").to_numpy(dtype=object)
            prob = np.array([f"leads an area of level {a}, wrong level order"
                             for a in area_level], dtype=object)
            exp = np.array(["an area of level " + " or ".join(leads.get(o, ()))
                            for o in org_level], dtype=object)
            self.fail_rows("party_orgs", wrong, "area_id", df["area_id"], prob, exp)

    def check_activities(self) -> None:
        df = self.typed["activities"]
        if not len(df):
            return
        has_s, has_t = df["source_id"].notna().to_numpy(), df["target_id"].notna().to_numpy()
        self.fail_rows("activities", has_s & ~has_t, "target_id", df["target_id"],
                       "link reference incomplete", "target_id together with source_id")
        self.fail_rows("activities", has_t & ~has_s, "source_id", df["source_id"],
                       "link reference incomplete", "source_id together with target_id")
        both = has_s & has_t
        if not both.any():
            return
        n = np.int64(len(self.ids) if self.ids is not None else 0) + 1
        none = np.zeros(0, dtype=np.int64)  # no links table (or an empty one)
        link_key = (self.ref_codes.get(("links", "source_id"), none) * n
                    + self.ref_codes.get(("links", "target_id"), none))
        s_code = self.ref_codes[("activities", "source_id")]
        t_code = self.ref_codes[("activities", "target_id")]
        known = pd.Index(s_code * n + t_code).isin(link_key)
        nolink = both & ~known & (s_code >= 0) & (t_code >= 0)
        self.fail_rows("activities", nolink, "target_id", df["target_id"],
                       "no link between source_id and target_id",
                       "the endpoints of a row of the links table")


    def check_orders(self) -> None:
        df = self.typed["orders"]
        if not len(df):
            return
        steps = ["ordered_at", "dispatched_at", "taken_at", "finished_at"]
        for earlier, later in itertools.pairwise(steps):
            a = df[earlier].to_numpy("datetime64[s]")
            b = df[later].to_numpy("datetime64[s]")
            bad = ~np.isnat(a) & ~np.isnat(b) & (b < a)
            if bad.any():
                self.fail_rows("orders", bad, later, df[later].astype("str"),
                               f"{later} before {earlier}", f"a time on or after {earlier}")
        status = df["status"].astype("str").to_numpy(dtype=object)
        needs = {
            "dispatcher_id": ("dispatched", "taken", "done"),
            "assignee_id": ("taken", "done"),
            "finished_at": ("done",),
        }
        for col, states in needs.items():
            missing = np.isin(status, states) & df[col].isna().to_numpy()
            self.fail_rows("orders", missing, col, df[col], f"empty for a {'/'.join(states)} order",
                           f"a {col} for orders with status {', '.join(states)}")

    def check_skills(self) -> None:
        """Every token of a member's ``skills`` cell must be a category (vectorised)."""
        df = self.typed["members"]
        if not len(df) or not df["skills"].notna().any():
            return
        # split in Arrow, then strip and look up each distinct token once (in Python, as
        # the user's text is read everywhere else)
        arr = pa.array(df["skills"].astype("str"), type=pa.large_string(), from_pandas=True)
        parts = pc.split_pattern_regex(arr, f"[{re.escape(schema.SKILL_SEPARATORS)}]")
        rows = pc.list_parent_indices(parts).to_numpy()
        codes, uniques = pd.factorize(pd.Series(pc.list_flatten(parts), dtype="str"))
        stripped = [u.strip() for u in uniques]
        lookup = schema.CATEGORY.lookup
        bad_code = np.array([bool(t) and "".join(t.split()).lower() not in lookup
                             for t in stripped] + [False])  # code -1 (null) is never bad
        bad_tok = bad_code[codes]
        if not bad_tok.any():
            return
        bad = pd.Series(np.array([*stripped, ""], dtype=object)[codes[bad_tok]],
                        index=rows[bad_tok])
        first_bad = bad.groupby(level=0, sort=False).agg("、".join)
        mask = np.zeros(len(df), dtype=bool)
        mask[first_bad.index.to_numpy()] = True
        values = np.full(len(df), None, dtype=object)
        values[first_bad.index.to_numpy()] = first_bad.to_numpy(dtype=object)
        self.fail_rows("members", mask, "skills", values, "unknown category in skills",
                       f"categories separated by 、 , ; or /: {schema.CATEGORY.describe()}")


def cycle_members(parent: np.ndarray) -> np.ndarray:
    """Mask of nodes that are their own ancestor, given parent positions (-1 = none).

    Pointer doubling: after ``k`` rounds every node knows its ``2**k``-th ancestor; nodes that
    never reach the top lead into a cycle, and where they land is a cycle member.

    Examples
    --------
    >>> cycle_members(np.array([-1, 0, 3, 2, 2])).tolist()
    [False, False, True, True, False]
    """
    n = len(parent)
    if n == 0:
        return np.zeros(0, dtype=bool)
    jump = np.where(parent >= 0, parent, n)  # n = the "top" sentinel
    jump = np.append(jump, n)
    for _ in range(max(1, int(np.ceil(np.log2(n + 1))) + 1)):
        jump = jump[jump]
    landed = jump[:n]
    stuck = landed < n
    out = np.zeros(n, dtype=bool)
    out[np.unique(landed[stuck])] = True
    # every member of a cycle is reached: a cycle node lands on a cycle node, and the
    # shift by 2**k is a bijection of the cycle
    return out


# --------------------------------------------------------------------------------------------


def _arrow(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    return pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)


#: The bytes of the characters ``_CONTROL_RE`` matches (ASCII, so one byte each in UTF-8).
_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True


def _may_hold_control(arr: pa.Array | pa.ChunkedArray) -> bool:
    """False when no string of ``arr`` can hold a control character (its data bytes have none).

    Examples
    --------
    >>> tab, vertical_tab = chr(9), chr(11)
    >>> _may_hold_control(pa.array([f"a{tab}b"])), _may_hold_control(pa.array([vertical_tab]))
    (False, True)
    """
    return _bytes_hit(arr, _CONTROL_BYTES)


def _bytes_hit(arr: pa.Array | pa.ChunkedArray, table: np.ndarray) -> bool:
    """True when a data byte of the string array ``arr`` is marked in ``table``: the smallest
    and largest byte first (two fast reductions), each byte only when the range holds one.

    Examples
    --------
    >>> [_bytes_hit(pa.array(v), _QUOTE_BYTES) for v in (["abc", None], ["a'"])]
    [False, True]
    """
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    runs = _byte_runs(table.tobytes())
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None or not len(data):
            continue
        buf = np.frombuffer(data, dtype=np.uint8)
        least, most = int(buf.min()), int(buf.max())
        for lo, hi in runs:  # a run of marked bytes: one subtraction and compare (wrapping)
            if lo <= most and hi >= least and ((buf - np.uint8(lo)) <= np.uint8(hi - lo)).any():
                return True
    return False


@functools.cache
def _byte_runs(table: bytes) -> tuple[tuple[int, int], ...]:
    """The runs of marked bytes of a 256-entry table, as ``(first, last)`` pairs.

    Examples
    --------
    >>> _byte_runs(_CONTROL_BYTES.tobytes())
    ((0, 8), (11, 12), (14, 31), (127, 127))
    """
    marked = np.flatnonzero(np.frombuffer(table, dtype=bool))
    runs = np.split(marked, np.flatnonzero(np.diff(marked) > 1) + 1) if len(marked) else []
    return tuple((int(r[0]), int(r[-1])) for r in runs)


def _plain_numbers(s: pd.Series) -> np.ndarray | None:
    """Parse a column of plain decimals (``-12``, ``37.52``; empty cells NaN) in one Arrow
    cast, the same floats :func:`pandas.to_numeric` gives; ``None`` if any cell is not one.

    Examples
    --------
    >>> _plain_numbers(pd.Series(["12", None, "-0.5"], dtype="str")).tolist()
    [12.0, nan, -0.5]
    >>> print(_plain_numbers(pd.Series(["1e3"], dtype="str")))  # not plain: the slow path
    None
    """
    arr = pa.array(s.astype("str"), type=pa.large_string(), from_pandas=True)
    if not pc.all(pc.match_substring_regex(arr, r"^-?\d{1,15}(\.\d+)?$")).as_py():
        return None
    return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)


#: Bytes that start every whitespace character in UTF-8 (ASCII whitespace and separators, and
#: the lead bytes of U+0080–00BF, U+1000–3FFF, where every Unicode space lives).
_SPACE_BYTES = np.zeros(256, dtype=bool)
_SPACE_BYTES[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _strip(s: pd.Series) -> pd.Series:
    """Cells without surrounding whitespace, blank cells missing.

    Examples
    --------
    >>> _strip(pd.Series([" a ", "b", "", None, "\u3000"], dtype="str")).tolist()
    ['a', 'b', nan, nan, nan]
    """
    s = s.astype("str")
    if not _may_hold(s, _SPACE_BYTES, empty=True) or not _edge_space(s):
        return s  # nothing to strip or blank out
    stripped = s.str.strip()
    return stripped.where(stripped != "")


def _may_hold(s: pd.Series, table: np.ndarray, *, empty: bool = False) -> bool:
    """False when no cell of the text column ``s`` holds a byte marked in ``table`` (nor,
    with ``empty``, is an empty string): a quick exact-or-over test on the Arrow buffers."""
    arr = pa.array(s, type=pa.large_string(), from_pandas=True)
    if empty and len(arr) and pc.any(pc.equal(pc.binary_length(arr), 0)).as_py():
        return True
    return _bytes_hit(arr, table)


#: Lead bytes of the multi-byte whitespace characters (U+0085, U+00A0; U+1680; U+2000–205F;
#: U+3000) and the ASCII whitespace bytes.
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[*range(0x09, 0x0E), *range(0x1C, 0x21)]] = True


def _edge_space(s: pd.Series) -> bool:
    """False when no cell of ``s`` can start or end with whitespace or be empty: the first
    byte of each cell and the lead byte of its last one-, two- or three-byte character looked
    up (an over-estimate: only then is the column stripped).

    Examples
    --------
    >>> _edge_space(pd.Series(["a b", "名称", None], dtype="str"))
    False
    >>> [_edge_space(pd.Series([v], dtype="str")) for v in ("a ", "\u3000名", "名\u3000", "")]
    [True, True, True, True]
    """
    arr = pa.array(s, type=pa.large_string(), from_pandas=True)
    for chunk in arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]:
        if not len(chunk):
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        length = np.diff(offsets)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False)
        if (valid & (length == 0)).any():
            return True
        data = chunk.buffers()[2]
        if data is None:
            continue
        buf = np.frombuffer(data, dtype=np.uint8)
        filled = valid & (length > 0)
        start, end, n = offsets[:-1][filled], offsets[1:][filled], length[filled]
        if (_SPACE_BYTES[buf[start]].any() or _ASCII_SPACE[buf[end - 1]].any()
                or (buf[end[n >= 2] - 2] == 0xC2).any()
                or ((buf[end[n >= 3] - 3] >= 0xE1) & (buf[end[n >= 3] - 3] <= 0xE3)).any()):
            return True
    return False


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _plain_ascii(s: pd.Series) -> bool:
    """True when no cell of ``s`` holds a non-ASCII character (nothing full-width)."""
    return not _may_hold(s, _HIGH_BYTES)


_HIGH_BYTES = np.zeros(256, dtype=bool)
_HIGH_BYTES[0x80:] = True
_QUOTE_BYTES = np.zeros(256, dtype=bool)
_QUOTE_BYTES[ord("'")] = True
_HASH_BYTES = np.zeros(256, dtype=bool)
_HASH_BYTES[ord("#")] = True


#: The formats :func:`_iso_dates` reads in Arrow (each exactly as written).
_ISO_FORMATS = {"date": ("%Y-%m-%d",),
                "datetime": ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")}


def _iso_dates(s: pd.Series, formats: tuple[str, ...]) -> np.ndarray:
    """Cells written exactly in one of ``formats`` as ``datetime64[s]`` (NaT elsewhere),
    parsed in Arrow: a cell counts only when formatting its time gives the cell back (so
    ``2024-02-30``, which ``strptime`` rolls over into March, is left to :func:`parse_date`,
    as are years before 1000), giving the very values :func:`parse_date` and
    :func:`parse_datetime` give.

    Examples
    --------
    >>> cells = pd.Series(["2024-02-29", "2024-02-30", "2024-3-1", None], dtype="str")
    >>> _iso_dates(cells, _ISO_FORMATS["date"]).astype(str).tolist()
    ['2024-02-29T00:00:00', 'NaT', 'NaT', 'NaT']
    >>> [parse_date(v) for v in cells[1:3]]  # the rest, as written
    [None, datetime.date(2024, 3, 1)]
    >>> times = pd.Series(["2026-09-22 19:20", "2026-09-22 24:00", "2026-09-22"], dtype="str")
    >>> _iso_dates(times, _ISO_FORMATS["datetime"]).astype(str).tolist()
    ['2026-09-22T19:20:00', 'NaT', '2026-09-22T00:00:00']
    """
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[s]")
    if not len(s):
        return out
    arr = pa.array(s, type=pa.large_string(), from_pandas=True)
    for fmt in formats:
        parsed = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        exact = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), arr), False)
        hit = exact.to_numpy(zero_copy_only=False)
        if hit.any():
            values = parsed.to_numpy(zero_copy_only=False).astype("datetime64[s]")
            hit &= values >= _EARLIEST_ISO
            out = np.where(hit & np.isnat(out), values, out)
        if not (s.notna().to_numpy() & np.isnat(out)).any():
            break
    return out


_EARLIEST_ISO = np.datetime64("1000-01-01", "s")


def _map_unique_dates(s: pd.Series, parse: Callable[[str], object],
                      formats: tuple[str, ...]) -> np.ndarray:
    """``_map_unique(s, parse)`` as ``datetime64[s]``: the distinct values written in one of
    ``formats`` parsed in Arrow (:func:`_iso_dates`), only the others by ``parse``."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    distinct = pd.Series(uniques, dtype="str")
    parsed = np.append(_iso_dates(distinct, formats), np.datetime64("NaT", "s"))
    rest = np.flatnonzero(np.isnat(parsed[:-1]))
    if len(rest):
        parsed[rest] = np.array([parse(v) for v in distinct.iloc[rest]], dtype="datetime64[s]")
    return parsed[codes]  # code -1 (missing) picks the trailing NaT


def _map_unique(
    s: pd.Series, fn: Callable[[str], object], *, dtype: Any = object, missing: object = None
) -> np.ndarray:
    """Apply ``fn`` to each distinct value of ``s`` once and spread the results."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = np.array([*(fn(u) for u in uniques), missing], dtype=dtype)
    return parsed[codes]  # code -1 (missing) picks the trailing ``missing``


def _empty(col: schema.Column, n: int) -> object:
    if col.dtype == "enum":
        assert col.enum is not None
        return pd.Categorical([None] * n, categories=col.enum.codes)
    if col.dtype == "int":
        return pd.array([pd.NA] * n, dtype="Int64")
    if col.dtype == "float":
        return np.full(n, np.nan)
    if col.dtype in {"date", "datetime"}:
        return pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"))
    if col.dtype == "bool":
        return pd.array([pd.NA] * n, dtype="boolean")
    return pd.Series([None] * n, dtype="str")


def _non_empty_rows(df: pd.DataFrame) -> np.ndarray:
    """Mask of the rows with at least one cell filled (all of them at once when some column
    has no empty cell: the usual case, told by Arrow's null count).

    Examples
    --------
    >>> _non_empty_rows(pd.DataFrame({"a": ["x", None], "b": [None, None]}, dtype="str"))
    array([ True, False])
    >>> _non_empty_rows(pd.DataFrame({"a": ["x", "y"], "b": [None, None]}, dtype="str"))
    array([ True,  True])
    """
    if not len(df.columns):
        return np.zeros(len(df), dtype=bool)
    for j in range(df.shape[1]):
        to_arrow = getattr(df.iloc[:, j].array, "__arrow_array__", None)
        if to_arrow is not None and to_arrow().null_count == 0:
            return np.ones(len(df), dtype=bool)
    return df.notna().to_numpy().any(axis=1)


def _dup(df: pd.DataFrame, header: str) -> bool:
    return list(df.columns).count(header) > 1


def _short(text: str, limit: int = 200) -> str:
    """A failure's value as shown: long text cut, with its length.

    Examples
    --------
    >>> _short("x" * 500)[-18:]
    '… (500 characters)'
    """
    return text if len(text) <= limit else f"{text[:100]}… ({len(text):,} characters)"


def _a(word: str) -> str:
    """The English article of ``word``: ``a`` or ``an``.

    Examples
    --------
    >>> _a("Area"), _a("PartyOrg"), _a("Organization")
    ('an', 'a', 'an')
    """
    return "an" if str(word)[:1].lower() in "aeiou" else "a"


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT


def _pick(x: str | pd.Series | np.ndarray, mask: np.ndarray) -> object:
    if isinstance(x, str):
        return x
    return np.asarray(x, dtype=object)[mask]
