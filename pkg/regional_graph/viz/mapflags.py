"""The analysis marks of the maps, each with its reason in the tooltip: uncovered and
should-build organisations, isolated units, unpaired communities and unmet demands (flags on
nodes), and dormant and expiring ties (states of links).

Examples
--------
The flags of the tiny district (computed with the maps' data, :mod:`~regional_graph.viz.mapdata`):

>>> import regional_graph as rg
>>> from regional_graph.viz.mapdata import _base
>>> G = rg.datasets.load_tiny()
>>> b = _base(G, "2024-06-30", include_personal=False, analyses=True)
>>> [(G.ids[i], f) for i, f in enumerate(b.flags) if f]  # doctest: +NORMALIZE_WHITESPACE
[('C2', 'unpaired'), ('C3', 'unpaired'), ('O2', 'isolated'), ('O6', 'uncovered'),
 ('O7', 'uncovered'), ('O8', 'uncovered,should_build'), ('Q3', 'unmet')]
>>> print(b.title[int(G.codes(["O6"])[0])].splitlines()[0])
【未覆盖：没有党组织覆盖（无覆盖关系）】
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, RegionalGraph
from ..schema import Label, RelType
from ..vocab import Lang, viz_text
from .maptext import _day_text, _fill, _obj, _zh


def _add_flag(flags: np.ndarray, title: np.ndarray, codes: np.ndarray, flag: str,
              reasons: pd.Series, lang: Lang = "zh") -> None:
    """Add ``flag`` to the nodes ``codes`` (``-1``: none) and put its reason, in brackets,
    first in their tooltips."""
    codes = np.asarray(codes, dtype=np.int64)
    ok = codes >= 0
    codes, text = codes[ok], _obj(reasons)[ok]
    if not len(codes):
        return
    cur = flags[codes]
    flags[codes] = np.where(pd.isna(cur), flag, cur.astype(str) + "," + flag)
    mark = viz_text("【{}】", lang)
    title[codes] = np.asarray([mark.format(r) + f"\n{t}" for r, t in zip(text, title[codes],
                                                                       strict=True)],
                              dtype=object)


def _flag_nodes(G: RegionalGraph, day: np.datetime64, flags: np.ndarray, title: np.ndarray,
                matching: Any, lang: Lang = "zh") -> None:
    """Flag every node an analysis marks (uncovered, should-build, isolated, unpaired,
    unmet), with the reason."""
    from ..analysis import coverage, isolation

    def t(zh: str) -> str:
        return viz_text(zh, lang)

    u = coverage.uncovered(G, as_of=day)
    _add_flag(flags, title, G.codes(u.index), "uncovered", pd.Series(np.where(
        u["reason"].to_numpy(dtype=object) == coverage.REASON_EXPIRED,
        _fill(t("未覆盖：党组织覆盖关系已于 {} 到期"), _day_text(u["last_end"]).fillna(""))
        .to_numpy(dtype=object),
        t("未覆盖：没有党组织覆盖（无覆盖关系）"))), lang)
    s = coverage.should_build(G, as_of=day)
    _add_flag(flags, title, G.codes(s.index), "should_build",
              _fill(t("应建未建：党员 {} 人，未单独建立党组织"), s["party_members"]), lang)
    iso = isolation.isolated_units(G, as_of=day)
    _add_flag(flags, title, G.codes(iso.index), "isolated", pd.Series(np.where(
        iso["reason"].to_numpy(dtype=object) == "only expired ties",
        _fill(t("孤立单位：共建关系均已到期（最后到期 {}）"),
              _day_text(iso["last_tie_end"]).fillna("")).to_numpy(dtype=object),
        t("孤立单位：没有共建、兼职委员或联席会关系"))), lang)
    up = isolation.unpaired_communities(G, as_of=day)
    _add_flag(flags, title, G.codes(up.index), "unpaired", pd.Series(np.where(
        up["reason"].to_numpy(dtype=object) == "only expired pairs",
        _fill(t("无结对：结对共建均已到期（最后到期 {}）"),
              _day_text(up["last_pair_end"]).fillna("")).to_numpy(dtype=object),
        t("无结对：没有单位与本社区结对共建"))), lang)
    codes, reasons = _unmet(G, matching, lang)
    _add_flag(flags, title, codes, "unmet", reasons, lang)


def _unmet(G: RegionalGraph, matching: Any, lang: Lang = "zh"
           ) -> tuple[np.ndarray, pd.Series]:
    """Unmet demands and why.

    With a matching result (``matching``: a DataFrame indexed by demand id with ``served``,
    or an object with such a ``.demands``) or ``ASSIGNED_TO`` relationships in the graph:
    demands served less than their quantity. Otherwise: demands whose category no resource
    in the same street offers.
    """
    dem = G.nodes[Label.DEMAND]
    drng = G.label_range(Label.DEMAND)
    if not len(dem):
        return np.zeros(0, dtype=np.int64), pd.Series([], dtype="string")
    qty = dem["quantity"].to_numpy(dtype="float64", na_value=1.0)
    assigned = G.edges_of(RelType.ASSIGNED_TO)
    if matching is not None or len(assigned):
        served = np.zeros(len(dem))
        if matching is not None:
            frame = matching.demands if hasattr(matching, "demands") else matching
            if isinstance(frame, pd.Series):
                frame = frame.rename("served").to_frame()
            rows = G.codes(frame.index) - drng.start
            ok = (rows >= 0) & (rows < len(dem))
            np.add.at(served, rows[ok], frame["served"].to_numpy(dtype=float)[ok])
        else:
            rows = assigned["target"].to_numpy().astype(np.int64) - drng.start
            q = assigned["quantity"].to_numpy(dtype="float64", na_value=0.0)
            np.add.at(served, rows, q)
        short = np.flatnonzero(served < qty)
        reasons = _fill(viz_text("未满足需求：需要 {}，已认领 {}", lang),
                        qty[short].astype(np.int64), served[short].astype(np.int64))
        return short + drng.start, reasons
    # no matching: a category nobody in the street offers
    place = G.area_of()
    res = G.nodes[Label.RESOURCE]
    rrng = G.label_range(Label.RESOURCE)
    r_place = place[rrng].copy()
    offers = G.edges_of(RelType.OFFERS)
    miss = r_place < 0
    if miss.any():
        prov = np.full(G.number_of_nodes(), -1, dtype=np.int64)
        prov[offers["target"].to_numpy()] = offers["source"].to_numpy()
        r_place[miss] = place[np.maximum(prov[np.arange(rrng.start, rrng.stop)][miss], 0)]
    d_place = place[drng]
    r_street = np.where(r_place >= 0, G.ancestor_at(np.maximum(r_place, 0), "street"), -1)
    d_street = np.where(d_place >= 0, G.ancestor_at(np.maximum(d_place, 0), "street"), -1)
    cats = list(schema.CATEGORY.codes)
    r_cat = res["category"].astype(object).map({c: i for i, c in enumerate(cats)})
    d_cat = dem["category"].astype(object).map({c: i for i, c in enumerate(cats)})
    r_key = r_street * len(cats) + r_cat.to_numpy(dtype=np.int64)
    d_key = d_street * len(cats) + d_cat.to_numpy(dtype=np.int64)
    anywhere = np.isin(d_cat.to_numpy(dtype=np.int64), r_cat.to_numpy(dtype=np.int64))
    rows = np.flatnonzero(~np.isin(d_key, r_key))
    zh = _zh(dem["category"], schema.CATEGORY, lang).to_numpy(dtype=object)
    text = np.where(anywhere[rows],
                    _fill(viz_text("未满足需求：本街道没有{}类资源", lang), zh[rows].astype(str)),
                    _fill(viz_text("未满足需求：全区没有{}类资源", lang), zh[rows].astype(str)))
    return rows + drng.start, pd.Series(text, dtype="string")


def _tie_status(G: RegionalGraph, day: np.datetime64, pos: np.ndarray, status: np.ndarray,
                reason: pd.Series, lang: Lang = "zh") -> tuple[np.ndarray, pd.Series]:
    """Mark dormant and expiring tie links (positions in ``G.edges``)."""
    from ..analysis import isolation

    link_codes = [REL_TYPES.index(r.value) for r in schema.LINK_RELTYPE.values()]
    link_pos = np.flatnonzero(np.isin(G.edges["type"].cat.codes.to_numpy(), link_codes))
    where = pd.Series(np.arange(len(pos)), index=pos)

    def rows_of(frame: pd.DataFrame) -> np.ndarray:
        if not len(frame):
            return np.zeros(0, dtype=np.int64)
        row = frame.index.to_series().str.rsplit("#", n=1).str[-1].astype(np.int64)
        epos = link_pos[row.to_numpy() - 1]
        return where.reindex(epos).to_numpy()

    d = isolation.dormant_ties(G, as_of=day)
    r = rows_of(d)
    ok = ~np.isnan(r.astype(float))
    if ok.any():
        rr = r[ok].astype(np.int64)
        text = np.where(d["activities"].to_numpy()[ok] > 0,
                        _fill(viz_text("休眠：12 个月内无活动（最近活动 {}）", lang),
                              _day_text(d["last_activity"]).fillna("")).to_numpy(dtype=object)[ok],
                        viz_text("休眠：没有活动记录", lang))
        live = status[rr] == ""
        status[rr[live]] = "dormant"
        reason.iloc[rr[live]] = text[live]
    x = isolation.expiring_ties(G, as_of=day)
    r = rows_of(x)
    ok = ~np.isnan(r.astype(float))
    if ok.any():
        rr = r[ok].astype(np.int64)
        text = _fill(viz_text("即将到期：还剩 {} 天（{}）", lang), x["days_left"],
                     _day_text(x["end"])).to_numpy(dtype=object)[ok]
        prev = reason.iloc[rr].to_numpy(dtype=object)
        reason.iloc[rr] = [t if pd.isna(p) else f"{p}\n{t}" for p, t in zip(prev, text,
                                                                              strict=True)]
        status[rr[status[rr] == ""]] = "expiring"
    return status, reason
