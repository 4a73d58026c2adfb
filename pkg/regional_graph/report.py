"""The headline report: coverage gaps and isolated units as CSV files and one workbook.

``regional-graph report DATA --out DIR [--as-of DATE]`` calls :func:`write_report` and prints
:func:`summary_lines`. Every table is built from an allow-list of columns (ids, names, kinds,
places, counts, dates, reasons): no member and no personal field ever reaches a file.

Examples
--------
>>> import tempfile, regional_graph as rg
>>> G = rg.datasets.load_sample_district()
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = write_report(G, tmp, as_of=rg.datasets.REFERENCE_DATE)
...     sorted(p.name for p in paths.values())[:2]
['coverage_by_area.csv', 'dormant_ties.csv']
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema
from .analysis import coverage, isolation, recommend
from .analysis.labels import to_chinese
from .graph import DateLike, RegionalGraph, as_date
from .io import write_sheet

log = logging.getLogger(__name__)

__all__ = [
    "REPORT_TABLES", "report_tables", "summary_lines", "write_report", "write_report_tables",
]

#: Report table (file stem) → Chinese sheet name of ``report.xlsx``.
REPORT_TABLES: dict[str, str] = {
    "uncovered": "未覆盖两新组织",
    "should_build": "应建未建",
    "joint_branch_proposals": "联建建议",
    "isolated_units": "孤岛驻区单位",
    "dormant_ties": "休眠共建关系",
    "unpaired_communities": "无结对社区",
    "coverage_by_area": "分区域覆盖率",
    "expiring_ties": "即将到期共建",
    "pairing_recommendations": "结对推荐",
}


#: How each report table is computed from a graph on a day.
_BUILDERS: dict[str, Callable[[RegionalGraph, np.datetime64], pd.DataFrame]] = {
    "uncovered": lambda G, day: coverage.uncovered(G, as_of=day),
    "should_build": lambda G, day: coverage.should_build(G, as_of=day),
    "joint_branch_proposals": lambda G, day: coverage.joint_branch_proposals(G, as_of=day),
    "isolated_units": lambda G, day: isolation.isolated_units(G, as_of=day),
    "dormant_ties": lambda G, day: isolation.dormant_ties(G, as_of=day),
    "unpaired_communities": lambda G, day: isolation.unpaired_communities(G, as_of=day),
    "coverage_by_area": lambda G, day: coverage.coverage_by_area(G, as_of=day),
    "expiring_ties": lambda G, day: isolation.expiring_ties(G, as_of=day),
    "pairing_recommendations":
        lambda G, day: recommend.recommend_partners(G, as_of=day, k=3).set_index("id"),
}


def report_tables(G: RegionalGraph, *, as_of: DateLike = None,
                  names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """The report's tables (English columns, indexed by ``id``), in file order; only
    ``names`` when given.

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = report_tables(rg.datasets.load_sample_district(), as_of=rg.datasets.REFERENCE_DATE)
    >>> list(t) == list(REPORT_TABLES)
    True
    """
    day = as_date(as_of)
    wanted = list(REPORT_TABLES) if names is None else [n for n in REPORT_TABLES if n in names]
    return {name: _BUILDERS[name](G, day) for name in wanted}


def _for_file(df: pd.DataFrame) -> pd.DataFrame:
    """``id`` as the first column; dates as ``YYYY-MM-DD`` text."""
    out = df.reset_index()
    if df.index.name is None:
        out = out.rename(columns={out.columns[0]: "id"})
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col].dtype):
            out[col] = out[col].dt.strftime("%Y-%m-%d").astype("str")
    return out


def write_report(G: RegionalGraph, out_dir: str | Path, *,
                 as_of: DateLike = None) -> dict[str, Path]:
    """Write the report tables as CSV (UTF-8 with BOM, first column ``id``) and
    ``report.xlsx`` (one sheet per table, Chinese headers and values).

    Parameters
    ----------
    G
        The graph.
    out_dir
        Folder to write into (created if needed).
    as_of
        The day the report describes (default today).

    Returns
    -------
    dict
        Table name → CSV path, plus ``"report"`` → the workbook.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_report(G, tmp, as_of=rg.datasets.REFERENCE_DATE)
    ...     paths["uncovered"].read_text(encoding="utf-8-sig").split(",")[0]
    'id'
    """
    day = as_date(as_of)
    tables = report_tables(G, as_of=day)
    paths = write_report_tables(tables, out_dir)
    log.info("wrote report as of %s to %s (%d tables)", np.datetime_as_string(day, "D"),
             out_dir, len(tables))
    return paths


def write_report_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> dict[str, Path]:
    """Write report tables (name → frame indexed by ``id``): a CSV each (UTF-8 with BOM,
    first column ``id``) and ``report.xlsx`` (a sheet each, Chinese headers and values).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = report_tables(G, as_of=rg.datasets.REFERENCE_DATE, names=["isolated_units"])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(write_report_tables(t, tmp))
    ['isolated_units', 'report']
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, df in tables.items():
        path = folder / f"{name}.csv"
        _for_file(df).to_csv(path, index=False, encoding="utf-8-sig")
        paths[name] = path
    xlsx = folder / "report.xlsx"
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        for name, df in tables.items():
            write_sheet(writer, _for_file(to_chinese(df.rename_axis(df.index.name or "id"))),
                        REPORT_TABLES[name], freeze="B2")
    paths["report"] = xlsx
    return paths


