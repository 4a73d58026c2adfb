"""A sheet's data rows as SpreadsheetML, built a column at a time in Arrow.

xlsxwriter spends ~40 µs of Python on each cell; the rows here are the same bytes
(inline strings escaped as xlsxwriter escapes them, numbers as ``%.16G``, the same style
indices) at well under 1 µs a cell: each column's cells are joined from its values, the
row numbers and fixed pieces by Arrow's ``binary_join_element_wise``, then each row from
its cells. Cell styles are left as tokens (:func:`token`) that the workbook resolves.

Examples
--------
>>> text = pa.array(["a & b", None], pa.large_string())
>>> rows_xml([TextColumn(text, token("text"))], None).decode()  # doctest: +NORMALIZE_WHITESPACE
'<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b</t></is></c></row><row r="3"></row>'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._csvfile import joined, may_hold

__all__ = ["NumberColumn", "TextColumn", "cell_text", "inline", "rows_xml", "token"]

#: Excel's limit on the characters of one cell.
MAX_CELL_CHARS = 32_767
LINE_HEIGHT = 15
_TEXT = pa.large_string()
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
#: Text :func:`inline` does more to than escape ``& < >``: control characters and
#: ``_xHHHH_`` (in Arrow's RE2 syntax, and a superset in UTF-8 bytes), blanks at an edge.
_CONTROL = r"[\x00-\x1f\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_"
_CONTROL_BYTES = ("\ufffe".encode(), "\uffff".encode(), b"_x")  # and bytes under 0x20
#: The blanks beyond ASCII (:meth:`str.isspace`; a test checks every code point).
WIDE_BLANKS = "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"
#: Their UTF-8 as integers, by length, and their first bytes.
_WIDE_BLANKS = {size: np.array([int.from_bytes(c.encode(), "big") for c in WIDE_BLANKS
                                if len(c.encode()) == size], np.int64) for size in (2, 3)}
_WIDE_LEAD = np.zeros(256, bool)
_WIDE_LEAD[[int(k) >> 8 * (size - 1) for size, keys in _WIDE_BLANKS.items() for k in keys]] = True
_ENTITIES = {b"&": "&amp;", b"<": "&lt;", b">": "&gt;"}
#: Integers up to this size print the same through ``%.16G`` as through ``str``.
_EXACT = 2.0 ** 53


def token(name: str) -> str:
    """A placeholder for the ``s="…"`` attribute of format ``name`` in rendered rows (NUL
    never reaches the XML otherwise: control characters in text are escaped).

    Examples
    --------
    >>> token("int"), token("text")
    ('\\x00int\\x00', '')
    """
    return "" if name == "text" else f"\x00{name}\x00"


def inline(v: str) -> str:
    """The ``<is>`` element of a text cell, escaped as xlsxwriter does (control characters
    as ``_xHHHH_``, leading/trailing blanks preserved, ``& < >`` as entities).

    Examples
    --------
    >>> inline(" a<b"), inline("bell\\x07")
    ('<is><t xml:space="preserve"> a&lt;b</t></is>', '<is><t>bell_x0007_</t></is>')
    """
    if len(v) > MAX_CELL_CHARS // 2:  # Excel counts UTF-16 units
        v = v.encode("utf-16-le")[:2 * MAX_CELL_CHARS].decode("utf-16-le", "ignore")
    if not _SPECIAL.search(v):
        return f"<is><t>{v}</t></is>"
    v = re.sub(r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1", v)
    v = re.sub(r"([\x00-\x08\x0b-\x1f])", lambda m: f"_x{ord(m.group(1)):04X}_", v)
    v = v.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if re.search(r"^\s", v) or re.search(r"\s$", v) else ""
    v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{v}</t></is>"


@dataclass
class TextColumn:
    """A text column: its values (large strings, null = empty cell) and style token."""

    values: pa.Array
    style: str


@dataclass
class NumberColumn:
    """A number or date column: values (NaN = empty cell; dates as Excel serial days), its
    style token, that of its cells in percent rows and of whole numbers (``None``: as
    the column)."""

    values: np.ndarray
    style: str
    percent_style: str
    whole_style: str | None = None


def rows_xml(columns: list[TextColumn | NumberColumn], percent_rows: np.ndarray | None,
             lines: np.ndarray | None = None) -> bytes:
    """The rows below the header (UTF-8), ``lines`` each row's height in text lines."""
    n = len(columns[0].values) if columns else 0
    if not n:
        return b""
    rows = pa.array(np.arange(2, n + 2)).cast(_TEXT)
    pct = np.zeros(n, bool) if percent_rows is None else np.asarray(percent_rows[:n], bool)
    cells = [piece for j, c in enumerate(columns) for piece in (  # a cell's pieces, or cells
        _text_cells(c, _letters(j), rows) if isinstance(c, TextColumn)
        else _number_cells(c, _letters(j), rows, pct))]
    tall = np.minimum(lines, 15) if lines is not None else np.ones(n, np.int64)
    heights = pa.array(np.array(["", *(f' ht="{LINE_HEIGHT * k}" customHeight="1"'
                                       for k in range(2, 16))], object)[tall - 1], _TEXT) \
        if (tall > 1).any() else _scalar("")
    out = pc.binary_join_element_wise(_scalar('<row r="'), rows, _scalar('"'), heights,
                                      _scalar(">"), *cells, _scalar("</row>"), _scalar(""))
    return joined(out)


