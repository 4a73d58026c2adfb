"""Label placement for posters: no label is ever drawn over another.

The same rule as the HTML page's label layer (:mod:`~regional_graph.viz.render`), in page
points instead of screen pixels: labels are placed greedily by priority at one of eight
spots around their node (below, right, above, left, then the four corners; then the same
a line further out; a long label is
tried shortened to 7 characters + "…" next); a spot is taken only when its box touches no
label placed before, no region name, no flag number and no node marker, and lies inside the
drawing area. A label that finds no spot is left out and counted (the poster prints the
count; the HTML map shows those names when zoomed in).

Boxes are ``(x0, y0, x1, y1)`` in points, y up (matplotlib display units at 72 dpi).

Examples
--------
>>> grid = BoxGrid(50.0)
>>> grid.add((0.0, 0.0, 40.0, 12.0))
>>> boxes = [(30.0, 5.0, 60.0, 17.0), (41.0, 0.0, 60.0, 12.0)]
>>> [box for box in boxes if grid.hit(box)]  # the one overlapping the box added
[(30.0, 5.0, 60.0, 17.0)]
>>> cands = [Candidate(0, "甲单位", 10.0, (100.0, 100.0), 5.0),
...          Candidate(1, "乙单位", 5.0, (100.0, 100.0), 5.0)]
>>> placed, hidden = place_labels(cands, lambda t: (12.0 * len(t), 12.0),
...                               (0.0, 0.0, 400.0, 400.0))
>>> [(p.owner, p.side) for p in placed], hidden
([(0, 'below'), (1, 'right')], [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["BoxGrid", "Candidate", "Placed", "box_overlaps", "place_labels"]

Box = tuple[float, float, float, float]
#: Free space kept around every label box (points): room for the white halo.
PAD = 1.5
_DIAGONALS = ("below-right", "below-left", "above-right", "above-left")
SIDES_BELOW = ("below", "right", "above", "left", *_DIAGONALS)
SIDES_RIGHT = ("right", "below", "left", "above", *_DIAGONALS)
_SHORTEN_OVER = 9
_SHORT = 7


@dataclass
class BoxGrid:
    """Boxes hashed into square cells of ``cell`` points, for fast "does this box touch
    any box?" queries."""

    cell: float
    cells: dict[tuple[int, int], list[Box]] = field(default_factory=dict)

    def _keys(self, b: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for a in range(int(b[0] // c), int(b[2] // c) + 1):
            for d in range(int(b[1] // c), int(b[3] // c) + 1):
                yield a, d

    def add(self, b: Box) -> None:
        for k in self._keys(b):
            self.cells.setdefault(k, []).append(b)

    def hit(self, b: Box) -> bool:
        for k in self._keys(b):
            for q in self.cells.get(k, ()):
                if b[0] < q[2] and q[0] < b[2] and b[1] < q[3] and q[1] < b[3]:
                    return True
        return False


@dataclass
class Candidate:
    """A label to place: its owner (node index), text, priority, anchor point and the
    radius of the node marker there (points); ``side`` is the preferred first spot."""

    owner: int
    text: str
    prio: float
    xy: tuple[float, float]
    radius: float
    side: str | None = None


@dataclass
class Placed:
    """A placed label: text and its box's lower-left corner, width and height (points)."""

    owner: int
    text: str
    x: float
    y: float
    w: float
    h: float
    side: str

    @property
    def box(self) -> Box:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


def _spot(side: str, cx: float, cy: float, r: float, w: float, h: float
          ) -> tuple[float, float]:
    """Lower-left corner of a ``w`` x ``h`` label on ``side`` of a marker of radius ``r``
    at ``(cx, cy)``, its padded box clear of the marker's box."""
    g = PAD + 1.0
    if side == "below":
        return cx - w / 2, cy - r - g - h
    if side == "above":
        return cx - w / 2, cy + r + g
    if side == "right":
        return cx + r + g + 1, cy - h / 2
    if side == "left":
        return cx - r - g - 1 - w, cy - h / 2
    d = 0.75 * r  # the diagonals: a corner of the label box at the marker's corner
    x = cx + d + g if side.endswith("right") else cx - d - g - w
    y = cy - d - g - h if side.startswith("below") else cy + d + g
    return x, y


def _texts(text: str) -> list[str]:
    return [text, text[:_SHORT] + "…"] if len(text) > _SHORTEN_OVER else [text]


def place_labels(
    cands: Sequence[Candidate],
    measure: Callable[[str], tuple[float, float]],
    bounds: Box,
    *,
    obstacles: Iterable[Box] = (),
    sides: Sequence[str] = SIDES_BELOW,
    grid: BoxGrid | None = None,
) -> tuple[list[Placed], list[int]]:
    """Place ``cands`` greedily by priority (highest first, ties by owner).

    Parameters
    ----------
    cands
        The labels.
    measure
        Text → (width, height) in points.
    bounds
        The drawing area; no label leaves it.
    obstacles
        Boxes no label may touch (node markers, region names, flag numbers).
    sides
        Spots tried in order (a candidate's own ``side`` first).
    grid
        An index to add to (default: a new one, 64-point cells); obstacles are added to it.

    Returns
    -------
    (placed, hidden)
        The placed labels, and the owners of the labels left out.

    Examples
    --------
    >>> c = [Candidate(0, "一二三四五六七八九十", 1.0, (50.0, 50.0), 4.0)]
    >>> placed, _ = place_labels(c, lambda t: (10.0 * len(t), 10.0), (0.0, 0.0, 100.0, 100.0))
    >>> placed[0].text, placed[0].side
    ('一二三四五六七…', 'below')
    """
    g = grid if grid is not None else BoxGrid(64.0)
    for b in obstacles:
        g.add(b)
    placed: list[Placed] = []
    hidden: list[int] = []
    for c in sorted(cands, key=lambda c: (-c.prio, c.owner)):
        spot = _first_spot(c, measure, bounds, g, sides)
        if spot is None:
            hidden.append(c.owner)
            continue
        placed.append(spot)
        g.add(spot.box)
    return placed, hidden


def _first_spot(c: Candidate, measure: Callable[[str], tuple[float, float]], bounds: Box,
                g: BoxGrid, sides: Sequence[str]) -> Placed | None:
    order = [c.side, *(s for s in sides if s != c.side)] if c.side else list(sides)
    cx, cy = c.xy
    for text in _texts(c.text):
        w, h = measure(text)
        for side, r in [(s, c.radius) for s in order] + [(s, c.radius + h) for s in order]:
            x, y = _spot(side, cx, cy, r, w, h)
            box = (x - PAD, y - PAD, x + w + PAD, y + h + PAD)
            if box[0] < bounds[0] or box[1] < bounds[1] or box[2] > bounds[2] \
                    or box[3] > bounds[3] or g.hit(box):
                continue
            return Placed(c.owner, text, x, y, w, h, side)
    return None


def box_overlaps(boxes: Sequence[Box], *, tol: float = 0.5) -> list[tuple[int, int]]:
    """Pairs of boxes that overlap by more than ``tol`` points in both directions.

    Examples
    --------
    >>> box_overlaps([(0, 0, 10, 10), (9, 9, 20, 20), (5, 5, 8, 8)])
    [(0, 1), (0, 2)]
    """
    out = []
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0])
    for a_pos, i in enumerate(order):
        bi = boxes[i]
        for j in order[a_pos + 1:]:
            bj = boxes[j]
            if bj[0] >= bi[2] - tol:
                break
            if min(bi[3], bj[3]) - max(bi[1], bj[1]) > tol \
                    and min(bi[2], bj[2]) - max(bi[0], bj[0]) > tol:
                out.append((min(i, j), max(i, j)))
    return sorted(out)
