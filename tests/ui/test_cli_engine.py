"""`kb engine start|status|restart|stop`, `kb status`, `kb reset` as a user runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.cypher import SCHEMA_VERSION


def kb(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_"))}
    full_env.update({"KB_HOME": str(home), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    kb("engine", "stop", home=tmp_path)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_start_status_stop(home: Path) -> None:
    began = time.perf_counter()
    started = kb("engine", "start", home=home)
    assert started.returncode == 0, started.stderr
    assert "engine started" in started.stdout
    assert time.perf_counter() - began < 60

    again = kb("engine", "start", home=home)
    assert "already running" in again.stdout

    status = kb("engine", "status", home=home)
    assert status.returncode == 0 and "engine running" in status.stdout

    graph = kb("status", "--json", home=home)
    assert graph.returncode == 0, graph.stderr
    data = json.loads(graph.stdout)
    assert data["schema_version"] == SCHEMA_VERSION and data["nodes"]["Claim"] == 0
    assert "embedded engine" in data["where"]

    pid = json.loads((home / "engine" / "state.json").read_text())["pid"]
    restarted = kb("engine", "restart", home=home)
    assert restarted.returncode == 0, restarted.stderr
    assert "engine stopped" in restarted.stdout and "engine started" in restarted.stdout
    assert json.loads((home / "engine" / "state.json").read_text())["pid"] != pid

    stopped = kb("engine", "stop", home=home)
    assert stopped.returncode == 0 and "engine stopped" in stopped.stdout
    assert kb("engine", "status", home=home).returncode == 3
    assert not (home / "engine" / "state.json").exists()


def test_private_files_and_loopback_only(home: Path) -> None:
    assert kb("engine", "start", home=home).returncode == 0
    engine_dir = home / "engine"
    assert (engine_dir.stat().st_mode & 0o777) == 0o700
    assert ((engine_dir / "password").stat().st_mode & 0o777) == 0o600
    state = json.loads((engine_dir / "state.json").read_text())
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    bolt_lines = [line for line in listening.splitlines() if f":{state['bolt_port']} " in line]
    assert bolt_lines and all("127.0.0.1" in line for line in bolt_lines)
    password = (engine_dir / "password").read_text().strip()
    assert password not in kb("status", home=home).stdout


def test_stale_state_file_is_detected_and_replaced(home: Path) -> None:
    engine_dir = home / "engine"
    engine_dir.mkdir(parents=True)
    stale = {"pid": _dead_pid(), "bolt_port": 1, "http_port": 2, "database": "kb", "started_at": 0}
    (engine_dir / "state.json").write_text(json.dumps(stale))
    status = kb("engine", "status", home=home)
    assert status.returncode == 3 and "not running" in status.stdout
    assert not (engine_dir / "state.json").exists()
    (engine_dir / "state.json").write_text(json.dumps(stale))
    started = kb("engine", "start", home=home)
    assert started.returncode == 0 and "engine started" in started.stdout


def test_corrupt_state_file_is_replaced(home: Path) -> None:
    engine_dir = home / "engine"
    engine_dir.mkdir(parents=True)
    (engine_dir / "state.json").write_text("{not json")
    started = kb("engine", "start", home=home)
    assert started.returncode == 0, started.stderr


def test_unreachable_neo4j_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = kb(
        "status", home=tmp_path, env={"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "s3cret-pw"}
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "cannot reach the graph" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "s3cret-pw" not in result.stderr


def test_reset_needs_confirmation(home: Path) -> None:
    refused = kb("reset", home=home)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = kb("reset", "--yes", home=home)
    assert done.returncode == 0 and "deleted" in done.stdout
