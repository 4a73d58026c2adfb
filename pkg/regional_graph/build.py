"""Tables ↔ graph, and graph ↔ networkx; exact inverses.

Examples
--------
>>> import regional_graph as rg
>>> tables = rg.validate.validate_tables(rg.io.read_tables(rg.datasets.TINY))
>>> G = rg.build.graph_from_tables(tables)
>>> G.number_of_nodes(), G.number_of_edges()
(30, 48)
>>> back = rg.build.graph_to_tables(G)
>>> rg.build.tables_equal(back, tables), back["links"]["source_id"].tolist()[:3]
(True, ['O3', 'O4', 'O5'])
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .frames import concat_arrow
from .graph import (
    EDGE_ESCAPE,
    EDGE_PROPERTIES,
    LABELS,
    LINK_REL_TYPES,
    REL_TYPES,
    RegionalGraph,
    link_column,
    table_from_json,
)
from .io import Tables
from .schema import Label
from .validate import Resolved, validate_with_codes

if TYPE_CHECKING:
    import networkx as nx

    from .csvparse import Prefetch

log = logging.getLogger(__name__)

_BASE_EDGE_COLUMNS = ("type", "source", "target", *EDGE_PROPERTIES)


def graph_from_tables(
    tables: Mapping[str, pd.DataFrame], *, validate: bool = True, name: str = ""
) -> RegionalGraph:
    """Build the graph from the template tables.

    Parameters
    ----------
    tables
        Table name → DataFrame. Raw (as read) or typed tables.
    validate
        Validate and type the tables first (raises
        :class:`~regional_graph.errors.TableValidationError`). Pass ``False`` only for tables
        that came out of :func:`~regional_graph.validate.validate_tables`.
    name
        Display name of the graph (e.g. the district).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = graph_from_tables(rg.io.read_tables(rg.datasets.TINY), name="小岚区")
    >>> G.name, G.number_of_nodes(), G.number_of_edges()  # 30 rows; 39 references + 9 links
    ('小岚区', 30, 48)
    """
    if validate:
        return graph_from_typed(*validate_with_codes(tables), name=name)
    return graph_from_typed(tables, None, name=name)


def graph_from_typed(typed: Mapping[str, pd.DataFrame], resolved: Resolved | None, *,
                     name: str = "") -> RegionalGraph:
    """Build the graph from typed tables and, when they come straight from
    :func:`~regional_graph.validate.validate_with_codes`, the ids and reference codes it
    resolved with them (``None``: every reference is looked up here).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.validate import validate_with_codes
    >>> typed, resolved = validate_with_codes(rg.io.read_tables(rg.datasets.TINY))
    >>> graph_from_typed(typed, resolved) == graph_from_typed(typed, None)
    True
    """
    t0 = time.perf_counter()
    typed = dict(typed)
    nodes: dict[Label, pd.DataFrame] = {}
    for label, tbl in schema.NODE_TABLES.items():
        frame = typed[tbl.name]
        nodes[label] = frame.set_index(pd.Index(frame["id"], dtype="str", name="id")).drop(
            columns="id"
        )
    activities = typed["activities"].reset_index(drop=True)
    orders = typed["orders"].reset_index(drop=True)
    skeleton = RegionalGraph(nodes=nodes, edges=pd.DataFrame(), activities=activities, name=name)

    # every reference column resolved in one pass over one hash table of all ids (done
    # already by validation when it hands its codes on)
    refs = [(label, tbl, col) for label, tbl in schema.NODE_TABLES.items()
            for col in tbl.columns if col.rel is not None]
    links = typed["links"]
    keys = [(tbl.name, col.name) for _, tbl, col in refs]
    keys += [("links", "source_id"), ("links", "target_id")]
    if resolved is not None:
        value_set, resolved_codes = resolved.ids, resolved.codes_of(keys)
    else:
        value_set = skeleton._ids
        resolved_codes = _resolve([typed[t][c] for t, c in keys], value_set)

    types, sources, targets = [], [], []
    for (label, tbl, col), other in zip(refs, resolved_codes, strict=False):
        frame = typed[tbl.name]
        own = np.arange(len(frame), dtype=np.int64) + skeleton.offsets[LABELS.index(label)]
        ok = other >= 0
        src, dst = (other[ok], own[ok]) if col.reverse else (own[ok], other[ok])
        assert col.rel is not None
        types.append(np.full(len(src), REL_TYPES.index(col.rel.value), dtype=np.int8))
        sources.append(src)
        targets.append(dst)
    structural = pd.DataFrame(
        {
            "type": pd.Categorical.from_codes(np.concatenate(types), categories=REL_TYPES),
            "source": np.concatenate(sources).astype(np.int32),
            "target": np.concatenate(targets).astype(np.int32),
        }
    )
    link_type_codes = np.array([REL_TYPES.index(schema.LINK_RELTYPE[c].value)
                                for c in schema.LINK_TYPE.codes], dtype=np.int8)
    link_part = pd.DataFrame(
        {
            "type": pd.Categorical.from_codes(
                link_type_codes[links["type"].cat.codes.to_numpy()], categories=REL_TYPES
            ),
            "source": resolved_codes[-2].astype(np.int32),
            "target": resolved_codes[-1].astype(np.int32),
        }
    )
    for col in links.columns:
        if col not in {"source_id", "target_id", "type"}:
            link_part[edge_column(col)] = links[col].to_numpy() \
                if links[col].dtype.kind == "M" else links[col].reset_index(drop=True)
    edges = pd.concat([structural, link_part], ignore_index=True)
    edges = conform_edges(edges)
    G = RegionalGraph(nodes=nodes, edges=edges, activities=activities, orders=orders, name=name)
    G.__dict__["_ids"] = value_set  # reuse the id array computed above
    log.info(
        "built graph with %s nodes and %s relationships in %.2f s",
        f"{G.number_of_nodes():,}", f"{G.number_of_edges():,}", time.perf_counter() - t0,
    )
    return G


def _resolve(columns: list[pd.Series], value_set: pa.Array) -> list[np.ndarray]:
    """Position of each value of each column in ``value_set`` (-1: empty or unknown)."""
    parts = [pa.array(c, type=pa.large_string(), from_pandas=True) for c in columns]
    found = pc.fill_null(pc.index_in(concat_arrow(parts), value_set=value_set), -1)
    codes = found.to_numpy().astype(np.int64)
    bounds = np.cumsum([0, *(len(p) for p in parts)])
    return [codes[lo:hi] for lo, hi in itertools.pairwise(bounds)]


def conform_edges(edges: pd.DataFrame) -> pd.DataFrame:
    """Give an edge frame the graph's fixed base columns and dtypes (extra columns stay text).

    ``type`` becomes the categorical of every relationship type, ``source``/``target``
    ``int32`` node codes, ``start``/``end`` ``datetime64[s]`` (empty: NaT), ``kind``/``note``
    text and ``quantity`` nullable ``Int64``; missing base columns are added empty. Use it
    when adding edges to a graph's ``edges`` frame.

    Examples
    --------
    >>> import pandas as pd
    >>> e = conform_edges(pd.DataFrame({"type": ["ASSIGNED_TO"], "source": [0], "target": [1],
    ...                                 "quantity": [2]}))
    >>> list(e.columns)
    ['type', 'source', 'target', 'start', 'end', 'kind', 'note', 'quantity']
    >>> str(e["source"].dtype), str(e["start"].dtype), int(e.loc[0, "quantity"])
    ('int32', 'datetime64[s]', 2)
    """
    n = len(edges)
    out = {
        "type": edges["type"] if isinstance(edges["type"].dtype, pd.CategoricalDtype)
        and list(edges["type"].cat.categories) == REL_TYPES
        else pd.Categorical(edges["type"].astype(str), categories=REL_TYPES),
        "source": edges["source"].to_numpy(dtype=np.int32),
        "target": edges["target"].to_numpy(dtype=np.int32),
    }
    for col in ("start", "end"):
        out[col] = (
            edges[col].astype("datetime64[s]")
            if col in edges
            else pd.Series(np.full(n, np.datetime64("NaT"), "datetime64[s]"))
        )
    for col in ("kind", "note"):
        out[col] = edges[col].astype("str") if col in edges else _null_text(n)
    out["quantity"] = (
        edges["quantity"].astype("Int64") if "quantity" in edges
        else pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, dtype=bool))
    )
    for col in edges.columns:
        if col not in out:
            out[col] = edges[col].astype("str")
    return pd.DataFrame(out).reset_index(drop=True)


def _null_text(n: int) -> pd.Series:
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


_EDGE_OWN = ("type", "source", "target", "quantity")


def edge_column(column: str) -> str:
    """The edge-frame column of a links-table column (``source`` → ``link.source``: the
    edge frame's own ``source``/``target``/``type``/``quantity`` are never overwritten).

    Examples
    --------
    >>> edge_column("source"), edge_column("备注2"), link_column(edge_column("source"))
    ('link.source', '备注2', 'source')
    """
    if column in _EDGE_OWN or column.startswith(EDGE_ESCAPE):
        return EDGE_ESCAPE + column
    return column


def graph_to_tables(G: RegionalGraph) -> Tables:
    """The template tables of a graph (typed), the exact inverse of :func:`graph_from_tables`.

    Node tables come from the node frames; the links table is rebuilt from the link
    relationships (codes → ids) in their original order.

    Examples
    --------
    >>> import regional_graph as rg
    >>> tables = graph_to_tables(rg.datasets.load_tiny())
    >>> list(tables)
    ['areas', 'party_orgs', 'organizations', 'resources', 'demands', 'members', 'links', \
'activities', 'orders']
    >>> tables["links"][["source_id", "target_id", "type"]].head(2).to_numpy().tolist()
    [['O3', 'PB1', 'covered_by'], ['O4', 'PJ1', 'covered_by']]
    """
    out: Tables = {}
    for label, tbl in schema.NODE_TABLES.items():
        frame = G.nodes[label]
        table = frame.reset_index()
        table["id"] = table["id"].astype("str")
        out[tbl.name] = table
    e = G.edges[G.edges["type"].isin(LINK_REL_TYPES).to_numpy()]
    ids = G.ids
    rel_to_link = {schema.LINK_RELTYPE[c].value: c for c in schema.LINK_TYPE.codes}
    links = pd.DataFrame(
        {
            "source_id": ids.take(e["source"].to_numpy()).to_series(index=None).reset_index(
                drop=True),
            "target_id": ids.take(e["target"].to_numpy()).to_series(index=None).reset_index(
                drop=True),
            "type": pd.Categorical(
                e["type"].astype(str).map(rel_to_link).to_numpy(),
                categories=schema.LINK_TYPE.codes,
            ),
        }
    )
    for col in schema.LINKS.names[3:]:
        links[col] = e[col].reset_index(drop=True)
    for col in e.columns:
        if col not in _BASE_EDGE_COLUMNS:
            links[link_column(col)] = e[col].reset_index(drop=True)
    out["links"] = links
    out["activities"] = G.activities.reset_index(drop=True)
    out["orders"] = G.orders.reset_index(drop=True)
    return {name: out[name] for name in schema.TABLES}


def tables_equal(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> bool:
    """Whether two sets of typed tables are identical (values, dtypes, column order).

    Examples
    --------
    >>> t = {"areas": pd.DataFrame({"id": ["a"]})}
    >>> same, other = {"areas": pd.DataFrame({"id": ["a"]})}, {"areas": pd.DataFrame({"id": ["b"]})}
    >>> tables_equal(t, same), tables_equal(t, other)
    (True, False)
    """
    try:
        assert_tables_equal(a, b)
    except AssertionError:
        return False
    return True


def assert_tables_equal(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> None:
    """Raise ``AssertionError`` naming the first table and column that differ.

    Examples
    --------
    >>> import regional_graph as rg
    >>> tables = rg.datasets.sample_district_tables()
    >>> assert_tables_equal(tables, rg.datasets.sample_district_tables())  # no error
    >>> changed = dict(tables, areas=tables["areas"].head(3))
    >>> try:
    ...     assert_tables_equal(tables, changed)
    ... except AssertionError as err:
    ...     print(str(err).split(":")[0])
    table 'areas' differs
    """
    if set(a) != set(b):
        raise AssertionError(f"different tables: {sorted(a)} vs {sorted(b)}")
    for name in a:
        left = a[name].reset_index(drop=True)
        right = b[name].reset_index(drop=True)
        try:
            pd.testing.assert_frame_equal(left, right, check_exact=True)
        except AssertionError as err:
            raise AssertionError(f"table {name!r} differs: {err}") from None


# --------------------------------------------------------------------------------------------
# networkx
# --------------------------------------------------------------------------------------------


def graph_to_networkx(G: RegionalGraph) -> nx.MultiDiGraph:
    """A networkx ``MultiDiGraph`` of ``G`` that :func:`graph_from_networkx` turns back:
    the one networkx view, :meth:`RegionalGraph.to_networkx` (the activities and orders
    tables and the column order ride along in ``g.graph`` as JSON text).

    Examples
    --------
    >>> import regional_graph as rg
    >>> g = graph_to_networkx(rg.datasets.load_tiny())
    >>> g.number_of_nodes(), g.number_of_edges()
    (30, 48)
    >>> sorted(k for k in g.graph if k != "name")
    ['activities', 'columns', 'orders']
    """
    return G.to_networkx()


def graph_from_networkx(g: nx.MultiDiGraph, *, name: str | None = None) -> RegionalGraph:
    """Build a :class:`RegionalGraph` from a networkx graph made by :func:`graph_to_networkx`
    (or any ``MultiDiGraph`` whose nodes carry ``label`` and template properties and whose
    link edges carry ``type``). The result is validated like any input.

    Examples
    --------
    A networkx graph written by hand: the reference columns become relationships.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph(name="东一社区")
    >>> g.add_node("C1", label="Area", name="东一社区", level="community")
    >>> g.add_node("PC1", label="PartyOrg", name="东一社区党委", level="community_committee",
    ...            area_id="C1")
    >>> g.add_node("O1", label="Organization", name="小岚中学", kind="school", area_id="C1")
    >>> _ = g.add_edge("O1", "PC1", type="PAIRED_WITH", start="2024-01-01")
    >>> H = graph_from_networkx(g)
    >>> [(t, s, u) for t, s, u in zip(H.edges["type"].astype(str), H.ids[H.edges["source"]],
    ...                                H.ids[H.edges["target"]])]
    [('LEADS', 'PC1', 'C1'), ('LOCATED_IN', 'O1', 'C1'), ('PAIRED_WITH', 'O1', 'PC1')]

    The round trip is exact:

    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> H = graph_from_networkx(graph_to_networkx(G))
    >>> H == G, H.name
    (True, '小岚区 (tiny)')
    """
    columns: dict[str, list[str]] = g.graph.get("columns", {})
    if isinstance(columns, str):
        columns = json.loads(columns)
    by_table: dict[str, list[dict[str, object]]] = {t.name: [] for t in schema.NODE_TABLES.values()}
    for nid, attrs in g.nodes(data=True):
        label = Label(attrs["label"])
        by_table[schema.NODE_TABLES[label].name].append(
            {"id": nid, **{k: v for k, v in attrs.items() if k != "label"}}
        )
    raw: dict[str, pd.DataFrame] = {}
    for tname, records in by_table.items():
        raw[tname] = _records_frame(records, columns.get(tname, schema.TABLES[tname].names))
    rel_to_link = {schema.LINK_RELTYPE[c].value: c for c in schema.LINK_TYPE.codes}
    link_edges = [(k, u, v, d) for u, v, k, d in g.edges(keys=True, data=True)
                  if d.get("type") in rel_to_link]
    keys = [k for k, *_ in link_edges]
    if all(isinstance(k, int) for k in keys) and len(set(keys)) == len(keys):
        # keys are edge positions (graph_to_networkx): restore the links' table order,
        # which g.edges() loses (it iterates by source node)
        link_edges.sort(key=lambda e: e[0])
    link_records = [
        {"source_id": u, "target_id": v, "type": rel_to_link[d["type"]],
         **{link_column(k): val for k, val in d.items() if k not in {"type", "quantity"}}}
        for _, u, v, d in link_edges
    ]
    raw["links"] = _records_frame(link_records, columns.get("links", schema.LINKS.names))
    for extra in ("activities", "orders"):
        table = g.graph.get(extra)
        if table is not None:
            raw[extra] = table_from_json(table) if isinstance(table, str) else table
    return graph_from_tables(raw, name=g.graph.get("name", "") if name is None else name)


def _records_frame(records: list[dict[str, object]], order: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=order)
    for c in order:  # a column whose values are all missing has no attribute on any node
        if c not in frame.columns:
            frame[c] = None
    cols = [c for c in order if c in frame.columns]
    cols += [c for c in frame.columns if c not in cols]
    from .frames import to_text_frame

    return to_text_frame(frame[cols])


# --------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------


def load_graph(path: str | Path, *, name: str | None = None,
               prefetched: Prefetch | None = None) -> RegionalGraph:
    """Read, validate and build a dataset (a CSV folder or an ``.xlsx`` workbook).

    Raises :class:`~regional_graph.errors.TableValidationError` listing every problem.
    ``prefetched``: the folder's files being parsed in the background since
    (:class:`~regional_graph.csvparse.Prefetch`; the same graph, sooner).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = load_graph(rg.datasets.TINY)  # named after the folder
    >>> G.name, G.number_of_nodes(), G.nodes[rg.schema.Label.AREA].loc["D1", "name"]
    ('tiny', 30, '小岚区')
    """
    from .io import read_tables

    path = Path(path)
    typed, resolved = validate_with_codes(read_tables(path, prefetched=prefetched))
    return graph_from_typed(typed, resolved, name=path.stem if name is None else name)


def save_graph(G: RegionalGraph, path: str | Path, *, chinese_headers: bool = False) -> Path:
    """Write a graph's template tables to a CSV folder or an ``.xlsx`` workbook.

    Examples
    --------
    >>> import tempfile
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = save_graph(G, Path(tmp) / "district")
    ...     files = sorted(f.name for f in folder.iterdir())
    ...     H = load_graph(folder)
    >>> files[:3], len(files)
    (['activities.csv', 'areas.csv', 'demands.csv'], 9)
    >>> H.name, H == G
    ('district', True)
    """
    from .io import write_tables

    return write_tables(graph_to_tables(G), path, chinese_headers=chinese_headers)
