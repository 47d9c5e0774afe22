"""Running statements on the graph: bounded in time, retried on a conflict, errors in one line.

Every request of the store goes through `Transactions`: `read` runs one statement in a read
transaction, `write` runs a unit of work in a write transaction and commits it. Each statement
may wait KB_GRAPH_TIMEOUT seconds for an answer (`kb.drivers.Watchdog`); a write that loses a
race with another writer is run again; a driver error becomes a `StoreError` whose message says
what to do.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from neo4j import READ_ACCESS, Driver, Session, Transaction
from neo4j import exceptions as neo4j_errors

from kb import cypher, engine
from kb.drivers import Graph, Watchdog, WatchedTransaction
from kb.errors import KBError, StoreError
from kb.models import timestamp
from kb.settings import Settings

T = TypeVar("T")
Row = dict[str, Any]


def single(tx: Transaction, statement: str, **params: Any) -> Row:
    """The one record a statement returns."""
    record = tx.run(statement, params).single(strict=True)
    return record.data()


# Every driver failure is reported here, as one StoreError line. Without a handler the driver's
# own log records (a retry warning, a defunct connection) reach stderr through logging's
# last-resort handler: a second, multi-line copy of the same failure.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

WRITE_ATTEMPTS = 5  # a write transaction that conflicts with another writer is run again
_BACKOFF_BASE = 0.05  # seconds; doubled per attempt, jittered, at most _BACKOFF_MAX
_BACKOFF_MAX = 1.0
# The embedded engine (ArcadeDB) is optimistic: a record changed by a concurrent commit makes the
# later transaction fail, often with a client error instead of a transient one: EntityNotFound, or
# SemanticError carrying only "Error executing Cypher command" (the real cause, a record not found,
# is in the engine's log). A genuine semantic error names its problem instead.
_CONFLICT_CODES = frozenset({"Neo.ClientError.Statement.EntityNotFound"})
_EXECUTION_FAILED = ("Neo.ClientError.Statement.SemanticError", "Error executing Cypher command")


class Transactions:
    """Reads and writes on one graph's driver, which is replaced after a watchdog closed it."""

    def __init__(self, graph: Graph, settings: Settings):
        self._graph = graph
        self._settings = settings
        self.driver = graph.driver
        self._swap_lock = threading.Lock()
        self._unanswered_until = 0.0  # monotonic time until which requests fail at once

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn driver errors into StoreError with a message a user can act on."""
        where = self._graph.where
        try:
            yield
        except KBError:
            raise
        except neo4j_errors.AuthError as e:
            raise StoreError(
                f"the graph at {where} refused the credentials; check NEO4J_USER/NEO4J_PASSWORD"
            ) from e
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
            raise StoreError(
                f"cannot reach the graph ({where}); start it with `kb engine start` or check NEO4J_URI"
            ) from e
        except neo4j_errors.Neo4jError as e:
            raise StoreError(f"the graph refused an operation: {e.message or e.code}") from e
        except neo4j_errors.DriverError as e:
            raise StoreError(f"graph driver error: {e}") from e

    @contextmanager
    def answered(self) -> Iterator[Watchdog]:
        """Bound one request (a read, one attempt of a write) by KB_GRAPH_TIMEOUT per statement.

        A graph that did not answer makes every request fail at once for the next
        KB_GRAPH_TIMEOUT seconds: a batch then ends in about that time, instead of waiting it out
        once per item. After that a request tries again (the engine may have been restarted)."""
        timeout = self._settings.graph_timeout
        if time.monotonic() < self._unanswered_until:
            raise StoreError(self._unanswered(timeout))
        driver = self.driver
        watchdog = Watchdog(driver, timeout)
        watchdog.arm()
        began = time.monotonic()
        try:
            yield watchdog
        except Exception as e:
            # The driver's own deadline (a connection from the pool) may end first: as silent.
            acquiring = isinstance(e, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired)
            if watchdog.fired.is_set() or (acquiring and time.monotonic() - began >= timeout):
                self._unanswered_until = time.monotonic() + timeout
                raise StoreError(self._unanswered(timeout)) from None
            raise
        finally:
            watchdog.disarm()
            if watchdog.fired.is_set():
                self._replace_driver(driver)

    def _unanswered(self, timeout: float) -> str:
        if self._settings.uses_neo4j:
            advice = "check the server, or raise KB_GRAPH_TIMEOUT if it is only busy"
        else:
            advice = "run `kb engine restart` (or raise KB_GRAPH_TIMEOUT if it is only busy)"
        return f"the {self._graph.where} did not answer within {timeout:g} s; {advice}"

    def _replace_driver(self, closed: Driver) -> None:
        """A new driver for the next request, once a watchdog closed this one."""
        with self._swap_lock:
            if self.driver is closed:
                self.driver = self._graph.reopen()

    @contextmanager
    def session(self) -> Iterator[tuple[Session, Watchdog]]:
        """A session for statements that run outside a transaction (schema, administration),
        with the watchdog that bounds them: arm it before each statement."""
        with (
            self.errors(),
            self.answered() as watchdog,
            self.driver.session(database=self._graph.database) as session,
        ):
            yield session, watchdog

    def read(self, statement: str, **params: Any) -> list[Row]:
        """Run one read statement; its records as dicts."""
        # An explicit transaction, not `execute_read`: the driver would retry a read the watchdog
        # gave up on for another 30 s. Nothing is written, so nothing is committed.
        with (
            self.errors(),
            self.answered(),
            self.driver.session(database=self._graph.database, default_access_mode=READ_ACCESS) as session,
            session.begin_transaction() as tx,
        ):
            return [r.data() for r in tx.run(statement, params)]

    def write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one write transaction and commit it, retried whole on a conflict.

        Two writers racing on one node (the same Source id, a MERGE of the same Work or Entity,
        flags on the same claim) make one of them fail with a constraint or transient error. Its
        transaction is rolled back, so running `work` again from the start is safe; it is tried
        `WRITE_ATTEMPTS` times with a short jittered backoff. A lost connection is retried only
        while the server may come back: not when the embedded engine's process is gone (then it
        fails at once, and the next command restarts the engine). Every write also adds one
        `Change` node, which moves the graph's generation on (kb/readcache.py).
        """
        with self.errors():
            attempt = 1
            while True:
                try:
                    with (
                        self.answered() as watchdog,
                        self.driver.session(database=self._graph.database) as session,
                        session.begin_transaction() as tx,
                    ):
                        watched = WatchedTransaction(tx, watchdog)
                        result = work(cast(Transaction, watched))
                        watched.run(cypher.RECORD_CHANGE, at=timestamp()).consume()
                        watchdog.arm()
                        tx.commit()
                    return result
                except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as e:
                    if attempt >= WRITE_ATTEMPTS or not self._worth_retrying(e):
                        raise
                time.sleep(random.uniform(0.5, 1.0) * min(_BACKOFF_MAX, _BACKOFF_BASE * 2**attempt))
                attempt += 1

    def _worth_retrying(self, error: Exception) -> bool:
        if isinstance(error, neo4j_errors.ConstraintError):
            return True  # a concurrent writer created the same node first
        if isinstance(error, neo4j_errors.TransientError):
            return error.is_retryable()
        if isinstance(error, neo4j_errors.ClientError):
            code, prefix = _EXECUTION_FAILED
            failed = error.code == code and (error.message or "").startswith(prefix)
            return error.code in _CONFLICT_CODES or failed
        if isinstance(error, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
            return self._settings.uses_neo4j or engine.read_state(self._settings) is not None
        return False
