"""Change over time: what changed between two graphs, or one graph at two dates.

Ties (live ``paired_with``, ``sits_on``, ``conference_member`` links) are compared by
``(type, source_id, target_id)``; organisations and streets by id, so two graphs built from
different ledgers (different node codes) compare correctly.

Examples
--------
The tiny district between 2023-06-01 and 2026-10-01: the school O1's three links started
in 2024, the hospital O2's pair with PC3 ended on 2023-12-31.

>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> d = diff(G, G, as_of_old="2023-06-01", as_of_new="2026-10-01")
>>> d.pairs_added.index.tolist()
['paired_with:O1->PC1', 'sits_on:O1->PS1', 'conference_member:O1->PS1']
>>> d.pairs_ended.index.tolist(), d.isolated_gained.index.tolist(), d.isolated_lost.index.tolist()
(['paired_with:O2->PC3'], ['O2'], ['O1'])
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import schema
from ..graph import REL_TYPES, DateLike, RegionalGraph, as_date
from ..schema import Label
from . import coverage, isolation
from ._common import TIE_RELS, covered_nodes, ids, names, org_table, orgs_of_kind

if TYPE_CHECKING:
    from .indicators import Level

__all__ = ["DIFF_TABLES", "GraphDiff", "diff", "diff_tables", "indicator_changes"]

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
    isolated_gained, isolated_lost
        Resident units isolated now but not before (the :func:`isolation.isolated_units`
        columns of the new state), and isolated before but not now (those of the old state).

    Examples
    --------
    >>> import regional_graph as rg
    >>> d = diff(rg.datasets.load_tiny(), as_of_old="2023-06-01", as_of_new="2026-10-01")
    >>> list(d.pairs_added.columns)
    ['type', 'source_id', 'source_name', 'target_id', 'target_name']
    >>> d.street_coverage[["covered_old", "covered_new", "rate_all_change"]].to_dict("index")
    {'S1': {'covered_old': 3, 'covered_new': 3, 'rate_all_change': 0.0}, \
'S2': {'covered_old': 0, 'covered_new': 0, 'rate_all_change': 0.0}}
    """

    pairs_added: pd.DataFrame
    pairs_ended: pd.DataFrame
    newly_covered: pd.DataFrame
    newly_uncovered: pd.DataFrame
    street_coverage: pd.DataFrame
    as_of_old: np.datetime64
    as_of_new: np.datetime64
    isolated_gained: pd.DataFrame = field(default_factory=pd.DataFrame)
    isolated_lost: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> dict[str, int]:
        """Counts of each table.

        Examples
        --------
        >>> import regional_graph as rg
        >>> diff(rg.datasets.load_tiny(), as_of_old="2023-06-01",
        ...      as_of_new="2026-10-01").summary()  # doctest: +NORMALIZE_WHITESPACE
        {'pairs_added': 3, 'pairs_ended': 1, 'newly_covered': 0, 'newly_uncovered': 0,
         'isolated_gained': 1, 'isolated_lost': 1}
        """
        return {"pairs_added": len(self.pairs_added), "pairs_ended": len(self.pairs_ended),
                "newly_covered": len(self.newly_covered),
                "newly_uncovered": len(self.newly_uncovered),
                "isolated_gained": len(self.isolated_gained),
                "isolated_lost": len(self.isolated_lost)}


def _live_ties(G: RegionalGraph, day: np.datetime64) -> pd.DataFrame:
    ties = G.links(*TIE_RELS, as_of=day)
    pos, src, tgt = ties.pos, ties.source, ties.target
    rel = np.asarray(REL_TYPES, dtype=object)[G.edges["type"].cat.codes.to_numpy()[pos]]
    frame = pd.DataFrame({
        "type": pd.array([r.lower() for r in rel], dtype="str"),
        "source_id": ids(G, src),
        "source_name": pd.array(names(G, src), dtype="str"),
        "target_id": ids(G, tgt),
        "target_name": pd.array(names(G, tgt), dtype="str"),
    })
    frame.index = pd.Index(frame["type"] + ":" + frame["source_id"] + "->" + frame["target_id"],
                           dtype="str", name="id")
    return frame[~frame.index.duplicated()]


