"""Every Cypher statement the store runs, in one place.

Labels and relationship types come only from :class:`~regional_graph.schema.Label`,
:class:`~regional_graph.schema.RelType` and :class:`StoreLabel` (Cypher cannot take them as
parameters, so each builder checks its argument is a member of those enums); every value
goes through ``$parameters``. The statements are Neo4j 5 Cypher that also runs on the
ArcadeDB Bolt server used in the tests (see ``docs/neo4j-compat.md``): no APOC, no
``id()``/``elementId()``, ``EXISTS {}``/``COUNT {}`` rather than pattern functions.

Keys: a node of a schema label is identified by ``(dataset, id)`` (a named composite
uniqueness constraint per label), so several datasets can share one database and even the
same ids; an activity by ``(dataset, pos)``; a dataset's metadata node by ``dataset``;
a relationship by its ``key`` property (a digest of its type, endpoints and occurrence).

Examples
--------
>>> print(merge_nodes(Label.AREA, replace=False))
UNWIND $rows AS row
MERGE (n:Area {dataset: $dataset, id: row.id})
SET n += row.props
>>> merge_nodes("Area); MATCH (x", replace=False)
Traceback (most recent call last):
...
ValueError: 'Area); MATCH (x' is not a node label of regional_graph
"""

from __future__ import annotations

import re
from enum import StrEnum

from ..schema import LINK_RELTYPE, TIE_TYPES, Label, RelType

__all__ = [
    "DATASET_PROPERTY",
    "NODE_LABELS",
    "StoreLabel",
    "count_nodes",
    "count_relationships",
    "delete_dataset_nodes",
    "delete_nodes",
    "delete_relationships",
    "list_datasets",
    "merge_nodes",
    "merge_relationships",
    "node_keys",
    "parameters",
    "read_dataset",
    "read_nodes",
    "read_relationships",
    "relationship_keys",
    "schema_statements",
    "write_dataset",
]


class StoreLabel(StrEnum):
    """Labels the store adds beside the schema labels.

    Examples
    --------
    >>> StoreLabel.DATASET.value, StoreLabel.ROW.value
    ('RGDataset', 'RGRow')
    >>> NODE_LABELS[-2:]
    ('Member', 'RGRow')
    """

    DATASET = "RGDataset"  # one per dataset: display name, column order, format version
    ROW = "RGRow"  # one per row of a table that is not a node table (activities, orders)


#: Every node label the store writes.
NODE_LABELS: tuple[str, ...] = (*(lbl.value for lbl in Label), StoreLabel.ROW.value)
#: Property holding the dataset (scope) on every node and relationship.
DATASET_PROPERTY = "dataset"
#: Properties the store writes itself on nodes and relationships.
RESERVED = ("dataset", "pos", "table", "key")
#: Prefix under which a user column named like a reserved property (or like the prefix) is kept.
ESCAPE_PREFIX = "user__"


def property_name(column: str) -> str:
    """The stored property of a user column: its own name, escaped when it would collide
    with a property the store writes (columns are never rejected).

    Examples
    --------
    >>> property_name("联系电话"), property_name("dataset")
    ('联系电话', 'user__dataset')
    """
    if column in RESERVED or column.startswith(ESCAPE_PREFIX):
        return ESCAPE_PREFIX + column
    return column


def parameters(query: str) -> list[str]:
    """The ``$parameters`` a statement takes, sorted (every value goes in as one of them).

    Examples
    --------
    >>> parameters(merge_nodes(Label.AREA, replace=False))
    ['dataset', 'rows']
    >>> parameters(delete_dataset_nodes(Label.MEMBER))
    ['batch', 'dataset']
    """
    return sorted(set(re.findall(r"\$([A-Za-z_]\w*)", query)))


def _label(label: object) -> str:
    if isinstance(label, (Label, StoreLabel)):
        return label.value
    if isinstance(label, str) and label in NODE_LABELS:
        return label
    raise ValueError(f"{label!r} is not a node label of regional_graph")


def _rel(rel: object) -> str:
    if isinstance(rel, RelType):
        return rel.value
    if isinstance(rel, str) and rel in {r.value for r in RelType}:
        return rel
    raise ValueError(f"{rel!r} is not a relationship type of regional_graph")


def node_key(label: object) -> str:
    """The property that, with ``dataset`` (and ``table`` for rows), identifies a node.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> {node_key(label) for label in G.nodes}, node_key(StoreLabel.ROW)
    ({'id'}, 'pos')
    """
    return "pos" if _label(label) == StoreLabel.ROW.value else "id"


def _scope(name: str) -> str:
    """The map that scopes a match of label ``name``: the dataset (and table, for rows)."""
    return "dataset: $dataset, table: $table" if name == StoreLabel.ROW.value \
        else "dataset: $dataset"


def _slug(name: str) -> str:
    return name.lower()


# -- schema ----------------------------------------------------------------------------------

#: Node properties that analyses filter on (indexed).
INDEXED_PROPERTIES: dict[Label, tuple[str, ...]] = {
    Label.AREA: ("level", "parent_id"),
    Label.PARTY_ORG: ("level", "host_id"),
    Label.ORGANIZATION: ("kind",),
}


def schema_statements() -> list[str]:
    """Named constraints and indexes (``IF NOT EXISTS``), to run before any data is written.

    Examples
    --------
    >>> schema_statements()[0]
    'CREATE CONSTRAINT rg_area_key IF NOT EXISTS FOR (n:Area) REQUIRE (n.dataset, n.id) IS UNIQUE'
    """
    out = []
    for name in NODE_LABELS:
        key = "n.table, n.pos" if name == StoreLabel.ROW.value else "n.id"
        out.append(f"CREATE CONSTRAINT rg_{_slug(name)}_key IF NOT EXISTS FOR (n:{name}) "
                   f"REQUIRE (n.dataset, {key}) IS UNIQUE")
    ds = StoreLabel.DATASET.value
    out.append(f"CREATE CONSTRAINT rg_{_slug(ds)}_key IF NOT EXISTS FOR (n:{ds}) "
               "REQUIRE n.dataset IS UNIQUE")
    for name in NODE_LABELS:
        out.append(f"CREATE INDEX rg_{_slug(name)}_dataset IF NOT EXISTS FOR (n:{name}) "
                   "ON (n.dataset)")
    for label, props in INDEXED_PROPERTIES.items():
        for prop in props:
            out.append(f"CREATE INDEX rg_{_slug(label.value)}_{prop} IF NOT EXISTS "
                       f"FOR (n:{label.value}) ON (n.{prop})")
    row = StoreLabel.ROW.value  # the activities on a link (dormant ties)
    out.append(f"CREATE INDEX rg_{_slug(row)}_link IF NOT EXISTS FOR (n:{row}) "
               "ON (n.dataset, n.source_id, n.target_id)")
    for rel in RelType:
        out.append(f"CREATE INDEX rg_{_slug(rel.value)}_key IF NOT EXISTS "
                   f"FOR ()-[r:{rel.value}]-() ON (r.key)")
    return out


