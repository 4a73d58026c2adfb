"""Shared by the matcher and the dispatcher (private to :mod:`regional_graph.matching`): where
resources, demands and orders are, which (resource, demand) pairs are candidates and what each
one costs under :class:`~regional_graph.matching.weights.MatchWeights`.

Everything is vectorised over arrays of node codes; a :class:`Side` holds one side's arrays,
a :class:`Pairs` the priced pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..geo import EARTH_RADIUS_KM, haversine_km, unit_sphere
from ..graph import RegionalGraph, live_mask
from ..schema import Label, RelType
from .weights import TIERS, TIERS_ZH, MatchWeights

# --------------------------------------------------------------------------------------------
# locations, areas and ties of a graph
# --------------------------------------------------------------------------------------------


@dataclass
class Side:
    """Per-row arrays of one side (resources, or demands/orders)."""

    cat: np.ndarray  # category code (position in CATEGORY.codes)
    community: np.ndarray  # area codes, -1 unknown
    street: np.ndarray
    district: np.ndarray
    lat: np.ndarray  # nan when unknown
    lon: np.ndarray
    key: np.ndarray  # tie key: unit code (resources) or community code (demands)


class Places:
    """Where things are in a graph: areas, coordinates and live pair ties (vectorised)."""

    def __init__(self, G: RegionalGraph, as_of: np.datetime64) -> None:
        self.G = G
        n = G.number_of_nodes()
        self.area_of = G.area_of()
        host = G.links(RelType.HOSTED_BY, state="any")
        self.host_of = np.arange(n, dtype=np.int64)
        self.host_of[host.source] = host.target
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)
        orgs = G.nodes[Label.ORGANIZATION]
        rng = G.label_range(Label.ORGANIZATION)
        if len(orgs):
            self.lat[rng] = orgs["lat"].to_numpy(dtype=float, na_value=np.nan)
            self.lon[rng] = orgs["lon"].to_numpy(dtype=float, na_value=np.nan)
        # a Party org is where its host organisation is
        po = np.arange(G.label_range(Label.PARTY_ORG).start, G.label_range(Label.PARTY_ORG).stop)
        self.lat[po] = self.lat[self.host_of[po]]
        self.lon[po] = self.lon[self.host_of[po]]
        # community centroids: mean of the located organisations of the community
        comm = self.community(np.arange(rng.start, rng.stop))
        ok = (comm >= 0) & np.isfinite(self.lat[rng]) & np.isfinite(self.lon[rng])
        cnt = np.bincount(comm[ok], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.c_lat = np.bincount(comm[ok], weights=self.lat[rng][ok], minlength=n) / cnt
            self.c_lon = np.bincount(comm[ok], weights=self.lon[rng][ok], minlength=n) / cnt
        self.ties = self._ties(as_of)

    def community(self, codes: np.ndarray) -> np.ndarray:
        """Community code of the area of each node (-1 when none)."""
        area = self.area_of[codes]
        out = np.full(len(codes), -1, dtype=np.int64)
        ok = area >= 0
        out[ok] = self.G.ancestor_at(area[ok], "community")
        return out

    def levels(self, area: np.ndarray, level: str) -> np.ndarray:
        out = np.full(len(area), -1, dtype=np.int64)
        ok = area >= 0
        out[ok] = self.G.ancestor_at(area[ok], level)
        return out

    def _ties(self, as_of: np.datetime64) -> pd.DataFrame:
        """Live ``paired_with`` ties as (unit code, community code) → earliest start."""
        G = self.G
        every = G.links(RelType.PAIRED_WITH, state="any")  # the recorded dates, as before
        e = every.select(live_mask(every.start, every.end, as_of))
        src = self.host_of[e.source]
        tgt = e.target
        comm = np.full(len(tgt), -1, dtype=np.int64)
        levels = G.area_levels()
        is_area = levels[tgt] == "community"
        comm[is_area] = tgt[is_area]
        po = G.label_range(Label.PARTY_ORG)
        in_po = (tgt >= po.start) & (tgt < po.stop)
        if in_po.any():
            po_level = G.nodes[Label.PARTY_ORG]["level"].astype(str).to_numpy(dtype=object)
            cc = np.zeros(len(tgt), dtype=bool)
            cc[in_po] = po_level[tgt[in_po] - po.start] == "community_committee"
            comm[cc] = self.community(tgt[cc])
        keep = comm >= 0
        out = pd.DataFrame({"unit": src[keep], "community": comm[keep],
                            "since": e.start[keep]})
        return out.groupby(["unit", "community"], as_index=False)["since"].min()

    def side(self, cat: np.ndarray, area: np.ndarray, lat: np.ndarray, lon: np.ndarray,
             key: np.ndarray) -> Side:
        return Side(cat=cat.astype(np.int64), community=self.levels(area, "community"),
                     street=self.levels(area, "street"), district=self.levels(area, "district"),
                     lat=lat, lon=lon, key=key.astype(np.int64))

    def resources(self) -> Side:
        """Resources: located at their provider; their area is the provider's (else their own)."""
        G = self.G
        frame = G.nodes[Label.RESOURCE]
        rng = G.label_range(Label.RESOURCE)
        provider = G.resolved(Label.RESOURCE, "provider_id")
        area = np.where(provider >= 0, self.area_of[np.maximum(provider, 0)], -1)
        own = self.area_of[np.arange(rng.start, rng.stop)]
        area = np.where(area >= 0, area, own)
        safe = np.maximum(provider, 0)
        lat = np.where(provider >= 0, self.lat[safe], np.nan)
        lon = np.where(provider >= 0, self.lon[safe], np.nan)
        unit = np.where(provider >= 0, self.host_of[safe], -1)
        return self.side(frame["category"].cat.codes.to_numpy(), area, lat, lon, unit)

    def at_communities(self, cat: np.ndarray, area: np.ndarray) -> Side:
        """Demands (or orders) at an area: located at the centroid of its community."""
        side = self.side(cat, area, np.full(len(area), np.nan), np.full(len(area), np.nan),
                         np.zeros(len(area)))
        c = side.community
        ok = c >= 0
        side.lat[ok] = self.c_lat[c[ok]]
        side.lon[ok] = self.c_lon[c[ok]]
        side.key = c
        return side

    def demands(self) -> Side:
        """Demands: at the requester's community (else the demand's own area)."""
        G = self.G
        frame = G.nodes[Label.DEMAND]
        rng = G.label_range(Label.DEMAND)
        requester = G.resolved(Label.DEMAND, "requester_id")
        area = np.where(requester >= 0, self.area_of[np.maximum(requester, 0)], -1)
        own = self.area_of[np.arange(rng.start, rng.stop)]
        # prefer the requester's community; fall back on the demand's own area
        req_comm = self.levels(area, "community")
        area = np.where(req_comm >= 0, area, np.where(own >= 0, own, area))
        return self.at_communities(frame["category"].cat.codes.to_numpy(), area)


