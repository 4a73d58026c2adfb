"""The exceptions of regional_graph: one small hierarchy.

Examples
--------
>>> issubclass(TableValidationError, ValueError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Columns of the failures table carried by :class:`TableValidationError`.
FAILURE_COLUMNS = ["table", "row", "column", "value", "problem", "expected"]


class RegionalGraphError(Exception):
    """Base class of every error raised by regional_graph.

    Examples
    --------
    >>> import regional_graph as rg
    >>> all(issubclass(e, RegionalGraphError) for e in
    ...     (TableValidationError, StoreError, InfeasibleMatchingError))
    True
    >>> import pandas as pd
    >>> raw = {"areas": pd.DataFrame({"id": ["D01", "D01"], "name": ["区", "区"],
    ...                               "level": ["district", "district"]})}
    >>> try:
    ...     rg.validate.validate_tables(raw)  # duplicate id
    ... except RegionalGraphError as err:
    ...     print(type(err).__name__)
    TableValidationError
    """


class TableValidationError(RegionalGraphError, ValueError):
    """The input tables break the template contract.

    ``failures`` is a DataFrame with one row per problem: ``table``, ``row`` (as the user sees
    it in the file: the header is row 1), ``column``, ``value``, ``problem``, ``expected``.
    The message lists every problem (the first ``max_lines`` in full).

    Examples
    --------
    >>> import regional_graph as rg
    >>> raw = {n: rg.frames.to_text_frame(df)
    ...        for n, df in rg.datasets.sample_district_tables().items()}
    >>> raw["areas"].loc[5, "level"] = "镇区"
    >>> try:
    ...     rg.validate.validate_tables(raw)
    ... except TableValidationError as err:
    ...     failures = err.failures
    >>> list(failures.columns) == FAILURE_COLUMNS, len(failures)
    (True, 1)
    >>> f = failures.iloc[0]
    >>> f["table"], int(f["row"]), f["value"]
    ('areas', 7, '镇区')
    """

    def __init__(self, failures: pd.DataFrame, *, max_lines: int = 50) -> None:
        self.failures = failures.reset_index(drop=True)
        super().__init__(format_failures(self.failures, max_lines=max_lines))


class StoreError(RegionalGraphError):
    """A Neo4j/Bolt operation failed (unreachable server, bad credentials, failed write).

    Examples
    --------
    >>> issubclass(StoreError, RegionalGraphError)
    True
    >>> str(StoreError("cannot reach bolt://localhost:7687"))
    'cannot reach bolt://localhost:7687'
    """


class InfeasibleMatchingError(RegionalGraphError):
    """The matching problem cannot be set up as asked (not raised for unmet demand).

    Examples
    --------
    Unmet demand is a result, not an error:

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> r = rg.matching.match_resources(G, as_of=rg.datasets.REFERENCE_DATE, max_distance_km=0)
    >>> len(r.assignments), len(r.unmet_demands) > 0
    (0, True)
    >>> issubclass(InfeasibleMatchingError, RegionalGraphError)
    True
    """


class MissingDependencyError(RegionalGraphError, ModuleNotFoundError):
    """An optional library is not installed; the message names the extra that provides it.

    Raised at first use (``import``) of the library, anywhere in regional_graph.

    Examples
    --------
    >>> err = MissingDependencyError("igraph", ("maps", "structure"))
    >>> print(err)
    igraph is not installed (needed for maps, structure): pip install 'regional_graph[maps]'
    >>> err.extras, isinstance(err, ImportError)
    (('maps', 'structure'), True)
    """

    def __init__(self, module: str, extras: tuple[str, ...]) -> None:
        self.extras = extras
        super().__init__(
            f"{module} is not installed (needed for {', '.join(extras)}): "
            f"pip install 'regional_graph[{extras[0]}]'", name=module)


def format_failures(failures: pd.DataFrame, *, max_lines: int = 50) -> str:
    """Readable multi-line summary of a failures table.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame([["areas", 3, "level", "镇区", "unknown area level", "street (街道)"]],
    ...                  columns=FAILURE_COLUMNS)
    >>> print(format_failures(f))
    1 problem in the input tables:
      areas row 3, column 'level': unknown area level; found '镇区', expected street (街道)
    """
    import pandas as pd

    n = len(failures)
    head = f"{n} problem{'s' if n != 1 else ''} in the input tables:"
    lines = [head]
    for rec in failures.head(max_lines).itertuples(index=False):
        where = f"{rec.table} row {rec.row}" if pd.notna(rec.row) else f"{rec.table}"
        if isinstance(rec.column, str) and rec.column:
            where += f", column {rec.column!r}"
        found = "" if pd.isna(rec.value) else f"; found {rec.value!r}"
        lines.append(f"  {where}: {rec.problem}{found}, expected {rec.expected}")
    if n > max_lines:
        lines.append(f"  … and {n - max_lines} more (see the .failures table)")
    return "\n".join(lines)
