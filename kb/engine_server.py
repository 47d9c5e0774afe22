"""The embedded engine's own process: ArcadeDB with its Bolt plugin, bound to 127.0.0.1.

Started by `kb.engine.start()` as a detached child (`python -m kb.engine_server ...`). It writes
the state file only once Bolt accepts connections, so a reader of the state file can connect at
once, and it stops the server cleanly on SIGTERM/SIGINT so the data files are closed properly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"Bolt port {port} did not open")


def _write_state(path: Path, state: dict[str, object]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)  # atomic: readers never see half a state file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", type=Path, required=True)
    ap.add_argument("--bolt-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--heap", default="512m")
    ap.add_argument("--database", default="kb")
    args = ap.parse_args(argv)

    engine_dir: Path = args.dir
    password = (engine_dir / "password").read_text().strip()
    os.chdir(engine_dir)  # ArcadeDB writes its application log under ./log

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    from arcadedb_embedded import create_server, jvm

    jvm.start_jvm(heap_size=args.heap)
    server = create_server(
        root_path=str(engine_dir / "data"),
        root_password=password,
        config={
            "host": "127.0.0.1",
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": args.bolt_port,
            "http_port": args.http_port,
        },
    )
    server.start()
    try:
        if not (engine_dir / "data" / "databases" / args.database).is_dir():
            server.create_database(args.database)
        _wait_for_port(args.bolt_port, time.monotonic() + 30)
        _write_state(
            engine_dir / "state.json",
            {
                "pid": os.getpid(),
                "bolt_port": args.bolt_port,
                "http_port": args.http_port,
                "database": args.database,
                "started_at": time.time(),
            },
        )
        print("engine ready", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        try:
            server.stop()
        finally:
            (engine_dir / "state.json").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
