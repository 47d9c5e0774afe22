"""`ingest.workers`: real worker processes, each input within its time and memory budget.

The tasks are functions of this module, so the workers (forked from the fork server) import it
by name as any task is imported.
"""

from __future__ import annotations

import os
import signal
import time

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


def _run(task, payloads, **budget):  # type: ignore[no-untyped-def]
    options = {"workers": 2, "timeout": 0.0, "memory_mb": 0, **budget}
    return list(run_in_workers(task, [(p, p) for p in payloads], **options))


def test_outcomes_come_in_input_order_whatever_finishes_first() -> None:
    payloads = ["sleep 0.6", "a", "sleep 0.3", "b", "c"]
    assert _run(echo, payloads) == [(p, p.upper()) for p in payloads]


def test_inputs_given_as_errors_pass_through_in_place() -> None:
    missing = IngestError("missing.html: no such file")
    got = list(run_in_workers(echo, [("a", "a"), ("missing.html", missing), ("b", "b")], workers=1,
                              timeout=0, memory_mb=0))  # fmt: skip
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
