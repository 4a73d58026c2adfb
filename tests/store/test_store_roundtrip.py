"""Save → load round trips, idempotence, dataset scope, sync, injection safety."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import store
from regional_graph.errors import StoreError
from regional_graph.schema import Label, RelType

if TYPE_CHECKING:
    from conftest import BoltTarget


def _same(a: rg.RegionalGraph, b: rg.RegionalGraph) -> None:
    rg.build.assert_tables_equal(rg.build.graph_to_tables(a), rg.build.graph_to_tables(b))


def _graph(raw: dict[str, pd.DataFrame], name: str = "tiny") -> rg.RegionalGraph:
    return rg.build.graph_from_tables(raw, name=name)


def _counts(db: BoltTarget, dataset: str) -> tuple[int, int]:
    """Nodes and relationships of the dataset's current version ((0, 0) when it has none)."""
    found = db.driver.execute_query("MATCH (d:RGDataset {dataset: $ds}) RETURN d.current AS s",
                                    ds=dataset, database_=db.database).records
    if not found:
        return 0, 0
    scope = found[0]["s"]
    nodes = db.count("MATCH (n) WHERE n.dataset = $ds RETURN count(n)", ds=scope)
    rels = db.count("MATCH ()-[r]->() WHERE r.dataset = $ds RETURN count(r)", ds=scope)
    return nodes, rels


def test_sample_round_trip_and_idempotent(db: BoltTarget) -> None:
    G = rg.datasets.load_sample_district()
    first = store.save_graph(G, db.driver, database=db.database, dataset="haian",
                             progress=False)
    assert first.nodes == G.number_of_nodes() + len(G.activities) + len(G.orders)
    assert first.relationships == G.number_of_edges()
    before = _counts(db, "haian")
    assert before == (first.nodes, first.relationships)
    # one version only: the old one is gone after the switch
    assert db.count("MATCH (v:RGVersion) RETURN count(v)") == 1
    H = store.load_graph(db.driver, database=db.database, dataset="haian")
    _same(G, H)
    assert H == G
    assert H.name == G.name
    pd.testing.assert_frame_equal(H.edges, G.edges)
    # saving again changes nothing
    store.save_graph(G, db.driver, database=db.database, dataset="haian", progress=False)
    assert _counts(db, "haian") == before
    assert db.count("MATCH (v:RGVersion) RETURN count(v)") == 1
    assert db.count("MATCH (n) WHERE NOT n:RGDataset AND NOT n:RGVersion "
                    "RETURN count(n)") == before[0]  # the old version was deleted
    _same(G, store.load_graph(db.driver, database=db.database, dataset="haian"))
    # the store's schema exists: one named constraint per label, dataset indexes
    names = {r["name"] for r in db.driver.execute_query(
        "SHOW CONSTRAINTS YIELD name", database_=db.database).records}
    assert {f"rg_{lbl.value.lower()}_key" for lbl in Label} <= names


def test_tiny_round_trip_extras_dates_chinese(db: BoltTarget,
                                              raw_tables: dict[str, pd.DataFrame]) -> None:
    raw_tables["organizations"]["联系电话"] = ["0535-1234567", None, "13800000000", ""]
    raw_tables["links"]["协议编号"] = ["XY-1", None, "共建-2024-01", None, None, "r"]
    raw_tables["areas"]["备注 (note)"] = ["区级", None, None, "老城区", "网格 1"]
    G = _graph(raw_tables)
    store.save_graph(G, db.driver, database=db.database, dataset="tiny", progress=False)
    H = store.load_graph(db.driver, database=db.database, dataset="tiny")
    _same(G, H)
    assert list(H.nodes[Label.ORGANIZATION].columns)[-1] == "联系电话"
    # dates are stored as dates, empty cells as absent properties
    rec = db.driver.execute_query(
        "MATCH (:Organization {dataset: $s, id: 'O2'})-[r:COVERED_BY]->() RETURN r",
        s=db.scope("tiny"), database_=db.database).records[0]["r"]
    assert rec["start"].to_native() == dt.date(2022, 5, 1)
    assert rec.get("end") is None
    node = db.driver.execute_query(
        "MATCH (n:Organization {dataset: $s, id: 'O2'}) RETURN n", s=db.scope("tiny"),
        database_=db.database).records[0]["n"]
    assert node["name"] == "鑫达餐饮管理有限公司"
    assert node.get("lat") is None and node.get("联系电话") is None


def test_two_datasets_share_a_database_and_sync_stays_in_scope(
        db: BoltTarget, raw_tables: dict[str, pd.DataFrame]) -> None:
    A = _graph(raw_tables, "A")
    B = _graph(raw_tables, "B")  # the very same ids, another dataset
    store.save_graph(A, db.driver, database=db.database, dataset="a", progress=False)
    store.save_graph(B, db.driver, database=db.database, dataset="b", progress=False)
    counts_b = _counts(db, "b")
    # change A: drop an organisation (and its links), change and remove properties
    raw = {k: v.copy() for k, v in raw_tables.items()}
    raw["organizations"] = raw["organizations"][raw["organizations"]["id"] != "O4"]
    raw["organizations"].loc[raw["organizations"]["id"] == "O3", "address"] = "新地址"
    raw["organizations"].loc[raw["organizations"]["id"] == "O1", "lat"] = None
    raw["links"] = raw["links"].iloc[1:]
    raw["activities"] = raw["activities"].iloc[:1]
    A2 = _graph(raw, "A")
    done = store.save_graph(A2, db.driver, database=db.database, dataset="a", sync=True,
                            progress=False)
    assert done.deleted_nodes == 2  # O4 and activity A2
    assert done.deleted_relationships >= 2  # the first link, O4's LOCATED_IN
    _same(A2, store.load_graph(db.driver, database=db.database, dataset="a"))
    _same(B, store.load_graph(db.driver, database=db.database, dataset="b"))
    assert _counts(db, "b") == counts_b
    o1 = db.driver.execute_query("MATCH (n:Organization {dataset: $s, id: 'O1'}) RETURN n",
                                 s=db.scope("a"), database_=db.database).records[0]["n"]
    assert o1.get("lat") is None
    datasets = store.list_datasets(db.driver, database=db.database)
    assert datasets["dataset"].tolist() == ["a", "b"]
    with pytest.raises(StoreError, match="pass `dataset`"):
        store.load_graph(db.driver, database=db.database)
    # deleting one dataset leaves the other intact
    assert store.delete_dataset("a", db.driver, database=db.database) > 0
    assert _counts(db, "a") == (0, 0)
    assert _counts(db, "b") == counts_b
    _same(B, store.load_graph(db.driver, database=db.database))  # the only one left


