"""Small pandas/arrow helpers shared by the table layer (:mod:`~regional_graph.io`) and the
graph (:mod:`~regional_graph.graph`): date formatting, text frames, zero-copy string arrays.

Examples
--------
>>> import pandas as pd
>>> format_datetimes(pd.Series(pd.to_datetime(["2026-10-01"]))).tolist()
['2026-10-01']
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa


def format_datetimes(s: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD``; with ``HH:MM:SS`` when any value has a time of day.

    Examples
    --------
    >>> format_datetimes(pd.Series(pd.to_datetime(["2026-10-01", None]))).tolist()
    ['2026-10-01', nan]
    >>> format_datetimes(pd.Series(pd.to_datetime(["2026-10-01 08:30"]))).tolist()
    ['2026-10-01 08:30:00']
    """
    has_time = bool((s.dropna() != s.dropna().dt.normalize()).any())
    return s.dt.strftime("%Y-%m-%d %H:%M:%S" if has_time else "%Y-%m-%d")


def concat_arrow(parts: list[pa.Array | pa.ChunkedArray]) -> pa.ChunkedArray:
    """Concatenate arrow string arrays without copying (chunks are flattened, not iterated).

    Examples
    --------
    >>> import regional_graph as rg
    >>> areas = rg.datasets.sample_district_tables()["areas"]
    >>> parts = [pa.array(["a", "b"], pa.large_string()),
    ...          pa.chunked_array([areas["id"].head(2).tolist()], pa.large_string())]
    >>> out = concat_arrow(parts)
    >>> len(out), out.num_chunks, out.type
    (4, 2, DataType(large_string))
    """
    chunks = [c for p in parts for c in (p.chunks if isinstance(p, pa.ChunkedArray) else [p])]
    return pa.chunked_array(chunks, type=pa.large_string())


def to_text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Cast every column to strings (missing stays missing), e.g. typed tables to raw.

    Examples
    --------
    >>> import regional_graph as rg
    >>> typed = rg.validate.validate_tables(rg.io.read_tables(rg.datasets.TINY))["organizations"]
    >>> typed[["employees", "lat"]].dtypes.astype(str).tolist()
    ['Int64', 'float64']
    >>> raw = to_text_frame(typed)
    >>> raw[["employees", "lat"]].dtypes.astype(str).tolist()
    ['str', 'str']
    >>> raw.loc[0, ["employees", "lat", "industry"]].tolist()  # the CSV's 37.5000 is now 37.5
    ['120', '37.5', nan]
    """
    out = {}
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            out[col] = format_datetimes(s).astype("str")
        elif isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype("str")
        elif pd.api.types.is_float_dtype(s.dtype) and not isinstance(s.dtype, pd.StringDtype):
            vals = s.to_numpy(dtype="float64", na_value=np.nan)
            txt = pd.Series([repr(v) for v in vals.tolist()], index=s.index, dtype="str")
            out[col] = txt.where(~np.isnan(vals))
        elif s.dtype == "str":
            out[col] = s
        else:
            out[col] = s.astype("str").where(s.notna())
    return pd.DataFrame(out, index=df.index)


#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with ``= + - @``, a tab or a CR
    gets a leading ``'`` (numbers such as ``-3`` stay as they are).

    Reading a dataset back (:mod:`regional_graph.validate`) removes the ``'`` again.

    Examples
    --------
    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-3"), safe_cell("东湾"), safe_cell(7)
    ('\\'=HYPERLINK("http://x")', '-3', '东湾', 7)
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS) \
            and not re.fullmatch(_NUMBER, value):
        return "'" + value  # also before '=…, so that reading gives '=… back
    return value


#: A cell of a column joined with NUL (:func:`safe_texts`) that may start like a formula.
_MAYBE_FORMULA = re.compile("(?:^|\x00)'*[=+\\-@\t\r]")


def safe_texts(values: list[object]) -> list[object]:
    """:func:`safe_cell` of every value of a column (``values`` itself when no cell changes:
    one scan of the joined column when every value is text).

    Examples
    --------
    >>> safe_texts(["东湾", "-3", ""])
    ['东湾', '-3', '']
    >>> safe_texts(["=1+1", "'@x", 7, float("-inf")])
    ["'=1+1", "''@x", 7, "'-inf"]
    """
    try:
        if not _MAYBE_FORMULA.search("\x00".join(values)):  # type: ignore[arg-type]
            return values
    except TypeError:  # a value that is not text: as safe_frame, checked as str(value)
        pass
    out: list[object] = []
    for v in values:
        text = v if isinstance(v, str) or v is None else str(v)
        safe = safe_cell(text)
        out.append(v if safe is text else safe)
    return out


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`safe_cell` applied to every text cell (vectorised; a copy only when
    a cell changes). Every CSV the library writes for people should pass through here.

    Examples
    --------
    >>> safe_frame(pd.DataFrame({"name": ["=1+1", "x"], "n": [-1, 2]}))["name"].tolist()
    ["'=1+1", 'x']
    """
    out = df
    for j in range(df.shape[1]):
        s = df.iloc[:, j]
        if not (pd.api.types.is_string_dtype(s.dtype) or s.dtype == object):
            continue
        text = s.astype("str")
        risky = np.array(text.str.lstrip("'").str.startswith(FORMULA_STARTS, na=False),
                         dtype=bool)
        if risky.any():  # numbers such as -3 stay (the regex only where a cell may be risky)
            at = np.flatnonzero(risky)
            risky[at] = ~text.iloc[at].str.fullmatch(_NUMBER, na=False).to_numpy(dtype=bool)
        if risky.any():
            if out is df:
                out = df.copy()
            out.iloc[:, j] = s.where(~risky, "'" + text)
    return out


