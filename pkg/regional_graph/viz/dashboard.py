"""The district dashboard (区域化党建驾驶舱): one offline page with the indicators, charts,
attention lists and links to the wall maps.

:func:`dashboard_data` gathers every number from the library's own analyses — the indicator
tables (:func:`~regional_graph.analysis.indicators.indicators`), the report lists
(:mod:`~regional_graph.analysis.coverage`, :mod:`~regional_graph.analysis.isolation`), the
matching (:func:`~regional_graph.matching.match_resources`) and the three-order flow
(:func:`~regional_graph.matching.orders.order_indicators`) — so the page and the tables cannot
disagree. :func:`render_dashboard_html` pours it into ``assets/dashboard.html`` together with
the vendored ECharts build and an embedded CJK font subset: the page makes no request at all
and works from a USB stick. Only allow-listed fields reach the page (ids, names of units and
areas, kinds, industries, counts, dates, reasons): no member, no personal column.

Examples
--------
>>> import regional_graph as rg
>>> d = dashboard_data(rg.datasets.load_tiny(), as_of="2026-10-01")
>>> d["root"], d["areas"]["D1"]["name"], [k["key"] for k in d["kpis"]][:3]
('D1', '小岚区', ['rate_all', 'rate_with_members', 'uncovered'])
>>> {key: [row[0] for row in attention["rows"]] for key, attention in d["lists"].items()}
{'uncovered': ['O6', 'O7', 'O8'], 'should_build': ['O8'], 'isolated': ['O2'], \
'unmet': ['Q3'], 'expiring': [], 'dormant': ['O1->PS1#6', 'O1->PS1#7'], 'unpaired': ['C2', 'C3']}
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..analysis import coverage, isolation
from ..analysis.indicators import LEVELS, indicators
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label
from ..vocab import SHEET_ZH, VALUE_ZH, column_doc, column_label
from .fonts import cjk_font_face_css

log = logging.getLogger(__name__)

__all__ = ["KPIS", "TABLE_COLUMNS", "Kpi", "dashboard_data", "render_dashboard_html",
           "write_dashboard"]


def _unit(col: str) -> str:
    """``"rate"`` for a rate column (a fraction shown as a percentage), else ``"count"``."""
    return "rate" if col.startswith("rate_") or col.endswith("_rate") else "count"


@dataclass(frozen=True)
class Kpi:
    """One headline figure: its indicator column and whether up is good; its label and the
    definition shown on hover/click are the vocabulary's (:func:`~regional_graph.vocab.
    column_label`, :func:`~regional_graph.vocab.column_doc`).

    Examples
    --------
    >>> k = Kpi("rate_all", up_is_good=True)
    >>> k.label, k.unit, k.definition
    ('覆盖率(全部)', 'rate', '覆盖率(全部) = 已覆盖两新组织数 ÷ 两新组织数')
    """

    key: str
    up_is_good: bool

    @property
    def label(self) -> str:
        return column_label(self.key)

    @property
    def unit(self) -> str:
        return _unit(self.key)

    @property
    def definition(self) -> str:
        return column_doc(self.key) or ""


#: The headline figures, in page order.
KPIS: tuple[Kpi, ...] = tuple(Kpi(key, up) for key, up in (
    ("rate_all", True), ("rate_with_members", True), ("uncovered", False),
    ("should_build", False), ("isolated_units", False), ("unpaired_communities", False),
    ("dormant_ties", False), ("expiring_ties", False), ("unmet", False),
    ("conference_rate", True), ("reporting_rate", True), ("fulfilment_rate", True),
))

#: Indicator columns of the per-area charts and table (rates are fractions), in page order;
#: labels from :func:`~regional_graph.vocab.column_label`.
TABLE_COLUMNS: tuple[str, ...] = (
    "rate_all", "rate_with_members", "two_new", "uncovered", "should_build", "resident_units",
    "isolated_units", "conference_rate", "unpaired_communities", "pairs", "part_time_members",
    "dormant_ties", "expiring_ties", "reporting_rate", "members", "branches",
    "members_per_branch", "resources", "demand_quantity", "served", "unmet", "served_rate",
    "orders", "fulfilment_rate",
)
_RATES = {  # rate column → (numerator, denominator) columns, to total a rate over rows
    "rate_all": ("covered_two_new", "two_new"),
    "rate_with_members": ("covered_with_members", "with_members"),
    "conference_rate": ("conference_units", "resident_units_with_org"),
    "reporting_rate": ("members_reporting", "member_records"),
    "served_rate": ("served", "_served_den"),
    "fulfilment_rate": ("done", "_orders_den"),
    "members_per_branch": ("_branch_members", "branches"),
}
_HELPERS = ("covered_two_new", "covered_with_members", "with_members", "conference_units",
            "resident_units_with_org", "members_reporting", "member_records", "done",
            "_served_den", "_orders_den", "_branch_members")
ROOT_ID = "__all__"
#: The attention lists: key → Chinese title (page order), the sheet name of the same table
#: in the report and matching workbooks.
LISTS: dict[str, str] = {key: SHEET_ZH[table] for key, table in (
    ("uncovered", "uncovered"), ("should_build", "should_build"),
    ("isolated", "isolated_units"), ("unmet", "unmet_demands"), ("expiring", "expiring_ties"),
    ("dormant", "dormant_ties"), ("unpaired", "unpaired_communities"),
)}
LIST_COLUMNS = ("id", "name", "kind", "industry", "district", "street", "community", "reason",
                "detail")


def _safe_name(text: str) -> str:  # the same file-name rule as viz.maps
    return re.sub(r"[^\w.-]", "_", text)


def _map_file(area_id: str, level: str) -> str:
    return "district.html" if level == "district" else f"{level}_{_safe_name(area_id)}.html"


# --------------------------------------------------------------------------------------------
# the numbers
# --------------------------------------------------------------------------------------------


def _place_codes(G: RegionalGraph, anchor_ids: pd.Index | pd.Series) -> dict[str, np.ndarray]:
    """District, street and community area codes (-1 when none) of each anchor node."""
    codes = G.codes(pd.Index(anchor_ids, dtype="str")) if len(anchor_ids) \
        else np.zeros(0, np.int64)
    area = np.where(codes >= 0, G.area_of()[np.maximum(codes, 0)], -1)
    return {lvl: G.ancestor_at(area, lvl) for lvl in LEVELS}


def _count_by(G: RegionalGraph, places: dict[str, np.ndarray], level: str,
              index: pd.Index, weights: np.ndarray | None = None) -> np.ndarray:
    ids = G.ids.to_numpy(dtype=object)
    code = places[level]
    ok = code >= 0
    s = pd.Series(np.ones(ok.sum()) if weights is None else np.asarray(weights)[ok],
                  index=ids[code[ok]] if ok.any() else [], dtype="float64")
    return s.groupby(level=0).sum().reindex(index, fill_value=0).to_numpy()


@dataclass
class _State:
    """Everything measured on one graph on one day."""

    tables: dict[str, pd.DataFrame]  # level → per-area table (TABLE_COLUMNS + helpers)
    lists: dict[str, pd.DataFrame]
    unmet_by_category: dict[str, dict[str, int]]  # area id → category zh → unmet


def _measure(G: RegionalGraph, day: np.datetime64, matching: Any) -> _State:
    from ..matching.orders import order_indicators
    from ..matching.resources import REASON_ZH, match_resources

    if matching is None:
        matching = match_resources(G, as_of=day)
    iso = isolation.isolated_units(G, as_of=day)
    dormant = isolation.dormant_ties(G, as_of=day)
    expiring = isolation.expiring_ties(G, as_of=day)
    unmet = matching.unmet_demands
    tie_place = {"dormant": _place_codes(G, dormant["target_id"]),
                 "expiring": _place_codes(G, expiring["target_id"])}
    unmet_place = _place_codes(G, unmet.index)
    tables: dict[str, pd.DataFrame] = {}
    served = matching.demands  # computed once for the three levels
    for lvl in LEVELS:
        ind = indicators(G, by=lvl, as_of=day, matching=served)
        t = ind[["name", "parent_id"]].copy()
        for col in TABLE_COLUMNS:
            if col in ind.columns:
                t[col] = ind[col]
        for col in ("covered_two_new", "covered_with_members", "with_members",
                    "conference_units", "resident_units_with_org", "members_reporting",
                    "member_records"):
            t[col] = ind[col]
        t["_served_den"] = ind["served"] + ind["unmet"]
        t["_branch_members"] = ind["members_per_branch"].fillna(0) * ind["branches"]
        for key in ("dormant", "expiring"):
            t[f"{key}_ties"] = _count_by(G, tie_place[key], lvl, t.index).astype(np.int64)
        orders = order_indicators(G, as_of=day, by=lvl).reindex(t.index)
        t["orders"] = orders["orders"].fillna(0).astype(np.int64)
        t["done"] = orders["done"].fillna(0).astype(np.int64)
        t["_orders_den"] = t["orders"] - orders["cancelled"].fillna(0).astype(np.int64)
        t["fulfilment_rate"] = orders["fulfilment_rate"].astype("float64")
        t["level"] = lvl
        tables[lvl] = t
    tables["root"] = _root(tables["district"])

    by_cat: dict[str, dict[str, int]] = {}
    cat_zh = unmet["category"].astype(str).map(schema.CATEGORY.zh).to_numpy(dtype=object)
    ids = G.ids.to_numpy(dtype=object)
    qty = unmet["unmet"].to_numpy(dtype=np.int64)
    for lvl in LEVELS:
        code = unmet_place[lvl]
        ok = code >= 0
        frame = pd.DataFrame({"area": ids[code[ok]], "cat": cat_zh[ok], "q": qty[ok]})
        for (area, cat), q in frame.groupby(["area", "cat"])["q"].sum().items():
            if q > 0:
                by_cat.setdefault(str(area), {})[str(cat)] = int(q)
    by_cat[ROOT_ID] = {}
    for cat, q in pd.Series(qty, index=cat_zh).groupby(level=0).sum().items():
        if q > 0:
            by_cat[ROOT_ID][str(cat)] = int(q)

    lists = {
        "uncovered": _org_list(G, coverage.uncovered(G, as_of=day), "uncovered"),
        "should_build": _org_list(G, coverage.should_build(G, as_of=day), "should_build"),
        "isolated": _org_list(G, iso, "isolated"),
        "unmet": _unmet_list(G, unmet, unmet_place, REASON_ZH),
        "expiring": _tie_list(G, expiring, tie_place["expiring"], "expiring"),
        "dormant": _tie_list(G, dormant, tie_place["dormant"], "dormant"),
        "unpaired": _unpaired_list(G, isolation.unpaired_communities(G, as_of=day)),
    }
    return _State(tables, lists, by_cat)


def _root(district: pd.DataFrame) -> pd.DataFrame:
    """One row totalling the districts (counts summed, rates from summed parts)."""
    row: dict[str, Any] = {"name": "全部", "parent_id": None, "level": "root"}
    for col in [*TABLE_COLUMNS, *_HELPERS]:
        if col not in district.columns or col in _RATES:
            continue
        row[col] = district[col].sum()
    for col, (num, den) in _RATES.items():
        if col in district.columns:
            n, d = float(district[num].sum()), float(district[den].sum())
            row[col] = n / d if d else np.nan
    return pd.DataFrame([row], index=pd.Index([ROOT_ID], name="id"))


def _frame(rows: dict[str, Any], places: dict[str, np.ndarray], G: RegionalGraph) -> pd.DataFrame:
    ids = np.append(G.ids.to_numpy(dtype=object), np.array([None], dtype=object))
    out = pd.DataFrame(rows)
    for lvl in LEVELS:
        out[lvl] = ids[places[lvl]] if len(out) else []
    return out[list(LIST_COLUMNS)]


def _txt(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _date(v: Any) -> str:
    return "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def _org_list(G: RegionalGraph, df: pd.DataFrame, which: str) -> pd.DataFrame:
    details = []
    for _, r in df.iterrows():
        parts = []
        if "party_members" in df.columns:
            parts.append(f"党员 {int(r['party_members'])} 人")
        if which == "uncovered" and _date(r.get("last_end")):
            parts.append(f"原覆盖关系于 {_date(r['last_end'])} 到期")
        if which == "should_build" and _txt(r.get("covered_by_name")):
            parts.append(f"现由“{r['covered_by_name']}”覆盖")
        if which == "isolated":
            if int(r.get("expired_ties", 0) or 0):
                parts.append(f"{int(r['expired_ties'])} 项关系已到期，最近于 "
                             f"{_date(r['last_tie_end'])} 结束")
            if _txt(r.get("party_org")):
                parts.append("建有单位党组织")
        details.append("；".join(parts))
    rows = {
        "id": df.index.astype(str),
        "name": df["name"].astype(str),
        "kind": [schema.ORG_KIND.zh(k) for k in df["kind"].astype(str)],
        "industry": df["industry"].map(_txt) if "industry" in df.columns else "",
        "reason": [VALUE_ZH.get(x, x) for x in df["reason"].astype(str)],
        "detail": details,
    }
    return _frame(rows, _place_codes(G, df.index), G)


def _unmet_list(G: RegionalGraph, df: pd.DataFrame, places: dict[str, np.ndarray],
                reason_zh: dict[str, str]) -> pd.DataFrame:
    cat = df["category"].astype(str)
    pri = df["priority"].map(lambda p: schema.PRIORITY.zh(p) if _txt(p) else "中")
    rows = {
        "id": df.index.astype(str),
        "name": [f"{r}：{schema.CATEGORY.zh(c)}需求" for r, c in zip(
            df["requester"].astype(str), cat, strict=True)],
        "kind": [schema.CATEGORY.zh(c) for c in cat],
        "industry": "",
        "reason": [reason_zh.get(x, x) for x in df["reason"].astype(str)],
        "detail": [f"需求 {int(q)}，已满足 {int(s)}，缺 {int(u)}；优先级{p}" for q, s, u, p in zip(
            df["requested"], df["served"], df["unmet"], pri, strict=True)],
    }
    return _frame(rows, places, G)


def _tie_list(G: RegionalGraph, df: pd.DataFrame, places: dict[str, np.ndarray],
              which: str) -> pd.DataFrame:
    link_zh = {c: schema.LINK_TYPE.zh(c) for c in schema.LINK_TYPE.codes}
    if which == "expiring":
        reasons = [f"{int(d)} 天后到期（{_date(e)}）" if int(d) else f"今日到期（{_date(e)}）"
                   for d, e in zip(df["days_left"], df["end"], strict=True)]
    else:
        reasons = [VALUE_ZH.get(x, x) + (f"，最近活动 {_date(a)}" if _date(a) else "")
                   for x, a in zip(df["reason"].astype(str), df["last_activity"], strict=True)]
    industry = np.full(len(df), "", dtype=object)
    unit = G.codes(pd.Index(df["unit_id"].astype(str))) if len(df) else np.zeros(0, np.int64)
    orgs = G.nodes[Label.ORGANIZATION]
    if "industry" in orgs.columns and len(df):
        ind = orgs["industry"].reindex(pd.Index(df["unit_id"].astype(str)))
        industry = np.where(unit >= 0, ind.map(_txt).to_numpy(dtype=object), "")
    rows = {
        "id": df.index.astype(str),
        "name": [f"{s} → {t}" for s, t in zip(df["source_name"].astype(str),
                                             df["target_name"].astype(str), strict=True)],
        "kind": [link_zh.get(t, t) for t in df["type"].astype(str)],
        "industry": industry,
        "reason": reasons,
        "detail": [f"{_txt(f) or link_zh.get(t, t)}，{_date(s) or '—'} 至 {_date(e) or '长期'}"
                   for f, t, s, e in zip(df["form"], df["type"].astype(str), df["start"],
                                         df["end"], strict=True)],
    }
    return _frame(rows, places, G)


def _unpaired_list(G: RegionalGraph, df: pd.DataFrame) -> pd.DataFrame:
    rows = {
        "id": df.index.astype(str),
        "name": df["name"].astype(str),
        "kind": "社区",
        "industry": "",
        "reason": [VALUE_ZH.get(x, x) for x in df["reason"].astype(str)],
        "detail": [f"{int(n)} 项结对已到期，最近于 {_date(e)} 结束" if int(n) else ""
                   for n, e in zip(df["expired_pairs"], df["last_pair_end"], strict=True)],
    }
    return _frame(rows, _place_codes(G, df.index), G)


# --------------------------------------------------------------------------------------------
# the payload
# --------------------------------------------------------------------------------------------


def _num(v: Any) -> float | int | None:
    if v is None or pd.isna(v):
        return None
    f = float(v)
    return int(f) if f.is_integer() and abs(f) < 2**53 else round(f, 6)


def _values(t: pd.DataFrame) -> dict[str, dict[str, Any]]:
    cols = [c for c in TABLE_COLUMNS if c in t.columns]
    return {str(i): {c: _num(v) for c, v in zip(cols, row, strict=True)}
            for i, row in zip(t.index, t[cols].itertuples(index=False), strict=True)}


def dashboard_data(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    compare: RegionalGraph | DateLike = None,
    compare_as_of: DateLike = None,
    matching: Any = None,
    maps_href: str = "",
) -> dict[str, Any]:
    """The page's data: areas, headline figures per area, per-area table, lists.

    Parameters
    ----------
    G
        The graph.
    as_of
        The day described (default today).
    compare
        An older state to compare with: a date (the same graph on that day) or another graph
        (an older ledger; evaluated on ``compare_as_of``, default ``as_of``).
    matching
        A :class:`~regional_graph.matching.MatchResult` of ``G`` (else computed here).
    maps_href
        Folder of the wall maps relative to the page (``""``: the same folder).

    Returns
    -------
    dict
        ``meta``, ``root`` (top area id), ``areas`` (id → ``name``, ``level``, ``parent``,
        ``children``, ``map``), ``kpis`` (definitions), ``columns`` (table column labels),
        ``values`` and ``old`` (area id → column → number), ``unmet_by_category``,
        ``lists`` (key → ``title``, ``columns``, ``rows``).

    Examples
    --------
    On 2023-01-01 only O3 of the six two-new organisations was covered (O4 and O5 from
    2023-03-01):

    >>> import regional_graph as rg
    >>> d = dashboard_data(rg.datasets.load_tiny(), as_of="2026-10-01", compare="2023-01-01")
    >>> d["meta"]["compare"], d["old"]["D1"]["rate_all"], d["values"]["D1"]["rate_all"]
    ('2023-01-01', 0.166667, 0.5)
    """
    t0 = time.perf_counter()
    day = as_date(as_of)
    new = _measure(G, day, matching)
    old: _State | None = None
    compare_label = None
    if isinstance(compare, RegionalGraph):
        old_day = as_date(compare_as_of if compare_as_of is not None else day)
        old = _measure(compare, old_day, None)
        compare_label = f"{compare.name or '对比数据'}（{np.datetime_as_string(old_day, 'D')}）"
    elif compare is not None:
        old_day = as_date(compare)
        old = _measure(G, old_day, None)
        compare_label = str(np.datetime_as_string(old_day, "D"))

    districts = list(new.tables["district"].index)
    root = districts[0] if len(districts) == 1 else ROOT_ID
    areas: dict[str, dict[str, Any]] = {}
    if root == ROOT_ID:
        areas[ROOT_ID] = {"name": "全部", "level": "root", "parent": None,
                          "children": [], "map": "index.html"}
    for lvl in LEVELS:
        t = new.tables[lvl]
        for aid, name, parent in zip(t.index, t["name"], t["parent_id"], strict=True):
            parent_id = _txt(parent) or (ROOT_ID if root == ROOT_ID else None)
            areas[str(aid)] = {"name": str(name), "level": lvl,
                               "parent": parent_id if lvl != "district" or root == ROOT_ID
                               else None, "children": [], "map": _map_file(str(aid), lvl)}
    for aid, a in areas.items():
        if a["parent"] in areas and a["level"] != "root":
            areas[a["parent"]]["children"].append(aid)

    def values(state: _State) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for lvl in (*LEVELS, "root"):
            out.update(_values(state.tables[lvl]))
        if root != ROOT_ID:
            out.pop(ROOT_ID, None)
        return out

    vals = values(new)
    by_cat = dict(new.unmet_by_category)
    if root != ROOT_ID:
        by_cat[root] = by_cat.pop(ROOT_ID)
    lists = {}
    for key, title in LISTS.items():
        df = new.lists[key]
        lists[key] = {"title": title, "columns": list(LIST_COLUMNS),
                      "rows": [[None if v is None else str(v) for v in row]
                               for row in df.itertuples(index=False)]}
    kinds = sorted({r[2] for v in lists.values() for r in v["rows"] if r[2]})
    data = {
        "meta": {"title": G.name or "区域化党建", "as_of": str(np.datetime_as_string(day, "D")),
                 "compare": compare_label, "maps_href": maps_href,
                 "generated": pd.Timestamp.now().strftime("%Y-%m-%d %H:%M"),
                 "kinds": kinds},
        "root": root,
        "areas": areas,
        "kpis": [{"key": k.key, "label": k.label, "unit": k.unit, "definition": k.definition,
                  "up": k.up_is_good} for k in KPIS],
        "columns": [{"key": k, "label": column_label(k), "unit": _unit(k)}
                    for k in TABLE_COLUMNS],
        "values": vals,
        "old": values(old) if old is not None else None,
        "unmet_by_category": by_cat,
        "lists": lists,
    }
    log.info("dashboard data: %d areas, %d list rows in %.2f s", len(areas),
             sum(len(v["rows"]) for v in lists.values()), time.perf_counter() - t0)
    return data


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------


@functools.cache
def _asset(name: str) -> str:
    text = resources.files("regional_graph.viz").joinpath(f"assets/{name}").read_text(
        encoding="utf-8")
    if name.endswith(".js") and "</script" in text.lower():
        raise RuntimeError(f"vendored {name} contains '</script'")
    return text


def _script_json(payload: Any) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_dashboard_html(data: dict[str, Any], *, embed_font: bool = True) -> str:
    """The self-contained page for :func:`dashboard_data` (ECharts, data and font inline).

    Examples
    --------
    >>> import re
    >>> import regional_graph as rg
    >>> page = render_dashboard_html(dashboard_data(rg.datasets.load_tiny(), as_of="2026-10-01"),
    ...                              embed_font=False)
    >>> page[:15], re.search("<title>(.*)</title>", page).group(1)
    ('<!DOCTYPE html>', '小岚区 (tiny) · 区域化党建驾驶舱')
    >>> re.findall(r'(?:src|href)="(https?:[^"]*)"', page)  # offline: nothing to fetch
    []
    """
    template = _asset("dashboard.html")
    payload = _script_json(data)
    font_css = cjk_font_face_css(template + json.dumps(data, ensure_ascii=False)) \
        if embed_font else ""
    title = f"{data['meta']['title']} · 区域化党建驾驶舱"
    import html as _html

    parts = {
        "@@TITLE@@": _html.escape(title),
        "@@FONT_CSS@@": font_css,
        "@@DATA@@": payload,
        "@@ECHARTS@@": _asset("echarts.min.js"),
    }
    out = template
    for key in ("@@TITLE@@", "@@FONT_CSS@@", "@@DATA@@"):
        out = out.replace(key, parts[key])
    head, _, tail = out.partition("@@ECHARTS@@")  # last: the library may contain '@@'
    return head + parts["@@ECHARTS@@"] + tail


def write_dashboard(
    G: RegionalGraph,
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    compare: RegionalGraph | DateLike = None,
    compare_as_of: DateLike = None,
    matching: Any = None,
    maps_href: str = "",
    embed_font: bool = True,
) -> Path:
    """Write ``dashboard.html`` into ``out_dir`` (created if needed); return its path.

    The wall maps it links to are the files :func:`~regional_graph.viz.maps.write_maps`
    writes (``district.html``, ``street_<id>.html``, ``community_<id>.html``), looked for in
    ``maps_href`` relative to the page.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_dashboard(G, tmp, as_of=rg.datasets.REFERENCE_DATE, embed_font=False)
    ...     p.name, p.stat().st_size > 500_000
    ('dashboard.html', True)
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = dashboard_data(G, as_of=as_of, compare=compare, compare_as_of=compare_as_of,
                          matching=matching, maps_href=maps_href)
    path = out / "dashboard.html"
    path.write_text(render_dashboard_html(data, embed_font=embed_font), encoding="utf-8")
    log.info("wrote %s (%.1f MB)", path, path.stat().st_size / 1e6)
    return path
