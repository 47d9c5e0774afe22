"""`kb ui`: the Streamlit app, run as `python -m streamlit run ui/app.py` with this environment."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from ui.commands.common import open_store, settings

APP = Path(__file__).resolve().parents[1] / "app.py"


def streamlit_command(port: int, host: str, headless: bool, max_upload_mb: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true" if headless else "false",
        "--server.maxUploadSize",
        str(max_upload_mb),
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        host,
        "--client.toolbarMode",
        "minimal",
    ]


@click.command("ui")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port the app listens on."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep 127.0.0.1 unless you mean to share the app with your network.",
)
@click.option(
    "--no-browser",
    "--headless",
    "headless",
    is_flag=True,
    help="Do not open a browser window (for servers, containers and tests).",
)
def ui_cmd(port: int, host: str, headless: bool) -> None:
    """Open the app: check articles, browse claims and the graph, flag unsupported statements.

    The graph is reached first (the embedded engine starts if needed), so a problem shows here
    as one line instead of inside the app. Stop the app with Ctrl+C.
    """
    with open_store() as store:
        where = store.where
    click.echo(f"graph: {where}")
    click.echo(f"app:   http://{host}:{port}/   (Ctrl+C to stop)")
    max_upload_mb = max(1, math.ceil(settings().http_max_bytes / 1_000_000))
    proc = subprocess.Popen(streamlit_command(port, host, headless, max_upload_mb), env=dict(os.environ))
    # `kill <pid of kb ui>` stops the app too, instead of leaving it running without its parent.
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()  # it got the Ctrl+C too; make sure it goes
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
    if code not in (0, -15, 130):
        raise click.ClickException(f"the app stopped with exit status {code}")


def register(cli: click.Group) -> None:
    cli.add_command(ui_cmd)