# -- writing ---------------------------------------------------------------------------------


def merge_nodes(label: object, *, replace: bool) -> str:
    """Upsert a batch ``$rows`` of ``{id|pos, props}`` of one label in ``$dataset``
    (and ``$table``, for rows).

    ``replace`` sets the properties to exactly ``row.props`` (sync); otherwise they are
    merged in (a ``null`` in ``props`` removes that property).

    Examples
    --------
    >>> print(merge_nodes(StoreLabel.ROW, replace=True))
    UNWIND $rows AS row
    MERGE (n:RGRow {dataset: $dataset, table: $table, pos: row.pos})
    SET n = row.props
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> [merge_nodes(label, replace=False).splitlines()[1][:15] for label in G.nodes][:3]
    ['MERGE (n:Area {', 'MERGE (n:PartyO', 'MERGE (n:Organi']
    """
    name = _label(label)
    key = node_key(name)
    op = "=" if replace else "+="
    return (f"UNWIND $rows AS row\n"
            f"MERGE (n:{name} {{{_scope(name)}, {key}: row.{key}}})\n"
            f"SET n {op} row.props")


def merge_relationships(rel: object, source: object, target: object, *, replace: bool) -> str:
    """Upsert a batch ``$rows`` of ``{s, t, key, props}`` between two labels in ``$dataset``.

    Both endpoints are matched by label + ``(dataset, id)``, i.e. through the constraint's
    index (an unlabelled match would scan every node).

    Examples
    --------
    >>> print(merge_relationships(RelType.COVERED_BY, Label.ORGANIZATION, Label.PARTY_ORG,
    ...                           replace=True))
    UNWIND $rows AS row
    MATCH (a:Organization {dataset: $dataset, id: row.s})
    MATCH (b:PartyOrg {dataset: $dataset, id: row.t})
    MERGE (a)-[r:COVERED_BY {key: row.key}]->(b)
    SET r = row.props
    """
    op = "=" if replace else "+="
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:{_label(source)} {{dataset: $dataset, id: row.s}})\n"
            f"MATCH (b:{_label(target)} {{dataset: $dataset, id: row.t}})\n"
            f"MERGE (a)-[r:{_rel(rel)} {{key: row.key}}]->(b)\n"
            f"SET r {op} row.props")


def create_relationships(rel: object, source: object, target: object) -> str:
    """Create a batch ``$rows`` of ``{s, t, props}`` relationships between two labels in
    ``$dataset``: the bulk path into a fresh version scope, where none exists yet (no
    ``MERGE`` lookup of the endpoints' relationships per row).

    Examples
    --------
    >>> print(create_relationships(RelType.PART_OF, Label.AREA, Label.AREA))
    UNWIND $rows AS row
    MATCH (a:Area {dataset: $dataset, id: row.s})
    MATCH (b:Area {dataset: $dataset, id: row.t})
    CREATE (a)-[r:PART_OF]->(b)
    SET r = row.props
    """
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:{_label(source)} {{dataset: $dataset, id: row.s}})\n"
            f"MATCH (b:{_label(target)} {{dataset: $dataset, id: row.t}})\n"
            f"CREATE (a)-[r:{_rel(rel)}]->(b)\n"
            "SET r = row.props")


def schema_name(statement: str) -> str:
    """The name of the constraint or index a schema statement creates.

    Examples
    --------
    >>> schema_name(schema_statements()[0])
    'rg_area_key'
    """
    return statement.split()[2]


def existing_schema() -> tuple[str, str]:
    """The queries listing the names of the constraints and indexes already in the database.

    Examples
    --------
    >>> existing_schema()
    ('SHOW CONSTRAINTS YIELD name', 'SHOW INDEXES YIELD name')
    """
    return ("SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name")


def create_nodes(label: object) -> str:
    """Create a batch ``$rows`` of new nodes (the bulk path for a label the dataset does not
    have yet; the uniqueness constraint still refuses duplicates).

    Examples
    --------
    >>> print(create_nodes(Label.AREA))
    UNWIND $rows AS row
    CREATE (n:Area)
    SET n = row.props
    """
    return f"UNWIND $rows AS row\nCREATE (n:{_label(label)})\nSET n = row.props"


def any_node() -> str:
    """The labels that have at least one node in ``$dataset`` (one query per label).

    Examples
    --------
    >>> parts = any_node().split(" UNION ALL ")
    >>> print(parts[0])
    MATCH (n:Area {dataset: $dataset}) WITH n LIMIT 1 RETURN 'Area' AS label
    >>> [part.split("'")[1] for part in parts]
    ['Area', 'PartyOrg', 'Organization', 'Resource', 'Demand', 'Member', 'RGRow']
    """
    return " UNION ALL ".join(
        f"MATCH (n:{name} {{dataset: $dataset}}) WITH n LIMIT 1 RETURN '{name}' AS label"
        for name in NODE_LABELS)


def write_dataset() -> str:
    """Create or update the dataset's metadata node with ``$props``.

    Examples
    --------
    >>> print(write_dataset())
    MERGE (d:RGDataset {dataset: $dataset})
    SET d += $props
    """
    return (f"MERGE (d:{StoreLabel.DATASET.value} {{dataset: $dataset}})\n"
            "SET d += $props")


# -- sync / delete ---------------------------------------------------------------------------


def node_keys(label: object) -> str:
    """The keys (``id`` or ``pos``) of the nodes of one label in ``$dataset``.

    Examples
    --------
    >>> node_keys(Label.AREA)
    'MATCH (n:Area {dataset: $dataset}) RETURN n.id AS key'
    >>> node_keys(StoreLabel.ROW)
    'MATCH (n:RGRow {dataset: $dataset, table: $table}) RETURN n.pos AS key'
    """
    name = _label(label)
    return f"MATCH (n:{name} {{{_scope(name)}}}) RETURN n.{node_key(name)} AS key"


def delete_nodes(label: object) -> str:
    """Detach-delete the nodes of one label in ``$dataset`` whose keys are in ``$keys``.

    Examples
    --------
    >>> print(delete_nodes(Label.AREA))
    UNWIND $keys AS k
    MATCH (n:Area {dataset: $dataset, id: k})
    DETACH DELETE n
    """
    name = _label(label)
    return (f"UNWIND $keys AS k\n"
            f"MATCH (n:{name} {{{_scope(name)}, {node_key(name)}: k}})\n"
            "DETACH DELETE n")


