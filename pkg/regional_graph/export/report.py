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
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..analysis import coverage, isolation, recommend
from ..checksums import checksum_meanwhile
from ..graph import DateLike, RegionalGraph, as_date
from ..progress import available_cores
from ..vocab import SHEET_ZH, Lang, check_lang, summary_line
from ._fork import fork_call
from .tables import (
    PreparedTable,
    as_of_line,
    prepare_table,
    write_tables,
    write_workbook,
)

log = logging.getLogger(__name__)

__all__ = [
    "FORK_SECONDS", "PARALLEL_TABLES", "REPORT_TABLES", "TABLE_SECONDS", "balanced_split",
    "report_tables", "summary_figures", "summary_lines",
    "write_report", "write_report_and_tables", "write_report_tables",
]

_NAMES = ("uncovered", "should_build", "joint_branch_proposals", "isolated_units",
          "dormant_ties", "unpaired_communities", "coverage_by_area", "expiring_ties",
          "pairing_recommendations")
#: Report table (file stem) → Chinese sheet name of ``report.xlsx``.
REPORT_TABLES: dict[str, str] = {name: SHEET_ZH[name] for name in _NAMES}
#: The report tables :func:`summary_figures` counts.
_SUMMARISED = ("uncovered", "should_build", "joint_branch_proposals", "isolated_units",
               "dormant_ties", "unpaired_communities", "coverage_by_area")
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
    return {name: G.memo(_memo_key(name, day, language),
                         partial(_BUILDERS[name], G, day, language)).copy()
            for name in wanted}