def test_upsert_keeps_what_sync_deletes(db: BoltTarget,
                                        raw_tables: dict[str, pd.DataFrame]) -> None:
    G = _graph(raw_tables)
    store.save_graph(G, db.driver, database=db.database, dataset="t", progress=False)
    raw = {k: v.copy() for k, v in raw_tables.items()}
    raw["demands"] = raw["demands"].iloc[:1]
    smaller = _graph(raw)
    done = store.save_graph(smaller, db.driver, database=db.database, dataset="t",
                            progress=False)
    assert done.deleted_nodes == 0
    assert db.count("MATCH (n:Demand {dataset: $s}) RETURN count(n)", s=db.scope("t")) == 2
    store.save_graph(smaller, db.driver, database=db.database, dataset="t", sync=True,
                     progress=False)
    assert db.count("MATCH (n:Demand {dataset: $s}) RETURN count(n)", s=db.scope("t")) == 1
    _same(smaller, store.load_graph(db.driver, database=db.database, dataset="t"))


NASTY = ["a'}) DETACH DELETE n //", "`x`", "$p", "\\", "\\\\'", '"quoted"', "it's",
         "区域化党建·资联网", "} RETURN 1 //", "MATCH (n) DETACH DELETE n", "\n换行\t制表"]


def test_injection_safe_round_trip(db: BoltTarget, raw_tables: dict[str, pd.DataFrame]) -> None:
    store.save_graph(_graph(raw_tables, "bystander"), db.driver, database=db.database,
                     dataset="bystander", progress=False)
    bystander = _counts(db, "bystander")
    raw = {k: v.copy() for k, v in raw_tables.items()}
    areas = raw["areas"]
    extra = pd.DataFrame({
        "id": [f"X{i}{s}" for i, s in enumerate(NASTY)],
        "name": NASTY,
        "level": "grid",
        "parent_id": "C2",
    }, dtype="str")
    raw["areas"] = pd.concat([areas, extra], ignore_index=True)
    raw["areas"]["a'}) weird `col` $p"] = [*NASTY, *NASTY][: len(raw["areas"])]
    raw["links"].loc[0, "note"] = NASTY[0]
    G = _graph(raw, NASTY[0])
    store.save_graph(G, db.driver, database=db.database, dataset=NASTY[1], progress=False)
    H = store.load_graph(db.driver, database=db.database, dataset=NASTY[1])
    _same(G, H)
    assert H.name == NASTY[0]
    assert set(H.nodes[Label.AREA]["name"]) >= set(NASTY)
    assert _counts(db, "bystander") == bystander


def test_assigned_to_round_trips(db: BoltTarget, raw_tables: dict[str, pd.DataFrame]) -> None:
    G = _graph(raw_tables)
    codes = G.codes(["R1", "Q1"])
    extra = pd.DataFrame({"type": [RelType.ASSIGNED_TO.value], "source": [codes[0]],
                          "target": [codes[1]], "quantity": pd.array([5], dtype="Int64")})
    edges = rg.build.conform_edges(pd.concat([G.edges, extra], ignore_index=True))
    G2 = rg.RegionalGraph(nodes=G.nodes, edges=edges, activities=G.activities,
                          orders=G.orders, name=G.name)
    store.save_graph(G2, db.driver, database=db.database, dataset="m", progress=False)
    H = store.load_graph(db.driver, database=db.database, dataset="m")
    pd.testing.assert_frame_equal(H.edges, G2.edges)


def test_reserved_column_and_bad_arguments(db: BoltTarget,
                                          raw_tables: dict[str, pd.DataFrame]) -> None:
    # user columns named like the store's own properties are kept, never rejected
    raw_tables["areas"]["dataset"] = "x"
    raw_tables["areas"]["pos"] = "第一"
    raw_tables["areas"]["user__dataset"] = "y"
    raw_tables["links"]["key"] = "k"
    raw_tables["links"]["source"] = "s"
    raw_tables["activities"]["table"] = "t"
    G = _graph(raw_tables)
    store.save_graph(G, db.driver, database=db.database, dataset="t", progress=False)
    H = store.load_graph(db.driver, database=db.database, dataset="t")
    rg.build.assert_tables_equal(rg.build.graph_to_tables(H), rg.build.graph_to_tables(G))
    with pytest.raises(StoreError, match="dataset"):
        store.save_graph(G, db.driver, database=db.database, dataset="", progress=False)
    with pytest.raises(StoreError, match="no dataset 'nope'"):
        store.load_graph(db.driver, database=db.database, dataset="nope")
