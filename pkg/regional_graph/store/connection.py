"""Connecting to a Neo4j (or Bolt-compatible) server: settings, driver, fast failure.

The caller may pass a ready ``neo4j.Driver`` (it is used as is and never closed here) or
connection settings; missing settings come from ``NEO4J_URI``, ``NEO4J_USERNAME``,
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``. Every URI scheme of the driver works:
``bolt://`` (one server), ``neo4j://`` (a cluster, with routing), ``bolt+s://`` and
``neo4j+s://`` (TLS, e.g. Aura).

An unreachable server or a wrong password raises :class:`~regional_graph.errors.StoreError`
within a bounded time (``verify_connectivity`` right after opening the driver, and a bounded
``max_transaction_retry_time``); the password never appears in a log line, an error message
or a ``repr``.

Examples
--------
>>> Neo4jSettings("bolt://db:7687", "neo4j", "s3cret!!", "neo4j")  # no password in the repr
Neo4jSettings(uri='bolt://db:7687', user='neo4j', database='neo4j')
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as nex

from ..errors import StoreError

__all__ = [
    "DEFAULT_RETRY_TIME",
    "Connection",
    "Neo4jSettings",
    "connect",
    "dataset_of",
    "store_errors",
]

log = logging.getLogger(__name__)

#: Seconds the driver may spend retrying a transaction (transient errors, lost server).
DEFAULT_RETRY_TIME = 15.0
#: Seconds for one TCP connect / TLS handshake.
DEFAULT_CONNECT_TIMEOUT = 5.0
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

T = TypeVar("T")


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect. ``password`` never shows in ``repr``.

    Attributes
    ----------
    uri
        ``bolt://host:7687``, ``neo4j://host`` (cluster routing), ``neo4j+s://…`` (TLS).
    user
        User name.
    password
        Password (excluded from ``repr`` and from every message).
    database
        Database name; ``None`` lets the server pick its default database.

    Examples
    --------
    >>> s = Neo4jSettings.resolve("bolt://localhost:7687", password="pw123456",
    ...                           environ={"NEO4J_DATABASE": "haian"})
    >>> s.user, s.database, "pw123456" in repr(s)
    ('neo4j', 'haian', False)
    """

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> Neo4jSettings:
        """Settings from the arguments, falling back to the ``NEO4J_*`` environment variables.

        Raises
        ------
        StoreError
            When no URI is given or its scheme is not one the driver knows.

        Examples
        --------
        >>> env = {"NEO4J_URI": "neo4j+s://x.databases.neo4j.io", "NEO4J_PASSWORD": "pw123456"}
        >>> s = Neo4jSettings.resolve(environ=env)
        >>> (s.uri, s.user, s.database)
        ('neo4j+s://x.databases.neo4j.io', 'neo4j', None)
        """
        env = os.environ if environ is None else environ
        uri = uri or env.get("NEO4J_URI")
        if not uri:
            raise StoreError(
                "no Neo4j server given: use --uri (`uri=` in Python), e.g. bolt://localhost:7687, "
                "or set NEO4J_URI"
            )
        scheme = urlsplit(uri).scheme.lower()
        if scheme not in _SCHEMES:
            raise StoreError(
                f"`uri` {redact_uri(uri)!r} has the scheme {scheme!r}; expected one of "
                + ", ".join(f"{s}://" for s in _SCHEMES)
            )
        return cls(
            uri=uri,
            user=user or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or "neo4j",
            password=password if password is not None else env.get("NEO4J_PASSWORD", ""),
            database=database or env.get("NEO4J_DATABASE") or None,
        )