def relationship_keys(rel: object, source: object) -> str:
    """``key`` and source id of every relationship of a type from one label in ``$dataset``.

    Examples
    --------
    >>> print(relationship_keys(RelType.PAIRED_WITH, Label.ORGANIZATION))
    MATCH (a:Organization {dataset: $dataset})-[r:PAIRED_WITH]->()
    WHERE r.dataset = $dataset
    RETURN r.key AS key, a.id AS s
    """
    return (f"MATCH (a:{_label(source)} {{dataset: $dataset}})-[r:{_rel(rel)}]->()\n"
            "WHERE r.dataset = $dataset\n"
            "RETURN r.key AS key, a.id AS s")


def relationship_targets(rel: object, source: object) -> str:
    """Every relationship of a type from one label in ``$dataset``: endpoint ids, the
    target's label and the properties (to copy a version).

    Examples
    --------
    >>> print(relationship_targets(RelType.PART_OF, Label.AREA))
    MATCH (a:Area {dataset: $dataset})-[r:PART_OF]->(b)
    WHERE r.dataset = $dataset
    RETURN a.id AS s, b.id AS t, labels(b)[0] AS label, properties(r) AS p
    """
    return (f"MATCH (a:{_label(source)} {{dataset: $dataset}})-[r:{_rel(rel)}]->(b)\n"
            "WHERE r.dataset = $dataset\n"
            "RETURN a.id AS s, b.id AS t, labels(b)[0] AS label, properties(r) AS p")


def delete_relationships(rel: object, source: object) -> str:
    """Delete relationships ``$rows`` of ``{s, key}`` (anchored on the source's index).

    Examples
    --------
    >>> print(delete_relationships(RelType.PAIRED_WITH, Label.ORGANIZATION))
    UNWIND $rows AS row
    MATCH (a:Organization {dataset: $dataset, id: row.s})-[r:PAIRED_WITH {key: row.key}]->()
    DELETE r
    """
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:{_label(source)} {{dataset: $dataset, id: row.s}})"
            f"-[r:{_rel(rel)} {{key: row.key}}]->()\n"
            "DELETE r")


def delete_dataset_nodes(label: object) -> str:
    """Detach-delete up to ``$batch`` nodes of one label in ``$dataset``; returns the count.

    Examples
    --------
    >>> print(delete_dataset_nodes(Label.MEMBER))
    MATCH (n:Member {dataset: $dataset})
    WITH n LIMIT $batch
    DETACH DELETE n
    RETURN count(*) AS deleted
    """
    return (f"MATCH (n:{_label(label)} {{dataset: $dataset}})\n"
            "WITH n LIMIT $batch\n"
            "DETACH DELETE n\n"
            "RETURN count(*) AS deleted")


def delete_dataset_meta() -> str:
    """Delete the dataset's metadata node.

    Examples
    --------
    >>> delete_dataset_meta()
    'MATCH (d:RGDataset {dataset: $dataset}) DELETE d'
    """
    return f"MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) DELETE d"


# -- reading ---------------------------------------------------------------------------------


def read_dataset() -> str:
    """The metadata node of ``$dataset``.

    Examples
    --------
    >>> read_dataset()
    'MATCH (d:RGDataset {dataset: $dataset}) RETURN properties(d) AS p'
    """
    return f"MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) RETURN properties(d) AS p"


def list_datasets() -> str:
    """Every dataset in the database, by name.

    Examples
    --------
    >>> print(list_datasets())
    MATCH (d:RGDataset)
    RETURN d.dataset AS dataset, d.name AS name
    ORDER BY dataset
    """
    return (f"MATCH (d:{StoreLabel.DATASET.value})\n"
            "RETURN d.dataset AS dataset, d.name AS name\n"
            "ORDER BY dataset")


def read_nodes(label: object) -> str:
    """All properties of every node of one label in ``$dataset`` (and ``$table``).

    Examples
    --------
    >>> read_nodes(Label.AREA)
    'MATCH (n:Area {dataset: $dataset}) RETURN properties(n) AS p'
    >>> parameters(read_nodes(StoreLabel.ROW))
    ['dataset', 'table']
    """
    name = _label(label)
    return f"MATCH (n:{name} {{{_scope(name)}}}) RETURN properties(n) AS p"


def read_relationships(rel: object, source: object, target: object) -> str:
    """Endpoint ids and properties of every relationship of a type between two labels.

    Examples
    --------
    >>> print(read_relationships(RelType.PAIRED_WITH, Label.ORGANIZATION, Label.AREA))
    MATCH (a:Organization {dataset: $dataset})-[r:PAIRED_WITH]->(b:Area)
    WHERE r.dataset = $dataset
    RETURN a.id AS s, b.id AS t, properties(r) AS p
    """
    return (f"MATCH (a:{_label(source)} {{dataset: $dataset}})-[r:{_rel(rel)}]->"
            f"(b:{_label(target)})\n"
            "WHERE r.dataset = $dataset\n"
            "RETURN a.id AS s, b.id AS t, properties(r) AS p")


def count_nodes(label: object) -> str:
    """Number of nodes of one label in ``$dataset``.

    Examples
    --------
    >>> count_nodes(Label.AREA)
    'MATCH (n:Area {dataset: $dataset}) RETURN count(n) AS n'
    """
    return f"MATCH (n:{_label(label)} {{dataset: $dataset}}) RETURN count(n) AS n"


def count_relationships(rel: object) -> str:
    """Number of relationships of one type in ``$dataset``.

    Examples
    --------
    >>> count_relationships(RelType.PAIRED_WITH)
    'MATCH ()-[r:PAIRED_WITH]->() WHERE r.dataset = $dataset RETURN count(r) AS n'
    >>> count_relationships("NOT_A_TYPE")
    Traceback (most recent call last):
    ...
    ValueError: 'NOT_A_TYPE' is not a relationship type of regional_graph
    """
    return f"MATCH ()-[r:{_rel(rel)}]->() WHERE r.dataset = $dataset RETURN count(r) AS n"


# -- server-side analyses --------------------------------------------------------------------
# Parameters: $dataset, $day (a date). As RegionalGraph.exists/links: an Organization or
# PartyOrg exists while founded ≤ day < dissolved (empty = always); a link is live when
# start ≤ day ≤ end (empty = open) and both its ends exist, and its dates are clipped to
# the days both ends exist (start no earlier than either ``founded``, end no later than the
# day before either ``dissolved``).

_DATED = f"['{Label.ORGANIZATION.value}', '{Label.PARTY_ORG.value}']"


def _dated(n: str) -> str:
    """Cypher: node ``n`` is of a label with validity dates."""
    return f"any(lbl_ IN labels({n}) WHERE lbl_ IN {_DATED})"


