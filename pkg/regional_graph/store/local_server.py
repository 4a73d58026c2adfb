"""Local Bolt test server built from the ``arcadedb-embedded`` wheel.

The wheel ships ArcadeDB's jars together with a private JRE, so a Neo4j-compatible
Bolt endpoint can be started without Docker or a system Java.  The server runs as a
subprocess; connect to it with the official ``neo4j`` driver::

    with start_local_server() as srv:
        with neo4j.GraphDatabase.driver(srv.uri, auth=srv.auth) as driver:
            driver.execute_query("RETURN 1", database_=srv.database)

CI and notebooks can run ``python -m regional_graph.store.local_server --env-file .env``
which writes ``NEO4J_URI`` / ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``
and keeps the server alive until SIGTERM.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import importlib.util
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

import neo4j

__all__ = ["LocalBoltServer", "arcadedb_home", "main", "start_local_server"]

log = logging.getLogger(__name__)

USERNAME = "root"
DATABASE = "graph"
LOG_NAME = "server.log"
_START_ATTEMPTS = 3  # new ports are picked when a start fails (e.g. a port got taken)
_LIVE: weakref.WeakSet[LocalBoltServer] = weakref.WeakSet()


def arcadedb_home() -> Path:
    """Return the folder of the installed ``arcadedb_embedded`` package.

    Raises
    ------
    RuntimeError
        If the package is not installed or lacks its bundled ``jre``/``jars``.

    Examples
    --------
    ```python
    home = arcadedb_home()          # the installed arcadedb_embedded package
    assert (home / "jars").is_dir()
    ```
    """
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("arcadedb-embedded is not installed (pip install arcadedb-embedded)")
    home = Path(next(iter(spec.submodule_search_locations)))
    if not _java(home).is_file() or not any((home / "jars").glob("arcadedb-server-*.jar")):
        raise RuntimeError(f"arcadedb_embedded at {home} has no bundled jre/ or server jars/")
    return home


def _java(home: Path) -> Path:
    return home / "jre" / "bin" / ("java.exe" if os.name == "nt" else "java")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "<no server log>"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(eq=False)
class LocalBoltServer:
    """A running ArcadeDB server with the Bolt plugin on loopback.

    Attributes
    ----------
    uri : str
        ``bolt://127.0.0.1:PORT``.
    auth : tuple of str
        ``("root", password)``.
    database : str
        Database name to pass to the driver (``"graph"``).
    data_dir : Path
        Server root folder (databases, config, ``server.log``).

    Examples
    --------
    ```python
    with start_local_server() as server:
        with server.driver() as driver:
            driver.execute_query("RETURN 1", database_=server.database)
    ```
    """

    data_dir: Path
    password: str = field(repr=False)
    http_port: int
    bolt_port: int
    heap: str = "1g"
    timeout: float = 90.0
    database: str = DATABASE
    remove_data_on_exit: bool = False
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def uri(self) -> str:
        """Bolt URI of the server."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def auth(self) -> tuple[str, str]:
        """``(username, password)`` for ``neo4j.GraphDatabase.driver``."""
        return (USERNAME, self.password)

    @property
    def pid(self) -> int | None:
        """Process id of the server, ``None`` when not running."""
        return self._process.pid if self._process is not None else None

    @property
    def log_file(self) -> Path:
        """Server stdout/stderr log."""
        return self.data_dir / LOG_NAME

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def driver(self, **config: object) -> neo4j.Driver:
        """Return a new ``neo4j`` driver for this server (caller closes it).

        Examples
        --------
        ```python
        with server.driver() as driver:
            driver.verify_connectivity()
        ```
        """
        return neo4j.GraphDatabase.driver(self.uri, auth=self.auth, **config)

    def command(self) -> list[str]:
        """Return the java command line that starts this server.

        Examples
        --------
        ```python
        argv = server.command()          # the java command line that starts the server
        ```
        """
        home = arcadedb_home()
        d = self.data_dir
        props = {
            "arcadedb.server.rootPath": d,
            "arcadedb.server.databaseDirectory": d / "databases",
            "arcadedb.server.rootPassword": self.password,
            "arcadedb.server.defaultDatabases": f"{self.database}[{USERNAME}]",
            "arcadedb.server.httpIncomingHost": "127.0.0.1",
            "arcadedb.server.httpIncomingPort": self.http_port,
            "arcadedb.server.plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "arcadedb.bolt.host": "127.0.0.1",
            "arcadedb.bolt.port": self.bolt_port,
        }
        return [
            str(_java(home)),
            f"-Xmx{self.heap}",
            "-cp",
            str(home / "jars" / "*"),
            *(f"-D{key}={value}" for key, value in props.items()),
            "com.arcadedb.server.ArcadeDBServer",
        ]

    def start(self) -> Self:
        """Start the process (if not running) and wait until ``RETURN 1`` succeeds.

        Examples
        --------
        ```python
        server.start()                  # start the process (start_local_server does this)
        ```
        """
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self._process = subprocess.Popen(
                self.command(),
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _LIVE.add(self)
        log.info("starting ArcadeDB (pid %s) in %s", self.pid, self.data_dir)
        self.wait_ready(self.timeout)
        log.info("ArcadeDB Bolt server ready at %s (database %r)", self.uri, self.database)
        return self

    def wait_ready(self, timeout: float) -> None:
        """Block until the ``graph`` database answers ``RETURN 1``.

        Raises
        ------
        RuntimeError
            On timeout or if the process exits; the message holds the log tail.

        Examples
        --------
        ```python
        server.wait_ready(timeout=60)   # until RETURN 1 succeeds
        ```
        """
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        with self.driver(connection_timeout=2.0, connection_acquisition_timeout=5.0) as drv:
            while time.monotonic() < deadline:
                if not self.running:
                    code = self._process.returncode if self._process else None
                    raise RuntimeError(
                        f"ArcadeDB exited with code {code} during start-up; log tail:\n"
                        f"{_tail(self.log_file)}"
                    )
                try:  # a plain session: execute_query would retry (and log) internally
                    with drv.session(database=self.database) as session:
                        session.run("RETURN 1 AS ok").consume()
                except Exception as exc:  # not listening yet, or database not created yet
                    last = exc
                    time.sleep(0.25)
                else:
                    return
        self.kill()
        raise RuntimeError(
            f"ArcadeDB not ready at {self.uri} after {timeout:.0f}s (last error: {last!r}); "
            f"log tail:\n{_tail(self.log_file)}"
        )

    def stop(self, grace: float = 10.0) -> None:
        """Stop gracefully (SIGTERM), then SIGKILL after ``grace`` seconds.

        Examples
        --------
        ```python
        server.stop()                   # graceful, then SIGKILL after a grace period
        ```
        """
        proc = self._process
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                log.warning("ArcadeDB pid %s ignored SIGTERM; killing it", proc.pid)
                proc.kill()
                proc.wait()
        log.info("ArcadeDB pid %s stopped (code %s)", proc.pid, proc.returncode)
        self._process = None

    def kill(self) -> None:
        """Kill the process with SIGKILL (simulates a crash; no clean shutdown).

        Examples
        --------
        ```python
        server.kill()                   # simulate a crash mid-save
        server.restart()
        ```
        """
        proc = self._process
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.info("ArcadeDB pid %s killed", proc.pid)
        self._process = None

    def restart(self) -> Self:
        """Stop if running, then start again on the same ports and data folder.

        Examples
        --------
        ```python
        server.kill()
        server.restart()                # same ports and data folder
        ```
        """
        self.stop()
        return self.start()

    def clear(self, *, schema: bool = True, batch_size: int = 10_000) -> int:
        """Delete all nodes and relationships (and by default all schema).

        With ``schema=True`` the ``graph`` database is dropped and re-created through
        ArcadeDB's HTTP API (~0.1 s): this also removes constraints, indexes, labels and
        the property types ArcadeDB infers, which Cypher ``DROP`` cannot all remove.
        With ``schema=False`` nodes are removed with batched ``DETACH DELETE`` and
        constraints/indexes are kept.  Open drivers stay usable either way.

        Returns
        -------
        int
            Number of nodes deleted.

        Examples
        --------
        ```python
        server.clear()                  # empty database, constraints dropped
        server.clear(schema=False)      # delete data, keep constraints
        ```
        """
        with self.driver() as drv:
            records, _, _ = drv.execute_query(
                "MATCH (n) RETURN count(n) AS c", database_=self.database
            )
            total = int(records[0]["c"])
            if schema:
                self._server_command(f"drop database {self.database}")
                self._server_command(f"create database {self.database}")
            else:
                while True:
                    records, _, _ = drv.execute_query(
                        "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS c",
                        batch=batch_size,
                        database_=self.database,
                    )
                    if not records or int(records[0]["c"]) < batch_size:
                        break
        log.info("cleared %d nodes from %s (schema=%s)", total, self.uri, schema)
        return total

    def _server_command(self, command: str) -> None:
        """Run an ArcadeDB server command (e.g. ``create database x``) over HTTP."""
        token = base64.b64encode(f"{USERNAME}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise RuntimeError(f"ArcadeDB command {command!r} failed: {detail}") from exc

    def close(self) -> None:
        """Stop the server and remove ``data_dir`` if it was created as a temp folder.

        Examples
        --------
        ```python
        server.close()                  # stop and remove a temporary data folder
        ```
        """
        self.stop()
        if self.remove_data_on_exit:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def start_local_server(
    data_dir: Path | None = None, *, heap: str = "1g", timeout: float = 90.0
) -> LocalBoltServer:
    """Start an ArcadeDB server with Bolt on free loopback ports and wait until it is ready.

    Parameters
    ----------
    data_dir : Path, optional
        Server root folder; a temp folder (removed on ``close()``) when omitted.
    heap : str
        JVM max heap (``-Xmx``).
    timeout : float
        Seconds to wait for the ``graph`` database to answer ``RETURN 1``.

    Raises
    ------
    RuntimeError
        If the server exits or is not ready in time (message contains the log tail).

    Examples
    --------
    ```python
    server = start_local_server()
    print(server.uri)               # bolt://127.0.0.1:<port>
    server.stop()
    ```
    """
    arcadedb_home()  # fail early with a clear message
    temp = data_dir is None
    root = Path(tempfile.mkdtemp(prefix="arcadedb-")) if data_dir is None else Path(data_dir)
    root = root.resolve()
    password = secrets.token_urlsafe(18)  # ArcadeDB requires >= 8 characters
    for attempt in range(1, _START_ATTEMPTS + 1):
        server = LocalBoltServer(
            data_dir=root,
            password=password,
            http_port=_free_port(),
            bolt_port=_free_port(),
            heap=heap,
            timeout=timeout,
            remove_data_on_exit=temp,
        )
        try:
            return server.start()
        except RuntimeError:
            server.kill()
            in_use = "Address already in use" in _tail(server.log_file, 200)
            if attempt == _START_ATTEMPTS or not in_use:
                if temp:
                    shutil.rmtree(root, ignore_errors=True)
                raise
            log.warning("port clash on start attempt %d; retrying with new ports", attempt)
    raise AssertionError("unreachable")


@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        with contextlib.suppress(Exception):
            server.close()


def main(argv: list[str] | None = None) -> None:
    """Run a server until SIGTERM/SIGINT; optionally write its connection settings.

    Examples
    --------
    ```python
    # python -m regional_graph.store.local_server --env-file .neo4j.env
    main(["--env-file", ".neo4j.env"])   # runs until SIGTERM
    ```
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, help="write NEO4J_* settings to this file")
    parser.add_argument("--data-dir", type=Path, help="server root (default: temp folder)")
    parser.add_argument("--heap", default="1g", help="JVM max heap, e.g. 1g")
    parser.add_argument("--timeout", type=float, default=90.0, help="start-up timeout (s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        log.info("received signal %d; stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    with start_local_server(args.data_dir, heap=args.heap, timeout=args.timeout) as server:
        log.info("NEO4J_URI=%s database=%s pid=%s", server.uri, server.database, server.pid)
        if args.env_file is not None:
            tmp = args.env_file.with_name(args.env_file.name + ".tmp")
            tmp.write_text(
                f"NEO4J_URI={server.uri}\n"
                f"NEO4J_USERNAME={server.auth[0]}\n"
                f"NEO4J_PASSWORD={server.auth[1]}\n"
                f"NEO4J_DATABASE={server.database}\n",
                encoding="utf-8",
            )
            tmp.replace(args.env_file)  # atomic: pollers never see a partial file
            log.info("wrote connection settings to %s", args.env_file)
        while not stop.is_set():
            if not server.running:
                log.error("ArcadeDB exited unexpectedly; log tail:\n%s", _tail(server.log_file))
                raise SystemExit(1)
            stop.wait(1.0)


if __name__ == "__main__":
    main()