def _text_cells(col: TextColumn, letters: str, rows: pa.Array) -> list[pa.Array | pa.Scalar]:
    """``<c r="A2" t="inlineStr"><is><t>…</t></is></c>`` per value, ``""`` for none: the
    pieces to join each row's cell from when every value is plain text, else the cells."""
    escaped = col.values
    for char, entity in _ENTITIES.items():  # "&" first
        if may_hold(col.values, (char,)):
            escaped = pc.replace_substring(escaped, char.decode(), entity)
    head, mid = f'<c r="{letters}', f'"{col.style} t="inlineStr">'
    pieces = [_scalar(head), rows, _scalar(mid + "<is><t>"), escaped, _scalar("</t></is></c>")]
    odd = _odd(col.values)
    if not odd.any() and not col.values.null_count:
        return pieces  # (joined with the row: one pass less)
    cells = pc.binary_join_element_wise(*pieces, _scalar(""))
    if odd.any():  # the cells of the few values with more to escape, through Python
        at = np.flatnonzero(odd)
        fixed = [f"{head}{r}{mid}{inline(v)}</c>" for r, v in
                 zip((at + 2).tolist(), col.values.take(at).to_pylist(), strict=True)]
        cells = pc.replace_with_mask(cells, pa.array(odd), pa.array(fixed, _TEXT))
    return [pc.fill_null(cells, "") if col.values.null_count else cells]


def _odd(text: pa.Array) -> np.ndarray:
    """Which values :func:`inline` may do more to than escape ``& < >`` (a superset):
    control characters, ``_xHHHH_``, a blank at an edge, or too long (nulls: no)."""
    odd = _blank_edges(text)
    if may_hold(text, _CONTROL_BYTES, below=0x20):
        odd |= pc.fill_null(pc.match_substring_regex(text, _CONTROL), False).to_numpy(
            zero_copy_only=False)
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset:
                                                        text.offset + len(text) + 1]
    if len(text) and np.diff(offsets).max() > MAX_CELL_CHARS // 2:  # bytes ≥ characters
        odd |= pc.fill_null(pc.greater(pc.utf8_length(text), MAX_CELL_CHARS // 2),
                            False).to_numpy(zero_copy_only=False)
    return odd


def _blank_edges(text: pa.Array) -> np.ndarray:
    """Which values start or end with a blank (:meth:`str.isspace`), from the bytes at their
    edges (an ASCII control character counts too: it is escaped anyway).

    Examples
    --------
    >>> _blank_edges(pa.array(["a b", " a", "a\u3000", "社区。", "", None], _TEXT)).tolist()
    [False, True, True, False, False, False]
    """
    buffers = text.buffers()
    offsets = np.frombuffer(buffers[1], np.int64)[text.offset:text.offset + len(text) + 1]
    filled = offsets[1:] > offsets[:-1]
    if buffers[2] is None or not filled.any():
        return np.zeros(len(text), bool)
    data = np.frombuffer(buffers[2], np.uint8)
    start = np.where(filled, offsets[:-1], 0)
    end = np.where(filled, offsets[1:], 1)
    out = (data[start] <= 0x20) | (data[end - 1] <= 0x20)
    for where in (start, end - 2, end - 3):  # where a wider blank starts: first or last
        at = np.clip(where, 0, len(data) - 1)
        maybe = np.flatnonzero(_WIDE_LEAD[data[at]] & filled)
        if len(maybe):
            window = data[np.minimum(at[maybe, None] + np.arange(3), len(data) - 1)]
            key = window.astype(np.int64) @ np.array([1 << 16, 1 << 8, 1])
            out[maybe] |= np.isin(key, _WIDE_BLANKS[3]) | np.isin(key >> 8, _WIDE_BLANKS[2])
    return out & filled


def _number_cells(col: NumberColumn, letters: str, rows: pa.Array, pct: np.ndarray
                  ) -> list[pa.Array | pa.Scalar]:
    """``<c r="A2" s="…"><v>…</v></c>`` per finite value, ``""`` for the others: the
    pieces to join each row's cell from when every value is finite, else the cells."""
    v = col.values
    ok = np.isfinite(v)
    styles = np.full(len(v), 0, np.int8)
    if col.whole_style is not None:
        styles[ok & (v == np.floor(np.where(ok, v, 0)))] = 2
    styles[pct] = 1
    style = pa.array([col.style, col.percent_style, col.whole_style or col.style],
                     _TEXT).take(pa.array(styles))
    pieces = [_scalar(f'<c r="{letters}'), rows, _scalar('"'), style, _scalar("><v>"),
              cell_text(v), _scalar("</v></c>")]
    if ok.all():
        return pieces  # (joined with the row: one pass less)
    return [pc.fill_null(pc.binary_join_element_wise(*pieces, _scalar("")), "")]


def cell_text(v: np.ndarray) -> pa.Array:
    """Each finite value as xlsxwriter writes it (``%.16G``), null for the others; whole
    numbers through Arrow (the same digits), the rest through Python.

    Examples
    --------
    >>> cell_text(np.array([3.0, 0.1 + 0.2, np.nan, 1e17, -0.0])).to_pylist()
    ['3', '0.3', None, '1E+17', '-0']
    """
    ok = np.isfinite(v)
    safe = np.where(ok, v, 0.0)
    whole = ok & (safe == np.floor(safe)) & (np.abs(safe) <= _EXACT) \
        & ~((safe == 0.0) & np.signbit(safe))  # (-0.0 prints as -0)
    out = pa.array(safe.astype(np.int64), mask=~whole).cast(_TEXT)
    rest = ok & ~whole
    if rest.any():
        text = pa.array([f"{x:.16G}" for x in v[rest].tolist()], _TEXT)
        out = pc.replace_with_mask(out, pa.array(rest), text)
    return out


def _letters(j: int) -> str:
    """Excel's column name of the 0-based column ``j`` (``0`` → ``A``, ``26`` → ``AA``)."""
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


@functools.lru_cache(maxsize=256)
def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)
