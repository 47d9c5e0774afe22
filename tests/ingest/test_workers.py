"""`ingest.workers`: real worker processes, each input within its time and memory budget.

The tasks are functions of this module, so the workers (forked from the fork server) import it
by name as any task is imported.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import EmptyDocument, IngestError
from ingest.workers import WorkerPool, run_in_workers


def echo(payload: str) -> str:
    if payload.startswith("sleep "):
        time.sleep(float(payload.split()[1]))
    return payload.upper()


def spin(payload: str) -> str:
    """CPU-bound for ever on "spin" (no system call a signal could interrupt), else quick."""
    if payload == "spin":
        n = 0
        while True:
            n += 1
    return payload


def fail(payload: str) -> str:
    if payload == "empty":
        raise EmptyDocument(f"{payload}: no main text found")
    if payload == "bug":
        raise KeyError("ß")
    if payload == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if payload == "hog":
        return "x" * (600 * 2**20)  # 600 MB in one piece
    return payload


def wedge(payload: str) -> str:
    """Minutes inside one C call that holds the interpreter lock: no Python code runs meanwhile."""
    re.match(r"(a+)+$", "a" * 40 + "b")
    return payload


def _run(
    task: Callable[[str], str], payloads: list[str], **budget: Any
) -> list[tuple[str, str | IngestError]]:
    options = {"workers": 2, "timeout": 0.0, "memory_mb": 0, **budget}
    return list(run_in_workers(task, [(p, p) for p in payloads], **options))


def test_outcomes_come_in_input_order_whatever_finishes_first() -> None:
    payloads = ["sleep 0.6", "a", "sleep 0.3", "b", "c"]
    assert _run(echo, payloads) == [(p, p.upper()) for p in payloads]


def test_inputs_given_as_errors_pass_through_in_place() -> None:
    missing = IngestError("missing.html: no such file")
    items: list[tuple[str, str | IngestError]] = [("a", "a"), ("missing.html", missing), ("b", "b")]
    got = list(run_in_workers(echo, items, workers=1, timeout=0, memory_mb=0))
    assert got == [("a", "A"), ("missing.html", missing), ("b", "B")]


def test_a_cpu_bound_input_past_its_time_is_stopped_and_the_rest_goes_on() -> None:
    began = time.monotonic()
    got = _run(spin, ["first", "spin", "last"], workers=1, timeout=1.0)
    assert time.monotonic() - began < 15
    assert got[0] == ("first", "first") and got[2] == ("last", "last")
    name, error = got[1]
    assert name == "spin" and isinstance(error, IngestError)
    assert str(error).startswith("spin: analysing it took more than 1 s")
    assert "KB_INPUT_TIMEOUT" in str(error)


def test_errors_stay_the_inputs_own() -> None:
    got = dict(_run(fail, ["empty", "bug", "fine"]))
    assert isinstance(got["empty"], EmptyDocument)  # the task's own error, type and all
    assert str(got["bug"]) == "bug: unexpected error while analysing it: KeyError: 'ß'"
    assert got["fine"] == "fine"


def test_a_worker_that_dies_costs_only_its_input() -> None:
    got = dict(_run(fail, ["a", "die", "b"], workers=1))
    assert got["a"] == "a" and got["b"] == "b"
    assert "the process analysing it was killed by signal 9" in str(got["die"])


def test_an_input_over_the_memory_budget_fails_alone() -> None:
    got = dict(_run(fail, ["a", "hog", "b"], workers=1, memory_mb=300))
    assert got["a"] == "a" and got["b"] == "b"
    assert isinstance(got["hog"], IngestError)
    assert str(got["hog"]).startswith("hog: analysing it needed more than 300 MB of memory")
    assert "KB_INPUT_MAX_MEMORY" in str(got["hog"])


def test_stopping_early_ends_the_workers() -> None:
    pool: WorkerPool[str, str] = WorkerPool(echo, workers=2, timeout=0, memory_mb=0)
    outcomes = pool.run([(p, p) for p in ["a", "b", "sleep 30", "c"]])
    assert next(outcomes) == ("a", "A")
    processes = [w.process for w in pool._workers]
    assert processes
    outcomes.close()  # the caller stops reading: nothing of the pool may outlive that
    for process in processes:
        process.join(timeout=10)
        assert not process.is_alive()


@pytest.mark.parametrize("workers", [1, 3])
def test_many_inputs_through_few_workers(workers: int) -> None:
    payloads = [str(i) for i in range(200)]
    assert _run(echo, payloads, workers=workers) == [(p, p) for p in payloads]


STUCK_CALLER = """
import sys
sys.path.insert(0, sys.argv[1])
from ingest.workers import run_in_workers
from test_workers import wedge
if __name__ == "__main__":
    print("started", flush=True)
    list(run_in_workers(wedge, [("a", "a")], workers=1, timeout=0, memory_mb=0))
"""


def test_a_worker_stuck_in_c_code_goes_when_its_caller_is_killed(tmp_path: Path) -> None:
    """The kernel ends the fork server and its workers (PR_SET_PDEATHSIG): no Python code has to
    run in a worker that holds the interpreter lock in a C call for minutes."""
    script = tmp_path / "caller.py"
    script.write_text(STUCK_CALLER)
    caller = subprocess.Popen(
        [sys.executable, str(script), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert caller.stdout is not None and caller.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 30
        while not _living(caller.pid, but=caller.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _living(caller.pid, but=caller.pid), "no worker was started"
        time.sleep(1)  # the worker is inside the regular expression by now
        os.kill(caller.pid, signal.SIGKILL)
        caller.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _living(caller.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _living(caller.pid), f"still running: {_living(caller.pid)}"
    finally:
        if _living(caller.pid):
            os.killpg(caller.pid, signal.SIGKILL)
        caller.wait(timeout=10)


def _living(pgid: int, *, but: int | None = None) -> list[str]:
    """Processes of a session that are not zombies, except `but`."""
    ps = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(pgid)], capture_output=True, text=True)
    rows = [line.split(None, 2) for line in ps.stdout.splitlines() if line.strip()]
    return [" ".join(r) for r in rows if not r[1].startswith("Z") and int(r[0]) != but]
