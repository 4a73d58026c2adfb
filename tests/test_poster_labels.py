"""Posters (A1 and A0) of every kind of map of the sample district: no drawn label, region
name or flag number over another, none over another node's marker, every flag number drawn.

The boxes are read back from matplotlib's own text layout (``get_window_extent`` of the drawn
artists), not from the placement's estimates, and checked pairwise by brute force.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

import regional_graph as rg
from regional_graph.viz import maps, posters

DAY = rg.datasets.REFERENCE_DATE


@pytest.fixture(scope="module")
def sample_maps() -> dict[str, maps.NetworkMap]:
    """The overview, the largest street (S03, 264 nodes) and a small one, both their org
    charts, and the largest community maps."""
    G = rg.datasets.load_sample_district()
    out = {m.key: m for m in (
        maps.district_overview(G, as_of=DAY),
        maps.street_map(G, "S03", as_of=DAY), maps.street_map(G, "S01", as_of=DAY),
        maps.org_chart(G, "S03", as_of=DAY), maps.org_chart(G, "S01", as_of=DAY),
        maps.community_map(G, "C001", as_of=DAY), maps.community_map(G, "C004", as_of=DAY))}
    street = out["street_S03"]  # its most crowded community (the region holding most nodes)
    per_region = np.bincount([n["region"] for n in street.nodes if n.get("region") is not None])
    biggest = next(n["id"] for n in street.nodes if n.get("kind") == "community"
                   and n.get("region") == int(per_region.argmax()))
    out[f"community_{biggest}"] = maps.community_map(G, biggest, as_of=DAY)
    return out


def _boxes(fig: Figure) -> tuple[list[tuple[str, np.ndarray]], np.ndarray]:
    """The drawn text boxes (kind, [x0, y0, x1, y1]) of the drawing area, and the node
    markers' centres."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    boxes = []
    for t in ax.texts:
        gid = t.get_gid()
        if gid not in ("rg-label", "rg-region", "rg-flag-number"):
            continue
        patch = t.get_bbox_patch()
        bb = t.get_window_extent(renderer)
        if gid == "rg-flag-number" and patch is not None:  # the black box around it
            t.update_bbox_position_size(renderer)
            bb = patch.get_window_extent(renderer)
        boxes.append((gid, np.array([bb.x0, bb.y0, bb.x1, bb.y1])))
    centres = np.concatenate([ax.transData.transform(c.get_offsets())
                              for c in ax.collections if isinstance(c, PathCollection)])
    return boxes, centres


def _overlapping(boxes: list[tuple[str, np.ndarray]], tol: float = 0.5) -> list[tuple]:
    bad = []
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a][1], boxes[b][1]
            if min(p[2], q[2]) - max(p[0], q[0]) > tol and min(p[3], q[3]) - max(p[1], q[1]) > tol:
                bad.append((boxes[a][0], boxes[b][0], p.round(1).tolist(), q.round(1).tolist()))
    return bad


@pytest.mark.parametrize("paper", ["A1", "A0"])
def test_no_label_overlaps_on_any_poster_kind(sample_maps: dict[str, maps.NetworkMap],
                                              paper: str) -> None:
    kinds = {m.kind for m in sample_maps.values()}
    assert kinds == {"district", "street", "org_chart", "community"}
    for key, m in sample_maps.items():
        fig = posters.poster_figure(m, paper=paper)
        boxes, centres = _boxes(fig)
        labels = [b for g, b in boxes if g == "rg-label"]
        shown = [n for n in m.nodes if not n.get("fine")]  # as on the page at first
        assert len(labels) >= min(20, len(shown) // 2), (key, len(labels))
        assert _overlapping(boxes) == [], (key, paper)
        # a node's centre is never under a label (the label beside it leaves it free)
        inside = [c.round(1).tolist() for c in centres for b in labels
                  if b[0] + 1 < c[0] < b[2] - 1 and b[1] + 1 < c[1] < b[3] - 1]
        assert inside == [], (key, paper, inside[:3])
        # every flagged node has its number; the count of left-out names is printed
        numbers = sorted(int(t.get_text()) for t in fig.axes[0].texts
                         if t.get_gid() == "rg-flag-number")
        assert numbers == list(range(1, len(posters.flag_notes(m)) + 1))
        note = [t.get_text() for t in fig.texts if t.get_gid() == "rg-hidden-note"]
        hidden = int(note[0].split("另有 ")[1].split(" ")[0]) if note else 0
        named = [n for n in shown if n.get("label") not in (None, "") and not n.get("nolabel")]
        assert len(labels) + hidden == len(named), key
        assert hidden <= 0.05 * len(named), (key, paper, hidden)
        # region names are drawn for every region shown
        regions = [t for t in fig.axes[0].texts if t.get_gid() == "rg-region"]
        assert len(regions) == len([r for r in m.regions if not r.get("fine")]), key


def test_a0_district_overview_is_legible(sample_maps: dict[str, maps.NetworkMap]) -> None:
    """On A0 every street and community of the overview is named, in type at least 14 pt
    (readable from about 2 m)."""
    m = sample_maps["district"]
    fig = posters.poster_figure(m, paper="A0")
    texts = [t for t in fig.axes[0].texts if t.get_gid() in ("rg-label", "rg-region")]
    assert min(t.get_fontsize() for t in texts) >= 14
    drawn = " ".join(t.get_text() for t in texts)
    named = [n for n in m.nodes if n.get("kind") in ("street", "community")
             and not n.get("nolabel")]
    missing = [n["label"] for n in named if n["label"] not in drawn]
    assert missing == []


def test_poster_legend_lists_what_is_drawn(sample_maps: dict[str, maps.NetworkMap]) -> None:
    """Grid and building detail is collapsed on a community poster, as on the page at
    first: its kinds leave the legend too."""
    m = sample_maps["community_C001"]
    names = [t.get_text() for t in posters.poster_figure(m, paper="A1").legends[0].get_texts()]
    assert {"网格", "楼栋"} <= {e[0] for e in m.legend}
    assert "网格" not in names and "楼栋" not in names
    assert {"社区", "党组织"} <= set(names)