def exists(n: str) -> str:
    """Cypher: node ``n`` exists on ``$day`` (:meth:`~regional_graph.graph.RegionalGraph.exists`).

    Examples
    --------
    >>> print(exists("o").replace(" AND (", "\\n  AND ("))  # doctest: +NORMALIZE_WHITESPACE
    (NOT any(lbl_ IN labels(o) WHERE lbl_ IN ['Organization', 'PartyOrg'])
     OR ((o.founded IS NULL OR o.founded <= $day)
      AND (o.dissolved IS NULL OR o.dissolved > $day)))
    """
    return (f"(NOT {_dated(n)} OR (({n}.founded IS NULL OR {n}.founded <= $day)"
            f" AND ({n}.dissolved IS NULL OR {n}.dissolved > $day)))")


def _founded_by(n: str) -> str:
    """Cypher: node ``n`` was founded on or before ``$day`` (or has no date)."""
    return f"(NOT {_dated(n)} OR {n}.founded IS NULL OR {n}.founded <= $day)"


def clipped_start(r: str, a: str, b: str) -> str:
    """Cypher: the start of link ``r`` between ``a`` and ``b``, no earlier than either
    end's ``founded`` (``null`` when none of them is known).

    Examples
    --------
    >>> q = clipped_start("r", "a", "b")
    >>> print(q.replace(_dated("a"), "<a dated>")
    ...        .replace(_dated("b"), "<b dated>"))  # doctest: +NORMALIZE_WHITESPACE
    reduce(m_ = null, d_ IN [r.start, CASE WHEN <a dated> THEN a.founded END,
                                      CASE WHEN <b dated> THEN b.founded END]
           | CASE WHEN d_ IS NULL OR m_ >= d_ THEN m_ ELSE d_ END)
    """
    items = ", ".join([f"{r}.start", *(f"CASE WHEN {_dated(n)} THEN {n}.founded END"
                                       for n in (a, b))])
    return (f"reduce(m_ = null, d_ IN [{items}] | "
            "CASE WHEN d_ IS NULL OR m_ >= d_ THEN m_ ELSE d_ END)")


def clipped_end(r: str, a: str, b: str) -> str:
    """Cypher: the end of link ``r`` between ``a`` and ``b``, no later than the day before
    either end's ``dissolved`` (``null`` when open).

    Examples
    --------
    >>> q = clipped_end("r", "a", "b")
    >>> print(q.replace(_dated("a"), "<a dated>")
    ...        .replace(_dated("b"), "<b dated>"))  # doctest: +NORMALIZE_WHITESPACE
    reduce(m_ = null, d_ IN [r.end,
                             CASE WHEN <a dated> THEN a.dissolved - duration({days: 1}) END,
                             CASE WHEN <b dated> THEN b.dissolved - duration({days: 1}) END]
           | CASE WHEN d_ IS NULL OR m_ <= d_ THEN m_ ELSE d_ END)
    """
    items = ", ".join([f"{r}.end", *(f"CASE WHEN {_dated(n)} THEN "
                                     f"{n}.dissolved - duration({{days: 1}}) END"
                                     for n in (a, b))])
    return (f"reduce(m_ = null, d_ IN [{items}] | "
            "CASE WHEN d_ IS NULL OR m_ <= d_ THEN m_ ELSE d_ END)")


def live_link(r: str, a: str, b: str) -> str:
    """Cypher: link ``r`` between nodes ``a`` and ``b`` is live on ``$day`` (both ends exist).

    Examples
    --------
    >>> live_link("r", "a", "b").split(" AND (NOT")[0]
    '(r.start IS NULL OR r.start <= $day) AND (r.end IS NULL OR r.end >= $day)'
    """
    return (f"({r}.start IS NULL OR {r}.start <= $day) AND ({r}.end IS NULL OR {r}.end >= $day)"
            f" AND {exists(a)} AND {exists(b)}")


def ended_link(r: str, a: str, b: str) -> str:
    """Cypher: link ``r`` between ``a`` and ``b`` had started by ``$day`` (both ends founded)
    and its clipped end is before ``$day``."""
    return (f"({r}.start IS NULL OR {r}.start <= $day) AND {_founded_by(a)} AND {_founded_by(b)}"
            f" AND coalesce({clipped_end(r, a, b)} < $day, false)")


def _ends(r: str) -> tuple[str, str, str]:
    """A link expression with its two end nodes (for links collected in a list)."""
    return r, f"startNode({r})", f"endNode({r})"


def _up(area: str, into: str) -> tuple[str, str]:
    """Bind ``into`` to the list of ``area`` and its ancestors, nearest first (``[]`` if none).

    The path runs to the top of the area hierarchy (at most 15 steps up).
    """
    return (
        f"OPTIONAL MATCH up_path = ({area})-[:{RelType.PART_OF.value}*0..15]->"
        f"(top:{Label.AREA.value})\n"
        f"WHERE NOT EXISTS {{ MATCH (top)-[:{RelType.PART_OF.value}]->(:{Label.AREA.value}) }}\n"
    ), f"CASE WHEN up_path IS NULL THEN [] ELSE nodes(up_path) END AS {into}"


def _org_places(carry: str) -> str:
    """Bind ``comm`` and ``street`` (nearest community/street ancestor of ``o``'s area)."""
    match, up = _up("x", "up")
    return (
        f"OPTIONAL MATCH (o)-[:{RelType.LOCATED_IN.value}]->(x:{Label.AREA.value})\n"
        f"{match}"
        f"WITH {carry}, {up}\n"
        f"WITH {carry}, [n IN up WHERE n.level = 'community'][0] AS comm,\n"
        "     [n IN up WHERE n.level = 'street'][0] AS street\n"
    )


_ORG_COLUMNS = ("o.id AS id, o.pos AS pos, o.name AS name, o.kind AS kind, "
                "o.industry AS industry, o.party_members AS party_members,\n"
                "       comm.id AS community_id, comm.name AS community, "
                "street.id AS street_id, street.name AS street")

_LATEST = ("reduce(best = null, x IN {items} | CASE WHEN best IS NULL OR x.end > best.end "
           "OR (x.end = best.end AND x.pos > best.pos) THEN x ELSE best END)")


def uncovered_query() -> str:
    """Two-new organisations with no live ``COVERED_BY`` (params ``$two_new``, reasons).

    Examples
    --------
    >>> parameters(uncovered_query())
    ['dataset', 'day', 'reason_expired', 'reason_no_link', 'two_new']
    """
    org, po, cov = Label.ORGANIZATION.value, Label.PARTY_ORG.value, RelType.COVERED_BY.value
    return (
        f"MATCH (o:{org} {{dataset: $dataset}})\n"
        f"WHERE o.kind IN $two_new AND {exists('o')}\n"
        f"  AND NOT EXISTS {{ MATCH (o)-[r:{cov}]->(q:{po}) WHERE {live_link('r', 'o', 'q')} }}\n"
        f"OPTIONAL MATCH (o)-[e:{cov}]->(p:{po})\n"
        f"WHERE {ended_link('e', 'o', 'p')}\n"
        "WITH o, collect(CASE WHEN e IS NULL THEN null\n"
        f"                ELSE {{end: {clipped_end('e', 'o', 'p')}, pos: e.pos, target: p.id}} END)"
        " AS ended\n"
        f"WITH o, ended, {_LATEST.format(items='ended')} AS last\n"
        + _org_places("o, ended, last")
        + f"RETURN {_ORG_COLUMNS},\n"
        "       CASE WHEN size(ended) > 0 THEN $reason_expired ELSE $reason_no_link END\n"
        "       AS reason,\n"
        "       last.end AS last_end, last.target AS last_covered_by\n"
        "ORDER BY pos"
    )


