"""``lang="en"`` on every kind of map, poster and page: no Chinese left outside the data.

The check is independent of the vocabulary: every name the *data* holds (areas,
organisations, Party orgs, the district, industries, link forms, node ids) is removed from
the output, and what remains must hold no Han character and no CJK punctuation. A missing
translation either raises (``vocab.viz_text``) or leaves Chinese behind, which fails here.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import regional_graph as rg
from regional_graph import cli
from regional_graph.schema import Label
from regional_graph.viz import maps, posters, render, wallscreen

DAY = rg.datasets.REFERENCE_DATE
#: Han characters and CJK punctuation (、：（）【】…) — none may remain in English UI text.
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def data_texts(G: rg.RegionalGraph) -> set[str]:
    """Every text the user's data holds (kept as written under any language)."""
    out = {str(G.name)} if G.name else set()
    for lbl in (Label.AREA, Label.PARTY_ORG, Label.ORGANIZATION):
        out |= set(G.nodes[lbl]["name"].dropna().astype(str))
    out |= set(G.nodes[Label.ORGANIZATION]["industry"].dropna().astype(str))
    if "kind" in G.edges:
        out |= set(G.edges["kind"].dropna().astype(str))
    return out


def leftover(text: str, names: set[str]) -> list[str]:
    """The CJK characters of ``text`` once the data names are removed, with context."""
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, "")
    return [text[max(0, m.start() - 25): m.end() + 25] for m in CJK.finditer(text)][:10]


def page_names(G: rg.RegionalGraph, m: maps.NetworkMap) -> set[str]:
    """Data names plus what a map derives from them alone: node ids and real nodes' labels
    (an org chart shortens a branch's name under its community)."""
    ids = set(G.ids.astype(str))
    return data_texts(G) | {str(n["id"]) for n in m.nodes} | {
        str(n["label"]) for n in m.nodes if str(n["id"]) in ids}


def strip_assets(page: str) -> str:
    """The page without the vendored vis-network build and the embedded font."""
    return re.sub(r"url\(data:[^)]*\)", "", page.replace(render.vis_network_js(), ""))


@pytest.fixture(scope="module")
def sample() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def english_maps(sample: rg.RegionalGraph) -> list[maps.NetworkMap]:
    """One map of each kind (C004 has flags and expired ties, S01 every edge status)."""
    return [maps.community_map(sample, "C001", as_of=DAY, lang="en"),
            maps.community_map(sample, "C004", as_of=DAY, lang="en"),
            maps.street_map(sample, "S01", as_of=DAY, lang="en"),
            maps.org_chart(sample, "S02", as_of=DAY, lang="en"),
            maps.district_overview(sample, as_of=DAY, lang="en")]


def test_every_kind_of_map_page_is_english(sample, english_maps) -> None:
    problems = {}
    for m in english_maps:
        page = m.to_html(font_css="")
        assert '<html lang="en">' in page
        if bad := leftover(strip_assets(page), page_names(sample, m)):
            problems[m.key] = bad
    assert not problems, problems
    street = english_maps[2]
    assert street.title.endswith(": regional Party-building resource network")
    assert street.subtitle.startswith("As of 2026-10-01 · ")
    assert ("Street", "#b91c1c", "star") in street.legend


def test_chinese_stays_the_default(sample) -> None:
    m = maps.street_map(sample, "S01", as_of=DAY)
    page = m.to_html(font_css="")
    assert m.lang == "zh" and '<html lang="zh-CN">' in page
    assert m.title.endswith("区域化党建资源网络图") and "placeholder=\"搜索名称或关键词…\"" in page


def test_index_and_wall_pages_are_english(sample, english_maps) -> None:
    names = set().union(*(page_names(sample, m) for m in english_maps))
    index = maps.index_page(english_maps, lang="en")
    wall = wallscreen.wallscreen_page(english_maps)
    assert '<html lang="en">' in index and '<html lang="en">' in wall
    assert leftover(strip_assets(index), names) == []
    assert leftover(strip_assets(wall), names) == []


def test_poster_texts_are_english(sample, english_maps) -> None:
    names = set().union(*(page_names(sample, m) for m in english_maps))
    for m in (english_maps[1], english_maps[3], english_maps[4]):  # flagged, chart, overview
        fig = posters.poster_figure(m, paper="A1")
        texts = [t.get_text() for t in fig.texts]
        texts += [t.get_text() for ax in fig.axes for t in ax.texts]
        for leg in fig.legends:
            texts += [leg.get_title().get_text(), *(t.get_text() for t in leg.get_texts())]
        assert "Legend" in texts
        assert leftover("\n".join(texts), names) == [], m.key
    notes = posters.flag_notes(english_maps[1])
    assert notes and all(r and not CJK.search(r[0]) for _, _, r in notes)


def test_write_maps_from_the_command_line_in_english(tmp_path: Path, capsys) -> None:
    G = rg.datasets.load_tiny()
    out = tmp_path / "maps"
    assert cli.main(["maps", str(rg.datasets.TINY), "--out", str(out), "--as-of", "2024-06-30",
                     "--lang", "en", "--workers", "1"]) == 0
    capsys.readouterr()
    pages = sorted(out.glob("*.html"))
    assert {"index.html", "wall.html", "district.html"} <= {p.name for p in pages}
    names = data_texts(G) | set(G.ids.astype(str))
    names |= {str(x) for x in G.nodes[Label.PARTY_ORG]["name"]}
    problems = {}
    for p in pages:
        page = p.read_text(encoding="utf-8")
        assert '<html lang="en">' in page, p.name
        labels = set(re.findall(r'"label":"([^"]*)"', page))  # org chart: shortened names
        if bad := leftover(strip_assets(page), names | {x for x in labels if any(
                x in n for n in names)}):
            problems[p.name] = bad
    assert not problems, problems
    header = (out / "index.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("file,kind,level,area_id,area_name,as_of,") and not CJK.search(
        header)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert " · resource network maps</h1>" in index and "Whole district" in index


@pytest.mark.chromium
def test_english_map_draws_english_texts(tmp_path: Path, sample, english_maps) -> None:
    from browser import FRAME_JS, TEXT_HOOK_JS, OfflineBrowser

    m = english_maps[2]  # street S01: regions, flags, every control
    path = m.write_html(tmp_path / f"{m.key}.html")
    names = page_names(sample, m)
    with OfflineBrowser() as b:
        page = b.open(path, init_script=TEXT_HOOK_JS)
        frame = page.page.evaluate(FRAME_JS)
        chrome = page.page.evaluate("() => document.body.innerText")
        lang = page.page.evaluate("() => document.documentElement.lang")
        assert not page.outside_requests and not page.page_errors
    drawn = [t["text"] for t in frame["texts"]]
    assert drawn, "nothing drawn"
    # a long name shortened to fit ("…"): data too
    drawn = [t for t in drawn if not (t.endswith("…") and any(
        n.startswith(t[:-1]) or t[:-1] in n for n in names))]
    assert lang == "en"
    assert leftover("\n".join(drawn), names) == []
    assert leftover(chrome, names) == []
    assert "Legend" in chrome and "Fit" in chrome and "nodes" in frame["status"]
    assert any(re.search(r"\(\d+\)", t) for t in drawn)  # region names with their counts
