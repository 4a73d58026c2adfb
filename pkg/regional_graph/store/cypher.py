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

from enum import StrEnum

from ..schema import Label, RelType

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
    "read_dataset",
    "read_nodes",
    "read_relationships",
    "relationship_keys",
    "schema_statements",
    "write_dataset",
]


class StoreLabel(StrEnum):
    """Labels the store adds beside the schema labels."""

    DATASET = "RGDataset"  # one per dataset: display name, column order, format version
    ACTIVITY = "RGActivity"  # one per row of the activities table


#: Every node label the store writes.
NODE_LABELS: tuple[str, ...] = (*(lbl.value for lbl in Label), StoreLabel.ACTIVITY.value)
#: Property holding the dataset (scope) on every node and relationship.
DATASET_PROPERTY = "dataset"
#: Properties the store reserves on nodes and on relationships (user columns must not use them).
NODE_RESERVED = ("dataset", "pos")
REL_RESERVED = ("dataset", "key", "pos")


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
    """The property that, with ``dataset``, identifies a node of ``label``."""
    return "pos" if _label(label) == StoreLabel.ACTIVITY.value else "id"


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

    >>> schema_statements()[0]
    'CREATE CONSTRAINT rg_area_key IF NOT EXISTS FOR (n:Area) REQUIRE (n.dataset, n.id) IS UNIQUE'
    """
    out = []
    for name in NODE_LABELS:
        key = node_key(name)
        out.append(f"CREATE CONSTRAINT rg_{_slug(name)}_key IF NOT EXISTS FOR (n:{name}) "
                   f"REQUIRE (n.dataset, n.{key}) IS UNIQUE")
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
    for rel in RelType:
        out.append(f"CREATE INDEX rg_{_slug(rel.value)}_key IF NOT EXISTS "
                   f"FOR ()-[r:{rel.value}]-() ON (r.key)")
    return out


# -- writing ---------------------------------------------------------------------------------


def merge_nodes(label: object, *, replace: bool) -> str:
    """Upsert a batch ``$rows`` of ``{id|pos, props}`` of one label in ``$dataset``.

    ``replace`` sets the properties to exactly ``row.props`` (sync); otherwise they are
    merged in (a ``null`` in ``props`` removes that property).
    """
    name = _label(label)
    key = node_key(name)
    op = "=" if replace else "+="
    return (f"UNWIND $rows AS row\n"
            f"MERGE (n:{name} {{dataset: $dataset, {key}: row.{key}}})\n"
            f"SET n {op} row.props")


def merge_relationships(rel: object, source: object, target: object, *, replace: bool) -> str:
    """Upsert a batch ``$rows`` of ``{s, t, key, props}`` between two labels in ``$dataset``.

    Both endpoints are matched by label + ``(dataset, id)``, i.e. through the constraint's
    index (an unlabelled match would scan every node).

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


def write_dataset() -> str:
    """Create or update the dataset's metadata node with ``$props``."""
    return (f"MERGE (d:{StoreLabel.DATASET.value} {{dataset: $dataset}})\n"
            "SET d += $props")


# -- sync / delete ---------------------------------------------------------------------------


def node_keys(label: object) -> str:
    """The keys (``id`` or ``pos``) of the nodes of one label in ``$dataset``."""
    name = _label(label)
    return f"MATCH (n:{name} {{dataset: $dataset}}) RETURN n.{node_key(name)} AS key"


def delete_nodes(label: object) -> str:
    """Detach-delete the nodes of one label in ``$dataset`` whose keys are in ``$keys``."""
    name = _label(label)
    return (f"UNWIND $keys AS k\n"
            f"MATCH (n:{name} {{dataset: $dataset, {node_key(name)}: k}})\n"
            "DETACH DELETE n")


def relationship_keys(rel: object, source: object) -> str:
    """``key`` and source id of every relationship of a type from one label in ``$dataset``."""
    return (f"MATCH (a:{_label(source)} {{dataset: $dataset}})-[r:{_rel(rel)}]->()\n"
            "WHERE r.dataset = $dataset\n"
            "RETURN r.key AS key, a.id AS s")


def delete_relationships(rel: object, source: object) -> str:
    """Delete relationships ``$rows`` of ``{s, key}`` (anchored on the source's index)."""
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:{_label(source)} {{dataset: $dataset, id: row.s}})"
            f"-[r:{_rel(rel)} {{key: row.key}}]->()\n"
            "DELETE r")


def delete_dataset_nodes(label: object) -> str:
    """Detach-delete up to ``$batch`` nodes of one label in ``$dataset``; returns the count."""
    return (f"MATCH (n:{_label(label)} {{dataset: $dataset}})\n"
            "WITH n LIMIT $batch\n"
            "DETACH DELETE n\n"
            "RETURN count(*) AS deleted")


def delete_dataset_meta() -> str:
    """Delete the dataset's metadata node."""
    return f"MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) DELETE d"


# -- reading ---------------------------------------------------------------------------------


def read_dataset() -> str:
    """The metadata node of ``$dataset``."""
    return f"MATCH (d:{StoreLabel.DATASET.value} {{dataset: $dataset}}) RETURN properties(d) AS p"


def list_datasets() -> str:
    """Every dataset in the database, by name."""
    return (f"MATCH (d:{StoreLabel.DATASET.value})\n"
            "RETURN d.dataset AS dataset, d.name AS name\n"
            "ORDER BY dataset")


def read_nodes(label: object) -> str:
    """All properties of every node of one label in ``$dataset``."""
    return f"MATCH (n:{_label(label)} {{dataset: $dataset}}) RETURN properties(n) AS p"


def read_relationships(rel: object, source: object, target: object) -> str:
    """Endpoint ids and properties of every relationship of a type between two labels."""
    return (f"MATCH (a:{_label(source)} {{dataset: $dataset}})-[r:{_rel(rel)}]->"
            f"(b:{_label(target)})\n"
            "WHERE r.dataset = $dataset\n"
            "RETURN a.id AS s, b.id AS t, properties(r) AS p")


def count_nodes(label: object) -> str:
    """Number of nodes of one label in ``$dataset``."""
    return f"MATCH (n:{_label(label)} {{dataset: $dataset}}) RETURN count(n) AS n"


def count_relationships(rel: object) -> str:
    """Number of relationships of one type in ``$dataset``."""
    return f"MATCH ()-[r:{_rel(rel)}]->() WHERE r.dataset = $dataset RETURN count(r) AS n"
