"""The graph in the tools researchers already use: GraphML, GEXF, Parquet, neo4j-admin import.

Every format carries the same allow-listed fields: the template columns of each table minus
the personal ones (member names, phones, ID numbers) and minus columns beyond the template
(a remark, a secretary's name), unless ``include_personal=True``. Attribute values are plain
types only — ``str``, ``int``, ``float``, ``bool``; dates as ISO strings (``2026-10-01``);
a missing value is left out, never written as ``None`` — so networkx, igraph and Gephi read
the files back with the same nodes, edges and attributes.

* ``graphml`` — one ``.graphml`` file; node attribute ``label`` is the node's label
  (``Area``, ``PartyOrg``, …), edge attribute ``type`` its relationship type.
* ``gexf`` — one ``.gexf`` file for Gephi: the GEXF label is the node's display name (its id
  when it has none), the label (``Area``, …) is the attribute ``node_label``, the
  relationship type the edge attribute ``rel_type`` and the edge's ``kind`` (Gephi's edge
  type), and ``start``/``end`` of a link its time interval (Gephi's timeline). An
  organisation's or Party org's ``founded``/``dissolved`` stay attributes and are also its
  interval (``start`` the founded day, ``end`` the day before dissolved), so the timeline
  leaves out what did not exist; networkx reads them back as the node's ``start``/``end``.
* ``parquet`` — a folder with one ``<table>.parquet`` per template table.
* ``neo4j-import`` — a folder of CSV files in the layout ``neo4j-admin database import``
  expects (``id:ID(Area)``, ``:LABEL``, ``:START_ID(Organization)``, ``:END_ID(PartyOrg)``,
  ``:TYPE``, typed properties such as ``members:long``) and ``import.sh`` with the command.

Examples
--------
>>> import tempfile
>>> import networkx as nx
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> with tempfile.TemporaryDirectory() as d:
...     path = export_graph(G, Path(d) / "tiny.graphml", format="graphml")[0]
...     g = nx.read_graphml(path, force_multigraph=True)
>>> (g.number_of_nodes(), g.number_of_edges()), (G.number_of_nodes(), G.number_of_edges())
((30, 48), (30, 48))
>>> g.nodes["D1"]["label"], g.nodes["D1"]["level"]
('Area', 'district')
"""

from __future__ import annotations

import datetime as dt
import logging
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .. import schema
from ..frames import format_datetimes
from ..graph import LABELS, RegionalGraph
from ..schema import Label

if TYPE_CHECKING:
    import networkx as nx

log = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "export_graph",
    "plain_networkx",
    "write_gexf",
    "write_graphml",
    "write_neo4j_import",
    "write_parquet",
]

Format = Literal["graphml", "gexf", "parquet", "neo4j-import"]
#: The formats :func:`export_graph` writes.
FORMATS: tuple[str, ...] = ("graphml", "gexf", "parquet", "neo4j-import")
#: Edge frame columns that are relationship properties (type/source/target are structure).
_EDGE_STRUCTURE = ("type", "source", "target")


# --------------------------------------------------------------------------------------------
# allow-listed, plain-typed frames
# --------------------------------------------------------------------------------------------


def _allowed(table: str, columns: list[str], include_personal: bool) -> list[str]:
    """Columns of ``table`` that may leave the library: template columns, not personal."""
    if include_personal:
        return columns
    tbl = schema.TABLES[table]
    personal = set(schema.personal_columns()[table])
    return [c for c in columns if c in tbl.names and c not in personal]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as plain types: categories and text → str, dates → ISO str, Int64 → int,
    boolean → bool (object columns, ``None`` where missing)."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = format_datetimes(s)
        elif isinstance(s.dtype, pd.CategoricalDtype) or not (
                pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
            s = s.astype("str")
        values = s.astype(object).to_numpy()
        mask = pd.isna(s).to_numpy(dtype=bool)
        if pd.api.types.is_bool_dtype(s.dtype):
            values = np.array([bool(v) if not m else None for v, m in zip(values, mask,
                                                                           strict=True)], object)
        elif pd.api.types.is_integer_dtype(s.dtype):
            values = np.array([int(v) if not m else None for v, m in zip(values, mask,
                                                                          strict=True)], object)
        elif pd.api.types.is_float_dtype(s.dtype):
            values = np.array([float(v) if not m else None for v, m in zip(values, mask,
                                                                            strict=True)], object)
        else:
            values = np.array([str(v) if not m else None for v, m in zip(values, mask,
                                                                          strict=True)], object)
        out[col] = pd.Series(values, index=frame.index, dtype=object)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns, dtype=object)


