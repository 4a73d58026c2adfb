"""Stable wall maps: the ``layout/`` folder (one CSV per district) written by ``write_maps``
and given back with ``layout_file`` (CLI ``--layout FOLDER``) keeps every surviving node
where it was after organisations are added and removed; new nodes land near their community
without overlaps. The single ``layout.csv`` of 0.x is still read.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli
from regional_graph.build import graph_from_tables, graph_to_tables
from regional_graph.datasets import SCALES
from regional_graph.frames import safe_frame
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
                    layout_file=before / "layout")
    (fresh / "layout").mkdir(parents=True)  # the community map again without the layout
    maps.layout_table([maps.community_map(G1, COMMUNITY, as_of=DAY)]).to_csv(
        fresh / "layout" / "district_D01.csv", index=False)
    return before, after, fresh


def _table(out: Path) -> pd.DataFrame:
    """Every row of the layout files of an output folder (read as a person would)."""
    files = sorted((out / "layout").glob("*.csv")) or [out / "layout.csv"]
    return pd.concat([pd.read_csv(f, dtype={"map": str, "id": str}, encoding="utf-8-sig")
                      for f in files], ignore_index=True)


def _moves(a: Path, b: Path) -> pd.DataFrame:
    t0, t1 = _table(a), _table(b)
    width = t0.groupby("map")["x"].agg(lambda x: x.max() - x.min()).rename("width")
    both = t0.merge(t1, on=["map", "id"], suffixes=("0", "1")).join(width, on="map")
    both["move"] = np.hypot(both["x1"] - both["x0"], both["y1"] - both["y0"]) / both["width"]
    return both


def test_layout_folder_written(runs: tuple[Path, Path, Path]) -> None:
    before, _, _ = runs
    assert [p.name for p in (before / "layout").iterdir()] == ["district_D01.csv"]
    assert not (before / "layout.csv").exists()
    t = _table(before)
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
    t1 = _table(after)
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



def test_layout_file_is_formula_safe_and_reads_back(tmp_path: Path) -> None:
    """An id a spreadsheet would run (``=X``, ``-1a``) is written as ``'=X`` and read back as
    ``=X``; a number-like id (``-3``) is left alone."""
    t = pd.DataFrame({"map": ["community_C1"] * 3, "id": ["=X", "-1a", "-3"],
                      "x": [1.0, 2.0, 3.0], "y": [-1.0, -2.0, -3.0]})
    p = tmp_path / "layout.csv"
    safe_frame(t).to_csv(p, index=False)
    assert p.read_text(encoding="utf-8").splitlines()[1:3] == [
        "community_C1,'=X,1.0,-1.0", "community_C1,'-1a,2.0,-2.0"]
    assert maps.read_layout(p) == {"community_C1": {"=X": (1.0, -1.0), "-1a": (2.0, -2.0),
                                                    "-3": (3.0, -3.0)}}


# -- the 0.x single layout.csv is still read ---------------------------------------------------


def test_old_single_layout_csv_still_accepted(runs: tuple[Path, Path, Path],
                                              G1: rg.RegionalGraph, tmp_path: Path) -> None:
    """Last year's output of 0.x (one ``layout.csv``, UTF-8 without BOM) keeps the positions
    exactly as the folder does, given as the file or as its output folder."""
    before, after, _ = runs
    old_out = tmp_path / "maps2026"
    old_out.mkdir()
    old = old_out / "layout.csv"
    safe_frame(_table(before)).to_csv(old, index=False, encoding="utf-8")  # as 0.x wrote it
    (old_out / "index.html").write_text("<html></html>", encoding="utf-8")
    (old_out / "index.csv").write_text("file,area_id\n", encoding="utf-8")
    assert maps.read_layout(old_out) == maps.read_layout(old) == maps.read_layout(before)
    again = tmp_path / "maps2027"
    maps.write_maps(G1, again, as_of=DAY, streets=[STREET], progress=False, layout_file=old)
    key = ["map", "id"]
    pd.testing.assert_frame_equal(_table(again).sort_values(key, ignore_index=True),
                                  _table(after).sort_values(key, ignore_index=True))


def test_cli_layout_folder_and_output_folder(tmp_path: Path) -> None:
    """``--layout`` takes the ``layout`` folder or the whole output folder of the last run:
    positions moved by hand in the folder's CSV are the ones drawn."""
    data = str(rg.datasets.TINY)
    first = tmp_path / "y1"
    assert cli.main(["maps", data, "--out", str(first), "--as-of", "2024-06-30"]) == 0
    f = first / "layout" / "district_D1.csv"
    assert [p.name for p in (first / "layout").iterdir()] == [f.name]
    t = pd.read_csv(f, dtype={"map": str, "id": str}, encoding="utf-8-sig")
    on = t["map"] == "community_C1"
    t.loc[on, "x"] += 37.5  # an office moved the whole community map by hand
    t.to_csv(f, index=False, encoding="utf-8-sig")
    for name, layout in (("y2", first / "layout"), ("y3", first)):
        assert cli.main(["maps", data, "--out", str(tmp_path / name), "--as-of", "2024-06-30",
                         "--layout", str(layout)]) == 0
        t2 = _table(tmp_path / name)
        assert len(t2) == len(t)
        both = t.merge(t2, on=["map", "id"], suffixes=("0", "1"))
        assert len(both) == len(t)
        assert np.allclose(both["x1"], both["x0"]) and np.allclose(both["y1"], both["y0"])