def _pct(x: float) -> str:
    return "n/a" if x is None or np.isnan(x) else f"{100 * x:.1f} %"


def summary_lines(G: RegionalGraph, *, as_of: DateLike = None) -> list[str]:
    """A short human summary: counts and the district coverage rates.

    Examples
    --------
    >>> import regional_graph as rg
    >>> lines = summary_lines(rg.datasets.load_sample_district(),
    ...                       as_of=rg.datasets.REFERENCE_DATE)
    >>> lines[0]
    'As of 2026-10-01 (海岚区 (sample)):'
    """
    day = as_date(as_of)
    t = report_tables(G, as_of=day)
    tot = coverage.coverage_totals(G, as_of=day)
    unc, prop, iso = t["uncovered"], t["joint_branch_proposals"], t["isolated_units"]
    n_units = int(coverage._org_kind_mask(G, schema.RESIDENT_UNIT_KINDS).sum())
    reasons = unc["reason"].value_counts()
    actions = prop["action"].value_counts()
    title = f" ({G.name})" if G.name else ""
    lines = [
        f"As of {np.datetime_as_string(day, 'D')}{title}:",
        f"Two-new organisations (两新组织): {tot['two_new']}, covered {tot['covered_two_new']}"
        f" — coverage {_pct(tot['rate_all'])} (all), {_pct(tot['rate_with_members'])}"
        f" (with Party members: {tot['covered_with_members']}/{tot['with_members']})",
        f"Uncovered (未覆盖): {len(unc)} ("
        + ", ".join(f"{k}: {int(v)}" for k, v in reasons.items()) + ")",
        f"Should build own branch (应建未建): {len(t['should_build'])}",
        "Joint-branch proposals (联合建立): "
        + (", ".join(f"{k}: {int(v)}" for k, v in actions.items()) or "none"),
        f"Isolated resident units (孤岛单位): {len(iso)} of {n_units}",
        f"Dormant ties (休眠共建): {len(t['dormant_ties'])}; "
        f"unpaired communities (无结对社区): {len(t['unpaired_communities'])}",
    ]
    districts = t["coverage_by_area"]
    districts = districts[districts["level"] == "district"]
    lines.extend(
        f"  {row['name']}: coverage {_pct(row['rate_all'])} (all, "
        f"{row['covered_two_new']}/{row['two_new']}), {_pct(row['rate_with_members'])} "
        f"(with members, {row['covered_with_members']}/{row['with_members']})"
        for _, row in districts.iterrows()
    )
    return lines