def _covered_ids(G: RegionalGraph, day: np.datetime64) -> pd.Index:
    orng = G.label_range(Label.ORGANIZATION)
    covered = covered_nodes(G, day)[orng] & orgs_of_kind(G, schema.TWO_NEW_KINDS, day)
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
    Before 2023-03-01 the joint branch PJ1 covered nobody yet (O4 and O5 joined then):

    >>> import regional_graph as rg
    >>> d = diff(rg.datasets.load_tiny(), as_of_old="2023-01-01", as_of_new="2026-10-01")
    >>> d.newly_covered.index.tolist(), d.street_coverage.loc["S1", "rate_all_change"]
    (['O4', 'O5'], np.float64(0.5))
    """
    new = old if new is None else new
    day_old, day_new = as_date(as_of_old), as_date(as_of_new)
    t_old, t_new = _live_ties(old, day_old), _live_ties(new, day_new)
    added = t_new[~t_new.index.isin(t_old.index)]
    ended = t_old[~t_old.index.isin(t_new.index)]

    cov_old, cov_new = _covered_ids(old, day_old), _covered_ids(new, day_new)
    gained = cov_new[~cov_new.isin(cov_old)]
    rows = new.nodes[Label.ORGANIZATION].index.get_indexer(gained)
    newly_covered = org_table(new, rows)
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
    iso_old = isolation.isolated_units(old, as_of=day_old)
    iso_new = isolation.isolated_units(new, as_of=day_new)
    return GraphDiff(
        pairs_added=added, pairs_ended=ended, newly_covered=newly_covered,
        newly_uncovered=newly_uncovered, street_coverage=streets[order],
        as_of_old=day_old, as_of_new=day_new,
        isolated_gained=iso_new[~iso_new.index.isin(iso_old.index)],
        isolated_lost=iso_old[~iso_old.index.isin(iso_new.index)],
    )


def indicator_changes(old: RegionalGraph, new: RegionalGraph | None = None, *,
                      by: Level = "district", as_of_old: DateLike = None,
                      as_of_new: DateLike = None, level: Level | None = None) -> pd.DataFrame:
    """The indicator tables of two states side by side: one row per area and indicator
    with ``old``, ``new`` and ``change`` (``new − old``; rates as fractions).

    Areas are matched by id (an area in one state only has an empty other side).
    ``by`` is the area level (``level=`` is its deprecated spelling).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = indicator_changes(G, as_of_old="2025-10-01", as_of_new="2026-10-01")
    >>> list(t.columns)
    ['name', 'indicator', 'old', 'new', 'change']
    >>> G = rg.datasets.load_tiny()
    >>> t = indicator_changes(G, by="street", as_of_old="2023-06-01", as_of_new="2026-10-01")
    >>> t[t["indicator"] == "isolated_units"]["change"].to_dict()
    {'S1': -1.0, 'S2': 1.0}
    """
    from .indicators import indicators

    if level is not None:
        warnings.warn("indicator_changes(level=...) is deprecated; use by=...",
                      DeprecationWarning, stacklevel=2)
        by = level
    new = old if new is None else new
    a = indicators(old, by=by, as_of=as_date(as_of_old))
    b = indicators(new, by=by, as_of=as_date(as_of_new))
    cols = [c for c in b.columns if c not in ("name", "parent_id", "parent")
            and pd.api.types.is_numeric_dtype(b[c].dtype)]
    cols += [c for c in a.columns if c not in cols and c in b.columns
             and pd.api.types.is_numeric_dtype(a[c].dtype)]
    ids = b.index.append(a.index[~a.index.isin(b.index)])
    names = b["name"].reindex(ids).fillna(a["name"].reindex(ids))
    old_v = a.reindex(ids)[cols].astype("float64")
    new_v = b.reindex(ids)[cols].astype("float64")
    out = pd.DataFrame({
        "id": np.repeat(ids.to_numpy(dtype=object), len(cols)),
        "name": np.repeat(names.to_numpy(dtype=object), len(cols)),
        "indicator": np.tile(np.asarray(cols, dtype=object), len(ids)),
        "old": old_v.to_numpy().ravel(),
        "new": new_v.to_numpy().ravel(),
    })
    out["change"] = out["new"] - out["old"]
    for col in ("id", "name", "indicator"):
        out[col] = out[col].astype("str")
    return out.set_index("id")


#: The diff workbook's tables (file stems) in sheet order.
DIFF_TABLES = ("diff_summary", "indicators_district", "indicators_street", "pairs_added",
               "pairs_ended", "newly_covered", "newly_uncovered", "isolated_gained",
               "isolated_lost")


def diff_tables(old: RegionalGraph, new: RegionalGraph | None = None, *,
                as_of_old: DateLike = None, as_of_new: DateLike = None
                ) -> dict[str, pd.DataFrame]:
    """Everything that changed, as tables: counts (``diff_summary``), the district and
    street indicators side by side, pairs added and ended, newly covered and uncovered
    organisations, isolated units gained and lost.

    Examples
    --------
    >>> import regional_graph as rg
    >>> t = diff_tables(rg.datasets.load_tiny(), as_of_old="2023-06-01",
    ...                 as_of_new="2026-10-01")
    >>> list(t) == list(DIFF_TABLES), t["isolated_gained"].index.tolist()
    (True, ['O2'])
    """
    d = diff(old, new, as_of_old=as_of_old, as_of_new=as_of_new)
    counts = d.summary()
    summary = pd.DataFrame({"item": pd.array(list(counts), dtype="str"),
                            "value": np.asarray(list(counts.values()), dtype=np.int64)})
    return {
        "diff_summary": summary,
        "indicators_district": indicator_changes(old, new, by="district",
                                                 as_of_old=d.as_of_old, as_of_new=d.as_of_new),
        "indicators_street": indicator_changes(old, new, by="street",
                                               as_of_old=d.as_of_old, as_of_new=d.as_of_new),
        "pairs_added": d.pairs_added, "pairs_ended": d.pairs_ended,
        "newly_covered": d.newly_covered, "newly_uncovered": d.newly_uncovered,
        "isolated_gained": d.isolated_gained, "isolated_lost": d.isolated_lost,
    }
