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
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..analysis import coverage, isolation, recommend
from ..graph import DateLike, RegionalGraph, as_date
from ..vocab import SHEET_ZH, Lang, check_lang, value_label
from .tables import as_of_line, write_tables

log = logging.getLogger(__name__)

__all__ = [
    "REPORT_TABLES", "report_tables", "summary_lines", "write_report", "write_report_tables",
]

_NAMES = ("uncovered", "should_build", "joint_branch_proposals", "isolated_units",
          "dormant_ties", "unpaired_communities", "coverage_by_area", "expiring_ties",
          "pairing_recommendations")
#: Report table (file stem) → Chinese sheet name of ``report.xlsx``.
REPORT_TABLES: dict[str, str] = {name: SHEET_ZH[name] for name in _NAMES}
#: Tables with sentences in ``language`` (the others hold codes only).
_WORDED = frozenset({"joint_branch_proposals", "pairing_recommendations"})

#: How each report table is computed from a graph on a day (reasons in a language).
_BUILDERS: dict[str, Callable[[RegionalGraph, np.datetime64, Lang], pd.DataFrame]] = {
    "uncovered": lambda G, day, lang: coverage.uncovered(G, as_of=day),
    "should_build": lambda G, day, lang: coverage.should_build(G, as_of=day),
    "joint_branch_proposals":
        lambda G, day, lang: coverage.joint_branch_proposals(G, as_of=day, language=lang),
    "isolated_units": lambda G, day, lang: isolation.isolated_units(G, as_of=day),
    "dormant_ties": lambda G, day, lang: isolation.dormant_ties(G, as_of=day),
    "unpaired_communities": lambda G, day, lang: isolation.unpaired_communities(G, as_of=day),
    "coverage_by_area": lambda G, day, lang: coverage.coverage_by_area(G, as_of=day),
    "expiring_ties": lambda G, day, lang: isolation.expiring_ties(G, as_of=day),
    "pairing_recommendations": lambda G, day, lang: recommend.recommend_partners(
        G, as_of=day, k=3, language=lang),
}


def report_tables(G: RegionalGraph, *, as_of: DateLike = None,
                  names: Iterable[str] | None = None,
                  language: Lang = "en") -> dict[str, pd.DataFrame]:
    """The report's tables (English columns, indexed by ``id``), in file order; only
    ``names`` when given. ``language`` is that of the free-text reasons (joint-branch
    proposals, pairing recommendations); every other value is a code.

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = report_tables(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> t["uncovered"].index.tolist(), t["isolated_units"].index.tolist()
    (['O6', 'O7', 'O8'], ['O2'])
    >>> list(t)[:4]
    ['uncovered', 'should_build', 'joint_branch_proposals', 'isolated_units']
    """
    day = as_date(as_of)
    check_lang(language)
    wanted = list(REPORT_TABLES) if names is None else [n for n in REPORT_TABLES if n in names]
    # once per graph, day and language: the CLI writes the tables, then summarises them
    return {name: G.memo(("report_table", name, day, language if name in _WORDED else None),
                         partial(_BUILDERS[name], G, day, language)).copy()
            for name in wanted}


def write_report(G: RegionalGraph, out_dir: str | Path, *,
                 as_of: DateLike = None, lang: Lang = "zh",
                 source: str | None = None) -> dict[str, Path]:
    """Write the report tables as CSV (UTF-8 with BOM, first column the id) and
    ``report.xlsx`` (one sheet per table and a 说明 sheet), in ``lang`` (Chinese by default:
    headers, sheet names, values and reasons; ``"en"`` for English).

    Parameters
    ----------
    G
        The graph.
    out_dir
        Folder to write into (created if needed).
    as_of
        The day the report describes (default today).
    lang
        ``"zh"`` or ``"en"``.
    source
        Where the data came from (stated in the 说明 sheet; default the graph's name).

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
    '编号'
    """
    day = as_date(as_of)
    tables = report_tables(G, as_of=day, language=lang)
    paths = write_report_tables(tables, out_dir, lang=lang, as_of=day, source=source or G.name)
    log.info("wrote report as of %s to %s (%d tables)", np.datetime_as_string(day, "D"),
             out_dir, len(tables))
    return paths


