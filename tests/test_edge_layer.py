"""The edge layer and the shared per-graph arrays, against independent derivations.

``G.links`` selects edges of a type as slices when the edge frame is grouped by type (as the
build makes it) and by a mask otherwise; both must give exactly the rows a plain mask over
``G.edges`` gives. The per-area ancestor table, the members' branches and the matching's
providers/requesters (read off the resolved relationships) must equal the id lookups and a
walk up the areas table they replace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.analysis._common import join_per_row, texts
from regional_graph.graph import LINK_REL_TYPES, REL_TYPES, RegionalGraph
from regional_graph.matching.orders import _group_median
from regional_graph.schema import Label


@pytest.fixture(scope="module")
def G() -> RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def shuffled(G: RegionalGraph) -> RegionalGraph:
    """The same graph with its edge rows in random order (thousands of runs of one type)."""
    order = np.random.default_rng(3).permutation(len(G.edges))
    return RegionalGraph(nodes=G.nodes, edges=G.edges.iloc[order].reset_index(drop=True),
                         activities=G.activities, orders=G.orders, name=G.name)


def _by_mask(G: RegionalGraph, types: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The edges of ``types`` by a plain mask over the frame (the reference)."""
    e = G.edges
    pos = np.flatnonzero(e["type"].isin(types).to_numpy())
    return {"pos": pos, "source": e["source"].to_numpy()[pos].astype(np.int64),
            "target": e["target"].to_numpy()[pos].astype(np.int64),
            "start": e["start"].to_numpy("datetime64[s]")[pos],
            "end": e["end"].to_numpy("datetime64[s]")[pos]}


@pytest.mark.parametrize("graph", ["G", "shuffled"])
@pytest.mark.parametrize("types", [(t,) for t in REL_TYPES]
                         + [("PART_OF", "SUBORDINATE_TO"), ("SITS_ON", "PAIRED_WITH",
                                                            "CONFERENCE_MEMBER"), ()])
def test_links_equal_a_mask_over_the_edge_frame(graph: str, types: tuple[str, ...],
                                                request: pytest.FixtureRequest) -> None:
    H: RegionalGraph = request.getfixturevalue(graph)
    got = H.links(*types, state="any")
    want = _by_mask(H, types or tuple(REL_TYPES))
    for field, values in want.items():
        np.testing.assert_array_equal(getattr(got, field), values, err_msg=field)
        assert getattr(got, field).dtype == values.dtype, field


def test_the_generated_graph_is_grouped_by_type_and_the_shuffled_one_is_not(
        G: RegionalGraph, shuffled: RegionalGraph) -> None:
    runs = lambda H: int((np.diff(H.edges["type"].cat.codes.to_numpy()) != 0).sum()) + 1  # noqa: E731
    assert runs(G) <= len(REL_TYPES)
    assert runs(shuffled) > 256  # the mask path of RegionalGraph.links


def test_live_links_agree_between_the_two_layouts(G: RegionalGraph,
                                                  shuffled: RegionalGraph) -> None:
    for rel in ("COVERED_BY", "PAIRED_WITH", "REPORTS_TO"):
        a = G.links(rel, as_of=rg.datasets.REFERENCE_DATE)
        b = shuffled.links(rel, as_of=rg.datasets.REFERENCE_DATE)
        key = lambda L: sorted(zip(L.source.tolist(), L.target.tolist(),  # noqa: E731
                                   L.start.astype(str).tolist(), L.end.astype(str).tolist(),
                                   strict=True))
        assert len(a) and key(a) == key(b)


def _walk_up(areas: pd.DataFrame, area_id: str, level: str) -> str | None:
    """The area of ``level`` at or above ``area_id``, walking the areas table's
    ``parent_id`` column by id (at most 16 areas looked at, as the graph does)."""
    cur: object = area_id
    for _ in range(16):
        if cur is None or pd.isna(cur):
            return None
        if areas.loc[cur, "level"] == level:
            return str(cur)
        cur = areas.loc[cur, "parent_id"]
    return None


