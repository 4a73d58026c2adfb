"""``viz.maps`` after its split into modules by concern: every public name of the module
before the split is still importable from it, and is the object of the module that now
defines it; the maps' modules keep within their size."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from regional_graph import viz
from regional_graph.viz import maps

#: Where each public name of ``viz.maps`` (as of the split) lives now.
HOMES = {
    "networkmap": ["NetworkMap", "Layout", "EDGE_STYLE", "STATUS_STYLE", "FLAG_NAMES",
                   "FLAG_BORDER", "FLAG_LEGEND"],
    "mapdata": ["ALLOWED_FIELDS", "ALLOWED_LINK_FIELDS"],
    "areamaps": ["community_map", "street_map", "district_overview"],
    "orgchart": ["org_chart"],
    "mapfolder": ["index_page", "all_maps", "map_jobs", "build_map", "write_maps"],
    "layoutfile": ["LAYOUT_COLUMNS", "LAYOUT_DIR", "keep_layout", "layout_files",
                   "layout_table", "read_layout", "write_layout"],
}
MAP_MODULES = ["networkmap", "maptext", "mapdata", "mapflags", "assemble", "areamaps",
               "orgchart", "mapfolder", "maps"]


@pytest.mark.parametrize("module", sorted(HOMES))
def test_every_public_name_is_still_importable_from_maps(module: str) -> None:
    home = importlib.import_module(f"regional_graph.viz.{module}")
    moved = [n for n in HOMES[module] if getattr(maps, n, None) is not getattr(home, n)]
    assert moved == []


def test_all_lists_the_same_names_as_before_the_split() -> None:
    assert sorted(maps.__all__) == [
        "ALLOWED_FIELDS", "EDGE_STYLE", "LAYOUT_COLUMNS", "LAYOUT_DIR", "NetworkMap",
        "community_map", "district_overview", "index_page", "keep_layout", "layout_files",
        "layout_table", "org_chart", "read_layout", "street_map", "write_layout", "write_maps"]


def test_the_map_modules_load_lazily_from_viz_and_stay_small() -> None:
    assert set(MAP_MODULES) <= set(viz.__all__)
    lines = {m: len(Path(importlib.import_module(f"regional_graph.viz.{m}").__file__ or "")
                     .read_text(encoding="utf-8").splitlines()) for m in MAP_MODULES}
    assert {m: n for m, n in lines.items() if n > 800} == {}
