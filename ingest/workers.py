"""Run a pure, CPU-bound task on many inputs in worker processes, each input with a time and a
memory budget, yielding the outcomes in input order.

A hostile page can keep a parser busy inside one C call (libxml2, a regular expression), where
no signal or thread can stop it; only its process can be ended. So each input goes to a worker
process of its own slot, one at a time: when an input runs past `timeout` seconds its worker is
killed and replaced, and that input fails with one line while the batch goes on. Memory the
same way: the caller reads each busy worker's resident memory every 50 ms and stops the worker
once it has grown by more than `memory_mb`; and the worker's address space may grow by at most
twice that (`RLIMIT_AS`), a hard stop for growth faster than the reads. So a page that would
need gigabytes fails on one line instead of taking the machine's memory. A worker that dies
(the kernel's OOM killer, a crash in C) costs only the input it held.

Workers are forked from a fork server that has already imported the task's module (started
once per process, single-threaded, so forking it is safe even from a threaded app), so a new
worker costs milliseconds. A thread of the caller's process hands inputs out, watches the
deadlines and collects results, so the workers go on while the caller writes what it got; at
most `window` inputs are read and not yet consumed, so memory stays bounded however long the
batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import multiprocessing
import multiprocessing.forkserver
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from ingest.errors import IngestError

__all__ = ["WorkerPool", "die_with_parent", "run_in_workers"]

P = TypeVar("P")  # what a task takes
R = TypeVar("R")  # what it returns
Task = Callable[[P], R]

_READY = "ready"
_MAX_FAILED_STARTS = 3
_POLL = 0.25  # seconds between checks for a stop request while nothing else happens
_MEMORY_POLL = 0.05  # seconds between reads of a busy worker's resident memory
# What the fork server imports once: the caller's main module and the analysis (so a worker
# starts with them), and the guard that ends the server with the thread that started it.
_PRELOAD = ["__main__", "ingest.pipeline", "ingest.extract_html", "ingest.forkserver_guard"]
_PR_SET_PDEATHSIG = 1
_context: Any = None
_keeper: _Keeper | None = None
_context_lock = threading.Lock()


def _forkserver() -> Any:
    """The fork server context, its server running: the analysis modules imported once in it."""
    global _context, _keeper
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_preload())
            _context, _keeper = context, _Keeper()
        keeper = _keeper
    assert keeper is not None
    keeper.ensure_running()
    return _context


def _preload() -> list[str]:
    """`_PRELOAD`, and the caller's main module by name when it was run as one (`python -m
    ui.cli`): each worker imports that module again as its `__mp_main__`, which costs nothing
    when the server has imported what it imports (the fork server preloads a main module only
    when it is a file)."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    name = getattr(spec, "name", None)
    if not name or name.endswith("__main__"):
        return list(_PRELOAD)
    return [*_PRELOAD[:1], name, *_PRELOAD[1:]]


class _Keeper:
    """Starts the fork server, and starts it again if it died, always from one thread that lives
    as long as this process. The server dies with the thread that started it (see
    `die_with_parent`), so that must not be a thread that ends with a batch or an app rerun."""

    def __init__(self) -> None:
        self._requests: queue.Queue[queue.Queue[BaseException | None]] = queue.Queue()
        threading.Thread(target=self._serve, name="forkserver-keeper", daemon=True).start()

    def ensure_running(self) -> None:
        done: queue.Queue[BaseException | None] = queue.Queue()
        self._requests.put(done)
        if (error := done.get()) is not None:
            raise error

    def _serve(self) -> None:
        while True:
            done = self._requests.get()
            try:
                multiprocessing.forkserver.ensure_running()
                done.put(None)
            except BaseException as e:  # handed to the thread that asked
                done.put(e)


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when the thread that started it ends (Linux), and
    end now if that already happened. No Python code needs to run for it: a worker stuck in a C
    call, holding the interpreter lock, still goes when `kb` is killed. The fork server calls it
    (`ingest.forkserver_guard`), and so does each worker, whose parent is the server."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: `_exit_with_parent` still watches
        return
    if os.getppid() == 1:
        os._exit(1)


# --- in the worker -----------------------------------------------------------------------------


def _serve(conn: Connection, memory_mb: int, task: Task[Any, Any]) -> None:
    """A worker's life: announce itself, then run the task on each input it is sent and send back
    (kind, outcome). It ends quietly when something goes wrong outside the task: the caller
    reports the input it held on one line, and a traceback here would only add lines."""
    try:
        # Ctrl+C reaches the whole process group: the caller stops the workers itself, and a
        # worker's KeyboardInterrupt would only print a traceback.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        die_with_parent()
        _exit_with_parent()
        if memory_mb > 0:
            _limit_memory(memory_mb)
        conn.send(_READY)
        while True:
            try:
                payload = conn.recv()
            except (EOFError, OSError):
                return
            except MemoryError:  # the input itself does not fit
                conn.send(("memory", None))
                return
            kind, outcome = _run(task, payload)
            try:
                conn.send((kind, outcome))
            except MemoryError:
                kind = "memory"
                conn.send((kind, None))
            except Exception as e:  # an outcome that cannot be pickled
                conn.send(("unexpected", f"{type(e).__name__} while returning the result: {e}"))
            if kind == "memory":
                return  # the heap may be left in pieces: a fresh worker takes the next input
    except Exception:
        os._exit(1)


def _run(task: Task[Any, Any], payload: Any) -> tuple[str, Any]:
    try:
        return "ok", task(payload)
    except IngestError as e:
        return "error", e
    except MemoryError:
        return "memory", None
    except Exception as e:  # a bug or a library's surprise: this input's error, one line
        return "unexpected", f"{type(e).__name__}: {e}"


def _limit_memory(memory_mb: int) -> None:
    """A hard stop, in case memory grows faster than the caller reads it: the address space may
    grow by twice `memory_mb` from what it holds now (the imported analysis, and whatever the
    caller's main module brought in); past that an allocation fails with MemoryError. (Failing
    allocations can wedge a C extension, so the caller stops a worker at `memory_mb` resident
    before that, see `_settle`.)"""
    try:
        with open("/proc/self/statm") as f:
            now = int(f.read().split()[0]) * resource.getpagesize()
    except OSError:  # not Linux: the budget counts from nothing
        now = 0
    limit = now + 2 * memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(
        resource.RLIMIT_AS, (limit, hard if hard == resource.RLIM_INFINITY else min(limit, hard))
    )


def _exit_with_parent() -> None:
    """End this worker once the process that asked for it is gone, even in the middle of an input:
    a `kill -9` of `kb ingest` must not leave workers behind. (Its parent is the fork server; the
    sentinel multiprocessing gives it closes when the process that started the server ends.)"""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


# --- in the caller ---------------------------------------------------------------------------


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    job: int | None = None
    name: str = ""
    deadline: float | None = None
    baseline: int | None = None  # resident bytes once ready, before any input


@dataclass
class _State:
    done: dict[int, tuple[str, Any]] = field(default_factory=dict)
    waiting: deque[tuple[int, str, Any]] = field(default_factory=deque)


def _dispatch(loop: Callable[[], None], out: queue.Queue[Any]) -> None:
    """The dispatch thread: run `loop`, then hand its end, or what ended it, to the consumer."""
    try:
        loop()
        out.put(_END)
    except BaseException as e:  # handed to the consumer, who raises it
        out.put(_Crash(e))


class WorkerPool(Generic[P, R]):
    """`workers` processes running `task` (a module-level function, so it pickles by name)."""

    def __init__(self, task: Task[P, R], *, workers: int, timeout: float, memory_mb: int) -> None:
        self.task = task
        self.size = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._workers: list[_Worker] = []
        self._closed = False
        self._lock = threading.Lock()
        self._failed_starts = 0  # workers in a row that died before they were ready

    def run(
        self, items: Iterable[tuple[str, P | IngestError]], *, window: int = 64
    ) -> Generator[tuple[str, R | IngestError], None, None]:
        """(name, outcome) for each (name, input) in order; an input given as an IngestError is
        passed through. At most `window` inputs are taken from `items` ahead of the consumer."""
        out: queue.Queue[Any] = queue.Queue()
        stop = threading.Event()
        consumed = [0]
        loop = functools.partial(self._loop, iter(items), out, stop, consumed, max(window, self.size))
        thread = threading.Thread(target=_dispatch, args=(loop, out), name="analysis-dispatch", daemon=True)
        thread.start()
        try:
            while True:
                entry = out.get()
                if entry is _END:
                    return
                if isinstance(entry, _Crash):
                    raise entry.error
                consumed[0] += 1
                yield entry
        finally:
            stop.set()
            thread.join(timeout=30)
            self.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for worker in workers:
            _end(worker)

    # -- the dispatch thread --

    def _loop(
        self,
        items: Iterator[tuple[str, Any]],
        out: queue.Queue[Any],
        stop: threading.Event,
        consumed: list[int],
        window: int,
    ) -> None:
        state = _State()
        taken = emitted = 0
        exhausted = False
        while not stop.is_set():
            # Read ahead while the window allows: enough to keep every worker busy.
            while not exhausted and taken - consumed[0] < window and len(state.waiting) <= self.size:
                try:
                    name, payload = next(items)
                except StopIteration:
                    exhausted = True
                    break
                if isinstance(payload, IngestError):
                    state.done[taken] = (name, payload)
                else:
                    state.waiting.append((taken, name, payload))
                taken += 1
            if state.waiting:
                self._fill()
                for worker in self._workers:
                    if worker.ready and worker.job is None and state.waiting:
                        self._give(worker, *state.waiting.popleft())
            while emitted in state.done:
                out.put(state.done.pop(emitted))
                emitted += 1
            if exhausted and emitted == taken:
                return
            self._collect(state)

    def _fill(self) -> None:
        with self._lock:
            if self._closed:
                raise IngestError("the analysis was stopped")
            while len(self._workers) < self.size:
                self._workers.append(self._start())

    def _start(self) -> _Worker:
        context = _forkserver()
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(theirs, self.memory_mb, self.task),
            name="kb-analysis",
            daemon=True,
        )
        process.start()
        theirs.close()
        return _Worker(process=process, conn=ours)

    def _give(self, worker: _Worker, job: int, name: str, payload: Any) -> None:
        worker.job, worker.name = job, name
        with contextlib.suppress(OSError, ValueError):  # it died: `_collect` sees and reports it
            worker.conn.send(payload)
        worker.deadline = time.monotonic() + self.timeout if self.timeout > 0 else None

    def _collect(self, state: _State) -> None:
        """Wait for a result, a worker's death, a deadline or a memory check, and settle it."""
        busy = [w for w in self._workers if w.job is not None]
        now = time.monotonic()
        poll = _MEMORY_POLL if self.memory_mb > 0 and busy else _POLL
        timeout = min([poll, *(w.deadline - now for w in busy if w.deadline is not None)])
        watched: list[Any] = [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
        ready = set(wait(watched, timeout=max(0.0, timeout))) if watched else set()
        if not watched:
            time.sleep(max(0.0, timeout))
        now = time.monotonic()
        for worker in list(self._workers):
            reason = self._settle(worker, ready, now, state)
            if reason is None:
                continue
            if not worker.ready:
                self._failed_starts += 1
                if self._failed_starts >= _MAX_FAILED_STARTS:
                    worker.process.join(timeout=5)
                    raise IngestError(
                        f"the analysis processes cannot start (exit status {worker.process.exitcode}); "
                        "set KB_INPUT_TIMEOUT=0 and KB_INPUT_MAX_MEMORY=0 to analyse without them"
                    )
            if worker.job is not None:
                state.done[worker.job] = (worker.name, self._lost(worker, reason))
            self._replace(worker)

    def _settle(self, worker: _Worker, ready: set[Any], now: float, state: _State) -> str | None:
        """Take what `worker` sent; say why it must be replaced ("died", "time", "memory",
        "spent" after a MemoryError), or None while it may go on."""
        if worker.conn in ready:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                return "died"
            if message == _READY:
                worker.ready, self._failed_starts = True, 0
                worker.baseline = _resident(worker.process.pid)
                return None
            if worker.job is None:
                return None
            kind, outcome = message
            state.done[worker.job] = (worker.name, self._outcome(worker.name, kind, outcome))
            worker.job, worker.deadline = None, None
            return "spent" if kind == "memory" else None
        if worker.process.sentinel in ready:
            return "died"
        if worker.job is None:
            return None
        if worker.deadline is not None and now >= worker.deadline:
            return "time"
        if self.memory_mb > 0 and worker.baseline is not None:
            resident = _resident(worker.process.pid)
            if resident is not None and resident - worker.baseline > self.memory_mb * 2**20:
                return "memory"
        return None

    def _outcome(self, name: str, kind: str, outcome: Any) -> Any:
        if kind == "ok" or kind == "error":
            return outcome
        if kind == "memory":
            return self._over_memory(name)
        return IngestError(f"{name}: unexpected error while analysing it: {outcome}")

    def _over_memory(self, name: str) -> IngestError:
        return IngestError(
            f"{name}: analysing it needed more than {self.memory_mb:,} MB of memory, so it was stopped; "
            "raise KB_INPUT_MAX_MEMORY to allow more"
        )

    def _lost(self, worker: _Worker, reason: str) -> IngestError:
        if reason == "time":
            return IngestError(
                f"{worker.name}: analysing it took more than {self.timeout:g} s, so it was stopped; "
                "raise KB_INPUT_TIMEOUT to allow more"
            )
        if reason in ("memory", "spent"):
            return self._over_memory(worker.name)
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        how = (
            f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with status {code}"
        )
        hint = " (out of memory?)" if code == -9 else ""
        return IngestError(f"{worker.name}: the process analysing it {how}{hint}; it was not read")

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        _end(worker)


def _resident(pid: int) -> int | None:
    """Resident bytes of a process (Linux); None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return None


def _end(worker: _Worker) -> None:
    with contextlib.suppress(Exception):
        worker.conn.close()
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(timeout=5)


class _Crash:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def run_in_workers(
    task: Task[P, R],
    items: Iterable[tuple[str, P | IngestError]],
    *,
    workers: int,
    timeout: float,
    memory_mb: int,
    window: int = 64,
) -> Generator[tuple[str, R | IngestError], None, None]:
    """`WorkerPool(...).run(items)`: the pool ends with the iteration (or when it is closed)."""
    pool: WorkerPool[P, R] = WorkerPool(task, workers=workers, timeout=timeout, memory_mb=memory_mb)
    yield from pool.run(items, window=window)
