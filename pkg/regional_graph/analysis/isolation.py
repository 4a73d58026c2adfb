"""Isolated units (块状围墙多、内外互动少): resident units without ties, paper ties, unpaired
communities and the parts of the joint-building network cut off from the rest.

Definitions (``DOMAIN.md``, as of a date, default today; a link is *live* when ``start`` is
empty or ≤ as_of and ``end`` is empty or ≥ as_of):

* **Tie** of a resident unit (kinds agency, school, hospital, soe, institute, military,
  public_institution): a live ``paired_with``, ``sits_on`` or ``conference_member`` link whose
  source or target is the unit itself or a PartyOrg whose ``host_id`` is the unit.
* **Isolated unit**: a resident unit with no tie; **weakly tied**: exactly one tie.
* **Dormant tie**: a live tie link with no activity in the last 12 months (activities are on
  a link when their ``(source_id, target_id)`` equal the link's endpoints).
* **Unpaired community**: neither the community Area nor its community_committee is the
  target of a live ``paired_with`` link.

An expired link is one that started on or before as_of and ended before it; links starting
after as_of do not exist yet as of that day and are ignored.

Examples
--------
In the tiny district the school O1 pairs with 东一社区 and sits on the street committee; the
hospital O2's pair ended on 2023-12-31 and its conference seat on 2022-12-31:

>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> isolated_units(G, as_of="2026-10-01")["reason"].to_dict()
{'O2': 'only expired ties'}
>>> isolated_units(G, as_of="2023-06-01")["reason"].to_dict()  # before O1's links started
{'O1': 'no tie'}
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..graph import (
    LABELS,
    LINK_REL_TYPES,
    REL_TYPES,
    DateLike,
    RegionalGraph,
    as_date,
)
from ..schema import Label, RelType
from ._common import (
    TIE_RELS,
    actor_codes,
    area_name,
    ids,
    join_per_row,
    last_per,
    names,
    org_table,
    orgs_of_kind,
    sorted_unique,
    territory,
)

log = logging.getLogger(__name__)

__all__ = [
    "TieComponents",
    "dormant_ties",
    "expiring_ties",
    "isolated_units",
    "tie_components",
    "unpaired_communities",
    "weakly_tied_units",
]

_UNIT_COLUMNS = ("name", "kind")
@dataclass(frozen=True)
class _Ties:
    """The tie links (paired_with, sits_on, conference_member) as arrays."""

    pos: np.ndarray
    src: np.ndarray
    tgt: np.ndarray
    start: np.ndarray
    end: np.ndarray
    a_src: np.ndarray  # actor (unit for a hosted Party org) of each endpoint
    a_tgt: np.ndarray
    live: np.ndarray
    ended: np.ndarray
    resident: np.ndarray  # per node: a resident unit existing on the day


def tie_links(G: RegionalGraph, day: np.datetime64) -> _Ties:
    """The tie links as of ``day`` (once per graph and day: most tables of the report
    read them; read only).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> t = tie_links(G, as_date("2026-10-01"))
    >>> G.ids[t.src[t.live]].tolist(), G.ids[t.tgt[t.live]].tolist()
    (['O1', 'O1', 'O1'], ['PC1', 'PS1', 'PS1'])
    """
    return G.memo(("analysis", "ties", day), lambda: _compute_ties(G, day))


def _compute_ties(G: RegionalGraph, day: np.datetime64) -> _Ties:
    t = G.links(*TIE_RELS, state="any")
    live = G.links(*TIE_RELS, as_of=day)
    ended = G.links(*TIE_RELS, as_of=day, state="ended")
    is_live, is_ended = np.isin(t.pos, live.pos), np.isin(t.pos, ended.pos)
    start, end = t.start.copy(), t.end.copy()  # dates clipped to the lives of the ends
    start[is_live], end[is_live] = live.start, live.end
    start[is_ended], end[is_ended] = ended.start, ended.end
    actor = actor_codes(G, merge_committees=False)  # a hosted Party org is its unit
    return _Ties(t.pos, t.source, t.target, start, end, actor[t.source], actor[t.target],
                 is_live, is_ended, _resident_nodes(G, day))


def _resident_nodes(G: RegionalGraph, day: np.datetime64) -> np.ndarray:
    """Per node code: a resident unit existing on ``day``."""
    resident = np.zeros(G.number_of_nodes(), dtype=bool)
    units = orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, day)
    resident[G.label_range(Label.ORGANIZATION)] = units
    return resident


def _of_units(G: RegionalGraph, t: _Ties) -> np.ndarray:
    """Mask of the links that are ties of a resident unit (DOMAIN: a tie belongs to a unit,
    directly or through the Party org it hosts)."""
    return t.resident[t.a_src] | t.resident[t.a_tgt]


def _count(t: _Ties, mask: np.ndarray, n: int) -> np.ndarray:
    """Links in ``mask`` per actor (a link with both ends on one actor counts once)."""
    other = mask & (t.a_tgt != t.a_src)
    return np.bincount(t.a_src[mask], minlength=n) + np.bincount(t.a_tgt[other], minlength=n)


def _both_ends(t: _Ties, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For links in ``mask``: (actor, partner code, link index) seen from each endpoint."""
    idx = np.flatnonzero(mask)
    other = idx[t.a_tgt[idx] != t.a_src[idx]]
    actor = np.concatenate([t.a_src[idx], t.a_tgt[other]])
    partner = np.concatenate([t.tgt[idx], t.src[other]])
    return actor, partner, np.concatenate([idx, other])


