"""What changed between two states, as files: CSV tables and ``diff.xlsx`` (年度对比).

:func:`~regional_graph.analysis.changes.diff_tables` computes the tables; this module writes
them with the one table writer (:mod:`regional_graph.export.tables`), showing the indicator
rows that are rates as percentages.

Examples
--------
>>> import tempfile, regional_graph as rg
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_diff(rg.datasets.load_tiny(), None, d, as_of_old="2023-06-01",
...                        as_of_new="2026-10-01", lang="en")
...     paths["diff"].name, paths["pairs_ended"].name
('diff.xlsx', 'pairs_ended.csv')
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..analysis.changes import diff_tables
from ..graph import DateLike, RegionalGraph, as_date
from ..vocab import Lang
from .tables import is_rate, write_tables

__all__ = ["write_diff"]


def write_diff(old: RegionalGraph, new: RegionalGraph | None = None, out_dir: str | Path = ".",
               *, as_of_old: DateLike = None, as_of_new: DateLike = None, lang: Lang = "zh",
               source: str | None = None) -> dict[str, Path]:
    """Write :func:`diff_tables` as CSV files and ``diff.xlsx`` (with a 说明 sheet).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_diff(G, None, d, as_of_old="2025-10-01", as_of_new="2026-10-01")
    ...     paths["diff"].name
    'diff.xlsx'
    """
    tables = diff_tables(old, new, as_of_old=as_of_old, as_of_new=as_of_new)
    for name in ("indicators_district", "indicators_street"):  # rates shown as percentages
        table = tables[name]
        table.attrs["percent_rows"] = np.array([is_rate(c) for c in table["indicator"]],
                                               dtype=bool)
    day_old = np.datetime_as_string(as_date(as_of_old), "D")
    day_new = np.datetime_as_string(as_date(as_of_new), "D")
    zh = lang == "zh"
    notes = {("基期" if zh else "old state"): f"{day_old}",
             ("本期" if zh else "new state"): f"{day_new}"}
    title = "年度对比(本期与基期)" if zh else "change between two states"
    return write_tables(tables, out_dir, workbook="diff", lang=lang, as_of=day_new,
                        source=source or new.name if new is not None else source or old.name,
                        title=title, notes=notes)
