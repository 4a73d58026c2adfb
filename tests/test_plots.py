"""Charts: each returns a Figure with the expected bars/lines, Chinese labels in a CJK font."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure

import regional_graph as rg
from regional_graph.analysis.indicators import indicators
from regional_graph.viz import plots

DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def G() -> rg.RegionalGraph:
    return rg.datasets.load_sample_district()


@pytest.fixture(scope="module")
def family() -> str:
    fam = plots.configure_cjk_font()
    if fam is None:
        pytest.fail("no CJK font installed (.ci/run installs fonts-noto-cjk)")
    return fam


def render(fig: Figure) -> list[str]:
    """Draw the figure to PNG; return the font warnings raised while drawing ("Glyph …
    missing from font(s) …", "findfont: …"); unrelated warnings (e.g. a ResourceWarning
    from garbage collection) are ignored."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    messages = [str(w.message) for w in caught]
    return [m for m in messages if "missing from font" in m or m.startswith("findfont")]


def assert_cjk_ticks(fig: Figure, family: str) -> None:
    ax = fig.axes[0]
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    assert labels and any(not t.get_text().isascii() for t in labels)
    path = font_manager.findfont(labels[0].get_fontproperties(), fallback_to_default=False)
    assert "CJK" in path or family.split(maxsplit=1)[0] in path
    assert labels[0].get_fontproperties().get_family()[0] in ("sans-serif", family)


def test_configure_cjk_font(family: str) -> None:
    assert "CJK" in family or "Hei" in family or "WenQuanYi" in family
    assert mpl.rcParams["font.sans-serif"][0] == family
    assert mpl.rcParams["font.family"] == ["sans-serif"]
    assert mpl.rcParams["axes.unicode_minus"] is False
    assert plots.configure_cjk_font() == family  # idempotent


def test_coverage_by_street(G: rg.RegionalGraph, family: str) -> None:
    fig = plots.plot_coverage_by_street(G, as_of=DAY)
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].patches) == 2 * 13
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert all(0 <= h <= 100 for h in heights)
    assert_cjk_ticks(fig, family)
    assert not render(fig)


def test_plot_indicator(G: rg.RegionalGraph, family: str) -> None:
    t = indicators(G, by="street", as_of=DAY)
    fig = plots.plot_indicator(t, "conference_rate")
    ax = fig.axes[0]
    assert len(ax.patches) == 13
    assert len(ax.get_lines()) == 1  # the mean
    bars = sorted((p.get_height() for p in ax.patches), reverse=True)
    expected = sorted((t["conference_rate"].fillna(0) * 100).tolist(), reverse=True)
    np.testing.assert_allclose(bars, expected)
    assert ax.get_title() == "联席会参与率对比"
    assert_cjk_ticks(fig, family)
    assert not render(fig)
    c = indicators(G, by="community", as_of=DAY)
    assert len(plots.plot_indicator(c, "pairs", sort=False).axes[0].patches) == 116
    with pytest.raises(KeyError, match="nope"):
        plots.plot_indicator(t, "nope")


def test_degree_distribution(G: rg.RegionalGraph, family: str) -> None:
    fig = plots.plot_degree_distribution(G, as_of=DAY)
    lines = fig.axes[0].get_lines()
    assert [ln.get_label() for ln in lines] == ["驻区单位", "社区/街道", "其他"]
    from regional_graph.analysis.structure import degree

    d = degree(G, as_of=DAY)
    assert sum(ln.get_ydata().sum() for ln in lines) == len(d)
    assert not render(fig)
    log = plots.plot_degree_distribution(G, as_of=DAY, loglog=True)
    assert all((ln.get_xdata() > 0).all() for ln in log.axes[0].get_lines())
    assert not render(log)


def test_ties_over_time(G: rg.RegionalGraph, family: str) -> None:
    fig = plots.plot_ties_over_time(G, start="2024-01-01", end=DAY)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4
    total = lines[-1].get_ydata()
    assert len(total) == 34  # Jan 2024 … Oct 2026
    ties = G.edges_of(*(rg.schema.LINK_RELTYPE[t] for t in rg.schema.TIE_TYPES))
    assert total[-1] == int(G.live(ties, DAY).sum())
    assert total[0] == int(G.live(ties, "2024-01-01").sum())
    np.testing.assert_array_equal(total, sum(ln.get_ydata() for ln in lines[:3]))
    assert not render(fig)


def test_no_pyplot_figures(G: rg.RegionalGraph) -> None:
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.plot_coverage_by_street(G, as_of=DAY)
    assert plt.get_fignums() == before
