"""Static charts for reports and researchers (matplotlib, Agg-safe, Chinese labels).

Every function builds a :class:`matplotlib.figure.Figure` with an Agg canvas and returns it
(no pyplot, never ``show``): save it with ``fig.savefig("chart.png", dpi=200)`` or embed it
in a notebook. :func:`configure_cjk_font` (called by each function) registers a CJK font so
Chinese street names and titles render without missing glyphs.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz import plots
>>> G = rg.datasets.load_sample_district()
>>> fig = plots.plot_coverage_by_street(G, as_of=rg.datasets.REFERENCE_DATE)
>>> len(fig.axes[0].patches)
26
"""

from __future__ import annotations

import logging

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .. import schema
from ..graph import DateLike, RegionalGraph, as_date, live_mask
from ..vocab import column_label

log = logging.getLogger(__name__)

__all__ = [
    "configure_cjk_font",
    "plot_coverage_by_street",
    "plot_degree_distribution",
    "plot_district_comparison",
    "plot_indicator",
    "plot_ties_over_time",
]

_PARTY_RED = "#c8102e"
_COLORS = ("#c8102e", "#1d4ed8", "#d97706", "#059669", "#7c3aed", "#64748b")


def configure_cjk_font() -> str | None:
    """Register a CJK font with matplotlib and make it the default sans-serif family.

    Finds a font file with simplified-Chinese glyphs (``fc-match``, common install paths,
    matplotlib's font list — see :func:`regional_graph.viz.fonts.find_cjk_font`), adds it
    with ``fontManager.addfont``, puts its family first in ``font.sans-serif``, sets
    ``font.family`` to sans-serif and ``axes.unicode_minus`` to False (the CJK font lacks
    the Unicode minus). Idempotent.

    Returns
    -------
    str or None
        The family name (e.g. ``"Noto Sans CJK SC"``), or None when no CJK font exists.

    Examples
    --------
    >>> family = configure_cjk_font()  # 'Noto Sans CJK SC' where fonts-noto-cjk is installed
    >>> mpl.rcParams["font.sans-serif"].index(family), mpl.rcParams["font.family"]  # first
    (0, ['sans-serif'])
    >>> mpl.rcParams["axes.unicode_minus"]
    False
    """
    from .fonts import matplotlib_cjk_family

    family = matplotlib_cjk_family()
    mpl.rcParams["axes.unicode_minus"] = False
    if family is None:
        return None
    sans = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.sans-serif"] = [family, *sans]
    mpl.rcParams["font.family"] = "sans-serif"
    return family


def _figure(width: float = 10.0, height: float = 5.0) -> tuple[Figure, Axes]:
    configure_cjk_font()
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _bar_width(n: int) -> float:
    return max(4.0, min(0.45 * n + 2.0, 24.0))


# --------------------------------------------------------------------------------------------
# coverage and indicators
# --------------------------------------------------------------------------------------------


