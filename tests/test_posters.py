"""Print posters: CJK font embedded in the PDF, PNG not blank, no personal data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image as mpimg

import regional_graph as rg
from regional_graph import cli
from regional_graph.viz import maps, posters

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_maps import personal_values, pii_graph, pii_hits

DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return pii_graph()


@pytest.fixture(scope="module")
def poster_files(G: rg.RegionalGraph, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("posters")
    ms = [maps.community_map(G, "C001", as_of=DAY), maps.org_chart(G, "S01", as_of=DAY)]
    return posters.write_posters(ms, out, formats=("png", "svg", "pdf"), paper="A3", dpi=60)


def test_pdf_embeds_cjk_font(poster_files: dict[str, Path]) -> None:
    data = poster_files["community_C001.pdf"].read_bytes()
    assert b"/FontFile2" in data
    family = posters.cjk_family()
    assert family is not None
    ps_name = family.replace(" ", "").replace("CJKSC", "CJKsc")  # NotoSansCJKsc
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + re.escape(ps_name.encode()), data), ps_name
    assert b"/Subtype /Type3" not in data  # TrueType (fonttype 42), not Type 3


def test_png_not_blank(poster_files: dict[str, Path]) -> None:
    img = mpimg.imread(poster_files["community_C001.png"])
    rgb = img[..., :3]
    assert float(rgb.std()) > 0.03
    ink = (rgb.mean(axis=2) < 0.9).mean()
    assert 0.005 < ink < 0.6
    assert poster_files["org_chart_S01.svg"].read_text(encoding="utf-8").startswith("<?xml")


def test_posters_have_no_personal_data(poster_files: dict[str, Path],
                                       G: rg.RegionalGraph) -> None:
    assert pii_hits(poster_files.values(), personal_values(G)) == []


def test_labels_use_the_cjk_family_and_paper_sizes(G: rg.RegionalGraph) -> None:
    m = maps.org_chart(G, "S01", as_of=DAY)
    fig = posters.poster_figure(m, paper="A0")
    w, h = fig.get_size_inches()
    assert (round(w * 25.4), round(h * 25.4)) == (1189, 841)
    family = posters.cjk_family()
    texts = fig.axes[0].texts
    assert texts and all(family in t.get_fontfamily() for t in texts)
    assert {t.get_text() for t in texts} >= {str(n["label"]) for n in m.nodes[:3]}
    a1 = posters.poster_figure(m, paper="A1").get_size_inches()
    assert (round(a1[0] * 25.4), round(a1[1] * 25.4)) == (841, 594)
    with pytest.raises(ValueError, match="paper"):
        posters.poster_figure(m, paper="B5")
    # the same layout as the HTML map (y flipped)
    drawn = np.concatenate([c.get_offsets() for c in fig.axes[0].collections
                            if len(c.get_offsets()) and c.get_offsets().shape[1] == 2])
    want = np.array([(n["x"], -n["y"]) for n in m.nodes])
    assert {tuple(np.round(p, 6)) for p in want} <= {tuple(np.round(p, 6)) for p in drawn}


def test_cli_posters(tiny_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "p"
    assert cli.main(["maps", str(tiny_dir), "--out", str(out), "--as-of", "2024-06-30",
                     "--format", "pdf", "png", "--paper", "A3"]) == 0
    assert (out / "community_C1.pdf").is_file() and (out / "street_S1.png").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="community_C1.pdf"' in index and ".html" not in re.sub(
        r"<head>.*</head>", "", index, flags=re.S)
