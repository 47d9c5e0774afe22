"""Crash safety: kill -9 an ingest, or the engine, in the middle of a batch; nothing is lost or half
written, and running the batch again completes it without duplicates.

Each test has a data directory and an engine of its own (`fresh_home`), never the session's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rel_helpers import (
    error_lines,
    group_alive,
    kb_env,
    kill_group,
    run_kb,
    start_kb,
    stderr_lines,
    summary,
    wait_until,
)

from kb import engine
from kb.settings import Settings
from kb.store import GraphStore

LABELS = ("Source", "Claim", "Entity", "Proposition", "Work", "Assessment")
KILL_AFTER_SOURCES = 8  # the batch is well under way, and far from done


def _nodes(store: GraphStore) -> dict[str, int]:
    nodes = store.counts().nodes
    return {label: nodes[label] for label in LABELS}


def _rerun_completes(corpus: Path, home: Path, already: int, expected: dict[str, int]) -> None:
    rerun = run_kb("ingest", "--offline", "-q", str(corpus), home=home)
    assert "Traceback" not in rerun.stderr
    documents, new, _ = summary(rerun.stdout)
    assert documents == expected["Source"]
    assert new == expected["Source"] - already  # what landed before the crash is not written again
    with GraphStore.connect(Settings(home=home)) as store:
        assert store.check() == {}
        assert _nodes(store) == expected


def test_kill_9_of_an_ingest_mid_batch(corpus: Path, corpus_counts: dict[str, int], fresh_home: Path) -> None:
    store = GraphStore.connect(Settings(home=fresh_home))  # starts this home's engine
    try:
        proc = start_kb("ingest", "--offline", "-q", str(corpus), home=fresh_home)
        try:
            wait_until(
                lambda: store.counts().nodes["Source"] >= KILL_AFTER_SOURCES or proc.poll() is not None,
                timeout=120,
                what=f"{KILL_AFTER_SOURCES} sources",
            )
            assert proc.poll() is None, "the batch ended before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)  # no handler, no cleanup, maybe mid-transaction
            proc.wait(timeout=30)
        finally:
            kill_group(proc)
        assert store.check() == {}  # among others: every source has exactly its claim_count claims
        partial = _nodes(store)
        assert 0 < partial["Source"] < corpus_counts["Source"]
        assert partial["Claim"] < corpus_counts["Claim"]
    finally:
        store.close()
    _rerun_completes(corpus, fresh_home, partial["Source"], corpus_counts)


def test_kill_9_of_an_ingest_leaves_no_worker_behind(corpus: Path, settings: Settings) -> None:
    proc = start_kb("ingest", "--offline", "-q", str(corpus), home=settings.home)
    try:
        wait_until(
            lambda: bool(_children(proc.pid)) or proc.poll() is not None,
            timeout=120,
            what="the ingest's analysis workers",
        )
        assert proc.poll() is None, "the batch ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # A worker notices once it has started (importing the analysis takes seconds on a busy
        # machine), then within half a second.
        orphans = _outlived(proc.pid, seconds=30)
    finally:
        kill_group(proc)
    # Nothing the killed command started outlives it: idle workers would hold memory for ever.
    assert not orphans, f"processes of the killed ingest still run: {orphans}"


def _children(pid: int) -> list[str]:
    ps = subprocess.run(["ps", "-o", "args=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line for line in ps.stdout.splitlines() if "multiprocessing" in line]


def _outlived(pgid: int, seconds: float) -> list[str]:
    """Command lines of processes in the killed command's session still alive after `seconds`."""
    deadline = time.monotonic() + seconds
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not group_alive(pgid):
        return []
    ps = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(pgid)], capture_output=True, text=True)
    return [line.strip()[:120] for line in ps.stdout.splitlines() if line.strip()]


def test_kill_9_of_the_engine_mid_write(
    corpus: Path, corpus_counts: dict[str, int], fresh_home: Path
) -> None:
    settings = Settings(home=fresh_home)
    store = GraphStore.connect(settings)
    killed_pid = engine_pid = engine.read_state(settings).pid  # type: ignore[union-attr]
    try:
        proc = start_kb("ingest", "--offline", "-q", str(corpus), home=fresh_home)
        wait_until(
            lambda: store.counts().nodes["Source"] >= KILL_AFTER_SOURCES or proc.poll() is not None,
            timeout=120,
            what=f"{KILL_AFTER_SOURCES} sources",
        )
        os.kill(engine_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        try:
            out, err = proc.communicate(timeout=120)
        finally:
            kill_group(proc)
        took = time.monotonic() - killed_at
    finally:
        store.close()

    # The batch goes on without the engine: one line per item it could not write, no traceback,
    # no driver log lines, and fast (no half-minute of retries per item).
    assert proc.returncode == 1
    assert "Traceback" not in err
    lines = stderr_lines(err)
    assert lines == error_lines(err), f"stderr holds more than error lines: {lines[:5]}"
    unreachable = [line for line in lines if "cannot reach the graph" in line]
    assert unreachable, "no item reported the engine as gone"
    for line in unreachable:
        assert line.startswith(f"error: {corpus}/"), line  # each names its input
    documents, _, failed = summary(out)
    assert failed >= len(unreachable) and documents < corpus_counts["Source"]
    assert took < 60, f"the batch took {took:.0f} s to give up after the engine died"

    # The next command (here, in-process, what every command does first) starts the engine
    # again; the data survived the crash, whole.
    with GraphStore.connect(settings) as store:
        restarted = engine.read_state(settings)
        assert restarted is not None and restarted.pid != killed_pid
        assert store.check() == {}
        landed = store.counts().nodes["Source"]
    assert 0 < landed < corpus_counts["Source"]
    _rerun_completes(corpus, fresh_home, landed, corpus_counts)


# Stands in for `kb reset --yes`, killed with SIGKILL as soon as its first batch of deletions is
# committed: the worst moment, and the same one on every run.
_RESET_KILLED_MID_WAY = """
import os, signal, sys
from kb.settings import Settings
from kb.store import GraphStore

write = GraphStore.write

def write_then_die(self, work):
    result = write(self, work)
    if isinstance(result, int) and result > 0:  # a batch of nodes deleted
        os.kill(os.getpid(), signal.SIGKILL)
    return result

GraphStore.write = write_then_die
GraphStore.connect(Settings()).reset()
"""


def test_kill_9_of_a_reset_is_finished_by_the_next_command(fresh_home: Path) -> None:
    """Found by a review: a killed `kb reset` left a half-deleted graph that failed `kb check`."""
    from benchmarks import synthetic

    with GraphStore.connect(Settings(home=fresh_home)) as store:
        store.write_documents([synthetic.document(n, claims=400) for n in range(15)])
        before = sum(store.counts().nodes.values())
    assert before > 10_000  # several of the reset's batches (5,000 nodes): it cannot finish in one
    killed = subprocess.run(
        [sys.executable, "-c", _RESET_KILLED_MID_WAY],
        env=kb_env(fresh_home),
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    check = run_kb("check", home=fresh_home)  # the next command, whichever it is
    assert check.returncode == 0, check.stdout + check.stderr
    with GraphStore.connect(Settings(home=fresh_home)) as store:
        assert all(n == 0 for n in store.counts().nodes.values())
        assert store.schema_version() is not None