def should_build_query() -> str:
    """Two-new organisations with ≥ ``$min_members`` Party members and no own Party org
    (level in ``$own_levels``), with their live coverage (``cov``: pos, id, name, level).

    Examples
    --------
    >>> parameters(should_build_query())  # doctest: +NORMALIZE_WHITESPACE
    ['dataset', 'day', 'min_members', 'own_levels', 'reason_joint', 'reason_other',
     'reason_uncovered', 'two_new']
    """
    org, po = Label.ORGANIZATION.value, Label.PARTY_ORG.value
    cov, host = RelType.COVERED_BY.value, RelType.HOSTED_BY.value
    return (
        f"MATCH (o:{org} {{dataset: $dataset}})\n"
        f"WHERE o.kind IN $two_new AND o.party_members >= $min_members AND {exists('o')}\n"
        f"  AND NOT EXISTS {{ MATCH (own:{po})-[:{host}]->(o)\n"
        f"                   WHERE own.level IN $own_levels AND {exists('own')} }}\n"
        f"OPTIONAL MATCH (o)-[r:{cov}]->(p:{po})\n"
        f"WHERE {live_link('r', 'o', 'p')}\n"
        "WITH o, collect(CASE WHEN r IS NULL THEN null\n"
        "                ELSE [r.pos, p.id, p.name, p.level] END) AS cov\n"
        + _org_places("o, cov")
        + f"RETURN {_ORG_COLUMNS}, cov,\n"
        "       CASE WHEN size(cov) = 0 THEN $reason_uncovered\n"
        "            WHEN all(c IN cov WHERE c[3] = 'joint_branch') THEN $reason_joint\n"
        "            ELSE $reason_other END AS reason\n"
        "ORDER BY pos"
    )


def isolated_units_query() -> str:
    """Resident units (``$resident``) with no live tie of their own or of a Party org they
    host; ``ended``: the ended ties (key, end, partner label, pos, id).

    Examples
    --------
    >>> parameters(isolated_units_query())
    ['dataset', 'day', 'resident']
    >>> isolated_units_query().splitlines()[6]
    'OPTIONAL MATCH (m)-[l:PAIRED_WITH|SITS_ON|CONFERENCE_MEMBER]-()'

    """
    org, po, host = Label.ORGANIZATION.value, Label.PARTY_ORG.value, RelType.HOSTED_BY.value
    ties = "|".join(LINK_RELTYPE[t].value for t in TIE_TYPES)
    return (
        f"MATCH (o:{org} {{dataset: $dataset}})\n"
        f"WHERE o.kind IN $resident AND {exists('o')}\n"
        f"OPTIONAL MATCH (hosted:{po})-[:{host}]->(o)\n"
        "WITH o, collect(hosted) AS hosted\n"
        "WITH o, hosted, [o] + hosted AS mine\n"
        "UNWIND mine AS m\n"
        f"OPTIONAL MATCH (m)-[l:{ties}]-()\n"
        "WITH o, hosted, mine, collect(DISTINCT l) AS links\n"
        f"WHERE size([l IN links WHERE {live_link(*_ends('l'))}]) = 0\n"
        f"WITH o, hosted, [l IN links WHERE {ended_link(*_ends('l'))} |\n"
        f"     {{key: l.key, end: {clipped_end(*_ends('l'))},\n"
        "      partner: CASE WHEN startNode(l) IN mine THEN endNode(l) ELSE startNode(l) END}]\n"
        "     AS ended\n"
        "WITH o, hosted, [e IN ended | [e.key, e.end, labels(e.partner), e.partner.pos,\n"
        "                              e.partner.id]] AS ended\n"
        + _org_places("o, hosted, ended")
        + f"RETURN {_ORG_COLUMNS},\n"
        "       [h IN hosted | [h.pos, h.id]] AS hosted, ended\n"
        "ORDER BY pos"
    )


def unpaired_communities_query() -> str:
    """Communities that neither themselves nor their community committee are the target of a
    live ``PAIRED_WITH``; ``ended``: ended pairs (key, end, source label, pos, id).

    Examples
    --------
    >>> lines = unpaired_communities_query().splitlines()
    >>> print(*lines[:2], sep="\\n")
    MATCH (c:Area {dataset: $dataset})
    WHERE c.level = 'community'
    >>> print(*lines[-3:], sep="\\n")
    RETURN c.id AS id, c.pos AS pos, c.name AS name, street.id AS street_id,
           street.name AS street, ended
    ORDER BY pos
    """
    area, po = Label.AREA.value, Label.PARTY_ORG.value
    pair, leads = RelType.PAIRED_WITH.value, RelType.LEADS.value
    match, up = _up("c", "up")
    return (
        f"MATCH (c:{area} {{dataset: $dataset}})\n"
        "WHERE c.level = 'community'\n"
        f"OPTIONAL MATCH (c)<-[l1:{pair}]-(s1)\n"
        "WITH c, collect(CASE WHEN l1 IS NULL THEN null ELSE [l1, s1] END) AS direct\n"
        f"OPTIONAL MATCH (c)<-[:{leads}]-(cc:{po})<-[l2:{pair}]-(s2)\n"
        "WHERE cc.level = 'community_committee'\n"
        "WITH c, direct, collect(CASE WHEN l2 IS NULL THEN null ELSE [l2, s2] END) AS via\n"
        "WITH c, direct + via AS pairs\n"
        f"WHERE size([p IN pairs WHERE {live_link(*_ends('p[0]'))}]) = 0\n"
        f"WITH c, [p IN pairs WHERE {ended_link(*_ends('p[0]'))} |\n"
        f"     [p[0].key, {clipped_end(*_ends('p[0]'))}, labels(p[1]), p[1].pos, p[1].id]]"
        " AS ended\n"
        f"{match}"
        f"WITH c, ended, {up}\n"
        "WITH c, ended, [n IN up WHERE n.level = 'street'][0] AS street\n"
        "RETURN c.id AS id, c.pos AS pos, c.name AS name, street.id AS street_id,\n"
        "       street.name AS street, ended\n"
        "ORDER BY pos"
    )