# --------------------------------------------------------------------------------------------
# admissible pairs
# --------------------------------------------------------------------------------------------


def block_pairs(rkey: np.ndarray, dkey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (r, d) with ``rkey[r] == dkey[d] >= 0`` (a sparse block product)."""
    r = pd.DataFrame({"k": rkey, "r": np.arange(len(rkey))})
    d = pd.DataFrame({"k": dkey, "d": np.arange(len(dkey))})
    m = r[r["k"] >= 0].merge(d[d["k"] >= 0], on="k", how="inner")
    return m["r"].to_numpy(np.int64), m["d"].to_numpy(np.int64)


def knn_pairs(res: Side, dem: Side, k: int,
               max_km: float | None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest located same-category resources of each located demand."""
    from scipy.spatial import cKDTree

    rs, ds = [], []
    r_ok = np.isfinite(res.lat) & np.isfinite(res.lon)
    d_ok = np.isfinite(dem.lat) & np.isfinite(dem.lon)
    bound = np.inf if max_km is None else 2 * np.sin(min(max_km / EARTH_RADIUS_KM, np.pi) / 2)
    for c in np.intersect1d(res.cat[r_ok], dem.cat[d_ok]):
        r_idx = np.flatnonzero(r_ok & (res.cat == c))
        d_idx = np.flatnonzero(d_ok & (dem.cat == c))
        kk = min(k, r_idx.size)
        tree = cKDTree(unit_sphere(res.lat[r_idx], res.lon[r_idx]))
        _, nn = tree.query(unit_sphere(dem.lat[d_idx], dem.lon[d_idx]), k=kk,
                              distance_upper_bound=bound * (1 + 1e-9) if np.isfinite(bound)
                              else np.inf)
        nn = nn.reshape(d_idx.size, kk)
        found = nn < r_idx.size
        rs.append(r_idx[nn[found]])
        ds.append(np.repeat(d_idx, kk).reshape(d_idx.size, kk)[found])
    if not rs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rs).astype(np.int64), np.concatenate(ds).astype(np.int64)


