"""The matching and the three-order flow as files: CSV tables and one workbook each.

:mod:`regional_graph.matching` returns data (a :class:`~regional_graph.matching.MatchResult`,
the order tables); this module writes it with the one table writer
(:func:`~regional_graph.export.tables.write_tables`).

Examples
--------
>>> import tempfile, regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> m = rg.matching.match_resources(G, as_of=rg.datasets.REFERENCE_DATE)
>>> with tempfile.TemporaryDirectory() as tmp:
...     sorted(p.name for p in write_matching(m, tmp).values())
['assignments.csv', 'idle_resources.csv', 'matching.xlsx', 'totals.csv', 'unmet_demands.csv']
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..graph import DateLike, RegionalGraph, as_date
from ..matching.orders import order_tables
from ..matching.resources import MatchResult
from ..vocab import Lang
from .tables import write_tables

log = logging.getLogger(__name__)

__all__ = ["write_matching", "write_orders"]


def write_matching(result: MatchResult, out_dir: str | Path, *, lang: Lang = "zh",
                   source: str | None = None) -> dict[str, Path]:
    """Write the matching as CSV files (UTF-8 with BOM, first columns the index) and a workbook.

    Writes ``assignments.csv`` (first columns ``resource_id``, ``demand_id``),
    ``unmet_demands.csv``, ``idle_resources.csv`` (first column ``id``), ``totals.csv``
    (first columns ``group``, ``key``) and ``matching.xlsx`` (one sheet per table and a 说明
    sheet), in ``lang`` (see :func:`~regional_graph.export.tables.write_tables`).

    Parameters
    ----------
    result
        A :class:`~regional_graph.matching.MatchResult`.
    out_dir
        Folder to write into (created if needed).
    lang
        ``"zh"`` (default) or ``"en"``.
    source
        Where the data came from (stated in the 说明 sheet).

    Returns
    -------
    dict
        Table name → path, plus ``"matching"`` → the workbook.

    Examples
    --------
    On the tiny district, R1 serves Q1 and R2 serves Q2 (Q3 asks for legal help nobody
    offers):

    >>> import tempfile, regional_graph as rg
    >>> m = rg.matching.match_resources(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     text = write_matching(m, tmp, lang="en")["assignments"].read_text("utf-8-sig")
    >>> [line.split(",")[:3] for line in text.splitlines()]
    [['resource_id', 'demand_id', 'provider_id'], ['R1', 'Q1', 'O1'], ['R2', 'Q2', 'O2']]
    """
    folder = Path(out_dir)
    tables = {"assignments": result.assignments, "unmet_demands": result.unmet_demands,
              "idle_resources": result.idle_resources, "totals": result.totals}
    title = "资源需求匹配结果" if lang == "zh" else "resource–demand matching"
    paths = write_tables(tables, folder, workbook="matching", lang=lang, as_of=result.as_of,
                         source=source, title=title)
    log.info("wrote matching (%d assignments, %d unmet demands) to %s",
             len(result.assignments), len(result.unmet_demands), folder)
    return paths


def write_orders(G: RegionalGraph, out_dir: str | Path, *, as_of: DateLike = None,
                 lang: Lang = "zh", max_distance_km: float | None = None,
                 source: str | None = None) -> dict[str, Path]:
    """Write :func:`~regional_graph.matching.order_tables` as CSV files and ``orders.xlsx``
    (with a 说明 sheet).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(write_orders(G, d, as_of=rg.datasets.REFERENCE_DATE))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['dispatch_proposals', 'order_indicators', 'order_indicators_category',
     'order_indicators_street', 'order_status', 'orders']
    """
    day = as_date(as_of)
    tables = order_tables(G, as_of=day, max_distance_km=max_distance_km)
    title = "三单制(群众点单、党组织下单、党员接单)" if lang == "zh" else "three-order flow"
    return write_tables(tables, out_dir, workbook="orders", lang=lang, as_of=day,
                        source=source or G.name, title=title)