def areas_of_level_query() -> str:
    """Areas of level ``$level`` with their parent, in table order.

    Examples
    --------
    >>> q = areas_of_level_query()
    >>> "WHERE a.level = $level" in q, q.splitlines()[-1]
    (True, 'ORDER BY pos')
    """
    area = Label.AREA.value
    return (
        f"MATCH (a:{area} {{dataset: $dataset}})\n"
        "WHERE a.level = $level\n"
        f"OPTIONAL MATCH (a)-[:{RelType.PART_OF.value}]->(p:{area})\n"
        "RETURN a.id AS id, a.pos AS pos, a.name AS name, p.id AS parent_id, p.name AS parent\n"
        "ORDER BY pos"
    )


def coverage_counts_query() -> str:
    """Per area of level ``$level``: two-new organisations in it, covered, with members
    (organisations with no area of that level under the id ``$unlocated``).

    Examples
    --------
    >>> q = coverage_counts_query()
    >>> q.splitlines()[-2]
    'RETURN id, two_new, covered_two_new, with_members, covered_with_members'
    """
    org, po, cov = Label.ORGANIZATION.value, Label.PARTY_ORG.value, RelType.COVERED_BY.value
    match, up = _up("x", "up")
    return (
        f"MATCH (o:{org} {{dataset: $dataset}})\n"
        f"WHERE o.kind IN $two_new AND {exists('o')}\n"
        f"OPTIONAL MATCH (o)-[:{RelType.LOCATED_IN.value}]->(x:{Label.AREA.value})\n"
        f"{match}"
        f"WITH o, {up}\n"
        "WITH o, [n IN up WHERE n.level = $level][0] AS a,\n"
        f"     EXISTS {{ MATCH (o)-[r:{cov}]->(q:{po}) WHERE {live_link('r', 'o', 'q')} }}"
        " AS covered,\n"
        "     coalesce(o.party_members, 0) >= 1 AS with_members\n"
        "WITH coalesce(a.id, $unlocated) AS id, count(*) AS two_new,\n"
        "     sum(CASE WHEN covered THEN 1 ELSE 0 END) AS covered_two_new,\n"
        "     sum(CASE WHEN with_members THEN 1 ELSE 0 END) AS with_members,\n"
        "     sum(CASE WHEN covered AND with_members THEN 1 ELSE 0 END) AS covered_with_members\n"
        "RETURN id, two_new, covered_two_new, with_members, covered_with_members\n"
        "ORDER BY id"
    )


def _unit_ties() -> str:
    """Bind ``r`` (a live tie link of ``$dataset``), its ends ``a``/``b`` and ``unit``, the
    resident unit (kind in ``$resident``) at one end, itself or as host of the Party org
    there; links of no resident unit are dropped (as ``isolation._of_units``)."""
    org, host = Label.ORGANIZATION.value, RelType.HOSTED_BY.value
    ties = "|".join(LINK_RELTYPE[t].value for t in TIE_TYPES)
    labels = "|".join(lbl.value for lbl in Label)
    return (
        f"MATCH (a:{labels} {{dataset: $dataset}})-[r:{ties}]->(b)\n"
        f"WHERE r.dataset = $dataset AND {live_link('r', 'a', 'b')}\n"
        f"OPTIONAL MATCH (a)-[:{host}]->(ha:{org})\n"
        f"OPTIONAL MATCH (b)-[:{host}]->(hb:{org})\n"
        "WITH r, a, b, coalesce(ha, a) AS xa, coalesce(hb, b) AS xb\n"
        f"WITH r, a, b, CASE WHEN xa:{org} AND xa.kind IN $resident AND {exists('xa')} THEN xa\n"
        f"                   WHEN xb:{org} AND xb.kind IN $resident AND {exists('xb')} THEN xb\n"
        "              END AS unit\n"
        "WHERE unit IS NOT NULL\n"
        f"WITH r, a, b, unit, {clipped_start('r', 'a', 'b')} AS s,\n"
        f"     {clipped_end('r', 'a', 'b')} AS e\n"
    )


_TIE_COLUMNS = ("r.pos AS pos, a.id AS source_id, a.name AS source_name, b.id AS target_id,\n"
                "       b.name AS target_name, toLower(type(r)) AS type, s AS start,\n"
                "       e AS end, r.kind AS form, unit.id AS unit_id")


def dormant_ties_query() -> str:
    """Live ties of resident units whose last activity (``RGRow`` of ``$activities`` with
    the link's ``source_id``/``target_id``, dated ≤ ``$day``) is missing or before
    ``$window``; nothing when no activity names a link at all.

    Examples
    --------
    >>> parameters(dormant_ties_query())
    ['activities', 'dataset', 'day', 'resident', 'window']
    >>> print(dormant_ties_query().splitlines()[-1])
    ORDER BY pos
    """
    row = StoreLabel.ROW.value
    return (
        f"MATCH (any:{row} {{dataset: $dataset, table: $activities}})\n"
        "WHERE any.source_id IS NOT NULL\n"
        "WITH any LIMIT 1\n"
        + _unit_ties()
        + f"OPTIONAL MATCH (act:{row} {{dataset: $dataset, table: $activities,\n"
        "                            source_id: a.id, target_id: b.id})\n"
        "WHERE act.date <= $day\n"
        "WITH r, a, b, unit, s, e, count(act) AS activities, max(act.date) AS last_activity\n"
        "WHERE last_activity IS NULL OR last_activity < $window\n"
        f"RETURN {_TIE_COLUMNS}, activities, last_activity\n"
        "ORDER BY pos"
    )


def expiring_ties_query() -> str:
    """Live ties of resident units ending on or before ``$horizon``, with ``days_left``.

    Examples
    --------
    >>> parameters(expiring_ties_query())
    ['dataset', 'day', 'horizon', 'resident']
    >>> print(expiring_ties_query().splitlines()[0].replace("})-", "})\\n  -"))
    MATCH (a:Area|PartyOrg|Organization|Resource|Demand|Member {dataset: $dataset})
      -[r:PAIRED_WITH|SITS_ON|CONFERENCE_MEMBER]->(b)
    """
    return (
        _unit_ties()
        + "WHERE e IS NOT NULL AND e <= $horizon\n"
        f"RETURN {_TIE_COLUMNS}, duration.inDays($day, e).days AS days_left\n"
        "ORDER BY pos"
    )


