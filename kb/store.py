"""The graph store: the only code that talks to the neo4j driver.

`GraphStore` is *given* a driver (tests and the app make their own); `connect()` builds one
from the settings: Neo4j/AuraDB when `NEO4J_URI` is set, else the embedded engine, started on
demand. Every statement comes from `kb.cypher`; values go in as parameters only.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from neo4j import READ_ACCESS, Driver, GraphDatabase, Result, Transaction
from neo4j import exceptions as neo4j_errors
from pydantic import BaseModel

from kb import cypher, engine
from kb.console_runner import ConsoleRunner
from kb.errors import ConfigError, KBError, NotFound, QueryRefused, StoreError
from kb.models import (
    Assessment,
    Atom,
    Citation,
    CitationStatus,
    Claim,
    Cues,
    Document,
    Flag,
    FlagEvent,
    FlagStatus,
    Grade,
    Work,
    utcnow,
)
from kb.readcache import Prefix, ReadCache
from kb.settings import Settings, redact_uri
from kb.views import (
    CitedWork,
    ClaimDetail,
    ClaimFilter,
    ClaimPage,
    ClaimRow,
    ConsoleResult,
    Counts,
    FlagView,
    GraphEdge,
    GraphNode,
    PropositionView,
    SourceRow,
    SourceView,
    Subgraph,
)

T = TypeVar("T")

# The store reports every driver failure itself, as one StoreError line. Without a handler the
# driver's own log records (a retry warning, a defunct connection) reach stderr through
# logging's last-resort handler: a second, multi-line copy of the same failure.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

# Up to the first 50 pages of each claims list (and of the editor queue) are kept until the graph
# changes (kb/readcache.py); later pages are read as they are asked for.
KEPT_ROWS = 2500
CONNECT_TIMEOUT = 30.0  # seconds for a TCP connection (the driver's default), at most KB_GRAPH_TIMEOUT
# A query that touches nothing is answered in milliseconds by a live engine, however busy: waiting
# longer than this for it (`engine_answers`) only delays telling the user it is hung.
PING_TIMEOUT = 15.0
RESET_BATCH = 5000  # nodes deleted per transaction by `reset`
# Claims (or other rows) sent in one write statement: what the embedded engine buffers for one
# statement grows with it, and is shared with every other running query (kb/cypher.py).
ROWS_PER_STATEMENT = 1000
WRITE_ATTEMPTS = 5  # a write transaction that conflicts with another writer is run again
_BACKOFF_BASE = 0.05  # seconds; doubled per attempt, jittered, at most _BACKOFF_MAX
_BACKOFF_MAX = 1.0
# The embedded engine (ArcadeDB) is optimistic: a record changed by a concurrent commit makes the
# later transaction fail, often with a client error instead of a transient one: EntityNotFound, or
# SemanticError carrying only "Error executing Cypher command" (the real cause, a record not found,
# is in the engine's log). A genuine semantic error names its problem instead.
_CONFLICT_CODES = frozenset({"Neo.ClientError.Statement.EntityNotFound"})
_EXECUTION_FAILED = ("Neo.ClientError.Statement.SemanticError", "Error executing Cypher command")

_LABEL_BY_PREFIX = {
    "src": "Source", "clm": "Claim", "ent": "Entity", "prp": "Proposition",
    "wrk": "Work", "asm": "Assessment", "flg": "Flag", "fev": "FlagEvent",
}  # fmt: skip


@dataclass(frozen=True)
class WriteResult:
    source_id: str
    created: bool  # False when this exact version was already in the graph


def claim_rank(status: str, overclaim: bool, score: float | None) -> float:
    """Sort key for "worst first": lower is worse. Graded claims sort by score, ungraded by status."""
    if score is None:
        base = {"missing": 0.1, "vague": 0.2, "cited": 0.6}.get(status, 0.5)
    else:
        base = score
    return round(base - (0.5 if overclaim else 0.0), 4)


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


def _open_driver(uri: str, auth: tuple[str, str], settings: Settings) -> Driver:
    """A driver whose own waits end after KB_GRAPH_TIMEOUT: a TCP connection, and a connection
    from its pool (the Bolt handshake included). Waiting for the answer to a query has no bound
    in the driver, whatever its options (a stopped server's kernel still accepts connections and
    acknowledges what is sent); `_Watchdog` bounds that."""
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


class _Watchdog:
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
            raise _Unanswered

    def _give_up(self) -> None:
        self.fired.set()
        self._driver.close()


class _Unanswered(Exception):
    """Raised inside a request the watchdog gave up on."""


class _WatchedTransaction:
    """A transaction whose every statement gets the whole timeout: a write of many statements
    may take longer than one request may wait."""

    def __init__(self, tx: Transaction, watchdog: _Watchdog):
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
    driver = _open_driver(state.uri, ("root", engine.password(settings)), quick)
    watchdog = _Watchdog(driver, quick.graph_timeout)
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


def _neo4j_console_driver(settings: Settings, driver: Driver) -> Driver:
    """A driver logged in as NEO4J_CONSOLE_USER, a user with a reader role (docs/engine.md). Unset,
    the console shares the main login, and only its READ access mode and the lexical check keep it
    from writing."""
    if not settings.neo4j_console_user or not settings.neo4j_uri:
        return driver
    secret = settings.neo4j_console_password
    auth = (settings.neo4j_console_user, secret.get_secret_value() if secret else "")
    return _open_driver(_neo4j_uri(settings), auth, settings)


def _iso(value: Any) -> str:
    """ISO-8601 in the same "Z" form pydantic writes, so stored timestamps sort as text."""
    return value.isoformat().replace("+00:00", "Z") if hasattr(value, "isoformat") else str(value)


class GraphStore:
    def __init__(
        self,
        driver: Driver,
        database: str | None,
        *,
        where: str,
        settings: Settings,
        console_driver: Driver | None = None,
    ):
        """`driver` writes and reads for `kb`; `console_driver` is logged in as the read-only
        user that researchers' console queries run as (kb/console_runner.py). A store given
        none has no console: it never runs a user's query with its own rights."""
        self._driver = driver
        self._console_driver = console_driver
        self.console_login = ""  # who console queries run as, for `kb status`; set by connect()
        self._database = database
        self.where = where  # human-readable location, never contains a password
        self._settings = settings
        self._kept_reads = ReadCache()  # sorted ids and counts, until the graph changes
        self._reopen: Callable[[], Driver] | None = None  # a new driver after a watchdog closed one
        self._swap_lock = threading.Lock()
        self._unanswered_until = 0.0  # monotonic time until which requests fail at once
        self._console = (
            ConsoleRunner(
                console_driver,
                database=database,
                settings=settings,
                errors=self._errors,
                terminate=self._terminate_marked,
            )
            if console_driver is not None
            else None
        )

    def with_settings(self, settings: Settings) -> GraphStore:
        """The same graph and drivers under other settings (console limits, say); close the
        original, not this one."""
        return GraphStore(
            self._driver,
            self._database,
            where=self.where,
            settings=settings,
            console_driver=self._console_driver,
        )

    # --- connection -------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings: Settings) -> GraphStore:
        if settings.neo4j_uri:
            password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
            uri, auth = _neo4j_uri(settings), (settings.neo4j_user, password)
            driver = _open_driver(uri, auth, settings)
            store = cls(
                driver,
                settings.neo4j_database,
                where=f"Neo4j at {settings.neo4j_uri_shown}",
                settings=settings,
                console_driver=_neo4j_console_driver(settings, driver),
            )
        else:
            state = engine.start(settings)
            uri, auth = state.uri, ("root", engine.password(settings))
            driver = _open_driver(uri, auth, settings)
            where = f"embedded engine at {state.uri} (data in {settings.engine_dir})"
            console = _open_driver(
                state.uri, (engine.CONSOLE_USER, engine.console_password(settings)), settings
            )
            store = cls(driver, state.database, where=where, settings=settings, console_driver=console)
        if settings.uses_neo4j:
            console_user = settings.neo4j_console_user
            store.console_login = (
                f"{console_user} (NEO4J_CONSOLE_USER)"
                if console_user
                else f"{settings.neo4j_user}, shared with kb: set NEO4J_CONSOLE_USER to a reader"
            )
        else:
            store.console_login = f"{engine.CONSOLE_USER} (reads records only)"
        store._reopen = lambda: _open_driver(uri, auth, settings)
        store.ensure_schema()
        return store

    def close(self) -> None:
        if self._console_driver is not None and self._console_driver is not self._driver:
            self._console_driver.close()
        self._driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors into StoreError with a message a user can act on."""
        try:
            yield
        except KBError:
            raise
        except neo4j_errors.AuthError as e:
            raise StoreError(
                f"the graph at {self.where} refused the credentials; check NEO4J_USER/NEO4J_PASSWORD"
            ) from e
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as e:
            raise StoreError(
                f"cannot reach the graph ({self.where}); start it with `kb engine start` or check NEO4J_URI"
            ) from e
        except neo4j_errors.Neo4jError as e:
            raise StoreError(f"the graph refused an operation: {e.message or e.code}") from e
        except neo4j_errors.DriverError as e:
            raise StoreError(f"graph driver error: {e}") from e

    @contextmanager
    def _answered(self) -> Iterator[_Watchdog]:
        """Bound one request (a read, one attempt of a write) by KB_GRAPH_TIMEOUT per statement.

        A graph that did not answer makes every request fail at once for the next
        KB_GRAPH_TIMEOUT seconds: a batch then ends in about that time, instead of waiting it out
        once per item. After that a request tries again (the engine may have been restarted)."""
        timeout = self._settings.graph_timeout
        if time.monotonic() < self._unanswered_until:
            raise StoreError(self._unanswered(timeout))
        driver = self._driver
        watchdog = _Watchdog(driver, timeout)
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
        return f"the {self.where} did not answer within {timeout:g} s; {advice}"

    def _replace_driver(self, closed: Driver) -> None:
        """A new driver for the next request, once a watchdog closed this one."""
        with self._swap_lock:
            if self._driver is closed and self._reopen is not None:
                self._driver = self._reopen()

    def _read(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        # An explicit transaction, not `execute_read`: the driver would retry a read the watchdog
        # gave up on for another 30 s. Nothing is written, so nothing is committed.
        with (
            self._errors(),
            self._answered(),
            self._driver.session(database=self._database, default_access_mode=READ_ACCESS) as session,
            session.begin_transaction() as tx,
        ):
            return [r.data() for r in tx.run(statement, params)]

    def _write(self, work: Callable[[Transaction], T]) -> T:
        """Run `work` in one write transaction and commit it, retried whole on a conflict.

        Two writers racing on one node (the same Source id, a MERGE of the same Work or Entity,
        flags on the same claim) make one of them fail with a constraint or transient error. Its
        transaction is rolled back, so running `work` again from the start is safe; it is tried
        `WRITE_ATTEMPTS` times with a short jittered backoff. A lost connection is retried only
        while the server may come back: not when the embedded engine's process is gone (then it
        fails at once, and the next command restarts the engine).
        """
        with self._errors():
            attempt = 1
            while True:
                try:
                    with (
                        self._answered() as watchdog,
                        self._driver.session(database=self._database) as session,
                        session.begin_transaction() as tx,
                    ):
                        watched = _WatchedTransaction(tx, watchdog)
                        result = work(cast(Transaction, watched))
                        watched.run(cypher.RECORD_CHANGE, at=_iso(utcnow())).consume()
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

    # --- schema -----------------------------------------------------------------------------

    def ensure_schema(self) -> int:
        """Create constraints and indexes (idempotent) and record the schema version."""
        with (
            self._errors(),
            self._answered() as watchdog,
            self._driver.session(database=self._database) as session,
        ):
            for statement in cypher.SCHEMA_STATEMENTS:
                watchdog.arm()
                session.run(statement).consume()
        self._write(
            lambda tx: tx.run(
                cypher.SET_SCHEMA_VERSION, version=cypher.SCHEMA_VERSION, now=_iso(utcnow())
            ).consume()
        )
        if self._read(cypher.RESET_PENDING):  # a `kb reset` was killed half-way: finish it
            self._finish_reset()
        return cypher.SCHEMA_VERSION

    def unknown_schema(self) -> list[str]:
        """Constraints and indexes in the graph that kb's schema does not define. The indexes a
        constraint owns, and Neo4j's built-in label and type lookups, are not extra."""
        constraints = self._read(cypher.SHOW_CONSTRAINTS)
        extra = [f"constraint {r['name']}" for r in constraints if r["name"] not in cypher.SCHEMA_NAMES]
        owned = {r["name"] for r in constraints}
        for r in self._read(cypher.SHOW_INDEXES):
            if r["name"] in cypher.SCHEMA_NAMES or r.get("owningConstraint") in owned:
                continue
            if str(r.get("type", "")).upper() != "LOOKUP":
                extra.append(f"index {r['name']}")
        return extra

    def schema_version(self) -> int | None:
        rows = self._read(cypher.GET_SCHEMA_VERSION)
        return int(rows[0]["version"]) if rows else None

    # --- writing documents ------------------------------------------------------------------

    def write_document(self, doc: Document) -> WriteResult:
        """Write a whole document in one transaction; all of it or none of it lands.

        Whether the version is already there is asked inside that transaction, so when two
        writers race on one document the loser's retry finds it and writes nothing.
        """

        def work(tx: Transaction) -> bool:
            if tx.run(cypher.FIND_SOURCE, id=doc.source.id).data():
                return False
            self._write_document_tx(tx, doc)
            return True

        return WriteResult(doc.source.id, created=self._write(work))

    def _write_document_tx(self, tx: Transaction, doc: Document) -> None:
        for statement, params in document_statements(doc, _known_propositions(tx, [doc])):
            tx.run(statement, params).consume()

    def write_documents(self, docs: list[Document]) -> list[WriteResult]:
        """Write many documents in one transaction (a bulk load): all of them or none lands.

        Each statement runs once for the whole batch (`batch_statements`). Versions already in
        the graph are skipped, asked inside the transaction as `write_document` does; two
        versions of one article in the same call go in one after the other, a batch each."""
        created: dict[str, bool] = {}
        pending = list({d.source.id: d for d in docs}.values())
        while pending:
            batch: list[Document] = []
            later: list[Document] = []
            keys: set[str] = set()
            for doc in pending:
                (later if doc.source.key in keys else batch).append(doc)
                keys.add(doc.source.key)
            created.update(self._write(lambda tx: _write_new(tx, batch)))  # noqa: B023 (called at once)
            pending = later
        results = []
        for doc in docs:  # a document given twice is created once
            results.append(WriteResult(doc.source.id, created=created.pop(doc.source.id, False)))
        return results

    def write_assessments(self, assessments: list[Assessment]) -> None:
        if assessments:
            self._write(
                lambda tx: tx.run(cypher.SET_ASSESSMENTS, rows=assessment_rows(assessments)).consume()
            )

    # --- evidence ---------------------------------------------------------------------------

    def works_by_status(self, statuses: list[str], *, after: str = "", limit: int = 200) -> list[Work]:
        """Works in the given states, by id after `after` (keyset paging: resumable)."""
        rows = self._read(cypher.LIST_WORKS_BY_STATUS, statuses=statuses, after=after, limit=limit)
        return [Work.model_validate(_known(Work, r["work"])) for r in rows]

    def update_works(self, works: list[Work]) -> None:
        rows = [w.model_dump(mode="json") for w in works]
        if rows:
            self._write(lambda tx: tx.run(cypher.UPDATE_WORKS, rows=rows).consume())

    def claims_citing(self, work_ids: list[str]) -> list[str]:
        return [r["id"] for r in self._read(cypher.CLAIMS_CITING_WORKS, ids=work_ids)]

    def claims_page(self, *, after: str = "", limit: int = 500) -> list[Claim]:
        return [claim_from_row(r["claim"]) for r in self._read(cypher.CLAIMS_PAGE, after=after, limit=limit)]

    def claims_by_id(self, ids: list[str]) -> list[Claim]:
        return [claim_from_row(r["claim"]) for r in self._read(cypher.CLAIMS_BY_ID, ids=ids)]

    def claim_evidence(self, claim_ids: list[str]) -> tuple[list[Citation], list[Work]]:
        """The CITES and CANDIDATE edges of these claims, as citations, and the works they reach."""
        citations, works = [], {}
        for r in self._read(cypher.CLAIM_EVIDENCE, ids=claim_ids):
            work = Work.model_validate(_known(Work, r["work"]))
            works[work.id] = work
            citations.append(
                Citation(
                    claim_id=r["claim_id"],
                    work_id=work.id,
                    provenance=r["provenance"] or "reference_list",
                    text=r["text"] or "",
                    candidate=r["candidate"],
                    accepted=r["accepted"],
                )
            )
        return citations, list(works.values())

    def add_candidates(self, works: list[Work], citations: list[Citation]) -> None:
        """Store literature-search hits as CANDIDATE edges, apart from what the article cites."""
        if not citations:
            return

        def work(tx: Transaction) -> None:
            tx.run(cypher.MERGE_WORKS, rows=[_work_row(w) for w in works]).consume()
            tx.run(cypher.MERGE_CANDIDATES, rows=[c.model_dump(mode="json") for c in citations]).consume()

        self._write(work)

    def decide_candidate(self, claim_id: str, work_id: str, *, accepted: bool, by: str) -> None:
        params = {
            "claim_id": claim_id,
            "work_id": work_id,
            "accepted": accepted,
            "by": by,
            "at": _iso(utcnow()),
        }
        if not self._write(lambda tx: tx.run(cypher.ACCEPT_CANDIDATE, params).data()):
            raise NotFound(f"claim {claim_id} has no candidate work {work_id}")

    # --- reading ----------------------------------------------------------------------------

    def generation(self) -> int:
        """A number that changes whenever anyone writes to the graph (see kb/readcache.py)."""
        return int(self._read(cypher.GRAPH_GENERATION)[0]["n"])

    def forget_kept_reads(self) -> None:
        """Drop every kept result, so the next read of each reads the graph (as after a write)."""
        self._kept_reads.clear()

    def _kept(self, generation: int, statement: str, column: str, **params: Any) -> Any:
        """`column` of the one row `statement` returns, read once per generation of the graph."""
        return self._kept_reads.get(
            (statement, _frozen(params)), generation, lambda: self._read(statement, **params)[0][column]
        )

    def _kept_ids(
        self, generation: int, statement: str, start: int, end: int, **params: Any
    ) -> list[str] | None:
        """The sorted ids from `start` to `end` of the list `statement` returns, from a kept prefix
        of it, or None when the page is better read on its own. The engine's cost of a sorted
        prefix grows with its length (~0.4 s for 50 ids, ~1.2 s for 2,500 at 100,000 claims), so a
        prefix is read twice as long as the page asked for, grows by doubling as the pages after
        it are asked for, and is never longer than `KEPT_ROWS`; a page far past it (a jump to page
        40) is read directly."""
        key = (statement, _frozen(params))
        kept = self._kept_reads.peek(key, generation)
        if kept is None or not kept.covers(end):
            have = len(kept.ids) if kept is not None else 0
            if end > KEPT_ROWS or end > max(2 * have, 2 * (end - start)):
                return None
        asked = min(KEPT_ROWS, 2 * end)
        prefix = self._kept_reads.get(
            key,
            generation,
            lambda: Prefix(self._read(statement, keep=asked, **params)[0]["ids"], asked),
            enough=lambda found: found.covers(end),
        )
        return prefix.ids[start:end]

    def _claim_rows(self, ids: list[str]) -> list[ClaimRow]:
        """The claims with these ids, in this order (one index lookup each)."""
        if not ids:
            return []
        rows = {r["claim"]["id"]: r["claim"] for r in self._read(cypher.CLAIM_ROWS_BY_ID, ids=ids)}
        return [claim_view(rows[i]) for i in ids if i in rows]

    def counts(self) -> Counts:
        return self._kept_reads.get("counts", self.generation(), self._counts)  # kept like the lists

    def node_counts(self) -> dict[str, int]:
        """Nodes per label, never kept: label counts cost the engine no read of the nodes, so
        this is cheap at any size (`counts()` adds the per-status and per-grade counts)."""
        nodes = self._read(cypher.COUNT_NODES)[0]
        labels = {label.lower(): label for label in (*cypher.NODE_LABELS, "Uncited")}
        return {labels[k]: int(v) for k, v in nodes.items()}

    def _counts(self) -> Counts:
        node_counts = self.node_counts()
        claims, uncited = node_counts.get("Claim", 0), node_counts.get("Uncited", 0)
        vague = self._read(cypher.COUNT_CLAIMS_WITH_STATUS, status=CitationStatus.VAGUE.value)[0]["n"]
        by_status = {
            CitationStatus.CITED.value: claims - uncited,
            CitationStatus.VAGUE.value: vague,
            CitationStatus.MISSING.value: uncited - vague,
        }
        grades = [g.value for g in Grade]
        by_grade = {r["grade"]: r["n"] for r in self._read(cypher.COUNT_CLAIMS_WITH_GRADES, grades=grades)}
        by_grade["not graded"] = claims - sum(by_grade.values())
        return Counts(
            nodes=node_counts,
            claims_by_status={k: v for k, v in by_status.items() if v},
            claims_by_grade={k: v for k, v in by_grade.items() if v},
        )

    def list_sources(
        self, *, latest_only: bool = True, page: int = 0, page_size: int = 50
    ) -> list[SourceRow]:
        rows = self._read(
            cypher.LIST_SOURCES, latest_only=latest_only, skip=page * page_size, limit=page_size
        )
        return [SourceRow(**r) for r in rows]

    def get_source(self, source_id: str) -> SourceView:
        rows = self._read(cypher.GET_SOURCE, id=source_id)
        if not rows:
            raise NotFound(f"no source with id {source_id}; list them with `kb sources`")
        source = rows[0]["source"]
        claims = [claim_view(r["claim"]) for r in self._read(cypher.SOURCE_CLAIMS, id=source_id)]
        versions = self._read(cypher.SOURCE_VERSIONS, key=source["key"])
        return SourceView(source=source, claims=claims, versions=versions)

    def list_claims(self, flt: ClaimFilter | None = None, *, page: int = 0, page_size: int = 50) -> ClaimPage:
        """One page of the claims the filter selects, worst first, with their total. The total and
        a prefix of the sorted ids (up to `KEPT_ROWS`) are kept until the graph changes, so paging
        and reading the list again cost one id lookup per row instead of a sort of every claim."""
        params = (flt or ClaimFilter()).params()
        driver = claim_driver(params)
        generation = self.generation()
        total = self._kept(generation, cypher.COUNT_CLAIMS_BY[driver], "n", **params)
        skip = page * page_size
        ids = self._kept_ids(generation, cypher.CLAIM_IDS_BY[driver], skip, skip + page_size, **params)
        if ids is not None:
            rows = self._claim_rows(ids)
        else:  # a page far down the list: read on its own, and kept itself
            statement = cypher.LIST_CLAIMS_BY[driver]
            found = self._kept_reads.get(
                (statement, _frozen({**params, "skip": skip, "limit": page_size})),
                generation,
                lambda: self._read(statement, skip=skip, limit=page_size, **params),
            )
            rows = [claim_view(r["claim"]) for r in found]
        return ClaimPage(rows=rows, total=total, page=page, page_size=page_size)

    def uncited_claims(self, *, page: int = 0, page_size: int = 100) -> list[dict[str, Any]]:
        return self._read(cypher.LIST_UNCITED, skip=page * page_size, limit=page_size)

    def get_claim(self, claim_id: str) -> ClaimDetail:
        rows = self._read(cypher.GET_CLAIM, id=claim_id)
        if not rows:
            raise NotFound(f"no claim with id {claim_id}")
        row = rows[0]
        cited = [CitedWork(**r) for r in self._read(cypher.CLAIM_CITATIONS, id=claim_id)]
        return ClaimDetail(
            claim=claim_view(row["claim"]),
            source=row["source"],
            assessment=row["assessment"],
            citations=[c for c in cited if c.kind == "CITES"],
            candidates=[c for c in cited if c.kind == "CANDIDATE"],
            propositions=[PropositionView(**r) for r in self._read(cypher.CLAIM_PROPOSITIONS, id=claim_id)],
            flags=[FlagView(**r) for r in self._read(cypher.CLAIM_FLAGS, id=claim_id)],
        )

    def editor_queue(
        self,
        *,
        source_id: str | None = None,
        include_flagged: bool = False,
        page: int = 0,
        page_size: int = 50,
    ) -> list[ClaimRow]:
        skip = page * page_size
        if source_id is None:  # kept like the claims lists
            ids = self._kept_ids(
                self.generation(),
                cypher.EDITOR_QUEUE_IDS,
                skip,
                skip + page_size,
                include_flagged=include_flagged,
            )
            if ids is not None:
                return self._claim_rows(ids)
        rows = self._read(
            cypher.EDITOR_QUEUE if source_id is None else cypher.EDITOR_QUEUE_OF_SOURCE,
            source_id=source_id,
            include_flagged=include_flagged,
            skip=page * page_size,
            limit=page_size,
        )
        return [claim_view(r["claim"]) for r in rows]

    def top_unsupported_propositions(self, limit: int = 10) -> list[dict[str, Any]]:
        """Propositions stated without a citation by the most sources (it reads every uncited
        claim, so it is kept like the dashboard counts)."""
        statement = cypher.TOP_UNSUPPORTED_PROPOSITIONS
        return self._kept_reads.get(
            (statement, limit), self.generation(), lambda: self._read(statement, limit=limit)
        )

    def entities(self, kind: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        return [r["entity"] for r in self._read(cypher.ENTITIES, kind=kind, limit=limit)]

    def neighbourhood(self, node_id: str, *, hops: int = 2, limit: int = 200) -> Subgraph:
        """Nodes within `hops` of a node, breadth first, at most `limit` nodes."""
        start = self._node(node_id)
        nodes: dict[str, GraphNode] = {start.id: start}
        edges: dict[tuple[str, str, str], GraphEdge] = {}
        frontier, truncated = [start.id], False
        for _ in range(hops):
            next_frontier: list[str] = []
            for nid in frontier:
                statement = cypher.NEIGHBOURS_BY_LABEL[self._label_of(nid)]
                for r in self._read(statement, id=nid, limit=limit):
                    node = r["node"]
                    if not node.get("id"):
                        continue
                    edge = GraphEdge(
                        start=r["start"], end=r["end"], type=r["type"], provenance=r["provenance"]
                    )
                    if node["id"] not in nodes:
                        if len(nodes) >= limit:
                            truncated = True
                            continue
                        nodes[node["id"]] = to_graph_node(node)
                        next_frontier.append(node["id"])
                    edges[(edge.start, edge.type, edge.end)] = edge
            frontier = next_frontier
        return Subgraph(nodes=list(nodes.values()), edges=list(edges.values()), truncated=truncated)

    def _label_of(self, node_id: str) -> str:
        label = _LABEL_BY_PREFIX.get(node_id.split("_", 1)[0])
        if label is None:
            raise NotFound(f"'{node_id}' is not a knowledge-base id (they look like clm_…, src_…, wrk_…)")
        return label

    def _node(self, node_id: str) -> GraphNode:
        rows = self._read(cypher.GET_NODE_BY_LABEL[self._label_of(node_id)], id=node_id)
        if not rows:
            raise NotFound(f"no node with id {node_id}")
        return to_graph_node(rows[0]["node"])

    # --- editor flags -----------------------------------------------------------------------

    def create_flag(self, claim_id: str, *, reason: str, by: str, note: str = "") -> Flag:
        flag = Flag(claim_id=claim_id, reason=reason, created_by=by, note=note)
        event = FlagEvent(status=FlagStatus.OPEN, by=by, note=note)
        flag.history.append(event)
        params = {
            "claim_id": claim_id,
            "flag": {**flag.model_dump(mode="json", exclude={"history"})},
            "event": _event_row(event),
        }
        rows = self._write(lambda tx: tx.run(cypher.CREATE_FLAG, params).data())
        if not rows:
            raise NotFound(f"no claim with id {claim_id}; nothing was flagged")
        return flag

    def update_flag(self, flag_id: str, *, status: FlagStatus, by: str, note: str = "") -> FlagEvent:
        event = FlagEvent(status=status, by=by, note=note)
        rows = self._write(
            lambda tx: tx.run(cypher.UPDATE_FLAG, flag_id=flag_id, event=_event_row(event)).data()
        )
        if not rows:
            raise NotFound(f"no flag with id {flag_id}")
        return event

    def list_flags(
        self, *, status: str | None = None, page: int = 0, page_size: int = 100
    ) -> list[dict[str, Any]]:
        return self._read(cypher.LIST_FLAGS, status=status, skip=page * page_size, limit=page_size)

    # --- the read-only console --------------------------------------------------------------

    def run_console(self, query: str, params: dict[str, Any] | None = None) -> ConsoleResult:
        """Run a user's query as the read-only console user (kb/console_runner.py): refused if it
        could write, always rolled back, cut to `console_row_limit` rows, `console_max_bytes` and
        `console_timeout` seconds."""
        if self._console is None:
            raise QueryRefused(
                "this store was opened without the read-only console login; use GraphStore.connect"
            )
        return self._console.run(query, params)

    def _terminate_marked(self, marker: str) -> None:
        """Stop, with the store's own rights, the running transactions whose query holds `marker`."""
        with self._errors(), self._driver.session(database=self._database) as session:
            running = session.run(cypher.SHOW_TRANSACTIONS).data()
            ids = [r["transactionId"] for r in running if marker in str(r.get("currentQuery") or "")]
            if ids:
                session.run(cypher.TERMINATE_TRANSACTIONS, ids=ids).consume()

    # --- integrity ----------------------------------------------------------------------------

    def check(self, limit: int = 20) -> dict[str, list[str]]:
        """Every broken invariant with up to `limit` example ids; {} when the graph is sound."""
        problems: dict[str, list[str]] = {}
        checks = {
            **cypher.CHECKS,
            **{f"duplicate {label} ids": q for label, q in cypher.DUPLICATE_IDS_BY_LABEL.items()},
        }
        for name, statement in checks.items():
            ids = [str(r["id"]) for r in self._read(statement, limit=limit)]
            if ids:
                problems[name] = ids
        if extra := self.unknown_schema():
            problems["constraints and indexes kb does not define (docs/engine.md)"] = extra[:limit]
        return problems

    # --- maintenance ------------------------------------------------------------------------

    def reset(self) -> int:
        """Delete every node and relationship, in batches so memory stays bounded; the write log
        and the schema version stay. The reset is marked pending first and unmarked last, so one
        killed half-way is finished by the next connection (`ensure_schema`)."""
        self._write(lambda tx: tx.run(cypher.MARK_RESET, at=_iso(utcnow())).consume())
        return self._finish_reset()

    def _finish_reset(self) -> int:
        deleted = 0
        while n := self._write(lambda tx: tx.run(cypher.DELETE_BATCH, limit=RESET_BATCH).single()["n"]):
            deleted += n
        self._write(lambda tx: tx.run(cypher.UNMARK_RESET).consume())
        return deleted


def _frozen(params: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Statement parameters as a cache key."""
    return tuple(sorted(params.items(), key=lambda kv: kv[0]))


def _write_new(tx: Transaction, docs: list[Document]) -> dict[str, bool]:
    """Write the documents whose version is not in the graph yet; which ones were written."""
    existing = {r["id"] for r in tx.run(cypher.FIND_SOURCES, ids=[d.source.id for d in docs]).data()}
    new = [d for d in docs if d.source.id not in existing]
    for statement, params in batch_statements(new, _known_propositions(tx, new)):
        tx.run(statement, params).consume()
    return {d.source.id: d.source.id not in existing for d in docs}


def _known_propositions(tx: Transaction, docs: list[Document]) -> set[str]:
    """Which of these documents' propositions the graph already holds."""
    ids = sorted({p.id for d in docs for p in d.propositions})
    return {r["id"] for r in tx.run(cypher.FIND_PROPOSITIONS, ids=ids).data()} if ids else set()


# Most selective first: one article's claims, then the claims about one entity, then a grade
# (an index); "not graded" has no index (it is a missing property).
_DRIVERS = ("source_id", "intervention", "outcome", "grade")


def claim_driver(params: dict[str, Any]) -> str:
    """Which variant of the claims list serves these filter parameters (see `kb.cypher`)."""
    if all(v is None for v in params.values()):
        return "all"
    for name in _DRIVERS:
        if params.get(name) is not None and not (name == "grade" and params[name] == "not graded"):
            return name
    return "scan"


def claim_view(props: dict[str, Any]) -> ClaimRow:
    """A claim's stored properties as a `ClaimRow`; a property the claim does not have (an
    ungraded claim has no `reasons`) comes back null from a map projection and takes the default."""
    return ClaimRow(**{k: v for k, v in props.items() if v is not None})


def to_graph_node(props: dict[str, Any]) -> GraphNode:
    labels = list(props.pop("labels", []))
    caption = str(
        props.get("title") or props.get("name") or props.get("text") or props.get("key") or props["id"]
    )
    slim = {k: v for k, v in props.items() if k not in ("text", "search_text", "abstract")}
    return GraphNode(id=props["id"], labels=labels, caption=caption[:80], properties=slim)


def _known(model: type[BaseModel], props: dict[str, Any]) -> dict[str, Any]:
    """Only the properties the model knows: the graph may hold derived ones."""
    return {k: v for k, v in props.items() if k in model.model_fields}


def claim_from_row(props: dict[str, Any]) -> Claim:
    """Rebuild a Claim model from its stored properties (for re-grading)."""
    return Claim(
        source_id=props["source_id"],
        text=props["text"],
        start=props["start"],
        end=props["end"],
        kind=props.get("kind") or "efficacy",
        confidence=props.get("confidence") or 0.5,
        citation_status=props["citation_status"],
        cues=Cues(
            hedges=props.get("hedges") or [],
            boosters=props.get("boosters") or [],
            attribution=props.get("attribution"),
        ),
        atoms=[Atom(**a) for a in json.loads(props.get("atoms_json") or "[]")],
    )


def _event_row(event: FlagEvent) -> dict[str, Any]:
    return {"id": "fev_" + uuid.uuid4().hex[:20], **event.model_dump(mode="json")}


# --- turning a Document into statements (pure, so it is tested without a server) ------------


def document_statements(
    doc: Document, known_propositions: AbstractSet[str] = frozenset()
) -> list[tuple[str, dict[str, Any]]]:
    """The statements that write one document, in order; a statement with no rows is left out,
    one with many rows is sent in pieces (`_chunks`)."""
    return batch_statements([doc], known_propositions)


def batch_statements(
    docs: list[Document], known_propositions: AbstractSet[str] = frozenset()
) -> list[tuple[str, dict[str, Any]]]:
    """The statements that write these new documents together: each statement once, with every
    document's rows (so a batch costs a dozen round trips, not a dozen per document).
    The documents must be distinct versions of distinct articles, not in the graph yet (see
    `write_documents`); `known_propositions` are those the graph holds already."""
    rows: dict[str, list[dict[str, Any]]] = {statement: [] for statement in _WRITE_ORDER}
    for doc in docs:
        for statement, batch in _document_rows(doc):
            rows[statement] += batch
    # articles share entities, propositions and works: each is written once
    rows[cypher.MERGE_ENTITIES] = _merged_entities(rows[cypher.MERGE_ENTITIES])
    rows[cypher.CREATE_PROPOSITIONS] = [
        p for p in _first_by(rows[cypher.CREATE_PROPOSITIONS], "id") if p["id"] not in known_propositions
    ]
    rows[cypher.LINK_POPULATIONS] = _first_by(rows[cypher.LINK_POPULATIONS], "id", "population_id")
    rows[cypher.MERGE_WORKS] = _works_once(rows[cypher.MERGE_WORKS])
    return [
        (statement, {"rows": chunk})
        for statement in _WRITE_ORDER
        for chunk in _chunks(statement, rows[statement])
    ]


def _chunks(statement: str, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """`rows` cut into pieces of at most `ROWS_PER_STATEMENT` rows, or of as many claims for the
    claim statements (whose rows are documents): one statement per piece, in order, all in the
    same transaction. A document's claims may be cut across pieces; its source row is repeated."""
    per_document = statement in (cypher.CREATE_CITED_CLAIMS, cypher.CREATE_UNCITED_CLAIMS)
    piece: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        parts = (
            [{**row, "claims": row["claims"][i : i + ROWS_PER_STATEMENT]}
             for i in range(0, len(row["claims"]), ROWS_PER_STATEMENT)]
            if per_document else [row]
        )  # fmt: skip
        for part in parts:
            weight = len(part["claims"]) if per_document else 1
            if piece and size + weight > ROWS_PER_STATEMENT:
                yield piece
                piece, size = [], 0
            piece.append(part)
            size += weight
    if piece:
        yield piece


def _first_by(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return _first_of_each(rows, lambda row: tuple(row.get(k) for k in keys))


def _merged_entities(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per entity, its synonyms the union in order of appearance (what writing the rows
    one after the other would leave)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        first = merged.setdefault(row["id"], {**row, "synonyms": list(row["synonyms"])})
        first["synonyms"] += [x for x in row["synonyms"] if x not in first["synonyms"]]
    return list(merged.values())


def _works_once(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row of each work, then its first resolved row if the first is not resolved:
    MERGE_WORKS applied to these leaves what it leaves applied to all of them in order."""
    first: dict[str, dict[str, Any]] = {}
    resolved: dict[str, dict[str, Any]] = {}
    for row in rows:
        if first.setdefault(row["id"], row) is not row and row.get("status") == "resolved":
            resolved.setdefault(row["id"], row)
    out = []
    for wid, row in first.items():
        out.append(row)
        if row.get("status") != "resolved" and wid in resolved:
            out.append(resolved[wid])
    return out


_WRITE_ORDER: tuple[str, ...] = (
    cypher.MERGE_SOURCE,
    cypher.MERGE_ENTITIES,
    cypher.CREATE_PROPOSITIONS,
    cypher.LINK_POPULATIONS,
    cypher.MERGE_WORKS,
    cypher.CREATE_CITED_CLAIMS,  # with their assessments, STATES and CITES edges
    cypher.CREATE_UNCITED_CLAIMS,
    cypher.MERGE_CANDIDATES,
    cypher.CREATE_LISTED_WORKS,
)


def _document_rows(doc: Document) -> list[tuple[str, list[dict[str, Any]]]]:
    src = doc.source
    intervention_names = _names_by_claim(doc, "intervention_id")
    outcome_names = _names_by_claim(doc, "outcome_id")
    assessments = {a.claim_id: a for a in doc.assessments}
    cited = {c.claim_id for c in doc.citations if not c.candidate}
    source_row = {
        **src.model_dump(mode="json"),
        "ingested_at": _iso(utcnow()),
        "claim_count": len(doc.claims),
        "cited_count": sum(1 for c in doc.claims if c.citation_status == CitationStatus.CITED),
    }
    stated: dict[str, list[str]] = {}
    for cp in _first_of_each(doc.claim_propositions, lambda cp: (cp.claim_id, cp.proposition_id)):
        stated.setdefault(cp.claim_id, []).append(cp.proposition_id)
    citing: dict[str, list[dict[str, Any]]] = {}
    for x in _first_of_each([c for c in doc.citations if not c.candidate], lambda c: c.id):
        citing.setdefault(x.claim_id, []).append(x.model_dump(mode="json"))
    claim_rows = [
        {
            "claim": _claim_row(
                c,
                src.title or src.key,
                intervention_names.get(c.id, []),
                outcome_names.get(c.id, []),
                assessments.get(c.id),
            ),
            "assessments": [_assessment_node(assessments[c.id])] if c.id in assessments else [],
            "proposition_ids": stated.get(c.id, []),
            "citations": citing.get(c.id, []),
        }
        for c in doc.claims
    ]
    cited_rows = [r for r in claim_rows if r["claim"]["id"] in cited]
    uncited_rows = [r for r in claim_rows if r["claim"]["id"] not in cited]
    listed = list(dict.fromkeys(doc.listed_work_ids))
    return [
        (cypher.MERGE_SOURCE, [source_row]),
        (cypher.MERGE_ENTITIES, [e.model_dump(mode="json") for e in doc.entities]),
        (cypher.CREATE_PROPOSITIONS, [p.model_dump(mode="json") for p in doc.propositions]),
        (cypher.LINK_POPULATIONS, [p.model_dump(mode="json") for p in doc.propositions if p.population_id]),
        (cypher.MERGE_WORKS, [_work_row(w) for w in doc.works]),
        (cypher.CREATE_CITED_CLAIMS, [{"source_id": src.id, "claims": cited_rows}] if cited_rows else []),
        (
            cypher.CREATE_UNCITED_CLAIMS,
            [{"source_id": src.id, "claims": uncited_rows}] if uncited_rows else [],
        ),
        (cypher.MERGE_CANDIDATES, [c.model_dump(mode="json") for c in doc.citations if c.candidate]),
        (cypher.CREATE_LISTED_WORKS, [{"source_id": src.id, "work_ids": listed}] if listed else []),
    ]


def _first_of_each(items: list[T], key: Callable[[T], Any]) -> list[T]:
    """The items in order, each key's first only."""
    seen: dict[Any, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _claim_row(
    c: Claim, source_title: str, interventions: list[str], outcomes: list[str], graded: Assessment | None
) -> dict[str, Any]:
    overclaim = bool(c.cues.boosters) and c.citation_status != CitationStatus.CITED
    row = {
        "id": c.id,
        "source_id": c.source_id,
        "text": c.text,
        "search_text": c.text.lower(),
        "start": c.start,
        "end": c.end,
        "kind": c.kind.value,
        "confidence": c.confidence,
        "citation_status": c.citation_status.value,
        "hedges": c.cues.hedges,
        "boosters": c.cues.boosters,
        "attribution": c.cues.attribution,
        "atoms_json": json.dumps([a.model_dump() for a in c.atoms]),
        "interventions": interventions,
        "outcomes": outcomes,
        "source_title": source_title,
        "rank": claim_rank(c.citation_status.value, overclaim, None),
    }
    if graded is not None:  # the properties SET_ASSESSMENTS gives a claim
        row |= {
            "grade": graded.grade.value,
            "score": graded.score,
            "overclaim": graded.overclaim,
            "rank": claim_rank("", graded.overclaim, graded.score),
            "reasons": graded.reasons,
            "rubric_version": graded.rubric_version,
        }
    return row


def _assessment_id(claim_id: str) -> str:
    return "asm_" + claim_id.removeprefix("clm_")


def _assessment_node(a: Assessment) -> dict[str, Any]:
    """The properties SET_ASSESSMENTS gives an Assessment node."""
    row = a.model_dump(mode="json", exclude={"claim_id"})
    return {"id": _assessment_id(a.claim_id), **row}


def _work_row(work: Any) -> dict[str, Any]:
    row = work.model_dump(mode="json")
    return {k: v for k, v in row.items() if v is not None}


def assessment_rows(assessments: list[Assessment]) -> list[dict[str, Any]]:
    rows = []
    for a in assessments:
        row = a.model_dump(mode="json")
        row["id"] = _assessment_id(a.claim_id)
        row["rank"] = claim_rank("", a.overclaim, a.score)
        rows.append(row)
    return rows


def _names_by_claim(doc: Document, field: str) -> dict[str, list[str]]:
    entity_names = {e.id: e.name for e in doc.entities}
    prop_entity = {p.id: getattr(p, field) for p in doc.propositions}
    out: dict[str, list[str]] = {}
    for cp in doc.claim_propositions:
        name = entity_names.get(prop_entity.get(cp.proposition_id, ""))
        if name and name not in out.setdefault(cp.claim_id, []):
            out[cp.claim_id].append(name)
    return out
