"""Chinese labels of the analysis tables: a view of :mod:`regional_graph.vocab`, the one
vocabulary of every output (kept for code that imports it from here).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"reason": ["only expired links"]}, index=pd.Index(["O1"], name="id"))
>>> to_chinese(df).reset_index().columns.tolist()
['编号', '原因']
>>> to_chinese(df).iloc[0, 0]
'覆盖关系均已到期'
"""

from __future__ import annotations

import pandas as pd

from ..vocab import COLUMN_ZH, VALUE_ZH, translate

__all__ = ["COLUMN_ZH", "VALUE_ZH", "to_chinese"]


def to_chinese(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column labels (index included) and fixed values
    translated (:func:`regional_graph.vocab.translate`).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.analysis import coverage
    >>> G = rg.datasets.load_sample_district()
    >>> zh = to_chinese(coverage.uncovered(G, as_of=rg.datasets.REFERENCE_DATE))
    >>> "原因" in zh.columns
    True
    """
    out = translate(df)
    n_index = sum(1 for n in df.index.names if n is not None)
    return out.set_index(list(out.columns[:n_index])) if n_index else out
