"""Tests for the local Neo4j (the neo4j-launcher Maven project) the store tests run on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from regional_graph.store import local_server
from regional_graph.store.local_server import LocalBoltServer, start_local_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBoltServer]:
    # an explicit data folder (kept after close); no GDS: these tests need plain Neo4j only
    with start_local_server(tmp_path_factory.mktemp("neo4j") / "db", gds=False) as srv:
        yield srv


def _count(srv: LocalBoltServer, query: str = "MATCH (n) RETURN count(n) AS c") -> int:
    with srv.driver() as driver:
        records, _, _ = driver.execute_query(query, database_=srv.database)
    return int(records[0]["c"])


def test_return_1(server: LocalBoltServer) -> None:
    assert server.uri.startswith("bolt://127.0.0.1:")
    assert server.auth[0] == "neo4j"
    assert server.database == "neo4j"
    assert server.pid is not None
    assert server.running
    with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS x", database_=server.database)
    assert records[0]["x"] == 1
    with server.driver() as driver:
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions",
                                             database_=server.database)
    assert records[0]["name"] == "Neo4j Kernel" and records[0]["versions"][0].startswith("5.")
    with pytest.raises(neo4j.exceptions.AuthError):
        neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", "wrong-password")) \
            .verify_connectivity()


def test_kill_restart_keeps_committed_data(server: LocalBoltServer) -> None:
    server.clear()
    with server.driver() as driver:
        driver.execute_query(
            "CREATE CONSTRAINT t_id IF NOT EXISTS FOR (n:T) REQUIRE n.id IS UNIQUE",
            database_=server.database,
        )
        driver.execute_query(
            "UNWIND range(1, 100) AS i CREATE (:T {id: 'n' + toString(i), name: '节点'})",
            database_=server.database,
        )
    old_pid, old_uri = server.pid, server.uri
    server.kill()
    assert not server.running
    assert server.pid is None
    server.restart()
    assert server.running
    assert server.pid != old_pid
    assert server.uri == old_uri
    assert _count(server, "MATCH (n:T) RETURN count(n) AS c") == 100
    assert _count(server, "MATCH (n:T {id: 'n7'}) WHERE n.name = '节点' RETURN count(n) AS c") == 1
    assert (server.data_dir / "data" / "databases" / "neo4j").is_dir()  # our folder, kept


def test_clear_empties_database(server: LocalBoltServer) -> None:
    with server.driver() as driver:
        driver.execute_query(
            "CREATE CONSTRAINT c_id IF NOT EXISTS FOR (n:C) REQUIRE n.id IS UNIQUE",
            database_=server.database,
        )
        driver.execute_query(
            "UNWIND range(1, 50) AS i CREATE (:C {id: i})-[:R {k: i}]->(:D {id: i})",
            database_=server.database,
        )
        # clear(schema=False): data gone, constraint stays
        assert server.clear(schema=False) >= 100
        assert _count(server) == 0
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS", database_=server.database)
        assert "c_id" in {r["name"] for r in records}
        # clear(): data and schema gone; the same driver keeps working
        driver.execute_query("CREATE (:C {id: 1})-[:R]->(:D {id: 1})", database_=server.database)
        assert server.clear() == 2
        assert _count(server) == 0
        assert _count(server, "MATCH ()-[r]->() RETURN count(r) AS c") == 0
        records, _, _ = driver.execute_query("SHOW CONSTRAINTS", database_=server.database)
        assert records == []
        records, _, _ = driver.execute_query("SHOW INDEXES", database_=server.database)
        assert {r["type"] for r in records} <= {"LOOKUP"}  # only Neo4j's built-in ones


def test_main_writes_env_file_and_stops_on_sigterm(tmp_path: Path) -> None:
    env_file = tmp_path / "neo4j.env"
    pkg_root = Path(local_server.__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(pkg_root), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "regional_graph.store.local_server", "--env-file", str(env_file),
         "--no-gds"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 300
        while not env_file.exists():
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "env file not written"
            time.sleep(0.2)
        settings = dict(
            line.split("=", 1) for line in env_file.read_text(encoding="utf-8").splitlines()
        )
        assert set(settings) == {"NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"}
        auth = (settings["NEO4J_USERNAME"], settings["NEO4J_PASSWORD"])
        with neo4j.GraphDatabase.driver(settings["NEO4J_URI"], auth=auth) as driver:
            records, _, _ = driver.execute_query(
                "RETURN 1 AS x", database_=settings["NEO4J_DATABASE"]
            )
        assert records[0]["x"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out.decode()
    assert b"NEO4J_URI=bolt://127.0.0.1:" in out  # logged, not printed


def test_start_failure_reports_log_tail(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="log tail"):
        start_local_server(tmp_path, heap="1k", timeout=30)
