"""Tables ↔ graph ↔ networkx, the edge frame, and the RegionalGraph accessors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import regional_graph as rg
from regional_graph import schema
from regional_graph.schema import Label, RelType

Tables = dict[str, pd.DataFrame]


@pytest.fixture
def tiny_graph(raw_tables: Tables) -> rg.RegionalGraph:
    return rg.build.graph_from_tables(raw_tables, name="tiny")


def edge_triples(G: rg.RegionalGraph, rel: RelType) -> list[tuple[str, str]]:
    e = G.edges_of(rel)
    ids = G.ids
    return list(zip(ids[e["source"].to_numpy()], ids[e["target"].to_numpy()], strict=True))


# ---------------------------------------------------------------------------------------
# round trips on the sample district
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[Tables, rg.RegionalGraph]:
    tables = rg.datasets.sample_district_tables()
    return tables, rg.build.graph_from_tables(tables, validate=False)


def test_sample_tables_graph_tables_identity(sample) -> None:
    tables, G = sample
    rg.build.assert_tables_equal(rg.build.graph_to_tables(G), tables)
    again = rg.build.graph_from_tables(rg.build.graph_to_tables(G))  # validated again
    assert again == G


def test_sample_networkx_round_trip(sample) -> None:
    tables, G = sample
    g = rg.build.graph_to_networkx(G)
    assert g.number_of_nodes() == G.number_of_nodes()
    assert g.number_of_edges() == G.number_of_edges()
    G2 = rg.build.graph_from_networkx(g)
    rg.build.assert_tables_equal(rg.build.graph_to_tables(G2), tables)
    assert G2 == G


def test_load_graph_and_save_graph(sample, tmp_path: Path) -> None:
    _, G = sample
    folder = rg.save_graph(G, tmp_path / "saved")
    G2 = rg.load_graph(folder)
    assert G2.name == "saved"
    assert G2 == G


# ---------------------------------------------------------------------------------------
# hypothesis: generated small valid datasets
# ---------------------------------------------------------------------------------------

_CHARS = st.sampled_from(list("东西南北湖岚社区党支部委员会单位 abcXYZ019-,\"'（）#"))
TEXT = st.text(_CHARS, min_size=1, max_size=8)


def _spelling(enum: schema.Enum, code: str | None = None) -> st.SearchStrategy[str]:
    """Any accepted spelling of any value (or of ``code``): English code or a Chinese alias."""
    return st.sampled_from([s for c, aliases in enum.values.items() if code in (None, c)
                            for s in (c, *aliases)])


def _in_order(earlier: list[str], levels: list[str], rule: dict[str, tuple[str, ...]],
              level: str) -> list[str]:
    """The earlier nodes a node of ``level`` may have as its parent (the level order)."""
    return [n for n, lv in zip(earlier, levels, strict=False) if lv in rule[level]]


def _date_text(day: dt.date, style: int) -> str:
    return [day.isoformat(), f"{day.year}/{day.month}/{day.day}",
            f"{day.year}年{day.month}月{day.day}日"][style]


DATE = st.builds(_date_text, st.dates(dt.date(1995, 1, 1), dt.date(2035, 12, 31)),
                 st.integers(0, 2))


@st.composite
def raw_datasets(draw: st.DrawFn) -> Tables:
    """Valid raw tables: an areas forest, Party orgs, organisations (with optional fields,
    Chinese text and extra columns), resources, demands, members, links of valid endpoint
    kinds with optional dates, and activities on those links."""

    def opt(strategy: st.SearchStrategy) -> object:
        return draw(st.one_of(st.none(), strategy))

    def pick(ids: list[str]) -> str | None:
        return draw(st.sampled_from(ids)) if ids and draw(st.booleans()) else None

    count = st.integers(0, 10**6).map(str)
    name = TEXT.filter(str.strip)  # required text: not blank

    n_area = draw(st.integers(1, 6))
    areas = [f"A{i}" for i in range(n_area)]
    area_levels = [draw(st.sampled_from(schema.AREA_LEVEL.codes)) for _ in areas]
    area_rows = [[a, draw(name), draw(_spelling(schema.AREA_LEVEL, area_levels[i])),
                  pick(_in_order(areas[:i], area_levels, schema.PARENT_LEVELS["areas"],
                                 area_levels[i]))] for i, a in enumerate(areas)]

    n_org = draw(st.integers(0, 5))
    orgs = [f"O{i}" for i in range(n_org)]
    extras = draw(st.lists(st.sampled_from(["联系电话", "备注2", "secretary"]), unique=True,
                           max_size=2))
    org_rows = []
    for o in orgs:
        lat = opt(st.floats(-90, 90, allow_nan=False).map(repr))
        lon = opt(st.floats(-180, 180, allow_nan=False).map(repr))
        org_rows.append([o, draw(name), draw(_spelling(schema.ORG_KIND)), opt(TEXT),
                         pick(areas), opt(count), opt(count), lat, lon, opt(TEXT),
                         *(opt(TEXT) for _ in extras)])

    n_po = draw(st.integers(0, 5))
    pos = [f"P{i}" for i in range(n_po)]
    po_levels = [draw(st.sampled_from(schema.PARTY_ORG_LEVEL.codes)) for _ in pos]
    po_rows = [[p, draw(name), draw(_spelling(schema.PARTY_ORG_LEVEL, po_levels[i])),
                pick(_in_order(pos[:i], po_levels, schema.PARENT_LEVELS["party_orgs"],
                               po_levels[i])),
                pick([a for a, lv in zip(areas, area_levels, strict=True)
                      if lv in schema.LEADS_LEVELS.get(po_levels[i], (lv,))]),
                pick(orgs), opt(count)] for i, p in enumerate(pos)]

    resources = [f"R{i}" for i in range(draw(st.integers(0, 3)) if orgs or pos else 0)]
    res_rows = [[r, draw(st.sampled_from(orgs + pos)), draw(_spelling(schema.CATEGORY)),
                 opt(st.integers(1, 50).map(str)), pick(areas), opt(TEXT)] for r in resources]
    demands = [f"Q{i}" for i in range(draw(st.integers(0, 3)))]
    dem_rows = [[q, draw(st.sampled_from(pos + areas)), draw(_spelling(schema.CATEGORY)),
                 opt(st.integers(1, 50).map(str)), opt(_spelling(schema.PRIORITY)),
                 pick(areas), opt(TEXT)] for q in demands]
    members = [f"M{i}" for i in range(draw(st.integers(0, 3)) if pos else 0)]
    mem_rows = [[m, draw(st.sampled_from(pos)), pick(areas),
                 opt(st.sampled_from(["true", "false", "是", "否"])), opt(TEXT), opt(count),
                 None] for m in members]

    by_label = {Label.AREA: areas, Label.PARTY_ORG: pos, Label.ORGANIZATION: orgs,
                Label.MEMBER: members}
    link_rows = []
    for _ in range(draw(st.integers(0, 8))):
        code = draw(st.sampled_from(schema.LINK_TYPE.codes))
        srcs, dsts = schema.LINK_ENDPOINTS[code]
        src_ids = [i for lbl in srcs for i in by_label.get(lbl, [])]
        dst_ids = [i for lbl in dsts for i in by_label.get(lbl, [])]
        if not src_ids or not dst_ids:
            continue
        s, t = draw(st.sampled_from(src_ids)), draw(st.sampled_from(dst_ids))
        if s == t:
            continue
        start = opt(st.dates(dt.date(1995, 1, 1), dt.date(2030, 1, 1)))
        end = opt(st.dates(start or dt.date(1995, 1, 1), dt.date(2035, 12, 31)))
        style = draw(st.integers(0, 2))
        link_rows.append([s, t, draw(st.sampled_from((code, *schema.LINK_TYPE.values[code]))),
                          start and _date_text(start, style), end and _date_text(end, style),
                          opt(TEXT), opt(TEXT)])
    act_rows = []
    for i in range(draw(st.integers(0, 3))):
        s, t, proj = None, None, None
        if link_rows and draw(st.booleans()):
            s, t = draw(st.sampled_from(link_rows))[:2]
        elif resources + demands and draw(st.booleans()):
            proj = draw(st.sampled_from(resources + demands))
        act_rows.append([f"E{i}", draw(DATE), s, t, proj, opt(count), opt(TEXT)])

    def frame(rows: list[list[object]], columns: str, extra: tuple[str, ...] = ()) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=[*columns.split(), *extra], dtype="str")

    return {
        "areas": frame(area_rows, "id name level parent_id"),
        "party_orgs": frame(po_rows, "id name level parent_id area_id host_id members"),
        "organizations": frame(org_rows, "id name kind industry area_id employees party_members"
                               " lat lon address", tuple(extras)),
        "resources": frame(res_rows, "id provider_id category capacity area_id description"),
        "demands": frame(dem_rows, "id requester_id category quantity priority area_id"
                         " description"),
        "members": frame(mem_rows, "id org_id residence_area_id reported name phone id_number"),
        "links": frame(link_rows, "source_id target_id type start end kind note"),
        "activities": frame(act_rows, "id date source_id target_id project_id participants note"),
    }


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_datasets())
def test_generated_datasets_round_trip(raw: Tables) -> None:
    typed, failures = rg.validate.check_tables(raw)
    assert failures.empty, failures.to_string()
    for name, df in raw.items():  # nothing dropped, extra columns kept (after the template's)
        names = schema.TABLES[name].names
        assert len(typed[name]) == len(df)
        assert list(typed[name].columns) == [*names, *(c for c in df.columns if c not in names)]
    G = rg.build.graph_from_tables(raw)
    back = rg.build.graph_to_tables(G)
    rg.build.assert_tables_equal(back, typed)
    # one relationship per link row and per parent reference
    assert len(G.edges_of(*rg.graph.LINK_REL_TYPES)) == len(raw["links"])
    n_parents = sum(raw[t]["parent_id"].notna().sum() for t in ("areas", "party_orgs"))
    assert len(G.edges_of(RelType.PART_OF, RelType.SUBORDINATE_TO)) == n_parents
    # equality semantics
    G_again = rg.build.graph_from_tables(back)
    assert G_again == G
    G_nx = rg.build.graph_from_networkx(rg.build.graph_to_networkx(G))
    assert G_nx == G


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=raw_datasets())
def test_generated_datasets_round_trip_through_csv(raw: Tables, tmp_path_factory) -> None:
    G = rg.build.graph_from_tables(raw)
    folder = rg.save_graph(G, tmp_path_factory.mktemp("csv"))
    assert rg.load_graph(folder) == G


def test_graph_equality_semantics(raw_tables: Tables) -> None:
    G = rg.build.graph_from_tables(raw_tables)
    assert rg.build.graph_from_tables(raw_tables, name="another name") == G  # names don't count
    changed = {k: v.copy() for k, v in raw_tables.items()}
    changed["organizations"].loc[0, "employees"] = "801"
    assert rg.build.graph_from_tables(changed) != G
    reordered = {k: v.copy() for k, v in raw_tables.items()}
    reordered["links"] = reordered["links"].iloc[::-1].reset_index(drop=True)
    assert rg.build.graph_from_tables(reordered) != G  # link order is part of the data
    assert G != "not a graph"
    with pytest.raises(TypeError):
        hash(G)


# ---------------------------------------------------------------------------------------
# the edge frame of a tiny dataset
# ---------------------------------------------------------------------------------------


def test_tiny_edge_frame(tiny_graph: rg.RegionalGraph) -> None:
    G = tiny_graph
    counts = {k: v for k, v in G.edges["type"].value_counts().to_dict().items() if v}
    assert counts == {
        "PART_OF": 4, "SUBORDINATE_TO": 7, "LEADS": 7, "HOSTED_BY": 2, "LOCATED_IN": 4,
        "MEMBER_OF": 2, "OFFERS": 2, "NEEDS": 2, "COVERED_BY": 2, "PAIRED_WITH": 1,
        "SITS_ON": 1, "CONFERENCE_MEMBER": 1, "REPORTS_TO": 1,
    }
    assert G.number_of_edges() == 36
    assert list(G.edges.columns)[:7] == ["type", "source", "target", "start", "end", "kind",
                                         "note"]
    assert G.edges["source"].dtype == np.int32
    assert G.edges["start"].dtype == "datetime64[s]"
    assert edge_triples(G, RelType.PART_OF) == [("S1", "D1"), ("C1", "S1"), ("C2", "S1"),
                                                ("G1", "C1")]
    assert ("PS1", "PD1") in edge_triples(G, RelType.SUBORDINATE_TO)
    assert ("PC1", "C1") in edge_triples(G, RelType.LEADS)
    assert edge_triples(G, RelType.HOSTED_BY) == [("PU1", "O1"), ("PI1", "O2")]
    # provider → resource, requester → demand (reversed reference columns)
    assert edge_triples(G, RelType.OFFERS) == [("O1", "R1"), ("PU1", "R2")]
    assert edge_triples(G, RelType.NEEDS) == [("PC1", "Q1"), ("C2", "Q2")]
    assert edge_triples(G, RelType.MEMBER_OF) == [("M1", "PU1"), ("M2", "PI1")]
    # links in table order, with their properties
    links = G.edges[G.edges["type"].isin(rg.graph.LINK_REL_TYPES).to_numpy()]
    assert links["type"].tolist() == ["COVERED_BY", "COVERED_BY", "PAIRED_WITH", "SITS_ON",
                                      "CONFERENCE_MEMBER", "REPORTS_TO"]
    paired = links.iloc[2]
    assert paired["start"] == pd.Timestamp("2024-01-01")
    assert paired["end"] == pd.Timestamp("2026-12-31")
    assert paired["kind"] == "结对共建"
    assert links.iloc[3]["note"] == "兼职委员"


def test_tiny_node_frames(tiny_graph: rg.RegionalGraph) -> None:
    G = tiny_graph
    assert [len(G.nodes[lbl]) for lbl in rg.graph.LABELS] == [5, 8, 4, 2, 2, 2]
    orgs = G.nodes[Label.ORGANIZATION]
    assert orgs.index.name == "id"
    assert orgs.index.tolist() == ["O1", "O2", "O3", "O4"]
    assert list(orgs.columns) == schema.ORGANIZATIONS.names[1:]
    assert orgs.loc["O1", "kind"] == "hospital"
    assert orgs.loc["O1", "employees"] == 800
    assert G.activities["id"].tolist() == ["A1", "A2"]
    assert "5 Area" in repr(G)
    assert "tiny" in repr(G)


# ---------------------------------------------------------------------------------------
# accessors
# ---------------------------------------------------------------------------------------


def test_codes_and_label_ranges(tiny_graph: rg.RegionalGraph) -> None:
    G = tiny_graph
    assert G.number_of_nodes() == 23
    assert G.codes(["D1", "nope", "M2", "PD1"]).tolist() == [0, -1, 22, 5]
    assert G.codes([]).tolist() == []
    assert G.label_range(Label.PARTY_ORG) == slice(5, 13)
    assert G.label_range(Label.MEMBER) == slice(21, 23)
    assert G.ids[G.label_range(Label.ORGANIZATION)].tolist() == ["O1", "O2", "O3", "O4"]
    assert G.label_codes.tolist() == [0] * 5 + [1] * 8 + [2] * 4 + [3] * 2 + [4] * 2 + [5] * 2
    codes = G.codes(G.ids)
    assert codes.tolist() == list(range(G.number_of_nodes()))


def test_parent_codes_area_of_and_ancestor_at(tiny_graph: rg.RegionalGraph) -> None:
    G = tiny_graph
    parent = G.parent_codes()
    assert G.ids[parent[G.codes(["G1", "C2", "PG1"])]].tolist() == ["C1", "S1", "PC1"]
    assert parent[G.codes(["D1", "PD1"])].tolist() == [-1, -1]
    area_of = G.area_of()
    # PU1 has no area_id: it takes its host organisation's (O1 in C1)
    assert G.ids[area_of[G.codes(["O3", "PU1", "R1", "C2"])]].tolist() == ["C2", "C1", "C1",
                                                                          "C2"]
    assert area_of[G.codes(["R2", "M1"])].tolist() == [-1, -1]
    codes = G.codes(["G1", "C2", "S1", "D1", "PC1"])
    s1, c1, c2 = G.codes(["S1", "C1", "C2"]).tolist()
    assert G.ancestor_at(codes, "street").tolist() == [s1, s1, s1, -1, -1]
    assert G.ancestor_at(codes, "district").tolist() == [0, 0, 0, 0, -1]
    assert G.ancestor_at(codes, "community").tolist() == [c1, c2, -1, -1, -1]
    assert G.ancestor_at(np.array([-1]), "street").tolist() == [-1]
    levels = G.area_levels()
    assert levels[G.codes(["G1"])].tolist() == ["grid"]
    assert levels[G.codes(["O1"])].tolist() == [None]


def test_live(raw_tables: Tables) -> None:
    today = dt.date.today()
    day = dt.timedelta(days=1)
    links = raw_tables["links"]
    links["start"] = [None, (today + day).isoformat(), today.isoformat(),
                      (today - 9 * day).isoformat(), None, None]
    links["end"] = [today.isoformat(), None, today.isoformat(), (today - day).isoformat(),
                    (today + day).isoformat(), None]
    G = rg.build.graph_from_tables(raw_tables)
    links_e = G.edges_of(*rg.graph.LINK_REL_TYPES)
    assert G.live(links_e).tolist() == [True, False, True, False, True, True]
    assert G.live(links_e, today).tolist() == [True, False, True, False, True, True]
    yesterday = today - day
    assert G.live(links_e, yesterday.isoformat()).tolist() == [True, False, False, True, True,
                                                              True]
    assert G.live(links_e, pd.Timestamp(today + day)).tolist() == [False, True, False, False,
                                                                   True, True]
    # structural relationships have no dates: always live
    assert G.live(G.edges).sum() == len(G.edges) - 2


def test_adjacency(tiny_graph: rg.RegionalGraph) -> None:
    G = tiny_graph
    n = G.number_of_nodes()
    part_of = G.adjacency(RelType.PART_OF)
    assert part_of.shape == (n, n)
    assert part_of.sum() == 4
    assert part_of[G.codes(["G1"])[0], G.codes(["C1"])[0]] == 1
    assert part_of[G.codes(["C1"])[0], G.codes(["G1"])[0]] == 0  # directed
    assert G.adjacency(RelType.PART_OF) is part_of  # cached
    ties = G.adjacency("PAIRED_WITH", "SITS_ON", "CONFERENCE_MEMBER")
    assert ties.shape == (n, n)
    assert ties.sum() == 3
    everything = G.adjacency()
    assert everything.sum() == G.number_of_edges()
    e = G.edges_of(RelType.COVERED_BY)
    masked = G.adjacency(RelType.COVERED_BY, mask=np.array([True, False]))
    assert masked.shape == (n, n)
    assert masked.sum() == 1
    assert masked[e["source"].iloc[0], e["target"].iloc[0]] == 1


def test_summary(tiny_graph: rg.RegionalGraph) -> None:
    s = tiny_graph.summary()
    assert s.loc[("Area", "community"), "count"] == 2
    assert s.loc[("Organization", "enterprise"), "count"] == 2
    assert s.loc[("relationship", "PART_OF"), "count"] == 4


# ---------------------------------------------------------------------------------------
# the bundled sample data
# ---------------------------------------------------------------------------------------


def test_bundled_sample_matches_the_generator() -> None:
    folder = rg.datasets.SAMPLE_DISTRICT
    assert folder.is_dir()
    raw = rg.io.read_tables(folder)
    assert {"areas", "party_orgs", "organizations", "links"} <= set(raw) <= set(schema.TABLES)
    typed, failures = rg.validate.check_tables(raw)
    assert failures.empty, failures.head(20).to_string()
    generated = rg.validate.validate_tables(
        rg.datasets.generate_tables("district", seed=rg.datasets.SAMPLE_SEED)
    )
    rg.build.assert_tables_equal(typed, generated)
    rg.build.assert_tables_equal(typed, rg.datasets.sample_district_tables())


def test_links_extra_columns_named_like_edge_columns_keep_edges_intact():
    raw = {
        "areas": pd.DataFrame({"id": ["D1"], "name": ["区"], "level": ["district"]}),
        "party_orgs": pd.DataFrame({"id": ["P1"], "name": ["党委"],
                                    "level": ["community_committee"]}),
        "organizations": pd.DataFrame({"id": ["O1"], "name": ["医院"], "kind": ["hospital"]}),
        "links": pd.DataFrame({"source_id": ["O1"], "target_id": ["P1"],
                               "type": ["paired_with"], "source": ["0"], "quantity": ["x"],
                               "target": ["2"], "link.note": ["y"]}),
    }
    G = rg.build.graph_from_tables(raw)
    pair = G.edges_of("PAIRED_WITH").iloc[0]
    assert (G.ids[pair["source"]], G.ids[pair["target"]]) == ("O1", "P1")
    links = rg.build.graph_to_tables(G)["links"]
    assert links.loc[0, "source"] == "0" and links.loc[0, "link.note"] == "y"
    back = rg.build.graph_from_networkx(rg.build.graph_to_networkx(G))
    rg.build.assert_tables_equal(rg.build.graph_to_tables(back), rg.build.graph_to_tables(G))
