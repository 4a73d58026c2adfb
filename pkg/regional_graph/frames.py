"""Small pandas/arrow helpers shared by the table layer (:mod:`~regional_graph.io`) and the
graph (:mod:`~regional_graph.graph`): date formatting, text frames, zero-copy string arrays.

Examples
--------
>>> import pandas as pd
>>> format_datetimes(pd.Series(pd.to_datetime(["2026-10-01"]))).tolist()
['2026-10-01']
"""

from __future__ import annotations

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
    >>> typed = rg.datasets.sample_district_tables()["organizations"]
    >>> raw = to_text_frame(typed)
    >>> all(raw[c].dtype == "str" for c in raw.columns)
    True
    >>> raw["party_members"].iloc[0] == str(typed["party_members"].iloc[0])
    True
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
