"""Change over time: what changed between two graphs, or one graph at two dates.

Ties (live ``paired_with``, ``sits_on``, ``conference_member`` links) are compared by
``(type, source_id, target_id)``; organisations and streets by id, so two graphs built from
different ledgers (different node codes) compare correctly.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_sample_district()
>>> d = diff(G, G, as_of_old="2025-10-01", as_of_new=rg.datasets.REFERENCE_DATE)
>>> len(d.pairs_added) > 0 and len(d.street_coverage) == 13
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..schema import Label
from . import coverage
from .coverage import _covered_nodes, _edge_arrays, _edge_positions, _ids, _live, _names

__all__ = ["GraphDiff", "diff"]

_TIE_RELS = tuple(schema.LINK_RELTYPE[t] for t in schema.TIE_TYPES)


@dataclass(frozen=True)
class GraphDiff:
    """The differences between an old and a new state.

    Attributes
    ----------
    pairs_added, pairs_ended
        Ties live in the new state but not the old one (and vice versa), indexed by
        ``type:source->target`` with ``type``, ``source_id``, ``source_name``,
        ``target_id``, ``target_name``.
    newly_covered, newly_uncovered
        Two-new organisations covered now but not before (``new_org``: absent from the old
        graph), and uncovered now but covered before (with the :func:`coverage.uncovered`
        columns, ``reason`` included).
    street_coverage
        Per street (outer join on street id): ``name``, ``two_new_old``, ``two_new_new``,
        ``covered_old``, ``covered_new``, ``rate_all_old``, ``rate_all_new``,
        ``rate_all_change``, ``rate_with_members_old``, ``rate_with_members_new``,
        ``rate_with_members_change``.
    as_of_old, as_of_new
        The two days compared.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> d = diff(G, as_of_old="2025-10-01", as_of_new=rg.datasets.REFERENCE_DATE)
    >>> isinstance(d, GraphDiff), len(d.pairs_added) > 0
    (True, True)
    >>> list(d.pairs_added.columns)
    ['type', 'source_id', 'source_name', 'target_id', 'target_name']
    >>> len(d.street_coverage) == len(G.nodes[rg.schema.Label.AREA].query("level == 'street'"))
    True
    """

    pairs_added: pd.DataFrame
    pairs_ended: pd.DataFrame
    newly_covered: pd.DataFrame
    newly_uncovered: pd.DataFrame
    street_coverage: pd.DataFrame
    as_of_old: np.datetime64
    as_of_new: np.datetime64

    def summary(self) -> dict[str, int]:
        """Counts of each table.

        Examples
        --------
        >>> import regional_graph as rg
        >>> G = rg.datasets.load_sample_district()
        >>> sorted(diff(G, G).summary())[:2]
        ['newly_covered', 'newly_uncovered']
        """
        return {"pairs_added": len(self.pairs_added), "pairs_ended": len(self.pairs_ended),
                "newly_covered": len(self.newly_covered),
                "newly_uncovered": len(self.newly_uncovered)}


def _live_ties(G: RegionalGraph, day: np.datetime64) -> pd.DataFrame:
    pos = _edge_positions(G, *_TIE_RELS)
    src, tgt, start, end = _edge_arrays(G, pos)
    keep = _live(start, end, day)
    pos, src, tgt = pos[keep], src[keep], tgt[keep]
    rel = np.asarray(REL_TYPES, dtype=object)[G.edges["type"].cat.codes.to_numpy()[pos]]
    frame = pd.DataFrame({
        "type": pd.array([r.lower() for r in rel], dtype="str"),
        "source_id": _ids(G, src),
        "source_name": pd.array(_names(G, src), dtype="str"),
        "target_id": _ids(G, tgt),
        "target_name": pd.array(_names(G, tgt), dtype="str"),
    })
    frame.index = pd.Index(frame["type"] + ":" + frame["source_id"] + "->" + frame["target_id"],
                           dtype="str", name="id")
    return frame[~frame.index.duplicated()]


def _covered_ids(G: RegionalGraph, day: np.datetime64) -> pd.Index:
    orng = G.label_range(Label.ORGANIZATION)
    covered = _covered_nodes(G, day)[orng] & coverage._org_kind_mask(G, schema.TWO_NEW_KINDS)
    return G.nodes[Label.ORGANIZATION].index[covered]


def diff(
    old: RegionalGraph,
    new: RegionalGraph | None = None,
    *,
    as_of_old: DateLike = None,
    as_of_new: DateLike = None,
) -> GraphDiff:
    """Compare two graphs (or ``old`` at two dates when ``new`` is ``None`` or ``old``).

    Parameters
    ----------
    old, new
        The earlier and the later graph; ``new=None`` compares ``old`` with itself.
    as_of_old, as_of_new
        The day each state is evaluated on (default today for both).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> d = diff(G, as_of_old="2026-01-01", as_of_new=rg.datasets.REFERENCE_DATE)
    >>> bool(d.street_coverage["rate_all_new"].between(0, 1).all())
    True
    """
    new = old if new is None else new
    day_old, day_new = as_date(as_of_old), as_date(as_of_new)
    t_old, t_new = _live_ties(old, day_old), _live_ties(new, day_new)
    added = t_new[~t_new.index.isin(t_old.index)]
    ended = t_old[~t_old.index.isin(t_new.index)]

    cov_old, cov_new = _covered_ids(old, day_old), _covered_ids(new, day_new)
    gained = cov_new[~cov_new.isin(cov_old)]
    rows = new.nodes[Label.ORGANIZATION].index.get_indexer(gained)
    newly_covered = coverage._org_table(new, rows)
    newly_covered["new_org"] = ~newly_covered.index.isin(old.nodes[Label.ORGANIZATION].index)
    unc_new = coverage.uncovered(new, as_of=day_new)
    newly_uncovered = unc_new[unc_new.index.isin(cov_old)]

    r_old = coverage.coverage_rates(old, as_of=day_old, by="street")
    r_new = coverage.coverage_rates(new, as_of=day_new, by="street")
    cols = ["two_new", "covered_two_new", "rate_all", "rate_with_members"]
    streets = r_old[cols].add_suffix("_old").join(r_new[cols].add_suffix("_new"), how="outer")
    names = r_new["name"].combine_first(r_old["name"])
    streets.insert(0, "name", names.reindex(streets.index))
    streets = streets.rename(columns={"covered_two_new_old": "covered_old",
                                      "covered_two_new_new": "covered_new"})
    for c in ("rate_all", "rate_with_members"):
        streets[f"{c}_change"] = streets[f"{c}_new"] - streets[f"{c}_old"]
    order = ["name", "two_new_old", "two_new_new", "covered_old", "covered_new",
             "rate_all_old", "rate_all_new", "rate_all_change", "rate_with_members_old",
             "rate_with_members_new", "rate_with_members_change"]
    return GraphDiff(
        pairs_added=added, pairs_ended=ended, newly_covered=newly_covered,
        newly_uncovered=newly_uncovered, street_coverage=streets[order],
        as_of_old=day_old, as_of_new=day_new,
    )
