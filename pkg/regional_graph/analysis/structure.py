"""Network structure of the joint-building network: degree, betweenness, brokers, clusters.

**The joint-building network** (共建网络) is an undirected simple graph of *actors*:

* its edges are the live tie links as of a day (``paired_with``, ``sits_on``,
  ``conference_member``; ``covered_by`` too with ``include_coverage=True``), each link
  joining the actors of its two endpoints; parallel links between the same two actors make
  one edge whose ``weight`` is their number, and a link joining an actor to itself is dropped;
* an **actor** is a node of the graph with two merges: a Party org with a ``host_id`` *is*
  the organisation it sits in (a resident unit and its unit Party org act as one), and, with
  ``merge_committees=True`` (default), a territorial Party org (district/street/community
  committee, grid branch, building group) *is* the area of the matching level it leads (a
  community and its community Party committee are one partner; a street and its big working
  committee are one), as in :func:`~regional_graph.analysis.isolation.tie_components`;
* its nodes are the actors with at least one tie (an isolated unit is not in the network;
  :func:`degree` can list them with degree 0).

Everything is built from ``G.edges`` arrays and handed to python-igraph (Leiden, Louvain,
betweenness, biconnected components; the leidenalg package on request); answers equal
networkx's on the same graph (:meth:`TieNetwork.to_networkx`):
:func:`degree` is ``nx.Graph.degree``, :func:`betweenness` is ``nx.betweenness_centrality``
(normalised the same way; with ``k`` the same ``k`` sources networkx draws for ``seed``), and
the modularity of :func:`communities` is ``nx.community.modularity`` of the same partition.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.analysis import structure
>>> net = structure.tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
>>> net.ids.tolist()  # 东街道 (with its committee), 东一社区 (with PC1) and the school O1
['S1', 'C1', 'O1']
>>> G = rg.datasets.load_tiny()
>>> part = structure.communities(G, as_of="2026-10-01", include_coverage=True)
>>> part.membership.to_dict(), part.modularity  # O1's star and the joint branch PJ1's star
({'S1': 0, 'C1': 0, 'PJ1': 1, 'O1': 0, 'O4': 1, 'O5': 1}, 0.5)
"""

from __future__ import annotations

import logging
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from .. import schema
from ..graph import DateLike, RegionalGraph, as_date
from ..schema import Label
from ._common import (
    TERRITORIAL_LEVELS,
    actor_codes,
    node_kinds,
    node_names,
    orgs_of_kind,
    street_of,
)
from ._common import ids as ids_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    import igraph as ig
    import networkx as nx

log = logging.getLogger(__name__)

__all__ = [
    "TERRITORIAL_LEVELS",
    "Partition",
    "StreetComparison",
    "TieNetwork",
    "actor_codes",
    "betweenness",
    "brokers",
    "communities",
    "compare_with_streets",
    "degree",
    "tie_network",
]