def plot_coverage_by_street(G: RegionalGraph, *, as_of: DateLike = None) -> Figure:
    """Grouped bars: the two coverage rates of two-new organisations per street.

    One bar per street for *coverage (all)* and one for *coverage (with members)*
    (``DOMAIN.md``), street names as tick labels.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> fig = plot_coverage_by_street(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['覆盖率(全部)', '覆盖率(有党员)']
    """
    from ..analysis import coverage

    day = as_date(as_of)
    rates = coverage.coverage_rates(G, as_of=day, by="street")
    n = len(rates)
    fig, ax = _figure(_bar_width(2 * n), 5.0)
    x = np.arange(n)
    w = 0.4
    ax.bar(x - w / 2, rates["rate_all"].fillna(0) * 100, w, label="覆盖率(全部)",
           color=_PARTY_RED)
    ax.bar(x + w / 2, rates["rate_with_members"].fillna(0) * 100, w, label="覆盖率(有党员)",
           color="#f59e0b")
    ax.set_xticks(x, rates["name"].fillna(pd.Series(rates.index, index=rates.index)),
                  rotation=45 if n > 8 else 0, ha="right" if n > 8 else "center")
    ax.set_ylim(0, 105)
    ax.set_ylabel("覆盖率 (%)")
    ax.set_title(f"各街道两新组织党的组织覆盖率 ({np.datetime_as_string(day, unit='D')})")
    ax.legend(loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return fig


def plot_indicator(table: pd.DataFrame, column: str, *, title: str | None = None,
                   sort: bool = True) -> Figure:
    """Bars comparing one indicator across the rows (streets, communities) of a table.

    Parameters
    ----------
    table
        An indicator table (:func:`~regional_graph.analysis.indicators.indicators`) or any
        DataFrame indexed by area id; the ``name`` column (else the index) labels the bars.
    column
        The indicator to plot; rates (columns starting ``rate`` or ending ``_rate`` /
        ``_share``) are shown in percent.
    sort
        Sort bars by value, largest first.

    Returns
    -------
    Figure
        One bar per row and a dashed line at the mean.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.analysis.indicators import indicators
    >>> G = rg.datasets.load_sample_district()
    >>> t = indicators(G, by="street", as_of=rg.datasets.REFERENCE_DATE)
    >>> len(plot_indicator(t, "conference_rate").axes[0].patches)
    13
    """
    if column not in table.columns:
        raise KeyError(f"`column` {column!r} is not in the table; have {list(table.columns)}")
    values = pd.to_numeric(table[column], errors="coerce").astype("float64")
    is_rate = column.startswith("rate") or column.endswith(("_rate", "_share"))
    if is_rate:
        values = values * 100
    labels = table["name"].astype(object).where(table["name"].notna(), table.index.to_series()) \
        if "name" in table.columns else table.index.to_series()
    frame = pd.DataFrame({"label": labels.astype(str).to_numpy(), "value": values.to_numpy()})
    if sort:
        frame = frame.sort_values("value", ascending=False, kind="stable")
    n = len(frame)
    fig, ax = _figure(_bar_width(n), 5.0)
    x = np.arange(n)
    ax.bar(x, frame["value"].fillna(0), color=_PARTY_RED)
    mean = float(np.nanmean(frame["value"])) if frame["value"].notna().any() else 0.0
    ax.axhline(mean, color="#334155", linestyle="--", linewidth=1,
               label=f"平均 {mean:.1f}{'%' if is_rate else ''}")
    ax.set_xticks(x, frame["label"], rotation=45 if n > 8 else 0,
                  ha="right" if n > 8 else "center")
    zh = column_label(column)
    ax.set_ylabel(f"{zh} (%)" if is_rate else zh)
    ax.set_title(title or f"{zh}对比")
    ax.legend(loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    return fig


# --------------------------------------------------------------------------------------------
# network
# --------------------------------------------------------------------------------------------


def plot_degree_distribution(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    include_coverage: bool = False,
    loglog: bool = False,
) -> Figure:
    """Degree distribution of the joint-building network, one line per kind of actor.

    Lines: resident units (驻区单位, including isolated ones at degree 0), areas
    (communities and streets with their committees, 社区/街道), and other actors (两新组织
    and other Party orgs, 其他), each the number of actors with each degree
    (:func:`~regional_graph.analysis.structure.degree`). With ``loglog`` degree 0 is left
    out (it cannot be drawn on a log axis).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> fig = plot_degree_distribution(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> len(fig.axes[0].get_lines())
    3
    """
    from ..analysis.structure import degree

    day = as_date(as_of)
    d = degree(G, as_of=day, include_coverage=include_coverage, include_isolated=True)
    unit = d["kind"].isin(schema.RESIDENT_UNIT_KINDS).to_numpy(dtype=bool)
    area = (d["label"] == "Area").to_numpy(dtype=bool)
    groups = {"驻区单位": unit, "社区/街道": area, "其他": ~unit & ~area}
    fig, ax = _figure(8.0, 5.0)
    for (label, mask), color in zip(groups.items(), _COLORS, strict=False):
        if not mask.any():
            continue
        counts = d.loc[mask, "degree"].value_counts().sort_index()
        if loglog:
            counts = counts[counts.index > 0]
        ax.plot(counts.index.to_numpy(), counts.to_numpy(), marker="o", label=label,
                color=color)
    if loglog:
        ax.set_xscale("log")
        ax.set_yscale("log")
    isolated = int((d.loc[unit, "degree"] == 0).sum())
    ax.set_xlabel("度 (共建伙伴数)")
    ax.set_ylabel("主体数")
    ax.set_title(f"共建网络度分布 (孤岛单位 {isolated} 个)")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def plot_ties_over_time(
    G: RegionalGraph,
    *,
    start: DateLike = None,
    end: DateLike = None,
    freq: str = "MS",
) -> Figure:
    """Live tie links per month, one line per tie type and one for all of them.

    A link counts on a day when it is live then (``start`` empty or ≤ day, ``end`` empty or
    ≥ day), evaluated on the first day of each month (``freq="MS"``) from ``start`` (default:
    the earliest link start, or five years before ``end``) to ``end`` (default today).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> fig = plot_ties_over_time(G, end=rg.datasets.REFERENCE_DATE)
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['共建', '兼职委员', '联席会成员', '合计']
    """
    last = as_date(end)
    types = [schema.LINK_RELTYPE[t] for t in schema.TIE_TYPES]
    e = G.edges_of(*types)
    s_arr = e["start"].to_numpy(dtype="datetime64[s]")
    e_arr = e["end"].to_numpy(dtype="datetime64[s]")
    if start is not None:
        first = as_date(start)
    elif (~np.isnat(s_arr)).any():
        first = s_arr[~np.isnat(s_arr)].min()
    else:
        first = last - np.timedelta64(5 * 365, "D")
    months = pd.date_range(pd.Timestamp(first).normalize(), pd.Timestamp(last), freq=freq)
    if not len(months):
        months = pd.DatetimeIndex([pd.Timestamp(last)])
    days = months.to_numpy(dtype="datetime64[s]")
    kind = e["type"].astype(str).to_numpy()
    fig, ax = _figure(10.0, 5.0)
    total = np.zeros(len(days), dtype=np.int64)
    for t, color in zip(schema.TIE_TYPES, _COLORS, strict=False):
        m = kind == schema.LINK_RELTYPE[t].value
        st, en = s_arr[m], e_arr[m]
        counts = live_mask(st[None, :], en[None, :], days[:, None]).sum(axis=1)
        total += counts
        ax.plot(months, counts, label=schema.LINK_TYPE.zh(t), color=color)
    ax.plot(months, total, label="合计", color="#0f172a", linewidth=2)
    ax.set_ylabel("有效关系数")
    ax.set_title("共建关系数量变化 (按月)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.autofmt_xdate()
    return fig


# --------------------------------------------------------------------------------------------
# many districts
# --------------------------------------------------------------------------------------------


def plot_district_comparison(
    table: pd.DataFrame,
    columns: tuple[str, ...] = ("rate_all", "rate_with_members", "conference_rate",
                                "reporting_rate"),
    *,
    title: str = "各区主要指标对比",
) -> Figure:
    """Grouped bars: a few rates (in percent) for every district, one colour per district.

    Parameters
    ----------
    table
        :func:`~regional_graph.analysis.compare.compare_districts` (its ``total`` row is drawn
        as a dashed line per indicator) or any indicator table with a ``name`` column.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.analysis.compare import compare_districts
    >>> G = rg.datasets.load_sample_district()
    >>> t = compare_districts(rg.merge([G, G], names=["a", "b"]),
    ...                       as_of=rg.datasets.REFERENCE_DATE)
    >>> fig = plot_district_comparison(t)
    >>> len(fig.axes[0].patches), [x.get_text() for x in fig.axes[0].get_legend().get_texts()]
    (8, ['合计', '海岚区', '海岚区'])
    """
    from ..analysis.compare import TOTAL

    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"`columns`: {missing} not in the table")
    rows = table.drop(index=[TOTAL], errors="ignore")
    names = rows["name"].astype(object).where(rows["name"].notna(),
                                              rows.index.to_series()).astype(str)
    k, m = len(columns), len(rows)
    fig, ax = _figure(max(6.0, 1.2 * k * max(m, 1) * 0.6 + 3), 5.0)
    x = np.arange(k)
    w = 0.8 / max(m, 1)
    for j, (_, row) in enumerate(rows.iterrows()):
        values = [float(row[c]) * 100 if pd.notna(row[c]) else 0.0 for c in columns]
        ax.bar(x - 0.4 + w * (j + 0.5), values, w, label=names.iloc[j],
               color=_COLORS[j % len(_COLORS)])
    if TOTAL in table.index:
        for i, c in enumerate(columns):
            v = table.loc[TOTAL, c]
            if pd.notna(v):
                ax.hlines(float(v) * 100, i - 0.45, i + 0.45, colors="#111827",
                          linestyles="--", linewidth=1.2, label="合计" if i == 0 else "_")
    ax.set_xticks(x, [column_label(c) for c in columns])
    ax.set_ylim(0, 118)
    ax.set_ylabel("%")
    ax.set_title(title)
    ax.legend(loc="upper center", ncol=m + 1, fontsize=8, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return fig