def test_ancestor_at_equals_a_walk_up_the_areas_table(G: RegionalGraph) -> None:
    arng = G.label_range(Label.AREA)
    areas = G.nodes[Label.AREA]
    codes = np.r_[np.arange(arng.start, arng.stop), -1, arng.stop]  # and -1, a non-area
    for level in ("district", "street", "community", "grid", "nope"):
        want = [_walk_up(areas, a, level) for a in areas.index] + [None, None]
        got = G.ancestor_at(codes, level)
        assert [None if c < 0 else G.ids[c] for c in got] == want, level


def test_resolved_references_equal_id_lookups(G: RegionalGraph) -> None:
    for label, column in ((Label.RESOURCE, "provider_id"), (Label.DEMAND, "requester_id"),
                          (Label.MEMBER, "org_id"), (Label.ORGANIZATION, "area_id"),
                          (Label.PARTY_ORG, "area_id"), (Label.PARTY_ORG, "host_id")):
        got = G.resolved(label, column)
        np.testing.assert_array_equal(got, G.codes(G.nodes[label][column]),
                                      err_msg=f"{label} {column}")
        assert not got.flags.writeable
    with pytest.raises(ValueError, match="not a reference"):
        G.resolved(Label.ORGANIZATION, "name")


def test_group_median_equals_pandas() -> None:
    rng = np.random.default_rng(5)
    row = rng.integers(0, 40, 500)
    values = np.round(rng.exponential(30, 500), 3)
    values[rng.random(500) < 0.3] = np.nan
    want = pd.Series(values).groupby(row).median().reindex(range(45))
    np.testing.assert_array_equal(_group_median(row, values, 45), want.to_numpy())


def test_join_per_row_and_texts_by_hand() -> None:
    got = join_per_row(np.array([2, 0, 2, 2]),
                       pd.array(["b", "a", None, "b"], dtype="str"), 4)
    assert list(pd.Series(got).fillna("-")) == ["a", "-", "b", "-"]
    chosen = texts(np.array([0, 2, 1]), ("x", None, "z"))
    assert pd.Series(chosen).fillna("-").tolist() == ["x", "z", "-"]
    assert chosen.dtype == pd.StringDtype("pyarrow", na_value=np.nan)


def test_codes_among_some_nodes_equal_the_full_lookup_restricted(G: RegionalGraph) -> None:
    rng = np.random.default_rng(11)
    among = np.unique(rng.integers(0, G.number_of_nodes(), 300))
    asked = [*G.ids[rng.integers(0, G.number_of_nodes(), 2000)], "nope", None]
    full = G.codes(asked)
    want = np.where(np.isin(full, among), full, -1)
    np.testing.assert_array_equal(G.codes(asked, among=among), want)
    assert G.codes(asked, among=np.zeros(0, np.int64)).tolist() == [-1] * len(asked)


@pytest.mark.parametrize("graph", ["G", "shuffled"])
def test_row_among_the_link_types_counts_the_link_rows(
        graph: str, request: pytest.FixtureRequest) -> None:
    """``G.row_among`` (from the runs of one type, or a count over the frame when the edges
    are shuffled) equals counting the link rows up to each link in the edge frame."""
    H: RegionalGraph = request.getfixturevalue(graph)
    is_link = H.edges["type"].isin(LINK_REL_TYPES).to_numpy()
    pos = np.flatnonzero(is_link)
    np.testing.assert_array_equal(H.row_among(pos, *LINK_REL_TYPES), np.cumsum(is_link)[pos])
    ties = np.flatnonzero(H.edges["type"].isin(["SITS_ON"]).to_numpy())
    np.testing.assert_array_equal(H.row_among(ties, "SITS_ON"), np.arange(1, len(ties) + 1))