# --------------------------------------------------------------------------------------------
# the network
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class TieNetwork:
    """The joint-building network as arrays (see the module docstring for the definition).

    Attributes
    ----------
    codes
        Node code (in ``G``) of each actor, ascending; actor ``i`` is vertex ``i``.
    edges
        ``(m, 2)`` int64 array of vertex pairs ``u < v``, sorted.
    weight
        Number of live tie links behind each edge.
    ids
        Actor ids (in vertex order).

    Examples
    --------
    In the tiny district the school O1 pairs with 东一社区's committee and sits on 东街道's
    committee twice (a seat and the joint conference):

    >>> import regional_graph as rg
    >>> net = tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> net.ids.tolist(), net.edges.tolist(), net.weight.tolist()
    (['S1', 'C1', 'O1'], [[0, 2], [1, 2]], [2, 1])
    """

    codes: np.ndarray
    edges: np.ndarray
    weight: np.ndarray
    ids: pd.Index
    _igraph: ig.Graph | None = field(default=None, repr=False)

    def number_of_nodes(self) -> int:
        """Number of actors.

        Examples
        --------
        >>> import regional_graph as rg
        >>> tie_network(rg.datasets.load_tiny(), as_of="2026-10-01").number_of_nodes()
        3
        """
        return len(self.codes)

    def number_of_edges(self) -> int:
        """Number of (merged) edges.

        Examples
        --------
        >>> import regional_graph as rg
        >>> net = tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
        >>> net.number_of_edges(), int(net.weight.sum())  # O1's two links to 东街道 merged
        (2, 3)
        """
        return len(self.edges)

    def to_igraph(self) -> ig.Graph:
        """An undirected ``igraph.Graph`` (vertex ``i`` = actor ``i`` of :attr:`ids`; edge
        attribute ``weight``), built once and cached.

        Examples
        --------
        >>> import regional_graph as rg
        >>> net = tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
        >>> g = net.to_igraph()
        >>> g.vcount(), g.ecount(), [int(w) for w in g.es["weight"]]
        (3, 2, [2, 1])
        >>> g.is_directed(), net.to_igraph() is g
        (False, True)
        """
        if self._igraph is None:
            import igraph as ig

            g = ig.Graph(n=self.number_of_nodes(), edges=self.edges, directed=False)
            g.es["weight"] = self.weight.astype(np.float64)
            self._igraph = g
        return self._igraph

    def to_networkx(self) -> nx.Graph:
        """A networkx ``Graph`` keyed by actor id, nodes added in vertex order, edge ``weight``.

        Small graphs only: for comparisons and ad-hoc research.

        Examples
        --------
        >>> import regional_graph as rg
        >>> net = tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
        >>> g = net.to_networkx()
        >>> list(g.nodes), list(g.edges(data="weight"))
        (['S1', 'C1', 'O1'], [('S1', 'O1', 2), ('C1', 'O1', 1)])
        """
        import networkx as nx

        g = nx.Graph()
        ids = list(self.ids)
        g.add_nodes_from(ids)
        g.add_weighted_edges_from(
            (ids[u], ids[v], int(w)) for (u, v), w in zip(self.edges, self.weight, strict=True)
        )
        return g

    def adjacency(self) -> sp.csr_array:
        """Symmetric 0/1 adjacency (``scipy.sparse``).

        Examples
        --------
        >>> import regional_graph as rg
        >>> net = tie_network(rg.datasets.load_tiny(), as_of="2026-10-01")
        >>> net.adjacency().toarray().tolist()  # S1, C1, O1: the school ties both
        [[0, 0, 1], [0, 0, 1], [1, 1, 0]]
        """
        n = self.number_of_nodes()
        u, v = self.edges[:, 0], self.edges[:, 1]
        a = sp.csr_array((np.ones(2 * len(u), dtype=np.int8),
                          (np.r_[u, v], np.r_[v, u])), shape=(n, n))
        return a


def tie_network(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    include_coverage: bool = False,
    merge_committees: bool = True,
) -> TieNetwork:
    """The joint-building network as of ``as_of`` (cached on ``G``).

    Parameters
    ----------
    as_of
        The day links must be live on (default today).
    include_coverage
        Also count live ``covered_by`` links (two-new organisation ↔ its branch) as ties.
    merge_committees
        Merge territorial Party orgs into the area they lead (see the module docstring).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> tie_network(G, as_of="2026-10-01").ids.tolist()
    ['S1', 'C1', 'O1']

    With coverage, the joint branch PJ1 ties O4 and O5; O3 and its own branch PB1 are one
    actor, so their link is no tie:

    >>> net = tie_network(G, as_of="2026-10-01", include_coverage=True)
    >>> net.ids.tolist(), net.edges.tolist()
    (['S1', 'C1', 'PJ1', 'O1', 'O4', 'O5'], [[0, 3], [1, 3], [2, 4], [2, 5]])
    """
    day = as_date(as_of)
    key = ("analysis", "tie_network", day, include_coverage, merge_committees)
    return G.memo(key, lambda: _tie_network(G, day, include_coverage, merge_committees))


