"""Stable layouts: the positions a run of ``maps`` used (``layout/``: one CSV of map, id, x,
y per district) written and read back, so that next year's map keeps every surviving node
where it was and places the new ones near their anchor without overlaps.

One file per district keeps every file small whatever the size of the data (about 1.2 MB
for a district of 120 communities; a city is ten such files, not one of 10.5 MB) and gives each
district office the file of its own maps. An overview above district level (a city's) has
its own ``overview.csv``. :func:`read_layout` reads such a folder or the single
``layout.csv`` earlier versions wrote.

The names are importable from :mod:`regional_graph.viz.maps` as well.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.viz import maps
>>> G = rg.datasets.load_tiny()
>>> t = layout_table([maps.org_chart(G, "S1", as_of="2024-06-30")])
>>> t.loc[0, ["map", "id"]].tolist(), t.loc[0, ["x", "y"]].tolist()
(['org_chart_S1', 'PS1'], [0.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..frames import area_file_name, safe_frame
from ..schema import Label
from .layout import node_boxes

if TYPE_CHECKING:
    from ..graph import RegionalGraph
    from .networkmap import NetworkMap

__all__ = ["LAYOUT_COLUMNS", "LAYOUT_DIR", "OVERVIEW_FILE", "keep_layout", "layout_files",
           "layout_table", "read_layout", "write_layout"]


LAYOUT_COLUMNS = ("map", "id", "x", "y")
#: The folder of the output ``write_maps`` writes the positions into.
LAYOUT_DIR = "layout"
#: The layout file of an overview map above district level (a city's).
OVERVIEW_FILE = "overview.csv"
#: The single file of earlier versions (still read).
OLD_LAYOUT_FILE = "layout.csv"


def layout_table(maps: Iterable[NetworkMap]) -> pd.DataFrame:
    """The positions of every node of ``maps``: columns ``map`` (file stem), ``id``, ``x``,
    ``y`` (pixels, y down) — what :func:`write_layout` saves, a district per file
    (formula-safe, :func:`regional_graph.frames.safe_frame`; :func:`read_layout` reads it
    back).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz.maps import org_chart
    >>> G = rg.datasets.load_tiny()
    >>> t = layout_table([org_chart(G, "S2", as_of="2024-06-30")])
    >>> list(t.columns), t["map"].unique().tolist(), t["id"].tolist()
    (['map', 'id', 'x', 'y'], ['org_chart_S2'], ['PS2', 'PC3'])
    """
    rows = [(m.key, str(n["id"]), round(float(n["x"]), 2), round(float(n["y"]), 2))
            for m in maps for n in m.nodes]
    return pd.DataFrame(rows, columns=list(LAYOUT_COLUMNS))


def layout_files(G: RegionalGraph, maps: Iterable[NetworkMap]) -> dict[str, str]:
    """Map key → the name of the file in ``layout/`` holding its positions.

    The maps of a street (street map, org chart, community maps) go to its district's
    ``district_<id>.csv``; the overview goes there too when the data holds one district,
    else to ``overview.csv``; a street under no district has its own ``street_<id>.csv``.
    Ids are made safe for any file system (:func:`regional_graph.frames.area_file_name`).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz.maps import all_maps
    >>> G = rg.datasets.load_tiny()  # one district, 小岚区 (D1)
    >>> files = layout_files(G, all_maps(G, as_of="2024-06-30", progress=False))
    >>> files["district"], files["community_C3"], len(files)
    ('district_D1.csv', 'district_D1.csv', 8)
    >>> area_file_name("district", "D/1", ".csv")  # an id no file system takes
    'district_D_1-736acf.csv'
    """
    maps = list(maps)
    arng = G.label_range(Label.AREA)
    districts = G.ids[arng][G.area_levels()[arng] == "district"]
    streets = sorted({str(m.street_id) for m in maps if m.street_id is not None})
    codes = G.codes(streets, Label.AREA)
    above = G.ancestor_at(np.where(codes >= 0, codes, 0), "district")
    file_of = {s: area_file_name("district", str(G.ids[d]), ".csv") if c >= 0 and d >= 0
               else area_file_name("street", s, ".csv")
               for s, c, d in zip(streets, codes.tolist(), above.tolist(), strict=True)}
    top = (area_file_name("district", str(districts[0]), ".csv") if len(districts) == 1
           else OVERVIEW_FILE)
    return {m.key: top if m.street_id is None else file_of[str(m.street_id)] for m in maps}


def write_layout(G: RegionalGraph, maps: Sequence[NetworkMap], folder: str | Path
                 ) -> list[Path]:
    """Write the positions of ``maps`` into ``folder``, one formula-safe CSV (map, id, x, y;
    UTF-8 with BOM, as the other tables) per file of :func:`layout_files`; CSV files of an
    earlier run left in ``folder`` are removed. Returns the files written.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.viz.maps import all_maps
    >>> G = rg.datasets.load_tiny()
    >>> ms = list(all_maps(G, as_of="2024-06-30", progress=False))
    >>> [p.name for p in write_layout(G, ms, Path(tempfile.mkdtemp()) / "layout")]
    ['district_D1.csv']
    """
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    table = layout_table(maps)
    names = table["map"].map(layout_files(G, maps))
    written = []
    for name, part in table.groupby(names, sort=True):  # rows keep the maps' order
        p = d / str(name)
        safe_frame(part).to_csv(p, index=False, encoding="utf-8-sig")
        written.append(p)
    for old in _csv_files(d):
        if old not in written:
            old.unlink()
    return written


def read_layout(path: str | Path) -> dict[str, dict[str, tuple[float, float]]]:
    """Read positions back: map → node id → ``(x, y)``, from the ``layout`` folder of
    :func:`write_layout` (every CSV in it), an output folder holding one, or the single
    ``layout.csv`` of a run of 0.x (or its output folder).

    Raises ``ValueError`` naming the file, rows and columns of every problem in every file
    at once (missing columns, non-numeric or missing coordinates, a node twice on one map,
    a map in two files).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()) / "layout"
    >>> d.mkdir()
    >>> _ = (d / "district_D1.csv").write_text(
    ...     "map,id,x,y\\ncommunity_C1,C1,0,0\\ncommunity_C1,'=O1,120.5,-40\\n", encoding="utf-8")
    >>> _ = (d / "district_D2.csv").write_text("map,id,x,y\\nstreet_S9,S9,1,2\\n",
    ...                                         encoding="utf-8")
    >>> read_layout(d)  # the folder (or the output folder holding it); '=O1 is =O1
    {'community_C1': {'C1': (0.0, 0.0), '=O1': (120.5, -40.0)}, 'street_S9': {'S9': (1.0, 2.0)}}
    >>> read_layout(d / "district_D2.csv")  # one file (a layout.csv of 0.x)
    {'street_S9': {'S9': (1.0, 2.0)}}
    """
    p = Path(path)
    if not p.is_dir():
        return _read_file(p)
    files = _layout_folder(p)
    out: dict[str, dict[str, tuple[float, float]]] = {}
    origin: dict[str, Path] = {}
    problems: list[str] = []
    for f in files:
        try:
            part = _read_file(f)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        for key, pos in part.items():
            if key in origin:
                problems.append(f"地图 {key} 同时出现在布局文件 {origin[key]} 和 {f} 中")
            else:
                origin[key], out[key] = f, pos
    if problems:
        raise ValueError(f"布局文件夹 {files[0].parent} 有误：\n" + "\n".join(problems))
    return out


def _csv_files(folder: Path) -> list[Path]:
    """The CSV files directly in ``folder`` (not hidden, not office lock files), by name."""
    return sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() == ".csv"
                  and not f.name.startswith((".", "~$")))


def _layout_folder(p: Path) -> list[Path]:
    """The layout files of a folder given to ``--layout``: its CSVs, or those of its
    ``layout/`` (an output folder), or its ``layout.csv`` (an output folder of 0.x)."""
    if (p / LAYOUT_DIR).is_dir():
        p = p / LAYOUT_DIR
    elif (p / OLD_LAYOUT_FILE).is_file() and (p / "index.html").is_file():
        return [p / OLD_LAYOUT_FILE]
    files = _csv_files(p)
    if not files:
        raise ValueError(f"布局文件夹 {p} 中没有 CSV 文件（应为上次输出的 {LAYOUT_DIR} 文件夹、"
                         f"上次的输出文件夹，或 0.x 版输出的 {OLD_LAYOUT_FILE}）")
    return files


def _read_file(p: Path) -> dict[str, dict[str, tuple[float, float]]]:
    """One layout CSV: map → node id → ``(x, y)``; ``ValueError`` naming every problem."""
    try:
        t = pd.read_csv(p, dtype={"map": str, "id": str}, keep_default_na=False,
                        encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"布局文件 {p} 无法读取：{exc}") from exc
    missing = [c for c in LAYOUT_COLUMNS if c not in t.columns]
    for c in ("map", "id"):  # written formula-safe (frames.safe_frame): '=X is =X
        if c in t.columns:
            hit = t[c].str.match(r"'+[=+\-@\t\r]", na=False)
            t[c] = t[c].where(~hit, t[c].str.slice(1))
    if missing:
        raise ValueError(f"布局文件 {p} 缺少列：{'、'.join(missing)}"
                         f"（应有 {', '.join(LAYOUT_COLUMNS)}）")
    problems: list[str] = []
    xy = {c: pd.to_numeric(t[c].replace("", np.nan), errors="coerce") for c in ("x", "y")}
    for c in ("x", "y"):
        bad = np.flatnonzero(~np.isfinite(xy[c].to_numpy(dtype=float)))
        if len(bad):
            rows = "、".join(str(r + 2) for r in bad[:10])
            problems.append(f"第 {rows} 行 {c} 列应为数字（像素坐标）")
    blank = np.flatnonzero((t["map"] == "") | (t["id"] == ""))
    if len(blank):
        problems.append(f"第 {'、'.join(str(r + 2) for r in blank[:10])} 行 map 或 id 列为空")
    dup = np.flatnonzero(t.duplicated(["map", "id"]).to_numpy())
    if len(dup):
        problems.append(f"第 {'、'.join(str(r + 2) for r in dup[:10])} 行：同一张图上的节点重复")
    if problems:
        raise ValueError(f"布局文件 {p} 有误：" + "；".join(problems))
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for key, i, x, y in zip(t["map"], t["id"], xy["x"], xy["y"], strict=True):
        out.setdefault(key, {})[i] = (float(x), float(y))
    return out


def keep_layout(m: NetworkMap, previous: Mapping[str, tuple[float, float]]) -> NetworkMap:
    """Put every node of ``m`` that has a previous position back there; place the new ones
    near their anchor (the previous nodes they link to, else the rest of their region, else
    the map's centre) on a spot where their box overlaps no other; redraw the regions
    around their members. Changes ``m`` in place and returns it.

    Examples
    --------
    Last year's map of C1 had every node 5 px further right, and O8 (linked to C1) is new:

    >>> import regional_graph as rg
    >>> from regional_graph.viz.maps import community_map
    >>> m = community_map(rg.datasets.load_tiny(), "C1", as_of="2024-06-30")
    >>> x0 = {n["id"]: n["x"] for n in m.nodes}
    >>> prev = {n["id"]: (n["x"] + 5.0, n["y"]) for n in m.nodes if n["id"] != "O8"}
    >>> m = keep_layout(m, prev)
    >>> sorted({round(n["x"] - x0[n["id"]], 6) for n in m.nodes if n["id"] != "O8"})
    [5.0]
    >>> at = {n["id"]: (n["x"], n["y"]) for n in m.nodes}
    >>> np.subtract(at["O8"], at["C1"]).round(1).tolist()  # on a free spot just below C1
    [-28.9, 89.1]
    """
    from .layout import place_near

    n = len(m.nodes)
    if not n:
        return m
    ids = [str(x["id"]) for x in m.nodes]
    xy = np.array([[x["x"], x["y"]] for x in m.nodes], dtype=float)
    old = np.array([i in previous for i in ids])
    if not old.any():
        return m
    xy[old] = [previous[i] for i, o in zip(ids, old, strict=True) if o]
    todo = np.flatnonzero(~old)
    if len(todo):
        where = {i: k for k, i in enumerate(ids)}
        nbrs: dict[int, list[int]] = {}
        for e in m.edges:
            a, c = where.get(str(e["from"])), where.get(str(e["to"]))
            if a is not None and c is not None:
                nbrs.setdefault(a, []).append(c)
                nbrs.setdefault(c, []).append(a)
        region = np.array([x.get("region", -1) for x in m.nodes])
        centre = xy[old].mean(axis=0)
        anchors = []
        for i in todo:
            near = [j for j in nbrs.get(int(i), []) if old[j]]
            same = np.flatnonzero(old & (region == region[i])) if region[i] >= 0 \
                else np.zeros(0, dtype=np.int64)
            anchors.append(xy[near].mean(axis=0) if near else
                           xy[same].mean(axis=0) if len(same) else centre)
        size = np.array([float(x.get("size") or 14.0) for x in m.nodes])
        hw, hh = node_boxes(size, [x.get("label") for x in m.nodes])
        xy = place_near(xy, hw, hh, todo, np.asarray(anchors))
    for rec, (x, y) in zip(m.nodes, xy.tolist(), strict=True):
        rec["x"], rec["y"] = float(x), float(y)
    if m.regions:
        size = np.array([float(x.get("size") or 14.0) for x in m.nodes])
        hw, hh = node_boxes(size, [x.get("label") for x in m.nodes])
        region = np.array([x.get("region", -1) for x in m.nodes])
        for k, reg in enumerate(m.regions):
            mem = np.flatnonzero(region == k)
            if not len(mem):
                continue
            lo = (xy[mem] - np.column_stack([hw[mem], hh[mem]])).min(axis=0)
            hi = (xy[mem] + np.column_stack([hw[mem], hh[mem]])).max(axis=0)
            c = (lo + hi) / 2.0
            corner = np.hypot(np.abs(xy[mem, 0] - c[0]) + hw[mem],
                              np.abs(xy[mem, 1] - c[1]) + hh[mem])
            reg.update(x=float(c[0]), y=float(c[1]), r=float(corner.max()) + 45.0)
    return m
