"""Coverage gaps (覆盖空白): uncovered two-new organisations, 应建未建, coverage rates, and
proposals for new joint branches (联合建立, 行业相近、地域相邻).

Definitions (``DOMAIN.md``; all evaluated as of a date, default today). A link is *live* when
``start`` is empty or ≤ as_of and ``end`` is empty or ≥ as_of (a link ending today is live).

* **Covered** – a two-new organisation (kind enterprise or social_org) with at least one
  live ``covered_by`` link to a PartyOrg. **Uncovered** – a two-new organisation not covered.
* **Should build** (应建未建) – a two-new organisation with ``party_members`` ≥ 3 and no
  PartyOrg of level independent_branch or unit_org whose ``host_id`` is the organisation
  (joint coverage does not count).
* **Coverage rate (all)** = covered / all two-new organisations; **coverage rate (with
  members)** = covered organisations with ``party_members`` ≥ 1 / two-new organisations with
  ``party_members`` ≥ 1 (the rate within that population, so it stays in [0, 1]).

Everything is array code over ``G.edges`` (masks, ``np.bincount``); only the joint-branch
grouping loops, once per street.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_sample_district()
>>> day = rg.datasets.REFERENCE_DATE
>>> u = uncovered(G, as_of=day)
>>> sorted(u["reason"].unique())
['no covered_by link', 'only expired links']
>>> r = coverage_rates(G, as_of=day, by="district")
>>> bool(0 <= r["rate_all"].iloc[0] <= 1)
True
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from .. import schema
from ..geo import haversine_km as _haversine
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..graph import live_mask as _live
from ..schema import Label, RelType

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_RELATED_INDUSTRIES",
    "REASON_EXPIRED",
    "REASON_NO_LINK",
    "coverage_by_area",
    "coverage_rates",
    "coverage_totals",
    "joint_branch_proposals",
    "should_build",
    "uncovered",
]

REASON_NO_LINK = "no covered_by link"
#: Reasons of a should-build (应建未建) case.
REASON_BUILD_UNCOVERED = "not covered, no own branch"
REASON_BUILD_JOINT = "covered by a joint branch, no own branch"
REASON_BUILD_OTHER = "covered by another Party org, no own branch"
#: Row name for organisations whose area (of the requested level) is unknown.
UNLOCATED_NAME = "未定位 (no area)"


def unlocated_id(level: str) -> str:
    """Row id of the organisations with no area of ``level`` in the coverage tables.

    Examples
    --------
    >>> unlocated_id("street")
    '(unlocated street)'
    """
    return f"(unlocated {level})"
REASON_EXPIRED = "only expired links"

#: Industry → sector (行业大类). Two industries are *related* (行业相近) when they map to the
#: same sector; an industry missing from the map is a sector of its own. Covers the
#: industries of the generator and the usual ledger spellings; pass your own to
#: :func:`joint_branch_proposals`.
DEFAULT_RELATED_INDUSTRIES: dict[str, str] = {
    "商贸": "商贸流通", "批发零售": "商贸流通", "零售": "商贸流通", "物流": "商贸流通",
    "餐饮": "商贸流通", "住宿": "商贸流通", "住宿餐饮": "商贸流通",
    "信息技术": "科技金融", "软件": "科技金融", "互联网": "科技金融", "金融": "科技金融",
    "文化传媒": "科技金融",
    "建筑": "建筑制造", "制造": "建筑制造", "房地产": "建筑制造",
    "教育培训": "社会服务", "医疗健康": "社会服务", "家政服务": "社会服务",
    "社会服务": "社会服务", "养老": "社会服务", "物业": "社会服务",
}

_CACHE_KEY = "regional_graph.analysis"
_ORG_COLUMNS = ("name", "kind", "industry", "party_members")
_MISSING_INDUSTRY = "(未填行业)"

# --------------------------------------------------------------------------------------------
# shared helpers (also used by isolation, changes and report)
# --------------------------------------------------------------------------------------------


def _edge_positions(G: RegionalGraph, *types: RelType | str) -> np.ndarray:
    """Row positions in ``G.edges`` of the given relationship types."""
    parts = []
    for t in types:
        key = (_CACHE_KEY, "positions", RelType(t).value)
        if key not in G._cache:  # the edge frame of a graph never changes: cache per type
            codes = G.edges["type"].cat.codes.to_numpy()
            G._cache[key] = np.flatnonzero(codes == REL_TYPES.index(RelType(t).value))
        parts.append(G._cache[key])
    if len(parts) == 1:
        return parts[0]  # type: ignore[return-value]
    return np.sort(np.concatenate(parts))  # type: ignore[arg-type]


def _edge_arrays(
    G: RegionalGraph, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``source``, ``target`` (int64 codes), ``start``, ``end`` of the edges at ``pos``."""
    e = G.edges
    return (
        e["source"].to_numpy()[pos].astype(np.int64),
        e["target"].to_numpy()[pos].astype(np.int64),
        e["start"].to_numpy(dtype="datetime64[s]")[pos],
        e["end"].to_numpy(dtype="datetime64[s]")[pos],
    )