# -- a dataset of several districts: one file per district ---------------------------------------

SMALL_CITY = dataclasses.replace(
    SCALES["city"], districts=2, streets_per_district=2, communities_per_street=2.0,
    grids_per_community=1, buildings_per_grid=1, members_per_community=5.0,
    two_new_per_community=5.0, report_years=1)
ODD = "D:02/北"  # a district id no file system takes as a name


@pytest.fixture(scope="module")
def city_tables() -> dict[str, pd.DataFrame]:
    T = rg.datasets.generate_tables(SMALL_CITY, seed=3)
    assert T["areas"]["id"].tolist()[:2] == ["D01", "D02"]
    return {k: df.replace({"D02": ODD}) for k, df in T.items()}


def _expected_files(areas: pd.DataFrame) -> dict[str, set[str]]:
    """District id → the keys of its maps, from the area table's parent ids."""
    parent = dict(zip(areas["id"], areas["parent_id"], strict=True))
    level = dict(zip(areas["id"], areas["level"], strict=True))
    out: dict[str, set[str]] = {}
    for a, lv in level.items():
        if lv == "street":
            out.setdefault(parent[a], set()).update({f"street_{a}", f"org_chart_{a}"})
        elif lv == "community":
            out.setdefault(parent[parent[a]], set()).add(f"community_{a}")
    return out


@pytest.fixture(scope="module")
def city_runs(tmp_path_factory: pytest.TempPathFactory,
              city_tables: dict[str, pd.DataFrame]) -> tuple[Path, Path, str, list[str]]:
    """The small city's maps; then again after removing two organisations of a community
    of the odd district and adding one, with the first run's layout folder."""
    base = tmp_path_factory.mktemp("city")
    maps.write_maps(graph_from_tables(city_tables), base / "y1", as_of=DAY, progress=False)
    T = dict(city_tables)
    orgs = T["organizations"]
    used = {v for k, df in T.items() if k != "organizations" for v in df.to_numpy().ravel()}
    used |= set(orgs.drop(columns="id").to_numpy().ravel())
    streets = T["areas"].loc[T["areas"]["parent_id"] == ODD, "id"]
    comms = T["areas"].loc[T["areas"]["parent_id"].isin(streets), "id"]
    for c in comms:
        free = [i for i in orgs.loc[orgs["area_id"] == c, "id"] if i not in used]
        if len(free) >= 2:
            break
    gone = free[:2]
    new = orgs[orgs["id"] == free[0]].copy()
    new["id"], new["name"] = "O99001", "北岸新开科技有限公司"
    T["organizations"] = pd.concat([orgs[~orgs["id"].isin(gone)], new], ignore_index=True)
    maps.write_maps(graph_from_tables(T), base / "y2", as_of=DAY, progress=False,
                    layout_file=base / "y1" / "layout")
    return base / "y1", base / "y2", f"community_{c}", gone


