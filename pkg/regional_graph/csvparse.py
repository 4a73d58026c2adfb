"""CSV bytes → Arrow tables of text, without pandas: the first step of reading a CSV file.

:func:`parse_csv` detects the encoding, finds the header below any title rows and parses the
rows in Arrow (which releases the GIL); :func:`regional_graph.io.read_csv` turns what it gives
into a raw table. :class:`Prefetch` runs this step for a folder's files in the background, so
that a command parses its CSV files while it is still importing pandas and the library
(:func:`regional_graph.io.read_tables` takes what it parsed).

Examples
--------
>>> import regional_graph as rg
>>> parsed = parse_csv(rg.datasets.TINY / "areas.csv", schema.AREAS)
>>> parsed.header, parsed.table.num_rows
(['id', 'name', 'level', 'parent_id'], 6)
"""

from __future__ import annotations

import csv
import io as _io
import itertools
import os
import re
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import schema

if TYPE_CHECKING:
    import pyarrow as pa

#: Encodings tried in order when a CSV has no BOM (GB18030 is a superset of GBK/GB2312).
_ENCODINGS = ("utf-8", "gb18030")
#: Leading rows searched for the header.
HEADER_SEARCH = 10


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
    import pyarrow as pa

    # the offsets as bytes: pa.array() of a Python list would import pandas (to look for
    # pandas objects), in this background thread, while the main thread imports it
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
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
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise ValueError("cannot detect the text encoding (expected UTF-8 or GB18030/GBK; "
                         "无法识别文本编码)")
    return best.encoding


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


def dedupe(names: list[str]) -> list[str]:
    """Names made unique by a suffix (``a``, ``a.1``).

    Examples
    --------
    >>> dedupe(["编号", "名称", "编号"])
    ['编号', '名称', '编号.1']
    """
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


@dataclass
class Parsed:
    """What :func:`parse_csv` found in a CSV file.

    ``table`` holds the rows below the header (every column text, empty cells null) unless
    the file needs the careful path: a bare CR inside a cell (``bare_cr``: the text), rows of
    the wrong width (``ragged``; ``data`` and ``encoding`` kept for it), no header, or a header
    with no row after it."""

    head: list[list[str]]  # the leading records: title rows, the header, a first row
    k: int  # position of the header in ``head``
    header: list[str]
    table: pa.Table | None = None
    ragged: bool = False
    data: bytes | None = None
    encoding: str = "utf-8"
    bare_cr: str | None = None


def parse_csv(path: Path, tbl: schema.Table | None) -> Parsed:
    """Parse a CSV file of table ``tbl`` (``None``: not a table of the template) as text.

    Raises what reading met (:class:`ValueError` for an unknown encoding or binary data,
    :class:`OSError`, Arrow's errors); :func:`regional_graph.io.read_csv` tells the user.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

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
            return Parsed([], 0, [], bare_cr=text)
    text_head = data[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")
    head = list(itertools.islice(csv.reader(_io.StringIO(text_head, newline="")),
                                 HEADER_SEARCH + 2))
    k = header_index(head, tbl)
    header = [h.lstrip("\ufeff").strip() for h in head[k]] if head else []
    if not header or (len(head) <= k + 1 and len(data) <= 65536):
        return Parsed(head, k, header)  # no header, or the header alone: no rows
    names = dedupe(header)
    ragged: list[object] = []

    def _invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    table = pacsv.read_csv(
        pa.BufferReader(data),  # no copy of the file's bytes
        read_options=pacsv.ReadOptions(
            encoding="utf8" if encoding in {"utf-8", "utf-8-sig"} else encoding,
            column_names=names, skip_rows=k + 1,
            # one block anyway; and Arrow's own pool used from this background thread could
            # abort the interpreter at exit ("terminate called without an active exception")
            use_threads=False,
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
        return Parsed(head, k, header, table, ragged=True, data=data, encoding=encoding)
    return Parsed(head, k, header, table)


def table_of(path: Path) -> schema.Table | None:
    """The template table a file is named after (``areas.csv``, ``区域.csv``), or ``None``."""
    try:
        return schema.table(path.stem)
    except KeyError:
        return None


class Prefetch:
    """The CSV files of a folder parsed in the background, largest first, two at a time.

    Start it as early as possible; :func:`regional_graph.io.read_tables` of the same folder
    takes each file's :class:`Parsed` (waiting for it) and does the rest as always: a file
    that could not be parsed raises its error there, where reading it would have.
    Anything that is not a folder of CSV files is not prefetched.

    Examples
    --------
    >>> import regional_graph as rg
    >>> ahead = Prefetch(rg.datasets.TINY)
    >>> ahead.take(rg.datasets.TINY / "links.csv").table.num_rows
    9
    >>> print(ahead.take(rg.datasets.TINY / "links.csv"))  # taken once
    None
    """

    def __init__(self, path: str | Path, *, workers: int = 2) -> None:
        self.folder = Path(path)
        self._results: dict[Path, tuple[Parsed | None, BaseException | None]] = {}
        self._done: dict[Path, threading.Event] = {}
        self._taken: set[Path] = set()
        try:
            files = [f for f in self.folder.iterdir()
                     if f.suffix.lower() == ".csv" and table_of(f) is not None]
            order = sorted(files, key=lambda f: -f.stat().st_size)
        except OSError:  # not a folder (a workbook, a missing path): read as always
            return
        self._done = {f: threading.Event() for f in order}
        queue = iter(order)
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    file = next(queue, None)
                if file is None:
                    return
                try:
                    self._results[file] = (parse_csv(file, table_of(file)), None)
                except BaseException as err:  # raised again where the file is read
                    self._results[file] = (None, err)
                self._done[file].set()

        for _ in range(max(1, min(workers, len(order), os.cpu_count() or 1))):
            threading.Thread(target=work, name="regional-graph-prefetch", daemon=True).start()

    def take(self, file: Path) -> Parsed | None:
        """What parsing ``file`` gave (waiting for it; its error raised), once; ``None`` when
        it was not prefetched."""
        done = self._done.get(file)
        if done is None or file in self._taken:
            return None
        self._taken.add(file)
        done.wait()
        parsed, err = self._results.pop(file)
        if err is not None:
            raise err
        return parsed
