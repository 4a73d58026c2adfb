"""Connection failures and a server crash in the middle of a save."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import neo4j
import pytest

import regional_graph as rg
from regional_graph import store
from regional_graph.errors import StoreError
from regional_graph.store.connection import Neo4jSettings
from regional_graph.store.local_server import start_local_server

if TYPE_CHECKING:
    from conftest import BoltTarget


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_server_fails_fast() -> None:
    t0 = time.monotonic()
    with pytest.raises(StoreError, match="unavailable"):
        store.save_graph(rg.datasets.load_sample_district(),
                         uri=f"bolt://127.0.0.1:{_dead_port()}", password="hunter2-secret")
    assert time.monotonic() - t0 < 10


def test_wrong_password_is_clear_and_never_shown(bolt: BoltTarget,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    wrong = "not-the-password-Zq81"
    caplog.set_level(logging.DEBUG)
    t0 = time.monotonic()
    with pytest.raises(StoreError, match="authentication failed") as err:
        store.load_graph(uri=bolt.settings.uri, user=bolt.settings.user, password=wrong,
                         database=bolt.database)
    assert time.monotonic() - t0 < 10
    assert wrong not in str(err.value) and wrong not in repr(err.value)
    assert wrong not in caplog.text
    conn = store.connect(bolt.driver, database=bolt.database)
    assert bolt.settings.password not in repr(conn)
    assert bolt.settings.password not in repr(bolt.settings)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abc.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USERNAME", "alice")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw-from-env")
    monkeypatch.setenv("NEO4J_DATABASE", "prod")
    s = Neo4jSettings.resolve()
    assert (s.uri, s.user, s.password, s.database) == (
        "neo4j+s://abc.databases.neo4j.io", "alice", "pw-from-env", "prod")
    assert "pw-from-env" not in repr(s)
    assert Neo4jSettings.resolve(uri="neo4j://cluster:7687", database="x").database == "x"
    with pytest.raises(StoreError, match="scheme"):
        Neo4jSettings.resolve(uri="http://localhost:7474")
    monkeypatch.delenv("NEO4J_URI")
    with pytest.raises(StoreError, match="NEO4J_URI"):
        Neo4jSettings.resolve()


def test_callers_driver_is_not_closed(bolt: BoltTarget) -> None:
    with store.connect(bolt.driver, database=bolt.database) as conn:
        assert conn.read("RETURN 1 AS x")[0]["x"] == 1
    bolt.driver.verify_connectivity()  # still open


SCALE = rg.datasets.Scale(1, 6, 8.0, 4, 2, 2.0, 8.0, 12.0, 2.0, 2.0, 1)


def _versions() -> tuple[rg.RegionalGraph, rg.RegionalGraph]:
    """v1 and v2: two generated districts (same id scheme, different contents)."""
    v1 = rg.build.graph_from_tables(rg.datasets.generate_tables(SCALE, seed=11), name="v1")
    v2 = rg.build.graph_from_tables(rg.datasets.generate_tables(SCALE, seed=12), name="v2")
    return v1, v2


def _kill_when(srv: object, drv: neo4j.Driver, ready: Callable[[neo4j.Driver], bool],
               run: Callable[[], None]) -> dict[str, object]:
    """Run ``run`` in a thread; SIGKILL the server as soon as ``ready`` holds."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            run()
            outcome["done"] = True
        except StoreError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and thread.is_alive():
        try:
            if ready(drv):
                break
        except neo4j.exceptions.Neo4jError:
            pass
        time.sleep(0.02)
    srv.kill()  # type: ignore[attr-defined]
    thread.join(180)
    assert not thread.is_alive()
    return outcome


def _writing(drv: neo4j.Driver, nodes: int = 0, rels: int = 0) -> bool:
    """Whether the version being written has at least ``nodes`` nodes and ``rels`` rels."""
    rec = drv.execute_query(
        "MATCH (v:RGVersion {status: 'writing'}) "
        "CALL (v) { MATCH (n:Organization {dataset: v.scope}) RETURN count(n) AS n } "
        "CALL (v) { MATCH ()-[r:COVERED_BY]->() WHERE r.dataset = v.scope "
        "RETURN count(r) AS r } RETURN n, r", database_="neo4j").records
    return bool(rec) and rec[0]["n"] >= nodes and rec[0]["r"] >= rels


def _switched(drv: neo4j.Driver, before: str | None) -> bool:
    rec = drv.execute_query("MATCH (d:RGDataset {dataset: 'x'}) RETURN d.current AS s",
                            database_="neo4j").records
    return bool(rec) and rec[0]["s"] != before


def _current(drv: neo4j.Driver) -> str | None:
    rec = drv.execute_query("MATCH (d:RGDataset {dataset: 'x'}) RETURN d.current AS s",
                            database_="neo4j").records
    return rec[0]["s"] if rec else None


