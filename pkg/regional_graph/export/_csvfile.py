"""A table's CSV file for people, written column by column: the bytes of
``safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")`` with dates as
``YYYY-MM-DD`` (or ``YYYY-MM-DD HH:MM``), some 5× faster.

pandas turns each column into the objects it hands to the standard ``csv`` writer (empty
text for missing values, floats through numpy's ``astype(str)``); :func:`csv_cells` gives
the same objects, formula-like text made inert (:func:`~regional_graph.frames.safe_texts`),
and :func:`write_csv` hands them to the same writer with pandas' dialect. A column of a type
not covered here (:func:`csv_cells` returns ``None``) sends the table through pandas.

Examples
--------
>>> import io, tempfile
>>> df = pd.DataFrame({"名称": ["=1+1", "a,b"], "人数": [3, None],
...                    "日期": pd.to_datetime(["2026-10-01", None])})
>>> with tempfile.TemporaryDirectory() as d:
...     write_csv(Path(d) / "t.csv", df, ["text", "float", "date"])
...     Path(d, "t.csv").read_text(encoding="utf-8-sig").splitlines()
['名称,人数,日期', "'=1+1,3.0,2026-10-01", '"a,b",,']
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..frames import safe_frame, safe_texts

__all__ = ["DATE_FORMATS", "csv_cells", "write_csv"]

#: strftime format of a column of each date kind.
DATE_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M"}
#: numpy's datetime_as_string unit giving the same text (``T`` read as a blank).
_DATE_UNITS = {"date": "D", "datetime": "m"}


def write_csv(path: Path, frame: pd.DataFrame, kinds: list[str]) -> None:
    """Write ``frame`` (columns of the ``kinds`` of :mod:`~regional_graph.export.tables`) as
    a UTF-8 CSV file with BOM, as pandas does after :func:`~regional_graph.frames.safe_frame`."""
    columns = [csv_cells(frame.iloc[:, j], kind) for j, kind in enumerate(kinds)]
    if not columns or any(c is None for c in columns):
        _pandas_csv(path, frame, kinds)
        return
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=os.linesep)  # pandas' dialect: the defaults
    writer.writerow(list(frame.columns))
    writer.writerows(zip(*columns, strict=True))  # type: ignore[arg-type]
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def _pandas_csv(path: Path, frame: pd.DataFrame, kinds: list[str]) -> None:
    """The same file through pandas (any column type)."""
    out = frame.copy()
    for j, kind in enumerate(kinds):
        if kind in DATE_FORMATS:
            out[out.columns[j]] = out.iloc[:, j].dt.strftime(DATE_FORMATS[kind])
    safe_frame(out).to_csv(path, index=False, encoding="utf-8-sig")


def csv_cells(s: pd.Series, kind: str) -> list[object] | None:
    """The cells pandas' ``to_csv`` hands the csv writer for ``s`` (``""`` for missing
    values), text made inert; ``None`` for a column type left to pandas.

    Examples
    --------
    >>> csv_cells(pd.Series([0.1 + 0.2, None, 1e-7]), "float")
    ['0.30000000000000004', '', '1e-07']
    >>> csv_cells(pd.Series(["@x", None], dtype="str"), "text")
    ["'@x", '']
    >>> csv_cells(pd.Series(pd.to_datetime(["2026-10-01 08:30", None])), "datetime")
    ['2026-10-01 08:30', '']
    """
    dtype = s.dtype
    if kind in DATE_FORMATS:
        return _date_cells(s, kind)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        text = s.to_numpy().astype(str)  # numpy's shortest repr, as pandas writes floats
        text[np.isnan(s.to_numpy())] = ""
        return text.tolist()
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return s.to_numpy().tolist()
    if isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype.kind not in "Mm":
        return _object_cells(s)  # (not made inert, as safe_frame leaves categories)
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        return safe_texts(_object_cells(s))
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iub":
        return _object_cells(s)
    return None


def _object_cells(s: pd.Series) -> list[object]:
    values = np.array(s.astype(object), dtype=object)  # a copy: pandas may lend its own
    values[np.asarray(s.isna())] = ""
    return values.tolist()


def _date_cells(s: pd.Series, kind: str) -> list[object] | None:
    """Dates as text (numpy's formatting where it equals strftime's: years 1000–9999)."""
    if not (isinstance(s.dtype, np.dtype) and s.dtype.kind == "M"):
        return None  # time zones and the like: through pandas
    t = s.to_numpy()
    nat = np.isnat(t)
    years = t[~nat].astype("datetime64[Y]").astype(np.int64) + 1970
    if len(years) and (years.min() < 1000 or years.max() > 9999):
        return None
    text = np.datetime_as_string(t, unit=_DATE_UNITS[kind]).astype(object)
    if kind == "datetime":
        text = np.char.replace(text.astype(str), "T", " ").astype(object)
    text[nat] = ""
    return safe_texts(text.tolist())
