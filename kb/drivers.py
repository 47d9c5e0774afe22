"""The neo4j drivers kb opens: which server, as whom, and how long it waits for an answer.

`open_graph(settings)` gives the drivers a `GraphStore` is built on: Neo4j/AuraDB when
`NEO4J_URI` is set, else the embedded engine, started on demand, with a second driver logged in
as the read-only console user. Every driver's own waits end after KB_GRAPH_TIMEOUT; waiting
for the answer to a query has no bound in the driver, so `Watchdog` bounds it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from neo4j import Driver, GraphDatabase, Result, Transaction
from neo4j import exceptions as neo4j_errors

from kb import cypher, engine
from kb.errors import ConfigError
from kb.settings import Settings, redact_uri

CONNECT_TIMEOUT = 30.0  # seconds for a TCP connection (the driver's default), at most KB_GRAPH_TIMEOUT
# A query that touches nothing is answered in milliseconds by a live engine, however busy: waiting
# longer than this for it (`engine_answers`) only delays telling the user it is hung.
PING_TIMEOUT = 15.0


@dataclass(frozen=True)
class Graph:
    """The drivers of one graph, and how to describe it."""

    driver: Driver  # kb's own login: writes and reads
    console_driver: Driver  # the read-only login researchers' console queries run as
    database: str | None
    where: str  # human-readable location, never contains a password
    console_login: str  # who console queries run as, for `kb status`
    reopen: Callable[[], Driver]  # a new `driver`, after a watchdog closed the old one


def open_graph(settings: Settings) -> Graph:
    """The configured graph's drivers (starting the embedded engine when it is the one)."""
    if settings.neo4j_uri:
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        uri, auth = _neo4j_uri(settings), (settings.neo4j_user, password)
        driver = open_driver(uri, auth, settings)
        console_user = settings.neo4j_console_user
        return Graph(
            driver=driver,
            console_driver=_neo4j_console_driver(settings, driver),
            database=settings.neo4j_database,
            where=f"Neo4j at {settings.neo4j_uri_shown}",
            console_login=(
                f"{console_user} (NEO4J_CONSOLE_USER)"
                if console_user
                else f"{settings.neo4j_user}, shared with kb: set NEO4J_CONSOLE_USER to a reader"
            ),
            reopen=lambda: open_driver(uri, auth, settings),
        )
    state = engine.start(settings)
    root = ("root", engine.password(settings))
    return Graph(
        driver=open_driver(state.uri, root, settings),
        console_driver=open_driver(
            state.uri, (engine.CONSOLE_USER, engine.console_password(settings)), settings
        ),
        database=state.database,
        where=f"embedded engine at {state.uri} (data in {settings.engine_dir})",
        console_login=f"{engine.CONSOLE_USER} (reads records only)",
        reopen=lambda: open_driver(state.uri, root, settings),
    )


def _neo4j_uri(settings: Settings) -> str:
    """NEO4J_URI, refused if it holds a user part: the driver would quote it, secret and all, in
    its own messages, so it never sees one."""
    uri, shown = settings.neo4j_uri or "", settings.neo4j_uri_shown
    if shown != uri:
        raise ConfigError(
            f"NEO4J_URI {shown} holds a user name or password (or a control character); give the "
            "user and password in NEO4J_USER and NEO4J_PASSWORD, not in the URI"
        )
    return uri


def open_driver(uri: str, auth: tuple[str, str], settings: Settings) -> Driver:
    """A driver whose own waits end after KB_GRAPH_TIMEOUT: a TCP connection, and a connection
    from its pool (the Bolt handshake included). Waiting for the answer to a query has no bound
    in the driver, whatever its options (a stopped server's kernel still accepts connections and
    acknowledges what is sent); `Watchdog` bounds that."""
    timeout = settings.graph_timeout
    try:
        return GraphDatabase.driver(
            uri,
            auth=auth,
            connection_timeout=min(timeout, CONNECT_TIMEOUT),
            connection_acquisition_timeout=timeout,
        )
    except (neo4j_errors.ConfigurationError, ValueError) as e:
        said = redact_uri(str(e).replace(uri, redact_uri(uri)))
        raise ConfigError(f"NEO4J_URI {redact_uri(uri)} cannot be used ({said})") from None


def _neo4j_console_driver(settings: Settings, driver: Driver) -> Driver:
    """A driver logged in as NEO4J_CONSOLE_USER, a user with a reader role (docs/engine.md). Unset,
    the console shares the main login, and only its READ access mode and the lexical check keep it
    from writing."""
    if not settings.neo4j_console_user or not settings.neo4j_uri:
        return driver
    secret = settings.neo4j_console_password
    auth = (settings.neo4j_console_user, secret.get_secret_value() if secret else "")
    return open_driver(_neo4j_uri(settings), auth, settings)


class Watchdog:
    """Gives up on a graph that does not answer: `arm()` starts (or starts again) a countdown of
    `seconds`; when it runs out the driver is closed, which shuts its sockets, so a read blocked
    on a stopped or hung server fails at once instead of waiting for ever. Closing the driver
    ends every request it carries: those are waiting on the same silent server."""

    def __init__(self, driver: Driver, seconds: float):
        self.fired = threading.Event()
        self._driver = driver
        self._seconds = seconds
        self._timer: threading.Timer | None = None

    def arm(self) -> None:
        self.disarm()
        self._timer = threading.Timer(self._seconds, self._give_up)
        self._timer.daemon = True  # never keeps a finished command alive
        self._timer.start()

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def check(self) -> None:
        """Raise instead of running a statement on a driver the watchdog closed (the driver's
        own retries would otherwise try it again)."""
        if self.fired.is_set():
            raise Unanswered

    def _give_up(self) -> None:
        self.fired.set()
        self._driver.close()


class Unanswered(Exception):
    """Raised inside a request the watchdog gave up on."""


class WatchedTransaction:
    """A transaction whose every statement gets the whole timeout: a write of many statements
    may take longer than one request may wait."""

    def __init__(self, tx: Transaction, watchdog: Watchdog):
        self._tx = tx
        self._watchdog = watchdog

    def run(self, query: str, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Result:
        self._watchdog.check()
        self._watchdog.arm()
        return self._tx.run(query, parameters, **kwargs)


def ping_timeout(settings: Settings) -> float:
    """How long `engine_answers` waits: `PING_TIMEOUT`, or KB_GRAPH_TIMEOUT if that is shorter."""
    return min(settings.graph_timeout, PING_TIMEOUT)


def engine_answers(settings: Settings, state: engine.EngineState) -> bool:
    """Whether the embedded engine answers a query within `ping_timeout`. That its process runs
    and its port takes connections proves nothing: a stopped or hung engine's kernel still
    accepts them. An error from the engine is an answer."""
    quick = settings.model_copy(update={"graph_timeout": ping_timeout(settings)})
    driver = open_driver(state.uri, ("root", engine.password(settings)), quick)
    watchdog = Watchdog(driver, quick.graph_timeout)
    watchdog.arm()
    try:
        with driver.session(database=state.database) as session:
            session.run(cypher.PING).consume()
    except neo4j_errors.Neo4jError:
        return not watchdog.fired.is_set()
    except (neo4j_errors.DriverError, OSError):
        return False
    finally:
        watchdog.disarm()
        driver.close()
    return True
