"""Pairing recommendations (结对推荐): partners for isolated units and unpaired communities.

For each **isolated resident unit** (:func:`~regional_graph.analysis.isolation.isolated_units`)
the top-``k`` communities to pair with, and for each **unpaired community**
(:func:`~regional_graph.analysis.isolation.unpaired_communities`) the top-``k`` resident
units, each with a score and its reasons.

Candidates: the communities (units) of the same street, plus those within ``radius_km`` when
both have coordinates (planar distances, in bounded blocks). A community's location is
the mean lat/lon of the organisations located in it. Each candidate pair (unit *u*,
community *c*) is scored as the weighted sum (weights: :class:`PartnerWeights`)

* ``complement`` × share of *c*'s demand categories with unmet quantity in which *u*
  (or the Party org it hosts) offers unused capacity — complementary resources and demands;
* ``capacity`` × share of *c*'s unmet quantity that *u*'s unused capacity could serve
  (Σ over categories of min(unused capacity, unmet quantity) / unmet quantity) — capacity
  not yet used; unused capacity = ``capacity`` − quantity already ``ASSIGNED_TO`` demands;
  unmet quantity = ``quantity`` − served (from ``matching``, else from ``ASSIGNED_TO``);
* ``distance`` × proximity: ``exp(-d / distance_scale_km)`` for the great-circle distance
  *d* when both locations are known, else 1 in the same community, 0.5 in the same street;
* ``same_street`` × [same street] (the joint conference and big working committee are
  per street);
* ``load`` × (1 − min(ties, ``max_ties``) / ``max_ties``) where ``ties`` is the partner's
  live tie links (a unit's ties; a community's live pairs) — prefer partners not overloaded;
* ``former`` × [they had a paired_with agreement that has ended] — renewing is easy.

Examples
--------
In the tiny district the isolated hospital O2 (西街道) has one candidate, its own community
西一社区 (C3), which needs the medical help O2 offers; the unpaired communities 东二社区 (C2)
and 西一社区 (C3) get the one resident unit of their street each (the other street is 9 km
away, beyond ``radius_km``):

>>> import regional_graph as rg
>>> rec = recommend_partners(rg.datasets.load_tiny(), as_of="2026-10-01")
>>> list(zip(rec.index, rec["for_kind"], rec["partner_id"]))
[('O2', 'unit', 'C3'), ('C2', 'community', 'O1'), ('C3', 'community', 'O2')]
>>> rec.loc["O2", "reason"].split("; ")[:2]
['complementary: offers medical the community needs', 'unused capacity can serve 2 of 2 unmet']
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .. import schema
from ..geo import EARTH_RADIUS_KM
from ..geo import haversine_km as _haversine
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label, RelType
from . import isolation
from ._common import (
    actor_codes,
    ids,
    node_names,
    org_places,
    orgs_of_kind,
    served_frame,
    sorted_unique,
    texts,
)

log = logging.getLogger(__name__)

__all__ = ["COLUMNS", "PartnerWeights", "recommend_partners"]

#: Columns of the recommendation table (indexed by ``id``).
COLUMNS = ("for_kind", "partner_id", "partner_name", "rank", "score", "reason", "distance_km")

_CATS = schema.CATEGORY.codes


def _xy(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """Local equirectangular projection in km (for the neighbourhood query only)."""
    return np.stack([np.radians(lon) * EARTH_RADIUS_KM * np.cos(np.radians(lat0)),
                     np.radians(lat) * EARTH_RADIUS_KM], axis=1)


def _per_category(owner: np.ndarray, category: np.ndarray, amount: np.ndarray,
                  n: int) -> np.ndarray:
    """Dense ``(n, n_categories)`` sums of ``amount`` by owner row and category code."""
    out = np.zeros((n, len(_CATS)), dtype=np.float64)
    ok = (owner >= 0) & (category >= 0)
    np.add.at(out, (owner[ok], category[ok]), amount[ok])
    return out


def _assigned(G: RegionalGraph, label: Label, end: str) -> np.ndarray:
    """Quantity on ``ASSIGNED_TO`` edges per node of ``label`` (by ``end``: source/target;
    a missing quantity counts 0)."""
    e = G.links(RelType.ASSIGNED_TO, state="any")
    rng = G.label_range(label)
    out = np.zeros(rng.stop - rng.start)
    if len(e):
        codes = (e.source if end == "source" else e.target) - rng.start
        qty = G.edges["quantity"].array.take(e.pos).to_numpy(dtype="float64", na_value=0.0)
        ok = (codes >= 0) & (codes < len(out))
        np.add.at(out, codes[ok], qty[ok])
    return out


@dataclass(frozen=True)
class PartnerWeights:
    """Weights of the score terms of :func:`recommend_partners` (0 switches a term off).

    Examples
    --------
    >>> PartnerWeights(load=0).load, PartnerWeights().complement
    (0, 3.0)
    """

    #: × share of the community's unmet categories the unit can serve.
    complement: float = 3.0
    #: × share of the community's unmet quantity the unit's unused capacity covers.
    capacity: float = 2.0
    #: × proximity.
    distance: float = 2.0
    #: × [same street].
    same_street: float = 1.0
    #: × (1 − load), the partner's free room.
    load: float = 1.0
    #: × [a former, ended agreement].
    former: float = 0.5


@dataclass(frozen=True)
class _Sides:
    """The two sides of a pair: resident units and communities (rows and places)."""

    unit_codes: np.ndarray  # ascending
    comm_codes: np.ndarray  # ascending
    u_comm: np.ndarray
    u_street: np.ndarray
    c_street: np.ndarray
    u_lat: np.ndarray
    u_lon: np.ndarray
    c_lat: np.ndarray
    c_lon: np.ndarray
    unit_rows: _Rows
    comm_rows: _Rows

    def unit_row(self, codes: np.ndarray) -> np.ndarray:
        """Row of each node code among the resident units (-1 for any other node)."""
        return self.unit_rows.of(codes)

    def comm_row(self, codes: np.ndarray) -> np.ndarray:
        """Row of each node code among the communities (-1 for any other node)."""
        return self.comm_rows.of(codes)


class _Rows:
    """Row of each of some ascending node codes, looked up in a table spanning only their
    range of codes (not the whole graph).

    Examples
    --------
    >>> _Rows(np.array([3, 7, 9])).of(np.array([7, 4, -1, 9, 12])).tolist()
    [1, -1, -1, 2, -1]
    """

    def __init__(self, chosen: np.ndarray) -> None:
        self.first = int(chosen[0]) if len(chosen) else 0
        self.table = np.full(int(chosen[-1]) - self.first + 1 if len(chosen) else 0, -1,
                             dtype=np.int64)
        self.table[chosen - self.first] = np.arange(len(chosen))

    def of(self, codes: np.ndarray) -> np.ndarray:
        at = np.asarray(codes, dtype=np.int64) - self.first
        inside = (at >= 0) & (at < len(self.table))
        if not len(self.table):
            return np.full(len(at), -1, dtype=np.int64)
        return np.where(inside, self.table[np.where(inside, at, 0)], -1)


@dataclass(frozen=True)
class _Terms:
    """What the score reads: supply, unmet demand, load and former pairs."""

    supply: np.ndarray  # (units, categories) unused capacity
    unmet: np.ndarray  # (communities, categories) unmet quantity
    u_ties: np.ndarray
    c_pairs: np.ndarray
    former_keys: np.ndarray


@dataclass(frozen=True)
class _Scales:
    radius_km: float
    distance_scale_km: float
    max_ties: int


def recommend_partners(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    k: int = 3,
    matching: Any = None,
    radius_km: float = 3.0,
    distance_scale_km: float = 2.0,
    max_ties: int = 10,
    weights: PartnerWeights | None = None,
    language: Literal["en", "zh"] = "en",
) -> pd.DataFrame:
    """Top-``k`` partners for every isolated resident unit and every unpaired community.

    Parameters
    ----------
    as_of
        The day (default today).
    k
        Partners per unit / community.
    matching
        Optional matching result (DataFrame indexed by demand id with ``served``, or an
        object with such a ``.demands``) to count only unmet demand.
    radius_km
        Candidates beyond the same street: those within this great-circle radius.
    distance_scale_km, max_ties
        Scales of the proximity and load terms.
    weights
        Weights of the score terms (:class:`PartnerWeights`; see the module docstring).
    language
        Language of ``reason`` (``"en"`` or ``"zh"``).

    Returns
    -------
    DataFrame
        Indexed by ``id`` (the unit or community; ``k`` rows each): ``for_kind``
        (``"unit"`` or ``"community"``), ``partner_id``, ``partner_name``, ``rank``
        (1 = best), ``score``, ``reason`` (``"; "``-separated) and ``distance_km`` (NaN
        when unknown); units first, then by id and rank. Ties in score go to the nearer,
        then the smaller id.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> rec = recommend_partners(G, as_of=rg.datasets.REFERENCE_DATE, k=1, language="zh")
    >>> rec.index.name, list(rec.columns)
    ('id', ['for_kind', 'partner_id', 'partner_name', 'rank', 'score', 'reason', 'distance_km'])
    """
    if k < 1:
        raise ValueError(f"`k` must be ≥ 1, got {k!r}")
    if language not in ("en", "zh"):
        raise ValueError(f"`language` must be 'en' or 'zh', not {language!r}")
    day = as_date(as_of)
    sides = _sides(G, day)
    terms = _terms(G, sides, day, matching)
    scales = _Scales(radius_km, distance_scale_km, max_ties)
    iso_rows = sides.unit_row(isolation.isolated_rows(G, day)
                              + G.label_range(Label.ORGANIZATION).start)
    unp_rows = sides.comm_row(isolation.unpaired_rows(G, day)
                              + G.label_range(Label.AREA).start)
    lat0 = float(np.nanmean(sides.c_lat)) if np.isfinite(sides.c_lat).any() else 0.0
    u_xy, c_xy = _xy(sides.u_lat, sides.u_lon, lat0), _xy(sides.c_lat, sides.c_lon, lat0)
    uu, cc = _candidates(iso_rows, sides.u_street, u_xy, sides.c_street, c_xy, radius_km)
    c2, u2 = _candidates(unp_rows, sides.c_street, c_xy, sides.u_street, u_xy, radius_km)
    parts = [_score(kind, pu, pc, sides, terms, scales, weights or PartnerWeights())
             for kind, pu, pc in (("unit", uu, cc), ("community", u2, c2)) if len(pu)]
    if not parts:
        return _empty()
    cand = {col: np.concatenate([part[col] for part in parts]) for col in parts[0]}
    out = _top(G, sides, cand, k, terms, language)
    log.info("recommend_partners: %d isolated units, %d unpaired communities, %d rows",
             len(iso_rows), len(unp_rows), len(out))
    return out


def _sides(G: RegionalGraph, day: np.datetime64) -> _Sides:
    """Resident units (existing on ``day``) and communities with their streets and locations
    (a community's location: the mean lat/lon of the organisations located in it)."""
    orng, arng = G.label_range(Label.ORGANIZATION), G.label_range(Label.AREA)
    orgs, areas = G.nodes[Label.ORGANIZATION], G.nodes[Label.AREA]
    unit_rows = np.flatnonzero(orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, day))
    unit_codes = unit_rows + orng.start
    comm_codes = np.flatnonzero((areas["level"] == "community").to_numpy(dtype=bool)) \
        + arng.start
    lat = orgs["lat"].to_numpy(dtype="float64", na_value=np.nan)
    lon = orgs["lon"].to_numpy(dtype="float64", na_value=np.nan)
    places = org_places(G)
    comm_rows = _Rows(comm_codes)
    org_comm = comm_rows.of(places["community"])
    geo = (org_comm >= 0) & ~np.isnan(lat) & ~np.isnan(lon)
    nc = len(comm_codes)
    cnt = np.bincount(org_comm[geo], minlength=nc)
    with np.errstate(invalid="ignore", divide="ignore"):
        c_lat = np.bincount(org_comm[geo], weights=lat[geo], minlength=nc) / cnt
        c_lon = np.bincount(org_comm[geo], weights=lon[geo], minlength=nc) / cnt
    return _Sides(unit_codes, comm_codes, places["community"][unit_rows],
                  places["street"][unit_rows], G.ancestor_at(comm_codes, "street"),
                  lat[unit_codes - orng.start], lon[unit_codes - orng.start], c_lat, c_lon,
                  _Rows(unit_codes), comm_rows)


