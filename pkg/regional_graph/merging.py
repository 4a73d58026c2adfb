"""Many districts at once: merge datasets into one city graph.

Each dataset keeps its own ids under a namespace (``"<name>:<id>"``), so ids that collide
between datasets (every district has an ``S01``) stay apart, and the top areas of every
dataset (its district) are joined under one new area of level ``city``. Every analysis then
runs on the merged graph unchanged; ``indicators(G, by="district")`` has one row per
district and :func:`~regional_graph.analysis.compare.compare_districts` puts the headline
indicators side by side.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> city = merge([G, G], names=["east", "west"])
>>> city.number_of_nodes(), city.ids[:3].tolist()  # 2 × 30 nodes and the new city
(61, ['CITY', 'east:D1', 'east:S1'])
>>> city.nodes[rg.schema.Label.AREA].loc[["CITY", "east:D1", "west:D1"], "parent_id"].tolist()
[nan, 'CITY', 'CITY']
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd

from . import schema
from .build import graph_from_tables, graph_to_tables
from .graph import RegionalGraph

log = logging.getLogger(__name__)

__all__ = ["SEPARATOR", "merge", "namespace_of"]

#: Between a dataset's name and an id in a merged graph.
SEPARATOR = ":"


def _id_columns(table: str) -> list[str]:
    return [c.name for c in schema.TABLES[table].columns if c.dtype in ("id", "ref")]


def _prefix(values: pd.Series, prefix: str) -> pd.Series:
    text = values.astype("str")
    return (prefix + text).where(text.notna(), None).astype("str")


def merge(
    graphs: Sequence[RegionalGraph],
    *,
    names: Sequence[str] | None = None,
    city_id: str = "CITY",
    city_name: str = "全市",
) -> RegionalGraph:
    """Merge several datasets into one graph under a city area.

    Parameters
    ----------
    graphs
        The datasets (usually one district each).
    names
        One short name per dataset, used as the id namespace ``"<name>:"`` (default: each
        graph's name). Names must be distinct and non-empty.
    city_id, city_name
        Id and name of the new top area (level ``city``); the top areas of every dataset
        become its children.

    Returns
    -------
    RegionalGraph
        Named ``city_name``; validated like any input.

    Raises
    ------
    ValueError
        No graphs, a wrong number of names, duplicate or empty names, or a ``city_id`` that
        is also an id inside the merged data.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> city = merge([G, G], names=["east", "west"], city_name="示例市")
    >>> t = rg.analysis.indicators.indicators(city, by="district",
    ...                                       as_of=rg.datasets.REFERENCE_DATE)
    >>> t.index.tolist(), t["parent"].tolist()
    (['east:D01', 'west:D01'], ['示例市', '示例市'])
    """
    graphs = list(graphs)
    if not graphs:
        raise ValueError("merge: give at least one graph")
    names = [g.name for g in graphs] if names is None else [str(n) for n in names]
    if len(names) != len(graphs):
        raise ValueError(f"merge: {len(names)} names for {len(graphs)} graphs")
    empty = [i for i, n in enumerate(names) if not n.strip()]
    if empty:
        raise ValueError(f"merge: graph {empty[0]} has no name; pass `names`")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"merge: duplicate names {dupes}; each dataset needs its own")
    parts: dict[str, list[pd.DataFrame]] = {t: [] for t in schema.TABLES}
    for G, name in zip(graphs, names, strict=True):
        prefix = name + SEPARATOR
        for table, original in graph_to_tables(G).items():
            frame = original.copy()
            for col in _id_columns(table):
                if col in frame.columns:
                    frame[col] = _prefix(frame[col], prefix)
            for col in frame.columns:  # categories differ between datasets: text to concat
                if isinstance(frame[col].dtype, pd.CategoricalDtype):
                    frame[col] = frame[col].astype("str")
            if table == "areas":
                frame["parent_id"] = frame["parent_id"].where(frame["parent_id"].notna(),
                                                              city_id).astype("str")
            parts[table].append(frame)
    city = pd.DataFrame({"id": [city_id], "name": [city_name], "level": ["city"],
                         "parent_id": pd.array([None], dtype="str")}).astype("str")
    parts["areas"].insert(0, city)
    tables = {t: pd.concat(frames, ignore_index=True) for t, frames in parts.items()}
    ids = pd.concat([tables[t.name]["id"] for t in schema.NODE_TABLES.values()])
    if int((ids == city_id).sum()) > 1:
        raise ValueError(f"merge: `city_id` {city_id!r} is already an id in the data")
    merged = graph_from_tables(tables, name=city_name)
    log.info("merged %d datasets (%s) into %r", len(graphs), ", ".join(names), merged)
    return merged


def namespace_of(ids: pd.Index | Sequence[str]) -> pd.Series:
    """The dataset name of each id of a merged graph (``None`` for the city area).

    Examples
    --------
    >>> namespace_of(["east:S01", "west:C002", "CITY"]).tolist()
    ['east', 'west', None]
    """
    s = pd.Series(list(ids), dtype="str")
    parts = s.str.split(SEPARATOR, n=1)
    return parts.str[0].where(parts.str.len() > 1, None)