def test_kill_at_any_point_of_push_and_sync_leaves_old_or_new(tmp_path: Path) -> None:
    """SIGKILL the server at several points of a save; after a restart on the same data the
    dataset is the complete old or the complete new version, never a mixture."""
    v1, v2 = _versions()
    assert v1 != v2 and v1.number_of_nodes() > 2000
    with start_local_server(tmp_path / "db", gds=False) as srv:
        def conn() -> store.Connection:
            return store.connect(uri=srv.uri, user=srv.auth[0], password=srv.auth[1],
                                 database=srv.database, retry_time=2)

        def load() -> rg.RegionalGraph:
            with conn() as c:
                return store.load_graph(c, dataset="x")

        # the first push, killed half-way: no dataset yet, and pull says so clearly
        with srv.driver() as drv:
            got = _kill_when(srv, drv, lambda d: _writing(d, nodes=100),
                             lambda: store.save_graph(v1, conn(), dataset="x", batch_size=50,
                                                      progress=False))
        assert "error" in got
        srv.restart()
        with pytest.raises(StoreError, match=r"不完整|incomplete"):
            load()
        with conn() as c:
            store.save_graph(v1, c, dataset="x", progress=False)
        assert load() == v1
        state = v1
        # (sync?, kill point) — before any relationship, among the relationships, right
        # after the pointer switched (the old version not yet deleted)
        points = [(True, {"nodes": 100}), (True, {"nodes": 1, "rels": 50}), (True, None),
                  (False, {"nodes": 100})]
        for sync, when in points:
            new = v2 if state == v1 else v1
            expected = new
            if not sync:  # an upsert's new version: old ∪ new, computed without a crash
                with conn() as c:
                    store.save_graph(state, c, dataset="ref", sync=True, progress=False)
                    store.save_graph(new, c, dataset="ref", progress=False)
                    expected = store.load_graph(c, dataset="ref")
                assert expected not in (state, new)
            with srv.driver() as drv:
                before = _current(drv)
                ready = (lambda d, w=when: _writing(d, **w)) if when else \
                    (lambda d, b=before: _switched(d, b))
                got = _kill_when(srv, drv, ready, lambda n=new, s=sync: store.save_graph(
                    n, conn(), dataset="x", sync=s, batch_size=100, progress=False))
            srv.restart()
            after = load()
            assert after in (state, expected), f"a mixture after a kill at {when}"
            if "done" in got:
                assert after == expected
            if when is None:  # killed after the switch: the new version is what readers see
                assert after == expected
            with conn() as c:  # a save after the crash completes and cleans up
                store.save_graph(new, c, dataset="x", sync=True, progress=False)
            assert load() == new
            state = new
        with srv.driver() as drv:
            status = [r["s"] for r in drv.execute_query(
                "MATCH (v:RGVersion {of: 'x'}) RETURN v.status AS s",
                database_=srv.database).records]
        # one current version; superseded ones are gone; what the killed saves had begun
        # stays `writing` (never read) until a save finds it stale, or the dataset is deleted
        assert sorted(status) == ["current"] + ["writing"] * (len(status) - 1)
        with conn() as c:
            store.delete_dataset("x", c)
        with srv.driver() as drv:
            left = drv.execute_query("MATCH (n) WHERE n.dataset STARTS WITH 'x#' OR n.of = 'x' "
                                     "RETURN count(n) AS n", database_=srv.database).records
        assert left[0]["n"] == 0
        # this server runs without Graph Data Science: the GDS analytics say so clearly
        with conn() as c, pytest.raises(StoreError, match="Graph Data Science"):
            store.gds.components(c, dataset="x", as_of="2026-10-01")


def test_concurrent_syncs_give_one_complete_version(db: BoltTarget) -> None:
    v1, v2 = _versions()
    store.save_graph(v1, db.driver, database=db.database, dataset="race", progress=False)
    errors: list[BaseException] = []

    def push(G: rg.RegionalGraph) -> None:
        try:
            store.save_graph(G, db.driver, database=db.database, dataset="race", sync=True,
                             batch_size=500, progress=False)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(G,)) for G in (v2, v1, v2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    assert not errors
    got = store.load_graph(db.driver, database=db.database, dataset="race")
    assert got in (v1, v2)
    assert db.count("MATCH (v:RGVersion {of: 'race'}) RETURN count(v)") == 1
    scope = db.scope("race")
    assert db.count("MATCH (n) WHERE n.dataset STARTS WITH 'race#' AND n.dataset <> $s "
                    "RETURN count(n)", s=scope) == 0  # the losers' versions are gone


def test_unsupported_values_are_refused_before_writing(db: BoltTarget,
                                                       raw_tables: dict) -> None:
    from decimal import Decimal

    G = rg.build.graph_from_tables(raw_tables, name="t")
    orgs = G.nodes["Organization"].copy()
    orgs["金额"] = [Decimal("1.5"), None, 2.0, "x"][: len(orgs)]
    orgs["标签"] = [None, {"a"}, None, None][: len(orgs)]
    orgs["复数"] = [None, None, complex(1, 2), None][: len(orgs)]
    bad = rg.RegionalGraph(nodes={**G.nodes, "Organization": orgs}, edges=G.edges,
                           activities=G.activities, orders=G.orders, name=G.name)
    with pytest.raises(StoreError) as err:
        store.save_graph(bad, db.driver, database=db.database, dataset="t", progress=False)
    text = str(err.value)
    assert "金额" in text and "Decimal" in text and "标签" in text and "set" in text
    assert "复数" in text and "complex" in text and "organizations" in text
    assert db.count("MATCH (n) RETURN count(n)") == 0  # nothing written
