"""Stable wall maps: ``layout.csv`` written by ``write_maps`` and given back with
``layout_file`` (CLI ``--layout FILE``) keeps every surviving node where it was after
organisations are added and removed; new nodes land near their community without overlaps.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli
from regional_graph.build import graph_from_tables, graph_to_tables
from regional_graph.viz import maps
from regional_graph.viz.layout import node_boxes

DAY = rg.datasets.REFERENCE_DATE
STREET = "S01"
COMMUNITY = "C001"
NEW = ("O9001", "O9002", "O9003")


def _changed_tables() -> dict[str, pd.DataFrame]:
    """The sample with two unreferenced organisations of C001 removed and three added
    (one of them pairing with C001's committee)."""
    T = dict(graph_to_tables(rg.datasets.load_sample_district()))
    orgs = T["organizations"]
    links, parties = T["links"], T["party_orgs"]
    refs = set(links["source_id"]) | set(links["target_id"]) | set(
        T["resources"]["provider_id"]) | set(T["demands"]["requester_id"]) | set(
        parties["host_id"].dropna()) | set(T["members"]["org_id"].dropna()) | set(
        T["activities"]["source_id"].dropna()) | set(T["activities"]["target_id"].dropna())
    here = orgs[orgs["area_id"] == COMMUNITY]
    gone = [i for i in here["id"] if i not in refs][:2]
    assert len(gone) == 2
    template = here.iloc[[0] * len(NEW)].copy()
    template["id"] = list(NEW)
    template["name"] = ["松园新开科技有限公司", "松园社区便民超市", "海岚新材料研究院"]
    template["kind"] = ["enterprise", "enterprise", "institute"]
    T["organizations"] = pd.concat([orgs[~orgs["id"].isin(gone)], template],
                                   ignore_index=True)
    committee = parties[(parties["area_id"] == COMMUNITY)
                        & (parties["level"] == "community_committee")]["id"].iloc[0]
    pair = links.iloc[[0]].copy()
    pair["source_id"], pair["target_id"], pair["type"] = NEW[2], committee, "paired_with"
    pair["start"], pair["end"] = pd.Timestamp("2026-01-01"), pd.NaT
    T["links"] = pd.concat([links, pair], ignore_index=True)
    return T


@pytest.fixture(scope="module")
def G1() -> rg.RegionalGraph:
    G = graph_from_tables(_changed_tables(), name="changed")
    assert set(NEW) <= set(G.ids)
    return G


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, G1: rg.RegionalGraph
         ) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("layout")
    before, after, fresh = base / "before", base / "after", base / "fresh"
    G0 = rg.datasets.load_sample_district()
    maps.write_maps(G0, before, as_of=DAY, streets=[STREET], progress=False)
    maps.write_maps(G1, after, as_of=DAY, streets=[STREET], progress=False,
                    layout_file=before / "layout.csv")
    fresh.mkdir()  # the community map again without the layout file
    maps.layout_table([maps.community_map(G1, COMMUNITY, as_of=DAY)]).to_csv(
        fresh / "layout.csv", index=False)
    return before, after, fresh


def _moves(a: Path, b: Path) -> pd.DataFrame:
    t0 = pd.read_csv(a / "layout.csv", dtype={"id": str})
    t1 = pd.read_csv(b / "layout.csv", dtype={"id": str})
    width = t0.groupby("map")["x"].agg(lambda x: x.max() - x.min()).rename("width")
    both = t0.merge(t1, on=["map", "id"], suffixes=("0", "1")).join(width, on="map")
    both["move"] = np.hypot(both["x1"] - both["x0"], both["y1"] - both["y0"]) / both["width"]
    return both


def test_layout_csv_written(runs: tuple[Path, Path, Path]) -> None:
    before, _, _ = runs
    t = pd.read_csv(before / "layout.csv", dtype={"id": str})
    assert list(t.columns) == ["map", "id", "x", "y"]
    pages = {p.stem for p in before.glob("*.html")} - {"index", "wall"}
    assert set(t["map"]) == pages
    assert not t.duplicated(["map", "id"]).any()


