"""A real local Neo4j 5 for tests and for users without a server.

``neo4j-launcher/`` (a small Maven project kept in the repository) starts Neo4j's official
test harness in-process with Bolt on loopback, the Graph Data Science procedures registered,
password authentication, and its store in a data directory of our choosing, so a server
killed with SIGKILL restarts on the same data. ``neo4j-launcher/build.sh`` builds the
launcher (``.ci/run`` runs it); :func:`launcher_jar` runs it on first use.
The server runs as a subprocess; connect to it with the official ``neo4j`` driver::

    with start_local_server() as srv:
        with srv.driver() as driver:
            driver.execute_query("RETURN 1", database_=srv.database)

CI and notebooks can run ``python -m regional_graph.store.local_server --env-file .env``
which writes ``NEO4J_URI`` / ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``
and keeps the server alive until SIGTERM.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import neo4j

__all__ = ["LocalBoltServer", "launcher_jar", "main", "start_local_server"]

log = logging.getLogger(__name__)

USERNAME = "neo4j"
DATABASE = "neo4j"
LOG_NAME = "launcher.log"
#: Environment variable naming a prebuilt launcher jar (else the repository's own is used).
JAR_ENV = "REGIONAL_GRAPH_NEO4J_LAUNCHER"
_LIVE: weakref.WeakSet[LocalBoltServer] = weakref.WeakSet()


def _project_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "neo4j-launcher"


def launcher_jar(*, build: bool = True) -> Path:
    """The launcher jar, made current by ``neo4j-launcher/build.sh`` first.

    ``build.sh`` is the repository's one Maven build (``scripts/maven_build.sh``, as
    ``.ci/run`` runs it): nothing to do while the jar is newer than ``pom.xml`` and the
    sources, else ``mvn package`` offline from ``~/.m2`` when it holds everything, online
    otherwise. ``build=False`` takes the jar as it is. ``$REGIONAL_GRAPH_NEO4J_LAUNCHER``
    names a prebuilt jar instead (an installed package carries no launcher project).

    Raises
    ------
    RuntimeError
        No jar and it cannot be built, naming what is missing (the project, ``bash``,
        ``mvn``), or the build failed (the message holds Maven's output).

    Examples
    --------
    ```python
    jar = launcher_jar()        # neo4j-launcher/target/neo4j-launcher.jar
    ```
    """
    given = os.environ.get(JAR_ENV)
    if given:
        if not Path(given).is_file():
            raise RuntimeError(f"{JAR_ENV}={given} is not a file")
        return Path(given)
    project = _project_dir()
    jar = project / "target" / "neo4j-launcher.jar"
    script = project / "build.sh"
    if not build:
        if jar.is_file():
            return jar
        raise RuntimeError(f"the Neo4j launcher is not built ({jar}); run `bash {script}`")
    if not script.is_file():
        raise RuntimeError(f"cannot build the Neo4j launcher: no project at {project} (an "
                           f"installed package has none: set {JAR_ENV} to a built jar)")
    bash = shutil.which("bash")
    if bash is None:
        raise RuntimeError("cannot build the Neo4j launcher: no `bash` on PATH")
    if not jar.is_file():
        log.info("building the Neo4j launcher with Maven (first run downloads Neo4j and GDS)")
    done = subprocess.run([bash, str(script)], capture_output=True, text=True, check=False)
    if done.returncode == 0 and jar.is_file():
        return jar
    if shutil.which("mvn") is None:
        raise RuntimeError(f"cannot build the Neo4j launcher ({jar} is missing or older than "
                           "its sources): no `mvn` on PATH")
    raise RuntimeError(f"building the Neo4j launcher failed (bash {script}):\n"
                       f"{done.stdout[-3000:]}{done.stderr[-2000:]}")


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    found = shutil.which("java")
    if found is None:
        raise RuntimeError("no `java` on PATH (Java 17 or newer is needed for the local Neo4j)")
    return found


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "<no server log>"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(eq=False)
class LocalBoltServer:
    """A running local Neo4j (the launcher) with Bolt on loopback.

    Attributes
    ----------
    uri : str
        ``bolt://127.0.0.1:PORT`` (the port is kept across restarts).
    auth : tuple of str
        ``("neo4j", password)``.
    database : str
        Database name to pass to the driver (``"neo4j"``).
    data_dir : Path
        Server home (``data/`` holds the store, ``launcher.log`` the output).
    gds : bool
        Whether the Graph Data Science procedures are registered.

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
    bolt_port: int = 0
    heap: str = "1g"
    timeout: float = 300.0
    gds: bool = True
    database: str = DATABASE
    remove_data_on_exit: bool = False
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _stdin: IO[bytes] | None = field(default=None, repr=False)

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
        """Launcher stdout/stderr log."""
        return self.data_dir / LOG_NAME

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def driver(self, **config: Any) -> neo4j.Driver:
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
        argv = server.command()          # java … -jar neo4j-launcher.jar --data-dir …
        ```
        """
        argv = [_java(), f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", str(launcher_jar()), "--data-dir", str(self.data_dir),
                "--port", str(self.bolt_port)]
        return argv + ([] if self.gds else ["--no-gds"])

    def start(self) -> Self:
        """Start the process (if not running) and wait until it prints ``READY``.

        Examples
        --------
        ```python
        server.start()                  # start the process (start_local_server does this)
        ```
        """
        if self.running:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        argv = self.command()
        env = {**os.environ, "RG_NEO4J_PASSWORD": self.password}  # not on the command line
        with self.log_file.open("ab") as out:
            self._process = subprocess.Popen(
                argv, cwd=self.data_dir, env=env, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=out)
        self._stdin = self._process.stdin  # closing it stops the server (no orphans)
        _LIVE.add(self)
        log.info("starting Neo4j (pid %s) in %s", self.pid, self.data_dir)
        line = self._wait_line(self.timeout)
        self.bolt_port = int(line.rsplit(":", 1)[1])
        log.info("Neo4j ready at %s (database %r)", self.uri, self.database)
        return self

    def _wait_line(self, timeout: float) -> str:
        proc = self._process
        assert proc is not None and proc.stdout is not None
        found: list[str] = []

        def read() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                text = raw.decode("utf-8", "replace").strip()
                if text.startswith("READY "):
                    found.append(text)
                    break
            # keep draining so the launcher never blocks on a full pipe
            for _ in proc.stdout:
                pass

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not found and proc.poll() is None:
            time.sleep(0.1)
        if found:
            return found[0]
        code = proc.poll()
        self.kill()
        why = f"exited with code {code}" if code is not None else \
            f"not ready after {timeout:.0f}s"
        raise RuntimeError(f"local Neo4j {why}; log tail:\n{_tail(self.log_file)}")

    def stop(self, grace: float = 60.0) -> None:
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
                log.warning("Neo4j pid %s ignored SIGTERM; killing it", proc.pid)
                proc.kill()
                proc.wait()
        self._close_pipes()
        log.info("Neo4j pid %s stopped (code %s)", proc.pid, proc.returncode)
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
        self._close_pipes()
        log.info("Neo4j pid %s killed", proc.pid)
        self._process = None

    def _close_pipes(self) -> None:
        for pipe in (self._stdin, self._process.stdout if self._process else None):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        self._stdin = None

    def restart(self) -> Self:
        """Stop if running, then start again on the same port and data folder.

        Examples
        --------
        ```python
        server.kill()
        server.restart()                # same port and data folder, recovered store
        ```
        """
        self.stop()
        return self.start()

    def clear(self, *, schema: bool = True, batch_size: int = 10_000) -> int:
        """Delete all nodes and relationships (and by default all constraints and indexes).

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
            total = 0
            while True:
                records, _, _ = drv.execute_query(
                    "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS c",
                    batch=batch_size, database_=self.database)
                n = int(records[0]["c"])
                total += n
                if n < batch_size:
                    break
            if schema:
                for kind, show in (("CONSTRAINT", "CONSTRAINTS"), ("INDEX", "INDEXES")):
                    records, _, _ = drv.execute_query(
                        f"SHOW {show} YIELD name, type RETURN name, type",
                        database_=self.database)
                    for rec in records:
                        if kind == "INDEX" and rec["type"] == "LOOKUP":
                            continue  # the built-in label/type lookup indexes stay
                        name = str(rec["name"]).replace("`", "``")
                        drv.execute_query(f"DROP {kind} `{name}` IF EXISTS",
                                          database_=self.database)
        log.info("cleared %d nodes from %s (schema=%s)", total, self.uri, schema)
        return total

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
    data_dir: Path | None = None, *, heap: str = "1g", timeout: float = 300.0,
    gds: bool = True, password: str | None = None,
) -> LocalBoltServer:
    """Start a local Neo4j with Bolt on a free loopback port and wait until it is ready.

    Parameters
    ----------
    data_dir : Path, optional
        Server home; a temp folder (removed on ``close()``) when omitted. Starting again on
        the same folder (with the same ``password``) finds the data committed before.
    heap : str
        JVM max heap (``-Xmx``).
    timeout : float
        Seconds to wait for the server (a busy two-core machine needs a minute or two).
    gds : bool
        Register the Graph Data Science procedures (start-up is faster without).
    password : str, optional
        The ``neo4j`` user's password (random when omitted).

    Raises
    ------
    RuntimeError
        If the launcher cannot be built or the server exits or is not ready in time (the
        message holds the log tail).

    Examples
    --------
    ```python
    server = start_local_server()
    print(server.uri)               # bolt://127.0.0.1:<port>
    server.stop()
    ```
    """
    launcher_jar()  # fail early with a clear message
    temp = data_dir is None
    root = Path(tempfile.mkdtemp(prefix="neo4j-")) if data_dir is None else Path(data_dir)
    server = LocalBoltServer(
        data_dir=root.resolve(), password=password or secrets.token_urlsafe(18), heap=heap,
        timeout=timeout, gds=gds, remove_data_on_exit=temp)
    try:
        return server.start()
    except BaseException:
        server.kill()
        if temp:
            shutil.rmtree(root, ignore_errors=True)
        raise


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
    parser.add_argument("--data-dir", type=Path, help="server home (default: temp folder)")
    parser.add_argument("--heap", default="1g", help="JVM max heap, e.g. 1g")
    parser.add_argument("--timeout", type=float, default=300.0, help="start-up timeout (s)")
    parser.add_argument("--no-gds", action="store_true", help="without Graph Data Science")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        log.info("received signal %d; stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    with start_local_server(args.data_dir, heap=args.heap, timeout=args.timeout,
                            gds=not args.no_gds) as server:
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
                log.error("Neo4j exited unexpectedly; log tail:\n%s", _tail(server.log_file))
                raise SystemExit(1)
            stop.wait(1.0)


if __name__ == "__main__":
    main()
