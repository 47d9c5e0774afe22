"""`kb ui`: help text, the streamlit command it runs, and a clear line when the graph is unreachable."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click

from ui.commands import ui_cmds

REPO = Path(__file__).resolve().parents[2]
KB = [sys.executable, "-m", "ui.cli"]


def test_command_and_options_have_help() -> None:
    cmd = ui_cmds.ui_cmd
    assert (cmd.help or "").strip()
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    assert {o.name for o in options} == {"port", "host", "headless"}
    assert all((o.help or "").strip() for o in options)
    host = next(o for o in options if o.name == "host")
    assert host.default == "127.0.0.1"


def test_streamlit_command_runs_this_app_with_these_settings() -> None:
    cmd = ui_cmds.streamlit_command(8600, "127.0.0.1", True, 20)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert Path(cmd[4]) == Path(ui_cmds.__file__).resolve().parents[1] / "app.py"
    args = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert args["--server.port"] == "8600" and args["--server.address"] == "127.0.0.1"
    assert args["--server.headless"] == "true" and args["--server.maxUploadSize"] == "20"


def test_unreachable_graph_is_one_line_and_the_app_is_not_started(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_"))}
    env.update({"KB_HOME": str(tmp_path), "NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "pw"})
    result = subprocess.run(
        [*KB, "ui", "--no-browser", "--port", "9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "cannot reach the graph" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "app:" not in result.stdout


# --- a first run, as a new user makes it -------------------------------------------------------

QUICKSTART = "pip install -e . && kb ingest examples/ && kb ui"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def _kb_shim(bin_dir: Path) -> None:
    """A `kb` on PATH that runs this checkout's CLI (as `pip install -e .` would install it)."""
    kb = bin_dir / "kb"
    kb.write_text(f'#!/bin/sh\ncd "{REPO}" && exec "{sys.executable}" -m ui.cli "$@"\n')
    kb.chmod(0o755)


def _read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _zombies(parents: set[int]) -> list[str]:
    """`<defunct>` children of the given processes."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and int(fields[1]) in parents:
            found.append(stat.parent.name)
    return found


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _interrupt(proc: subprocess.Popen[bytes]) -> int:
    """Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def test_first_run_on_a_fresh_home_serves_without_a_terminal(tmp_path: Path) -> None:
    """The README's main command on a fresh HOME (no ~/.streamlit), stdin /dev/null: the app
    answers within 30 s of `kb ui`, with no e-mail prompt, telemetry notice or banner, and
    Ctrl+C stops it with one "Stopping"."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert QUICKSTART in readme
    # `pip install -e .` is what made this test's `kb`; the rest runs as written, on a free port.
    command = QUICKSTART.removeprefix("pip install -e . && ") + f" --port {(port := _free_port())}"
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    home.mkdir()
    bin_dir.mkdir()
    _kb_shim(bin_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KB_", "STREAMLIT_"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update({"HOME": str(home), "PATH": f"{bin_dir}:{env['PATH']}", "KB_OFFLINE": "true"})
    out = tmp_path / "out.log"
    url = f"http://127.0.0.1:{port}"
    with out.open("wb") as log:
        proc = subprocess.Popen(
            ["bash", "-c", command],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240  # the ingest starts a new engine first
        while "graph:" not in _read(out):
            assert proc.poll() is None, f"stopped before `kb ui` started:\n{_read(out)}"
            assert time.monotonic() < deadline, f"`kb ui` never started:\n{_read(out)}"
            time.sleep(0.1)
        started = time.monotonic()
        while not _healthy(url):
            assert proc.poll() is None, f"`kb ui` exited with {proc.returncode}:\n{_read(out)}"
            assert time.monotonic() - started < 30, f"no answer within 30 s of `kb ui`:\n{_read(out)}"
            time.sleep(0.2)
        time.sleep(1)  # anything Streamlit prints after starting
        assert _interrupt(proc) == 0, _read(out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        subprocess.run(["kb", "engine", "stop"], env=env, capture_output=True, timeout=120, check=False)
    text = _read(out)
    for unwanted in ("Email", "Welcome", "gatherUsageStats", "usage statistics", "You can now view"):
        assert unwanted not in text, text
    assert text.count("Stopping") == 1, text
    assert f"app:   {url}/" in text
    assert not (home / ".streamlit" / "credentials.toml").exists()


def test_opens_the_browser_once_the_app_answers_and_leaves_no_defunct_opener(
    kb_home: Path, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$@" >> "{opened}"\n')
    opener.chmod(0o755)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "BROWSER"))}
    env.update({"KB_HOME": str(kb_home), "DISPLAY": ":99", "PATH": f"{bin_dir}:{env['PATH']}"})
    out = tmp_path / "out.log"
    with out.open("wb") as log:
        proc = subprocess.Popen(
            [*KB, "ui", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while not _read(opened):
            assert proc.poll() is None, f"`kb ui` exited with {proc.returncode}:\n{_read(out)}"
            assert time.monotonic() < deadline, f"the browser was never opened:\n{_read(out)}"
            time.sleep(0.2)
        assert _healthy(f"http://127.0.0.1:{port}"), "the browser was opened before the app answered"
        time.sleep(1)
        family = {proc.pid, *_children(proc.pid)}
        assert _zombies(family) == [], "a <defunct> process was left behind"
        assert _interrupt(proc) == 0, _read(out)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert _read(opened).split() == [f"http://127.0.0.1:{port}/"]
    assert _read(out).count("Stopping") == 1, _read(out)