def _joined_ids(G: RegionalGraph, keys: np.ndarray, codes: np.ndarray,
                rows_codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Comma-separated sorted unique ids of ``codes`` grouped by node ``keys``, one cell per
    node of ``rows_codes`` (missing where none)."""
    n = G.number_of_nodes()
    slot = np.full(n, -1, dtype=np.int64)
    slot[rows_codes] = np.arange(len(rows_codes))
    k = slot[keys]
    ok = k >= 0
    k, codes = k[ok], codes[ok]
    order = np.lexsort((codes, k))
    k, codes = k[order], codes[order]
    first = np.r_[True, (k[1:] != k[:-1]) | (codes[1:] != codes[:-1])] if len(k) else \
        np.zeros(0, dtype=bool)
    k, codes = k[first], codes[first]
    return join_per_row(k, np.asarray(ids(G, codes), dtype=object), len(rows_codes))


def _hosted_orgs(G: RegionalGraph, rows_codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    hosted = G.links(RelType.HOSTED_BY, state="any")
    return _joined_ids(G, hosted.target, hosted.source, rows_codes)


def _unit_rows(G: RegionalGraph, rows: np.ndarray) -> pd.DataFrame:
    out = org_table(G, rows, _UNIT_COLUMNS)
    out["party_org"] = _hosted_orgs(G, rows + G.label_range(Label.ORGANIZATION).start)
    return out


def isolated_rows(G: RegionalGraph, day: np.datetime64) -> np.ndarray:
    """Rows (in the Organization frame) of the resident units with no tie on ``day``: the
    rows of :func:`isolated_units`, once per graph and day.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.nodes["Organization"].index[isolated_rows(G, as_date("2026-10-01"))].tolist()
    ['O2']
    """
    def compute() -> np.ndarray:
        t = tie_links(G, day)
        ties = _count(t, t.live, G.number_of_nodes())[G.label_range(Label.ORGANIZATION)]
        return np.flatnonzero(orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, day) & (ties == 0))

    return G.memo(("analysis", "isolated_rows", day), compute)


def unpaired_rows(G: RegionalGraph, day: np.datetime64) -> np.ndarray:
    """Rows (in the Area frame) of the communities nobody pairs with on ``day``: the rows of
    :func:`unpaired_communities`, once per graph and day.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.nodes["Area"].index[unpaired_rows(G, as_date("2026-10-01"))].tolist()
    ['C2', 'C3']
    """
    def compute() -> np.ndarray:
        terr = territory(G)
        live = G.links(RelType.PAIRED_WITH, as_of=day).target
        paired = np.zeros(G.number_of_nodes(), dtype=bool)
        paired[np.where(terr[live] >= 0, terr[live], live)] = True
        is_comm = (G.nodes[Label.AREA]["level"] == "community").to_numpy(dtype=bool)
        return np.flatnonzero(is_comm & ~paired[G.label_range(Label.AREA)])

    return G.memo(("analysis", "unpaired_rows", day), compute)


def isolated_units(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """Resident units with no tie as of ``as_of`` (孤岛单位).

    Returns
    -------
    DataFrame
        Indexed by organisation ``id``: ``name``, ``kind``, ``community_id``,
        ``community``, ``street_id``, ``street``, ``party_org`` (the Party orgs it hosts),
        ``expired_ties`` (count of ended tie links of the unit or its Party orgs),
        ``last_tie_end``, ``former_partners`` (ids of the other ends of those links,
        comma-separated) and ``reason`` (``"no tie"`` or ``"only expired ties"``).

    Examples
    --------
    >>> import regional_graph as rg
    >>> iso = isolated_units(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> iso.loc["O2", "kind"], int(iso.loc["O2", "expired_ties"])
    ('hospital', 2)
    >>> iso.loc["O2", "former_partners"]  # in table order
    'PS2, PC3'
    >>> str(iso.loc["O2", "last_tie_end"].date())
    '2023-12-31'
    """
    day = as_date(as_of)
    n = G.number_of_nodes()
    orng = G.label_range(Label.ORGANIZATION)
    t = tie_links(G, day)
    rows = isolated_rows(G, day)
    out = _unit_rows(G, rows)
    expired = _count(t, t.ended, n)[orng][rows]
    actor, partner, link = _both_ends(t, t.ended)
    last = last_per(actor, t.end[link].astype(np.int64), n)[rows + orng.start]
    out["expired_ties"] = expired
    out["last_tie_end"] = np.where(last >= 0, t.end[link[np.maximum(last, 0)]] if len(link)
                                   else np.datetime64("NaT"),
                                   np.datetime64("NaT")).astype("datetime64[s]")
    out["former_partners"] = _joined_ids(G, actor, partner, rows + orng.start)
    out["reason"] = np.where(expired > 0, "only expired ties", "no tie")
    return out


def weakly_tied_units(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """Resident units with exactly one tie, and that tie.

    Returns
    -------
    DataFrame
        Indexed by organisation ``id``: ``name``, ``kind``, ``community_id``,
        ``community``, ``street_id``, ``street``, ``party_org``, then the tie: ``type``,
        ``partner_id``, ``partner_name``, ``via`` (``"unit itself"`` or the id of the
        unit's Party org that holds the link), ``start``, ``end``, ``reason``.

    Examples
    --------
    O1 has three ties as of 2026-10-01; on 2023-06-01 O2 had one (its pair with PC3):

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> len(weakly_tied_units(G, as_of="2026-10-01"))
    0
    >>> w = weakly_tied_units(G, as_of="2023-06-01")
    >>> w.loc["O2", ["type", "partner_id", "partner_name", "via"]].tolist()
    ['paired_with', 'PC3', '西一社区党委', 'unit itself']
    """
    day = as_date(as_of)
    n = G.number_of_nodes()
    orng = G.label_range(Label.ORGANIZATION)
    t = tie_links(G, day)
    ties = _count(t, t.live, n)[orng]
    rows = np.flatnonzero(orgs_of_kind(G, schema.RESIDENT_UNIT_KINDS, day) & (ties == 1))
    out = _unit_rows(G, rows)
    actor, partner, link = _both_ends(t, t.live)
    slot = np.full(n, -1, dtype=np.int64)
    slot[actor] = np.arange(len(actor))
    k = slot[rows + orng.start]
    li = link[k]
    own_end = np.where(t.a_src[li] == rows + orng.start, t.src[li], t.tgt[li])
    out["type"] = _link_type(G, t.pos[li])
    out["partner_id"] = ids(G, partner[k])
    out["partner_name"] = pd.array(names(G, partner[k]), dtype="str")
    via = np.asarray(ids(G, own_end), dtype=object)
    out["via"] = pd.array(np.where(own_end == rows + orng.start, "unit itself", via),
                          dtype="str")
    out["start"] = t.start[li]
    out["end"] = t.end[li]
    out["reason"] = "one live tie"
    return out


def _link_type(G: RegionalGraph, pos: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Link type codes (``paired_with``…) of the edges at ``pos``."""
    rel = np.asarray(REL_TYPES, dtype=object)[G.edges["type"].cat.codes.to_numpy()[pos]]
    return pd.array(np.array([r.lower() for r in rel], dtype=object), dtype="str")


def _tie_table(G: RegionalGraph, t: _Ties, idx: np.ndarray) -> pd.DataFrame:
    """Rows of tie links ``idx`` (positions into ``t``) keyed ``source->target#row``, where
    ``row`` is the link's 1-based row number in the links table."""
    row = G.row_among(t.pos[idx], *LINK_REL_TYPES)
    src_ids = np.asarray(ids(G, t.src[idx]), dtype=object)
    tgt_ids = np.asarray(ids(G, t.tgt[idx]), dtype=object)
    key = [f"{s}->{g}#{r}" for s, g, r in zip(src_ids, tgt_ids, row, strict=True)]
    resident = t.resident
    unit = np.where(resident[t.a_src[idx]], t.a_src[idx],
                    np.where(resident[t.a_tgt[idx]], t.a_tgt[idx], -1))
    out = pd.DataFrame({
        "source_id": pd.array(src_ids, dtype="str"),
        "source_name": pd.array(names(G, t.src[idx]), dtype="str"),
        "target_id": pd.array(tgt_ids, dtype="str"),
        "target_name": pd.array(names(G, t.tgt[idx]), dtype="str"),
        "type": _link_type(G, t.pos[idx]),
        "start": t.start[idx],
        "end": t.end[idx],
        "form": G.edges["kind"].array.take(t.pos[idx]),
        "unit_id": ids(G, unit),
    }, index=pd.Index(key, dtype="str", name="id"))
    return out


def dormant_ties(G: RegionalGraph, *, as_of: DateLike = None, months: int = 12) -> pd.DataFrame:
    """Live tie links with no activity in the last ``months`` months (名存实亡的共建).

    Only meaningful when the graph has an activities table; without activities on links the
    result is empty (and a message is logged). Activities dated after ``as_of`` are ignored.

    Returns
    -------
    DataFrame
        Indexed by a tie key ``source->target#row`` (``row``: row in the links table):
        ``source_id``, ``source_name``, ``target_id``, ``target_name``, ``type``,
        ``start``, ``end``, ``form`` (the link's ``kind``, e.g. 共建协议), ``unit_id``
        (the resident unit, if one end is one), ``activities`` (count up to ``as_of``),
        ``last_activity`` and ``reason``
        (``"no activity recorded"`` or ``"no activity in the window"``).

    Examples
    --------
    The tiny district records one activity, on O1's pair with PC1 (2026-06-01); O1's seat
    on the street committee (links row 6) and in the joint conference (row 7) have none:

    >>> import regional_graph as rg
    >>> d = dormant_ties(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> d["type"].to_dict()
    {'O1->PS1#6': 'sits_on', 'O1->PS1#7': 'conference_member'}
    >>> d["reason"].unique().tolist()
    ['no activity recorded']
    """
    day = as_date(as_of)
    t = tie_links(G, day)
    acts = G.activities
    empty = _tie_table(G, t, np.array([], dtype=np.int64))
    empty["activities"] = np.array([], dtype=np.int64)
    empty["last_activity"] = np.array([], dtype="datetime64[s]")
    empty["reason"] = pd.array([], dtype="str")
    if not len(acts) or "source_id" not in acts or acts["source_id"].notna().sum() == 0:
        log.info("dormant_ties: no activities on links given; nothing to report")
        return empty
    n = G.number_of_nodes()
    idx = np.flatnonzero(t.live & _of_units(G, t))
    ends = sorted_unique(np.concatenate([t.src[idx], t.tgt[idx]]))
    # the ids are looked up among the ties' ends only: any other id is on none of them
    both = G.codes(pd.concat([acts["source_id"], acts["target_id"]], ignore_index=True),
                   among=ends)
    a_src, a_tgt = both[: len(acts)], both[len(acts):]
    a_day = acts["date"].to_numpy(dtype="datetime64[s]")
    ok = (a_src >= 0) & (a_tgt >= 0) & ~np.isnat(a_day) & (a_day <= day)
    a_key = a_src[ok] * n + a_tgt[ok]
    a_day = a_day[ok]
    order = np.lexsort((a_day, a_key))
    a_key, a_day = a_key[order], a_day[order]
    key = t.src[idx] * n + t.tgt[idx]
    lo = np.searchsorted(a_key, key, side="left")
    hi = np.searchsorted(a_key, key, side="right")
    count = hi - lo
    last = np.where(count > 0, a_day[np.maximum(hi - 1, 0)] if len(a_day)
                    else np.datetime64("NaT"), np.datetime64("NaT")).astype("datetime64[s]")
    window = np.datetime64(pd.Timestamp(day) - pd.DateOffset(months=months), "s")
    dormant = np.isnat(last) | (last < window)
    out = _tie_table(G, t, idx[dormant])
    out["activities"] = count[dormant].astype(np.int64)
    out["last_activity"] = last[dormant]
    out["reason"] = pd.array(np.where(count[dormant] > 0, "no activity in the window",
                                      "no activity recorded"), dtype="str")
    return out


def expiring_ties(G: RegionalGraph, *, as_of: DateLike = None, days: int = 30) -> pd.DataFrame:
    """Live tie links whose ``end`` falls within ``days`` days of ``as_of`` (到期提醒).

    Columns as :func:`dormant_ties`' link columns plus ``days_left`` (0 = ends today).

    Examples
    --------
    O2's pair with PC3 ends on 2023-12-31:

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> expiring_ties(G, as_of="2023-12-01")["days_left"].to_dict()
    {'O2->PC3#5': 30}
    >>> len(expiring_ties(G, as_of="2026-10-01"))
    0
    """
    day = as_date(as_of)
    t = tie_links(G, day)
    horizon = day + np.timedelta64(days, "D")
    idx = np.flatnonzero(t.live & _of_units(G, t) & ~np.isnat(t.end) & (t.end <= horizon))
    out = _tie_table(G, t, idx)
    out["days_left"] = ((t.end[idx] - day) // np.timedelta64(1, "D")).astype(np.int64)
    return out.sort_values(["days_left", "source_id"], kind="stable")


def unpaired_communities(G: RegionalGraph, *, as_of: DateLike = None) -> pd.DataFrame:
    """Communities nobody pairs with: neither the Area nor its community_committee is the
    target of a live ``paired_with`` link.

    Returns
    -------
    DataFrame
        Indexed by community ``id``: ``name``, ``street_id``, ``street``,
        ``expired_pairs``, ``last_pair_end``, ``former_partners`` (sources of the ended
        pairs) and ``reason`` (``"never paired"`` or ``"only expired pairs"``).

    Examples
    --------
    O1 pairs with 东一社区's committee PC1; O2's pair with PC3 (西一社区) has ended:

    >>> import regional_graph as rg
    >>> u = unpaired_communities(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> u["reason"].to_dict()
    {'C2': 'never paired', 'C3': 'only expired pairs'}
    >>> u.loc["C3", "former_partners"]
    'O2'
    """
    day = as_date(as_of)
    n = G.number_of_nodes()
    arng = G.label_range(Label.AREA)
    terr = territory(G)
    gone = G.links(RelType.PAIRED_WITH, as_of=day, state="ended")
    src, end = gone.source, gone.end
    place = np.where(terr[gone.target] >= 0, terr[gone.target], gone.target)
    ended = np.ones(len(gone), dtype=bool)
    areas = G.nodes[Label.AREA]
    rows = unpaired_rows(G, day)
    codes = rows + arng.start
    street = G.ancestor_at(codes, "street")
    out = pd.DataFrame({"name": areas["name"].array.take(rows),
                        "street_id": ids(G, street), "street": area_name(G, street)},
                       index=pd.Index(areas.index[rows], name="id"))
    expired = np.bincount(place[ended], minlength=n)[codes]
    e_idx = np.flatnonzero(ended)
    last = last_per(place[e_idx], end[e_idx].astype(np.int64), n)[codes]
    out["expired_pairs"] = expired.astype(np.int64)
    out["last_pair_end"] = np.where(last >= 0, end[e_idx[np.maximum(last, 0)]] if len(e_idx)
                                    else np.datetime64("NaT"),
                                    np.datetime64("NaT")).astype("datetime64[s]")
    out["former_partners"] = _joined_ids(G, place[e_idx], src[e_idx], codes)
    out["reason"] = np.where(expired > 0, "only expired pairs", "never paired")
    return out


@dataclass(frozen=True)
class TieComponents:
    """Connected components of the joint-building network.

    Attributes
    ----------
    nodes
        Indexed by actor ``id``: ``label``, ``name``, ``component`` (0 = largest, then by
        size), ``size`` (actors in the component), ``in_largest``.
    cut_off
        The organisations (rows of ``nodes`` with label Organization) outside the largest
        component, with their ``kind``, ``community`` and ``street`` (and their ids),
        ``component`` and ``size``.

    Examples
    --------
    >>> import regional_graph as rg
    >>> c = tie_components(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> list(c.nodes.columns)
    ['label', 'name', 'component', 'size', 'in_largest']
    >>> c.cut_off.index.tolist(), c.cut_off["size"].tolist()
    (['O2'], [1])
    """

    nodes: pd.DataFrame
    cut_off: pd.DataFrame


def tie_components(G: RegionalGraph, *, as_of: DateLike = None) -> TieComponents:
    """Connected components of the live tie network (hierarchy excluded).

    Nodes are *actors*: an organisation together with the Party orgs it hosts, and an area
    together with the Party committee that leads it (community + community_committee,
    street + street_committee, …); every other node is its own actor. Edges are live
    ``paired_with``, ``sits_on`` and ``conference_member`` links, undirected. Every resident
    unit is included (an isolated one is a component of size 1), plus every actor with a
    live tie.

    Examples
    --------
    In the tiny district O1 ties 东一社区 (with its committee PC1) and 东街道 (with PS1)
    together; the isolated hospital O2 is a component of its own:

    >>> import regional_graph as rg
    >>> c = tie_components(rg.datasets.load_tiny(), as_of="2026-10-01")
    >>> c.nodes["component"].to_dict()
    {'S1': 0, 'C1': 0, 'O1': 0, 'O2': 1}
    """
    day = as_date(as_of)
    n = G.number_of_nodes()
    t = tie_links(G, day)
    terr = territory(G)
    a_src = np.where(terr[t.a_src] >= 0, terr[t.a_src], t.a_src)[t.live]
    a_tgt = np.where(terr[t.a_tgt] >= 0, terr[t.a_tgt], t.a_tgt)[t.live]
    import scipy.sparse as sp  # on first use (scipy costs ~0.2 s to import)
    from scipy.sparse.csgraph import connected_components

    adj = sp.csr_array((np.ones(len(a_src), dtype=np.int8), (a_src, a_tgt)), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    include = np.zeros(n, dtype=bool)
    include[a_src] = True
    include[a_tgt] = True
    include |= t.resident
    codes = np.flatnonzero(include)
    comp = label[codes]
    uniq, inv, size = np.unique(comp, return_inverse=True, return_counts=True)
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[np.lexsort((uniq, -size))] = np.arange(len(uniq))
    component = rank[inv]
    labels = np.asarray([lbl.value for lbl in LABELS], dtype=object)[G.label_codes[codes]]
    nodes = pd.DataFrame({
        "label": pd.array(labels, dtype="str"),
        "name": pd.array(names(G, codes), dtype="str"),
        "component": component,
        "size": size[inv].astype(np.int64),
        "in_largest": component == 0,
    }, index=pd.Index(ids(G, codes), name="id"))
    nodes = nodes.sort_values(["component", "label"], kind="stable")
    cut = codes[(component != 0) & (G.label_codes[codes] == LABELS.index(Label.ORGANIZATION))]
    cut_off = org_table(G, cut - G.label_range(Label.ORGANIZATION).start, ("name", "kind"))
    cut_off["component"] = nodes["component"].reindex(cut_off.index).to_numpy()
    cut_off["size"] = nodes["size"].reindex(cut_off.index).to_numpy()
    log.debug("tie_components: %d actors, %d components", len(codes), len(uniq))
    return TieComponents(nodes=nodes, cut_off=cut_off)