def write_report_tables(tables: dict[str, pd.DataFrame], out_dir: str | Path, *,
                        lang: Lang = "zh", as_of: DateLike = None,
                        source: str | None = None) -> dict[str, Path]:
    """Write report tables (name → frame indexed by ``id``): a CSV each (UTF-8 with BOM,
    first column the id) and ``report.xlsx`` (a sheet each and a 说明 sheet), in ``lang``
    (see :func:`regional_graph.export.write_tables`).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = report_tables(G, as_of=rg.datasets.REFERENCE_DATE, names=["isolated_units"])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sorted(write_report_tables(t, tmp))
    ['isolated_units', 'report']
    """
    named = {name: df.rename_axis(df.index.name or "id") for name, df in tables.items()}
    title = "区域化党建覆盖与孤岛单位报告" if lang == "zh" else "coverage and isolation report"
    return write_tables(named, out_dir, workbook="report", lang=lang, as_of=as_of,
                        source=source, title=title)


def _pct(x: float) -> str:
    return "n/a" if x is None or np.isnan(x) else f"{100 * x:.1f} %"


def summary_lines(G: RegionalGraph, *, as_of: DateLike = None,
                  lang: Lang = "zh") -> list[str]:
    """A short human summary: the as-of date, counts and the district coverage rates.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> summary_lines(G, as_of=rg.datasets.REFERENCE_DATE)[0]
    '数据日期 2026-10-01(未指定 --as-of 时为运行当天) · 海岚区 (sample)'
    >>> summary_lines(G, as_of=rg.datasets.REFERENCE_DATE, lang="en")[0]
    'As of 2026-10-01 (the day of the run unless --as-of is given) · 海岚区 (sample)'
    """
    day = as_date(as_of)
    check_lang(lang)
    t = report_tables(G, as_of=day, language=lang,
                      names=("uncovered", "should_build", "joint_branch_proposals",
                             "isolated_units", "dormant_ties", "unpaired_communities",
                             "coverage_by_area"))
    tot = coverage.coverage_totals(G, as_of=day)
    unc, prop, iso = t["uncovered"], t["joint_branch_proposals"], t["isolated_units"]
    n_units = int(G.organizations_of_kind(schema.RESIDENT_UNIT_KINDS).sum())
    reasons = unc["reason"].value_counts()
    actions = prop["action"].value_counts()
    title = f" · {G.name}" if G.name else ""
    if lang == "zh":
        return _summary_zh(as_of_line(day) + title, t, tot, n_units, reasons, actions)
    lines = [
        as_of_line(day, "en") + title,
        f"Two-new organisations (两新组织): {tot['two_new']}, covered {tot['covered_two_new']}"
        f" — coverage {_pct(tot['rate_all'])} (all), {_pct(tot['rate_with_members'])}"
        f" (with Party members: {tot['covered_with_members']}/{tot['with_members']})",
        f"Uncovered (未覆盖): {len(unc)}"
        + (" (" + ", ".join(f"{k}: {int(v)}" for k, v in reasons.items()) + ")"
           if len(reasons) else ""),
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


def _summary_zh(first: str, t: dict[str, pd.DataFrame], tot: dict, n_units: int,
                reasons: pd.Series, actions: pd.Series) -> list[str]:
    """The Chinese summary (same figures as the English one)."""
    def parts(counts: pd.Series, column: str) -> str:
        return "，".join(f"{value_label(k, 'zh', column)} {int(v)}" for k, v in counts.items())

    unc = t["uncovered"]
    lines = [
        first,
        f"两新组织 {tot['two_new']} 家，已覆盖 {tot['covered_two_new']} 家，"
        f"覆盖率(全部) {_pct(tot['rate_all'])}；覆盖率(有党员) {_pct(tot['rate_with_members'])}"
        f"（{tot['covered_with_members']}/{tot['with_members']}）",
        f"未覆盖两新组织 {len(unc)} 家" + (f"（{parts(reasons, 'reason')}）" if len(reasons)
                                       else ""),
        f"应建未建 {len(t['should_build'])} 家",
        "联建建议：" + (parts(actions, "action") or "无"),
        f"孤岛驻区单位 {len(t['isolated_units'])} 家（共 {n_units} 家驻区单位）",
        f"休眠共建关系 {len(t['dormant_ties'])} 条；无结对社区 {len(t['unpaired_communities'])} 个",
    ]
    districts = t["coverage_by_area"]
    districts = districts[districts["level"] == "district"]
    lines.extend(
        f"  {row['name']}：覆盖率(全部) {_pct(row['rate_all'])}（{row['covered_two_new']}/"
        f"{row['two_new']}），覆盖率(有党员) {_pct(row['rate_with_members'])}"
        f"（{row['covered_with_members']}/{row['with_members']}）"
        for _, row in districts.iterrows()
    )
    return lines