def test_surviving_nodes_stay_new_ones_fit(runs: tuple[Path, Path, Path],
                                          G1: rg.RegionalGraph) -> None:
    before, after, fresh = runs
    kept = _moves(before, after)
    assert len(kept) > 300
    assert kept["move"].max() <= 0.02, kept.nlargest(3, "move")
    # without the layout file the same change moves the community map's nodes far
    # (what the issue reported): the test can tell the difference
    moved = _moves(before, fresh)
    assert moved.loc[moved["map"] == f"community_{COMMUNITY}", "move"].median() > 0.02
    # the new organisations are on the community and street maps, overlapping nobody
    t1 = pd.read_csv(after / "layout.csv", dtype={"id": str})
    for key in (f"community_{COMMUNITY}", f"street_{STREET}"):
        m = (maps.community_map(G1, COMMUNITY, as_of=DAY) if key.startswith("community")
             else maps.street_map(G1, STREET, as_of=DAY))
        pos = t1[t1["map"] == key].set_index("id")
        assert set(NEW) <= set(pos.index), key
        size = {n["id"]: n["size"] for n in m.nodes}
        label = {n["id"]: n["label"] for n in m.nodes}
        ids = list(pos.index)
        hw, hh = node_boxes([size[i] for i in ids], [label[i] for i in ids])
        xy = pos[["x", "y"]].to_numpy()
        for new in NEW:
            k = ids.index(new)
            dx = np.abs(xy[:, 0] - xy[k, 0]) < (hw + hw[k]) - 1e-6
            dy = np.abs(xy[:, 1] - xy[k, 1]) < (hh + hh[k]) - 1e-6
            clash = [ids[j] for j in np.flatnonzero(dx & dy) if j != k]
            assert clash == [], (key, new, clash)
        region_of = {n["id"]: n.get("region") for n in m.nodes}
        if key.startswith("street"):  # near (inside) their community's region
            assert region_of[NEW[0]] is not None


def test_cli_layout_file_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "layout.csv"
    bad.write_text("map,id,x,y\ncommunity_C001,C001,abc,1\ncommunity_C001,C001,2,\n",
                   encoding="utf-8")
    with pytest.raises(ValueError) as err:  # every problem at once, by row and column
        maps.read_layout(bad)
    msg = str(err.value)
    assert "第 2 行 x 列应为数字" in msg and "第 3 行 y 列应为数字" in msg
    assert "第 3 行：同一张图上的节点重复" in msg and str(bad) in msg
    code = cli.main(["maps", str(rg.datasets.SAMPLE_DISTRICT), "--out", str(tmp_path / "o"),
                     "--layout", str(tmp_path / "missing.csv")])
    assert code == 2
    assert "找不到布局文件" in capsys.readouterr().err


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))


def test_layout_file_is_formula_safe_and_reads_back(tmp_path: Path) -> None:
    """An id a spreadsheet would run (``=X``, ``-1a``) is written as ``'=X`` and read back as
    ``=X``; a number-like id (``-3``) is left alone."""
    from regional_graph.frames import safe_frame

    t = pd.DataFrame({"map": ["community_C1"] * 3, "id": ["=X", "-1a", "-3"],
                      "x": [1.0, 2.0, 3.0], "y": [-1.0, -2.0, -3.0]})
    p = tmp_path / "layout.csv"
    safe_frame(t).to_csv(p, index=False)
    assert p.read_text(encoding="utf-8").splitlines()[1:3] == [
        "community_C1,'=X,1.0,-1.0", "community_C1,'-1a,2.0,-2.0"]
    assert maps.read_layout(p) == {"community_C1": {"=X": (1.0, -1.0), "-1a": (2.0, -2.0),
                                                    "-3": (3.0, -3.0)}}