@dataclass
class Pairs:
    r: np.ndarray
    d: np.ndarray
    tier: np.ndarray  # index into TIERS
    km: np.ndarray  # great-circle km, nan when not both located
    eff_km: np.ndarray  # km or the tier's assumed km
    tie: np.ndarray
    since: np.ndarray
    cost: np.ndarray

    def take(self, mask: np.ndarray) -> Pairs:
        return Pairs(**{k: v[mask] for k, v in vars(self).items()})


def candidate_pairs(res: Side, dem: Side, ties: pd.DataFrame,
                     weights: MatchWeights, max_km: float | None) -> Pairs:
    """Admissible-pair candidates (before the distance limit and exclusions), with costs."""
    n_cat = len(schema.CATEGORY.codes)
    parts_r, parts_d = [], []
    # 1. same category, same district, one side without coordinates (located pairs come
    #    from the KD-tree; pricing adds whatever else the optimum needs)
    r_k = np.where(res.district >= 0, res.district * n_cat + res.cat, -1)
    d_k = np.where(dem.district >= 0, dem.district * n_cat + dem.cat, -1)
    r_geo = np.isfinite(res.lat) & np.isfinite(res.lon)
    d_geo = np.isfinite(dem.lat) & np.isfinite(dem.lon)
    for rk, dk in ((np.where(r_geo, -1, r_k), d_k), (r_k, np.where(d_geo, -1, d_k))):
        r, d = block_pairs(rk, dk)
        parts_r.append(r)
        parts_d.append(d)
    # 2. k nearest of the category (KD-tree)
    if weights.k_nearest:
        r, d = knn_pairs(res, dem, weights.k_nearest, max_km)
        parts_r.append(r)
        parts_d.append(d)
    # 3. existing ties
    if len(ties):
        tr = pd.DataFrame({"unit": res.key, "cat": res.cat, "r": np.arange(len(res.cat))})
        td = pd.DataFrame({"community": dem.key, "cat": dem.cat, "d": np.arange(len(dem.cat))})
        m = tr.merge(ties[["unit", "community"]], on="unit").merge(td, on=["community", "cat"])
        parts_r.append(m["r"].to_numpy(np.int64))
        parts_d.append(m["d"].to_numpy(np.int64))
    n_res, n_dem = len(res.cat), len(dem.cat)
    key = np.unique(np.concatenate(parts_r) * max(n_dem, 1) + np.concatenate(parts_d))
    # 4. fallback: demands with no candidate get the first k resources of their category
    has = np.zeros(n_dem, dtype=bool)
    has[key % max(n_dem, 1)] = True
    lonely = np.flatnonzero(~has)
    if lonely.size and n_res and weights.k_nearest:
        order = np.argsort(res.cat, kind="stable")
        first = np.searchsorted(res.cat[order], dem.cat[lonely])
        last = np.searchsorted(res.cat[order], dem.cat[lonely], side="right")
        take = np.minimum(last - first, weights.k_nearest)
        rows = np.repeat(lonely, take)
        offs = np.arange(take.sum()) - np.repeat(np.cumsum(take) - take, take)
        cols = order[np.repeat(first, take) + offs]
        key = np.union1d(key, cols.astype(np.int64) * max(n_dem, 1) + rows)
    r, d = key // max(n_dem, 1), key % max(n_dem, 1)
    return price(res, dem, ties, weights, r, d)


PRICING_CHUNK = 2_000_000  # pairs priced at once (memory bound of the dense check)


