"""Every map of a graph as a folder: the jobs (:func:`map_jobs`), one map per job
(:func:`build_map`, :func:`all_maps`), the index page linking them (:func:`index_page`) and
:func:`write_maps` (pages and posters, ``index.html``, ``index.csv``, ``wall.html``, layout
files).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..graph import DateLike, RegionalGraph
from ..schema import Label
from ..vocab import Lang, check_lang, viz_text
from .areamaps import _check_layout, community_map, district_overview, street_map
from .fonts import FONT_STACK, cjk_font_face_css
from .layoutfile import LAYOUT_DIR, keep_layout, read_layout, write_layout
from .networkmap import FLAG_NAMES, Layout, NetworkMap
from .orgchart import org_chart
from .render import page_head

log = logging.getLogger("regional_graph.viz.maps")  # the maps' one logger, as before the split


#: Order of the maps on the index page within a street.
_KIND_ORDER = {"district": 0, "street": 1, "org_chart": 2, "community": 3}


def index_page(
    maps: Iterable[NetworkMap],
    *,
    title: str | None = None,
    links: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    font_css: str | None = None,
    html_pages: bool = True,
    lang: Lang = "zh",
) -> str:
    """An offline HTML page linking every map, grouped by street.

    Parameters
    ----------
    maps
        The maps (their ``key`` + ``.html`` is the link target).
    title
        Page heading (default: 区域化党建资源网络图, in ``lang``).
    links
        Optional extra links per map key: ``(text, href)`` pairs (e.g. the posters).
    font_css
        ``@font-face`` CSS to embed; default: a subset for the page's text.
    html_pages
        The maps were written as HTML (``key.html``); otherwise each title links to the
        first of its ``links``.
    lang
        ``"zh"`` (default) or ``"en"``: the page's own texts.

    Returns
    -------
    str
        The HTML document (no external references; a CJK subset embedded).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> page = maps.index_page([maps.org_chart(G, "S01")])
    >>> import re; re.findall(r'href="([^"]+)"', page)
    ['org_chart_S01.html']
    """
    from .headline import area_name

    def t(zh: str) -> str:
        return viz_text(zh, lang)

    title = t("区域化党建资源网络图") if title is None else title
    items = sorted(maps, key=lambda m: (m.street_id or "", _KIND_ORDER.get(m.kind, 9),
                                        m.area_id or ""))
    links = links or {}
    esc = html.escape

    def entry(m: NetworkMap) -> str:
        c = m.counts
        alert = t("、").join(f"{t(FLAG_NAMES[f])} {c[f]}" for f in FLAG_NAMES if c.get(f))
        extra = "".join(f' <a class="alt" href="{esc(h)}">{esc(t)}</a>'
                        for t, h in links.get(m.key, ()))
        note = f'<span class="alert">{esc(alert)}</span>' if alert else ""
        own = links.get(m.key, ())
        href = f"{m.key}.html" if html_pages or not own else own[0][1]
        return (f'<li><a href="{esc(href)}">{esc(m.title)}</a> '
                f'<span class="n">{t("{} 个节点").format(c.get("nodes", 0))}</span> '
                f'{note}{extra}</li>')

    blocks: list[str] = []
    top = [m for m in items if m.kind == "district"]
    if top:
        blocks.append(f"<section><h2>{t('全区')}</h2><ul>" + "".join(entry(m) for m in top)
                      + "</ul></section>")
    streets: dict[str, list[NetworkMap]] = {}
    for m in items:
        if m.kind != "district":
            streets.setdefault(m.street_id or "", []).append(m)
    for _, group in streets.items():
        head = next((m for m in group if m.kind == "street"), group[0])
        name = area_name(head)
        comm = [m for m in group if m.kind == "community"]
        rest = [m for m in group if m.kind != "community"]
        blocks.append(f"<section><h2>{esc(name)}</h2><ul>" + "".join(entry(m) for m in rest)
                      + "</ul>" + (f"<details open><summary>{t('社区（{} 个）').format(len(comm))}"
                                   "</summary>"
                                   "<ul class=\"cols\">" + "".join(entry(m) for m in comm)
                                   + "</ul></details>" if comm else "") + "</section>")
    date = next((m.as_of for m in items if m.as_of), "")
    body = "".join(blocks)
    sub = (t("数据日期 {} · 共 {} 张图").format(date, len(items)) if date
           else t("共 {} 张图").format(len(items)))
    css = font_css if font_css is not None else cjk_font_face_css(title + sub + body
                                                                  + "全区社区个节点")
    return (
        page_head(esc(title), lang, sources="style-src 'unsafe-inline'; font-src data:; "
                  "img-src data:")
        + f"{css}\n"
        f"body {{ font-family: var(--rg-font-family, {FONT_STACK}); margin: 24px 40px; "
        "background: #fbfaf7; color: #1f2328; font-size: 20px; }\n"
        "h1 { color: #a31515; font-size: 34px; margin: 0 0 4px; }\n"
        ".sub { color: #444; margin: 0 0 16px; }\n"
        "h2 { color: #a31515; border-bottom: 2px solid #a31515; font-size: 26px; }\n"
        "ul { list-style: none; padding: 0; } li { margin: 6px 0; }\n"
        "ul.cols { columns: 3 22em; } a { color: #1d4ed8; text-decoration: none; }\n"
        ".n { color: #666; font-size: 16px; } .alert { color: #a31515; font-size: 16px; }\n"
        "a.alt { font-size: 16px; margin-left: 6px; }\n"
        "</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n<p class=\"sub\">{esc(sub)}</p>\n{body}\n</body>\n</html>\n"
    )


def all_maps(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    include_personal: bool = False,
    analyses: bool = True,
    streets: Sequence[str] | None = None,
    progress: bool | None = None,
    matching: Any = None,
    lang: Lang = "zh",
) -> Iterable[NetworkMap]:
    """Yield every map of :func:`write_maps` (overview, then per street: street map, org
    chart, community maps), built one at a time.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> ms = list(all_maps(G, as_of=rg.datasets.REFERENCE_DATE, streets=["S01"],
    ...                    progress=False))
    >>> [m.key for m in ms[:3]]
    ['street_S01', 'org_chart_S01', 'community_C001']
    >>> {m.street_id for m in ms}
    {'S01'}
    """
    from .batch import iter_maps

    yield from iter_maps(G, map_jobs(G, streets), workers=1, progress=progress,
                         options={"as_of": as_of, "layout": layout,
                                  "include_personal": include_personal,
                                  "analyses": analyses, "matching": matching, "lang": lang})


def map_jobs(G: RegionalGraph, streets: Sequence[str] | None = None
             ) -> list[tuple[str, str]]:
    """The ``(kind, area id)`` of every map :func:`write_maps` makes, in order: the overview
    (``("district", "")``, only when ``streets`` is None), then per street its street map,
    org chart and community maps.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> map_jobs(G, ["S01"])[:3]
    [('street', 'S01'), ('org_chart', 'S01'), ('community', 'C001')]
    """
    arng = G.label_range(Label.AREA)
    lv = G.area_levels()[arng]
    ids = G.ids[arng]
    street_codes = np.flatnonzero(lv == "street") + arng.start
    if streets is not None:
        street_codes = street_codes[np.isin(G.ids[street_codes], list(streets))]
    comm_codes = np.flatnonzero(lv == "community") + arng.start
    comm_street = G.ancestor_at(comm_codes, "street")
    jobs: list[tuple[str, str]] = []
    if streets is None:
        jobs.append(("district", ""))
    for s in street_codes:
        sid = str(G.ids[s])
        jobs += [("street", sid), ("org_chart", sid)]
        jobs += [("community", str(c)) for c in ids[comm_codes[comm_street == s] - arng.start]]
    return jobs


def build_map(G: RegionalGraph, kind: str, area: str, *, as_of: DateLike = None,
              layout: Layout = "force", include_personal: bool = False,
              analyses: bool = True, matching: Any = None, lang: Lang = "zh") -> NetworkMap:
    """One map of :func:`map_jobs`: ``kind`` ∈ district, street, org_chart, community.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> build_map(G, "org_chart", "S01").key
    'org_chart_S01'
    """
    common = {"as_of": as_of, "include_personal": include_personal, "analyses": analyses,
              "matching": matching, "lang": lang}
    if kind == "district":
        return district_overview(G, layout=layout, **common)
    if kind == "street":
        return street_map(G, area, layout=layout, **common)
    if kind == "org_chart":
        return org_chart(G, area, **common)
    if kind == "community":
        return community_map(G, area, layout=layout, **common)
    raise ValueError(f"unknown map kind {kind!r}")


def write_maps(  # noqa: PLR0913 (public: one keyword per option, as the `maps` flags)
    G: RegionalGraph,
    out_dir: str | Path,
    *,
    as_of: DateLike = None,
    layout: Layout = "force",
    include_personal: bool = False,
    formats: Sequence[str] = ("html",),
    analyses: bool = True,
    streets: Sequence[str] | None = None,
    paper: str = "A1",
    progress: bool | None = None,
    matching: Any = None,
    workers: int | None = None,
    wall: Mapping[str, Any] | None = None,
    layout_file: str | Path | None = None,
    lang: Lang = "zh",
    shared_assets: bool = False,
) -> dict[str, Path]:
    """Write every map of the graph, an ``index.html`` linking them, ``index.csv`` (the
    headline counts of every map, equal to the indicator tables) and ``wall.html`` (the
    wall-screen mode cycling through the street and community maps).

    One map per community, one per street, the district overview, one org chart per street;
    each as an offline HTML page (``"html"``) and/or a print poster (``"png"``, ``"svg"``,
    ``"pdf"``; see :mod:`regional_graph.viz.posters`).

    Parameters
    ----------
    G
        The graph.
    out_dir
        Output folder (created).
    as_of, layout, include_personal, analyses, matching
        As for :func:`community_map`.
    formats
        Any of ``"html"``, ``"png"``, ``"svg"``, ``"pdf"``.
    streets
        Only these streets (their street maps, org charts and community maps; no overview).
    paper
        Poster size, ``"A0"`` or ``"A1"``.
    progress
        Show a progress bar (default: on a terminal).
    workers
        Processes building and writing maps in parallel (default: every core; see
        :mod:`regional_graph.viz.batch`).
    wall
        Options of :func:`regional_graph.viz.wallscreen.wallscreen_page` (``interval``,
        ``order``, ``kinds``).
    layout_file
        The ``layout`` folder of an earlier run (or that run's output folder, or the single
        ``layout.csv`` of a run of 0.x): every node still there keeps its position, new
        ones are placed near their anchor without overlaps (see :func:`keep_layout`), so
        this year's map can be compared with last year's. The positions used are always
        written to ``out_dir/layout/``, one CSV per district (see :func:`write_layout`).
    shared_assets
        Write vis-network and one font subset once into ``out_dir/assets/`` and link them
        from every page instead of embedding them in each (for a city: a fifth of the
        size; the folder must be copied with the pages). Default: self-contained pages.
    lang
        ``"zh"`` (default) or ``"en"``: every fixed text of the maps, posters, index and
        wall-screen pages (see :func:`community_map`).

    Returns
    -------
    dict
        Map key (``community_C001``, …; ``community_C001.pdf`` for posters) → path, plus
        ``"index"``, ``"index.csv"``, ``"layout"`` (the folder of layout CSVs) and (with
        HTML) ``"wall"``.

    Notes
    -----
    All pages share one embedded CJK subset of the characters of every map when it is
    small (≤ 4,000 distinct characters, typical of a district); otherwise each page gets
    its own subset.

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> out = maps.write_maps(G, tempfile.mkdtemp(), as_of="2024-06-30", streets=["S1"],
    ...                       progress=False)
    >>> sorted(out)  # doctest: +NORMALIZE_WHITESPACE
    ['community_C1', 'community_C2', 'index', 'index.csv', 'layout', 'org_chart_S1',
     'street_S1', 'wall']
    >>> out["index"].name, out["street_S1"].name
    ('index.html', 'street_S1.html')
    """
    formats = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats))
    bad = [f for f in formats if f not in ("html", "png", "svg", "pdf")]
    if bad:
        raise ValueError(f"`formats` must be among html, png, svg, pdf; got {bad}")
    _check_layout(layout)
    lang = check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from .batch import write_all
    from .headline import write_index_csv
    from .wallscreen import write_wallscreen

    previous = read_layout(layout_file) if layout_file is not None else {}
    layout_path = out / LAYOUT_DIR

    def keep_positions(built: list[NetworkMap]) -> None:
        for m in built:
            if m.key in previous:
                keep_layout(m, previous[m.key])
        write_layout(G, built, layout_path)

    maps, written, links = write_all(
        G, out, options={"as_of": as_of, "layout": layout,
                         "include_personal": include_personal, "analyses": analyses,
                         "matching": matching, "lang": lang},
        streets=streets, formats=formats, paper=paper, progress=progress, workers=workers,
        prepare=keep_positions, shared_assets=shared_assets)
    written["layout"] = layout_path
    files = {m.key: (f"{m.key}.html" if "html" in formats
                     else next((h for _, h in links.get(m.key, ())), m.key)) for m in maps}
    written["index.csv"] = write_index_csv(maps, out / "index.csv", files=files, lang=lang)
    if "html" in formats and any(m.kind in ("street", "community") for m in maps):
        written["wall"] = write_wallscreen(maps, out / "wall.html", **(wall or {}))
    index = out / "index.html"
    title = viz_text("{} · 资源网络图", lang).format(G.name or viz_text("区域化党建", lang))
    index.write_text(index_page(maps, title=title, links=links, html_pages="html" in formats,
                                lang=lang), encoding="utf-8")
    written["index"] = index
    log.info("wrote %d maps (%s) under %s", len(maps), ", ".join(formats), out)
    return written