#: Longest file name (in UTF-8 bytes, extension included) :func:`area_file_name` returns.
MAX_FILE_BYTES = 120
_UNSAFE_FILE_CHARS = '[\\x00-\\x1f\\x7f/\\\\:*?"<>|]'


def area_file_name(name: str, node_id: str, suffix: str = "") -> str:
    """A unique, bounded, portable file name for one area's output: ``<name>_<id><suffix>``.

    Characters no file system takes (``/ \\ : * ? " < > |``, control characters) become
    ``_``; the name is cut to fit :data:`MAX_FILE_BYTES`; the id keeps names unique (ids are
    unique), with a short hash added when cleaning the id changed it (``a/b`` and ``a_b``).

    Examples
    --------
    >>> area_file_name("东湾社区", "C1", ".html")
    '东湾社区_C1.html'
    >>> area_file_name("a/b", "C:1", ".csv")
    'a_b_C_1-c85fe4.csv'
    >>> long = area_file_name("很长的名字" * 100, "C1", ".html")  # 37 characters of the name
    >>> len(long), len(long.encode()), long[-10:]  # 37 × 3 + 8 bytes ≤ MAX_FILE_BYTES
    (45, 119, '很长_C1.html')
    """
    import hashlib
    import re

    clean_id = re.sub(_UNSAFE_FILE_CHARS, "_", str(node_id)).strip(" .") or "_"
    if clean_id != str(node_id):
        clean_id += "-" + hashlib.sha1(str(node_id).encode()).hexdigest()[:6]
    clean = re.sub(_UNSAFE_FILE_CHARS, "_", str(name)).strip(" .")
    tail = f"_{clean_id}{suffix}"
    room = MAX_FILE_BYTES - len(tail.encode())
    if room <= 0:  # an absurdly long id: keep its hash only
        return f"{hashlib.sha1(str(node_id).encode()).hexdigest()[:16]}{suffix}"
    cut = clean.encode()[:room].decode("utf-8", errors="ignore")
    return (cut + tail) if cut else tail.lstrip("_")
