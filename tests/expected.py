"""What an interchange file should hold, derived from the graph's own tables (helper module,
not a test file): shared by the export read-back tests and the Gephi tests."""

from __future__ import annotations

import math

import pandas as pd

import regional_graph as rg
from regional_graph import schema
from regional_graph.schema import Label

#: member columns that never reach a shared export
PERSONAL = {"name", "phone", "id_number"}


def expected_nodes(G: rg.RegionalGraph) -> dict[str, dict[str, object]]:
    """Node id → the allow-listed, non-missing properties as plain Python values, derived from
    the node frames directly."""
    out: dict[str, dict[str, object]] = {}
    for label in rg.graph.LABELS:
        frame = G.nodes[label]
        allowed = [c for c in frame.columns if c in schema.NODE_TABLES[label].names
                   and (label is not Label.MEMBER or c not in PERSONAL)]
        for nid, row in frame[allowed].iterrows():
            props: dict[str, object] = {"label": label.value}
            props.update((col, plain(value)) for col, value in row.items() if not pd.isna(value))
            out[str(nid)] = props
    return out


def plain(value: object) -> object:
    """A table value as the files carry it: dates as ISO text, numpy scalars as Python's."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()[:10]
    return value.item() if hasattr(value, "item") else value


def same(a: object, b: object) -> bool:
    """Equal, floats up to rounding."""
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-12)  # type: ignore[arg-type]
    return a == b


def tiny_with_dates(dates: dict[str, tuple[str, dict[str, str]]]) -> rg.RegionalGraph:
    """The tiny district with validity dates set: ``{id: (table, {column: "YYYY-MM-DD"})}``
    (shared by the validity-date tests of the graph and of the exports)."""
    raw = rg.io.read_tables(rg.datasets.TINY)
    for nid, (table, values) in dates.items():
        frame = raw[table]
        for column, value in values.items():
            if column not in frame:
                frame[column] = pd.Series([None] * len(frame), dtype="str")
            frame.loc[frame["id"] == nid, column] = value
    return rg.build.graph_from_tables(raw)