def _terms(G: RegionalGraph, s: _Sides, day: np.datetime64, matching: Any) -> _Terms:
    """Unused capacity by unit and category, unmet demand by community and category, the
    partners' live ties and the (unit, community) pairs whose agreement has ended."""
    nu, nc = len(s.unit_codes), len(s.comm_codes)
    host = actor_codes(G, merge_committees=False)
    drng = G.label_range(Label.DEMAND)
    res, dem = G.nodes[Label.RESOURCE], G.nodes[Label.DEMAND]
    provider = G.resolved(Label.RESOURCE, "provider_id")
    r_unit = s.unit_row(np.where(provider >= 0, host[np.maximum(provider, 0)], -1))
    cap = res["capacity"].to_numpy(dtype="float64", na_value=1.0)
    free = np.maximum(cap - _assigned(G, Label.RESOURCE, "source"), 0)
    supply = _per_category(r_unit, _cat_index(res), free, nu)

    area_of = G.area_of()
    place, req = area_of[drng], G.resolved(Label.DEMAND, "requester_id")
    place = np.where(place >= 0, place, np.where(req >= 0, area_of[np.maximum(req, 0)], -1))
    d_comm = s.comm_row(G.ancestor_at(place, "community"))
    qty = dem["quantity"].to_numpy(dtype="float64", na_value=1.0)
    if matching is not None:
        served = served_frame(matching)["served"].reindex(dem.index)
        served = served.to_numpy(dtype="float64", na_value=0.0)
    else:
        served = _assigned(G, Label.DEMAND, "target")
    unmet = _per_category(d_comm, _cat_index(dem), np.maximum(qty - served, 0), nc)

    merged = actor_codes(G, merge_committees=True)
    ties = isolation.tie_links(G, day)  # shared with the isolation tables
    a_src, a_tgt = ties.a_src[ties.live], ties.a_tgt[ties.live]  # the hosts of the ends
    a, b = s.unit_row(a_src), s.unit_row(a_tgt)
    u_ties = np.bincount(a[a >= 0], minlength=nu) \
        + np.bincount(b[(b >= 0) & (a_src != a_tgt)], minlength=nu)
    pt = s.comm_row(merged[G.links(RelType.PAIRED_WITH, as_of=day).target])
    c_pairs = np.bincount(pt[pt >= 0], minlength=nc)
    ended = G.links(RelType.PAIRED_WITH, as_of=day, state="ended")
    fs, ft = s.unit_row(host[ended.source]), s.comm_row(merged[ended.target])
    ok = (fs >= 0) & (ft >= 0)
    return _Terms(supply, unmet, u_ties, c_pairs, sorted_unique(fs[ok] * max(nc, 1) + ft[ok]))


