"""Joint-branch proposals against a second implementation of their rules.

:func:`regional_graph.analysis.coverage.joint_branch_proposals` computes every distance at
once with NumPy and runs the greedy grouping over plain lists. :class:`Reference` below reads
the rules of its docstring straight off the input tables (dicts and ``math``, one candidate
at a time, no graph arrays) and must give the same proposal, action, distance and reason for
every candidate of random small districts: several streets and communities, clustered
coordinates (some missing), existing joint branches near their size limit, organisations
without an area.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.analysis import coverage
from regional_graph.analysis._common import MISSING_INDUSTRY
from regional_graph.geo import haversine_km

INDUSTRIES = ["餐饮", "商贸", "物流", "软件", "金融", "建筑", "律师", None]
DAY = "2026-06-30"


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km between two (lat, lon), NaN when one is unknown."""
    return float(haversine_km(np.float64(a[0]), np.float64(a[1]), np.array([b[0]]),
                              np.array([b[1]]))[0])


def random_tables(seed: int) -> dict[str, pd.DataFrame]:
    """A district of 1-3 streets with 1-3 communities each, 15-70 organisations (20 % or
    60 % of them without lat/lon)."""
    rng = np.random.default_rng(seed)
    unplaced = (0.2, 0.6)[seed // 4 % 2]  # share of organisations without lat/lon
    areas = [("D", "区", "district", None)]
    comms = []
    for s in range(int(rng.integers(1, 4))):
        areas.append((f"S{s}", f"街道{s}", "street", "D"))
        for c in range(int(rng.integers(1, 4))):
            comms.append(f"C{s}{c}")
            areas.append((f"C{s}{c}", f"社区{s}{c}", "community", f"S{s}"))
    centre = {c: (37.5 + rng.normal(0, 0.03), 121.4 + rng.normal(0, 0.03)) for c in comms}
    pos = [("PD", "区委", "district_committee", None, "D")]
    for b in range(int(rng.integers(0, 6))):
        pos.append((f"J{b:02d}", f"联合支部{b}", "joint_branch", "PD",
                    str(rng.choice(comms))))
    orgs, links = [], []
    for i in range(int(rng.integers(15, 70))):
        comm = str(rng.choice(comms)) if rng.random() > 0.05 else None
        lat = lon = None
        if comm is not None and rng.random() > unplaced:
            lat = centre[comm][0] + rng.normal(0, 0.015)
            lon = centre[comm][1] + rng.normal(0, 0.015)
        kind = "enterprise" if rng.random() > 0.15 else "social_org"
        pm = int(rng.choice([0, 1, 1, 1, 2, 2, 3]))
        orgs.append((f"O{i:02d}", f"单位{i}", kind, INDUSTRIES[int(rng.integers(0, 8))], comm,
                     pm, lat, lon))
        joint = [p[0] for p in pos if p[2] == "joint_branch"]
        if joint and rng.random() < 0.35:
            links.append((f"O{i:02d}", str(rng.choice(joint)), "covered_by"))
    str_frame = lambda cols, rows: pd.DataFrame(  # noqa: E731
        [[None if v is None else str(v) for v in r] for r in rows], columns=cols, dtype="str")
    return {
        "areas": str_frame(["id", "name", "level", "parent_id"], areas),
        "party_orgs": str_frame(["id", "name", "level", "parent_id", "area_id"], pos),
        "organizations": str_frame(["id", "name", "kind", "industry", "area_id",
                                    "party_members", "lat", "lon"], orgs),
        "links": str_frame(["source_id", "target_id", "type"], links),
    }


class Reference:
    """The proposals by the docstring's rules, read off the tables (``run()``: candidate id
    → (proposal, action, distance_km, reason))."""

    def __init__(self, tables: dict[str, pd.DataFrame], *, max_orgs: int = 5,
                 min_members: int = 3, max_km: float = 5.0, language: str = "en") -> None:
        self.max_orgs, self.min_members, self.max_km = max_orgs, min_members, max_km
        self.text = coverage._PROPOSAL_TEXT[language]
        self.areas = areas = tables["areas"].set_index("id")
        self.area_pos = {a: i for i, a in enumerate(areas.index)}
        self.orgs = orgs = tables["organizations"].set_index("id")
        self.sector = {o: (coverage.DEFAULT_RELATED_INDUSTRIES.get(i, i) if isinstance(i, str)
                           else MISSING_INDUSTRY) for o, i in orgs["industry"].items()}
        self.pm = {o: float(v) for o, v in orgs["party_members"].items()}
        self.where = {o: (float(r.lat), float(r.lon)) if isinstance(r.lat, str)
                      else (math.nan, math.nan) for o, r in orgs.iterrows()}
        self.comm = {o: a if isinstance(a, str) else None for o, a in orgs["area_id"].items()}
        self.street = {o: areas.loc[c, "parent_id"] if c else None for o, c in self.comm.items()}
        covered_by: dict[str, list[str]] = {}
        for src, tgt in zip(tables["links"]["source_id"], tables["links"]["target_id"],
                            strict=True):
            covered_by.setdefault(tgt, []).append(src)
        covered = {o for v in covered_by.values() for o in v}
        self.cand = [o for o in orgs.index if o not in covered
                     and 1 <= self.pm[o] < min_members]
        po = tables["party_orgs"].set_index("id")
        self.branches = {b: self._branch(row, covered_by.get(b, []))
                         for b, row in po[po["level"] == "joint_branch"].iterrows()}
        self.out: dict[str, list[Any]] = {o: [None, None, math.nan, None] for o in self.cand}
        self.counter = 0

    def _branch(self, row: pd.Series, members: list[str]) -> dict[str, Any]:
        placed = [self.where[o] for o in members if not math.isnan(self.where[o][0])]
        centre = (sum(p[0] for p in placed) / len(placed), sum(p[1] for p in placed)
                  / len(placed)) if placed else (math.nan, math.nan)
        return {"name": row["name"], "comm": row["area_id"],
                "street": self.areas.loc[row["area_id"], "parent_id"], "centre": centre,
                "size": len(members), "sectors": {self.sector[o] for o in members}}

    def run(self) -> dict[str, tuple[Any, ...]]:
        streets = sorted({self.street[o] for o in self.cand},
                         key=lambda s: self.area_pos.get(s, -1))
        for s in streets:
            pool = [o for o in self.cand if self.street[o] == s]
            name = self.areas.loc[s, "name"] if s else None
            place = self.text["street"].format(s=name) if s else self.text["no_street"]
            rest = [o for o in pool if not self.join(o, True, name)]
            groups = []
            for sec in sorted({self.sector[o] for o in rest}):
                groups += self.new_branches([o for o in rest if self.sector[o] == sec], pool,
                                            sec, name, place)
            for g in groups:
                self.name_group(g, place)
        return {o: tuple(v) for o, v in self.out.items()}

    def join(self, o: str, same_only: bool, street_name: Any) -> bool:
        best = None
        for b, br in self.branches.items():
            same = self.comm[o] is not None and br["comm"] == self.comm[o]
            if br["street"] != self.street[o] or (same_only and not same):
                continue
            d = _km(self.where[o], br["centre"])
            related = self.sector[o] in br["sectors"]
            if ((related or not br["sectors"]) and (math.isnan(d) or d <= self.max_km)
                    and br["size"] < self.max_orgs):
                option = ((not same, not related, math.inf if math.isnan(d) else d, b),
                          b, d, same, related)
                best = option if best is None else min(best, option)
        if best is None:
            return False
        _, b, d, same, related = best
        br, t = self.branches[b], self.text
        place = (t["same_comm"].format(c=self.areas.loc[self.comm[o], "name"]) if same
                 else t["same_street"].format(s=street_name))
        then = t["join_rather"] if same else t["join_instead"].format(sector=self.sector[o])
        reason = t["join"].format(
            id=b, name=br["name"], where=place,
            km="" if math.isnan(d) else t["km_away"].format(km=d), size=br["size"],
            max=self.max_orgs, ind=t["related"] if related else t["other"],
            inds=t["sep"].join(sorted(br["sectors"])) or t["none_yet"], then=then)
        self.out[o] = [b, "join existing", d, reason]
        br["size"] += 1
        br["sectors"].add(self.sector[o])
        return True

    def new_branches(self, todo: list[str], pool: list[str], sec: str, street_name: Any,
                     place: str) -> list[list[str]]:
        groups, short, totals = self.seed_groups(todo)
        for o in short:
            options = []
            for k, g in enumerate(groups):
                d = _km(self.where[o], self.where[g[0]])
                if not d > self.max_km:
                    options.append((math.inf if math.isnan(d) else d,
                                    self.comm[g[0]] != self.comm[o], k, d,
                                    len(g) < self.max_orgs))
            room = [x for x in options if x[4]]
            if room:
                _, _, k, d, _ = min(room)
                groups[k].append(o)
                self.out[o][2] = d
            elif not self.join(o, False, street_name):
                self.cannot(o, pool, sec, place, totals[o], bool(options))
        return groups

    def seed_groups(self, todo: list[str]) -> tuple[list[list[str]], list[str], dict]:
        pm, comm = self.pm, self.comm
        todo = sorted(todo, key=lambda o: (-pm[o], self.area_pos.get(comm[o], -1), o))
        free, groups, short, totals = list(todo), [], [], {}
        for seed in todo:
            if seed not in free:
                continue
            free.remove(seed)
            dist = {o: _km(self.where[seed], self.where[o]) for o in free}
            near = sorted((o for o in free if not dist[o] > self.max_km), key=lambda o: (
                math.isnan(dist[o]), math.inf if math.isnan(dist[o]) else dist[o],
                comm[o] != comm[seed], o))
            group, total = [seed], pm[seed]
            for o in near:
                if total >= self.min_members or len(group) >= self.max_orgs:
                    break
                group.append(o)
                total += pm[o]
                self.out[o][2] = dist[o]
                free.remove(o)
            if total >= self.min_members:
                self.out[seed][2] = 0.0
                groups.append(group)
            else:
                short += group
                totals.update(dict.fromkeys(group, (len(group), int(total))))
        return groups, short, totals

    def cannot(self, o: str, pool: list[str], sec: str, place: str, group: tuple[int, int],
               adjacent: bool) -> None:
        (n_group, total), t = group, self.text
        others = sum(self.sector[p] == sec for p in pool) - 1
        if adjacent:
            why = t["full"].format(sector=sec, where=place, max=self.max_orgs,
                                   max_km=self.max_km)
        elif n_group == 1 and others == 0:
            why = t["alone"].format(sector=sec, where=place)
        elif n_group == 1:
            why = t["alone_far"].format(sector=sec, where=place, others=others,
                                        max_km=self.max_km)
        else:
            why = t["too_few"].format(n=n_group, sector=sec, where=place, total=total,
                                      need=self.min_members, max_km=self.max_km)
        self.out[o] = [None, "cannot group", math.nan, why]

    def name_group(self, g: list[str], place: str) -> None:
        self.counter += 1
        pid, t = f"P{self.counter:03d}", self.text
        industry = self.orgs["industry"]
        inds = t["sep"].join(dict.fromkeys(
            industry[o] if isinstance(industry[o], str) else MISSING_INDUSTRY for o in g))
        names = {self.areas.loc[self.comm[o], "name"] if self.comm[o] else None for o in g}
        known = [self.out[o][2] for o in g[1:] if not math.isnan(self.out[o][2])]
        why = t["new"].format(
            pid=pid, where=place, n=len(g), ids=t["sep"].join(g),
            members=int(sum(self.pm[o] for o in g)), min=self.min_members, inds=inds,
            sector=self.sector[g[0]], geo=t["geo_comm"] if len(names) == 1 else t["geo_street"],
            km=t["within"].format(km=max(known), first=g[0]) if known else "")
        for o in g:
            self.out[o][0], self.out[o][1], self.out[o][3] = pid, "new joint branch", why


#: The limits tried (one per district, in turn): the defaults, tight ones, Chinese reasons.
VARIANTS: list[dict[str, Any]] = [{}, {"max_orgs": 3, "max_km": 2.0},
                                  {"min_members": 2, "language": "zh"}, {"max_orgs": 2}]
SEEDS = range(32)


@pytest.mark.parametrize("seed", SEEDS)
def test_proposals_equal_a_second_implementation(seed: int) -> None:
    tables, kw = random_tables(seed), VARIANTS[seed % len(VARIANTS)]
    got = coverage.joint_branch_proposals(rg.build.graph_from_tables(tables), as_of=DAY, **kw)
    want = Reference(tables, **kw).run()
    assert sorted(got.index) == sorted(want)
    for o, (proposal, action, km, reason) in want.items():
        row = got.loc[o]
        assert (row["proposal"] if isinstance(row["proposal"], str) else None) == proposal, o
        assert row["action"] == action, o
        assert row["reason"] == reason, o
        if math.isnan(km):
            assert math.isnan(row["distance_km"]), o
        else:
            assert row["distance_km"] == pytest.approx(round(km, 3), abs=1e-9), o


def test_the_random_districts_reach_every_case() -> None:
    """The districts above exercise every action and every reason (English ones checked)."""
    seen: set[str] = set()
    for seed in SEEDS:
        kw = VARIANTS[seed % len(VARIANTS)]
        p = Reference(random_tables(seed), **kw).run()
        seen |= {v[1] for v in p.values()}
        for v in p.values() if kw.get("language", "en") == "en" else ():
            for key in ("full", "alone", "alone_far", "too_few"):
                stem = coverage._PROPOSAL_TEXT["en"][key].split("{")[0]
                if v[1] == "cannot group" and v[3].startswith(stem):
                    seen.add(key)
            if v[1] == "join existing":
                seen.add("same community" if "same community" in v[3] else "same street")
    assert seen >= {"join existing", "new joint branch", "cannot group", "full", "alone",
                    "alone_far", "too_few", "same community", "same street"}, seen
