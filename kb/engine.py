"""Start, find and stop the embedded ArcadeDB engine that every `kb` command and the app share.

Layout under `<KB_HOME>/engine/` (the directory is 0700):

    password          generated root password, 0600
    console-password  generated password of the read-only console user `kb_console`, 0600
    state.json        {pid, bolt_port, http_port, database, started_at}; present only while running
    engine.log        the engine process's output
    lock              serializes concurrent starts and stops
    data/             ArcadeDB's root path (databases, server config, logs)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kb.errors import EngineError
from kb.settings import Settings

SPAWN_ATTEMPTS = 3  # fresh ports each time, when the engine could not bind the ones it was given
_SERVER_SCRIPT = "engine_server.py"


@dataclass(frozen=True)
class EngineState:
    pid: int
    bolt_port: int
    http_port: int
    database: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def ensure_private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


CONSOLE_USER = "kb_console"  # the engine user the researchers' console runs as: read records only


def password(settings: Settings) -> str:
    """The engine's root password, generated on first use and kept readable only by the user."""
    return _secret(settings, "password")


def console_password(settings: Settings) -> str:
    """The password of `CONSOLE_USER`, generated on first use like the root password."""
    return _secret(settings, "console-password")


def _secret(settings: Settings, name: str) -> str:
    path = ensure_private_dir(settings.engine_dir) / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24))
    os.chmod(path, 0o600)
    return path.read_text().strip()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this very process still answers kill(0): reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    # Another process's zombie (its parent has not reaped it yet) is dead all the same.
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_bytes()
    except OSError:
        return True  # no /proc (macOS), or gone meanwhile
    return stat.rpartition(b")")[2].split()[:1] != [b"Z"]


def _is_engine(pid: int, engine_dir: Path) -> bool:
    """True when `pid` runs, and runs this data directory's engine: after a reboot or a crash the
    state file's pid may belong to an unrelated process, which must be neither trusted nor killed."""
    if not _pid_alive(pid):
        return False
    proc = Path("/proc")
    if (proc / "self" / "cwd").exists():  # Linux: the engine runs in its data directory
        try:
            command = (proc / str(pid) / "cmdline").read_bytes()
            cwd = os.readlink(proc / str(pid) / "cwd")
        except OSError:  # gone meanwhile, or another user's process: not our engine
            return False
        return _SERVER_SCRIPT.encode() in command and Path(cwd) == engine_dir.resolve()
    try:  # elsewhere (macOS, BSD): the command line is all ps tells reliably
        ps = subprocess.run(
            ["ps", "-p", str(pid), "-o", "command="], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return True  # cannot tell: trust the state file, as before
    return _SERVER_SCRIPT in ps.stdout


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _locked(settings: Settings) -> Iterator[None]:
    path = ensure_private_dir(settings.engine_dir) / "lock"
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _parse_state(raw: object) -> EngineState:
    """An EngineState from the state file's JSON; ValueError/TypeError/KeyError when it is not one."""
    if not isinstance(raw, dict):
        raise TypeError("the state file does not hold an object")
    pid, bolt, http = raw["pid"], raw["bolt_port"], raw["http_port"]
    for number in (pid, bolt, http):
        if not isinstance(number, int) or isinstance(number, bool):
            raise TypeError("pid and ports must be integers")
    # A pid of 0 or -1 would make kill() signal a whole process group, or every process.
    if pid < 2 or not (0 < bolt < 65536 and 0 < http < 65536):
        raise ValueError("pid or port out of range")
    if not isinstance(raw["database"], str) or not isinstance(raw["started_at"], int | float):
        raise TypeError("database must be text and started_at a number")
    return EngineState(pid, bolt, http, raw["database"], float(raw["started_at"]))


def recorded(settings: Settings) -> EngineState | None:
    """The engine the state file names, if its process still runs, whether or not it answers.
    A stale or corrupt state file is removed."""
    path = settings.engine_dir / "state.json"
    try:
        state = _parse_state(json.loads(path.read_bytes()))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):  # UnicodeDecodeError and JSONDecodeError included
        path.unlink(missing_ok=True)  # corrupt: written by something else or truncated
        return None
    if not _is_engine(state.pid, settings.engine_dir):
        path.unlink(missing_ok=True)  # stale: the engine died without cleaning up (its pid reused?)
        return None
    return state