def write_report(G: RegionalGraph, out_dir: str | Path, *,
                 as_of: DateLike = None, lang: Lang = "zh",
                 source: str | None = None, workers: int | None = 1) -> dict[str, Path]:
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
    workers
        Processes to use (``None``: every core this process may run on). With 2 or more
        (on Linux), a forked worker computes and writes the slowest tables
        (:data:`PARALLEL_TABLES`) while this process does the rest; the files are the same.

    Returns
    -------
    dict
        Table name → CSV path, plus ``"report"`` → the workbook.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_report(rg.datasets.load_tiny(), tmp, as_of="2026-10-01")
    ...     lines = paths["uncovered"].read_text(encoding="utf-8-sig").splitlines()
    >>> lines[0].split(",")[:4]
    ['编号', '名称', '类型', '行业']
    >>> lines[1]  # the three enterprises with no covering link: O6, O7, O8
    'O6,西一软件,非公企业,软件,2,C3,西一社区,S2,西街道,无覆盖关系,,'
    """
    return write_report_and_tables(G, out_dir, as_of=as_of, lang=lang, source=source,
                                   workers=workers)[0]


def write_report_and_tables(G: RegionalGraph, out_dir: str | Path, *, as_of: DateLike = None,
                            lang: Lang = "zh", source: str | None = None,
                            workers: int | None = 1
                            ) -> tuple[dict[str, Path], dict[str, pd.DataFrame]]:
    """:func:`write_report`, and the tables written (name → frame, for
    ``summary_lines(G, tables=...)``: a summary that computes nothing again).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths, tables = write_report_and_tables(G, tmp, as_of="2026-10-01")
    >>> tables["uncovered"].index.tolist()
    ['O6', 'O7', 'O8']
    >>> summary_lines(G, as_of="2026-10-01", tables=tables)[2]
    '未覆盖两新组织 3 家（无覆盖关系 3）'
    """
    day = as_date(as_of)
    check_lang(lang)
    remote = [n for n in REPORT_TABLES if n in PARALLEL_TABLES]
    workers = (available_cores() if workers is None else workers) if remote else 1
    # the notes sheet's input checksum: the thread the command line started with its
    # prefetch (one per input), or started now to run beside the tables
    checksum = checksum_meanwhile(source)
    if checksum is not None and workers >= 2:
        checksum.join()  # no thread runs across the fork
    with fork_call(_prepare_tables, G, remote, day, lang, out_dir, workers=workers) as pending:
        local = _prepare_tables(G, [n for n in REPORT_TABLES if n not in remote], day, lang,
                                out_dir)
        done = pending.result()
    if checksum is not None:
        checksum.join()
    prepared = {**local, **done}
    paths = write_workbook([prepared[name][1] for name in REPORT_TABLES], out_dir,
                           workbook="report", lang=lang, as_of=day, source=source or G.name,
                           title=_title(lang))
    log.info("wrote report as of %s to %s (%d tables%s)", np.datetime_as_string(day, "D"),
             out_dir, len(REPORT_TABLES), f", {len(remote)} in a worker process"
             if pending.forked else "")
    return paths, {name: prepared[name][0] for name in REPORT_TABLES}


#: Seconds to compute and write each report table at city scale (wall, medians of 3 runs
#: in one process, session 6, before joint-branch proposals and pairing recommendations
#: were made faster): the work :func:`write_report` splits with a forked worker is
#: balanced on these. Measure again with ``benchmarks/bench_writer.py --costs``. After
#: those speed-ups the split they give is still the best one measured. At city scale the
#: worker saves little (report step 0.43 s against 0.44 s in one process; end to end it
#: was 0.23-0.27 s faster in two runs of three and 0.23 s slower in one); at province
#: scale it saves 0.5-0.7 s (2.71-3.18 s against 3.45-3.70 s).
TABLE_SECONDS: dict[str, float] = {
    "uncovered": 0.10, "should_build": 0.06, "joint_branch_proposals": 0.63,
    "isolated_units": 0.04, "dormant_ties": 0.17, "unpaired_communities": 0.03,
    "coverage_by_area": 0.05, "expiring_ties": 0.04, "pairing_recommendations": 0.29,
}
#: What a worker costs besides its tables, in the same units: in the worker (starting it,
#: its tables sent back) and in this process (copy-on-write page faults on the pages it
#: writes while the worker lives: measured 0.26 s of CPU with a worker given the smallest
#: table, city scale, load 5).
FORK_SECONDS = (0.08, 0.25)


def balanced_split(seconds: Mapping[str, float],
                   fork: tuple[float, float] = FORK_SECONDS) -> tuple[str, ...]:
    """The tables a forked worker should take so that both processes are done soonest
    (``fork``: the worker's extra seconds and this process's), in the order given; none
    when forking does not pay.

    Examples
    --------
    >>> balanced_split({"a": 0.5, "b": 0.3, "c": 0.3}, fork=(0.05, 0.05))
    ('a',)
    >>> balanced_split({"a": 0.2, "b": 0.1}, fork=(0.08, 0.25))  # not worth a process
    ()
    """
    names = list(seconds)
    total = sum(seconds.values())
    best: tuple[str, ...] = ()
    best_wall = total  # all in this process
    for chosen in range(1, 2 ** len(names)):  # every subset (a report has nine tables)
        remote = tuple(n for i, n in enumerate(names) if chosen >> i & 1)
        away = sum(seconds[n] for n in remote)
        wall = max(total - away + fork[1], away + fork[0])
        if wall < best_wall - 1e-9 or (abs(wall - best_wall) <= 1e-9 and best
                                        and len(remote) < len(best)):
            best, best_wall = remote, wall
    return best


#: The report tables :func:`write_report` leaves to a worker process (with ``workers`` ≥ 2):
#: :func:`balanced_split` of :data:`TABLE_SECONDS`.
PARALLEL_TABLES: tuple[str, ...] = balanced_split(TABLE_SECONDS)


def _prepare_tables(G: RegionalGraph, names: list[str], day: np.datetime64, lang: Lang,
                    out_dir: str | Path) -> dict[str, tuple[pd.DataFrame, PreparedTable]]:
    """Compute report tables, write their CSV files and render their sheets."""
    tables = report_tables(G, as_of=day, names=names, language=lang)
    return {name: (frame, prepare_table(name, _with_id(frame), out_dir, lang=lang))
            for name, frame in tables.items()}


def _memo_key(name: str, day: np.datetime64, lang: Lang) -> tuple[object, ...]:
    return ("report_table", name, day, lang if name in _WORDED else None)


def _with_id(df: pd.DataFrame) -> pd.DataFrame:
    return df.rename_axis(df.index.name or "id")


def _title(lang: Lang) -> str:
    return "区域化党建覆盖与孤岛单位报告" if lang == "zh" else "coverage and isolation report"


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
    named = {name: _with_id(df) for name, df in tables.items()}
    return write_tables(named, out_dir, workbook="report", lang=lang, as_of=as_of,
                        source=source, title=_title(lang))


def summary_lines(G: RegionalGraph, *, as_of: DateLike = None, lang: Lang = "zh",
                  tables: Mapping[str, pd.DataFrame] | None = None) -> list[str]:
    """A short human summary: the as-of date, counts and the district coverage rates
    (``tables``: the report tables already at hand, e.g. from
    :func:`write_report_and_tables`; the others are computed).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> summary_lines(G, as_of=rg.datasets.REFERENCE_DATE)[0]
    '数据日期 2026-10-01(未指定 --as-of 时为运行当天) · 海岚区 (sample)'
    >>> summary_lines(G, as_of=rg.datasets.REFERENCE_DATE, lang="en")[0]
    'As of 2026-10-01 (the day of the run unless --as-of is given) · 海岚区 (sample)'
    >>> summary_lines(rg.datasets.load_tiny(), as_of="2026-10-01")[1:3]
    ['两新组织 6 家，已覆盖 3 家，覆盖率(全部) 50.0 %；覆盖率(有党员) 60.0 %（3/5）', \
'未覆盖两新组织 3 家（无覆盖关系 3）']
    """
    day = as_date(as_of)
    check_lang(lang)
    title = f" · {G.name}" if G.name else ""
    return [as_of_line(day, lang) + title,
            *(summary_line(key, values, lang)
              for key, values in summary_figures(G, day, language=lang, tables=tables))]


def summary_figures(G: RegionalGraph, as_of: DateLike = None, *, language: Lang = "zh",
                    tables: Mapping[str, pd.DataFrame] | None = None
                    ) -> list[tuple[str, dict[str, object]]]:
    """The figures of :func:`summary_lines`, the same in every language: (line key of
    :data:`~regional_graph.vocab.SUMMARY_LINES`, values). ``language`` only picks the
    report tables already computed (:func:`report_tables`; the figures use codes only);
    ``tables``: report tables at hand (name → frame), used instead.

    Examples
    --------
    >>> import regional_graph as rg
    >>> figures = summary_figures(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> [key for key, _ in figures]
    ['two_new', 'uncovered', 'should_build', 'proposals', 'isolated', 'dormant', 'district']
    >>> figures[4][1]  # the hospital O2 of two resident units (O1, O2)
    {'isolated': 1, 'units': 2}
    """
    day = as_date(as_of)
    given = dict(tables or {})
    t = {**report_tables(G, as_of=day, language=language,
                         names=[n for n in _SUMMARISED if n not in given]), **given}
    tot = coverage.coverage_totals(G, as_of=day)
    districts = t["coverage_by_area"]
    districts = districts[districts["level"] == "district"]
    return [
        ("two_new", tot.to_dict()),
        ("uncovered", {"uncovered": len(t["uncovered"]),
                       "reason": t["uncovered"]["reason"].value_counts()}),
        ("should_build", {"should_build": len(t["should_build"])}),
        ("proposals", {"action": t["joint_branch_proposals"]["action"].value_counts()}),
        ("isolated", {"isolated": len(t["isolated_units"]),
                      "units": int(G.organizations_of_kind(schema.RESIDENT_UNIT_KINDS).sum())}),
        ("dormant", {"dormant": len(t["dormant_ties"]),
                     "unpaired": len(t["unpaired_communities"])}),
        *(("district", row.to_dict()) for _, row in districts.iterrows()),
    ]