def _ended(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    """Links that existed before ``day`` and ended before it (links starting later are
    ignored: as of ``day`` they do not exist yet)."""
    return (np.isnat(start) | (start <= day)) & ~np.isnat(end) & (end < day)


def _last_per(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each key in ``0..n-1``, the position (into ``keys``) of its largest value (-1)."""
    out = np.full(n, -1, dtype=np.int64)
    if len(keys):
        order = np.lexsort((values, keys))
        k = keys[order]
        last = np.r_[k[1:] != k[:-1], True]
        out[k[last]] = order[last]
    return out


def _take_text(values: pd.Series | pd.Index, pos: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[pos]`` keeping the dtype, missing where ``pos`` is -1."""
    return values.array.take(np.asarray(pos, dtype=np.int64), allow_fill=True)


def _ids(G: RegionalGraph, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    return _take_text(G.ids, codes)


def _names(G: RegionalGraph, codes: np.ndarray) -> np.ndarray:
    return G.display_names(codes)


def _area_name(G: RegionalGraph, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    start = G.label_range(Label.AREA).start
    codes = np.asarray(codes, dtype=np.int64)
    return _take_text(G.nodes[Label.AREA]["name"], np.where(codes >= 0, codes - start, -1))


def _org_places(G: RegionalGraph) -> dict[str, np.ndarray]:
    """Community, street and district area code of every organisation (-1 when none)."""
    key = (_CACHE_KEY, "org_places")
    if key not in G._cache:
        area = _located_in(G, Label.ORGANIZATION, RelType.LOCATED_IN)
        G._cache[key] = {lvl: G.ancestor_at(area, lvl)
                         for lvl in ("community", "street", "district")}
    return G._cache[key]  # type: ignore[return-value]


def _located_in(G: RegionalGraph, label: Label, rel: RelType) -> np.ndarray:
    """Area code of every node of ``label`` along ``rel`` (``LOCATED_IN`` for organisations,
    ``LEADS`` for Party orgs); -1 when none. Reads the resolved edges, no id lookups."""
    rng = G.label_range(label)
    src, tgt, _, _ = _edge_arrays(G, _edge_positions(G, rel))
    out = np.full(rng.stop - rng.start, -1, dtype=np.int64)
    ok = (src >= rng.start) & (src < rng.stop)
    out[src[ok] - rng.start] = tgt[ok]
    return out


def _join_per_row(k: np.ndarray, values: np.ndarray, n_rows: int
                  ) -> pd.api.extensions.ExtensionArray:
    """Comma-join ``values`` (text or None) grouped by row ``k`` (in order, duplicates
    dropped) into ``n_rows`` cells; rows with one value take it as is (the usual case)."""
    out = np.full(n_rows, None, dtype=object)
    count = np.bincount(k, minlength=n_rows)
    single = count[k] == 1
    out[k[single]] = values[single]
    multi = ~single
    if multi.any():
        joined = pd.Series(values[multi], dtype=object).groupby(k[multi], sort=True).agg(
            lambda s: ", ".join(dict.fromkeys(str(v) for v in s if v is not None)))
        out[joined.index.to_numpy()] = joined.to_numpy(dtype=object)
    return pd.array(out, dtype="str")


def _org_kind_mask(G: RegionalGraph, kinds: tuple[str, ...]) -> np.ndarray:
    return G.organizations_of_kind(kinds)


def _party_members(G: RegionalGraph) -> np.ndarray:
    """``party_members`` of every organisation as floats (NaN when missing)."""
    return G.nodes[Label.ORGANIZATION]["party_members"].to_numpy(dtype="float64",
                                                                 na_value=np.nan)


def _org_table(G: RegionalGraph, rows: np.ndarray, columns: tuple[str, ...] = _ORG_COLUMNS,
               places: tuple[str, ...] = ("community", "street")) -> pd.DataFrame:
    """Organisation rows (positions in the Organization frame) with their places."""
    frame = G.nodes[Label.ORGANIZATION]
    out = frame.iloc[rows][list(columns)].copy()
    out.index.name = "id"
    where = _org_places(G)
    for lvl in places:
        codes = where[lvl][rows]
        out[f"{lvl}_id"] = _ids(G, codes)
        out[lvl] = _area_name(G, codes)
    return out


def _covered_nodes(G: RegionalGraph, day: np.datetime64) -> np.ndarray:
    """Boolean per node: source of a live ``covered_by`` link."""
    src, _, start, end = _edge_arrays(G, _edge_positions(G, RelType.COVERED_BY))
    covered = np.zeros(G.number_of_nodes(), dtype=bool)
    covered[src[_live(start, end, day)]] = True
    return covered


def _dates(values: np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(values, dtype="datetime64[s]"))


# --------------------------------------------------------------------------------------------
# uncovered, should build
# --------------------------------------------------------------------------------------------


def uncovered(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """Two-new organisations not covered by any Party org as of ``as_of`` (未覆盖).

    Parameters
    ----------
    G
        The graph.
    as_of
        The day (``date``, ISO string, …); default today.

    Returns
    -------
    DataFrame
        Indexed by organisation ``id``: ``name``, ``kind``, ``industry``, ``party_members``,
        ``community_id``, ``community``, ``street_id``, ``street``, ``reason``, ``last_end``
        and ``last_covered_by`` (end date and PartyOrg of the latest ended link).
        ``reason`` is ``"no covered_by link"`` (never covered, or only by links starting
        after ``as_of``) or ``"only expired links"`` (every link that had started ended
        before ``as_of``).

    Notes
    -----
    A third reason, "covered only by a Party org that has ended", cannot occur: a PartyOrg
    has no end date in the template and validation guarantees every ``covered_by`` target
    exists, so the only way coverage ends is the link's own ``end`` ("only expired links").
    A branch recorded with ``members`` = 0 still covers (``DOMAIN.md``), so rates agree.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> u = uncovered(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> set(u["kind"]) <= {"enterprise", "social_org"}
    True
    """
    day = as_date(as_of)
    orng = G.label_range(Label.ORGANIZATION)
    n = G.number_of_nodes()
    src, tgt, start, end = _edge_arrays(G, _edge_positions(G, RelType.COVERED_BY))
    covered = np.zeros(n, dtype=bool)
    covered[src[_live(start, end, day)]] = True
    ended = np.flatnonzero(_ended(start, end, day))
    last = _last_per(src[ended], end[ended].astype(np.int64), n)
    rows = np.flatnonzero(_org_kind_mask(G, schema.TWO_NEW_KINDS) & ~covered[orng])
    out = _org_table(G, rows)
    lst = last[rows + orng.start]
    has = lst >= 0
    out["reason"] = np.where(has, REASON_EXPIRED, REASON_NO_LINK)
    pick = ended[np.where(has, lst, 0)] if len(ended) else np.zeros(len(rows), np.int64)
    last_end = np.where(has, end[pick] if len(ended) else np.datetime64("NaT"),
                        np.datetime64("NaT")).astype("datetime64[s]")
    out["last_end"] = last_end
    out["last_covered_by"] = _ids(G, np.where(has, tgt[pick] if len(ended) else -1, -1))
    log.debug("uncovered: %d of %d two-new organisations", len(out),
              int(_org_kind_mask(G, schema.TWO_NEW_KINDS).sum()))
    return out


def should_build(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """应建未建: two-new organisations with ≥ 3 Party members and no own Party org.

    Own Party org: a PartyOrg of level independent_branch or unit_org whose ``host_id`` is
    the organisation. Being covered by a joint branch does not count.

    Returns
    -------
    DataFrame
        Indexed by organisation ``id``: the organisation columns of :func:`uncovered`, then
        ``covered`` (bool, live ``covered_by`` as of ``as_of``), ``covered_by`` (ids of the
        covering Party orgs, comma-separated), ``covered_by_name``, ``covered_by_level``
        and ``reason``.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> s = should_build(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> bool((s["party_members"] >= 3).all())
    True
    """
    day = as_date(as_of)
    orng = G.label_range(Label.ORGANIZATION)
    prng = G.label_range(Label.PARTY_ORG)
    n = G.number_of_nodes()
    po_src, host, _, _ = _edge_arrays(G, _edge_positions(G, RelType.HOSTED_BY))
    level = G.nodes[Label.PARTY_ORG]["level"]
    own_codes = [i for i, c in enumerate(level.cat.categories) if c in schema.OWN_ORG_LEVELS]
    level_codes = level.cat.codes.to_numpy()
    own = np.isin(level_codes[po_src - prng.start], own_codes)
    has_own = np.zeros(n, dtype=bool)
    has_own[host[own]] = True
    big = _party_members(G) >= schema.MIN_MEMBERS_INDEPENDENT
    rows = np.flatnonzero(_org_kind_mask(G, schema.TWO_NEW_KINDS) & big & ~has_own[orng])
    out = _org_table(G, rows)

    c_src, c_tgt, c_start, c_end = _edge_arrays(G, _edge_positions(G, RelType.COVERED_BY))
    in_rows = np.zeros(n, dtype=bool)
    in_rows[rows + orng.start] = True
    keep = _live(c_start, c_end, day) & in_rows[c_src]
    o, t = c_src[keep], c_tgt[keep]
    order = np.lexsort((t, o))
    o, t = o[order], t[order]
    first = np.r_[True, (o[1:] != o[:-1]) | (t[1:] != t[:-1])] if len(o) else np.zeros(0, bool)
    o, t = o[first], t[first]
    slot = np.full(n, -1, dtype=np.int64)
    slot[rows + orng.start] = np.arange(len(rows))
    k = slot[o]
    n_cov = np.bincount(k, minlength=len(rows))
    is_joint = level_codes[t - prng.start] == list(level.cat.categories).index("joint_branch")
    n_joint = np.bincount(k, weights=is_joint, minlength=len(rows))
    level_names = np.asarray(level.cat.categories, dtype=object)[level_codes[t - prng.start]]
    texts = {"covered_by": np.asarray(_ids(G, t), dtype=object),
             "covered_by_name": _names(G, t), "covered_by_level": level_names}
    out["covered"] = n_cov > 0
    for col, values in texts.items():
        out[col] = _join_per_row(k, values, len(rows))
    out["reason"] = np.select(
        [n_cov == 0, n_joint == n_cov],
        [REASON_BUILD_UNCOVERED, REASON_BUILD_JOINT],
        REASON_BUILD_OTHER,
    )
    return out


# --------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------

AreaLevel = Literal["district", "street", "community"]
_RATE_COLUMNS = ("two_new", "covered_two_new", "rate_all", "with_members",
                 "covered_with_members", "rate_with_members")


def _flags(G: RegionalGraph, day: np.datetime64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per organisation: two-new, covered (live), has ≥ 1 Party member."""
    orng = G.label_range(Label.ORGANIZATION)
    two_new = _org_kind_mask(G, schema.TWO_NEW_KINDS)
    covered = _covered_nodes(G, day)[orng] & two_new
    with_members = two_new & (_party_members(G) >= 1)
    return two_new, covered, with_members


def _rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)


def _rate_frame(key: np.ndarray, n_groups: int, flags: tuple[np.ndarray, ...]) -> dict[str, object]:
    two_new, covered, with_members = flags
    ok = key >= 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(key[ok & mask], minlength=n_groups).astype(np.int64)

    tn, cv = count(two_new), count(covered)
    wm, cwm = count(with_members), count(covered & with_members)
    return {"two_new": tn, "covered_two_new": cv, "rate_all": _rate(cv, tn),
            "with_members": wm, "covered_with_members": cwm,
            "rate_with_members": _rate(cwm, wm)}


def coverage_totals(G: RegionalGraph, *, as_of: DateLike = None) -> pd.Series:
    """Coverage counts and rates over the whole graph (both definitions).

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = coverage_totals(rg.datasets.load_sample_district(),
    ...                     as_of=rg.datasets.REFERENCE_DATE)
    >>> bool(t["covered_two_new"] <= t["two_new"])
    True
    """
    flags = _flags(G, as_date(as_of))
    key = np.zeros(len(flags[0]), dtype=np.int64)
    data = _rate_frame(key, 1, flags)
    return pd.Series({k: np.asarray(v)[0].item() for k, v in data.items()}, dtype=object)


def coverage_rates(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    by: Literal["street", "community", "district", "industry"] = "street",
) -> pd.DataFrame:
    """Coverage rates per area or per industry, both definitions.

    Parameters
    ----------
    by
        ``"district"``, ``"street"``, ``"community"`` (every area of that level, also those
        without two-new organisations, whose rates are NaN) or ``"industry"`` (missing
        industry reported as ``"(未填行业)"``).

    Returns
    -------
    DataFrame
        Indexed by area ``id`` (or ``industry``): for areas ``level``, ``name``,
        ``parent_id``, ``parent``; then ``two_new``, ``covered_two_new``, ``rate_all``,
        ``with_members``, ``covered_with_members``, ``rate_with_members`` (floats).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> r = coverage_rates(G, as_of=rg.datasets.REFERENCE_DATE, by="industry")
    >>> bool(r["rate_all"].between(0, 1).all())
    True
    """
    day = as_date(as_of)
    flags = _flags(G, day)
    if by == "industry":
        industry = G.nodes[Label.ORGANIZATION]["industry"].fillna(_MISSING_INDUSTRY)
        codes, uniques = pd.factorize(industry.where(flags[0]), sort=True)
        data = _rate_frame(np.asarray(codes, dtype=np.int64), len(uniques), flags)
        out = pd.DataFrame(data, index=pd.Index(uniques, dtype="str", name="industry"))
        return out
    if by not in ("district", "street", "community"):
        raise ValueError(f"by must be district, street, community or industry, not {by!r}")
    arng = G.label_range(Label.AREA)
    areas = G.nodes[Label.AREA]
    key = _org_places(G)[by]
    key = np.where(key >= 0, key - arng.start, -1)
    data = _rate_frame(key, len(areas), flags)
    sel = np.flatnonzero((areas["level"] == by).to_numpy(dtype=bool))
    parent = G.parent_codes()[sel + arng.start]
    out = pd.DataFrame({"level": pd.array(np.full(len(sel), by, dtype=object), dtype="str"),
                        "name": areas["name"].array.take(sel),
                        "parent_id": _ids(G, parent),
                        "parent": _area_name(G, parent)},
                       index=areas.index[sel])
    for col, values in data.items():
        out[col] = np.asarray(values)[sel]
    unlocated = flags[0] & (key < 0)
    if unlocated.any():  # organisations with no place still count: one row of their own
        extra = _rate_frame(np.where(unlocated, 0, -1), 1, flags)
        row = pd.DataFrame({"level": pd.array([by], dtype="str"),
                            "name": pd.array([UNLOCATED_NAME], dtype="str"),
                            "parent_id": pd.array([None], dtype="str"),
                            "parent": pd.array([None], dtype="str"),
                            **{c: np.asarray(v) for c, v in extra.items()}},
                           index=pd.Index([unlocated_id(by)], dtype="str"))
        log.warning("%d two-new organisations have no %s; counted under %r",
                    int(unlocated.sum()), by, unlocated_id(by))
        out = pd.concat([out, row])
    out.index.name = "id"
    return out


def coverage_by_area(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """Coverage rates of every district, street and community, stacked (district first).

    Columns as :func:`coverage_rates` (``level`` tells the rows apart), indexed by area id.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = coverage_by_area(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> t["level"].value_counts()["street"]
    np.int64(13)
    """
    day = as_date(as_of)
    return pd.concat([coverage_rates(G, as_of=day, by=lvl)
                      for lvl in ("district", "street", "community")])


# --------------------------------------------------------------------------------------------
# joint-branch proposals
# --------------------------------------------------------------------------------------------

_PROPOSAL_COLUMNS = ("proposal", "action", "reason", "name", "street_id", "street",
                     "community_id", "community", "industry", "party_members", "distance_km")


def _nearest_order(seed: int, pool: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                   comm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pool`` ordered nearest first from ``seed``: known great-circle km first (ascending),
    then unknown distance with the same community before the rest of the street."""
    d = _haversine(lat[seed], lon[seed], lat[pool], lon[pool])
    known = ~np.isnan(d)
    order = np.lexsort((pool, comm[pool] != comm[seed], np.where(known, d, np.inf), ~known))
    return pool[order], d[order]


#: The reasons of :func:`joint_branch_proposals`, in English and Chinese.
_PROPOSAL_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "street": "street {s}", "no_street": "no street", "sep": ", ", "none_yet": "none yet",
        "related": "a related industry", "other": "other industries",
        "same_comm": "in the same community ({c})", "same_street": "in the same street ({s})",
        "join_rather": "join it rather than form a new branch",
        "join_instead": "no new joint branch can be formed in sector {sector}, so join it",
        "join": "existing joint branch {id} ({name}) {where} covers {size} organisations "
                "(< {max}) of {ind} (sectors: {inds}); {then}",
        "alone": "no other uncovered organisation with 1–2 Party members of a related "
                 "industry (sector {sector}) in {where}, and no existing joint branch nearby "
                 "to join",
        "too_few": "the {n} uncovered organisations of sector {sector} in {where} have only "
                   "{total} Party members together (need {need}) and no existing joint "
                   "branch nearby",
        "full": "every proposed joint branch of sector {sector} in {where} already has {max} "
                "organisations",
        "geo_comm": "same community", "geo_street": "same street, neighbouring communities",
        "within": ", within {km:.1f} km of {first}",
        "new": "new joint branch {pid} in {where}: {n} uncovered organisations ({ids}) with "
               "{members} Party members (≥ {min}); related industries ({inds}, sector "
               "{sector}); {geo}{km}",
    },
    "zh": {
        "street": "{s}", "no_street": "未定位街道", "sep": "、", "none_yet": "暂无",
        "related": "相近行业", "other": "其他行业",
        "same_comm": "位于同一社区({c})", "same_street": "位于同一街道({s})",
        "join_rather": "建议直接加入，不必另建",
        "join_instead": "本街道{sector}行业无法新建联合党支部，建议加入",
        "join": "现有联合党支部 {id}（{name}）{where}，已覆盖{ind}单位 {size} 家"
                "（少于 {max} 家；行业：{inds}）；{then}",
        "alone": "{where}没有其他党员 1–2 人的相近行业（{sector}）未覆盖单位，"
                 "附近也没有可加入的联合党支部",
        "too_few": "{where}{sector}行业的 {n} 家未覆盖单位合计只有 {total} 名党员"
                   "（至少需要 {need} 名），附近也没有可加入的联合党支部",
        "full": "{where}{sector}行业拟建的联合党支部均已满 {max} 家单位",
        "geo_comm": "同一社区", "geo_street": "同一街道、相邻社区",
        "within": "，距 {first} 不超过 {km:.1f} 公里",
        "new": "在{where}新建联合党支部 {pid}：{n} 家未覆盖单位（{ids}）共有党员 {members} 名"
               "（≥ {min}）；行业相近（{inds}，{sector}）；{geo}{km}",
    },
}


def joint_branch_proposals(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    max_orgs: int = 5,
    min_members: int = schema.MIN_MEMBERS_INDEPENDENT,
    related_industries: Mapping[str, str] | None = None,
    language: Literal["en", "zh"] = "en",
) -> pd.DataFrame:
    """Where to form joint branches (联合建立): group uncovered small organisations.

    Candidates are uncovered two-new organisations with 1–2 Party members (those with ≥ 3
    should build their own branch; those with none cannot form one). The rule, 行业相近、
    地域相邻, applied street by street:

    1. **Join an existing joint branch** (level joint_branch) when one sits in the
       candidate's community (preferring one whose live-covered organisations share the
       candidate's sector, then the nearest), as long as the branch covers fewer than
       ``max_orgs`` organisations (counting those already proposed to join it).
    2. **New joint branch**: the remaining candidates of a street are grouped within a
       sector (same or related industry, see :data:`DEFAULT_RELATED_INDUSTRIES`). A
       group starts from the organisation with the most members (ties: community, id) and
       adds the nearest compatible candidates — great-circle km when both have lat/lon,
       otherwise same community before same street — until it has ``min_members``
       members; it never exceeds ``max_orgs`` organisations. A candidate left short is
       added to the nearest proposal of its sector in the street that has room, or else
       joins an existing joint branch of the street covering a related industry (with
       room, as in 1).
    3. Otherwise **cannot group**, with the reason.

    Parameters
    ----------
    max_orgs, min_members
        Size limits of a new joint branch.
    related_industries
        Industry → sector map; two industries are related when they share a sector.
    language
        Language of ``reason`` (``"en"`` or ``"zh"``; the other columns stay codes).

    Returns
    -------
    DataFrame
        Indexed by organisation ``id``: ``proposal`` (``"P001"``…, or the existing
        branch's id), ``action`` (``"join existing"``, ``"new joint branch"``,
        ``"cannot group"``), ``reason`` (why these organisations go together), ``name``,
        ``street_id``, ``street``, ``community_id``, ``community``, ``industry``,
        ``party_members``, ``distance_km`` (to the group's first organisation, or to the
        existing branch's organisations' centre; NaN when unknown).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> p = joint_branch_proposals(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> set(p["action"]) <= {"join existing", "new joint branch", "cannot group"}
    True
    >>> bool(p["reason"].notna().all())
    True
    """
    if language not in _PROPOSAL_TEXT:
        raise ValueError(f"`language` must be 'en' or 'zh', not {language!r}")
    text = _PROPOSAL_TEXT[language]
    day = as_date(as_of)
    sectors = dict(DEFAULT_RELATED_INDUSTRIES if related_industries is None
                   else related_industries)
    orng = G.label_range(Label.ORGANIZATION)
    prng = G.label_range(Label.PARTY_ORG)
    orgs = G.nodes[Label.ORGANIZATION]
    pm = _party_members(G)
    covered = _covered_nodes(G, day)[orng]
    two_new = _org_kind_mask(G, schema.TWO_NEW_KINDS)
    cand = np.flatnonzero(two_new & ~covered & (pm >= 1) & (pm < min_members))
    places = _org_places(G)
    industry = orgs["industry"].to_numpy(dtype=object, na_value=None)
    sector_of = np.array([sectors.get(i, i) if i is not None else _MISSING_INDUSTRY
                          for i in industry], dtype=object) if len(industry) else \
        np.array([], dtype=object)
    lat = orgs["lat"].to_numpy(dtype="float64", na_value=np.nan)
    lon = orgs["lon"].to_numpy(dtype="float64", na_value=np.nan)
    comm, street = places["community"], places["street"]

    # existing joint branches: place, sector profile and centre of their covered orgs
    po = G.nodes[Label.PARTY_ORG]
    jb = np.flatnonzero((po["level"] == "joint_branch").to_numpy(dtype=bool))
    jb_area = _located_in(G, Label.PARTY_ORG, RelType.LEADS)[jb]
    jb_comm = G.ancestor_at(jb_area, "community")
    jb_street = G.ancestor_at(jb_area, "street")
    c_src, c_tgt, c_start, c_end = _edge_arrays(G, _edge_positions(G, RelType.COVERED_BY))
    live = _live(c_start, c_end, day)
    jb_index = np.full(G.number_of_nodes(), -1, dtype=np.int64)
    jb_index[jb + prng.start] = np.arange(len(jb))
    sel = live & (jb_index[c_tgt] >= 0)
    cov_jb, cov_org = jb_index[c_tgt[sel]], c_src[sel] - orng.start
    jb_size = np.bincount(cov_jb, minlength=len(jb))
    has_geo = ~np.isnan(lat[cov_org]) & ~np.isnan(lon[cov_org])
    geo_n = np.bincount(cov_jb[has_geo], minlength=len(jb))
    with np.errstate(invalid="ignore", divide="ignore"):
        jb_lat = np.bincount(cov_jb[has_geo], weights=lat[cov_org][has_geo],
                             minlength=len(jb)) / geo_n
        jb_lon = np.bincount(cov_jb[has_geo], weights=lon[cov_org][has_geo],
                             minlength=len(jb)) / geo_n
    jb_sectors: dict[int, set[str]] = (
        pd.Series(sector_of[cov_org]).groupby(cov_jb).agg(set).to_dict() if len(cov_jb) else {})
    jb_ids = po.index.to_numpy(dtype=object)[jb]
    jb_names = po["name"].to_numpy(dtype=object, na_value=None)[jb]

    n_orgs = len(orgs)
    proposal = np.full(n_orgs, None, dtype=object)
    action = np.full(n_orgs, None, dtype=object)
    reason = np.full(n_orgs, None, dtype=object)
    dist = np.full(n_orgs, np.nan)
    street_names = np.asarray(_area_name(G, street), dtype=object)
    comm_names = np.asarray(_area_name(G, comm), dtype=object)
    counter = 0

    by_street = pd.Series(cand).groupby(street[cand], sort=True) if len(cand) else []
    for street_code, members in by_street:
        pool = members.to_numpy()
        sname = street_names[pool[0]] if street_code >= 0 else None
        where = text["street"].format(s=sname) if sname is not None else text["no_street"]
        in_street = np.flatnonzero(jb_street == street_code) if street_code >= 0 else \
            np.array([], dtype=np.int64)

        def join(o: int, *, same_community_only: bool, sname: object = sname,
                 in_street: np.ndarray = in_street) -> bool:
            """Propose ``o`` joins the best existing joint branch; False when none fits."""
            options = in_street
            if not len(options):
                return False
            same_comm = (jb_comm[options] == comm[o]) & (comm[o] >= 0)
            related = np.array([sector_of[o] in jb_sectors.get(b, set()) for b in options],
                               dtype=bool)
            eligible = (same_comm if same_community_only else related) \
                & (jb_size[options] < max_orgs)
            if not eligible.any():
                return False
            d = _haversine(lat[o], lon[o], jb_lat[options], jb_lon[options])
            rank = np.lexsort((jb_ids[options], np.where(np.isnan(d), np.inf, d),
                               ~related, ~same_comm, ~eligible))
            b = options[rank[0]]
            proposal[o], action[o], dist[o] = jb_ids[b], "join existing", d[rank[0]]
            inds = text["sep"].join(sorted(jb_sectors.get(b, set()))) or text["none_yet"]
            size = int(jb_size[b])
            jb_size[b] += 1  # later candidates see the branch with this one in it
            ind = text["related"] if related[rank[0]] else text["other"]
            where_b = (text["same_comm"].format(c=comm_names[o]) if same_comm[rank[0]]
                       else text["same_street"].format(s=sname))
            then = (text["join_rather"] if same_comm[rank[0]] else
                    text["join_instead"].format(sector=sector_of[o]))
            reason[o] = text["join"].format(id=jb_ids[b], name=jb_names[b], where=where_b,
                                            size=size, max=max_orgs, ind=ind, inds=inds,
                                            then=then)
            return True

        # 1. join an existing joint branch of the same community -----------------------------
        rest = [o for o in pool if not join(o, same_community_only=True)]
        # 2. new joint branches within a sector --------------------------------------------
        rest_arr = np.array(rest, dtype=np.int64)
        groups: list[list[int]] = []
        for sector in sorted({sector_of[o] for o in rest_arr}):
            todo = rest_arr[sector_of[rest_arr] == sector]
            todo = todo[np.lexsort((todo, comm[todo], -pm[todo]))]
            free = np.ones(len(todo), dtype=bool)
            short: list[int] = []
            sector_groups: list[list[int]] = []
            for i in range(len(todo)):
                if not free[i]:
                    continue
                seed = int(todo[i])
                free[i] = False
                group, total = [seed], pm[seed]
                order, d = _nearest_order(seed, todo[free], lat, lon, comm)
                for o, dk in zip(order, d, strict=True):
                    if total >= min_members or len(group) >= max_orgs:
                        break
                    group.append(int(o))
                    total += pm[o]
                    dist[o] = dk
                    free[np.flatnonzero(todo == o)] = False
                if total >= min_members:
                    dist[seed] = 0.0
                    sector_groups.append(group)
                else:
                    short.extend(group)
            for o in short:  # leftovers: nearest proposal with room, or a branch in the street
                room = [g for g in sector_groups if len(g) < max_orgs]
                if room:
                    anchors = np.array([g[0] for g in room])
                    dd = _haversine(lat[o], lon[o], lat[anchors], lon[anchors])
                    k = int(np.lexsort((np.arange(len(room)), comm[anchors] != comm[o],
                                        np.where(np.isnan(dd), np.inf, dd)))[0])
                    room[k].append(o)
                    dist[o] = dd[k]
                    continue
                if join(o, same_community_only=False):
                    continue
                dist[o] = np.nan
                proposal[o], action[o] = None, "cannot group"
                total = pm[todo].sum()
                if len(todo) == 1:
                    reason[o] = text["alone"].format(sector=sector, where=where)
                elif not sector_groups:
                    reason[o] = text["too_few"].format(n=len(todo), sector=sector,
                                                       where=where, total=int(total),
                                                       need=min_members)
                else:
                    reason[o] = text["full"].format(sector=sector, where=where, max=max_orgs)
            groups.extend(sector_groups)
        for group in groups:
            counter += 1
            pid = f"P{counter:03d}"
            g = np.array(group)
            inds = text["sep"].join(dict.fromkeys(i or _MISSING_INDUSTRY for i in industry[g]))
            comms = {comm_names[o] for o in g}
            geo = text["geo_comm"] if len(comms) == 1 else text["geo_street"]
            known = dist[g[1:]]
            km = (text["within"].format(km=np.nanmax(known), first=orgs.index[g[0]])
                  if len(known) and not np.isnan(known).all() else "")
            why = text["new"].format(pid=pid, where=where, n=len(g),
                                     ids=text["sep"].join(orgs.index[g]),
                                     members=int(pm[g].sum()), min=min_members, inds=inds,
                                     sector=sector_of[g[0]], geo=geo, km=km)
            proposal[g], action[g], reason[g] = pid, "new joint branch", why
    rows = cand
    out = pd.DataFrame(
        {"proposal": pd.array(proposal[rows], dtype="str"),
         "action": pd.array(action[rows], dtype="str"),
         "reason": pd.array(reason[rows], dtype="str"),
         "name": orgs["name"].array.take(rows),
         "street_id": _ids(G, street[rows]),
         "street": pd.array(street_names[rows], dtype="str"),
         "community_id": _ids(G, comm[rows]),
         "community": pd.array(comm_names[rows], dtype="str"),
         "industry": orgs["industry"].array.take(rows),
         "party_members": orgs["party_members"].array.take(rows),
         "distance_km": np.round(dist[rows], 3)},
        index=pd.Index(orgs.index[rows], name="id"),
    )
    order = np.lexsort((out.index.to_numpy(dtype=object).astype(str),
                        out["proposal"].fillna("~").to_numpy(dtype=object).astype(str),
                        out["action"].map({"join existing": 0, "new joint branch": 1,
                                           "cannot group": 2}).to_numpy()))
    return out.iloc[order][list(_PROPOSAL_COLUMNS)]
