"""`kb ui`: help text, the streamlit command it runs, and a clear line when the graph is unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ui.commands import ui_cmds

REGISTER = "from ui.cli import cli; from ui.commands import ui_cmds; ui_cmds.register(cli); cli()"


def test_command_and_options_have_help() -> None:
    group = click.Group()
    ui_cmds.register(group)
    cmd = group.commands["ui"]
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
        [sys.executable, "-c", REGISTER, "ui", "--no-browser", "--port", "9"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "cannot reach the graph" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "app:" not in result.stdout
