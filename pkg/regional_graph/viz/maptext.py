"""Text columns of the maps, built for every node at once: pandas ``string`` Series filled,
prefixed and joined row by row (a missing value drops its line of the tooltip), and
file-name-safe map keys.

Examples
--------
>>> from regional_graph.viz.maptext import _fill, _lines, _part
>>> _lines(_fill("党员 {} 人", ["3", None]), _part("编号：", ["O1", "O2"])).tolist()
['党员 3 人\\n编号：O1', '编号：O2']
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..vocab import Lang, viz_text


def _str(values: Any) -> pd.Series:
    """Values as a pandas ``string`` Series (``<NA>`` propagates through ``+``)."""
    s = pd.Series(values, copy=False)
    if s.dtype == object:
        s = s.where(s.notna(), None)
    return s.astype("string").reset_index(drop=True)


def _part(prefix: str, values: Any, suffix: str = "") -> pd.Series:
    return prefix + _str(values) + suffix


def _fill(template: str, *values: Any) -> pd.Series:
    """``template``'s ``{}`` filled row by row with ``values`` (``<NA>`` propagates)."""
    pieces = template.split("{}")
    out = pieces[0] + _str(values[0]) + pieces[1]
    for v, piece in zip(values[1:], pieces[2:], strict=True):
        out = out + _str(v) + piece
    return out


def _lines(*parts: pd.Series) -> pd.Series:
    """Join the non-missing parts of each row with newlines."""
    out = parts[0].fillna("")
    for p in parts[1:]:
        out = out + ("\n" + p).fillna("")
    return out.str.strip("\n")


def _zh(values: pd.Series, enum: schema.Enum, lang: Lang = "zh") -> pd.Series:
    mapping = {c: viz_text(enum.zh(c), lang) for c in enum.codes}
    return _str(values.astype(object).map(mapping))


def _day_text(values: Any) -> pd.Series:
    s = pd.Series(np.asarray(values, dtype="datetime64[s]"))
    return _str(s.dt.strftime("%Y-%m-%d"))


def _obj(series: pd.Series) -> np.ndarray:
    """A string Series as an object array with ``None`` for missing."""
    return series.astype(object).where(series.notna(), None).to_numpy(dtype=object)


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]", "_", text)
