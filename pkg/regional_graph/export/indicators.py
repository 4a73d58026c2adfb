"""The indicator tables as files: three CSVs and one workbook (量化指标).

:func:`~regional_graph.analysis.indicators.indicators` computes the tables; this module writes
them with the one table writer (:mod:`regional_graph.export.tables`).

Examples
--------
>>> import tempfile, regional_graph as rg
>>> with tempfile.TemporaryDirectory() as d:
...     paths = write_indicators(rg.datasets.load_tiny(), d, as_of="2026-10-01", lang="en")
...     sorted(p.name for p in paths.values())
['indicators.xlsx', 'indicators_community.csv', 'indicators_district.csv', 'indicators_street.csv']
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pandas as pd

from .. import vocab
from ..analysis.indicators import LEVELS, indicators
from ..graph import DateLike, RegionalGraph, as_date
from .tables import write_tables

log = logging.getLogger(__name__)

__all__ = ["write_indicator_tables", "write_indicators"]


def write_indicators(
    G: RegionalGraph,
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    matching: Any = None,
    lang: vocab.Lang = "zh",
    source: str | None = None,
) -> dict[str, Path]:
    """Write the three indicator tables as CSV (UTF-8 with BOM) and one workbook.

    Files: ``indicators_district.csv``, ``indicators_street.csv``,
    ``indicators_community.csv`` (first column the id) and ``indicators.xlsx`` (one sheet per
    level and a 说明 sheet defining every column), in ``lang`` (Chinese by default).

    Parameters
    ----------
    out_dir
        Folder, created if needed.
    lang
        ``"zh"`` or ``"en"`` (headers, sheet names, the notes sheet).
    source
        Where the data came from (default the graph's name).

    Returns
    -------
    dict
        ``"district"``, ``"street"``, ``"community"``, ``"xlsx"`` → path written.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_indicators(G, d, as_of=rg.datasets.REFERENCE_DATE)
    ...     sorted(paths)
    ['community', 'district', 'street', 'xlsx']
    """
    day = as_date(as_of)
    tables: dict[str, pd.DataFrame] = {
        lvl: indicators(G, by=lvl, as_of=day, matching=matching) for lvl in LEVELS}
    return write_indicator_tables(tables, out_dir, as_of=day, lang=lang,
                                  source=source or G.name)


def write_indicator_tables(
    tables: dict[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    lang: vocab.Lang = "zh",
    source: str | None = None,
) -> dict[str, Path]:
    """Write indicator tables already computed (level → table, e.g. on the server by
    :func:`regional_graph.store.indicators.indicators_tables_from_neo4j`) as
    :func:`write_indicators` does.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.analysis.indicators import indicators
    >>> t = {"district": indicators(rg.datasets.load_tiny(), by="district", as_of="2026-10-01")}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(p.name for p in write_indicator_tables(t, d, as_of="2026-10-01").values())
    ['indicators.xlsx', 'indicators_district.csv']
    """
    day = as_date(as_of)
    title = "量化指标" if lang == "zh" else "indicators"
    paths = write_tables(tables, out_dir, workbook="indicators", lang=lang, as_of=day,
                         source=source, title=title, csv_prefix="indicators_")
    paths["xlsx"] = paths.pop("indicators")
    log.info("wrote indicator tables for %s to %s", ", ".join(tables), out_dir)
    return paths
