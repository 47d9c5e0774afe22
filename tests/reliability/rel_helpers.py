"""Helpers of the reliability suite: run `kb` as a user does, in a data directory of its own.

Subprocesses get `PYTHONPATH` set to this checkout, so they run this code even when the
installed (editable) package points at another copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from kb.settings import Settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
GOOD_ARTICLE = EXAMPLES / "000_f39786077406e4d9.txt"
SUMMARY = re.compile(r"(\d+) documents \((\d+) new\), (\d+) failed")


def kb_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `kb` command: no inherited KB_/NEO4J_ settings, this checkout first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "NEO4J_"))}
    env.update({"KB_HOME": str(home), "PYTHONPATH": str(REPO), **extra})
    return env


def run_kb(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        capture_output=True,
        text=True,
        env={**kb_env(home), **(env or {})},
        cwd=REPO,
        timeout=timeout,
    )


def start_kb(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start `kb` in a session of its own, so it and any worker it forks can be killed together."""
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**kb_env(home), **(env or {})},
        cwd=REPO,
        start_new_session=True,
    )


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL a process started by `start_kb` and everything in its session."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def engine_pid(home: Path) -> int:
    return int(json.loads((home / "engine" / "state.json").read_text())["pid"])


def stderr_lines(stderr: str) -> list[str]:
    """Non-empty lines of stderr; a progress bar's carriage returns also end a line."""
    return [line.strip() for line in re.split(r"[\r\n]+", stderr) if line.strip()]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr_lines(stderr) if line.startswith("error:")]


def summary(stdout: str) -> tuple[int, int, int]:
    """(documents, new, failed) from the last line of `kb ingest`."""
    match = SUMMARY.search(stdout)
    assert match, f"no summary line in {stdout!r}"
    documents, new, failed = (int(g) for g in match.groups())
    return documents, new, failed


def expected_counts(paths: Iterable[Path], settings: Settings) -> dict[str, int]:
    """Nodes per label that ingesting `paths` must leave in an empty graph, worked out without one:
    the distinct ids of what the documents hold (the writes MERGE on those ids)."""
    from ingest import evidence
    from ingest.errors import IngestError
    from ingest.pipeline import analyse_inputs

    ids: dict[str, set[str]] = {
        k: set() for k in ("Source", "Claim", "Entity", "Proposition", "Work", "Assessment")
    }
    for _, outcome in analyse_inputs([str(p) for p in paths], settings):
        if isinstance(outcome, IngestError):
            continue
        doc = evidence.complete(outcome.document, settings, offline=True)
        ids["Source"].add(doc.source.id)
        ids["Claim"].update(c.id for c in doc.claims)
        ids["Entity"].update(e.id for e in doc.entities)
        ids["Proposition"].update(p.id for p in doc.propositions)
        ids["Work"].update(w.id for w in doc.works)
        ids["Assessment"].update(a.claim_id for a in doc.assessments)
    return {label: len(found) for label, found in ids.items()}
