"""Making every map of a district at once: in parallel across cores, with a progress bar.

:func:`write_all` builds the maps in a process pool (the per-graph map data is computed
once in the parent and shared with the workers by ``fork``), then writes the HTML pages and
posters in a second pool, the biggest maps first. Without ``fork`` (Windows, macOS' default)
or with ``workers=1`` it runs in the calling process. Progress is a ``tqdm`` bar per phase
(on a terminal by default).

Examples
--------
>>> import tempfile, regional_graph as rg
>>> from regional_graph.viz import batch
>>> G = rg.datasets.load_sample_district()
>>> ms, files, links = batch.write_all(G, tempfile.mkdtemp(), streets=["S01"],
...                                    options={"as_of": rg.datasets.REFERENCE_DATE},
...                                    workers=2, progress=False)
>>> [m.key for m in ms[:2]], files["street_S01"].name
(['street_S01', 'org_chart_S01'], 'street_S01.html')
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..graph import RegionalGraph
from ..progress import available_cores
from ..vocab import viz_text

if TYPE_CHECKING:
    from .networkmap import NetworkMap

log = logging.getLogger(__name__)

__all__ = ["default_workers", "iter_maps", "iter_parallel", "parallel_map", "write_all",
           "write_assets"]

_SHARED: dict[str, Any] = {}  # set in the parent before forking; read in the workers
_FONT_SHARED_MAX_CHARS = 4000


def default_workers() -> int:
    """The cores this process may use (:func:`regional_graph.progress.available_cores`)."""
    return available_cores()


def parallel_map(fn: Callable[[Any], Any], items: Sequence[Any], *, shared: dict[str, Any],
                 workers: int | None = None, desc: str = "", unit: str = "it",
                 progress: bool | None = None) -> list[Any]:
    """``[fn(x) for x in items]`` in a ``fork`` process pool whose workers see ``shared``
    (module state set before forking, nothing pickled but the items and results); with a
    tqdm bar. ``fn`` must be a module-level function.

    Examples
    --------
    >>> parallel_map(_square, [1, 2, 3], shared={"k": 10}, workers=2, progress=False)
    [10, 40, 90]
    """
    return list(iter_parallel(fn, items, shared=shared, workers=workers, desc=desc,
                              unit=unit, progress=progress))


def iter_parallel(fn: Callable[[Any], Any], items: Sequence[Any], *, shared: dict[str, Any],
                  workers: int | None = None, desc: str = "", unit: str = "it",
                  progress: bool | None = None) -> Iterator[Any]:
    """Yield ``fn(x)`` for each of ``items`` in order, as :func:`parallel_map`; with one
    worker (or without ``fork``) one at a time in this process, as they are consumed.

    Examples
    --------
    >>> it = iter_parallel(_square, [1, 2, 3], shared={"k": 10}, workers=1, progress=False)
    >>> next(it), list(it)
    (10, [40, 90])
    """
    from ..progress import tqdm

    workers = default_workers() if workers is None else max(1, int(workers))
    disable = None if progress is None else not progress  # None: on a terminal only
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    _SHARED.clear()
    _SHARED.update(shared)
    try:
        if workers == 1 or len(items) < 2 or not can_fork:
            for x in tqdm(items, desc=desc, unit=unit, disable=disable):
                yield fn(x)
            return
        out: list[Any] = [None] * len(items)
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(items)), mp_context=ctx) as ex:
            futures = {ex.submit(fn, x): k for k, x in enumerate(items)}
            for f in tqdm(as_completed(futures), total=len(items), desc=desc, unit=unit,
                          disable=disable):
                out[futures[f]] = f.result()
        yield from out
    finally:
        _SHARED.clear()


def iter_maps(G: RegionalGraph, jobs: Sequence[tuple[str, str]], *,
              options: Mapping[str, Any], workers: int | None = None,
              progress: bool | None = None) -> Iterator[NetworkMap]:
    """The maps of ``jobs`` (``(kind, area)`` of :func:`~regional_graph.viz.maps.map_jobs`)
    in job order: the per-graph map data computed once, then each map built by
    :func:`~regional_graph.viz.maps.build_map` with ``options`` (``as_of``, ``layout``,
    ``include_personal``, ``analyses``, ``matching``, ``lang``), in ``workers`` processes. The one
    loop over the jobs, used by :func:`write_all` and
    :func:`~regional_graph.viz.maps.all_maps`.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> [m.key for m in iter_maps(G, [("street", "S1"), ("community", "C1")],
    ...                           options={"as_of": "2024-06-30"}, workers=1, progress=False)]
    ['street_S1', 'community_C1']
    """
    from .mapdata import _base

    kw = {"as_of": None, "layout": "force", "include_personal": False, "analyses": True,
          "matching": None, "lang": "zh", **options}
    _base(G, kw["as_of"], kw["include_personal"], kw["analyses"], kw["matching"],
          kw["lang"])  # once, shared by fork
    yield from iter_parallel(_build, jobs, shared={"G": G, "kw": kw}, workers=workers,
                             desc="maps", unit="map", progress=progress)


def _square(x: int) -> int:
    return int(_SHARED["k"]) * x * x


def _build(job: tuple[str, str]) -> NetworkMap:
    from .mapfolder import build_map

    return build_map(_SHARED["G"], job[0], job[1], **_SHARED["kw"])


def _write(m: NetworkMap) -> list[tuple[str, Path]]:
    """Write the HTML page and posters of one map (in a worker)."""
    out: Path = _SHARED["out"]
    done: list[tuple[str, Path]] = []
    if _SHARED["html"]:
        done.append((m.key, m.write_html(out / f"{m.key}.html", font_css=_SHARED["css"],
                                         assets=_SHARED["assets"])))
    if _SHARED["posters"]:
        from .posters import write_poster

        for fmt in _SHARED["posters"]:
            done.append((f"{m.key}.{fmt}", write_poster(m, out / f"{m.key}.{fmt}",
                                                        paper=_SHARED["paper"])))
    return done


def write_all(
    G: RegionalGraph,
    out_dir: str | Path,
    *,
    options: Mapping[str, Any],
    streets: Sequence[str] | None = None,
    formats: Sequence[str] = ("html",),
    paper: str = "A1",
    progress: bool | None = None,
    workers: int | None = None,
    prepare: Callable[[list[NetworkMap]], None] | None = None,
    shared_assets: bool = False,
) -> tuple[list[NetworkMap], dict[str, Path], dict[str, list[tuple[str, str]]]]:
    """Build every map of :func:`~regional_graph.viz.maps.map_jobs` (with ``options``, as
    :func:`iter_maps`) and write its HTML page and posters into ``out_dir``, in parallel;
    ``prepare`` (if given) may change the built maps in place before they are written.
    With ``shared_assets`` the pages link one copy of vis-network and one font subset in
    ``out_dir/assets/`` (see :func:`write_assets`) instead of embedding their own.

    Returns
    -------
    tuple
        The maps (in job order), map key (``key`` or ``key.fmt``) → file written, and map key
        → ``(text, file name)`` links to its posters (for the index page).
    """
    from .mapfolder import map_jobs

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    maps = list(iter_maps(G, map_jobs(G, streets), options=options, workers=workers,
                          progress=progress))
    if prepare is not None:  # e.g. keep the positions of an earlier layout file
        prepare(maps)
    posters = [f for f in formats if f != "html"]
    html = "html" in formats
    shared = {"out": out, "html": html, "posters": posters, "paper": paper, "css": None,
              "assets": None}
    if html and shared_assets:
        write_assets(out / "assets", maps)
        shared["assets"] = "assets/"
    elif html:
        shared["css"] = _shared_css(maps)
    if posters:
        from .posters import poster_family

        poster_family(maps)  # one small font subset, inherited by the workers
    order = sorted(range(len(maps)), key=lambda k: -len(maps[k].nodes))  # big ones first
    results = parallel_map(_write, [maps[k] for k in order], shared=shared, workers=workers,
                           desc="files", unit="map", progress=progress)
    done = {maps[k].key: r for k, r in zip(order, results, strict=True)}
    written: dict[str, Path] = {}
    links: dict[str, list[tuple[str, str]]] = {}
    for m in maps:  # job order, whatever order the workers finished in
        for key, path in done[m.key]:
            written[key] = path
            if key != m.key:
                links.setdefault(m.key, []).append((viz_text("海报 {}", m.lang).format(
                                                        path.suffix[1:].upper()),
                                                    path.name))
    return maps, written, links


def write_assets(folder: str | Path, maps: Sequence[NetworkMap]) -> dict[str, Path]:
    """Write the assets the pages of ``maps`` share: vis-network and one CJK font subset
    holding every character they show (``@font-face`` CSS, the font inline), whatever
    their number.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> out = write_assets(tempfile.mkdtemp(), [maps.community_map(G, "C1")])
    >>> sorted((k, p.name) for k, p in out.items())
    [('css', 'rg-cjk.css'), ('js', 'vis-network.min.js')]
    >>> out["css"].read_text(encoding="utf-8").count("@font-face")  # one subset
    1
    """
    from .fonts import cjk_font_face_css
    from .render import ASSET_CSS, ASSET_JS, UI_TEXT, vis_network_js

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    chars = set(UI_TEXT).union(*(set(m.text()) for m in maps))
    js, css = d / ASSET_JS, d / ASSET_CSS
    js.write_text(vis_network_js(), encoding="utf-8")
    css.write_text(cjk_font_face_css("".join(sorted(chars))), encoding="utf-8")
    return {"js": js, "css": css}


def _shared_css(maps: Sequence[NetworkMap]) -> str | None:
    """One embedded CJK subset for every page when small enough (None: a subset per
    page)."""
    from .fonts import cjk_font_face_css

    chars = set().union(*(set(m.text()) for m in maps)) if maps else set()
    if len(chars) > _FONT_SHARED_MAX_CHARS:
        return None
    return cjk_font_face_css("".join(sorted(chars)))
