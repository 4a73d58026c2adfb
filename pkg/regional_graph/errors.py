"""The exceptions of regional_graph: one small hierarchy.

::

    RegionalGraphError                 base of every error the library raises
    ├── TableValidationError           (also a ValueError) the input tables break the template
    │                                  contract: validate.validate_tables, build.load_graph
    ├── StoreError                     a Neo4j/Bolt operation failed: store.*
    └── MatchingError                  (also a ValueError) matching options or results that do
        │                              not fit: match_resources, propose_dispatch,
        │                              with_assignments, MatchWeights
        └── InfeasibleMatchingError    the data make the allocation impossible to set up or to
                                       solve exactly: a negative capacity or quantity, an
                                       unknown priority (a graph built without validation),
                                       an instance too large to scale exactly, a solver failure

Unmet demand is a result (``MatchResult.unmet_demands``), never an error. Catch
:class:`RegionalGraphError` to handle every error of the library at once.

Examples
--------
>>> [c.__name__ for c in MatchingError.__mro__[:3]]
['MatchingError', 'RegionalGraphError', 'ValueError']
>>> [c.__name__ for c in InfeasibleMatchingError.__mro__[:4]]
['InfeasibleMatchingError', 'MatchingError', 'RegionalGraphError', 'ValueError']
>>> [c.__name__ for c in StoreError.__mro__[:3]]  # not a ValueError
['StoreError', 'RegionalGraphError', 'Exception']
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
    >>> raw = rg.io.read_tables(rg.datasets.TINY)
    >>> raw["areas"].loc[5, "level"] = "镇区"  # C3, line 7 of areas.csv
    >>> try:
    ...     rg.validate.validate_tables(raw)
    ... except TableValidationError as err:
    ...     failures = err.failures
    >>> list(failures.columns)
    ['table', 'row', 'column', 'value', 'problem', 'expected']
    >>> failures[["table", "row", "column", "value", "problem"]].to_dict("records")
    [{'table': 'areas', 'row': 7, 'column': 'level', 'value': '镇区', \
'problem': 'unknown area level'}]
    """

    def __init__(self, failures: pd.DataFrame, *, max_lines: int = 50) -> None:
        self.failures = failures.reset_index(drop=True)
        super().__init__(format_failures(self.failures, max_lines=max_lines))


class StoreError(RegionalGraphError):
    """A Neo4j/Bolt operation failed (unreachable server, bad credentials, failed write).

    Examples
    --------
    >>> from regional_graph.store.connection import Neo4jSettings
    >>> try:
    ...     Neo4jSettings.resolve(environ={})  # no server named anywhere
    ... except StoreError as err:
    ...     print(str(err)[:24])
    no Neo4j server given: u
    """


class MatchingError(RegionalGraphError, ValueError):
    """Matching options or results that do not fit (a negative distance limit, a provider
    share out of range, weights out of range, a result applied to another graph).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> try:
    ...     rg.matching.match_resources(G, max_distance_km=-1)
    ... except MatchingError as err:
    ...     print(err)
    max_distance_km must be >= 0
    """


class InfeasibleMatchingError(MatchingError):
    """The data make the allocation impossible to set up or to solve exactly: a resource with
    a negative capacity, a demand with a negative quantity or an unknown priority (tables
    that skipped validation), or an instance too large to scale exactly in 64-bit integers
    (or a solver failure). Not raised for unmet demand, which is a result.

    Examples
    --------
    The tiny district with R1's capacity set to −2 behind validation's back:

    >>> import regional_graph as rg
    >>> typed = rg.validate.validate_tables(rg.io.read_tables(rg.datasets.TINY))
    >>> typed["resources"].loc[0, "capacity"] = -2
    >>> G = rg.build.graph_from_tables(typed, validate=False)
    >>> try:
    ...     rg.matching.match_resources(G, as_of="2026-10-01")
    ... except InfeasibleMatchingError as err:
    ...     print(err)
    resources with a negative capacity: R1 (-2); expected a whole number >= 0

    Unmet demand is a result, not an error: with no distance allowed nothing is served.

    >>> r = rg.matching.match_resources(rg.datasets.load_tiny(), as_of="2026-10-01",
    ...                                 max_distance_km=0)
    >>> len(r.assignments), r.unmet_demands.index.tolist()
    (0, ['Q1', 'Q2', 'Q3'])
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
