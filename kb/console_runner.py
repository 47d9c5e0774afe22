"""Running a researcher's console query: as a reader, bounded in rows, bytes and time.

Three locks, outermost first:
1. `kb.console_guard.check_read_only` refuses writes, administration and unknown procedures by their
   tokens, with a message that says what to do instead.
2. The query runs on the console driver, logged in as a user the engine lets read records and
   nothing else (`kb_console` in the embedded engine; a reader on Neo4j), in a transaction that
   is always rolled back.
3. Reading stops at `console_row_limit` rows or `console_max_bytes` of values, whichever comes
   first, and at `console_timeout` seconds. A cut-off query is stopped in the engine too
   (`TERMINATE TRANSACTIONS`, found by a marker comment appended to the query), so it neither
   keeps the engine busy nor keeps filling memory in this process; the reading thread stops at
   its next row or at the engine's error, and closes its transaction and session.

Rows are fetched a few at a time (`FETCH_SIZE`): the driver buffers one fetch before the byte
count can see it, so a fetch of very wide rows is what the budget may overshoot by.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import Any

import neo4j
from neo4j import Driver

from kb.console_guard import check_read_only
from kb.errors import KBError, QueryRefused
from kb.graphdata import to_jsonable, to_subgraph
from kb.settings import Settings
from kb.views import ConsoleResult

FETCH_SIZE = 50  # rows per round trip: small, so the byte budget is checked often


class _Cut(Exception):
    """Raised inside the reading thread when the caller stopped waiting."""


def _size(row: list[Any]) -> int:
    return len(json.dumps(row, default=str, ensure_ascii=False))


class ConsoleRunner:
    """Runs console queries on `driver` (the read-only login). `terminate(marker)` stops, with
    the store's own rights, every running transaction whose query text holds `marker`."""

    def __init__(
        self,
        driver: Driver,
        *,
        database: str | None,
        settings: Settings,
        errors: Callable[[], Any],
        terminate: Callable[[str], None],
    ):
        self._driver = driver
        self._database = database
        self._settings = settings
        self._errors = errors  # the store's driver-error mapping (a context manager factory)
        self._terminate = terminate

    def run(self, query: str, params: dict[str, Any] | None = None) -> ConsoleResult:
        check_read_only(query)
        timeout = self._settings.console_timeout
        marker = f"kb-console-{uuid.uuid4().hex}"
        # A line comment of our own after the user's last line; the lexical check has made sure
        # the user's text ends no string or comment open, so the marker cannot change the query.
        statement = f"{query}\n// {marker}"
        stop = threading.Event()
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-console")
        future = pool.submit(self._read, statement, params or {}, stop)
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            stop.set()
            with suppress(KBError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
                self._terminate(marker)
            # The reader ends on its own: at its next row (it sees `stop`), or with the engine's
            # "terminated" error; either way it closes its transaction and session.
            raise QueryRefused(
                f"the query ran longer than {timeout:.0f} s and was cut off; add LIMIT or a narrower MATCH"
            ) from None
        finally:
            pool.shutdown(wait=False)

    def _read(self, statement: str, params: dict[str, Any], stop: threading.Event) -> ConsoleResult:
        limit, max_bytes = self._settings.console_row_limit, self._settings.console_max_bytes
        started = time.perf_counter()
        records: list[list[Any]] = []
        rows: list[list[Any]] = []
        size, cut = 0, ""
        with (
            self._errors(),
            self._driver.session(
                database=self._database, default_access_mode=neo4j.READ_ACCESS, fetch_size=FETCH_SIZE
            ) as session,
        ):
            tx = session.begin_transaction(timeout=self._settings.console_timeout)
            try:
                result = tx.run(statement, params)
                columns = list(result.keys())
                for record in result:
                    if stop.is_set():
                        raise _Cut
                    if len(rows) == limit:
                        cut = "rows"
                        break
                    values = list(record.values())
                    row = [to_jsonable(v) for v in values]
                    size += _size(row)
                    if size > max_bytes:
                        cut = "size"
                        break
                    records.append(values)
                    rows.append(row)
            finally:
                tx.close()  # rolls back: whatever the query did is undone
        return ConsoleResult(
            columns=columns,
            rows=rows,
            truncated=bool(cut),
            cut=cut,
            graph=to_subgraph(records),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
