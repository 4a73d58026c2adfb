"""Districts side by side: the headline indicators of every district of a merged graph.

The table is :func:`~regional_graph.analysis.indicators.indicators` at the ``district`` level,
cut to the headline columns, with a last row for all districts together (``total``): counts
summed, every rate recomputed from the summed numerator and denominator (never an average of
rates).

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()  # 6 two-new organisations, 3 covered (O3, O4, O5)
>>> t = compare_districts(rg.merge([G, G], names=["a", "b"]), as_of=rg.datasets.REFERENCE_DATE)
>>> t[["two_new", "covered_two_new", "rate_all"]].to_dict("index")
{'a:D1': {'two_new': 6, 'covered_two_new': 3, 'rate_all': 0.5}, \
'b:D1': {'two_new': 6, 'covered_two_new': 3, 'rate_all': 0.5}, \
'total': {'two_new': 12, 'covered_two_new': 6, 'rate_all': 0.5}}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..graph import DateLike, RegionalGraph
from ..vocab import column_label
from .indicators import indicators

__all__ = ["HEADLINE", "RATES", "TOTAL", "compare_districts"]

#: The id of the all-districts row.
TOTAL = "total"
#: Headline indicators (the three failures of DOMAIN.md, then ties and reporting).
HEADLINE: tuple[str, ...] = (
    "communities", "two_new", "covered_two_new", "rate_all", "with_members",
    "covered_with_members", "rate_with_members", "should_build", "resident_units",
    "resident_units_with_org", "conference_units", "conference_rate", "isolated_units",
    "pairs", "pairs_per_community", "unpaired_communities", "member_records",
    "members_reporting", "reporting_rate",
)
#: Rate column → (numerator, denominator) columns.
RATES: dict[str, tuple[str, str]] = {
    "rate_all": ("covered_two_new", "two_new"),
    "rate_with_members": ("covered_with_members", "with_members"),
    "conference_rate": ("conference_units", "resident_units_with_org"),
    "pairs_per_community": ("pairs", "communities"),
    "reporting_rate": ("members_reporting", "member_records"),
    "community_committees_over_limit_share": ("community_committees_over_limit",
                                              "community_committees"),
}


def compare_districts(
    G: RegionalGraph,
    *,
    as_of: DateLike = None,
    columns: Sequence[str] = HEADLINE,
    matching: Any = None,
    total: bool = True,
    chinese: bool = False,
) -> pd.DataFrame:
    """One row per district (and a ``total`` row): ``name``, ``parent`` and ``columns``.

    Parameters
    ----------
    columns
        Indicator columns to keep (any of the indicator table's); a rate's numerator and
        denominator should be among them for the ``total`` row to have the rate.
    matching
        Optional matching result (adds ``served``, ``unmet``, ``served_rate`` if asked for).
    total
        Add the all-districts row.
    chinese
        Chinese column names.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> t = compare_districts(G, as_of=rg.datasets.REFERENCE_DATE, columns=["two_new"],
    ...                       chinese=True)
    >>> list(t.columns)
    ['名称', '上级名称', '两新组织数']
    """
    table = indicators(G, by="district", as_of=as_of, matching=matching)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise KeyError(f"`columns`: {missing} not in the indicator table")
    out = table[["name", "parent", *columns]].copy()
    if total and len(out):
        row: dict[str, object] = {"name": "合计", "parent": None}
        for col in columns:
            if col in RATES:
                num, den = RATES[col]
                if num in table.columns and den in table.columns:
                    d = float(table[den].sum())
                    row[col] = float(table[num].sum()) / d if d else np.nan
                else:
                    row[col] = np.nan
            elif col == "served_rate":
                served, unmet = float(table["served"].sum()), float(table["unmet"].sum())
                row[col] = served / (served + unmet) if served + unmet else np.nan
            elif col == "members_per_branch":
                b = float(table["branches"].sum())
                row[col] = float((table[col].fillna(0) * table["branches"]).sum()) / b \
                    if b else np.nan
            elif pd.api.types.is_integer_dtype(table[col].dtype):
                row[col] = int(table[col].sum())
            else:
                row[col] = np.nan  # not additive: left empty
        extra = pd.DataFrame([row], index=pd.Index([TOTAL], name=out.index.name))
        out = pd.concat([out, extra.astype({c: out[c].dtype for c in columns
                                            if pd.api.types.is_integer_dtype(out[c].dtype)})])
    if chinese:
        out = out.rename(columns=column_label)
        out.index.name = "编号"
    return out