def redact_uri(uri: str) -> str:
    """``uri`` without any ``user:password@`` part.

    Examples
    --------
    >>> redact_uri("bolt://neo4j:pw@db:7687")
    'bolt://db:7687'
    """
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class Connection:
    """A driver, the database and (optionally) the dataset to use; closes the driver only if
    it opened it.

    Made by :func:`connect`; use it as a context manager. Every store function takes one
    (``save_graph(G, conn)``, ``load_graph(conn)``, the queries); its ``dataset`` is used when
    a call gives none.

    Examples
    --------
    ``verify=False`` opens the driver without contacting the server (no network here):

    >>> conn = connect(uri="bolt://localhost:7687", password="pw123456", verify=False)
    >>> conn, conn.owns_driver
    (<Connection bolt://localhost:7687 database=None>, True)
    >>> conn.close()
    """

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str | None,
        *,
        owns_driver: bool,
        label: str = "",
        secret: str = "",
        dataset: str | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.dataset = dataset
        self.owns_driver = owns_driver
        self.label = label
        self._secret = secret

    def __repr__(self) -> str:
        ds = f" dataset={self.dataset!r}" if self.dataset is not None else ""
        return f"<Connection {self.label or 'driver'} database={self.database!r}{ds}>"

    def close(self) -> None:
        """Close the driver if this connection opened it.

        Examples
        --------
        >>> with connect(uri="bolt://localhost:7687", verify=False) as conn:
        ...     owned = conn.owns_driver
        >>> owned  # closed on leaving the block
        True
        >>> connect(conn).owns_driver  # wrapping a connection never takes ownership
        False
        """
        if self.owns_driver:
            self.driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def session(self, **config: Any) -> neo4j.Session:
        """A new session on :attr:`database`.

        Examples
        --------
        ```python
        with connect(uri="bolt://localhost:7687", database="neo4j") as conn:
            with conn.session() as s:
                s.run("RETURN 1").consume()
        ```
        """
        # "property key does not exist" (e.g. no organisation has a `founded` date) is no
        # news, also on a driver the caller configured
        config.setdefault("notifications_min_severity", "OFF")
        return self.driver.session(database=self.database, **config)

    def read(self, query: str, **params: Any) -> list[neo4j.Record]:
        """Run a read query (retried on transient errors) and return its records.

        Examples
        --------
        ```python
        from regional_graph.schema import Label
        from regional_graph.store import cypher

        with connect(uri="bolt://localhost:7687") as conn:
            n = conn.read(cypher.count_nodes(Label.AREA), dataset="haian")[0]["n"]
        ```
        """
        with store_errors(self, "read query"), self.session() as s:
            return s.execute_read(_collect, query, params)

    def write(self, query: str, **params: Any) -> neo4j.ResultSummary:
        """Run one write statement in its own transaction (retried on transient errors).

        Examples
        --------
        ```python
        from regional_graph.store import cypher

        with connect(uri="bolt://localhost:7687") as conn:
            conn.write(cypher.write_dataset(), dataset="haian", props={"name": "海岚区"})
        ```
        """
        with store_errors(self, "write"), self.session() as s:
            return s.execute_write(_consume, query, params)

    def write_tx(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run ``work(tx)`` in one write transaction (all or nothing, retried if transient).

        Examples
        --------
        ```python
        from regional_graph.schema import Label
        from regional_graph.store import cypher

        def work(tx):
            tx.run(cypher.delete_nodes(Label.AREA), dataset="haian", keys=["G0001"])
            return tx.run(cypher.count_nodes(Label.AREA), dataset="haian").single()["n"]

        with connect(uri="bolt://localhost:7687") as conn:
            remaining = conn.write_tx(work)
        ```
        """
        with store_errors(self, "write"), self.session() as s:
            return s.execute_write(work)

    def scrub(self, text: str) -> str:
        """``text`` with the password (if any) replaced by ``***``.

        Examples
        --------
        >>> with connect(uri="bolt://localhost:7687", password="pw123456",
        ...              verify=False) as conn:
        ...     conn.scrub("login with pw123456 failed")
        'login with *** failed'
        """
        return text.replace(self._secret, "***") if self._secret else text


def dataset_of(target: object, dataset: str | None) -> str | None:
    """``dataset`` if given, else the dataset of a :class:`Connection` ``target`` (or ``None``).

    Examples
    --------
    >>> conn = connect(uri="bolt://localhost:7687", dataset="haian", verify=False)
    >>> dataset_of(conn, None), dataset_of(conn, "other"), dataset_of(None, None)
    ('haian', 'other', None)
    >>> conn.close()
    """
    if dataset is not None:
        return dataset
    return target.dataset if isinstance(target, Connection) else None


def _collect(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> list[Any]:
    return list(tx.run(query, params))


def _consume(
    tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]
) -> neo4j.ResultSummary:
    return tx.run(query, params).consume()


@contextmanager
def store_errors(conn: Connection | None, what: str) -> Iterator[None]:
    """Turn driver exceptions into :class:`StoreError` (password scrubbed from the text).

    Examples
    --------
    >>> from neo4j.exceptions import ServiceUnavailable
    >>> conn = connect(uri="bolt://localhost:7687", password="pw123456", verify=False)
    >>> try:
    ...     with store_errors(conn, "read query"):
    ...         raise ServiceUnavailable("no route (password pw123456)")
    ... except StoreError as err:
    ...     print(err)
    read query: server unavailable [bolt://localhost:7687]: no route (password ***)
    >>> conn.close()
    """
    try:
        yield
    except StoreError:
        raise
    except nex.AuthError as exc:
        raise StoreError(_msg(conn, f"{what}: authentication failed (check the user name and "
                              f"password)", exc)) from None
    except (nex.ServiceUnavailable, nex.SessionExpired) as exc:
        raise StoreError(_msg(conn, f"{what}: server unavailable", exc)) from None
    except nex.Neo4jError as exc:
        code = exc.code or type(exc).__name__
        raise StoreError(_msg(conn, f"{what} failed ({code})", exc)) from None
    except (nex.DriverError, OSError) as exc:
        raise StoreError(_msg(conn, f"{what} failed ({type(exc).__name__})", exc)) from None


def _msg(conn: Connection | None, head: str, exc: BaseException) -> str:
    where = f" [{conn.label}]" if conn is not None and conn.label else ""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = f"{head}{where}: {detail}"
    return conn.scrub(text) if conn is not None else text


def connect(
    driver: neo4j.Driver | Connection | None = None,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    dataset: str | None = None,
    retry_time: float = DEFAULT_RETRY_TIME,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    verify: bool = True,
) -> Connection:
    """Open (or wrap) a connection and check that the server answers.

    Parameters
    ----------
    driver
        A ``neo4j.Driver`` owned by the caller (never closed here) or a :class:`Connection`.
        When omitted a driver is opened from the settings below and closed with the
        connection.
    uri, user, password, database
        Connection settings; each defaults to ``NEO4J_URI``, ``NEO4J_USERNAME``,
        ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``. ``database`` also applies to a given driver.
    dataset
        The dataset the store functions use when a call names none.
    retry_time
        Seconds a transaction may be retried (``max_transaction_retry_time``) on a driver
        opened here.
    connect_timeout
        Seconds for one TCP connect on a driver opened here.
    verify
        Call ``verify_connectivity()`` first, so a dead server or a wrong password fails
        at once.

    Raises
    ------
    StoreError
        Unreachable server, failed authentication, bad URI.

    Examples
    --------
    ```python
    with connect(uri="bolt://localhost:7687", password="…") as conn:
        conn.read("RETURN 1 AS x")[0]["x"]
    ```
    """
    if isinstance(driver, Connection):
        return Connection(driver.driver, database or driver.database, owns_driver=False,
                          label=driver.label, secret=driver._secret,
                          dataset=dataset if dataset is not None else driver.dataset)
    if driver is not None:
        conn = Connection(
            driver,
            database if database is not None else os.environ.get("NEO4J_DATABASE") or None,
            owns_driver=False, dataset=dataset,
        )
    else:
        settings = Neo4jSettings.resolve(uri, user, password, database)
        label = redact_uri(settings.uri)
        try:
            drv = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=(settings.user, settings.password),
                max_transaction_retry_time=retry_time,
                connection_timeout=connect_timeout,
                connection_acquisition_timeout=max(connect_timeout, retry_time),
                # "property key does not exist" on a fresh database is not worth a warning
                notifications_min_severity="OFF",
            )
        except (nex.ConfigurationError, ValueError) as exc:
            text = str(exc)
            if settings.password:
                text = text.replace(settings.password, "***")
            raise StoreError(f"cannot use `uri` {label!r}: {text}") from None
        conn = Connection(drv, settings.database, owns_driver=True, label=label,
                          secret=settings.password, dataset=dataset)
    if verify:
        try:
            with store_errors(conn, "connect"):
                conn.driver.verify_connectivity()
        except StoreError:
            conn.close()
            raise
    log.debug("connected to %s (database %r)", conn.label or "a caller's driver", conn.database)
    return conn
