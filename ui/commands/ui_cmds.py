"""`kb ui`: the Streamlit app, run as `python -m streamlit run ui/app.py` with this environment.

Streamlit always runs headless here: a first run would otherwise stop at Streamlit's "Welcome …
Email:" prompt (and, without a terminal, exit with status 255 before serving). When a browser
is wanted, `kb ui` opens it itself once the app answers, and waits for the opener so no
`<defunct>` process is left behind. Streamlit runs in its own process group and gets exactly
one stop signal from `kb ui`, so Ctrl+C prints one "Stopping…".
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path
from types import FrameType

import click

from kb.settings import get_settings
from ui.commands.common import open_store

APP = Path(__file__).resolve().parents[1] / "app.py"
READY_TIMEOUT = 60.0  # seconds to wait for the app's first answer before giving up on the browser
STOP_GRACE = 15.0  # seconds Streamlit gets to stop before it is killed


def streamlit_command(port: int, host: str, headless: bool, max_upload_mb: int) -> list[str]:
    """The Streamlit command line. `headless` is kept for callers; Streamlit itself never opens
    a browser or asks for an e-mail address (see the module docstring)."""
    del headless  # `kb ui` opens the browser itself
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
        "true",
        "--server.showEmailPrompt",
        "false",
        "--server.maxUploadSize",
        str(max_upload_mb),
        "--browser.gatherUsageStats",
        "false",
        "--browser.serverAddress",
        host,
        "--client.toolbarMode",
        "minimal",
        # `kb ui` prints the address itself; Streamlit's banner and start-up log would repeat it.
        "--logger.hideWelcomeMessage",
        "true",
        "--logger.level",
        "warning",
    ]


def wait_until_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = READY_TIMEOUT) -> bool:
    """True once the app's health endpoint answers; False if it stopped or did not answer in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.25)
    return False


def open_browser(url: str) -> None:
    """Open `url` in the desktop's browser, or do nothing on a machine without one.

    `webbrowser` decides whether there is a graphical browser (it looks at the display); a
    terminal browser (lynx, w3m) is not started, since it would take over this terminal. On
    Linux the desktop's `xdg-open` is run and waited for, so it never lingers as `<defunct>`.
    """
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return  # a server or a container: nothing to open
    if type(browser) is webbrowser.GenericBrowser:
        return
    opener = shutil.which("xdg-open") if sys.platform.startswith(("linux", "freebsd")) else None
    if opener:
        quiet = subprocess.DEVNULL
        subprocess.run(
            [opener, url], stdin=quiet, stdout=quiet, stderr=quiet, start_new_session=True, check=False
        )
    else:
        browser.open(url)


def _open_when_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    if wait_until_ready(url, proc):
        open_browser(url)


def _stop(proc: subprocess.Popen[bytes]) -> int:
    """One SIGTERM (Streamlit prints one "Stopping…"), then a kill after the grace period."""
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


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
    as one line instead of inside the app. The browser opens once the app answers (not on a
    machine without a display). Stop the app with Ctrl+C.
    """
    with open_store() as store:
        where = store.where
    url = f"http://{host}:{port}/"
    click.echo(f"graph: {where}")
    click.echo(f"app:   {url}   (Ctrl+C to stop)")
    max_upload_mb = max(1, math.ceil(get_settings().http_max_bytes / 1_000_000))
    # Its own process group: Ctrl+C in the terminal reaches only `kb ui`, which stops Streamlit
    # once; two signals would make it print "Stopping…" twice.
    proc = subprocess.Popen(
        streamlit_command(port, host, True, max_upload_mb),
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        process_group=0 if os.name == "posix" else None,
    )

    def stop_on(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # `kill <pid of kb ui>` or a closed terminal stops the app too, instead of leaving it running.
    signal.signal(signal.SIGTERM, stop_on)
    if hasattr(signal, "SIGHUP"):  # not on Windows
        signal.signal(signal.SIGHUP, stop_on)
    if not headless:
        threading.Thread(target=_open_when_ready, args=(url, proc), daemon=True).start()
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        code = _stop(proc)
    if code not in (0, -signal.SIGTERM, -signal.SIGINT, 130):
        raise click.ClickException(f"the app stopped with exit status {code}")