def node_frames(G: RegionalGraph, *, include_personal: bool = False
                ) -> Iterator[tuple[Label, pd.DataFrame, pd.DataFrame]]:
    """Per label: the typed node frame (allow-listed columns) and its plain-typed copy."""
    for label in LABELS:
        frame = G.nodes[label]
        cols = _allowed(schema.NODE_TABLES[label].name, list(frame.columns), include_personal)
        typed = frame[cols]
        yield label, typed, _plain(typed)


def edge_frames(G: RegionalGraph, *, include_personal: bool = False
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The allow-listed edge properties (typed) and their plain-typed copy."""
    from ..graph import EDGE_PROPERTIES

    props = [c for c in G.edges.columns if c not in _EDGE_STRUCTURE
             and (include_personal or c in EDGE_PROPERTIES)]
    typed = G.edges[props]
    return typed, _plain(typed)


def plain_networkx(G: RegionalGraph, *, include_personal: bool = False) -> nx.MultiDiGraph:
    """A networkx ``MultiDiGraph`` whose attributes are plain types only (what GraphML/GEXF
    writers accept): nodes keyed by id with ``label`` and allow-listed properties, edges keyed
    by their row in :attr:`RegionalGraph.edges` with ``type`` and properties.

    Examples
    --------
    >>> import regional_graph as rg
    >>> g = plain_networkx(rg.datasets.load_sample_district())
    >>> e = next(d for *_, d in g.edges(data=True) if "start" in d)
    >>> type(e["start"]).__name__, len(e["start"])
    ('str', 10)
    >>> any("phone" in d for _, d in g.nodes(data=True))  # personal data left out
    False
    """
    import networkx as nx

    g = nx.MultiDiGraph(name=G.name)
    for label, _, plain in node_frames(G, include_personal=include_personal):
        cols = list(plain.columns)
        g.add_nodes_from(
            (nid, {"label": label.value,
                   **{c: v for c, v in zip(cols, row, strict=True) if v is not None}})
            for nid, row in zip(plain.index, plain.itertuples(index=False), strict=True)
        )
    _, plain = edge_frames(G, include_personal=include_personal)
    ids = G.ids.to_numpy(dtype=object)
    cols = list(plain.columns)
    g.add_edges_from(
        (ids[s], ids[t], i, {"type": ty, **{c: v for c, v in zip(cols, row, strict=True)
                                           if v is not None}})
        for i, (s, t, ty, row) in enumerate(zip(
            G.edges["source"].to_numpy(), G.edges["target"].to_numpy(),
            G.edges["type"].astype(str).to_numpy(), plain.itertuples(index=False), strict=True))
    )
    return g


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------


def write_graphml(G: RegionalGraph, path: str | Path, *, include_personal: bool = False) -> Path:
    """Write GraphML (networkx, igraph, Gephi, yEd, Cytoscape read it).

    Examples
    --------
    >>> import tempfile, igraph
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     h = igraph.Graph.Read_GraphML(str(write_graphml(G, Path(d) / "g.graphml")))
    >>> (h.vcount(), h.ecount()), (G.number_of_nodes(), G.number_of_edges())
    ((30, 48), (30, 48))
    """
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(plain_networkx(G, include_personal=include_personal), path)
    return path


def write_gexf(G: RegionalGraph, path: str | Path, *, include_personal: bool = False) -> Path:
    """Write GEXF 1.2 for Gephi: the GEXF label is the display name, the node's label
    (``Area``, …) the attribute ``node_label``, the relationship type the edge attribute
    ``rel_type`` and the edge's ``kind`` (Gephi's edge type); a link's ``start``/``end``
    are its GEXF time interval, and a node's ``founded`` to the day before its
    ``dissolved`` (its last day) is its own (Gephi's timeline shows the network as of any
    day).

    Examples
    --------
    >>> import tempfile, networkx as nx
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     g = nx.read_gexf(write_gexf(G, Path(d) / "g.gexf"))
    >>> g.nodes["D01"]["label"], g.nodes["D01"]["node_label"]
    ('海岚区', 'Area')
    """
    from networkx.readwrite.gexf import GEXFWriter

    g = plain_networkx(G, include_personal=include_personal)
    for nid, data in g.nodes(data=True):
        data["node_label"] = data.pop("label")
        data["label"] = str(data.get("name", nid))
        data.update(_node_interval(nid, data))
    for *_, data in g.edges(data=True):  # GEXF's own edge `type` is directed/undirected
        data["rel_type"] = data.pop("type")
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    writer.add_graph(g)
    # the edge's `kind` is Gephi's edge type: links of different types between the same two
    # nodes stay apart under Gephi's default merge strategy instead of being summed into one
    for edge, (*_, data) in zip(writer.xml.iter("edge"), g.edges(data=True), strict=True):
        edge.set("kind", data["rel_type"])  # the writer wrote the edges in this order
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.write(path)
    return path


def _node_interval(nid: object, data: dict[str, object]) -> dict[str, str]:
    """The GEXF interval of an organisation or Party org: ``start`` its ``founded`` day,
    ``end`` the day before its ``dissolved`` (its last day, as a link's ``end``; one exists
    when founded ≤ the day < dissolved); nothing for a node with neither date.

    >>> _node_interval("O2", {"founded": "2019-03-15", "dissolved": "2025-01-01"})
    {'start': '2019-03-15', 'end': '2024-12-31'}
    >>> _node_interval("C1", {"name": "东一社区"})
    {}
    """
    out = {}
    if isinstance(data.get("founded"), str):
        out["start"] = str(data["founded"])[:10]
    if isinstance(data.get("dissolved"), str):
        last = dt.date.fromisoformat(str(data["dissolved"])[:10]) - dt.timedelta(days=1)
        out["end"] = last.isoformat()
        if "start" in out and out["end"] < out["start"]:
            # founded and dissolved on the same day: no day to show; Gephi takes no interval
            # that ends before it starts, so the node shows on that one day
            log.warning("%s: founded and dissolved on the same day %s; shown on that day in "
                        "the GEXF timeline", nid, out["start"])
            out["end"] = out["start"]
    return out


def write_parquet(G: RegionalGraph, folder: str | Path, *,
                  include_personal: bool = False) -> list[Path]:
    """Write one ``<table>.parquet`` per template table (typed columns: dates stay dates).

    Examples
    --------
    >>> import tempfile
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_parquet(G, d)
    ...     members = pd.read_parquet(Path(d) / "members.parquet")
    >>> len(paths), "phone" in members.columns
    (9, False)
    """
    from ..build import graph_to_tables

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in graph_to_tables(G).items():
        path = folder / f"{name}.parquet"
        table[_allowed(name, list(table.columns), include_personal)].to_parquet(path, index=False)
        paths.append(path)
    return paths


#: pandas dtype kind → neo4j-admin import property type.
def _neo4j_type(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return ":boolean"
    if pd.api.types.is_integer_dtype(s.dtype):
        return ":long"
    if pd.api.types.is_float_dtype(s.dtype):
        return ":double"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        has_time = bool((s.dropna() != s.dropna().dt.normalize()).any())
        return ":localdatetime" if has_time else ":date"
    return ""


def _import_frame(typed: pd.DataFrame) -> pd.DataFrame:
    """Values as neo4j-admin reads them (ISO dates with ``T`` between date and time,
    true/false) under typed headers (``members:long``)."""
    out = {}
    for col in typed.columns:
        s = typed[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = format_datetimes(s).str.replace(" ", "T", regex=False)
        elif pd.api.types.is_bool_dtype(s.dtype):
            s = s.map({True: "true", False: "false"}, na_action="ignore")
        out[f"{col}{_neo4j_type(typed[col])}"] = s.astype(object).where(s.notna(), None) \
            if not pd.api.types.is_integer_dtype(s.dtype) else s
    return pd.DataFrame(out, index=typed.index)


def _write_import_csv(frame: pd.DataFrame, path: Path) -> Path:
    """One import file (UTF-8). Cells are written exactly, not formula-escaped like the
    office CSVs (:func:`~regional_graph.frames.safe_frame`): neo4j-admin, not a spreadsheet,
    reads these files, and an escape would change the value stored in the database."""
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def write_neo4j_import(G: RegionalGraph, folder: str | Path, *,
                       include_personal: bool = False, database: str = "neo4j") -> list[Path]:
    """Write the CSV files ``neo4j-admin database import full`` reads, and ``import.sh``.

    Node files ``nodes_<Label>.csv`` (header ``id:ID(<Label>)``, properties with their types,
    ``:LABEL``); relationship files ``rels_<TYPE>_<Start>_<End>.csv`` (``:START_ID(<Start>)``,
    ``:END_ID(<End>)``, ``:TYPE``, properties). Each label is its own id space. An empty
    cell is a missing property. As in every CSV the library writes, a text cell a spreadsheet
    would run as a formula (starting with ``= + - @``) is written with a leading ``'``
    (:func:`~regional_graph.frames.safe_cell`), and so imported.

    Examples
    --------
    >>> import tempfile
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     paths = write_neo4j_import(G, d)
    ...     header = (Path(d) / "nodes_PartyOrg.csv").read_text(encoding="utf-8").split("\\n")[0]
    ...     rel = (Path(d) / "rels_PART_OF_Area_Area.csv").read_text().split("\\n")[0]
    >>> header.split(",")  # doctest: +NORMALIZE_WHITESPACE
    ['id:ID(PartyOrg)', 'name', 'level', 'parent_id', 'area_id', 'host_id', 'members:long',
     'founded:date', 'dissolved:date', ':LABEL']
    >>> rel.split(",")[:3]
    [':START_ID(Area)', ':END_ID(Area)', ':TYPE']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    node_files: list[str] = []
    for label, typed, _ in node_frames(G, include_personal=include_personal):
        frame = _import_frame(typed)
        frame.insert(0, f"id:ID({label.value})", typed.index.astype(str))
        frame[":LABEL"] = label.value
        paths.append(_write_import_csv(frame, folder / f"nodes_{label.value}.csv"))
        node_files.append(paths[-1].name)
    frame = _import_frame(edge_frames(G, include_personal=include_personal)[0])
    ids = G.ids.to_numpy(dtype=object)
    src, tgt = G.edges["source"].to_numpy(), G.edges["target"].to_numpy()
    lab = G.label_codes
    rel_types = G.edges["type"].astype(str).to_numpy()
    keys = pd.DataFrame({"type": rel_types, "s": lab[src], "t": lab[tgt]})
    rel_files: list[str] = []
    for (rel, s_lab, t_lab), group in keys.groupby(["type", "s", "t"], sort=True).groups.items():
        rows = np.asarray(group)
        start, end = LABELS[int(s_lab)].value, LABELS[int(t_lab)].value
        part = frame.iloc[rows]
        part = part.loc[:, part.notna().any().to_numpy()]  # drop properties no row has
        out = pd.DataFrame({f":START_ID({start})": ids[src[rows]],
                            f":END_ID({end})": ids[tgt[rows]], ":TYPE": rel})
        out = pd.concat([out, part.reset_index(drop=True)], axis=1)
        paths.append(_write_import_csv(out, folder / f"rels_{rel}_{start}_{end}.csv"))
        rel_files.append(paths[-1].name)
    script = folder / "import.sh"
    args = [f"--nodes={n}" for n in node_files] + [f"--relationships={r}" for r in rel_files]
    script.write_text(
        "#!/usr/bin/env bash\n"
        "# Load these files into an EMPTY, STOPPED database (neo4j-admin overwrites it).\n"
        f"# Written by regional_graph for {G.name or 'a dataset'!s}.\n"
        'cd "$(dirname "$0")"\n'
        "neo4j-admin database import full --overwrite-destination --multiline-fields=true \\\n"
        + "".join(f"  {shlex.quote(a)} \\\n" for a in args)
        + f"  {shlex.quote(database)}\n", encoding="utf-8")
    paths.append(script)
    return paths


def export_graph(G: RegionalGraph, path: str | Path, *, format: Format,
                 include_personal: bool = False) -> list[Path]:
    """Write ``G`` in one of :data:`FORMATS`; returns the files written.

    ``path`` is a file for ``graphml``/``gexf`` and a folder for ``parquet``/``neo4j-import``.

    Examples
    --------
    >>> import tempfile
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in export_graph(G, Path(d) / "g.gexf", format="gexf")]
    ['g.gexf']
    """
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(FORMATS)}, not {format!r}")
    if format == "graphml":
        paths = [write_graphml(G, path, include_personal=include_personal)]
    elif format == "gexf":
        paths = [write_gexf(G, path, include_personal=include_personal)]
    elif format == "parquet":
        paths = write_parquet(G, path, include_personal=include_personal)
    else:
        paths = write_neo4j_import(G, path, include_personal=include_personal)
    log.info("exported %s as %s: %d file(s) under %s", G.name or "graph", format, len(paths),
             path)
    return paths
