"""Connection failures and a server crash in the middle of a save."""

from __future__ import annotations

import logging
import socket
import threading
import time
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


def test_kill_mid_save_then_save_again() -> None:
    scale = rg.datasets.Scale(1, 6, 8.0, 4, 2, 2.0, 8.0, 12.0, 2.0, 2.0, 1)
    G = rg.build.graph_from_tables(rg.datasets.generate_tables(scale, seed=11))
    assert G.number_of_nodes() > 2000
    with start_local_server() as srv:
        outcome: dict[str, object] = {}

        def run() -> None:
            try:
                with store.connect(uri=srv.uri, user=srv.auth[0], password=srv.auth[1],
                                   database=srv.database, retry_time=3) as conn:
                    outcome["summary"] = store.save_graph(G, conn, dataset="big",
                                                          batch_size=250, progress=False)
            except StoreError as exc:
                outcome["error"] = exc

        with srv.driver() as drv:
            thread = threading.Thread(target=run)
            thread.start()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # wait until some batches are committed
                records, _, _ = drv.execute_query(
                    "MATCH (n:Area) RETURN count(n) AS c", database_=srv.database)
                if records[0]["c"] >= 250:
                    break
                time.sleep(0.05)
        srv.kill()
        thread.join(120)
        assert not thread.is_alive()
        assert "error" in outcome, "the save should fail when the server dies"
        srv.restart()
        with srv.driver() as drv:
            records, _, _ = drv.execute_query("MATCH (n) RETURN count(n) AS c",
                                              database_=srv.database)
            partial = records[0]["c"]
            assert 0 < partial < G.number_of_nodes()
            done = store.save_graph(G, drv, database=srv.database, dataset="big",
                                    progress=False)
            assert done.relationships == G.number_of_edges()
            H = store.load_graph(drv, database=srv.database, dataset="big")
            rg.build.assert_tables_equal(rg.build.graph_to_tables(G),
                                         rg.build.graph_to_tables(H))
            records, _, _ = drv.execute_query(
                "MATCH ()-[r]->() WHERE r.dataset = 'big' RETURN count(r) AS c",
                database_=srv.database)
            assert records[0]["c"] == G.number_of_edges()  # no duplicates
            assert isinstance(drv, neo4j.Driver)