def _tie_network(G: RegionalGraph, day: np.datetime64, include_coverage: bool,
                 merge_committees: bool) -> TieNetwork:
    types: tuple[str, ...] = schema.TIE_TYPES + (("covered_by",) if include_coverage else ())
    live = G.links(*(schema.LINK_RELTYPE[t] for t in types), as_of=day)
    actor = actor_codes(G, merge_committees=merge_committees)
    u, v = actor[live.source], actor[live.target]
    keep = u != v
    a, b = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    codes, inv = np.unique(np.r_[a, b], return_inverse=True)
    m, k = len(a), len(codes)
    keys, weight = np.unique(inv[:m].astype(np.int64) * k + inv[m:], return_counts=True)
    edges = np.stack([keys // max(k, 1), keys % max(k, 1)], axis=1)
    net = TieNetwork(codes=codes.astype(np.int64), edges=edges.astype(np.int64),
                     weight=weight.astype(np.int64), ids=pd.Index(ids_of(G, codes), name="id"))
    log.debug("tie network: %d actors, %d edges from %d live links", len(codes), len(edges), m)
    return net


def _actor_frame(G: RegionalGraph, codes: np.ndarray) -> pd.DataFrame:
    """``name``, ``label``, ``kind``, ``street_id`` of actors, indexed by id."""
    label, kind = node_kinds(G, codes)
    return pd.DataFrame(
        {"name": pd.array(node_names(G, codes), dtype="str"),
         "label": pd.array(label, dtype="str"),
         "kind": pd.array(kind, dtype="str"),
         "street_id": ids_of(G, street_of(G, codes))},
        index=pd.Index(ids_of(G, codes), name="id"),
    )


# --------------------------------------------------------------------------------------------
# degree, betweenness
# --------------------------------------------------------------------------------------------


def degree(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    include_coverage: bool = False,
    merge_committees: bool = True,
    include_isolated: bool = True,
) -> pd.DataFrame:
    """Degree of every actor: distinct partners and live tie links.

    Parameters
    ----------
    include_isolated
        Also list the resident units with no tie (degree 0), after the network's actors.

    Returns
    -------
    DataFrame
        Indexed by actor id: ``name``, ``label``, ``kind``, ``street_id``, ``degree``
        (distinct partners = ``nx.Graph.degree``), ``ties`` (live tie links, parallel links
        counted = weighted degree); sorted by ``degree`` then ``ties`` descending, then id.

    Examples
    --------
    >>> import regional_graph as rg
    >>> d = degree(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> d[["degree", "ties"]].to_dict("index")  # the isolated hospital O2 last
    {'O1': {'degree': 2, 'ties': 3}, 'S1': {'degree': 1, 'ties': 2}, \
'C1': {'degree': 1, 'ties': 1}, 'O2': {'degree': 0, 'ties': 0}}
    """
    net = tie_network(G, as_of=as_of, include_coverage=include_coverage,
                      merge_committees=merge_committees)
    n = net.number_of_nodes()
    flat = net.edges.ravel()
    deg = np.bincount(flat, minlength=n)
    ties = np.bincount(flat, weights=np.repeat(net.weight, 2), minlength=n).astype(np.int64)
    codes = net.codes
    if include_isolated:
        orng = G.label_range(Label.ORGANIZATION)
        units = orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, as_date(as_of))
        units = np.flatnonzero(units) + orng.start
        extra = np.setdiff1d(units, codes)
        codes = np.r_[codes, extra]
        deg = np.r_[deg, np.zeros(len(extra), np.int64)]
        ties = np.r_[ties, np.zeros(len(extra), np.int64)]
    out = _actor_frame(G, codes)
    out["degree"] = deg.astype(np.int64)
    out["ties"] = ties
    order = np.lexsort((out.index.to_numpy(dtype=object).astype(str), -ties, -deg))
    return out.iloc[order]


def _sources(n: int, k: int | None, seed: int) -> list[int] | None:
    """The sampled source vertices networkx draws: ``random.Random(seed).sample(nodes, k)``."""
    if k is None or k >= n:
        return None
    return random.Random(seed).sample(range(n), k)


def _betweenness_values(
    net: TieNetwork, *, k: int | None, seed: int, normalized: bool, weighted: bool = False
) -> np.ndarray:
    """Betweenness of every vertex, scaled exactly as ``nx.betweenness_centrality``."""
    n = net.number_of_nodes()
    if n == 0:
        return np.zeros(0)
    g = net.to_igraph()
    weights = "weight" if weighted else None
    sources = _sources(n, k, seed)
    if sources is None:
        raw = np.asarray(g.betweenness(directed=False, weights=weights), dtype=np.float64)
        if n <= 2:
            return np.zeros(n)
        return raw * 2.0 / ((n - 1) * (n - 2)) if normalized else raw
    # igraph's subset betweenness counts each (s, t) of an undirected graph once;
    # networkx accumulates ordered pairs from each sampled source: twice that
    raw = 2.0 * np.asarray(g.betweenness(directed=False, weights=weights, sources=sources),
                           dtype=np.float64)
    kk, big_n = len(sources), n - 1  # networkx's N without endpoints
    if big_n < 2:
        return raw
    is_src = np.zeros(n, dtype=bool)
    is_src[sources] = True
    if normalized:
        s_src = 1.0 / ((kk - 1) * (big_n - 1)) if kk > 1 else np.nan
        s_other = 1.0 / (kk * (big_n - 1))
    else:
        s_src = big_n / ((kk - 1) * 2.0) if kk > 1 else np.nan
        s_other = big_n / (kk * 2.0)
    return raw * np.where(is_src, s_src, s_other)


def betweenness(
    G: RegionalGraph,
    *,
    k: int | None = None,
    seed: int = 0,
    as_of: DateLike = None,
    include_coverage: bool = False,
    merge_committees: bool = True,
    normalized: bool = True,
    weighted: bool = False,
) -> pd.Series:
    """Betweenness centrality of every actor of the joint-building network.

    Exact when ``k`` is None (or ≥ the number of actors); otherwise estimated from ``k``
    source actors drawn with ``seed`` — the same sources ``nx.betweenness_centrality(H,
    k=k, seed=seed)`` draws on ``H = tie_network(G).to_networkx()``, with the same scaling,
    so the two agree to rounding. Use ``k=256`` at city scale.

    Parameters
    ----------
    k, seed
        Number of sampled sources and the random seed.
    normalized
        Divide by the number of pairs, as networkx does (``2 / ((n-1)(n-2))`` undirected).
    weighted
        Use ``weight`` (number of parallel ties) as path length (networkx ``weight=``);
        default unweighted.

    Returns
    -------
    Series
        ``betweenness`` indexed by actor id, in vertex order.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> betweenness(G, as_of="2026-10-01").to_dict()  # the S1–C1 path runs through O1
    {'S1': 0.0, 'C1': 0.0, 'O1': 1.0}
    >>> betweenness(G, as_of="2026-10-01", include_coverage=True)["O1"]  # 1 of 10 pairs
    np.float64(0.1)
    """
    net = tie_network(G, as_of=as_of, include_coverage=include_coverage,
                      merge_committees=merge_committees)
    values = _betweenness_values(net, k=k, seed=seed, normalized=normalized, weighted=weighted)
    return pd.Series(values, index=net.ids, name="betweenness")


# --------------------------------------------------------------------------------------------
# brokers
# --------------------------------------------------------------------------------------------


def _articulation_pieces(net: TieNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per vertex: is an articulation point, number of pieces its removal leaves of its
    component, and the size of the largest piece (block–cut tree, vectorised sums)."""
    n = net.number_of_nodes()
    is_ap = np.zeros(n, dtype=bool)
    pieces = np.ones(n, dtype=np.int64)
    largest = np.zeros(n, dtype=np.int64)
    if n == 0 or len(net.edges) == 0:
        return is_ap, pieces, largest
    import igraph as ig

    # blocks as edge lists (the C call; the Python wrapper's vertex sets are slow)
    edge_blocks, aps = ig.GraphBase.biconnected_components(net.to_igraph(), True)
    aps = np.asarray(aps, dtype=np.int64)
    is_ap[aps] = True
    nb, na = len(edge_blocks), len(aps)
    e_sizes = np.fromiter((len(b) for b in edge_blocks), dtype=np.int64, count=nb)
    e_ids = np.fromiter((e for b in edge_blocks for e in b), dtype=np.int64,
                        count=int(e_sizes.sum()))
    e_block = np.repeat(np.arange(nb), e_sizes)
    ends = net.edges[e_ids]
    key = np.unique(np.r_[e_block, e_block] * n + np.r_[ends[:, 0], ends[:, 1]])
    block_of, members = key // n, key % n  # (block, vertex), sorted by block
    sizes = np.bincount(block_of, minlength=nb)
    ap_index = np.full(n, -1, dtype=np.int64)
    ap_index[aps] = np.arange(na)
    # tree nodes: blocks 0..nb-1, articulation points nb..nb+na-1, a virtual root nb+na
    w = np.zeros(nb + na + 1, dtype=np.int64)
    w[:nb] = np.bincount(block_of[~is_ap[members]], minlength=nb)
    w[nb:nb + na] = 1
    at = is_ap[members]
    tu, tv = block_of[at], nb + ap_index[members[at]]
    root = nb + na
    # one tree per component of the network: hang its first block under the virtual root
    _, comp = csgraph.connected_components(net.adjacency(), directed=False)
    block_comp = comp[members[np.r_[0, np.cumsum(sizes)[:-1]]]]
    first_block = np.unique(block_comp, return_index=True)[1]
    tu = np.r_[tu, np.full(len(first_block), root)]
    tv = np.r_[tv, first_block]
    t = sp.csr_array((np.ones(2 * len(tu), np.int8), (np.r_[tu, tv], np.r_[tv, tu])),
                     shape=(root + 1, root + 1))
    order, pred = csgraph.breadth_first_order(t, root, directed=False, return_predecessors=True)
    depth = np.zeros(root + 1, dtype=np.int64)
    for v in order[1:]:  # BFS order: parents come first
        depth[v] = depth[pred[v]] + 1
    sub = w.astype(np.int64).copy()
    nodes = order[1:]
    for d in range(int(depth.max()), 0, -1):
        at_d = nodes[depth[nodes] == d]
        np.add.at(sub, pred[at_d], sub[at_d])
    # component total = subtree of the component's top block
    top = np.zeros(root + 1, dtype=np.int64)
    for v in order[1:]:
        top[v] = v if pred[v] == root else top[pred[v]]
    total = sub[top]
    ap_nodes = nb + np.arange(na)
    children = nodes[(pred[nodes] >= nb) & (pred[nodes] < root)]
    n_child = np.bincount(pred[children] - nb, minlength=na)
    max_child = np.zeros(na, dtype=np.int64)
    np.maximum.at(max_child, pred[children] - nb, sub[children])
    up = total[ap_nodes] - sub[ap_nodes]  # the part above (never the root: blocks are on top)
    pieces[aps] = n_child + (up > 0)
    largest[aps] = np.maximum(max_child, up)
    return is_ap, pieces, largest


def brokers(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    include_coverage: bool = False,
    merge_committees: bool = True,
    k: int | None = None,
    seed: int = 0,
    all_actors: bool = False,
) -> pd.DataFrame:
    """Brokers: actors whose removal cuts the network, or that tie several streets together.

    Definition. An actor is a **broker** when it is an *articulation point* of the
    joint-building network (removing it disconnects its component) or when it has ties
    into two or more streets (its own street counted). For each the table gives

    * ``articulation`` – it is an articulation point;
    * ``pieces`` – the pieces its removal splits its component into (1 if none);
    * ``cut_off`` – actors cut off from the largest remaining piece if it is removed
      (component size − 1 − largest piece): how much of the network depends on it;
    * ``streets_reached`` – distinct streets among itself and its partners;
    * ``cross_street_ties`` – partners in another street than its own;
    * ``betweenness`` – normalised betweenness (exact, or sampled with ``k``/``seed``), the
      measure of how much it shortens paths: removing a high-betweenness broker lengthens
      the most shortest paths, including those between streets.

    Ranked by ``cut_off``, then ``streets_reached``, then ``betweenness`` (descending).

    Parameters
    ----------
    all_actors
        List every actor of the network, not only brokers.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> b = brokers(G, as_of="2026-10-01")  # without O1, S1 and C1 fall apart
    >>> b[["articulation", "pieces", "cut_off", "streets_reached", "betweenness"]].to_dict("index")
    {'O1': {'articulation': True, 'pieces': 2, 'cut_off': 1, 'streets_reached': 1, \
'betweenness': 1.0}}
    """
    net = tie_network(G, as_of=as_of, include_coverage=include_coverage,
                      merge_committees=merge_committees)
    n = net.number_of_nodes()
    is_ap, pieces, largest = _articulation_pieces(net)
    _, comp = csgraph.connected_components(net.adjacency(), directed=False) if n else (0, [])
    comp = np.asarray(comp, dtype=np.int64)
    comp_size = np.bincount(comp, minlength=1)[comp] if n else np.zeros(0, np.int64)
    cut_off = np.where(is_ap, comp_size - 1 - largest, 0)
    street = street_of(G, net.codes)
    u, v = net.edges[:, 0], net.edges[:, 1]
    su, sv = street[u], street[v]
    cross = (su != sv) & (su >= 0) & (sv >= 0)
    cross_ties = np.bincount(np.r_[u[cross], v[cross]], minlength=n)
    pairs = np.r_[np.stack([np.arange(n), street], axis=1),
                  np.stack([u, sv], axis=1), np.stack([v, su], axis=1)]
    pairs = pairs[pairs[:, 1] >= 0]
    pairs = np.unique(pairs, axis=0) if len(pairs) else pairs
    reached = np.bincount(pairs[:, 0], minlength=n) if len(pairs) else np.zeros(n, np.int64)
    bc = _betweenness_values(net, k=k, seed=seed, normalized=True)
    out = _actor_frame(G, net.codes)
    out["articulation"] = is_ap
    out["pieces"] = pieces
    out["cut_off"] = cut_off.astype(np.int64)
    out["streets_reached"] = reached.astype(np.int64)
    out["cross_street_ties"] = cross_ties.astype(np.int64)
    out["betweenness"] = bc
    if not all_actors:
        out = out[is_ap | (reached >= 2)]
    order = np.lexsort((out.index.to_numpy(dtype=object).astype(str), -out["betweenness"],
                        -out["streets_reached"], -out["cut_off"]))
    return out.iloc[order]


# --------------------------------------------------------------------------------------------
# communities
# --------------------------------------------------------------------------------------------


@dataclass
class Partition:
    """A partition of the joint-building network into clusters.

    Attributes
    ----------
    membership
        Actor id → cluster number (0 = largest cluster; ties broken by first vertex).
    modularity
        Newman modularity of the partition at ``resolution`` (= ``nx.community.modularity``
        of :meth:`TieNetwork.to_networkx`, with ``weight=None`` unless ``weighted``).
    method, seed, resolution, weighted
        How it was found.
    network
        The network partitioned.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> p = communities(G, as_of="2026-10-01", include_coverage=True)
    >>> p.method, p.modularity  # two stars of 2 edges each: 2 × (2/4 − (4/8)²)
    ('leiden', 0.5)
    >>> p.membership.tolist(), p.network.ids.tolist()
    ([0, 0, 1, 0, 1, 1], ['S1', 'C1', 'PJ1', 'O1', 'O4', 'O5'])
    """

    membership: pd.Series
    modularity: float
    method: str
    seed: int
    resolution: float
    weighted: bool
    network: TieNetwork = field(repr=False)

    @property
    def n_clusters(self) -> int:
        """Number of clusters.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> communities(G, as_of="2026-10-01").n_clusters  # one star: one cluster
        1
        >>> communities(G, as_of="2026-10-01", include_coverage=True).n_clusters
        2
        """
        return int(self.membership.max()) + 1 if len(self.membership) else 0

    def clusters(self) -> list[set[str]]:
        """The clusters as sets of actor ids (for ``nx.community.modularity``).

        Examples
        --------
        >>> import networkx as nx
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_tiny()
        >>> p = communities(G, as_of="2026-10-01", include_coverage=True)
        >>> cs = p.clusters()
        >>> [sorted(c) for c in cs]
        [['C1', 'O1', 'S1'], ['O4', 'O5', 'PJ1']]
        >>> nx.community.modularity(p.network.to_networkx(), cs, weight=None), p.modularity
        (0.5, 0.5)
        """
        return [set(ix) for _, ix in self.membership.groupby(self.membership).groups.items()]


@contextmanager
def _igraph_rng(seed: int) -> Iterator[None]:
    """Seed igraph's random number generator for the duration of a call."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _canonical(membership: np.ndarray) -> np.ndarray:
    """Renumber clusters by size (descending), ties by first vertex."""
    membership = np.asarray(membership, dtype=np.int64)
    if not len(membership):
        return membership
    labels, first, inv, counts = np.unique(membership, return_index=True, return_inverse=True,
                                           return_counts=True)
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.lexsort((first, -counts))] = np.arange(len(labels))
    return rank[inv]


def communities(
    G: RegionalGraph,
    *,
    method: Literal["leiden", "leidenalg", "louvain"] = "leiden",
    seed: int = 0,
    resolution: float = 1.0,
    as_of: DateLike = None,
    include_coverage: bool = False,
    merge_committees: bool = True,
    weighted: bool = False,
) -> Partition:
    """Clusters of the joint-building network by modularity (Leiden or Louvain).

    Parameters
    ----------
    method
        ``"leiden"``: the Leiden algorithm (Traag, Waltman & van Eck 2019) optimising
        modularity with a resolution, iterated until stable — igraph's C implementation
        (``community_leiden``), 10–25× faster than the leidenalg package on these sparse,
        fragmented networks at equal modularity; ``"leidenalg"``: the same with the leidenalg
        package (``RBConfigurationVertexPartition``); ``"louvain"``: igraph
        ``community_multilevel``.
    seed
        Random seed; the same seed gives the same partition.
    resolution
        Resolution γ of modularity (1.0 = Newman modularity; larger → smaller clusters).
    weighted
        Use the number of ties between two actors as edge weight.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> p = communities(G, as_of="2026-10-01", include_coverage=True, method="louvain")
    >>> p.membership.to_dict()
    {'S1': 0, 'C1': 0, 'PJ1': 1, 'O1': 0, 'O4': 1, 'O5': 1}
    """
    net = tie_network(G, as_of=as_of, include_coverage=include_coverage,
                      merge_committees=merge_committees)
    n = net.number_of_nodes()
    g = net.to_igraph()
    weights = "weight" if weighted else None
    if n == 0:
        member = np.zeros(0, np.int64)
    elif method == "leiden":
        with _igraph_rng(seed):
            member = np.asarray(g.community_leiden(
                objective_function="modularity", weights=weights, resolution=resolution,
                n_iterations=-1).membership)
    elif method == "leidenalg":
        import leidenalg as la

        part = la.find_partition(g, la.RBConfigurationVertexPartition, weights=weights,
                                 resolution_parameter=resolution, seed=seed, n_iterations=-1)
        member = np.asarray(part.membership)
    elif method == "louvain":
        with _igraph_rng(seed):
            member = np.asarray(g.community_multilevel(weights=weights,
                                                       resolution=resolution).membership)
    else:
        raise ValueError(f"method must be 'leiden', 'leidenalg' or 'louvain', not {method!r}")
    member = _canonical(member)
    q = float(g.modularity(member.tolist(), weights=weights, resolution=resolution,
                           directed=False)) if len(net.edges) else float("nan")
    log.debug("%s: %d clusters, modularity %.4f", method, member.max(initial=-1) + 1, q)
    return Partition(membership=pd.Series(member, index=net.ids, name="cluster"),
                     modularity=q, method=method, seed=seed, resolution=resolution,
                     weighted=weighted, network=net)


# --------------------------------------------------------------------------------------------
# clusters vs streets
# --------------------------------------------------------------------------------------------


@dataclass
class StreetComparison:
    """How clusters line up with streets.

    Attributes
    ----------
    nmi
        Normalised mutual information between cluster and street (arithmetic-mean
        normalisation, igraph's ``compare_communities(method="nmi")``) over the actors with a
        street; 1 = clusters are exactly the streets, 0 = unrelated.
    clusters
        Per cluster: ``size``, ``streets``, ``main_street_id``, ``main_street``,
        ``main_share`` (share of its actors in the main street), ``crosses_streets``
        (``main_share`` < ``majority``), ``street_ids`` (all, by count).
    streets
        Per street (indexed by street id): ``name``, ``actors``, ``clusters``,
        ``main_cluster``, ``main_share`` and ``split`` (``main_share`` < ``majority``).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> p = communities(G, as_of="2026-10-01", include_coverage=True)
    >>> cmp = compare_with_streets(G, p)
    >>> cmp.clusters[["size", "main_street", "main_share"]].to_dict("index")
    {0: {'size': 3, 'main_street': '东街道', 'main_share': 1.0}, \
1: {'size': 3, 'main_street': '东街道', 'main_share': 1.0}}
    >>> cmp.streets.to_dict("index")  # all six actors in 东街道, split in two clusters
    {'S1': {'name': '东街道', 'actors': 6, 'clusters': 2, 'main_cluster': 0, \
'main_share': 0.5, 'split': True}}
    """

    nmi: float
    clusters: pd.DataFrame
    streets: pd.DataFrame


def _nmi(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0:
        return float("nan")
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    cont = sp.coo_array((np.ones(len(a)), (ai, bi))).tocsr()
    cont.sum_duplicates()
    n = len(a)
    pij = cont.data / n
    rows = np.repeat(np.arange(cont.shape[0]), np.diff(cont.indptr))
    pi = np.bincount(ai) / n
    pj = np.bincount(bi) / n
    mi = float(np.sum(pij * np.log(pij / (pi[rows] * pj[cont.indices]))))
    ha = -float(np.sum(pi * np.log(pi)))
    hb = -float(np.sum(pj * np.log(pj)))
    if ha + hb == 0:
        return 1.0
    return max(0.0, 2.0 * mi / (ha + hb))


def compare_with_streets(
    G: RegionalGraph, partition: Partition, *, majority: float = 0.8
) -> StreetComparison:
    """Which clusters cross street borders and which streets are split between clusters.

    Parameters
    ----------
    partition
        From :func:`communities`.
    majority
        A cluster *crosses streets* (a street is *split*) when less than this share of its
        actors lie in its main street (main cluster).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> p = communities(G, as_of="2026-10-01", include_coverage=True)
    >>> compare_with_streets(G, p).nmi  # one street says nothing about the two clusters
    0.0
    """
    net = partition.network
    cl = partition.membership.to_numpy().astype(np.int64)
    street = street_of(G, net.codes)
    ok = street >= 0
    nmi = _nmi(cl[ok], street[ok])
    frame = pd.DataFrame({"cluster": cl[ok], "street": street[ok]})
    counts = frame.value_counts(["cluster", "street"]).rename("n").reset_index()
    counts = counts.sort_values(["cluster", "n", "street"], ascending=[True, False, True])
    size = np.bincount(cl, minlength=partition.n_clusters)
    by_c = counts.groupby("cluster", sort=True)
    top_c = by_c.head(1).set_index("cluster")
    clusters = pd.DataFrame(index=pd.RangeIndex(partition.n_clusters, name="cluster"))
    clusters["size"] = size
    clusters["streets"] = by_c.size().reindex(clusters.index, fill_value=0).to_numpy()
    main = top_c["street"].reindex(clusters.index).fillna(-1).to_numpy(dtype=np.int64)
    clusters["main_street_id"] = ids_of(G, main)
    clusters["main_street"] = pd.array(node_names(G, main), dtype="str")
    with_street = np.bincount(cl[ok], minlength=partition.n_clusters)
    main_n = top_c["n"].reindex(clusters.index).fillna(0).to_numpy()
    clusters["main_share"] = np.divide(main_n, with_street, out=np.full(len(main_n), np.nan),
                                       where=with_street > 0)
    clusters["crosses_streets"] = (clusters["main_share"] < majority).to_numpy()
    ids = G.ids.to_numpy(dtype=object)
    clusters["street_ids"] = by_c["street"].agg(lambda s: ", ".join(ids[s])).reindex(
        clusters.index).fillna("").astype("str")

    counts_s = counts.sort_values(["street", "n", "cluster"], ascending=[True, False, True])
    by_s = counts_s.groupby("street", sort=True)
    top_s = by_s.head(1).set_index("street")
    s_codes = top_s.index.to_numpy(dtype=np.int64)
    actors = by_s["n"].sum().to_numpy()
    streets = pd.DataFrame(
        {"name": pd.array(node_names(G, s_codes), dtype="str"),
         "actors": actors,
         "clusters": by_s.size().to_numpy(),
         "main_cluster": top_s["cluster"].to_numpy(dtype=np.int64),
         "main_share": top_s["n"].to_numpy() / np.maximum(actors, 1)},
        index=pd.Index(ids_of(G, s_codes), name="id"))
    streets["split"] = (streets["main_share"] < majority).to_numpy()
    return StreetComparison(nmi=nmi, clusters=clusters, streets=streets)
