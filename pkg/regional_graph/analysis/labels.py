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
    >>> zh = to_chinese(coverage.uncovered(rg.datasets.load_tiny(), as_of="2026-10-01"))
    >>> zh.index.name, zh.loc["O8", ["名称", "原因"]].tolist()
    ('编号', ['东一物业', '无覆盖关系'])
    """
    out = translate(df)
    n_index = sum(1 for n in df.index.names if n is not None)
    return out.set_index(list(out.columns[:n_index])) if n_index else out
