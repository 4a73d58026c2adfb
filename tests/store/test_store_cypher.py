"""The Cypher builders: labels and types only from the enums, values only as parameters."""

from __future__ import annotations

import re

import pytest

from regional_graph.schema import Label, RelType
from regional_graph.store import cypher

ALLOWED = {*(lbl.value for lbl in Label), *(t.value for t in RelType),
           *(s.value for s in cypher.StoreLabel)}


def _all_statements() -> list[str]:
    out = list(cypher.schema_statements())
    for label in cypher.NODE_LABELS:
        out += [cypher.merge_nodes(label, replace=r) for r in (True, False)]
        out += [cypher.node_keys(label), cypher.delete_nodes(label), cypher.read_nodes(label),
                cypher.delete_dataset_nodes(label), cypher.create_nodes(label)]
    for rel in RelType:
        out += [cypher.merge_relationships(rel, Label.AREA, Label.AREA, replace=True),
                cypher.relationship_keys(rel, Label.AREA),
                cypher.delete_relationships(rel, Label.AREA), cypher.count_relationships(rel)]
    out += [cypher.uncovered_query(), cypher.should_build_query(),
            cypher.isolated_units_query(), cypher.unpaired_communities_query(),
            cypher.areas_of_level_query(), cypher.coverage_counts_query(),
            cypher.read_dataset(), cypher.list_datasets(), cypher.write_dataset(),
            cypher.any_node()]
    return out


def test_labels_and_types_come_from_the_enums() -> None:
    for statement in _all_statements():
        for name in re.findall(r"[(\[|]\s*\w*\s*:\s*([A-Za-z_]\w*)", statement):
            assert name in ALLOWED, (name, statement)
        assert "apoc." not in statement.lower()
        assert not re.search(r"\b(id|elementId)\(", statement), statement


@pytest.mark.parametrize("bad", ["Area) DETACH DELETE (n", "Person", "`Area`", ""])
def test_builders_refuse_other_names(bad: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        cypher.merge_nodes(bad, replace=False)
    with pytest.raises(ValueError, match="not a"):
        cypher.merge_relationships(bad, Label.AREA, Label.AREA, replace=False)


def test_exact_merge_statement() -> None:
    assert cypher.merge_nodes(Label.DEMAND, replace=True) == (
        "UNWIND $rows AS row\n"
        "MERGE (n:Demand {dataset: $dataset, id: row.id})\n"
        "SET n = row.props"
    )
