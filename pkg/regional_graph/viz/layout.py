"""Deterministic node layouts (pixel coordinates) for wall-display maps.

All functions return an ``(n, 2)`` float array of screen coordinates (y grows downwards),
centred on the origin and scaled to fit a canvas of ``width`` x ``height`` pixels. When the
size is left as None it grows with ``sqrt(n)`` from 1920 x 1080 at 300 nodes, so node density
(and hence overlap at a given zoom) stays about constant: vis-network zoom scales node sizes
and distances together, so nodes crammed into a small canvas stay overlapped when zoomed in.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator, Sequence

import igraph as ig
import numpy as np
import numpy.typing as npt

__all__ = [
    "auto_canvas", "cluster_layout", "force_layout", "geo_layout", "label_width", "node_boxes",
    "place_near", "remove_overlaps", "scale_to_canvas", "separate_discs", "tree_layout",
]

IntArray = npt.ArrayLike
_rng_lock = threading.Lock()


def scale_to_canvas(
    xy: npt.ArrayLike,
    *,
    width: float = 1920.0,
    height: float = 1080.0,
    margin: float = 0.05,
    keep_aspect: bool = True,
) -> np.ndarray:
    """Scale coordinates uniformly into a ``width`` x ``height`` box centred on 0.

    Parameters
    ----------
    xy
        ``(n, 2)`` coordinates; y already in screen orientation.
    width, height
        Canvas size in pixels.
    margin
        Fraction of the canvas left free on each side.
    keep_aspect
        Scale both axes by the same factor (default); otherwise fill the box.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` float64 array.

    Examples
    --------
    >>> scale_to_canvas([[0, 0], [2, 1]], width=100, height=100, margin=0).tolist()
    [[-50.0, -25.0], [50.0, 25.0]]
    >>> import regional_graph as rg
    >>> orgs = rg.datasets.load_tiny().nodes[rg.schema.Label.ORGANIZATION]
    >>> xy = scale_to_canvas(orgs[["lon", "lat"]].to_numpy(), width=800, height=600)
    >>> xy[[1, 4]].round(1).tolist()  # O2 the westmost, O5 the eastmost: 40 px from the edge
    [[-360.0, -18.8], [360.0, 18.8]]
    """
    arr = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    if arr.shape[0] == 0:
        return arr.copy()
    arr = np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = arr.min(axis=0), arr.max(axis=0)
    centre = (lo + hi) / 2.0
    span = hi - lo
    avail = np.array([width, height], dtype=np.float64) * (1.0 - 2.0 * margin)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(span > 0, avail / span, np.inf)
    if keep_aspect:
        scale = float(ratios.min())
        ratios = np.array([scale, scale]) if np.isfinite(scale) else np.ones(2)
    else:
        ratios = np.where(np.isfinite(ratios), ratios, 1.0)
    return (arr - centre) * ratios


@contextlib.contextmanager
def _igraph_rng(seed: int) -> Iterator[None]:
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            ig.set_random_number_generator(random)


def auto_canvas(
    n: int, width: float | None = None, height: float | None = None
) -> tuple[float, float]:
    """Return ``(width, height)``, defaulting to 1920 x 1080 scaled by ``sqrt(n / 300)``.

    Examples
    --------
    >>> auto_canvas(300), auto_canvas(1200), auto_canvas(10, width=800)
    ((1920.0, 1080.0), (3840.0, 2160.0), (800, 1080.0))
    """
    k = max(1.0, float(np.sqrt(max(n, 1) / 300.0)))
    w = width if width is not None else 1920.0 * k
    h = height if height is not None else 1080.0 * k
    return w, h


def _edge_list(n: int, src: IntArray, dst: IntArray) -> np.ndarray:
    s = np.asarray(src, dtype=np.int64).ravel()
    d = np.asarray(dst, dtype=np.int64).ravel()
    if s.shape != d.shape:
        raise ValueError("edges_src and edges_dst must have the same length")
    if s.size and (min(s.min(), d.min()) < 0 or max(s.max(), d.max()) >= n):
        raise ValueError("edge endpoint out of range 0..n-1")
    keep = s != d
    return np.column_stack([s[keep], d[keep]])


def force_layout(
    n: int,
    edges_src: IntArray,
    edges_dst: IntArray,
    *,
    seed: int = 0,
    width: float | None = None,
    height: float | None = None,
    niter: int | None = None,
) -> np.ndarray:
    """Deterministic force-directed layout.

    Uses igraph's Fruchterman–Reingold (grid variant above 1,000 nodes) from a start
    position drawn with ``numpy.random.default_rng(seed)``; the same seed and graph give
    the same coordinates. Each connected component is laid out separately and the
    components are packed by igraph, so isolated nodes do not fly off.

    Parameters
    ----------
    n
        Number of nodes (ids ``0..n-1``).
    edges_src, edges_dst
        Integer arrays of edge endpoints.
    seed
        Seed for the start positions.
    width, height
        Target canvas size in pixels (default: :func:`auto_canvas`).
    niter
        Iterations (default 500 for small graphs, fewer for large ones).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` pixel coordinates centred on 0.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> net = rg.analysis.structure.tie_network(G, as_of="2024-06-30")
    >>> n, u, v = net.number_of_nodes(), net.edges[:, 0], net.edges[:, 1]
    >>> n, net.edges.tolist()  # node 2 is tied to both others
    (3, [[0, 2], [1, 2]])
    >>> xy = force_layout(n, u, v, seed=1)
    >>> xy.shape, np.argsort(xy[:, 0]).tolist()  # … and drawn between them
    ((3, 2), [0, 2, 1])
    """
    if n == 0:
        return np.zeros((0, 2))
    el = _edge_list(n, edges_src, edges_dst)
    g = ig.Graph(n=n, edges=el.tolist(), directed=False)
    g.simplify()
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1.0, 1.0, size=(n, 2)) * np.sqrt(n)
    if niter is None:
        niter = 500 if n <= 1_000 else (200 if n <= 5_000 else 100)
    grid = "grid" if n > 1_000 else "nogrid"
    # igraph draws jitter from its RNG (Python's `random` by default): seed a private one.
    with _igraph_rng(seed):
        lay = g.layout_fruchterman_reingold(seed=start.tolist(), niter=niter, grid=grid)
    xy = np.asarray(lay.coords, dtype=np.float64)
    w, h = auto_canvas(n, width, height)
    return scale_to_canvas(xy, width=w, height=h)


def tree_layout(
    parent_index: Sequence[int] | npt.ArrayLike,
    *,
    width: float | None = None,
    height: float | None = None,
) -> np.ndarray:
    """Top-down org-chart layout (Reingold–Tilford).

    Parameters
    ----------
    parent_index
        ``parent_index[i]`` is the index of node ``i``'s parent, or ``-1`` for a root.
        Several roots give a forest laid out side by side.
    width, height
        Target canvas size in pixels (default: :func:`auto_canvas`). The chart fills it
        (axes scaled separately, so wide trees do not collapse into a flat line).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` pixel coordinates, roots at the top (smallest y).

    Examples
    --------
    The area hierarchy of the sample district (areas have the first codes, so their
    parent codes are indices into the areas):

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()  # D1; S1, S2; C1, C2 in S1, C3 in S2
    >>> parent = G.parent_codes()[G.label_range(rg.schema.Label.AREA)]
    >>> parent.tolist()
    [-1, 0, 0, 1, 1, 2]
    >>> xy = tree_layout(parent)
    >>> xy[:, 1].tolist(), xy[3:, 0].tolist()  # district on top, communities in a row
    ([-486.0, 0.0, 0.0, 486.0, 486.0, 486.0], [-864.0, 0.0, 864.0])
    """
    parent = np.asarray(parent_index, dtype=np.int64).ravel()
    n = parent.size
    if n == 0:
        return np.zeros((0, 2))
    child = np.flatnonzero(parent >= 0)
    if child.size and parent[child].max() >= n:
        raise ValueError("parent index out of range")
    roots = np.flatnonzero(parent < 0)
    if roots.size == 0:
        raise ValueError("tree_layout needs at least one root (parent -1)")
    el = np.column_stack([parent[child], child])
    g = ig.Graph(n=n, edges=el.tolist(), directed=True)
    lay = g.layout_reingold_tilford(mode="out", root=roots.tolist())
    xy = np.asarray(lay.coords, dtype=np.float64)
    # igraph puts depth in y increasing downwards already, so roots are on top.
    w, h = auto_canvas(n, width, height)
    return scale_to_canvas(xy, width=w, height=h, keep_aspect=False)


def geo_layout(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    width: float | None = None,
    height: float | None = None,
) -> np.ndarray:
    """Equirectangular projection around the centre of the points, y flipped for screen.

    Parameters
    ----------
    lat, lon
        Latitudes and longitudes in degrees (NaN → placed at the centre).
    width, height
        Target canvas size in pixels (default: :func:`auto_canvas`).

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` pixel coordinates centred on 0 (north up).

    Examples
    --------
    >>> import regional_graph as rg
    >>> orgs = rg.datasets.load_tiny().nodes[rg.schema.Label.ORGANIZATION]
    >>> orgs.loc[["O2", "O5"], ["lat", "lon"]].to_numpy().tolist()  # south-west, north-east
    [[37.5, 121.3], [37.5055, 121.4055]]
    >>> xy = geo_layout(orgs["lat"], orgs["lon"], width=1000, height=800)
    >>> xy[[1, 4]].round(1).tolist()  # north up: y grows downwards
    [[-450.0, 29.6], [450.0, -29.6]]
    """
    la = np.asarray(lat, dtype=np.float64).ravel()
    lo = np.asarray(lon, dtype=np.float64).ravel()
    if la.shape != lo.shape:
        raise ValueError("lat and lon must have the same length")
    if la.size == 0:
        return np.zeros((0, 2))
    ok = np.isfinite(la) & np.isfinite(lo)
    if not ok.any():
        return np.zeros((la.size, 2))
    lat0 = (np.nanmin(la[ok]) + np.nanmax(la[ok])) / 2.0
    lon0 = (np.nanmin(lo[ok]) + np.nanmax(lo[ok])) / 2.0
    x = (np.where(ok, lo, lon0) - lon0) * np.cos(np.radians(lat0))
    y = -(np.where(ok, la, lat0) - lat0)
    w, h = auto_canvas(la.size, width, height)
    return scale_to_canvas(np.column_stack([x, y]), width=w, height=h)


# --------------------------------------------------------------------------------------------
# readable layouts: label boxes, overlap removal, clusters, stable positions
# --------------------------------------------------------------------------------------------

#: Label font size in world pixels (the page draws labels at 20 px at zoom 1).
LABEL_FONT = 20.0


def label_width(labels: Sequence[object], font: float = LABEL_FONT) -> np.ndarray:
    """Approximate drawn width of each label in pixels (CJK full width, other ~0.55 em).

    Examples
    --------
    >>> label_width(["海岚区", "C001", None]).tolist()
    [60.0, 44.0, 0.0]
    """
    out = np.zeros(len(labels))
    for i, t in enumerate(labels):
        if t is None:
            continue
        s = str(t)
        wide = sum(1 for ch in s if ord(ch) > 0x2E80)
        out[i] = font * (wide + 0.55 * (len(s) - wide))
    return out


def node_boxes(size: npt.ArrayLike, labels: Sequence[object], *, gap: float = 6.0,
               font: float = LABEL_FONT) -> tuple[np.ndarray, np.ndarray]:
    """Half width and half height of the box a node and its label (below it) need.

    Examples
    --------
    >>> hw, hh = node_boxes([10.0], ["一二三四"])
    >>> float(hw[0]), float(hh[0])
    (46.0, 28.5)
    """
    r = np.asarray(size, dtype=np.float64).ravel()
    lw = label_width(labels, font)
    hw = np.maximum(r, lw / 2.0) + gap
    hh = r + 1.25 * font / 2.0 + gap
    return hw, hh


def remove_overlaps(
    xy: npt.ArrayLike,
    half_w: npt.ArrayLike,
    half_h: npt.ArrayLike,
    *,
    fixed: npt.ArrayLike | None = None,
    iters: int = 30,
) -> np.ndarray:
    """Push axis-aligned boxes apart until none overlap (or ``iters`` rounds).

    Each round finds the overlapping pairs (k-d tree on the centres) and moves both boxes
    apart along the axis of least penetration, half each (all of it onto the free one when
    the other is ``fixed``). Positions change as little as the overlaps require, so the
    picture keeps its shape.

    Examples
    --------
    >>> remove_overlaps([[0, 0], [1, 0], [50, 0]], [10, 10, 10], [5, 5, 5]).tolist()
    [[0.0, -5.25], [1.0, 5.25], [50.0, 0.0]]

    (the first two pushed apart vertically, 10.5 > 2 × 5; the third stays)
    >>> remove_overlaps([[0, 0], [1, 0]], [10, 10], [5, 5], fixed=[True, False])[0].tolist()
    [0.0, 0.0]
    """
    from scipy.spatial import cKDTree

    p = np.array(xy, dtype=np.float64).reshape(-1, 2)
    n = len(p)
    if n < 2:
        return p
    hw = np.asarray(half_w, dtype=np.float64).ravel()
    hh = np.asarray(half_h, dtype=np.float64).ravel()
    fx = np.zeros(n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool).ravel()
    reach = 2.0 * float(np.hypot(hw, hh).max())
    rng = np.random.default_rng(0)
    dense = np.triu_indices(n, 1) if n <= 300 else None
    for _ in range(iters):
        if dense is not None:  # small maps: every pair, no tree
            a, b = dense
        else:
            pairs = cKDTree(p).query_pairs(reach, output_type="ndarray")
            if not len(pairs):
                break
            a, b = pairs[:, 0], pairs[:, 1]
        d = p[b] - p[a]
        ox = hw[a] + hw[b] - np.abs(d[:, 0])
        oy = hh[a] + hh[b] - np.abs(d[:, 1])
        hit = (ox > 1e-6) & (oy > 1e-6)
        if not hit.any() or min(float(ox[hit].max()), float(oy[hit].max())) < 0.5:
            break  # at most a hair's breadth left (half a pixel)
        a, b, d, ox, oy = a[hit], b[hit], d[hit], ox[hit], oy[hit]
        same = (np.abs(d) < 1e-9).all(axis=1)
        d[same] = rng.normal(size=(int(same.sum()), 2))
        along_x = ox <= oy
        sx = np.where(d[:, 0] >= 0, 1.0, -1.0)
        sy = np.where(d[:, 1] >= 0, 1.0, -1.0)
        move = np.zeros((len(a), 2))
        move[along_x, 0] = (ox[along_x] + 0.5) * sx[along_x]
        move[~along_x, 1] = (oy[~along_x] + 0.5) * sy[~along_x]
        wa = np.where(fx[a], 0.0, np.where(fx[b], 1.0, 0.5))
        wb = np.where(fx[b], 0.0, np.where(fx[a], 1.0, 0.5))
        delta = np.zeros_like(p)
        for ax in (0, 1):
            delta[:, ax] = (np.bincount(a, -move[:, ax] * wa, minlength=n)
                            + np.bincount(b, move[:, ax] * wb, minlength=n))
        # a box in several overlaps moves by the mean of its pushes (no overshoot)
        cnt = np.bincount(np.concatenate([a, b]), minlength=n).astype(np.float64)
        p += delta / np.maximum(cnt, 1.0)[:, None] * np.minimum(cnt, 2.0)[:, None]
    return p


def separate_discs(centre: npt.ArrayLike, radius: npt.ArrayLike, *, gap: float = 40.0,
                   fixed: npt.ArrayLike | None = None, iters: int = 500) -> np.ndarray:
    """Move discs apart until none overlap (``gap`` between them), keeping their layout.

    Examples
    --------
    >>> c = separate_discs([[0, 0], [10, 0]], [100, 100], gap=0, fixed=[True, False])
    >>> c.round(3).tolist()  # the free disc pushed out to touch the fixed one
    [[0.0, 0.0], [200.0, 0.0]]
    """
    c = np.array(centre, dtype=np.float64).reshape(-1, 2)
    r = np.asarray(radius, dtype=np.float64).ravel()
    n = len(c)
    fx = np.zeros(n, dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool).ravel()
    if n < 2:
        return c
    iu, ju = np.triu_indices(n, 1)
    rng = np.random.default_rng(0)
    for _ in range(iters):
        d = c[ju] - c[iu]
        dist = np.hypot(d[:, 0], d[:, 1])
        need = r[iu] + r[ju] + gap - dist
        hit = need > 1e-6
        if not hit.any():
            break
        a, b, d, dist, need = iu[hit], ju[hit], d[hit], dist[hit], need[hit]
        zero = dist < 1e-9
        d[zero] = rng.normal(size=(int(zero.sum()), 2))
        dist = np.hypot(d[:, 0], d[:, 1])
        u = d / dist[:, None]
        wa = np.where(fx[a], 0.0, np.where(fx[b], 1.0, 0.5))
        wb = np.where(fx[b], 0.0, np.where(fx[a], 1.0, 0.5))
        delta = np.zeros_like(c)
        np.add.at(delta, a, -u * (need * wa)[:, None])
        np.add.at(delta, b, u * (need * wb)[:, None])
        c += delta * 0.6
    return c


def cluster_layout(
    n: int,
    edges_src: IntArray,
    edges_dst: IntArray,
    group: npt.ArrayLike,
    half_w: npt.ArrayLike,
    half_h: npt.ArrayLike,
    *,
    centre_group: int | None = None,
    seed: int = 0,
    start: npt.ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Layout with one cluster per group: each group laid out on its own (force-directed,
    then overlap removal of the node + label boxes), groups placed by the ties between them
    (force-directed on the group graph) and moved apart until their discs do not overlap.

    With ``start`` (e.g. geographic positions, see :func:`geo_layout`) the map follows the
    geography instead: each group sits at the mean position of its members, and inside a
    group each member keeps its direction and relative distance from that mean; the boxes
    and discs are then moved apart as above.

    Parameters
    ----------
    n, edges_src, edges_dst
        The graph (node ids ``0..n-1``).
    group
        Group index ``0..g-1`` of every node.
    half_w, half_h
        Half size of each node's box (see :func:`node_boxes`).
    centre_group
        A group kept at the origin (the street's own nodes, the community's centre).

    Returns
    -------
    xy, centres, radii
        Node positions ``(n, 2)``, group centres ``(g, 2)`` and disc radii ``(g,)``.

    Examples
    --------
    >>> xy, c, r = cluster_layout(6, [0, 1, 3, 4, 2], [1, 2, 4, 5, 3], [0, 0, 0, 1, 1, 1],
    ...                           [30.0] * 6, [20.0] * 6)
    >>> c[:, 0].round(1).tolist(), r.round(1).tolist()  # 333.6 apart ≥ 136.8 + 136.8
    ([-166.8, 166.8], [136.8, 136.8])
    >>> xy[:, 0].round(1).tolist()  # members within 59.6 of their disc's centre
    [-226.4, -166.8, -107.2, 107.2, 166.8, 226.4]

    Geographic: group 1 lies east of group 0, and node 5 east of node 3, on the map too.

    >>> geo = [[0, 0], [5, 1], [2, 4], [900, 0], [910, 2], [950, 0]]
    >>> xy, c, r = cluster_layout(6, [0, 1, 3, 4, 2], [1, 2, 4, 5, 3], [0, 0, 0, 1, 1, 1],
    ...                           [30.0] * 6, [20.0] * 6, start=geo)
    >>> c[:, 0].round(1).tolist(), r.round(1).tolist()  # 304.4 apart ≥ 123.1 + 121.3
    ([-78.5, 225.9], [123.1, 121.3])
    >>> xy[[3, 5], 0].round(1).tolist()
    [191.1, 260.6]
    """
    grp = np.asarray(group, dtype=np.int64).ravel()
    hw = np.asarray(half_w, dtype=np.float64).ravel()
    hh = np.asarray(half_h, dtype=np.float64).ravel()
    el = _edge_list(n, edges_src, edges_dst)
    g_count = int(grp.max()) + 1 if n else 0
    geo = None if start is None else np.asarray(start, dtype=np.float64).reshape(n, 2)
    xy = np.zeros((n, 2))
    radii = np.zeros(g_count)
    for g in range(g_count):
        members = np.flatnonzero(grp == g)
        k = len(members)
        if not k:
            continue
        local = np.full(n, -1, dtype=np.int64)
        local[members] = np.arange(k)
        inner = el[(local[el[:, 0]] >= 0) & (local[el[:, 1]] >= 0)] if len(el) else el
        area = float((4.0 * hw[members] * hh[members]).sum()) * 1.3
        rad = np.sqrt(area / np.pi)
        if k == 1:
            pts = np.zeros((1, 2))
        elif geo is not None:
            pts = _spread(geo[members], 1.2 * rad)
        elif len(inner) < k / 2:  # hardly linked inside: rows, like a list on a board
            pts = _grid(k, 2.0 * float(hw[members].max()), 2.0 * float(hh[members].max()))
        else:
            pts = force_layout(k, local[inner[:, 0]] if len(inner) else [],
                               local[inner[:, 1]] if len(inner) else [], seed=seed,
                               width=1.2 * rad, height=1.2 * rad)
        if len(inner) >= k / 2 or (geo is not None and k > 1):
            pts = remove_overlaps(pts, hw[members], hh[members])
        pts -= (pts.max(axis=0) + pts.min(axis=0)) / 2.0
        xy[members] = pts
        corner = np.hypot(np.abs(pts[:, 0]) + hw[members], np.abs(pts[:, 1]) + hh[members])
        radii[g] = float(corner.max()) + 45.0  # room for the region's name inside
    # place the groups
    if g_count > 1:
        gs = grp[el[:, 0]] if len(el) else np.zeros(0, np.int64)
        gd = grp[el[:, 1]] if len(el) else np.zeros(0, np.int64)
        ok = gs != gd
        if geo is not None:  # where the members are
            sums = np.zeros((g_count, 2))
            np.add.at(sums, grp, geo)
            gl = sums / np.maximum(np.bincount(grp, minlength=g_count), 1)[:, None]
            gl = gl + _golden_jitter(g_count, 1e-6 * (float(np.ptp(gl)) + 1.0))
        elif ok.sum() < g_count / 2:  # hardly any ties between the groups: a grid of discs
            cell = 2.0 * float(radii.max())
            gl = _grid(g_count, cell, cell)
        else:
            gl = force_layout(g_count, gs[ok], gd[ok], seed=seed)
            gl[:, 0] *= 1.7  # a wide screen / landscape poster
        # start packed too tight (discs overlapping), then push apart: compact clusters
        from scipy.spatial import cKDTree

        nn = cKDTree(gl).query(gl, k=2)[0][:, 1]
        spacing = float(np.median(nn)) if np.median(nn) > 0 else 1.0
        centres = gl * (1.2 * float(np.median(radii)) / spacing)
        fixed = np.zeros(g_count, dtype=bool)
        if centre_group is not None and 0 <= centre_group < g_count:
            centres -= centres[centre_group]
            fixed[centre_group] = True
        centres = separate_discs(centres, radii, gap=60.0, fixed=fixed)
    else:
        centres = np.zeros((g_count, 2))
    return xy + centres[grp], centres, radii