def coverage_by_industry_query() -> str:
    """Two-new organisations per industry (``$missing`` when empty): counts of covered and
    with members, as :func:`coverage_counts_query`.

    Examples
    --------
    >>> print(coverage_by_industry_query().splitlines()[-1])
    RETURN industry, two_new, covered_two_new, with_members, covered_with_members
    """
    org, po, cov = Label.ORGANIZATION.value, Label.PARTY_ORG.value, RelType.COVERED_BY.value
    return (
        f"MATCH (o:{org} {{dataset: $dataset}})\n"
        f"WHERE o.kind IN $two_new AND {exists('o')}\n"
        "WITH coalesce(o.industry, $missing) AS industry,\n"
        f"     EXISTS {{ MATCH (o)-[r:{cov}]->(q:{po}) WHERE {live_link('r', 'o', 'q')} }}"
        " AS covered,\n"
        "     coalesce(o.party_members, 0) >= 1 AS with_members\n"
        "WITH industry, count(*) AS two_new,\n"
        "     sum(CASE WHEN covered THEN 1 ELSE 0 END) AS covered_two_new,\n"
        "     sum(CASE WHEN with_members THEN 1 ELSE 0 END) AS with_members,\n"
        "     sum(CASE WHEN covered AND with_members THEN 1 ELSE 0 END) AS covered_with_members\n"
        "RETURN industry, two_new, covered_two_new, with_members, covered_with_members"
    )


# -- the indicator table -------------------------------------------------------------------------
# Parameters: $dataset, $day, $row_of (area id → id of its ancestor, or itself, of the table's
# level; '' when it has none). An item belongs to the row of its place, as
# RegionalGraph.area_of: an area itself; else its ``area_id`` when that is an area; else (a
# Party org) its host organisation's ``area_id``. Each query returns counts per row.


def _row_of(n: str, host: str) -> str:
    """Cypher: the row of node ``n`` (``host``: its host organisation, or ``null``)."""
    return (f"CASE WHEN {n}:{Label.AREA.value} THEN $row_of[{n}.id]\n"
            f"     ELSE coalesce($row_of[{n}.area_id], $row_of[{host}.area_id]) END")


def actor(v: str, out: str) -> str:
    """Cypher: bind ``out`` to the actor of node ``v`` (``analysis.actor_codes``): the
    organisation hosting it, else the area of the matching level it leads (``$leads``: area
    level → committee level), else itself.

    Examples
    --------
    >>> actor("a", "x").splitlines()[0]
    'CALL (a) {'
    """
    return (f"CALL ({v}) {{\n"
            f"  OPTIONAL MATCH ({v})-[:{RelType.HOSTED_BY.value}]->(h:{Label.ORGANIZATION.value})\n"
            f"  WITH {v}, head(collect(h)) AS h\n"
            f"  OPTIONAL MATCH ({v})-[:{RelType.LEADS.value}]->(l:{Label.AREA.value})"
            f" WHERE {v}.level = $leads[l.level]\n"
            f"  WITH {v}, h, head(collect(l)) AS l\n"
            f"  RETURN coalesce(h, l, {v}) AS {out}\n"
            "}")


def area_rows_query() -> str:
    """Every area with its level and ``row``: its ancestor (or itself) of level ``$level``.

    Examples
    --------
    >>> area_rows_query().splitlines()[-1]
    'RETURN a.id AS id, a.level AS level, [n IN up WHERE n.level = $level][0].id AS row'
    """
    match, up = _up("a", "up")
    return (f"MATCH (a:{Label.AREA.value} {{dataset: $dataset}})\n"
            f"{match}"
            f"WITH a, {up}\n"
            "RETURN a.id AS id, a.level AS level, [n IN up WHERE n.level = $level][0].id AS row")


def party_org_counts_query() -> str:
    """Party orgs existing on ``$day`` per row and level: count, members (empty = 0) and
    how many have more than ``$limit`` members.

    Examples
    --------
    >>> parameters(party_org_counts_query())
    ['dataset', 'day', 'limit', 'row_of']
    """
    po, org = Label.PARTY_ORG.value, Label.ORGANIZATION.value
    return (f"MATCH (p:{po} {{dataset: $dataset}})\n"
            f"WHERE {exists('p')}\n"
            f"OPTIONAL MATCH (p)-[:{RelType.HOSTED_BY.value}]->(h:{org})\n"
            f"WITH p, {_row_of('p', 'h')} AS row\n"
            "WHERE row <> ''\n"
            "WITH row, p.level AS level, coalesce(p.members, 0) AS members\n"
            "RETURN row, level, count(*) AS n, sum(members) AS members,\n"
            "       sum(CASE WHEN members > $limit THEN 1 ELSE 0 END) AS over")


def unit_counts_query() -> str:
    """Resident units (``$resident``) existing on ``$day`` per row: all, those hosting an
    existing Party org, and of those the ones in a live joint conference (themselves or
    through a Party org they host).

    Examples
    --------
    >>> unit_counts_query().splitlines()[-2]
    'RETURN row, count(*) AS units, sum(with_org) AS with_org,'
    """
    org, po = Label.ORGANIZATION.value, Label.PARTY_ORG.value
    host, conf = RelType.HOSTED_BY.value, RelType.CONFERENCE_MEMBER.value
    return (f"MATCH (o:{org} {{dataset: $dataset}})\n"
            f"WHERE o.kind IN $resident AND {exists('o')}\n"
            "WITH o, $row_of[o.area_id] AS row\n"
            "WHERE row <> ''\n"
            f"WITH o, row, EXISTS {{ MATCH (p:{po})-[:{host}]->(o) WHERE {exists('p')} }}"
            " AS hosted\n"
            "WITH row, hosted, hosted AND (\n"
            f"  EXISTS {{ MATCH (o)-[l:{conf}]-(y) WHERE {live_link('l', 'o', 'y')} }} OR\n"
            f"  EXISTS {{ MATCH (o)<-[:{host}]-(m:{po})-[l:{conf}]-(y)\n"
            f"           WHERE {live_link('l', 'm', 'y')} }}) AS conference\n"
            "WITH row, CASE WHEN hosted THEN 1 ELSE 0 END AS with_org,\n"
            "     CASE WHEN conference THEN 1 ELSE 0 END AS conference\n"
            "RETURN row, count(*) AS units, sum(with_org) AS with_org,\n"
            "       sum(conference) AS conference")


def _live_links(types: str) -> str:
    labels = "|".join(lbl.value for lbl in Label)
    return (f"MATCH (a:{labels} {{dataset: $dataset}})-[r:{types}]->(b)\n"
            f"WHERE r.dataset = $dataset AND {live_link('r', 'a', 'b')}\n")


def tie_target_counts_query() -> str:
    """Live ``PAIRED_WITH`` (agreements) and ``SITS_ON`` (part-time members) links per type
    and row of their target.

    Examples
    --------
    >>> tie_target_counts_query().splitlines()[-1]
    'RETURN type, row, count(*) AS n'
    """
    return (_live_links(f"{RelType.PAIRED_WITH.value}|{RelType.SITS_ON.value}")
            + f"OPTIONAL MATCH (b)-[:{RelType.HOSTED_BY.value}]->(h:{Label.ORGANIZATION.value})\n"
            f"WITH type(r) AS type, {_row_of('b', 'h')} AS row\n"
            "WHERE row <> ''\n"
            "RETURN type, row, count(*) AS n")


