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
The tiny district (``rg.datasets.load_tiny()``): enterprises O3, O4, O6, O7, O8 and the
social organisation O5 are two-new; O3 (its own branch PB1), O4 and O5 (joint branch PJ1)
are covered.

>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> uncovered(G, as_of="2026-10-01").index.tolist()
['O6', 'O7', 'O8']
>>> r = coverage_rates(G, as_of="2026-10-01", by="district")
>>> r.loc["D1", ["two_new", "covered_two_new", "rate_all", "rate_with_members"]].tolist()
[6.0, 3.0, 0.5, 0.6]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import inf, isnan
from typing import Literal

import numpy as np
import pandas as pd

from .. import schema
from ..geo import haversine_km as _haversine
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from ._common import (
    MISSING_INDUSTRY,
    Text,
    area_name,
    covered_nodes,
    ids,
    join_per_row,
    last_per,
    names,
    org_columns,
    org_frame,
    org_places,
    orgs_of_kind,
    party_members,
    rate,
    sorted_unique,
    texts,
)

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_RELATED_INDUSTRIES",
    "REASON_EXPIRED",
    "REASON_NO_LINK",
    "coverage_by_area",
    "coverage_rates",
    "coverage_totals",
    "joint_branch_proposals",
    "rate",
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
    A link lasts only while both its ends exist (``founded``/``dissolved``,
    :meth:`~regional_graph.graph.RegionalGraph.exists`): coverage by a Party org dissolved
    before ``as_of`` ended the day before, so it is "only expired links" with that day as
    ``last_end``; organisations that do not exist on ``as_of`` are left out. A branch
    recorded with ``members`` = 0 still covers (``DOMAIN.md``), so rates agree.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> u = uncovered(G, as_of="2026-10-01")
    >>> u["community"].tolist(), u["reason"].unique().tolist()
    (['西一社区', '西一社区', '东一社区'], ['no covered_by link'])
    >>> uncovered(G, as_of="2022-01-01").index.tolist()  # before any covered_by link
    ['O3', 'O4', 'O5', 'O6', 'O7', 'O8']
    """
    day = as_date(as_of)
    orng = G.label_range(Label.ORGANIZATION)
    n = G.number_of_nodes()
    covered = covered_nodes(G, day)
    ended = G.links(RelType.COVERED_BY, as_of=day, state="ended")
    two_new = orgs_of_kind(G, schema.TWO_NEW_KINDS, day)
    rows = np.flatnonzero(two_new & ~covered[orng])
    data = org_columns(G, rows)
    # the latest ended link of each row only (not of every node)
    lst = last_per(ended.source, ended.end.astype(np.int64), n)[rows + orng.start]
    data["reason"] = texts(lst >= 0, (REASON_NO_LINK, REASON_EXPIRED))
    data["last_end"] = np.r_[ended.end, np.datetime64("NaT", "s")][lst]  # -1: the NaT
    data["last_covered_by"] = ids(G, np.r_[ended.target, -1][lst])
    log.debug("uncovered: %d of %d two-new organisations", len(rows), int(two_new.sum()))
    return org_frame(G, rows, data)


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
    O3 (3 Party members) has its own branch PB1; O8 (4) has none:

    >>> import regional_graph as rg
    >>> s = should_build(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> s.index.tolist(), s.loc["O8", "covered"], s.loc["O8", "reason"]
    (['O8'], np.False_, 'not covered, no own branch')
    """
    day = as_date(as_of)
    orng = G.label_range(Label.ORGANIZATION)
    prng = G.label_range(Label.PARTY_ORG)
    n = G.number_of_nodes()
    hosted = G.links(RelType.HOSTED_BY, as_of=day)  # Party orgs existing on the day
    po_src, host = hosted.source, hosted.target
    level = G.nodes[Label.PARTY_ORG]["level"]
    own_codes = [i for i, c in enumerate(level.cat.categories) if c in schema.OWN_ORG_LEVELS]
    level_codes = level.cat.codes.to_numpy()
    own = np.isin(level_codes[po_src - prng.start], own_codes)
    has_own = np.zeros(n, dtype=bool)
    has_own[host[own]] = True
    big = party_members(G) >= schema.MIN_MEMBERS_INDEPENDENT
    rows = np.flatnonzero(orgs_of_kind(G, schema.TWO_NEW_KINDS, day) & big & ~has_own[orng])
    data = org_columns(G, rows)

    cov = G.links(RelType.COVERED_BY, as_of=day)
    in_rows = np.zeros(n, dtype=bool)
    in_rows[rows + orng.start] = True
    keep = in_rows[cov.source]
    o, t = cov.source[keep], cov.target[keep]
    order = np.lexsort((t, o))
    o, t = o[order], t[order]
    first = np.r_[True, (o[1:] != o[:-1]) | (t[1:] != t[:-1])] if len(o) else np.zeros(0, bool)
    o, t = o[first], t[first]
    slot = np.full(n, -1, dtype=np.int64)
    slot[rows + orng.start] = np.arange(len(rows))
    k = slot[o]
    n_cov = np.bincount(k, minlength=len(rows))
    t_level = level_codes[t - prng.start]
    is_joint = t_level == list(level.cat.categories).index("joint_branch")
    n_joint = np.bincount(k, weights=is_joint, minlength=len(rows))
    # text of the covering Party orgs only (-1, a missing level, picks the last category
    # as NumPy indexing always did)
    level_text = pd.array(level.cat.categories, dtype="str").take(t_level)
    po_names = G.nodes[Label.PARTY_ORG]["name"].array
    on_text = {"covered_by": ids(G, t),
               "covered_by_name": po_names.take(t - prng.start) if len(t) and
               t.min() >= prng.start and t.max() < prng.stop else names(G, t),
               "covered_by_level": level_text}
    data["covered"] = n_cov > 0
    for col, values in on_text.items():
        data[col] = join_per_row(k, values, len(rows))
    data["reason"] = texts(np.select([n_cov == 0, n_joint == n_cov], [0, 1], 2),
                           (REASON_BUILD_UNCOVERED, REASON_BUILD_JOINT, REASON_BUILD_OTHER))
    return org_frame(G, rows, data)