def _spread(pts: np.ndarray, size: float) -> np.ndarray:
    """``pts`` centred on their mean and scaled so that they span about ``size`` (their
    shape kept); all on one spot → a small spiral, so that overlap removal can part them."""
    pts = pts - pts.mean(axis=0)
    span = float(np.ptp(pts, axis=0).max())
    if span <= 1e-9:
        return _golden_jitter(len(pts), size / 4)
    return pts * (size / span)


def _golden_jitter(k: int, step: float) -> np.ndarray:
    """``k`` points on a sunflower spiral of spacing ``step`` (distinct, deterministic)."""
    i = np.arange(k, dtype=np.float64)
    r, a = step * np.sqrt(i), i * np.pi * (3 - np.sqrt(5))
    return np.column_stack([r * np.cos(a), r * np.sin(a)])


def _grid(k: int, cell_w: float, cell_h: float, aspect: float = 1.7) -> np.ndarray:
    """``k`` points on a grid of ``cell_w`` x ``cell_h`` cells, about ``aspect`` wide:tall,
    centred on 0, row by row."""
    cols = max(1, int(np.ceil(np.sqrt(k * aspect * cell_h / cell_w))))
    i = np.arange(k)
    xy = np.column_stack([(i % cols) * cell_w, (i // cols) * cell_h]).astype(np.float64)
    return xy - (xy.max(axis=0) + xy.min(axis=0)) / 2.0


def place_near(
    xy: npt.ArrayLike,
    half_w: npt.ArrayLike,
    half_h: npt.ArrayLike,
    todo: npt.ArrayLike,
    anchor: npt.ArrayLike,
) -> np.ndarray:
    """Put each node of ``todo`` at the free spot nearest its anchor point; every other node
    stays where it is.

    A spot is free when the node's box overlaps no box already placed (the other nodes, and
    the ``todo`` nodes placed before it). Candidates lie on a spiral around the anchor.

    Examples
    --------
    >>> xy = place_near([[0, 0], [0, 0]], [10, 10], [10, 10], todo=[1], anchor=[[0, 0]])
    >>> xy.round(1).tolist()  # the new box beside the old one: |dx| ≥ 10 + 10
    [[0.0, 0.0], [-23.6, -4.2]]
    """
    p = np.array(xy, dtype=np.float64).reshape(-1, 2)
    hw = np.asarray(half_w, dtype=np.float64).ravel()
    hh = np.asarray(half_h, dtype=np.float64).ravel()
    todo = np.asarray(todo, dtype=np.int64).ravel()
    anc = np.asarray(anchor, dtype=np.float64).reshape(-1, 2)
    placed = np.ones(len(p), dtype=bool)
    placed[todo] = False
    golden = np.pi * (3 - np.sqrt(5))
    k = np.arange(1, 4000)
    step = 12.0
    ring = np.column_stack([np.cos(k * golden), np.sin(k * golden)])
    spiral = ring * (step * np.sqrt(k))[:, None]
    spiral = np.vstack([[0.0, 0.0], spiral])
    for i, a in zip(todo, anc, strict=True):
        cand = a + spiral
        others = np.flatnonzero(placed)
        if len(others):
            ox = (hw[i] + hw[others])[None, :] - np.abs(cand[:, None, 0] - p[others, 0][None, :])
            oy = (hh[i] + hh[others])[None, :] - np.abs(cand[:, None, 1] - p[others, 1][None, :])
            clash = ((ox > 0) & (oy > 0)).any(axis=1)
            free = np.flatnonzero(~clash)
            p[i] = cand[free[0]] if len(free) else cand[-1]
        else:
            p[i] = a
        placed[i] = True
    return p
