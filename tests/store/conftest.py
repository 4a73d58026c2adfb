"""Fixtures for the Neo4j store tests: one Bolt server for the whole session.

By default a real local Neo4j 5 with GDS is started (``start_local_server``, the
``neo4j-launcher`` Maven project). When
``NEO4J_URI`` is set, the same tests run against that server instead (with
``NEO4J_USERNAME``/``NEO4J_PASSWORD``/``NEO4J_DATABASE``); a non-empty database is refused
unless ``REGIONAL_GRAPH_TEST_WIPE=1``. A test that needs the server and cannot get it fails:
nothing here skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import neo4j
import pytest

from regional_graph.store.connection import Neo4jSettings
from regional_graph.store.local_server import LocalBoltServer, start_local_server


@dataclass
class BoltTarget:
    """Where the store tests write: settings, one shared driver, the local server (if any)."""

    settings: Neo4jSettings
    driver: neo4j.Driver
    server: LocalBoltServer | None = field(default=None, repr=False)

    @property
    def database(self) -> str | None:
        return self.settings.database

    def conn_args(self) -> dict[str, str | None]:
        """Keyword arguments for the store functions (uri, user, password, database)."""
        s = self.settings
        return {"uri": s.uri, "user": s.user, "password": s.password, "database": s.database}

    def count(self, query: str, **params: object) -> int:
        records, _, _ = self.driver.execute_query(query, params, database_=self.database)
        return int(records[0][0])

    def scope(self, dataset: str) -> str:
        """The scope (``dataset`` property) of the dataset's current complete version."""
        records, _, _ = self.driver.execute_query(
            "MATCH (d:RGDataset {dataset: $ds}) RETURN d.current AS s", ds=dataset,
            database_=self.database)
        assert records and records[0]["s"], f"no complete version of {dataset!r}"
        return str(records[0]["s"])

    def clear(self) -> None:
        """Empty the database (a local server also drops its schema)."""
        if self.server is not None:
            self.server.clear()
            return
        while self.count("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*)") > 0:
            pass


@pytest.fixture(scope="session")
def bolt() -> Iterator[BoltTarget]:
    """The session's Bolt server (the local Neo4j, or ``$NEO4J_URI``)."""
    if os.environ.get("NEO4J_URI"):
        settings = Neo4jSettings.resolve()
        with neo4j.GraphDatabase.driver(settings.uri,
                                        auth=(settings.user, settings.password)) as driver:
            driver.verify_connectivity()
            target = BoltTarget(settings, driver)
            n = target.count("MATCH (n) RETURN count(n)")
            if n and os.environ.get("REGIONAL_GRAPH_TEST_WIPE") != "1":
                pytest.fail(f"the database at NEO4J_URI holds {n} nodes; the store tests wipe it "
                            "between tests: set REGIONAL_GRAPH_TEST_WIPE=1 to allow that")
            yield target
        return
    with start_local_server() as srv, srv.driver() as driver:
        settings = Neo4jSettings(srv.uri, srv.auth[0], srv.auth[1], srv.database)
        yield BoltTarget(settings, driver, srv)


@pytest.fixture
def db(bolt: BoltTarget) -> BoltTarget:
    """The session's server, emptied before the test."""
    bolt.clear()
    return bolt
