"""The graph: a typed, columnar property graph built for city and province scale.

Every node has a global integer *code* (its position in :attr:`RegionalGraph.ids`, numbered
label by label in schema order). Node properties live in one DataFrame per label, indexed by
id; relationships live in one edge DataFrame (``type``, ``source``, ``target`` as int32 codes,
then the link properties). Analyses work on these arrays and on per-type ``scipy.sparse``
adjacency built on demand; :meth:`RegionalGraph.to_networkx` gives researchers a networkx view.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> G.number_of_nodes(), G.number_of_edges()
(30, 48)
>>> G.nodes[rg.schema.Label.AREA].loc["C1", ["name", "level"]].tolist()
['东一社区', 'community']
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .frames import concat_arrow, to_text_frame
from .schema import LINK_PROPERTIES, LINK_RELTYPE, LINKS, NODE_TABLES, Label, RelType

if TYPE_CHECKING:
    from collections.abc import Callable

    import networkx as nx
    import scipy.sparse as sp

#: Label of each label code (position in schema order).
LABELS: list[Label] = list(NODE_TABLES)
#: The categories of the edge ``type`` column.
REL_TYPES: list[str] = [r.value for r in RelType]
LINK_REL_TYPES: list[str] = [r.value for r in LINK_RELTYPE.values()]

DateLike: TypeAlias = dt.date | str | np.datetime64 | pd.Timestamp | None
#: Which links :meth:`RegionalGraph.links` returns, relative to its ``as_of`` day.
LinkState = Literal["live", "ended", "any"]
_T = TypeVar("_T")
#: Above this many runs of one edge type, :meth:`RegionalGraph.links` selects by a mask.
_MAX_RUNS = 256


def live_mask(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    """Links live on ``day``: start empty or ≤ day, and end empty or ≥ day (DOMAIN.md).

    Examples
    --------
    >>> d = np.array(["2024-01-01", "NaT"], dtype="datetime64[s]")
    >>> live_mask(d, d[::-1], as_date("2024-01-01")).tolist()
    [True, True]
    """
    return (np.isnat(start) | (start <= day)) & (np.isnat(end) | (end >= day))


def ended_mask(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    """Links that had started by ``day`` and ended before it (expired; a link starting later
    does not exist yet as of ``day``).

    Examples
    --------
    >>> start = np.array(["2024-01-01", "2026-01-01"], dtype="datetime64[s]")
    >>> end = np.array(["2024-06-30", "2026-06-30"], dtype="datetime64[s]")
    >>> ended_mask(start, end, as_date("2025-01-01")).tolist()
    [True, False]
    """
    return (np.isnat(start) | (start <= day)) & ~np.isnat(end) & (end < day)


@dataclass(frozen=True)
class Links:
    """Relationships as parallel arrays (what every analysis works on).

    ``pos`` are row positions in :attr:`RegionalGraph.edges`; ``source`` and ``target`` are
    int64 node codes; ``start`` and ``end`` are ``datetime64[s]`` (``NaT`` when open).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> pairs = G.links("PAIRED_WITH", state="any")
    >>> len(pairs), G.ids[pairs.source].tolist(), G.ids[pairs.target].tolist()
    (2, ['O1', 'O2'], ['PC1', 'PC3'])
    """

    pos: np.ndarray
    source: np.ndarray
    target: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.pos)

    def select(self, mask: np.ndarray) -> Links:
        """The links where ``mask`` is true.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> seats = G.links("CONFERENCE_MEMBER", state="any")
        >>> G.ids[seats.select(np.isnat(seats.end)).source].tolist()
        ['O1']
        """
        at = np.flatnonzero(mask)  # one pass over the mask, then five cheap takes
        return Links(self.pos[at], self.source[at], self.target[at], self.start[at],
                     self.end[at])

    def adjacency(self, n: int, *, symmetric: bool = False) -> sp.csr_array:
        """``n × n`` CSR adjacency counting the links (``source → target``; both ways when
        ``symmetric``).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> A = G.links("PAIRED_WITH", as_of="2026-10-01").adjacency(G.number_of_nodes())
        >>> int(A.sum()), int(A[G.codes(["O1"])[0], G.codes(["PC1"])[0]])
        (1, 1)
        """
        src, tgt = self.source, self.target
        if symmetric:
            src, tgt = np.concatenate([src, tgt]), np.concatenate([tgt, src])
        import scipy.sparse as sp  # on first use: importing scipy costs ~0.2 s

        adj = sp.csr_array((np.ones(len(src), dtype=np.int32), (src, tgt)), shape=(n, n))
        adj.sum_duplicates()
        return adj


def as_date(value: DateLike = None) -> np.datetime64:
    """A day as ``numpy.datetime64[s]`` (default: today).

    Examples
    --------
    >>> as_date("2024-03-01")
    np.datetime64('2024-03-01T00:00:00')
    """
    if value is None:
        value = dt.date.today()
    return np.datetime64(pd.Timestamp(value).normalize().date(), "s")


@dataclass(eq=False, repr=False)
class RegionalGraph:
    """A regional joint-building network.

    Attributes
    ----------
    nodes
        Label → DataFrame of node properties indexed by ``id`` (columns as in the template).
    edges
        One row per relationship: ``type`` (a :class:`~regional_graph.schema.RelType` value),
        ``source``/``target`` (int32 node codes), then the link properties ``start``, ``end``,
        ``kind``, ``note``, ``quantity`` and any extra columns of the links table. Links from
        the links table keep their table order.
    activities
        The activities table (dated events on a link or a project), possibly empty.
    orders
        The three-order table (三单制: resident order → dispatch → taken → done), possibly empty.
    name
        A display name (e.g. the district), used in titles.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> [label.value for label in G.nodes]
    ['Area', 'PartyOrg', 'Organization', 'Resource', 'Demand', 'Member']
    >>> list(G.edges.columns[:3])
    ['type', 'source', 'target']
    >>> G == rg.datasets.load_tiny(), G == rg.datasets.load_sample_district()  # equal tables
    (True, False)
    """

    nodes: dict[Label, pd.DataFrame]
    edges: pd.DataFrame
    activities: pd.DataFrame
    orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    name: str = ""
    _cache: dict[object, object] = field(default_factory=dict, repr=False)

    # -- node codes -----------------------------------------------------------------------
    @cached_property
    def _ids(self) -> pa.LargeStringArray:
        chunks = [pa.array(self.nodes[lbl].index, type=pa.large_string()) for lbl in LABELS]
        return concat_arrow(chunks).combine_chunks()

    @cached_property
    def offsets(self) -> np.ndarray:
        """First code of each label (length ``len(LABELS) + 1``).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()  # 6 areas, 9 Party orgs, 8 organisations, …
        >>> G.offsets.tolist()
        [0, 6, 15, 23, 25, 28, 30]
        """
        sizes = [len(self.nodes[lbl]) for lbl in LABELS]
        return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    @cached_property
    def ids(self) -> pd.Index:
        """All node ids in code order.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.ids[G.offsets[:-1]].tolist()  # the first node of each label
        ['D1', 'PD1', 'O1', 'R1', 'Q1', 'M1']
        """
        return pd.Index(self._ids.to_pandas(), dtype="str", name="id")

    @cached_property
    def label_codes(self) -> np.ndarray:
        """Label code (position in :data:`LABELS`) of every node.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> [LABELS[c].value for c in G.label_codes[G.codes(["C1", "PB1", "M2"])]]
        ['Area', 'PartyOrg', 'Member']
        >>> np.bincount(G.label_codes).tolist()
        [6, 9, 8, 2, 3, 2]
        """
        return np.repeat(np.arange(len(LABELS), dtype=np.int8), np.diff(self.offsets))

    def codes(self, ids: object, label: Label | None = None, *,
              among: np.ndarray | None = None) -> np.ndarray:
        """Node codes of ``ids`` (-1 where unknown); with ``label``, only nodes of that label
        are looked at (a smaller hash table: faster when ids are known to be of one label);
        with ``among`` (node codes), only those nodes (any other id gives -1).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_sample_district()
        >>> G.codes(["D01", "nope"]).tolist()
        [0, -1]
        >>> G.codes(["S01", "O001"], Label.AREA).tolist() == [G.codes(["S01"])[0], -1]
        True
        >>> G.codes(["D01", "S01"], among=np.array([0])).tolist()
        [0, -1]
        """
        values = pa.array(pd.Series(ids, dtype="str"), type=pa.large_string(), from_pandas=True)
        if among is not None:
            among = np.asarray(among, dtype=np.int64)
            found = pc.index_in(values, value_set=self._ids.take(pa.array(among)))
            pos = pc.fill_null(found, -1).to_numpy().astype(np.int64)
            return np.where(pos >= 0, among[np.maximum(pos, 0)] if len(among) else -1, -1)
        if label is None:
            found = pc.index_in(values, value_set=self._ids)
            return pc.fill_null(found, -1).to_numpy().astype(np.int64)
        rng = self.label_range(label)
        found = pc.index_in(values, value_set=self._ids.slice(rng.start, rng.stop - rng.start))
        out = pc.fill_null(found, -1).to_numpy().astype(np.int64)
        return np.where(out >= 0, out + rng.start, -1)

    def label_range(self, label: Label) -> slice:
        """The codes of one label, as a slice.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.label_range(Label.PARTY_ORG)
        slice(6, 15, None)
        >>> G.ids[G.label_range(Label.RESOURCE)].tolist()
        ['R1', 'R2']
        """
        i = LABELS.index(label)
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def number_of_nodes(self) -> int:
        """Number of nodes.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.number_of_nodes()  # 6 areas + 9 Party orgs + 8 organisations + 2 + 3 + 2
        30
        """
        return int(self.offsets[-1])

    def number_of_edges(self) -> int:
        """Number of relationships (hierarchy, membership, links, …).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.number_of_edges()  # 39 from the node tables' ids + the 9 rows of links.csv
        48
        """
        return len(self.edges)

    # -- edges ----------------------------------------------------------------------------
    def edges_of(self, *types: RelType | str) -> pd.DataFrame:
        """The rows of :attr:`edges` of the given types (all when none given).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> e = G.edges_of(RelType.PAIRED_WITH, "COVERED_BY")
        >>> G.ids[e["source"]].tolist(), G.ids[e["target"]].tolist()
        (['O3', 'O4', 'O5', 'O1', 'O2'], ['PB1', 'PJ1', 'PJ1', 'PC1', 'PC3'])
        >>> len(G.edges_of())
        48
        """
        if not types:
            return self.edges
        wanted = {RelType(t).value if not isinstance(t, RelType) else t.value for t in types}
        return self.edges[self.edges["type"].isin(wanted).to_numpy()]

    def links(
        self, *types: RelType | str, as_of: DateLike = None, state: LinkState = "live",
    ) -> Links:
        """The relationships of the given types (all when none given) as arrays.

        ``state="live"`` keeps the links live on ``as_of`` (default today: start empty or
        ≤ the day, end empty or ≥ the day — the one live-link rule of DOMAIN.md); ``"ended"``
        keeps those that had started by the day and ended before it; ``"any"`` keeps all.
        Structural types (``PART_OF``, ``LEADS`` …) carry no dates and are always live.

        A link lasts only while both its ends exist (:meth:`exists`): for ``"live"`` and
        ``"ended"`` its start is no earlier than the later ``founded`` of its ends and its
        end no later than the day before the earlier ``dissolved`` (the dates returned are
        these clipped ones).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> live = G.links("PAIRED_WITH", "CONFERENCE_MEMBER", as_of="2026-10-01")
        >>> G.ids[live.source].tolist()
        ['O1', 'O1']
        >>> G.ids[G.links("PAIRED_WITH", as_of="2026-10-01", state="ended").source].tolist()
        ['O2']
        >>> len(G.links(state="any")), len(G.links(as_of="2026-10-01"))  # 2 links had ended
        (48, 46)
        """
        key = ("links", tuple(sorted({RelType(t).value for t in types})))
        every: Links = self.memo(key, lambda: self._links_of(types))
        if state == "any":
            return every
        day = as_date(as_of)
        every = self._while_ends_exist(every)
        if state == "live":
            return every.select(live_mask(every.start, every.end, day))
        if state == "ended":
            return every.select(ended_mask(every.start, every.end, day))
        raise ValueError(f"state must be 'live', 'ended' or 'any', not {state!r}")

    def row_among(self, pos: np.ndarray, *types: RelType | str) -> np.ndarray:
        """The 1-based row of each edge at ``pos`` (each of one of ``types``) among the edges
        of ``types`` in frame order: for the link types, its row in the links table. Counted
        from the runs of one type when the edges are grouped by type (as built), so nothing
        of the size of the edge frame is made.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> pos = G.links("SITS_ON", "CONFERENCE_MEMBER", state="any").pos
        >>> G.row_among(pos, *LINK_REL_TYPES).tolist()  # O1, O1, O2: rows 6-8 of links.csv
        [6, 7, 8]
        """
        wanted = [REL_TYPES.index(RelType(t).value) for t in types]
        pos = np.asarray(pos, dtype=np.int64)
        run_type, run_start, run_stop = self.memo(("links", "runs"), self._edge_runs)
        if len(run_type) > _MAX_RUNS:  # not grouped: count over the whole frame
            codes = self.memo(("links", "columns"), self._edge_columns)[0]
            return np.cumsum(np.isin(codes, wanted))[pos]
        size = np.where(np.isin(run_type, wanted), run_stop - run_start, 0)
        run = np.searchsorted(run_start, pos, side="right") - 1
        return (np.cumsum(size) - size)[run] + pos - run_start[run] + 1

    def exists(self, as_of: DateLike = None) -> np.ndarray:
        """Per node: it exists on ``as_of`` (default today). An organisation or Party org
        exists when ``founded`` is empty or ≤ the day and ``dissolved`` is empty or > the day
        (DOMAIN.md); every other node always exists.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> int(G.exists("2026-10-01").sum())  # all 30: the tiny district records no dates
        30
        """
        day = as_date(as_of)

        def compute() -> np.ndarray:
            if not self._dated():
                out = np.ones(self.number_of_nodes(), dtype=bool)
            else:
                founded, dissolved = self._validity()
                out = ((np.isnat(founded) | (founded <= day))
                       & (np.isnat(dissolved) | (dissolved > day)))
            out.setflags(write=False)
            return out

        return self.memo(("exists", day), compute)  # once per day; read only

    def _dated(self) -> bool:
        """Whether any node carries a ``founded`` or ``dissolved`` date."""
        def compute() -> bool:
            return any(col in self.nodes[label].columns and not np.isnat(
                self.nodes[label][col].to_numpy(dtype="datetime64[s]")).all()
                for label in (Label.ORGANIZATION, Label.PARTY_ORG)
                for col in ("founded", "dissolved"))

        return self.memo(("validity", "any"), compute)

    def _validity(self) -> tuple[np.ndarray, np.ndarray]:
        """``founded`` and ``dissolved`` of every node (``NaT`` when none)."""
        def compute() -> tuple[np.ndarray, np.ndarray]:
            n = self.number_of_nodes()
            founded = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
            dissolved = founded.copy()
            for label in (Label.ORGANIZATION, Label.PARTY_ORG):
                frame, rng = self.nodes[label], self.label_range(label)
                for col, out in (("founded", founded), ("dissolved", dissolved)):
                    if col in frame.columns and len(frame):
                        out[rng] = frame[col].to_numpy(dtype="datetime64[s]")
            return founded, dissolved

        return self.memo(("validity",), compute)

    def _while_ends_exist(self, links: Links) -> Links:
        """``links`` with start and end clipped to the days both ends exist."""
        if not self._dated() or not len(links):
            return links
        founded, dissolved = self._validity()
        last = dissolved - np.timedelta64(1, "D")  # the last day a dissolved node exists
        start = np.fmax(links.start, np.fmax(founded[links.source], founded[links.target]))
        end = np.fmin(links.end, np.fmin(last[links.source], last[links.target]))
        return Links(links.pos, links.source, links.target, start, end)

    def _links_of(self, types: tuple[RelType | str, ...]) -> Links:
        codes, source, target, start, end = self.memo(("links", "columns"), self._edge_columns)
        wanted = [REL_TYPES.index(RelType(t).value) for t in types]
        run_type, run_start, run_stop = self.memo(("links", "runs"), self._edge_runs)
        if not types:
            parts = [slice(0, len(codes))]
        elif len(run_type) <= _MAX_RUNS:  # edges grouped by type (as built): slices
            parts = [slice(run_start[i], run_stop[i])
                     for i in np.flatnonzero(np.isin(run_type, wanted))]
        else:
            mask = codes == wanted[0]
            for w in wanted[1:]:  # a few equality passes beat np.isin on a million codes
                mask |= codes == w
            at = np.flatnonzero(mask)
            return Links(at, source[at].astype(np.int64), target[at].astype(np.int64),
                         start[at], end[at])

        def cut(values: np.ndarray, dtype: type | None = None) -> np.ndarray:
            out = np.concatenate([values[part] for part in parts]) if parts \
                else values[:0].copy()
            return out if dtype is None else out.astype(dtype, copy=False)

        # only the rows of these types are copied (codes as int64), not the whole frame
        pos = np.concatenate([np.arange(p.start, p.stop) for p in parts]) if parts \
            else np.zeros(0, dtype=np.int64)
        return Links(pos, cut(source, np.int64), cut(target, np.int64), cut(start), cut(end))

    def _edge_runs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Type, first and past-last position of each run of edges of one type."""
        codes = self.memo(("links", "columns"), self._edge_columns)[0]
        cut = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        start = np.r_[0, cut].astype(np.int64) if len(codes) else np.zeros(0, dtype=np.int64)
        stop = np.r_[cut, len(codes)].astype(np.int64) if len(codes) else start
        return codes[start], start, stop

    def _edge_columns(self) -> tuple[np.ndarray, ...]:
        """The edge frame's type codes, source, target, start and end as arrays (views of
        the frame's columns where their dtypes allow: nothing is copied)."""
        e = self.edges
        return (e["type"].cat.codes.to_numpy(), e["source"].to_numpy(), e["target"].to_numpy(),
                e["start"].to_numpy(dtype="datetime64[s]"),
                e["end"].to_numpy(dtype="datetime64[s]"))

    def memo(self, key: object, compute: Callable[[], _T]) -> _T:
        """``compute()``, computed once per graph and ``key`` (a graph never changes).

        The one cache of derived arrays: modules ask the graph instead of writing into it.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.memo(("example", "answer"), lambda: 42), G.memo(("example", "answer"), lambda: 0)
        (42, 42)
        """
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]  # type: ignore[return-value]

    def live(self, edges: pd.DataFrame, as_of: DateLike = None) -> np.ndarray:
        """Mask of ``edges`` live on ``as_of``: start empty or ≤ as_of, end empty or ≥ as_of.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> pairs = G.edges_of(RelType.PAIRED_WITH)  # O1–PC1 from 2024, O2–PC3 ended 2023
        >>> G.live(pairs, as_of="2026-10-01").tolist()
        [True, False]
        """
        return live_mask(edges["start"].to_numpy(dtype="datetime64[s]"),
                         edges["end"].to_numpy(dtype="datetime64[s]"), as_date(as_of))

    def adjacency(self, *types: RelType | str, mask: np.ndarray | None = None) -> sp.csr_array:
        """Directed adjacency (``source → target``) of the given types as a CSR array.

        Entries count parallel relationships. Without ``mask`` the result is cached.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> A = G.adjacency(RelType.PART_OF)
        >>> A.shape, int(A.sum())
        ((30, 30), 5)
        >>> G.ids[A[G.codes(["C2"])[0]].nonzero()[0]].tolist()  # C2 is part of
        ['S1']
        """
        key = ("adj", tuple(sorted(str(t) for t in types)))
        if mask is None and key in self._cache:
            return self._cache[key]
        e = self.edges_of(*types)
        if mask is not None:
            e = e[mask]
        n = self.number_of_nodes()
        data = np.ones(len(e), dtype=np.int32)
        import scipy.sparse as sp

        adj = sp.csr_array(
            (data, (e["source"].to_numpy(), e["target"].to_numpy())), shape=(n, n)
        )
        adj.sum_duplicates()
        if mask is None:
            self._cache[key] = adj
        return adj

    def parent_codes(self) -> np.ndarray:
        """Parent code of every node along ``PART_OF``/``SUBORDINATE_TO`` (-1 at the top).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> parent = G.parent_codes()
        >>> int(parent[G.codes(["D1"])[0]]), G.ids[parent[G.codes(["C2", "PB1"])]].tolist()
        (-1, ['S1', 'PC1'])
        """
        if "parent" not in self._cache:
            parent = np.full(self.number_of_nodes(), -1, dtype=np.int64)
            e = self.links(RelType.PART_OF, RelType.SUBORDINATE_TO, state="any")
            parent[e.source] = e.target
            self._cache["parent"] = parent
        return self._cache["parent"]  # type: ignore[return-value]

    def area_of(self) -> np.ndarray:
        """The area code of every node (-1 when none).

        Areas are their own area; organisations, Party orgs, resources and demands use their
        ``area_id``; a Party org without one falls back to its host organisation's area.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> area = G.area_of()
        >>> G.ids[area[G.codes(["C1", "O4", "PB1", "R2", "Q3"])]].tolist()
        ['C1', 'C2', 'C1', 'C3', 'C2']
        >>> int(area[G.codes(["M1"])[0]])  # members have no area
        -1
        """
        if "area_of" in self._cache:
            return self._cache["area_of"]  # type: ignore[return-value]
        n = self.number_of_nodes()
        out = np.full(n, -1, dtype=np.int64)
        areas = self.label_range(Label.AREA)
        out[areas] = np.arange(areas.start, areas.stop)
        ranges, columns = [], []
        for label in (Label.ORGANIZATION, Label.PARTY_ORG, Label.RESOURCE, Label.DEMAND):
            frame = self.nodes[label]
            if "area_id" not in frame.columns or not len(frame):
                continue
            if NODE_TABLES[label].column("area_id").rel is not None:  # resolved already
                out[self.label_range(label)] = self.resolved(label, "area_id")
            else:
                ranges.append(self.label_range(label))
                columns.append(frame["area_id"].astype("str"))
        if columns:  # one id lookup for the others
            found = self.codes(pd.concat(columns, ignore_index=True), Label.AREA)
            bounds = np.cumsum([0, *(r.stop - r.start for r in ranges)])
            for rng, lo, hi in zip(ranges, bounds[:-1], bounds[1:], strict=True):
                out[rng] = found[lo:hi]
        hosted = self.links(RelType.HOSTED_BY, state="any")
        src, host = hosted.source, hosted.target
        missing = out[src] < 0
        out[src[missing]] = out[host[missing]]
        self._cache["area_of"] = out
        return out

    def ancestor_at(self, codes: np.ndarray, level: str) -> np.ndarray:
        """For each area code, its ancestor (or itself) of the given area ``level`` (-1 if none,
        and for -1 or a code that is not an area). One lookup in a table of every area's
        ancestor of that level, made once per graph and level (:meth:`_ancestor_table`).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> street = G.ancestor_at(G.codes(["C3", "S1", "D1"]), "street")
        >>> street.tolist()  # S2, S1 itself, none above the district
        [2, 1, -1]
        >>> G.ids[G.ancestor_at(G.codes(["C1", "C3"]), "district")].tolist()
        ['D1', 'D1']
        >>> G.ancestor_at(np.array([-1, G.codes(["O1"])[0]]), "street").tolist()
        [-1, -1]
        """
        arng = self.label_range(Label.AREA)
        table = self.memo(("ancestor_at", level), lambda: self._ancestor_table(level))
        codes = np.asarray(codes, dtype=np.int64)
        inside = (codes >= arng.start) & (codes < arng.stop)
        return table[np.where(inside, codes - arng.start, len(table) - 1)]

    def _ancestor_table(self, level: str) -> np.ndarray:
        """The ancestor (or itself) of ``level`` of every area, then a -1 (the answer for
        anything else): the nearest one going up ``PART_OF``, looking at most 15 steps up
        (deeper than any area hierarchy; a cycle finds nothing). Each step hands every area
        still without an answer the answer of the area its walk has reached.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()  # codes 0-5: D1; S1, S2; C1, C2 (in S1), C3 (in S2)
        >>> G._ancestor_table("street").tolist()
        [-1, 1, 2, 1, 1, 2, -1]
        >>> G._ancestor_table("district").tolist(), G._ancestor_table("grid").tolist()
        ([0, 0, 0, 0, 0, 0, -1], [-1, -1, -1, -1, -1, -1, -1])
        """
        arng = self.label_range(Label.AREA)
        n_areas = arng.stop - arng.start
        own = (self.nodes[Label.AREA]["level"] == level).to_numpy(dtype=bool)
        parent = self.parent_codes()[arng]
        up = np.full(n_areas + 1, n_areas, dtype=np.int64)  # index n_areas: above the top
        inside = (parent >= arng.start) & (parent < arng.stop)
        up[:n_areas][inside] = parent[inside] - arng.start
        found = np.full(n_areas + 1, -1, dtype=np.int64)
        found[:n_areas][own] = np.flatnonzero(own)
        reach = up.copy()  # the area whose answer a step copies
        for _ in range(15):  # steps 1..15 (step 0: the area itself)
            take = (found < 0) & (reach < n_areas)
            if not take.any():
                break
            found = np.where(take, found[reach], found)
            reach = np.where(take, up[reach], reach)
        return np.where(found >= 0, found + arng.start, -1)

    def resolved(self, label: Label, column: str) -> np.ndarray:
        """The node code each row of ``label`` names in its reference ``column``
        (``area_id``, ``provider_id``, ``org_id``…; -1 when empty), read off the
        relationship the graph resolved it into (an id lookup would hash all the graph's
        ids: ~0.1 s at city scale). Made once per graph; read only.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.ids[G.resolved(Label.RESOURCE, "provider_id")].tolist()  # R1 by O1, R2 by O2
        ['O1', 'O2']
        >>> G.ids[G.resolved(Label.ORGANIZATION, "area_id")].tolist()[:3]
        ['C1', 'C3', 'C1']
        """
        col = NODE_TABLES[label].column(column)
        if col.rel is None:
            raise ValueError(f"{label.value}.{column} is not a reference the graph resolves")
        rel, reverse = col.rel, col.reverse

        def compute() -> np.ndarray:
            rng = self.label_range(label)
            links = self.links(rel, state="any")
            own, other = (links.target, links.source) if reverse else (links.source,
                                                                        links.target)
            out = np.full(rng.stop - rng.start, -1, dtype=np.int64)
            ok = (own >= rng.start) & (own < rng.stop)
            out[own[ok] - rng.start] = other[ok]
            out.setflags(write=False)
            return out

        return self.memo(("resolved", label, column), compute)

    def display_names(self, codes: np.ndarray | None = None) -> np.ndarray:
        """Names of areas, Party orgs and organisations (object array; ``None`` for
        resources, demands, members — personal data — and code -1); all nodes by default.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_sample_district()
        >>> G.display_names(G.codes(["D01", "nope"])).tolist()
        ['海岚区', None]
        """
        n = self.number_of_nodes()
        flat = np.arange(n) if codes is None else np.asarray(codes, dtype=np.int64).reshape(-1)
        out = np.full(len(flat), None, dtype=object)
        for label in (Label.AREA, Label.PARTY_ORG, Label.ORGANIZATION):  # only the names asked
            rng = self.label_range(label)
            at = np.flatnonzero((flat >= rng.start) & (flat < rng.stop))
            if len(at):
                names = self.nodes[label]["name"].array.take(flat[at] - rng.start)
                out[at] = names.to_numpy(dtype=object, na_value=None)
        if codes is None:
            return out
        shape = np.shape(codes)
        return out[0] if shape == () else out.reshape(shape)

    def organizations_of_kind(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Per organisation row (code order within the label): kind in ``kinds``.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> orgs = G.ids[G.label_range(Label.ORGANIZATION)]
        >>> orgs[G.organizations_of_kind(("hospital", "school"))].tolist()
        ['O1', 'O2']
        """
        kind = self.nodes[Label.ORGANIZATION]["kind"]
        hit = np.array([c in kinds for c in kind.cat.categories] + [False], dtype=bool)
        return hit[kind.cat.codes.to_numpy()]  # a missing kind (code -1) picks the False

    def area_levels(self) -> np.ndarray:
        """Area level of every node (object array; ``None`` for non-areas).

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> G.area_levels()[G.codes(["D1", "S1", "C1", "O1"])].tolist()
        ['district', 'street', 'community', None]
        """
        if "levels" not in self._cache:
            levels = np.full(self.number_of_nodes(), None, dtype=object)
            levels[self.label_range(Label.AREA)] = self.nodes[Label.AREA]["level"].astype(object)
            self._cache["levels"] = levels
        return self._cache["levels"]  # type: ignore[return-value]

    # -- views ----------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """Counts of nodes by label and kind/level and of relationships by type.

        Examples
        --------
        >>> import regional_graph as rg
        >>> rg.datasets.load_sample_district().summary().loc[("Area", "street"), "count"]
        np.int64(13)
        """
        rows = []
        for label in LABELS:
            frame = self.nodes[label]
            col = "level" if "level" in frame.columns else "kind" if "kind" in frame.columns \
                else "category" if "category" in frame.columns else None
            if col is None:
                rows.append((label.value, "", len(frame)))
                continue
            counts = frame[col].value_counts(sort=False, dropna=False)
            rows.extend((label.value, str(k), int(v)) for k, v in counts.items() if v)
        for rel, count in self.edges["type"].value_counts(sort=False).items():
            if count:
                rows.append(("relationship", str(rel), int(count)))
        out = pd.DataFrame(rows, columns=["what", "kind", "count"]).set_index(["what", "kind"])
        return out

    def to_networkx(self) -> nx.MultiDiGraph:
        """A networkx ``MultiDiGraph`` view that round-trips exactly
        (:func:`~regional_graph.build.graph_from_networkx` gives back an equal graph).

        Nodes are keyed by id with ``label`` and properties; edges carry ``type`` and their
        properties (missing values left out; dates as ISO strings such as ``'2026-10-01'``, so
        ``nx.write_graphml``/``nx.write_gexf`` accept the graph). The key of each edge is its
        row position in :attr:`edges` (so the order of the links survives). ``g.graph``
        holds ``name``, the activities and orders tables and every table's column order, as
        JSON text (``json.loads(g.graph["orders"])`` → ``{"columns": [...], "data": [...]}``).

        Built on demand; at province scale prefer the arrays.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> g = G.to_networkx()
        >>> g.number_of_nodes(), g.nodes["C1"]["label"], g.nodes["C1"]["name"]
        (30, 'Area', '东一社区')
        >>> [d["start"] for *_, d in g.edges("O1", data=True) if d["type"] == "PAIRED_WITH"]
        ['2024-01-01']
        >>> json.loads(g.graph["orders"])["data"][1][:4]
        ['OD2', 'C3', 'medical', 'open']
        >>> H = rg.build.graph_from_networkx(g)
        >>> H == G, H.number_of_edges(), H.activities["id"].tolist(), H.orders["id"].tolist()
        (True, 48, ['A1'], ['OD1', 'OD2'])
        """
        import networkx as nx

        g = nx.MultiDiGraph(name=self.name, **self._networkx_tables())
        for label in LABELS:
            frame = _iso_dates(self.nodes[label])
            records = frame.astype(object).where(frame.notna(), None).to_dict("index")
            g.add_nodes_from(
                (nid, {"label": label.value, **{k: v for k, v in rec.items() if v is not None}})
                for nid, rec in records.items()
            )
        ids = self.ids.to_numpy(dtype=object)
        props = [c for c in self.edges.columns if c not in ("type", "source", "target")]
        plain = _iso_dates(self.edges[props])
        attrs = plain.astype(object).where(plain.notna(), None)
        g.add_edges_from(
            (ids[s], ids[t], i, {"type": ty, **{k: v for k, v in zip(props, rec, strict=True)
                                               if v is not None}})
            for i, (s, t, ty, rec) in enumerate(zip(
                self.edges["source"].to_numpy(), self.edges["target"].to_numpy(),
                self.edges["type"].astype(str).to_numpy(), attrs.itertuples(index=False),
                strict=True,
            ))
        )
        return g

    def _networkx_tables(self) -> dict[str, str]:
        """The graph attributes of :meth:`to_networkx`: what nodes and edges do not carry."""
        columns = {NODE_TABLES[lbl].name: ["id", *self.nodes[lbl].columns] for lbl in LABELS}
        base = ("type", "source", "target", *EDGE_PROPERTIES)
        columns["links"] = [*LINKS.names,
                            *(link_column(c) for c in self.edges.columns if c not in base)]
        columns["activities"] = list(self.activities.columns)
        columns["orders"] = list(self.orders.columns)
        return {"activities": table_json(self.activities), "orders": table_json(self.orders),
                "columns": json.dumps(columns, ensure_ascii=False)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RegionalGraph):
            return NotImplemented
        mine, theirs = self._frames(), other._frames()
        return all(a.equals(b) and list(a.dtypes) == list(b.dtypes)
                   for a, b in zip(mine, theirs, strict=True))

    def _frames(self) -> list[pd.DataFrame]:
        """Everything that makes up the graph's content (the name is a display label)."""
        return [*(self.nodes[lbl] for lbl in LABELS), self.edges, self.activities, self.orders]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = ", ".join(f"{len(self.nodes[lbl]):,} {lbl.value}" for lbl in LABELS)
        title = f"{self.name!r}, " if self.name else ""
        return f"<RegionalGraph {title}{parts}; {self.number_of_edges():,} relationships>"


def _iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its date columns as ISO strings (``2026-10-01``; with the time when any
    value has one)."""
    from .frames import format_datetimes

    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]
    if not dates:
        return frame
    return frame.assign(**{c: format_datetimes(frame[c]) for c in dates})


#: Edge property columns every graph has (link properties + the matching quantity).
EDGE_PROPERTIES = (*LINK_PROPERTIES, "quantity")
#: Prefix of an extra links column whose name is taken by the edge frame's own columns.
EDGE_ESCAPE = "link."


def link_column(column: str) -> str:
    """The links-table column of an edge-frame column (inverse of
    :func:`~regional_graph.build.edge_column`).

    Examples
    --------
    >>> link_column("link.source"), link_column("备注2")
    ('source', '备注2')
    """
    return column[len(EDGE_ESCAPE):] if column.startswith(EDGE_ESCAPE) else column


def table_json(frame: pd.DataFrame) -> str:
    """A table as JSON text (``{"columns": [...], "data": [[...], ...]}``, values as text,
    ``null`` when missing); :func:`table_from_json` reads it back.

    Examples
    --------
    >>> table_json(pd.DataFrame({"id": ["A1"], "n": [None]}))
    '{"columns": ["id", "n"], "data": [["A1", null]]}'
    """
    text = to_text_frame(frame.reset_index(drop=True))
    rows = text.astype(object).where(text.notna(), None).to_numpy().tolist()
    return json.dumps({"columns": list(text.columns), "data": rows}, ensure_ascii=False)


def table_from_json(text: str) -> pd.DataFrame:
    """The raw (text) table written by :func:`table_json`.

    Examples
    --------
    >>> table_from_json(table_json(pd.DataFrame({"id": ["A1"], "n": [2]}))).iloc[0].tolist()
    ['A1', '2']
    """
    data = json.loads(text)
    return to_text_frame(pd.DataFrame(data["data"], columns=data["columns"]))
