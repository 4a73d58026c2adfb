"""A deterministic generator of realistic synthetic districts, cities and provinces.

The bundled sample district (``data/sample_district/``) is ``generate_tables("district")``;
``"city"`` (~300k nodes, ~1M relationships) and ``"province"`` (~3M nodes, ~10M relationships)
are made on the fly for benchmarks and never written to the repository. Every name is
invented: place names are drawn from syllables, people from a surname list, phones and ID
numbers are random digits.

The shape follows the Zhifu figures in ``DOMAIN.md``: 13 streets and 116 communities, each
community with grids and buildings and the matching Party hierarchy (street committee →
community committee → grid branch → building group); about a hundred resident units with
their unit Party orgs; a few hundred enterprises and social organisations with independent
and joint branches; pairs, part-time members, joint-conference members, resources, demands,
activities and a small members table with fake personal fields. Every situation the analyses
look for is present: uncovered organisations (no link, only an expired link), should-build
cases, isolated units (never tied, only expired ties), a unit tied only through the Party org
it hosts, expired, expiring and dormant ties, unpaired communities, and demands no resource
can meet.

Examples
--------
>>> tables = generate_tables("district", seed=7)
>>> len(tables["areas"][tables["areas"]["level"] == "community"])
116
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..io import Tables
from . import REFERENCE_DATE

_FIRST = list("东西南北新海山港湖明安和兴福华平康青云松")
_SECOND = list("岚泽阳宁川桥园苑湾丰源林泉台城岭滨盛翠霞")
_WORDS = ["鑫达", "恒通", "瑞丰", "嘉禾", "新创", "博远", "汇成", "宏业", "润泽", "锦程",
          "华信", "长青", "志诚", "盛世", "海纳", "启航", "众联", "同心", "普惠", "德润"]
_INDUSTRIES = ["商贸", "餐饮", "物流", "信息技术", "建筑", "制造", "金融", "文化传媒",
               "教育培训", "医疗健康", "家政服务", "社会服务"]
_ENTERPRISE_SUFFIX = {
    "商贸": "商贸有限公司", "餐饮": "餐饮管理有限公司", "物流": "物流有限公司",
    "信息技术": "信息技术有限公司", "建筑": "建筑工程有限公司", "制造": "机械制造有限公司",
    "金融": "投资咨询有限公司", "文化传媒": "文化传媒有限公司", "教育培训": "培训学校",
    "医疗健康": "健康管理有限公司", "家政服务": "家政服务有限公司", "社会服务": "社工服务中心",
}
_SOCIAL_SUFFIX = ["志愿者协会", "社会工作服务中心", "养老服务中心", "文体协会", "慈善会",
                  "调解服务中心"]
_UNIT_TEMPLATES = {
    "agency": ["{p}区税务局", "{p}区市场监督管理局", "{p}区人力资源和社会保障局", "{p}区司法局"],
    "school": ["{p}第{n}中学", "{p}第{n}小学", "{p}职业技术学院"],
    "hospital": ["{p}区人民医院", "{p}中医医院", "{p}妇幼保健院", "{p}第{n}人民医院"],
    "soe": ["{p}供电公司", "{p}自来水公司", "{p}港务集团", "{p}燃气公司"],
    "institute": ["{p}海洋研究所", "{p}农业科学研究院"],
    "military": ["武警{p}中队", "{p}消防救援站"],
    "public_institution": ["{p}图书馆", "{p}文化馆", "{p}公证处", "{p}疾病预防控制中心"],
}
_UNIT_KIND_WEIGHTS = {"agency": 0.25, "school": 0.2, "hospital": 0.12, "soe": 0.18,
                      "institute": 0.07, "military": 0.05, "public_institution": 0.13}
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
_GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文")
_RESOURCE_CATEGORIES = ["venue", "medical", "legal", "education", "culture_sports",
                        "elderly_care", "volunteer", "funds", "employment", "safety"]
_DEMAND_CATEGORIES = [*_RESOURCE_CATEGORIES, "childcare", "property"]  # last two: scarce/none
_CENTRE = (37.52, 121.39)
_EMPTY = np.array(None, dtype=object)  # an empty cell, for np.where


@dataclass(frozen=True)
class Scale:
    """Sizes of a generated dataset (per-community figures are averages).

    Examples
    --------
    >>> import dataclasses
    >>> tiny = dataclasses.replace(SCALES["district"], streets_per_district=2,
    ...                            communities_per_street=3.0)
    >>> tables = generate_tables(tiny, seed=1)
    >>> int((tables["areas"]["level"] == "street").sum())
    2
    """

    districts: int
    streets_per_district: int
    communities_per_street: float
    grids_per_community: int
    buildings_per_grid: int
    resident_units_per_community: float
    two_new_per_community: float
    members_per_community: float
    resources_per_community: float
    demands_per_community: float
    report_years: int
    orders_per_community: float = 3.0


SCALES: dict[str, Scale] = {
    # Zhifu: 13 streets, 116 communities, ~100 linked units
    "district": Scale(1, 13, 116 / 13, 6, 2, 0.9, 4.0, 5.0, 2.2, 3.0, 1),
    "city": Scale(10, 12, 10.0, 8, 2, 3.0, 40.0, 120.0, 3.0, 4.0, 5),
    "province": Scale(100, 12, 10.0, 8, 2, 3.0, 40.0, 120.0, 3.0, 4.0, 5),
}


def generate_tables(scale: str | Scale = "district", *, seed: int = 0) -> Tables:
    """Generate raw template tables (all cells text, English headers).

    Parameters
    ----------
    scale
        ``"district"`` (the sample, ~6k nodes), ``"city"`` (~300k nodes, ~1M relationships),
        ``"province"`` (~3M nodes, ~10M relationships) or a :class:`Scale`.
    seed
        Random seed; the same seed gives the same tables.

    Examples
    --------
    >>> import regional_graph as rg
    >>> tables = generate_tables("district", seed=1)
    >>> list(tables)[:4], {str(dtype) for df in tables.values() for dtype in df.dtypes}
    (['areas', 'party_orgs', 'organizations', 'resources'], {'str'})
    >>> levels = tables["areas"]["level"].value_counts()  # SCALES: 6 grids a community, 2 …
    >>> levels[["district", "street", "community", "grid", "building"]].tolist()  # … a grid
    [1, 13, 116, 696, 1392]
    >>> same, other = generate_tables("district", seed=1), generate_tables(seed=2)
    >>> [t["links"]["source_id"].head(3).tolist() for t in (tables, same, other)]
    [['O105', 'O106', 'O124'], ['O105', 'O106', 'O124'], ['O108', 'O110', 'O114']]
    >>> [len(t["links"]) for t in (tables, same, other)]  # the same seed, the same tables
    [1293, 1293, 1271]
    """
    sc = SCALES[scale] if isinstance(scale, str) else scale
    return _Generator(sc, np.random.default_rng(seed)).run()


# --------------------------------------------------------------------------------------------


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(2, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _dates(days: np.ndarray) -> np.ndarray:
    """Offsets in days from the reference date → ISO strings (NaN offsets → None)."""
    ref = np.datetime64(REFERENCE_DATE, "D")
    out = np.full(len(days), None, dtype=object)
    ok = ~np.isnan(days)
    out[ok] = np.datetime_as_string(ref + days[ok].astype(np.int64), unit="D")
    return out


def _unique_numbers(numbers: np.ndarray, group: np.ndarray) -> np.ndarray:
    """``numbers`` made unique within each group: a repeat becomes the next unused number.

    >>> _unique_numbers(np.array([3, 3, 5, 3]), np.array([0, 0, 0, 1])).tolist()
    [3, 4, 5, 3]
    """
    used: dict[int, set[int]] = {}
    out = numbers.copy()
    for k, (drawn, g) in enumerate(zip(numbers.tolist(), group.tolist(), strict=True)):
        taken = used.setdefault(g, set())
        v = drawn
        while v in taken:
            v += 1
        taken.add(v)
        out[k] = v
    return out


def _text(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype="str")


class _Generator:
    def __init__(self, sc: Scale, rng: np.random.Generator) -> None:
        self.sc = sc
        self.rng = rng
        self.links: list[dict[str, np.ndarray]] = []

    def place(self, n: int, group: np.ndarray | None = None) -> np.ndarray:
        """``n`` place names, unique within each ``group`` (e.g. the district): a name drawn
        twice in a group becomes the next unused one of the syllable grid (no extra draws,
        so everything else the seed makes stays the same)."""
        a = self.rng.integers(0, len(_FIRST), n)
        b = self.rng.integers(0, len(_SECOND), n)
        group = np.zeros(n, dtype=np.int64) if group is None else group
        size = len(_FIRST) * len(_SECOND)
        used: dict[int, set[int]] = {}
        out = np.empty(n, dtype=object)
        for k, (i, j, g) in enumerate(zip(a.tolist(), b.tolist(), group.tolist(), strict=True)):
            taken = used.setdefault(g, set())
            code = i * len(_SECOND) + j
            for step in range(size if len(taken) < size else 1):
                if (code + step) % size not in taken:
                    code = (code + step) % size
                    break
            taken.add(code)
            out[k] = _FIRST[code // len(_SECOND)] + _SECOND[code % len(_SECOND)]
        return out

    def add_links(self, source: np.ndarray, target: np.ndarray, kind: str,
                  start: np.ndarray | None = None, end: np.ndarray | None = None,
                  form: np.ndarray | None = None) -> None:
        n = len(source)
        nan = np.full(n, np.nan)
        self.links.append({
            "source_id": source, "target_id": target, "type": np.full(n, kind, dtype=object),
            "start": _dates(nan if start is None else start),
            "end": _dates(nan if end is None else end),
            "kind": np.full(n, None, dtype=object) if form is None else form,
        })

    # -- the run: one method per table, in the order the seed draws them --------------------
    def run(self) -> Tables:
        areas = self.areas()
        organizations = self.organizations()
        party_orgs = self.party_orgs()
        self.coverage_links()
        pair_src, pair_dst = self.pairs()
        meet_src, meet_dst = self.committee_seats()
        resources = self.resources()
        demands = self.demands()
        members, m_id, rep, home = self.members()
        activities = self.activities([*pair_src, *meet_src], [*pair_dst, *meet_dst],
                                     len(pair_src), resources)
        links = pd.DataFrame({
            col: _text(np.concatenate([part[col] for part in self.links]))
            for col in ("source_id", "target_id", "type", "start", "end", "kind")
        })
        links["note"] = _text(np.full(len(links), None, dtype=object))
        # drawn last so that the tables above do not depend on them
        members.insert(4, "skills", _text(self.skills(len(m_id))))
        orders = self.orders(self.n_c, self.c_id, self.cc_id, m_id[rep], home[rep], self.ru_id,
                             self.prov_id, self.r_cat)
        return {
            "areas": areas, "party_orgs": party_orgs, "organizations": organizations,
            "resources": resources, "demands": demands, "members": members, "links": links,
            "activities": activities, "orders": orders,
        }

    def areas(self) -> pd.DataFrame:
        """The area tree: districts → streets → communities → grids → buildings."""
        sc, rng = self.sc, self.rng
        n_d = self.n_d = sc.districts
        n_s = n_d * sc.streets_per_district
        street_district = self.street_district = np.repeat(np.arange(n_d),
                                                           sc.streets_per_district)
        n_c = self.n_c = round(n_s * sc.communities_per_street)
        comm_street = self.comm_street = np.sort(np.concatenate([
            np.arange(n_s), rng.integers(0, n_s, max(0, n_c - n_s))]))
        n_g = self.n_g = n_c * sc.grids_per_community
        grid_comm = self.grid_comm = np.repeat(np.arange(n_c), sc.grids_per_community)
        n_b = self.n_b = n_g * sc.buildings_per_grid
        bldg_grid = self.bldg_grid = np.repeat(np.arange(n_g), sc.buildings_per_grid)
        d_id, s_id, c_id = _ids("D", n_d), _ids("S", n_s), _ids("C", n_c)
        g_id, b_id = _ids("G", n_g), _ids("B", n_b)
        self.d_id, self.s_id, self.c_id, self.g_id, self.b_id = d_id, s_id, c_id, g_id, b_id
        d_name = np.array([p + "区" for p in self.place(n_d)], dtype=object)
        if n_d == 1:
            d_name[0] = "海岚区"
        s_name = np.array([p + "街道" for p in self.place(n_s, street_district)], dtype=object)
        c_name = np.array([p + "社区" for p in self.place(n_c, street_district[comm_street])],
                          dtype=object)
        grid_no = np.tile(np.arange(1, sc.grids_per_community + 1), n_c)
        g_name = np.array([f"{c_name[c]}第{k}网格" for c, k in zip(grid_comm, grid_no,
                                                                   strict=True)], dtype=object)
        bldg_no = _unique_numbers(rng.integers(1, 40, n_b), grid_comm[bldg_grid])
        b_name = np.array([f"{k}号楼" for k in bldg_no], dtype=object)
        self.d_name, self.s_name, self.c_name, self.g_name = d_name, s_name, c_name, g_name
        self.bldg_no = bldg_no
        areas = pd.DataFrame({
            "id": _text(np.concatenate([d_id, s_id, c_id, g_id, b_id])),
            "name": _text(np.concatenate([d_name, s_name, c_name, g_name, b_name])),
            "level": _text(np.repeat(["district", "street", "community", "grid", "building"],
                                     [n_d, n_s, n_c, n_g, n_b])),
            "parent_id": _text(np.concatenate([np.full(n_d, None, dtype=object),
                                               d_id[street_district], s_id[comm_street],
                                               c_id[grid_comm], g_id[bldg_grid]])),
        })
        self.comm_lat = _CENTRE[0] + rng.normal(0, 0.03 * np.sqrt(n_d), n_c)
        self.comm_lon = _CENTRE[1] + rng.normal(0, 0.04 * np.sqrt(n_d), n_c)
        return areas

    def organizations(self) -> pd.DataFrame:
        """Resident units, two-new organisations, residents' committees, property companies."""
        sc, rng, n_c = self.sc, self.rng, self.n_c
        n_ru = self.n_ru = max(1, round(n_c * sc.resident_units_per_community))
        ru_kind = rng.choice(list(_UNIT_KIND_WEIGHTS), n_ru, p=list(_UNIT_KIND_WEIGHTS.values()))
        ru_comm = self.ru_comm = rng.integers(0, n_c, n_ru)
        ru_place = self.place(n_ru)
        ru_name = self.ru_name = np.array([
            rng.choice(_UNIT_TEMPLATES[k]).format(p=p, n="一二三四五六七八九十"[i % 10])
            for i, (k, p) in enumerate(zip(ru_kind, ru_place, strict=True))
        ], dtype=object)
        ru_members = self.ru_members = rng.integers(8, 120, n_ru)
        n_tn = self.n_tn = max(1, round(n_c * sc.two_new_per_community))
        tn_kind = np.where(rng.random(n_tn) < 0.8, "enterprise", "social_org")
        tn_comm = self.tn_comm = rng.integers(0, n_c, n_tn)
        tn_industry = rng.choice(_INDUSTRIES, n_tn)
        tn_industry[tn_kind == "social_org"] = "社会服务"
        tn_place = self.place(n_tn)
        word = rng.choice(_WORDS, n_tn)
        tn_name = self.tn_name = np.array([
            f"{p}{w}{_ENTERPRISE_SUFFIX[ind]}" if k == "enterprise"
            else f"{p}{rng.choice(_SOCIAL_SUFFIX)}"
            for p, w, ind, k in zip(tn_place, word, tn_industry, tn_kind, strict=True)
        ], dtype=object)
        u = rng.random(n_tn)
        tn_pm = self.tn_pm = np.select([u < 0.25, u < 0.62, u < 0.95],
                                       [0, rng.integers(1, 3, n_tn), rng.integers(3, 11, n_tn)],
                                       rng.integers(11, 60, n_tn))
        tn_emp = tn_pm * rng.integers(3, 12, n_tn) + rng.integers(2, 40, n_tn)
        n_rc = n_c  # one residents' committee per community
        n_pc = max(1, n_c // 2)
        pc_comm = rng.integers(0, n_c, n_pc)
        o_id = _ids("O", n_ru + n_tn + n_rc + n_pc)
        self.ru_id, self.tn_id = o_id[:n_ru], o_id[n_ru:n_ru + n_tn]
        org_comm = np.concatenate([ru_comm, tn_comm, np.arange(n_c), pc_comm])
        n_o = len(o_id)
        has_geo = rng.random(n_o) < 0.8
        lat = np.where(has_geo, self.comm_lat[org_comm] + rng.normal(0, 0.004, n_o), np.nan)
        lon = np.where(has_geo, self.comm_lon[org_comm] + rng.normal(0, 0.005, n_o), np.nan)
        road = rng.choice(["路", "街", "大道"], n_o)
        addr = np.array([f"{p}{r}{k}号" for p, r, k in zip(self.place(n_o), road,
                                                          rng.integers(1, 300, n_o), strict=True)],
                        dtype=object)
        return pd.DataFrame({
            "id": _text(o_id),
            "name": _text(np.concatenate([
                ru_name, tn_name,
                [self.c_name[c].replace("社区", "社区居民委员会") for c in range(n_c)],
                [f"{p}物业服务有限公司" for p in self.place(n_pc)]])),
            "kind": _text(np.concatenate([ru_kind, tn_kind, np.full(n_rc, "residents_committee"),
                                          np.full(n_pc, "property_company")])),
            "industry": _text(np.concatenate([np.full(n_ru, None, dtype=object), tn_industry,
                                              np.full(n_rc, None, dtype=object),
                                              np.full(n_pc, "物业", dtype=object)])),
            "area_id": _text(self.c_id[org_comm]),
            "employees": _text(np.concatenate([
                ru_members * rng.integers(2, 6, n_ru), tn_emp, rng.integers(5, 15, n_rc),
                rng.integers(20, 200, n_pc)]).astype(str)),
            "party_members": _text(np.concatenate([
                ru_members, tn_pm, rng.integers(3, 9, n_rc), rng.integers(0, 6, n_pc),
            ]).astype(str)),
            "lat": _text(np.where(has_geo, np.round(lat, 6).astype(str), _EMPTY)),
            "lon": _text(np.where(has_geo, np.round(lon, 6).astype(str), _EMPTY)),
            "address": _text(addr),
        })

    def branches(self) -> None:
        """Which two-new organisations have their own branch (most with ≥ 3 members; the rest
        are should-build cases) and which are grouped 3–6 at a time into joint branches."""
        rng, n_tn, tn_pm, tn_comm = self.rng, self.n_tn, self.tn_pm, self.tn_comm
        big = tn_pm >= schema.MIN_MEMBERS_INDEPENDENT
        own = self.own = big & (rng.random(n_tn) < 0.88)
        self.ib_idx = np.flatnonzero(own)
        self.ib_id = _ids("PI", len(self.ib_idx))
        # joint branches: small orgs (and unbuilt big ones) of a community grouped 3-6 at a time
        joinable = ~own & (rng.random(n_tn) < np.where(tn_pm == 0, 0.55, 0.85))
        jb_of = self.jb_of = np.full(n_tn, -1)
        order = np.lexsort((rng.random(n_tn), tn_comm))
        order = order[joinable[order]]
        group_break = np.r_[True, tn_comm[order][1:] != tn_comm[order][:-1]]
        run_pos = np.arange(len(order)) - np.maximum.accumulate(
            np.where(group_break, np.arange(len(order)), 0))
        new_group = group_break | (run_pos % 5 == 0)
        jb_of[order] = np.cumsum(new_group) - 1
        n_jb = self.n_jb = int(new_group.sum())
        self.jb_id = _ids("PJ", n_jb)
        self.jb_comm = np.zeros(n_jb, dtype=np.int64)
        self.jb_comm[jb_of[order]] = tn_comm[order]
        self.jb_members = np.bincount(jb_of[jb_of >= 0], weights=tn_pm[jb_of >= 0],
                                      minlength=n_jb)

    def party_orgs(self) -> pd.DataFrame:
        """The Party hierarchy along the areas, unit orgs, independent and joint branches."""
        rng = self.rng
        n_d, n_c, n_g, n_b, n_ru = self.n_d, self.n_c, self.n_g, self.n_b, self.n_ru
        n_s = len(self.s_id)
        self.dc_id, self.sc_id = dc_id, sc_id = _ids("PD", n_d), _ids("PS", n_s)
        cc_id, gb_id, bg_id = _ids("PC", n_c), _ids("PG", n_g), _ids("PB", n_b)
        self.cc_id, self.gb_id = cc_id, gb_id
        uo_id = self.uo_id = _ids("PU", n_ru)
        self.branches()
        ib_idx, ib_id, jb_id, jb_comm = self.ib_idx, self.ib_id, self.jb_id, self.jb_comm
        n_jb = self.n_jb
        ic_id = _ids("PY", n_d)
        po_levels = np.repeat(
            ["district_committee", "street_committee", "community_committee", "grid_branch",
             "building_group", "unit_org", "independent_branch", "joint_branch",
             "industry_committee"],
            [n_d, n_s, n_c, n_g, n_b, n_ru, len(ib_idx), n_jb, n_d])
        none = np.full
        sd, cs, gc, bg = self.street_district, self.comm_street, self.grid_comm, self.bldg_grid
        d_name, c_name, tn_comm = self.d_name, self.c_name, self.tn_comm
        return pd.DataFrame({
            "id": _text(np.concatenate([dc_id, sc_id, cc_id, gb_id, bg_id, uo_id, ib_id, jb_id,
                                        ic_id])),
            "name": _text(np.concatenate([
                [f"中共{n}委员会" for n in d_name],
                [f"{n}党工委" for n in self.s_name],
                [f"{n}党委" for n in c_name],
                [f"{n}党支部" for n in self.g_name],
                [f"{c_name[gc[g]]}{k}号楼党小组" for g, k in zip(bg, self.bldg_no, strict=True)],
                [f"{n}党委" if m >= 50 else f"{n}党支部" for n, m in zip(
                    self.ru_name, self.ru_members, strict=True)],
                [f"{self.tn_name[i]}党支部" for i in ib_idx],
                [f"{c_name[c]}非公企业联合党支部{'' if k == 0 else k + 1}"
                 for k, c in zip(np.arange(n_jb) % 7, jb_comm, strict=True)],
                [f"{n}非公经济和社会组织行业党委" for n in d_name]])),
            "level": _text(po_levels),
            "parent_id": _text(np.concatenate([
                none(n_d, None, dtype=object), dc_id[sd], sc_id[cs], cc_id[gc], gb_id[bg],
                dc_id[sd[cs[self.ru_comm]]], cc_id[tn_comm[ib_idx]], cc_id[jb_comm], dc_id])),
            "area_id": _text(np.concatenate([
                self.d_id, self.s_id, self.c_id, self.g_id, self.b_id, self.c_id[self.ru_comm],
                self.c_id[tn_comm[ib_idx]], self.c_id[jb_comm], self.d_id])),
            "host_id": _text(np.concatenate([
                none(n_d + n_s + n_c + n_g + n_b, None, dtype=object), self.ru_id,
                self.tn_id[ib_idx], none(n_jb + n_d, None, dtype=object)])),
            "members": _text(np.concatenate([
                rng.integers(20, 60, n_d), rng.integers(15, 40, n_s), rng.integers(60, 260, n_c),
                rng.integers(10, 45, n_g), rng.integers(3, 12, n_b), self.ru_members,
                self.tn_pm[ib_idx], self.jb_members.astype(np.int64),
                rng.integers(5, 15, n_d)]).astype(str)),
        })

    def coverage_links(self) -> None:
        """covered_by: own and joint branches; some only by an expired link."""
        rng, tn_id, jb_id, jb_of = self.rng, self.tn_id, self.jb_id, self.jb_of
        since = -rng.integers(60, 2500, self.n_tn).astype(float)
        self.add_links(tn_id[self.ib_idx], self.ib_id, "covered_by", start=since[self.ib_idx])
        in_jb = np.flatnonzero(jb_of >= 0)
        self.add_links(tn_id[in_jb], jb_id[jb_of[in_jb]], "covered_by", start=since[in_jb])
        # organisations covered only by an expired link (joint branch dissolved for them)
        loose = np.flatnonzero((jb_of < 0) & ~self.own)
        expired = loose[rng.random(len(loose)) < 0.3]
        if len(expired) and self.n_jb:
            jb_near = rng.integers(0, self.n_jb, len(expired))
            self.add_links(tn_id[expired], jb_id[jb_near], "covered_by",
                           start=since[expired] - 400, end=-rng.integers(20, 300, len(expired)))

    def pairs(self) -> tuple[list[str], list[str]]:
        """paired_with of resident units (live, expired, renewed) and of a few enterprises;
        returns the sources and targets of the units' current pairs."""
        rng, n_ru, n_c = self.rng, self.n_ru, self.n_c
        fate = rng.random(n_ru)
        tied = self.tied = fate < 0.78  # live ties
        via_org = tied & (rng.random(n_ru) < 0.3)  # the tie goes through the hosted Party org
        only_expired = (fate >= 0.78) & (fate < 0.88)
        # communities that pair: all but ~8%
        pairable = np.flatnonzero(rng.random(n_c) > 0.08)
        partner_id = np.where(rng.random(n_c) < 0.5, self.cc_id, self.c_id)  # committee or Area
        src_rows, dst_rows, starts, ends, forms = [], [], [], [], []
        for i in np.flatnonzero(tied | only_expired):
            k = int(rng.integers(1, 4))
            near = pairable[np.argsort(np.abs(pairable - self.ru_comm[i]))[: k + 2]]
            targets = rng.choice(near, size=min(k, len(near)), replace=False)
            for t in targets:
                src_rows.append(self.uo_id[i] if via_org[i] else self.ru_id[i])
                dst_rows.append(partner_id[t])
                st = -float(rng.integers(30, 1400))
                if only_expired[i]:
                    en = min(st + float(rng.integers(180, 720)), -10.0)
                else:
                    r = rng.random()
                    en = np.nan if r < 0.45 else float(rng.integers(1, 30)) if r < 0.55 \
                        else float(rng.integers(60, 1000))
                starts.append(st)
                ends.append(en)
                forms.append(rng.choice(["共建协议", "结对共建", "挂钩联系"]))
        self.add_links(np.array(src_rows, dtype=object), np.array(dst_rows, dtype=object),
                       "paired_with", start=np.array(starts), end=np.array(ends),
                       form=np.array(forms, dtype=object))
        # renewals: an older, ended agreement before many current ones
        if src_rows:
            renew = rng.random(len(src_rows)) < 0.4
            self.add_links(np.array(src_rows, dtype=object)[renew],
                           np.array(dst_rows, dtype=object)[renew], "paired_with",
                           start=np.array(starts)[renew] - 730, end=np.array(starts)[renew] - 1,
                           form=np.full(int(renew.sum()), "共建协议", dtype=object))
        # a few enterprises pair with their community too
        ent_pair = rng.choice(self.n_tn, size=max(1, self.n_tn // 25), replace=False)
        self.add_links(self.tn_id[ent_pair], self.cc_id[self.tn_comm[ent_pair]], "paired_with",
                       start=-rng.integers(30, 900, len(ent_pair)).astype(float),
                       form=np.full(len(ent_pair), "结对共建", dtype=object))
        return list(src_rows), list(dst_rows)

    def committee_seats(self) -> tuple[list[str], list[str]]:
        """sits_on (兼职委员 on the street big working committee or the community committee)
        and conference_member; returns the meetings' attendees and committees."""
        rng, ru_id, ru_comm = self.rng, self.ru_id, self.ru_comm
        street_committee = self.sc_id[self.comm_street[ru_comm]]
        sits = np.flatnonzero(self.tied & (rng.random(self.n_ru) < 0.6))
        on_street = rng.random(len(sits)) < 0.5
        seat = np.where(on_street, street_committee[sits], self.cc_id[ru_comm[sits]])
        self.add_links(ru_id[sits], seat, "sits_on",
                       start=-rng.integers(30, 1000, len(sits)).astype(float))
        conf = np.flatnonzero(self.tied & (rng.random(self.n_ru) < 0.75))
        self.add_links(ru_id[conf], street_committee[conf], "conference_member",
                       start=-rng.integers(30, 1500, len(conf)).astype(float))
        # committee meetings (兼职委员 attend) and the quarterly joint conference (联席会)
        return [*ru_id[sits], *ru_id[conf]], [*seat, *street_committee[conf]]

    def resources(self) -> pd.DataFrame:
        """The resource list: mostly resident units' resources, some of two-new orgs."""
        rng = self.rng
        n_r = max(1, round(self.n_c * self.sc.resources_per_community))
        prov_is_unit = rng.random(n_r) < 0.75
        prov_ru = rng.integers(0, self.n_ru, n_r)
        prov_tn = rng.integers(0, self.n_tn, n_r)
        self.prov_id = np.where(prov_is_unit, self.ru_id[prov_ru], self.tn_id[prov_tn])
        prov_comm = np.where(prov_is_unit, self.ru_comm[prov_ru], self.tn_comm[prov_tn])
        r_cat = self.r_cat = rng.choice(_RESOURCE_CATEGORIES, n_r)
        return pd.DataFrame({
            "id": _text(_ids("R", n_r)),
            "provider_id": _text(self.prov_id),
            "category": _text(r_cat),
            "capacity": _text(rng.integers(1, 11, n_r).astype(str)),
            "area_id": _text(self.c_id[prov_comm]),
            "description": _text(np.array([f"{schema.CATEGORY.zh(c)}服务" for c in r_cat],
                                          dtype=object)),
        })

    def demands(self) -> pd.DataFrame:
        """The demand list of the communities (two categories no resource offers)."""
        rng, c_id = self.rng, self.c_id
        n_dm = max(1, round(self.n_c * self.sc.demands_per_community))
        d_comm = rng.integers(0, self.n_c, n_dm)
        d_cat = rng.choice(_DEMAND_CATEGORIES, n_dm)
        return pd.DataFrame({
            "id": _text(_ids("Q", n_dm)),
            "requester_id": _text(np.where(rng.random(n_dm) < 0.6, self.cc_id[d_comm],
                                           c_id[d_comm])),
            "category": _text(d_cat),
            "quantity": _text(rng.integers(1, 9, n_dm).astype(str)),
            "priority": _text(rng.choice(["high", "medium", "low"], n_dm, p=[0.25, 0.5, 0.25])),
            "area_id": _text(c_id[d_comm]),
            "description": _text(np.array([f"居民{schema.CATEGORY.zh(c)}需求" for c in d_cat],
                                          dtype=object)),
        })

    def members(self) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
        """Party members with invented personal fields, and their reports_to links; returns
        the table, the ids, the positions of those who reported and every member's home."""
        rng, c_id = self.rng, self.c_id
        n_m = max(1, round(self.n_c * self.sc.members_per_community))
        home = rng.integers(0, self.n_c, n_m)
        branch_pool = np.concatenate([self.gb_id, self.uo_id,
                                      self.ib_id if len(self.ib_id) else self.gb_id])
        m_org = branch_pool[rng.integers(0, len(branch_pool), n_m)]
        reported = rng.random(n_m) < 0.8
        m_id = _ids("M", n_m)
        members = pd.DataFrame({
            "id": _text(m_id),
            "org_id": _text(m_org),
            "residence_area_id": _text(c_id[home]),
            "reported": _text(np.where(reported, "true", "false")),
            "name": _text(np.array([
                _SURNAMES[a] + _GIVEN[b] + ("" if c < 0 else _GIVEN[c])
                for a, b, c in zip(rng.integers(0, len(_SURNAMES), n_m),
                                   rng.integers(0, len(_GIVEN), n_m),
                                   rng.integers(-len(_GIVEN), len(_GIVEN), n_m), strict=True)],
                dtype=object)),
            "phone": _text(np.array([f"1{p}{n:08d}" for p, n in zip(
                rng.choice(["33", "35", "38", "59", "86", "89"], n_m),
                rng.integers(0, 10**8, n_m), strict=True)], dtype=object)),
            "id_number": _text(np.array([f"3706{n:014d}" for n in rng.integers(0, 10**14, n_m)],
                                        dtype=object)),
        })
        rep = np.flatnonzero(reported)
        for year in range(self.sc.report_years):
            start = -365.0 * (year + 1) + rng.integers(0, 60, len(rep))
            end = np.full(len(rep), np.nan) if year == 0 else start + 364
            self.add_links(m_id[rep], c_id[home[rep]], "reports_to", start=start, end=end)
        return members, m_id, rep, home

    def activities(self, src: list[str], dst: list[str], n_pairs: int,
                   resources: pd.DataFrame) -> pd.DataFrame:
        """Activities on the first ``n_pairs`` ties (pairs: some never, some dormant), on the
        committee ties after them (quarterly meetings) and on resource projects."""
        rng = self.rng
        acts_src: list[str] = []
        acts_dst: list[str] = []
        acts_day: list[float] = []
        for k, (s_, d_) in enumerate(zip(src, dst, strict=True)):
            if k < n_pairs:
                r = rng.random()
                if r < 0.15:
                    continue  # never any activity
                n_act = int(rng.integers(1, 5))
                recent = r > 0.3  # else dormant: last activity over a year ago
                days = -rng.integers(1, 330, n_act) if recent else -rng.integers(400, 900, n_act)
            else:
                if rng.random() < 0.12:
                    continue  # stopped attending: a dormant tie
                n_act = 4
                days = -(np.arange(4) * 91 + rng.integers(5, 80))
            acts_src += [s_] * n_act
            acts_dst += [d_] * n_act
            acts_day += list(days.astype(float))
        n_a = len(acts_src)
        n_r = len(resources)
        n_pa = max(1, n_r // 3)
        proj = rng.choice(n_r, n_pa, replace=False)
        return pd.DataFrame({
            "id": _text(_ids("A", n_a + n_pa)),
            "date": _text(_dates(np.concatenate([np.array(acts_day, dtype=float),
                                                  -rng.integers(1, 500, n_pa).astype(float)]))),
            "source_id": _text(np.concatenate([np.array(acts_src, dtype=object),
                                               np.full(n_pa, None, dtype=object)])),
            "target_id": _text(np.concatenate([np.array(acts_dst, dtype=object),
                                               np.full(n_pa, None, dtype=object)])),
            "project_id": _text(np.concatenate([np.full(n_a, None, dtype=object),
                                                resources["id"].to_numpy(dtype=object)[proj]])),
            "participants": _text(rng.integers(3, 80, n_a + n_pa).astype(str)),
            "note": _text(np.full(n_a + n_pa, None, dtype=object)),
        })

    def skills(self, n_m: int) -> np.ndarray:
        """About 40 % of members list one or two categories (Chinese, separated by 、)."""
        rng = self.rng
        zh = np.array([schema.CATEGORY.zh(c) for c in _RESOURCE_CATEGORIES], dtype=object)
        first = rng.integers(0, len(zh), n_m)
        second = (first + rng.integers(1, len(zh), n_m)) % len(zh)
        u = rng.random(n_m)
        return np.where(u < 0.25, zh[first], np.where(u < 0.4, zh[first] + "、" + zh[second],
                                                       None))

    def orders(self, n_c: int, c_id: np.ndarray, cc_id: np.ndarray, rep_id: np.ndarray,
               rep_home: np.ndarray, ru_id: np.ndarray, prov_id: np.ndarray,
               r_cat: np.ndarray) -> pd.DataFrame:
        """The three-order table (三单制): resident orders over the last year, every status,
        time stamps in order (ordered ≤ dispatched ≤ taken ≤ finished ≤ the reference day)."""
        rng = self.rng
        n = max(1, round(n_c * self.sc.orders_per_community))
        comm = rng.integers(0, n_c, n)
        cat = rng.choice(_DEMAND_CATEGORIES, n)
        recent = rng.random(n) < 0.15
        u = rng.random(n)
        # status: old orders are mostly done, recent ones still in progress
        status = np.where(
            recent,
            np.select([u < 0.3, u < 0.35, u < 0.6, u < 0.8], ["done", "cancelled", "taken",
                                                              "dispatched"], "open"),
            np.select([u < 0.82, u < 0.9, u < 0.94, u < 0.97], ["done", "cancelled", "taken",
                                                                "dispatched"], "open"),
        )
        cancelled_late = (status == "cancelled") & (rng.random(n) < 0.5)
        h_dispatch = rng.gamma(2.0, 4.0, n) + 0.25
        h_take = rng.gamma(2.0, 6.0, n) + 0.25
        h_finish = rng.gamma(2.0, 24.0, n) + 1.0
        has_d = np.isin(status, ["dispatched", "taken", "done"]) | cancelled_late
        has_t = np.isin(status, ["taken", "done"])
        has_f = status == "done"
        span = h_dispatch * has_d + h_take * has_t + h_finish * has_f
        # residents order in the daytime (08:00-21:00), on a day early enough that every
        # later step is done before the reference day
        age_d = np.where(recent, rng.integers(1, 21, n), rng.integers(21, 366, n))
        age_d = np.maximum(age_d, np.ceil(span / 24).astype(np.int64) + 1)
        minute = rng.integers(8 * 60, 21 * 60, n)
        ref = np.datetime64(REFERENCE_DATE, "m")
        ordered = ref + (minute - age_d * 24 * 60).astype("timedelta64[m]")
        dispatched = ordered + (h_dispatch * 60).astype(np.int64).astype("timedelta64[m]")
        taken = dispatched + (h_take * 60).astype(np.int64).astype("timedelta64[m]")
        finished = taken + (h_finish * 60).astype(np.int64).astype("timedelta64[m]")

        def fmt(t: np.ndarray, keep: np.ndarray) -> pd.Series:
            text = np.char.replace(np.datetime_as_string(t, unit="m").astype(str), "T", " ")
            return _text(np.where(keep, text.astype(object), _EMPTY))

        # who took it: a reported member living in the community, else a providing unit
        order_m = np.argsort(rep_home, kind="stable")
        count = np.bincount(rep_home, minlength=n_c)
        start = np.cumsum(count) - count
        pick = order_m[np.minimum(start[comm] + (rng.random(n) * count[comm]).astype(np.int64),
                                  max(len(order_m) - 1, 0))] if len(order_m) else None
        by_member = (count[comm] > 0) & (rng.random(n) < 0.65)
        units = np.where(rng.random(n) < 0.5, ru_id[rng.integers(0, len(ru_id), n)],
                         prov_id[rng.integers(0, len(prov_id), n)])
        same_cat = np.flatnonzero(np.isin(cat, r_cat))
        if len(same_cat):
            order_r = np.argsort(r_cat, kind="stable")
            lo = np.searchsorted(r_cat[order_r], cat[same_cat])
            hi = np.searchsorted(r_cat[order_r], cat[same_cat], side="right")
            units[same_cat] = prov_id[order_r[lo + (rng.random(len(same_cat)) * (hi - lo))
                                              .astype(np.int64)]]
        assignee = units.astype(object)
        if pick is not None:
            assignee[by_member] = rep_id[pick[by_member]]
        return pd.DataFrame({
            "id": _text(_ids("OD", n)),
            "community_id": _text(c_id[comm]),
            "category": _text(cat),
            "status": _text(status),
            "ordered_at": fmt(ordered, np.ones(n, dtype=bool)),
            "dispatcher_id": _text(np.where(has_d, cc_id[comm], _EMPTY)),
            "dispatched_at": fmt(dispatched, has_d),
            "assignee_id": _text(np.where(has_t, assignee, _EMPTY)),
            "taken_at": fmt(taken, has_t),
            "finished_at": fmt(finished, has_f),
            "description": _text(np.array([f"居民{schema.CATEGORY.zh(c)}点单" for c in cat],
                                          dtype=object)),
        })
