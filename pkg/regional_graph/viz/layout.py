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

__all__ = ["auto_canvas", "force_layout", "geo_layout", "scale_to_canvas", "tree_layout"]

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
    >>> orgs = rg.datasets.load_sample_district().nodes[rg.schema.Label.ORGANIZATION]
    >>> xy = scale_to_canvas(orgs[["lon", "lat"]].dropna().to_numpy(), width=800, height=600)
    >>> bool((np.abs(xy) <= [400, 300]).all())  # inside the canvas
    True
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
    >>> G = rg.datasets.load_sample_district()
    >>> net = rg.analysis.structure.tie_network(G, as_of=rg.datasets.REFERENCE_DATE)
    >>> n, u, v = net.number_of_nodes(), net.edges[:, 0], net.edges[:, 1]
    >>> xy = force_layout(n, u, v, seed=1)
    >>> xy.shape == (n, 2), bool(np.array_equal(xy, force_layout(n, u, v, seed=1)))
    (True, True)
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
    >>> G = rg.datasets.load_sample_district()
    >>> parent = G.parent_codes()[G.label_range(rg.schema.Label.AREA)]
    >>> xy = tree_layout(parent)
    >>> xy.shape == (len(parent), 2), bool(xy[0, 1] == xy[:, 1].min())  # district on top
    (True, True)
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
    >>> orgs = rg.datasets.load_sample_district().nodes[rg.schema.Label.ORGANIZATION]
    >>> xy = geo_layout(orgs["lat"], orgs["lon"], width=1000, height=800)
    >>> xy.shape == (len(orgs), 2), bool((np.abs(xy) <= [500, 400]).all())
    (True, True)
    >>> north = np.nanargmax(orgs["lat"].to_numpy(float))
    >>> bool(xy[north, 1] == xy[:, 1].min())  # north up (y grows downwards)
    True
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