def category_blocks(res: Side, dem: Side, weights: MatchWeights, r_ok: np.ndarray,
                     d_ok: np.ndarray) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Every same-category pair (``r_ok`` resources × ``d_ok`` demands) as dense blocks
    ``(r_idx, d_idx, eff_km)`` with ``eff_km[i, j]`` the pair's effective km (great-circle
    from a dot product of unit vectors — within about a metre of :func:`price`'s
    haversine — or the tier's assumed km). Blocks hold at most ``PRICING_CHUNK`` pairs."""
    r_xyz = unit_sphere(res.lat, res.lon)
    d_xyz = unit_sphere(dem.lat, dem.lon)
    for c in np.intersect1d(res.cat[r_ok], dem.cat[d_ok]):
        r_idx = np.flatnonzero(r_ok & (res.cat == c))
        d_all = np.flatnonzero(d_ok & (dem.cat == c))
        step = max(1, PRICING_CHUNK // max(r_idx.size, 1))
        for i in range(0, d_all.size, step):
            d_idx = d_all[i:i + step]
            dot = d_xyz[d_idx] @ r_xyz[r_idx].T
            chord = np.sqrt(np.clip(2.0 - 2.0 * dot, 0.0, 4.0))
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0))
            unknown = np.isnan(km)
            if unknown.any():
                rc, rs, rd = (res.community[r_idx], res.street[r_idx], res.district[r_idx])
                dc, ds, dd = (dem.community[d_idx, None], dem.street[d_idx, None],
                              dem.district[d_idx, None])
                tier = np.select([(rc >= 0) & (rc == dc), (rs >= 0) & (rs == ds),
                                  (rd >= 0) & (rd == dd)], [0, 1, 2], 3)
                km = np.where(unknown, weights.tier_km[tier], km)
            yield r_idx, d_idx, km


def price(res: Side, dem: Side, ties: pd.DataFrame, weights: MatchWeights,
           r: np.ndarray, d: np.ndarray) -> Pairs:
    """Tier, distance, existing tie and unit cost of the pairs ``(r[i], d[i])``."""
    same_c = (res.community[r] >= 0) & (res.community[r] == dem.community[d])
    same_s = (res.street[r] >= 0) & (res.street[r] == dem.street[d])
    same_d = (res.district[r] >= 0) & (res.district[r] == dem.district[d])
    tier = np.select([same_c, same_s, same_d], [0, 1, 2], 3)
    km = haversine_km(res.lat[r], res.lon[r], dem.lat[d], dem.lon[d])
    eff_km = np.where(np.isfinite(km), km, weights.tier_km[tier])
    tie = np.zeros(len(r), dtype=bool)
    since = np.full(len(r), np.datetime64("NaT"), dtype="datetime64[s]")
    if len(ties) and len(r):
        pk = pd.MultiIndex.from_arrays([res.key[r], dem.key[d]])
        tk = pd.MultiIndex.from_frame(ties[["unit", "community"]])
        pos = tk.get_indexer(pk)
        tie = pos >= 0
        since[tie] = ties["since"].to_numpy(dtype="datetime64[s]")[pos[tie]]
    cost = (weights.base + weights.per_km * eff_km) * np.where(tie, weights.tie_factor, 1.0)
    return Pairs(r=r, d=d, tier=tier, km=km, eff_km=eff_km, tie=tie, since=since, cost=cost)


def pair_reasons(p: Pairs) -> tuple[pd.Series, pd.Series]:
    """English and Chinese explanation of each pair."""
    tier_en = pd.Series(np.asarray(TIERS, dtype=object)[p.tier], dtype="str")
    tier_zh = pd.Series(np.asarray(TIERS_ZH, dtype=object)[p.tier], dtype="str")
    since = pd.Series(p.since).dt.strftime("%Y-%m-%d")
    tie_en = pd.Series(np.where(p.tie, "; existing pair", ""), dtype="str")
    tie_en = tie_en + np.where(p.tie & since.notna(), " since " + since.fillna(""), "")
    tie_zh = pd.Series(np.where(p.tie, "；已结对", ""), dtype="str")
    tie_zh = tie_zh + np.where(p.tie & since.notna(), "（自" + since.fillna("") + "）", "")
    located = np.isfinite(p.km)
    km_text = pd.Series(np.round(p.eff_km, 1), dtype=float).map("{:.1f}".format).astype("str")
    dist_en = np.where(located, "; " + km_text + " km",
                       "; ~" + km_text + " km assumed (no coordinates)")
    dist_zh = np.where(located, "；" + km_text + "公里", "；约" + km_text + "公里（无坐标）")
    return tier_en + tie_en + dist_en, tier_zh + tie_zh + dist_zh


def name_of(names: np.ndarray, codes: np.ndarray) -> np.ndarray:
    out = np.full(len(codes), None, dtype=object)
    ok = codes >= 0
    out[ok] = names[codes[ok]]
    return out
