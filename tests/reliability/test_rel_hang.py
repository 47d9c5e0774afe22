"""A hung engine: its process runs and its port takes connections (the kernel does that), but it
answers nothing. Stopped here with SIGSTOP, the surest way to hang a process, and continued in a
`finally`.

Every request to the graph gives up after KB_GRAPH_TIMEOUT (small here) with one line saying what
to do; `kb engine status` and `start` tell a hung engine from a healthy one by a query; `kb engine
restart` and `stop` get rid of it. The engine killed outright is in test_rel_crash.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from neo4j import Transaction
from rel_helpers import error_lines, kill_group, run_kb, start_kb, stderr_lines, summary, wait_until

from kb import cypher, engine
from kb.drivers import engine_answers
from kb.errors import StoreError
from kb.settings import Settings
from kb.store import GraphStore

TIMEOUT = 2.0  # KB_GRAPH_TIMEOUT of every test here
QUICK = {"KB_GRAPH_TIMEOUT": str(TIMEOUT), "KB_ENGINE_STOP_TIMEOUT": "5"}
BOUND = 30.0  # what any command may take against a hung engine (a bare `kb` takes ~4 s to start)


@contextlib.contextmanager
def stopped(pid: int) -> Iterator[None]:
    """The engine hung: SIGSTOP now, SIGCONT whatever happens (it may be gone: restarted)."""
    os.kill(pid, signal.SIGSTOP)
    time.sleep(0.3)  # the signal is delivered asynchronously
    try:
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def _pid(settings: Settings) -> int:
    state = engine.read_state(settings)
    assert state is not None, "the engine is not running"
    return state.pid


def _timed(*args: str, home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    began = time.monotonic()
    run = run_kb(*args, home=home, env=QUICK, timeout=BOUND)  # TimeoutExpired fails the test
    return run, time.monotonic() - began


def _says_restart(run: subprocess.CompletedProcess[str]) -> None:
    """One line on stderr, no traceback, naming the way out."""
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert "kb engine restart" in lines[0], lines[0]


def test_every_request_to_a_hung_engine_gives_up_in_time(fresh_home: Path) -> None:
    """Reads, writes stopped between two statements of their transaction, and the schema set-up
    of a new connection: each ends after about KB_GRAPH_TIMEOUT, not never."""
    GraphStore.connect(Settings(home=fresh_home)).close()  # a new engine's set-up may take longer
    settings = Settings(home=fresh_home, graph_timeout=TIMEOUT)
    store = GraphStore.connect(settings)
    pid = _pid(settings)
    took: dict[str, float] = {}

    def attempt(name: str, request: Callable[[], object]) -> None:
        began = time.monotonic()
        with pytest.raises(StoreError, match="did not answer within 2 s; run `kb engine restart`"):
            request()
        took[name] = time.monotonic() - began

    def write_then_hang(tx: Transaction) -> None:
        tx.run(cypher.PING).consume()
        os.kill(pid, signal.SIGSTOP)  # the engine hangs in the middle of the transaction
        time.sleep(0.3)
        tx.run(cypher.PING).consume()

    try:
        assert store.counts().nodes["Claim"] == 0
        attempt("write stopped mid-transaction", lambda: store.write(write_then_hang))
        attempt("read at once after", store.counts)  # fails at once: no second wait
        time.sleep(TIMEOUT)
        attempt("read after the pause", store.counts)
        attempt("a new connection", lambda: GraphStore.connect(settings))
    finally:
        os.kill(pid, signal.SIGCONT)
    print(f"gave up after: { {k: round(v, 1) for k, v in took.items()} }")
    assert took["read at once after"] < 0.5
    for name in ("write stopped mid-transaction", "read after the pause", "a new connection"):
        assert TIMEOUT - 0.5 < took[name] < TIMEOUT + 5, (name, took[name])
    time.sleep(TIMEOUT)  # then the same store works again, on a new connection
    assert store.counts().nodes["Claim"] == 0
    assert store.check() == {}
    store.close()


def test_a_running_ingest_ends_when_the_engine_hangs(corpus: Path, fresh_home: Path) -> None:
    """Found by a review: `kb ingest` waited 25 minutes on a stopped engine until it was killed."""
    settings = Settings(home=fresh_home)
    with GraphStore.connect(settings) as store:
        pid = _pid(settings)
        # a little longer than elsewhere: a write of 20 documents must not be given up on early
        proc = start_kb(
            "ingest", "--offline", "-q", str(corpus), home=fresh_home, env={"KB_GRAPH_TIMEOUT": "5"}
        )
        try:
            wait_until(
                lambda: store.counts().nodes["Source"] > 0 or proc.poll() is not None,
                timeout=120,
                what="the first sources",
            )
            assert proc.poll() is None, "the batch ended before the engine could be stopped"
            with stopped(pid):
                began = time.monotonic()
                try:
                    out, err = proc.communicate(timeout=90)
                except subprocess.TimeoutExpired:
                    pytest.fail("kb ingest still waits on the hung engine after 90 s")
                took = time.monotonic() - began
        finally:
            kill_group(proc)
        print(f"kb ingest ended {took:.1f} s after the engine hung")
        assert proc.returncode == 1 and "Traceback" not in err
        lines = stderr_lines(err)
        assert lines == error_lines(err), f"stderr holds more than error lines: {lines[:5]}"
        hung = [line for line in lines if "did not answer" in line]
        assert hung and all("kb engine restart" in line for line in hung), lines[:5]
        _, _, failed = summary(out)
        assert failed >= len(hung)
        assert took < 60
        assert store.check() == {}  # whatever landed, landed whole


def test_engine_commands_tell_a_hung_engine_and_restart_gets_rid_of_it(fresh_home: Path) -> None:
    """`kb claims` used to fail after 61 s advising `kb engine start`, which said "already
    running"; `kb engine status` said "running"."""
    settings = Settings(home=fresh_home)
    assert run_kb("engine", "start", home=fresh_home).returncode == 0
    pid = _pid(settings)
    with stopped(pid):
        took: dict[str, float] = {}
        for command in (("claims",), ("engine", "status"), ("engine", "start")):
            run, took[" ".join(command)] = _timed(*command, home=fresh_home)
            _says_restart(run)
            assert "does not answer" in run.stderr or "did not answer" in run.stderr, run.stderr
        restarted, took["engine restart"] = _timed("engine", "restart", home=fresh_home)
    print(f"seconds: { {k: round(v, 1) for k, v in took.items()} }")
    assert restarted.returncode == 0, restarted.stderr
    assert "engine stopped" in restarted.stdout and "engine started" in restarted.stdout
    assert _pid(settings) != pid
    status = run_kb("engine", "status", home=fresh_home)
    assert status.returncode == 0 and "engine running" in status.stdout
    check = run_kb("check", home=fresh_home)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_healthy_engine_answers(store: GraphStore, settings: Settings) -> None:
    state = engine.read_state(settings)
    assert state is not None and engine_answers(settings, state)
    with stopped(state.pid):
        began = time.monotonic()
        assert not engine_answers(settings.model_copy(update={"graph_timeout": 1.0}), state)
        assert time.monotonic() - began < 3
    assert engine_answers(settings, state)


