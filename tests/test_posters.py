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
    family = posters.poster_family([m])
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


def test_flagged_nodes_numbered_dashed_with_footnotes(G: rg.RegionalGraph) -> None:
    m = maps.street_map(G, "S03", as_of=DAY)
    flagged = [n for n in m.nodes if n.get("flag")]
    assert len(flagged) >= 10
    fig = posters.poster_figure(m, paper="A1")
    ax = fig.axes[0]
    # every flagged node is drawn with a dashed black border, and only those
    dashed = [c for c in ax.collections if c.get_gid() == "rg-flagged"]
    drawn = np.concatenate([np.ma.getdata(c.get_offsets()) for c in dashed])
    want = np.array([(n["x"], -n["y"]) for n in flagged])
    assert len(drawn) == len(want)
    # at the map's positions, nudged by at most 2 % of the map's width to make room for labels
    width = np.ptp([n["x"] for n in m.nodes])
    gap = np.abs(drawn[:, None, :] - want[None, :, :]).max(axis=2)
    assert (gap.min(axis=1) <= 0.02 * width).all() and (gap.min(axis=0) <= 0.02 * width).all()
    for c in dashed:
        _, pattern = c.get_linestyle()[0]
        assert pattern is not None and len(pattern) >= 2  # dashes, not solid
        assert tuple(c.get_edgecolor()[0][:3]) == (0x11 / 255,) * 3
    # the legend shows the same: a dashed black box
    legend = fig.legends[0]
    entry = next(h for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
                 if t.get_text() == posters.POSTER_FLAG_LEGEND)
    assert entry.get_linestyle() not in ("-", "solid") and entry.get_edgecolor()[:3] == (
        0x11 / 255,) * 3
    assert "原因见提示" not in "".join(t.get_text() for t in legend.get_texts())
    # numbers 1..N beside the nodes, reasons printed as footnotes
    numbers = [t for t in ax.texts if t.get_gid() == "rg-flag-number"]
    assert sorted(int(t.get_text()) for t in numbers) == list(range(1, len(flagged) + 1))
    notes = next(t.get_text() for t in fig.texts if t.get_gid() == "rg-footnotes")
    for k, (_, label, reasons) in enumerate(posters.flag_notes(m), start=1):
        assert f"{k}  {label}" in notes.replace("\n    ", "")
        assert reasons[0][:12] in notes.replace("\n    ", "")
    # each footnote gives the reasons of that node's tooltip (from the analyses)
    for i, _, reasons in posters.flag_notes(m):
        assert all(f"【{r}】" in m.nodes[i]["title"] for r in reasons)


def test_a1_pdf_vector_text_embedded_font_as_of_date(G: rg.RegionalGraph,
                                                     tmp_path: Path) -> None:
    import subprocess

    m = maps.community_map(G, "C004", as_of=DAY)
    pdf = posters.write_poster(m, tmp_path / "c004.pdf", paper="A1")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in f.split("Identity-H")[-1] for f in fonts if "Identity" in f)
    assert any("NotoSansCJK" in f and "CID" in f for f in fonts), fonts
    assert not any("Type 3" in f for f in fonts), fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert m.title in text.replace(" ", "")  # real (vector) text, not pixels
    assert "数据日期 2026-10-01" in text and "需关注" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert "CreationDate" not in info and "2026-10-01" in info  # the data date, not today
    today = __import__("datetime").date.today().isoformat()
    assert today == DAY.isoformat() or today not in text
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (841, 594)