def test_city_layout_split_per_district(city_runs: tuple[Path, Path, str, list[str]],
                                        city_tables: dict[str, pd.DataFrame]) -> None:
    out = city_runs[0]
    files = sorted(p.name for p in (out / "layout").iterdir())
    odd = next(f for f in files if f not in ("district_D01.csv", "overview.csv"))
    assert files == sorted(["district_D01.csv", odd, "overview.csv"])
    assert odd.startswith("district_D_02_北") and odd.endswith(".csv")  # made safe
    expected = _expected_files(city_tables["areas"])
    assert set(expected) == {"D01", ODD}
    by_file = {"district_D01.csv": expected["D01"], odd: expected[ODD],
               "overview.csv": {"district"}}
    pages = {p.stem for p in out.glob("*.html")} - {"index", "wall"}
    assert set().union(*by_file.values()) == pages
    for name, keys in by_file.items():
        t = pd.read_csv(out / "layout" / name, dtype={"map": str, "id": str},
                        encoding="utf-8-sig")
        assert list(t.columns) == ["map", "id", "x", "y"]
        assert set(t["map"]) == keys, name  # that district's maps, all of them, no other
        assert not t.duplicated(["map", "id"]).any()
    back = maps.read_layout(out)
    assert set(back) == pages and sum(map(len, back.values())) == len(_table(out))


def test_city_relayout_keeps_surviving_nodes(city_runs: tuple[Path, Path, str, list[str]]
                                             ) -> None:
    before, after, changed, gone = city_runs
    kept = _moves(before, after)
    assert kept["move"].max() <= 0.02, kept.nlargest(3, "move")
    t1 = _table(after)
    on = t1[t1["map"] == changed]
    assert "O99001" in set(on["id"]) and not set(gone) & set(on["id"])
    assert len(kept) == len(t1) - (t1["id"] == "O99001").sum()  # every other node survived


# -- errors and the files themselves -----------------------------------------------------------


def test_layout_folder_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem of every file at once, each with its file, rows and columns."""
    d = tmp_path / "layout"
    d.mkdir()
    (d / "district_A.csv").write_text("map,id,x,y\ncommunity_C1,C1,abc,1\n", encoding="utf-8")
    (d / "district_B.csv").write_text("map,id,x\ncommunity_C2,C2,1\n", encoding="utf-8")
    (d / "district_C.csv").write_text("map,id,x,y\nstreet_S1,S1,1,2\n", encoding="utf-8")
    (d / "district_D.csv").write_text("map,id,x,y\nstreet_S1,S1,1,2\n", encoding="utf-8")
    (d / "notes.txt").write_text("not a layout", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        maps.read_layout(d)
    msg = str(err.value)
    assert f"布局文件夹 {d} 有误" in msg
    assert f"布局文件 {d / 'district_A.csv'} 有误：第 2 行 x 列应为数字" in msg
    assert f"布局文件 {d / 'district_B.csv'} 缺少列：y" in msg
    assert (f"地图 street_S1 同时出现在布局文件 {d / 'district_C.csv'} 和 "
            f"{d / 'district_D.csv'} 中") in msg
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="没有 CSV 文件"):
        maps.read_layout(empty)
    code = cli.main(["maps", str(rg.datasets.TINY), "--out", str(tmp_path / "o"),
                     "--layout", str(d)])
    err_text = capsys.readouterr().err
    assert code == 2 and "district_A.csv" in err_text and "第 2 行 x 列" in err_text
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").glob("*.html"))


def test_write_layout_is_formula_safe_and_replaces_old_files(tmp_path: Path) -> None:
    G = rg.datasets.load_tiny()
    m = maps.NetworkMap(key="community_C1", kind="community", title="", subtitle="",
                        nodes=[{"id": "=HYPERLINK(1)", "x": 1.0, "y": 2.0},
                               {"id": "C1", "x": 3.0, "y": 4.0}],
                        edges=[], legend=[], filters={}, area_id="C1", street_id="S1")
    d = tmp_path / "layout"
    d.mkdir()
    (d / "district_OLD.csv").write_text("map,id,x,y\n", encoding="utf-8")
    (d / "readme.txt").write_text("kept", encoding="utf-8")
    assert maps.write_layout(G, [m], d) == [d / "district_D1.csv"]
    assert sorted(p.name for p in d.iterdir()) == ["district_D1.csv", "readme.txt"]
    text = (d / "district_D1.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["map,id,x,y", "community_C1,'=HYPERLINK(1),1.0,2.0",
                                 "community_C1,C1,3.0,4.0"]
    assert maps.read_layout(d) == {"community_C1": {"=HYPERLINK(1)": (1.0, 2.0),
                                                    "C1": (3.0, 4.0)}}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