@pytest.fixture
def deaf_engine(fresh_home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process that passes for this home's engine (its command line names the engine's script
    and it runs in the engine directory) and ignores SIGTERM, as an engine deadlocked in its
    shutdown would."""
    engine_dir = engine.ensure_private_dir(Settings(home=fresh_home).engine_dir)
    code = (
        "import signal, socket, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "print(s.getsockname()[1], flush=True)\n"
        "time.sleep(300)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "engine_server.py"], cwd=engine_dir, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    (engine_dir / "state.json").write_text(
        f'{{"pid": {proc.pid}, "bolt_port": {port}, "http_port": {port}, "database": "kb", "started_at": 0}}'
    )
    yield proc
    proc.kill()
    proc.wait()


def test_stop_kills_an_engine_that_ignores_sigterm_after_the_grace_period(
    fresh_home: Path, deaf_engine: subprocess.Popen[bytes]
) -> None:
    stop, took = _timed("engine", "stop", home=fresh_home)
    print(f"kb engine stop took {took:.1f} s (KB_ENGINE_STOP_TIMEOUT=5)")
    assert stop.returncode == 0, stop.stderr
    assert "engine killed" in stop.stdout, stop.stdout
    assert deaf_engine.wait(timeout=5) == -signal.SIGKILL
    assert 5 <= took < 20
    assert not (fresh_home / "engine" / "state.json").exists()