# --------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------

AreaLevel = Literal["district", "street", "community"]
_RATE_COLUMNS = ("two_new", "covered_two_new", "rate_all", "with_members",
                 "covered_with_members", "rate_with_members")


def _flags(G: RegionalGraph, day: np.datetime64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per organisation: two-new, covered (live), has ≥ 1 Party member (once per day: every
    level of the rates and the indicator tables share them; read only)."""
    return G.memo(("analysis", "coverage_flags", day), lambda: _compute_flags(G, day))


def _compute_flags(G: RegionalGraph, day: np.datetime64
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    orng = G.label_range(Label.ORGANIZATION)
    two_new = orgs_of_kind(G, schema.TWO_NEW_KINDS, day)
    covered = covered_nodes(G, day)[orng] & two_new
    with_members = two_new & (party_members(G) >= 1)
    return two_new, covered, with_members


def _rate_frame(key: np.ndarray, n_groups: int, flags: tuple[np.ndarray, ...]) -> dict[str, object]:
    two_new, covered, with_members = flags
    ok = key >= 0

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(key[ok & mask], minlength=n_groups).astype(np.int64)

    tn, cv = count(two_new), count(covered)
    wm, cwm = count(with_members), count(covered & with_members)
    return {"two_new": tn, "covered_two_new": cv, "rate_all": rate(cv, tn),
            "with_members": wm, "covered_with_members": cwm,
            "rate_with_members": rate(cwm, wm)}


def coverage_totals(G: RegionalGraph, *, as_of: DateLike = None) -> pd.Series:
    """Coverage counts and rates over the whole graph (both definitions).

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = coverage_totals(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> t[["two_new", "covered_two_new", "with_members", "covered_with_members"]].tolist()
    [6, 3, 5, 3]
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
    >>> G = rg.datasets.load_tiny()
    >>> r = coverage_rates(G, as_of="2026-10-01", by="street")
    >>> r["name"].tolist(), r["two_new"].tolist(), r["rate_all"].tolist()
    (['东街道', '西街道'], [4, 2], [0.75, 0.0])
    >>> coverage_rates(G, as_of="2026-10-01", by="industry")["rate_all"].to_dict()
    {'(未填行业)': 1.0, '物业': 0.0, '物流': 0.0, '软件': 0.5, '餐饮': 1.0}
    """
    day = as_date(as_of)
    flags = _flags(G, day)
    if by == "industry":
        industry = G.nodes[Label.ORGANIZATION]["industry"].fillna(MISSING_INDUSTRY)
        codes, uniques = pd.factorize(industry.where(flags[0]), sort=True)
        data = _rate_frame(np.asarray(codes, dtype=np.int64), len(uniques), flags)
        out = pd.DataFrame(data, index=pd.Index(uniques, dtype="str", name="industry"))
        return out
    if by not in ("district", "street", "community"):
        raise ValueError(f"by must be district, street, community or industry, not {by!r}")
    arng = G.label_range(Label.AREA)
    areas = G.nodes[Label.AREA]
    key = org_places(G)[by]
    key = np.where(key >= 0, key - arng.start, -1)
    data = _rate_frame(key, len(areas), flags)
    sel = np.flatnonzero((areas["level"] == by).to_numpy(dtype=bool))
    parent = G.parent_codes()[sel + arng.start]
    out = pd.DataFrame({"level": pd.array(np.full(len(sel), by, dtype=object), dtype="str"),
                        "name": areas["name"].array.take(sel),
                        "parent_id": ids(G, parent),
                        "parent": area_name(G, parent)},
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


#: The reasons of :func:`joint_branch_proposals`, in English and Chinese.
_PROPOSAL_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "street": "street {s}", "no_street": "no street", "sep": ", ", "none_yet": "none yet",
        "related": "a related industry", "other": "no industry yet",
        "km_away": ", {km:.1f} km away",
        "same_comm": "in the same community ({c})", "same_street": "in the same street ({s})",
        "join_rather": "join it rather than form a new branch",
        "join_instead": "no new joint branch can be formed in sector {sector}, so join it",
        "join": "existing joint branch {id} ({name}) {where}{km} covers {size} organisations "
                "(< {max}) of {ind} (sectors: {inds}); {then}",
        "alone": "no other uncovered organisation with 1–2 Party members of a related "
                 "industry (sector {sector}) in {where}, and no existing joint branch of a "
                 "related industry with room nearby",
        "alone_far": "none of the {others} other uncovered organisations with 1–2 Party "
                     "members of a related industry (sector {sector}) in {where} is free "
                     "within {max_km:g} km (the others are farther, grouped or joining a "
                     "branch), and no existing joint branch of a related industry with room "
                     "nearby",
        "too_few": "the {n} uncovered organisations of sector {sector} within {max_km:g} km "
                   "of each other in {where} have only {total} Party members together (need "
                   "{need}), and no existing joint branch of a related industry with room "
                   "nearby",
        "full": "every proposed joint branch of sector {sector} within {max_km:g} km in "
                "{where} already has {max} organisations",
        "geo_comm": "same community", "geo_street": "same street, neighbouring communities",
        "within": ", within {km:.1f} km of {first}",
        "new": "new joint branch {pid} in {where}: {n} uncovered organisations ({ids}) with "
               "{members} Party members (≥ {min}); related industries ({inds}, sector "
               "{sector}); {geo}{km}",
    },
    "zh": {
        "street": "{s}", "no_street": "未定位街道", "sep": "、", "none_yet": "暂无",
        "related": "相近行业", "other": "暂无行业的",
        "km_away": "，相距 {km:.1f} 公里",
        "same_comm": "位于同一社区({c})", "same_street": "位于同一街道({s})",
        "join_rather": "建议直接加入，不必另建",
        "join_instead": "本街道{sector}行业无法新建联合党支部，建议加入",
        "join": "现有联合党支部 {id}（{name}）{where}{km}，已覆盖{ind}单位 {size} 家"
                "（少于 {max} 家；行业：{inds}）；{then}",
        "alone": "{where}没有其他党员 1–2 人的相近行业（{sector}）未覆盖单位，"
                 "附近也没有有空位的相近行业联合党支部",
        "alone_far": "{where}另有 {others} 家党员 1–2 人的相近行业（{sector}）未覆盖单位，"
                     "但 {max_km:g} 公里内均已分组、加入其他支部或距离更远，"
                     "附近也没有有空位的相近行业联合党支部",
        "too_few": "{where}{sector}行业 {max_km:g} 公里内的 {n} 家未覆盖单位合计只有 {total} "
                   "名党员（至少需要 {need} 名），附近也没有有空位的相近行业联合党支部",
        "full": "{where}{sector}行业 {max_km:g} 公里内拟建的联合党支部均已满 {max} 家单位",
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
    max_km: float = 5.0,
) -> pd.DataFrame:
    """Where to form joint branches (联合建立): group uncovered small organisations.

    Candidates are uncovered two-new organisations with 1–2 Party members (those with ≥ 3
    should build their own branch; those with none cannot form one). The rule, 行业相近、
    地域相邻, applied street by street:

    Two organisations are *adjacent* (地域相邻) when they are in the same street and, if
    both have lat/lon, at most ``max_km`` apart; they are *related* (行业相近) when their
    industries share a sector (see :data:`DEFAULT_RELATED_INDUSTRIES`). A group only ever
    holds organisations that are related to each other and adjacent to its first one.

    1. **Join an existing joint branch** (level joint_branch) of the candidate's community
       that covers a related industry (or nothing yet), is adjacent (the centre of its
       covered organisations within ``max_km`` when known) and covers fewer than
       ``max_orgs`` organisations (counting those already proposed to join it); the
       nearest such branch. A branch of unrelated industries is never proposed.
    2. **New joint branch**: the remaining candidates of a street are grouped within a
       sector. A group starts from the organisation with the most members (ties:
       community, id) and adds the nearest adjacent candidates — great-circle km when both
       have lat/lon, otherwise same community before same street — until it has
       ``min_members`` members; it never exceeds ``max_orgs`` organisations. A candidate
       left short is added to the nearest adjacent proposal of its sector that has room,
       or else joins an adjacent existing joint branch of the street covering a related
       industry (with room, as in 1).
    3. Otherwise **cannot group**, with the reason.

    Parameters
    ----------
    max_orgs, min_members
        Size limits of a new joint branch.
    related_industries
        Industry → sector map; two industries are related when they share a sector.
    language
        Language of ``reason`` (``"en"`` or ``"zh"``; the other columns stay codes).
    max_km
        Largest great-circle distance between adjacent organisations (default 5 km).

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
    In the tiny district the only candidate is O6 (软件, 2 Party members, street 西街道),
    with no related organisation and no joint branch in its street:

    >>> import regional_graph as rg
    >>> p = joint_branch_proposals(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> p.index.tolist(), p["action"].tolist()
    (['O6'], ['cannot group'])
    >>> print(p.loc["O6", "reason"])  # doctest: +NORMALIZE_WHITESPACE
    no other uncovered organisation with 1–2 Party members of a related industry (sector
    科技金融) in street 西街道, and no existing joint branch of a related industry with room
    nearby
    """
    if language not in _PROPOSAL_TEXT:
        raise ValueError(f"`language` must be 'en' or 'zh', not {language!r}")
    sectors = dict(DEFAULT_RELATED_INDUSTRIES if related_industries is None
                   else related_industries)
    proposer = _Proposer(G, as_date(as_of), _PROPOSAL_TEXT[language], sectors,
                         _Limits(max_orgs, min_members, max_km))
    return proposer.run()


@dataclass(frozen=True)
class _Limits:
    max_orgs: int
    min_members: int
    max_km: float


def _pairs_by_key(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ``(i, j)`` with ``a[i] == b[j]``, sorted by ``i`` then ``j``.

    Examples
    --------
    >>> [x.tolist() for x in _pairs_by_key(np.array([5, 6, 5]), np.array([5, 7, 5]))]
    [[0, 0, 2, 2], [0, 2, 0, 2]]
    """
    order = np.argsort(b, kind="stable")
    lo = np.searchsorted(b[order], a, "left")
    count = np.searchsorted(b[order], a, "right") - lo
    i = np.repeat(np.arange(len(a)), count)
    j = order[np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))]
    return i, j


def _sector_of(industry: pd.Series | Text, sectors: Mapping[str, str]) -> np.ndarray:
    """The sector of each industry (object array): its entry in ``sectors``, else the
    industry itself; a missing industry is :data:`MISSING_INDUSTRY`.

    Examples
    --------
    >>> _sector_of(pd.Series(["软件", "律师", None]), {"软件": "科技金融"}).tolist()
    ['科技金融', '律师', '(未填行业)']
    """
    codes, uniques = pd.factorize(industry)
    mapped = [sectors.get(i, i) for i in uniques.tolist()] + [MISSING_INDUSTRY]
    return np.asarray(mapped, dtype=object)[codes]


@dataclass
class _Branches:
    """The existing joint branches: id, name, place and id order, and the size and sectors
    of each (these two grow as candidates are proposed to join)."""

    ids: list[str]
    names: list[object]
    comm: np.ndarray
    street: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    id_rank: list[int]
    size: list[int]
    sectors: list[set[str]]


def _existing_branches(G: RegionalGraph, day: np.datetime64, sector_map: Mapping[str, str],
                       lat: np.ndarray, lon: np.ndarray) -> _Branches:
    """The joint branches existing on ``day``, each at the centre of the organisations it
    covers (NaN when none has lat/lon), with their count and sectors."""
    orng, prng = G.label_range(Label.ORGANIZATION), G.label_range(Label.PARTY_ORG)
    po = G.nodes[Label.PARTY_ORG]
    jb = np.flatnonzero((po["level"] == "joint_branch").to_numpy(dtype=bool)
                        & G.exists(day)[prng])
    jb_area = G.resolved(Label.PARTY_ORG, "area_id")[jb]
    cov = G.links(RelType.COVERED_BY, as_of=day)  # organisation -> Party org
    jb_index = np.full(prng.stop - prng.start + 1, -1, dtype=np.int64)  # last: not one
    jb_index[jb] = np.arange(len(jb))
    in_po = (cov.target >= prng.start) & (cov.target < prng.stop)
    b = jb_index[np.where(in_po, cov.target - prng.start, -1)]
    sel = b >= 0
    cov_jb, cov_org = b[sel], cov.source[sel] - orng.start
    has_geo = ~np.isnan(lat[cov_org]) & ~np.isnan(lon[cov_org])
    geo_n = np.bincount(cov_jb[has_geo], minlength=len(jb))
    with np.errstate(invalid="ignore", divide="ignore"):
        jb_lat = np.bincount(cov_jb[has_geo], weights=lat[cov_org][has_geo],
                             minlength=len(jb)) / geo_n
        jb_lon = np.bincount(cov_jb[has_geo], weights=lon[cov_org][has_geo],
                             minlength=len(jb)) / geo_n
    sectors: list[set[str]] = [set() for _ in range(len(jb))]
    codes, uniques = pd.factorize(_sector_of(G.nodes[Label.ORGANIZATION]["industry"].array
                                             .take(cov_org), sector_map))
    pairs = sorted_unique(cov_jb * (len(uniques) + 1) + codes)
    for b, c in zip((pairs // (len(uniques) + 1)).tolist(),
                    (pairs % (len(uniques) + 1)).tolist(), strict=True):
        sectors[b].add(uniques[c])  # once per (branch, sector)
    ids = po.index.take(jb).to_numpy(dtype=object)
    id_rank = np.unique(ids.astype(str), return_inverse=True)[1].reshape(-1)
    return _Branches(ids.tolist(),
                     po["name"].array.take(jb).to_numpy(dtype=object, na_value=None).tolist(),
                     G.ancestor_at(jb_area, "community"), G.ancestor_at(jb_area, "street"),
                     jb_lat, jb_lon, id_rank.tolist(),
                     np.bincount(cov_jb, minlength=len(jb)).tolist(), sectors)


@dataclass(frozen=True)
class _Street:
    """One street's candidates (positions, in frame order) and how its reasons name it."""

    code: int
    pool: list[int]
    name: object
    where: str


class _Proposer:
    """The proposals of :func:`joint_branch_proposals`, street by street.

    Everything the grouping compares is computed once, with NumPy: each candidate's
    distances to the candidates of its street (:meth:`km`) and to the joint branches of its
    community (``near_b``/``near_km`` from ``near_lo[i]`` to ``near_lo[i + 1]``), in flat
    lists.
    The grouping itself is greedy (each choice changes what is left), so it loops in
    Python over these lists, candidate by candidate (positions ``0..``: candidates in frame
    order)."""

    def __init__(self, G: RegionalGraph, day: np.datetime64, text: dict[str, str],
                 sectors: dict[str, str], limits: _Limits) -> None:
        self.G, self.text, self.limits = G, text, limits
        orgs = G.nodes[Label.ORGANIZATION]
        pm = party_members(G)
        covered = covered_nodes(G, day)[G.label_range(Label.ORGANIZATION)]
        two_new = orgs_of_kind(G, schema.TWO_NEW_KINDS, day)
        self.rows = rows = np.flatnonzero(two_new & ~covered & (pm >= 1)
                                          & (pm < limits.min_members))
        places = org_places(G)
        lat = orgs["lat"].to_numpy(dtype="float64", na_value=np.nan)
        lon = orgs["lon"].to_numpy(dtype="float64", na_value=np.nan)
        self.branches = _existing_branches(G, day, sectors, lat, lon)
        self.comm_code, self.street_code = places["community"][rows], places["street"][rows]
        self.lat, self.lon = lat[rows], lon[rows]
        self.ids: list[str] = orgs.index.take(rows).to_numpy(dtype=object).tolist()
        self.comm: list[int] = self.comm_code.tolist()
        self.pm: list[float] = pm[rows].tolist()
        industry = orgs["industry"].array.take(rows)
        self.sector: list[str] = _sector_of(industry, sectors).tolist()
        self.industry = industry.to_numpy(dtype=object, na_value=None).tolist()
        self.street_names = np.asarray(area_name(G, self.street_code), dtype=object)
        self.comm_names = np.asarray(area_name(G, self.comm_code), dtype=object)
        self._street_distances()
        self._branch_options()
        n = len(rows)
        self.proposal: list[str | None] = [None] * n
        self.action: list[str | None] = [None] * n
        self.reason: list[str | None] = [None] * n
        self.dist: list[float] = [np.nan] * n
        self.counter = 0

    def _street_distances(self) -> None:
        """Km from each candidate to each candidate of its street (NaN when unknown), one
        flat list: those from ``i`` start at ``first[i]``, and ``j`` is ``loc[j]`` along."""
        n = len(self.rows)
        i, j = _pairs_by_key(self.street_code, self.street_code)
        self.street_km = _haversine(self.lat[i], self.lon[i], self.lat[j], self.lon[j]).tolist()
        first = np.cumsum(np.bincount(i, minlength=n)) - np.bincount(i, minlength=n)
        diagonal = np.flatnonzero(i == j)
        loc = np.zeros(n, dtype=np.int64)
        loc[i[diagonal]] = diagonal - first[i[diagonal]]
        self.first, self.loc = first.tolist(), loc.tolist()

    def km(self, i: int, j: int) -> float:
        """Great-circle km from candidate ``i`` to candidate ``j`` of its street (NaN when
        one has no lat/lon)."""
        return self.street_km[self.first[i] + self.loc[j]]

    def _branch_options(self) -> None:
        """The joint branches of each candidate's community with the km to them (flat
        lists, by position), and the branches of each street (``in_street``)."""
        b_ = self.branches
        ok = (self.comm_code >= 0) & (self.street_code >= 0)
        i, b = _pairs_by_key(np.where(ok, self.comm_code, -2), b_.comm)
        self.near_b = b.tolist()
        self.near_km = _haversine(self.lat[i], self.lon[i], b_.lat[b], b_.lon[b]).tolist()
        self.near_lo = np.searchsorted(i, np.arange(len(self.rows) + 1)).tolist()
        order = np.argsort(b_.street, kind="stable")
        cut = np.flatnonzero(np.diff(b_.street[order])) + 1
        self.in_street = {int(b_.street[g[0]]): g for g in np.split(order, cut)
                          if len(order) and b_.street[g[0]] >= 0}

    def _street_branches(self, o: int) -> tuple[list[int], list[float]]:
        """The joint branches of ``o``'s street outside its community, with the km to them."""
        street = self.in_street.get(int(self.street_code[o]), np.zeros(0, np.int64))
        b_ = self.branches
        other = street[b_.comm[street] != self.comm[o]] if self.comm[o] >= 0 else street
        d = _haversine(self.lat[o], self.lon[o], b_.lat[other], b_.lon[other])
        return other.tolist(), d.tolist()

    def run(self) -> pd.DataFrame:
        """Every street in code order (the candidates without one first)."""
        codes = self.street_code
        order = np.argsort(codes, kind="stable")
        cut = np.flatnonzero(np.diff(codes[order])) + 1
        for pool in np.split(order, cut) if len(order) else []:
            code = int(codes[pool[0]])
            sname = self.street_names[pool[0]] if code >= 0 else None
            where = (self.text["street"].format(s=sname) if sname is not None
                     else self.text["no_street"])
            self._street(_Street(code, pool.tolist(), sname, where))
        return self._frame()

    def _street(self, st: _Street) -> None:
        # 1. join an existing joint branch of the same community
        rest = [o for o in st.pool if not self._join(o, st, same_community_only=True)]
        # 2. new joint branches within a sector
        groups: list[list[int]] = []
        for sector in sorted({self.sector[o] for o in rest}):
            groups.extend(self._sector(st, sector, [o for o in rest
                                                    if self.sector[o] == sector]))
        for group in groups:
            self._name_group(group, st.where)

    def _join(self, o: int, st: _Street, *, same_community_only: bool) -> bool:
        """Propose ``o`` joins the best existing joint branch (of its community first);
        False when none fits."""
        b_, t, lim, sector = self.branches, self.text, self.limits, self.sector[o]
        lo, hi = self.near_lo[o], self.near_lo[o + 1]
        best = self._best_branch(o, self.near_b[lo:hi], self.near_km[lo:hi])
        same = best is not None
        if best is None and not same_community_only:
            best = self._best_branch(o, *self._street_branches(o))
        if best is None:
            return False
        b, d, related = best
        self.proposal[o], self.action[o], self.dist[o] = b_.ids[b], "join existing", d
        inds = t["sep"].join(sorted(b_.sectors[b])) or t["none_yet"]
        size = b_.size[b]
        b_.size[b] += 1  # later candidates see the branch with this one in it
        b_.sectors[b].add(sector)
        km = "" if isnan(d) else t["km_away"].format(km=d)
        where = (t["same_comm"].format(c=self.comm_names[o]) if same
                 else t["same_street"].format(s=st.name))
        then = t["join_rather"] if same else t["join_instead"].format(sector=sector)
        self.reason[o] = t["join"].format(
            id=b_.ids[b], name=b_.names[b], where=where, km=km, size=size,
            max=lim.max_orgs, ind=t["related"] if related else t["other"], inds=inds,
            then=then)
        return True

    def _best_branch(self, o: int, options: list[int], km: list[float]
                     ) -> tuple[int, float, bool] | None:
        """Of the branches ``options`` (``km`` away), the one ``o`` should join: eligible
        (a related industry or none yet, within ``max_km`` or unknown, room left), related
        before empty, then nearest (unknown last), then id; (branch, km, related) or None."""
        b_, lim, sector = self.branches, self.limits, self.sector[o]
        best: tuple[tuple[bool, float, int], int, float, bool] | None = None
        for b, d in zip(options, km, strict=True):
            related = sector in b_.sectors[b]
            if ((related or not b_.sectors[b]) and not d > lim.max_km  # NaN: unknown km
                    and b_.size[b] < lim.max_orgs):
                key = (not related, inf if isnan(d) else d, b_.id_rank[b])
                if best is None or key < best[0]:
                    best = (key, b, d, related)
        return None if best is None else best[1:]

    def _sector(self, st: _Street, sector: str, todo: list[int]) -> list[list[int]]:
        """New joint branches of one sector: seeded groups, then the leftovers."""
        lim, comm = self.limits, self.comm
        groups, short, short_total = self._seed_groups(todo)
        for o in short:  # leftovers: nearest adjacent proposal with room, or a branch
            best, adjacent = None, False
            for k, g in enumerate(groups):
                dd = self.km(o, g[0])
                if dd > lim.max_km:  # not adjacent (an unknown km, NaN, is)
                    continue
                adjacent = True
                key = (inf if isnan(dd) else dd, comm[g[0]] != comm[o], k)
                if len(g) < lim.max_orgs and (best is None or key < best[0]):
                    best = (key, k, dd)
            if best is not None:
                groups[best[1]].append(o)
                self.dist[o] = best[2]
            elif not self._join(o, st, same_community_only=False):
                self._cannot_group(o, st, sector, short_total[o], adjacent)
        return groups

    def _seed_groups(self, todo: list[int]
                     ) -> tuple[list[list[int]], list[int], dict[int, tuple[int, int]]]:
        """Groups from the organisation with the most members (ties: community, id) and the
        nearest adjacent candidates until ``min_members``; those left short."""
        pm, lim = self.pm, self.limits
        free = dict.fromkeys(sorted(todo, key=lambda o: (-pm[o], self.comm[o], o)))
        groups: list[list[int]] = []
        short: list[int] = []
        short_total: dict[int, tuple[int, int]] = {}
        for seed in list(free):
            if seed not in free:
                continue
            del free[seed]
            group, total = [seed], pm[seed]
            for o, dk in self._nearest_first(seed, free):
                if total >= lim.min_members or len(group) >= lim.max_orgs:
                    break
                group.append(o)
                total += pm[o]
                self.dist[o] = dk
                del free[o]
            if total >= lim.min_members:
                self.dist[seed] = 0.0
                groups.append(group)
            else:
                short.extend(group)
                short_total.update(dict.fromkeys(group, (len(group), int(total))))
        return groups, short, short_total

    def _nearest_first(self, seed: int, pool: Iterable[int]) -> list[tuple[int, float]]:
        """The adjacent candidates of ``pool`` with their km from ``seed``, nearest first:
        known km ascending (ties: same community first, then position), then unknown
        distances, same community before the rest of the street."""
        km, base, loc = self.street_km, self.first[seed], self.loc
        comm, max_km = self.comm, self.limits.max_km
        near = [(isnan(d), inf if isnan(d) else d, comm[o] != comm[seed], o, d)
                for o in pool for d in (km[base + loc[o]],) if not d > max_km]
        return [(o, d) for *_, o, d in sorted(near)]

    def _cannot_group(self, o: int, st: _Street, sector: str, group: tuple[int, int],
                      adjacent: bool) -> None:
        t, lim = self.text, self.limits
        self.dist[o] = np.nan
        self.proposal[o], self.action[o] = None, "cannot group"
        n_group, total = group
        others = sum(self.sector[p] == sector for p in st.pool) - 1  # incl. those joining
        if adjacent:
            why = t["full"].format(sector=sector, where=st.where, max=lim.max_orgs,
                                   max_km=lim.max_km)
        elif n_group == 1 and others == 0:
            why = t["alone"].format(sector=sector, where=st.where)
        elif n_group == 1:
            why = t["alone_far"].format(sector=sector, where=st.where, others=others,
                                        max_km=lim.max_km)
        else:
            why = t["too_few"].format(n=n_group, sector=sector, where=st.where, total=total,
                                      need=lim.min_members, max_km=lim.max_km)
        self.reason[o] = why

    def _name_group(self, group: list[int], where: str) -> None:
        t = self.text
        self.counter += 1
        pid = f"P{self.counter:03d}"
        inds = t["sep"].join(dict.fromkeys(self.industry[o] or MISSING_INDUSTRY
                                           for o in group))
        geo = t["geo_comm"] if len({self.comm_names[o] for o in group}) == 1 \
            else t["geo_street"]
        known = [self.dist[o] for o in group[1:] if not isnan(self.dist[o])]
        km = t["within"].format(km=max(known), first=self.ids[group[0]]) if known else ""
        why = t["new"].format(pid=pid, where=where, n=len(group),
                              ids=t["sep"].join(self.ids[o] for o in group),
                              members=int(sum(self.pm[o] for o in group)),
                              min=self.limits.min_members, inds=inds,
                              sector=self.sector[group[0]], geo=geo, km=km)
        for o in group:
            self.proposal[o], self.action[o], self.reason[o] = pid, "new joint branch", why

    def _frame(self) -> pd.DataFrame:
        rows, orgs, G = self.rows, self.G.nodes[Label.ORGANIZATION], self.G
        out = pd.DataFrame(
            {"proposal": pd.array(self.proposal, dtype="str"),
             "action": pd.array(self.action, dtype="str"),
             "reason": pd.array(self.reason, dtype="str"),
             "name": orgs["name"].array.take(rows),
             "street_id": ids(G, self.street_code),
             "street": pd.array(self.street_names, dtype="str"),
             "community_id": ids(G, self.comm_code),
             "community": pd.array(self.comm_names, dtype="str"),
             "industry": orgs["industry"].array.take(rows),
             "party_members": orgs["party_members"].array.take(rows),
             "distance_km": np.round(np.asarray(self.dist, dtype=np.float64), 3)},
            index=pd.Index(orgs.index[rows], name="id"),
        )
        order = np.lexsort((out.index.to_numpy(dtype=object).astype(str),
                            out["proposal"].fillna("~").to_numpy(dtype=object).astype(str),
                            out["action"].map({"join existing": 0, "new joint branch": 1,
                                               "cannot group": 2}).to_numpy()))
        return out.iloc[order][list(_PROPOSAL_COLUMNS)]