def _candidates(rows: np.ndarray, row_street: np.ndarray, row_xy: np.ndarray,
                other_street: np.ndarray, other_xy: np.ndarray,
                radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """(row, other) pairs, sorted: same street, or within ``radius_km`` when both are placed.

    Examples
    --------
    Rows 0 and 1 are in streets 5 and 6, row 2 in none; rows 0 and 2 lie 1 km from other 3,
    which has no street:

    >>> xy, other_xy = np.array([[0, 0], [9, 9], [0, 0.0]]), np.full((4, 2), np.nan)
    >>> other_xy[3] = [1, 0]
    >>> [a.tolist() for a in _candidates(np.array([0, 1, 2]), np.array([5, 6, -1]), xy,
    ...                                  np.array([6, 5, 5, -1]), other_xy, 3)]
    [[0, 0, 0, 1, 2], [1, 2, 3, 0, 3]]
    """
    streeted = rows[row_street[rows] >= 0]
    others = np.flatnonzero(other_street >= 0)
    others = others[np.argsort(other_street[others], kind="stable")]
    by_street = other_street[others]
    lo = np.searchsorted(by_street, row_street[streeted], "left")
    count = np.searchsorted(by_street, row_street[streeted], "right") - lo
    start = np.repeat(lo - np.cumsum(count) + count, count)  # each row's run of others
    parts_i = [np.repeat(streeted, count)]
    parts_j = [others[start + np.arange(int(count.sum()))]]
    placed = rows[np.isfinite(row_xy[rows]).all(axis=1)]
    o_placed = np.flatnonzero(np.isfinite(other_xy).all(axis=1))
    if len(placed) and len(o_placed) and radius_km > 0:
        i, j = _within(row_xy[placed], other_xy[o_placed], radius_km * 1.01)
        parts_i.append(placed[i])
        parts_j.append(o_placed[j])
    width = max(len(other_street), 1)
    keys = sorted_unique(np.concatenate(parts_i).astype(np.int64) * width
                     + np.concatenate(parts_j).astype(np.int64))
    return keys // width, keys % width


def _within(a: np.ndarray, b: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of planar points ``a[i]``, ``b[j]`` at most ``radius`` apart,
    sorted by ``i`` then ``j``. The points are binned in a grid of ``radius``-sized cells and
    each point of ``a`` is compared only with the points of ``b`` in its own and the eight
    cells around it, so the work grows with the pairs found, not with ``len(a) * len(b)``
    (no k-d tree, so scipy.spatial is not imported).

    Examples
    --------
    >>> a = np.array([[0.0, 0.0], [10.0, 0.0]])
    >>> b = np.array([[0.0, 3.0], [0.0, 4.0], [10.0, 2.0]])
    >>> [x.tolist() for x in _within(a, b, 3.0)]
    [[0, 1], [0, 2]]
    """
    empty = np.zeros(0, np.int64)
    if not len(a) or not len(b) or not radius > 0:
        return empty, empty
    low = np.minimum(a.min(axis=0), b.min(axis=0))
    # cells counted from 1, with an empty column and row on each side: a neighbour of an
    # occupied cell is never out of the grid, so the nine neighbours are nine distinct cells
    ca = np.floor((a - low) / radius).astype(np.int64) + 1
    cb = np.floor((b - low) / radius).astype(np.int64) + 1
    height = int(max(ca[:, 1].max(), cb[:, 1].max())) + 2
    key_b = cb[:, 0] * height + cb[:, 1]
    order = np.argsort(key_b, kind="stable")
    sorted_keys = key_b[order]
    r2, out_i, out_j = radius * radius, [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            key = (ca[:, 0] + dx) * height + ca[:, 1] + dy
            lo = np.searchsorted(sorted_keys, key, "left")
            count = np.searchsorted(sorted_keys, key, "right") - lo
            i = np.repeat(np.arange(len(a)), count)
            j = order[np.repeat(lo - np.cumsum(count) + count, count)
                      + np.arange(int(count.sum()))]
            near = ((a[i] - b[j]) ** 2).sum(axis=1) <= r2
            out_i.append(i[near])
            out_j.append(j[near])
    i, j = np.concatenate(out_i), np.concatenate(out_j)
    first = np.lexsort((j, i))
    return i[first].astype(np.int64), j[first].astype(np.int64)


def _top(G: RegionalGraph, s: _Sides, cand: dict[str, np.ndarray], k: int, terms: _Terms,
         language: str) -> pd.DataFrame:
    """The ``k`` best candidates of every unit and community, with their reasons (ids,
    names and reasons made for those rows only)."""
    unit, u, c = cand["unit"], cand["u"], cand["c"]
    own_code = np.where(unit, s.unit_codes[u], s.comm_codes[c])
    partner_code = np.where(unit, s.comm_codes[c], s.unit_codes[u])
    distance, score = cand["distance_km"], cand["score"]
    dist_key = np.where(np.isnan(distance), np.inf, distance)
    own = _id_order(G, own_code)
    order = np.lexsort((_id_order(G, partner_code), dist_key, -score, own, ~unit))
    group = (own + (own.max(initial=0) + 1) * ~unit)[order]  # (kind, id), sorted
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)])) + 1
    keep = order[rank <= k]
    top = {col: values[keep] for col, values in cand.items()}
    reasons = _reasons(top, supply=terms.supply, unmet=terms.unmet, language=language)
    return pd.DataFrame({
        "for_kind": texts(~top["unit"], ("unit", "community")),
        "partner_id": ids(G, partner_code[keep]),
        "partner_name": pd.array(node_names(G, partner_code[keep]), dtype="str"),
        "rank": rank[rank <= k].astype(np.int64),
        "score": np.round(score[keep], 4),
        "reason": pd.array(reasons, dtype="str"),
        "distance_km": np.round(distance[keep], 3),
    }, index=pd.Index(ids(G, own_code[keep]), dtype="str", name="id"))


def _id_order(G: RegionalGraph, codes: np.ndarray) -> np.ndarray:
    """Integers in the order of the nodes' ids as text (equal ids equal), for sorting.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> codes = G.ids.get_indexer(["O2", "C3", "O1", "C3"])
    >>> _id_order(G, codes).tolist()
    [2, 0, 1, 0]
    """
    distinct, back = np.unique(codes, return_inverse=True)
    _, rank = np.unique(G.ids[distinct].to_numpy(dtype=str), return_inverse=True)
    return rank.reshape(-1)[back.reshape(-1)]


def _empty() -> pd.DataFrame:
    text = pd.Series(dtype="str")
    return pd.DataFrame({"for_kind": text, "partner_id": text,
                         "partner_name": text, "rank": pd.Series(dtype=np.int64),
                         "score": pd.Series(dtype=np.float64), "reason": text,
                         "distance_km": pd.Series(dtype=np.float64)},
                        index=pd.Index([], dtype="str", name="id"))


def _cat_index(frame: pd.DataFrame) -> np.ndarray:
    """Category codes of a resources/demands frame in :data:`schema.CATEGORY` order (-1
    missing)."""
    if not len(frame):
        return np.zeros(0, np.int64)
    codes = frame["category"].cat.codes.to_numpy().astype(np.int64)
    cats = list(frame["category"].cat.categories)
    remap = np.array([_CATS.index(c) for c in cats] + [-1], dtype=np.int64)
    return remap[np.where(codes >= 0, codes, len(cats))]


def _score(kind: str, pu: np.ndarray, pc: np.ndarray, s: _Sides, t: _Terms, scales: _Scales,
           w: PartnerWeights) -> dict[str, np.ndarray]:
    """Score candidate pairs (unit row ``pu``, community row ``pc``), vectorised: the
    columns of those kept (same street, or within ``radius_km``)."""
    need = t.unmet[pc] > 0
    give = t.supply[pu] > 0
    n_need = need.sum(axis=1)
    matched = (need & give).sum(axis=1)
    complement = np.divide(matched, n_need, out=np.zeros(len(pu)), where=n_need > 0)
    servable = np.minimum(t.supply[pu], t.unmet[pc]).sum(axis=1)
    total = t.unmet[pc].sum(axis=1)
    capacity = np.divide(servable, total, out=np.zeros(len(pu)), where=total > 0)
    dist = _haversine(s.u_lat[pu], s.u_lon[pu], s.c_lat[pc], s.c_lon[pc])
    same_comm = s.u_comm[pu] == s.comm_codes[pc]
    same_street = (s.u_street[pu] == s.c_street[pc]) & (s.u_street[pu] >= 0)
    prox = np.where(np.isnan(dist), np.where(same_comm, 1.0, np.where(same_street, 0.5, 0.0)),
                    np.exp(-np.nan_to_num(dist) / scales.distance_scale_km))
    partner_load = t.c_pairs[pc] if kind == "unit" else t.u_ties[pu]
    free_load = 1.0 - np.minimum(partner_load, scales.max_ties) / max(scales.max_ties, 1)
    former = np.isin(pu * max(len(s.comm_codes), 1) + pc, t.former_keys)
    score = (w.complement * complement + w.capacity * capacity + w.distance * prox
             + w.same_street * same_street + w.load * free_load + w.former * former)
    keep = same_street | (~np.isnan(dist) & (dist <= scales.radius_km))
    columns = {"unit": np.full(len(pu), kind == "unit"), "u": pu, "c": pc, "score": score,
               "distance_km": dist, "complement": complement, "matched": matched,
               "servable": servable, "total": total, "same_comm": same_comm,
               "same_street": same_street, "load": partner_load, "former": former}
    return {col: values[keep] for col, values in columns.items()}


_TEXT = {
    "en": {
        "complement": "complementary: offers {cats} the community needs",
        "capacity": "unused capacity can serve {s:g} of {t:g} unmet",
        "distance": "{d:.1f} km away",
        "same_comm": "same community",
        "same_street": "same street",
        "load": "partner has {n} live ties",
        "former": "former partner (agreement ended)",
        "sep": ", ",
        "join": "; ",
    },
    "zh": {
        "complement": "资源与需求互补: 可提供社区所需的{cats}",
        "capacity": "未用资源可满足{t:g}项未满足需求中的{s:g}项",
        "distance": "相距{d:.1f}公里",
        "same_comm": "同一社区",
        "same_street": "同一街道",
        "load": "对方现有{n}项共建关系",
        "former": "曾经结对(协议已到期)",
        "sep": "、",
        "join": "；",
    },
}


def _reasons(top: Mapping[str, Any], *, supply: np.ndarray, unmet: np.ndarray,
             language: str) -> list[str]:
    """The reasons of the chosen rows (a loop over the output rows only, over plain lists;
    the categories both sides share are named once per distinct set).

    Examples
    --------
    >>> top = pd.DataFrame({"u": [0], "c": [0], "matched": [1], "servable": [2.0],
    ...                     "total": [2.0], "distance_km": [np.nan], "same_comm": [True],
    ...                     "same_street": [True], "load": [0], "former": [False]})
    >>> supply, unmet = np.zeros((1, len(_CATS))), np.zeros((1, len(_CATS)))
    >>> supply[0, 1] = unmet[0, 1] = 2
    >>> _reasons(top, supply=supply, unmet=unmet, language="en")[0].split("; ")
    ['complementary: offers medical the community needs', 'unused capacity can serve 2 of 2 \
unmet', 'same community', 'same street', 'partner has 0 live ties']
    """
    text = _TEXT[language]
    names = _CATS if language == "en" else [schema.CATEGORY.zh(c) for c in _CATS]
    both = (supply[np.asarray(top["u"])] > 0) & (unmet[np.asarray(top["c"])] > 0)
    sets = both.astype(np.int64) @ (1 << np.arange(len(_CATS), dtype=np.int64))
    shared = {k: text["complement"].format(cats=text["sep"].join(
        names[j] for j in range(len(_CATS)) if k >> j & 1)) for k in set(sets.tolist())}
    columns = [top[c].tolist() for c in ("matched", "servable", "total", "distance_km",
                                         "same_comm", "same_street", "load", "former")]
    out = []
    for k, (matched, servable, total, km, same_comm, same_street, load,
            former) in zip(sets.tolist(), zip(*columns, strict=True), strict=True):
        parts = [shared[k]] if matched else []
        if servable:
            parts.append(text["capacity"].format(s=servable, t=total))
        if not np.isnan(km):
            parts.append(text["distance"].format(d=km))
        if same_comm:
            parts.append(text["same_comm"])
        if same_street:
            parts.append(text["same_street"])
        parts.append(text["load"].format(n=int(load)))
        if former:
            parts.append(text["former"])
        out.append(text["join"].join(parts))
    return out
