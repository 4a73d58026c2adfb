"""Stable layouts: the positions a run of ``maps`` used (``layout.csv``: map, id, x, y)
written and read back, so that next year's map keeps every surviving node where it was and
places the new ones near their anchor without overlaps.

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

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .layout import node_boxes

if TYPE_CHECKING:
    from .maps import NetworkMap

__all__ = ["LAYOUT_COLUMNS", "keep_layout", "layout_table", "read_layout"]


LAYOUT_COLUMNS = ("map", "id", "x", "y")


def layout_table(maps: Iterable[NetworkMap]) -> pd.DataFrame:
    """The positions of every node of ``maps``: columns ``map`` (file stem), ``id``, ``x``,
    ``y`` (pixels, y down) — what ``write_maps`` saves as ``layout.csv`` (formula-safe,
    :func:`regional_graph.frames.safe_frame`; :func:`read_layout` reads it back).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> from regional_graph.viz.maps import org_chart
    >>> t = layout_table([org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)])
    >>> list(t.columns), t["map"].iloc[0]
    (['map', 'id', 'x', 'y'], 'org_chart_S01')
    """
    rows = [(m.key, str(n["id"]), round(float(n["x"]), 2), round(float(n["y"]), 2))
            for m in maps for n in m.nodes]
    return pd.DataFrame(rows, columns=list(LAYOUT_COLUMNS))


def read_layout(path: str | Path) -> dict[str, dict[str, tuple[float, float]]]:
    """Read a ``layout.csv`` back: map → node id → ``(x, y)``.

    Raises ``ValueError`` naming the file, rows and columns of every problem (missing
    columns, non-numeric or missing coordinates, a node twice on one map).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> from regional_graph.viz.maps import org_chart
    >>> m = org_chart(G, "S01", as_of=rg.datasets.REFERENCE_DATE)
    >>> p = Path(tempfile.mkdtemp()) / "layout.csv"
    >>> layout_table([m]).to_csv(p, index=False)
    >>> pos = read_layout(p)
    >>> m.nodes[0]["id"], pos["org_chart_S01"][m.nodes[0]["id"]]
    ('PS01', (0.0, 0.0))
    """
    p = Path(path)
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
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> from regional_graph.viz.maps import community_map
    >>> m = community_map(G, "C001", as_of=rg.datasets.REFERENCE_DATE)
    >>> x1 = m.nodes[1]["x"]
    >>> prev = {n["id"]: (n["x"] + 5.0, n["y"]) for n in m.nodes[1:]}
    >>> m = keep_layout(m, prev)
    >>> round(m.nodes[1]["x"] - x1, 6), sum(m.nodes[i]["x"] != prev[m.nodes[i]["id"]][0]
    ...                                    for i in range(1, len(m.nodes)))
    (5.0, 0)
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
