"""The engine's state file when it lies: corrupt, stale, naming a process or a port that is not the
engine's; and a port taken between choosing it and the engine binding it.

tests/ui/test_cli_engine.py covers a stale file with a dead pid and a file that is not JSON;
this adds the rest. The engine going away mid-batch is in test_rel_crash.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import run_kb

from kb import engine
from kb.settings import Settings


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port something else listens on (not Bolt)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.fixture
def impostor() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not the engine (after a reboot the old pid may be anyone's)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc
    proc.kill()
    proc.wait()


def _state(pid: Any, bolt: Any, http: Any = 2, **more: Any) -> str:
    return json.dumps(
        {"pid": pid, "bolt_port": bolt, "http_port": http, "database": "kb", "started_at": 0, **more}
    )


CORRUPT = {
    "empty": "",
    "truncated": '{"pid": 12',
    "a list": "[1, 2, 3]",
    "null": "null",
    "a string": '"running"',
    "binary": "\udcff\udcfe\x00garbage",
    "keys missing": json.dumps({"pid": 4242}),
    "pid is text": _state("4242", 7687),
    "pid is null": _state(None, 7687),
    "pid is true": _state(True, 7687),
    "pid -1 (kill would signal every process)": _state(-1, 7687),
    "pid 0 (kill would signal the process group)": _state(0, 7687),
    "pid 1 (init)": _state(1, 7687),
    "port out of range": _state(4242, 70000),
    "port negative": _state(4242, -5),
    "port is a float": _state(4242, 7687.5),
    "started_at is text": _state(4242, 7687, started_at="yesterday"),
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=CORRUPT.keys())
def test_a_corrupt_state_file_is_removed_not_trusted(tmp_path: Path, content: str) -> None:
    settings = Settings(home=tmp_path)
    path = settings.engine_dir / "state.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    assert engine.read_state(settings) is None
    assert not path.exists()


def test_a_stale_state_file_naming_a_taken_port_is_removed(tmp_path: Path, held_port: int) -> None:
    settings = Settings(home=tmp_path)
    path = settings.engine_dir / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text(_state(_dead_pid(), held_port))
    assert engine.read_state(settings) is None  # the port answers, but the engine is gone
    assert not path.exists()


def test_a_state_file_naming_another_process_is_not_trusted(
    fresh_home: Path, held_port: int, impostor: subprocess.Popen[bytes]
) -> None:
    """The pid is alive and the port answers, yet neither is the engine's."""
    path = fresh_home / "engine" / "state.json"
    path.parent.mkdir(parents=True)
    path.write_text(_state(impostor.pid, held_port))
    stopped = run_kb("engine", "stop", home=fresh_home)
    assert "not running" in stopped.stdout, stopped.stdout + stopped.stderr
    assert impostor.poll() is None  # `kb engine stop` did not kill a stranger
    assert not path.exists()

    path.write_text(_state(impostor.pid, held_port))
    started = run_kb("engine", "start", home=fresh_home)
    assert started.returncode == 0 and "engine started" in started.stdout, started.stdout + started.stderr
    state = json.loads(path.read_text())
    assert state["pid"] != impostor.pid and held_port not in (state["bolt_port"], state["http_port"])
    status = run_kb("status", "--json", home=fresh_home)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["schema_version"] is not None
    assert impostor.poll() is None


def test_a_port_taken_before_the_engine_binds_it_is_replaced(
    fresh_home: Path, held_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between `_free_port()` and the engine binding the port another program may take it."""
    ports = iter([held_port])
    real = engine._free_port
    monkeypatch.setattr(engine, "_free_port", lambda: next(ports, None) or real())
    settings = Settings(home=fresh_home)
    state = engine.start(settings)
    assert held_port not in (state.bolt_port, state.http_port)
    assert engine.read_state(settings) == state
    assert "Unable to listen" in (fresh_home / "engine" / "engine.log").read_text(errors="replace")