def pair_counts_query() -> str:
    """Distinct (actor, actor) pairs of live ``PAIRED_WITH`` links, Party orgs merged into
    their host and committees into their area, per row of the second actor.

    Examples
    --------
    >>> parameters(pair_counts_query())
    ['dataset', 'day', 'leads', 'row_of']
    """
    return (_live_links(RelType.PAIRED_WITH.value)
            + "WITH DISTINCT a, b\n"
            f"{actor('a', 'x')}\n{actor('b', 'y')}\n"
            "WITH DISTINCT x, y\n"
            f"WITH {_row_of('y', 'null')} AS row\n"
            "WHERE row <> ''\n"
            "RETURN row, count(*) AS n")


def member_counts_query() -> str:
    """Member records per row, and those reporting (``reported`` or a live ``REPORTS_TO``).
    A member's place: ``residence_area_id``, else the target of its last live
    ``REPORTS_TO``, else its branch's place (``MEMBER_OF``).

    Examples
    --------
    >>> member_counts_query().splitlines()[-1]
    'RETURN row, count(*) AS records, sum(reporting) AS reporting'
    """
    area, org = Label.AREA.value, Label.ORGANIZATION.value
    return (f"MATCH (m:{Label.MEMBER.value} {{dataset: $dataset}})\n"
            f"OPTIONAL MATCH (m)-[rt:{RelType.REPORTS_TO.value}]->(t)\n"
            f"WHERE {live_link('rt', 'm', 't')}\n"
            "WITH m, collect(CASE WHEN rt IS NULL THEN null ELSE {pos: rt.pos, t: t} END) AS via\n"
            "WITH m, size(via) > 0 AS reports,\n"
            "     reduce(best = null, x IN via | CASE WHEN best IS NULL OR x.pos > best.pos\n"
            "            THEN x ELSE best END).t AS t\n"
            f"OPTIONAL MATCH (m)-[:{RelType.MEMBER_OF.value}]->(b)\n"
            f"OPTIONAL MATCH (b)-[:{RelType.HOSTED_BY.value}]->(h:{org})\n"
            "WITH m, reports, coalesce($row_of[m.residence_area_id],\n"
            f"     CASE WHEN t IS NULL THEN null WHEN t:{area} THEN $row_of[t.id] ELSE '' END,\n"
            f"     {_row_of('b', 'h')}) AS row\n"
            "WHERE row <> ''\n"
            "WITH row, CASE WHEN coalesce(m.reported, false) OR reports THEN 1 ELSE 0 END"
            " AS reporting\n"
            "RETURN row, count(*) AS records, sum(reporting) AS reporting")


def supply_counts_query(label: object, rel: object, amount: str) -> str:
    """Resources (or demands) per row of their place (``area_id``, else the place of who
    offers / needs them, through ``rel``): count and the sum of ``amount`` (empty = 1).

    Examples
    --------
    >>> print(supply_counts_query(Label.RESOURCE, RelType.OFFERS, "capacity").splitlines()[1])
    OPTIONAL MATCH (w)-[:OFFERS]->(x)
    >>> supply_counts_query(Label.RESOURCE, RelType.OFFERS, "x) DETACH DELETE (x")
    Traceback (most recent call last):
    ...
    ValueError: 'x) DETACH DELETE (x' is not an amount column
    """
    if amount not in ("capacity", "quantity"):
        raise ValueError(f"{amount!r} is not an amount column")
    return (f"MATCH (x:{_label(label)} {{dataset: $dataset}})\n"
            f"OPTIONAL MATCH (w)-[:{_rel(rel)}]->(x)\n"
            "WITH x, head(collect(w)) AS w\n"
            f"OPTIONAL MATCH (w)-[:{RelType.HOSTED_BY.value}]->(h:{Label.ORGANIZATION.value})\n"
            f"WITH x, coalesce($row_of[x.area_id], {_row_of('w', 'h')}) AS row\n"
            "WHERE row <> ''\n"
            f"RETURN row, count(*) AS n, sum(coalesce(x.{amount}, 1)) AS amount")


def order_counts_query() -> str:
    """The three-order flow per row (orders of ``$orders`` placed before ``$end``, each
    with its status as of then, ``matching.orders.order_status_as_of``; ``$steps``: the
    flow's statuses in order): counts per status of ``$statuses`` and the two middle values
    (seconds) of the sorted times to take and to finish.

    On the community level (``$exact``) an order counts only in the row of its own
    ``community_id``.

    Examples
    --------
    >>> parameters(order_counts_query())
    ['dataset', 'end', 'exact', 'orders', 'row_of', 'statuses', 'steps']
    """
    row = StoreLabel.ROW.value
    rollback = "".join(
        f"WITH o, CASE WHEN o.{col} >= $end AND p > {step} THEN {step} ELSE p END AS p\n"
        for step, col in ((2, "finished_at"), (1, "taken_at"), (0, "dispatched_at")))

    def seconds(col: str) -> str:
        return (f"CASE WHEN o.{col} < $end THEN duration.inSeconds(o.ordered_at, o.{col}).seconds"
                " END")

    return (f"MATCH (o:{row} {{dataset: $dataset, table: $orders}})\n"
            "WHERE o.ordered_at < $end\n"
            "WITH o, coalesce([i IN range(0, size($steps) - 1) WHERE $steps[i] = o.status][0],"
            " -1) AS p\n"
            + rollback
            + "WITH o, CASE WHEN p >= 0 THEN $steps[p] ELSE o.status END AS status,\n"
            "     $row_of[o.community_id] AS row\n"
            "WHERE row <> '' AND (NOT $exact OR row = o.community_id)\n"
            f"WITH row, status, {seconds('taken_at')} AS take,\n"
            f"     {seconds('finished_at')} AS finish\n"
            "ORDER BY take\n"
            "WITH row, collect(take) AS takes, collect({s: status, f: finish}) AS rest\n"
            "UNWIND rest AS r\n"
            "WITH row, takes, r ORDER BY r.f\n"
            "WITH row, takes, collect(r.f) AS finishes, collect(r.s) AS statuses\n"
            "RETURN row, [s IN $statuses | size([x IN statuses WHERE x = s])] AS counts,\n"
            "       takes[(size(takes) - 1) / 2] AS take_lo, takes[size(takes) / 2] AS take_hi,\n"
            "       finishes[(size(finishes) - 1) / 2] AS finish_lo,\n"
            "       finishes[size(finishes) / 2] AS finish_hi")


def org_rows_query() -> str:
    """The row of each organisation of ``$ids``.

    Examples
    --------
    >>> org_rows_query().splitlines()[-1]
    'RETURN $row_of[o.area_id] AS row'
    """
    return ("UNWIND $ids AS oid\n"
            f"MATCH (o:{Label.ORGANIZATION.value} {{dataset: $dataset, id: oid}})\n"
            "RETURN $row_of[o.area_id] AS row")