def read_state(settings: Settings) -> EngineState | None:
    """The running engine, if it accepts connections, or None. A stale or corrupt state file is
    removed. Accepting a connection is not answering: a stopped or hung engine's port still
    accepts them (the kernel does), so only a query tells (`kb.drivers.engine_answers`)."""
    state = recorded(settings)
    return state if state and _port_open(state.bolt_port) else None


def start(settings: Settings) -> EngineState:
    """Return the running engine, starting it first if needed."""
    if state := read_state(settings):
        return state
    with _locked(settings):
        if state := read_state(settings):  # another process started it while we waited
            return state
        if state := recorded(settings):
            # Its process runs but takes no connection: hung with a full backlog, or stopping.
            # A second engine on the same data directory would fail or, worse, half start.
            raise EngineError(
                f"the embedded engine (pid {state.pid}) at {state.uri} does not accept connections; "
                "run `kb engine restart`"
            )
        for attempt in range(1, SPAWN_ATTEMPTS + 1):
            try:
                return _spawn(settings)
            except _PortTaken:
                # Another program took a port between our choosing it and the engine binding it.
                if attempt == SPAWN_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")


class _PortTaken(EngineError):
    pass


# Lines ArcadeDB logs when a port it was given is in use.
_PORT_IN_USE = (b"Unable to listen", b"Address already in use", b"BindException")


def _spawn(settings: Settings) -> EngineState:
    engine_dir = ensure_private_dir(settings.engine_dir)
    password(settings)
    console_password(settings)
    log_path = engine_dir / "engine.log"
    bolt_port, http_port = _free_port(), _free_port()
    log_start = log_path.stat().st_size if log_path.exists() else 0
    with open(log_path, "ab") as log:
        os.chmod(log_path, 0o600)
        proc = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name(_SERVER_SCRIPT)),
                "--dir",
                str(engine_dir),
                "--bolt-port",
                str(bolt_port),
                "--http-port",
                str(http_port),
                "--heap",
                settings.engine_heap,
                "--database",
                settings.database,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the command that started it; Ctrl-C does not reach it
            cwd=engine_dir,
        )
    deadline = time.monotonic() + settings.engine_start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            message = (
                f"the embedded engine exited with code {proc.returncode} while starting; "
                f"see {log_path} (a port in use or a damaged data directory are the usual causes)"
            )
            with open(log_path, "rb") as log:
                log.seek(log_start)
                said = log.read()
            raise (_PortTaken if any(m in said for m in _PORT_IN_USE) else EngineError)(message)
        state = read_state(settings)
        if state and state.pid == proc.pid:
            return state
        time.sleep(0.1)
    proc.terminate()
    raise EngineError(
        f"the embedded engine did not become ready within {settings.engine_start_timeout:.0f} s; "
        f"see {log_path}, or raise KB_ENGINE_START_TIMEOUT"
    )


def stop(settings: Settings, timeout: float | None = None) -> Literal["stopped", "killed"] | None:
    """Stop the engine: SIGTERM, and SIGKILL if it has not exited after `timeout` seconds
    (`KB_ENGINE_STOP_TIMEOUT`). Returns how it ended, or None when it was not running.

    A hung engine is stopped too: its state file is trusted as long as its process runs, whether
    or not it answers. A stopped process (SIGSTOP) is continued, so that it sees the SIGTERM and
    closes its database cleanly; a process that does not exit in time (deadlocked, say) is
    killed, and ArcadeDB recovers from its write-ahead log on the next start."""
    grace = settings.engine_stop_timeout if timeout is None else timeout
    with _locked(settings):
        state = recorded(settings)
        if state is None:
            return None
        os.kill(state.pid, signal.SIGTERM)
        os.kill(state.pid, signal.SIGCONT)
        how: Literal["stopped", "killed"] = "stopped"
        if not _exited(state.pid, grace):
            os.kill(state.pid, signal.SIGKILL)
            how = "killed"
            _exited(state.pid, 10.0)  # SIGKILL cannot be refused; the kernel needs a moment
        (settings.engine_dir / "state.json").unlink(missing_ok=True)
        return how


def _exited(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True
