"""The embedded engine's own process: ArcadeDB with its Bolt plugin, bound to 127.0.0.1.

Started by `kb.engine.start()` as a detached child (`python -m kb.engine_server ...`). It writes
the state file only once Bolt accepts connections, so a reader of the state file can connect at
once, and it stops the server cleanly on SIGTERM/SIGINT so the data files are closed properly.

Before it says it is ready, it sets the engine's security the way `kb` needs it, every start
(docs/engine.md, "Who may do what"):
- exactly two server users: `root`, which `kb` writes with, and `kb_console`, in a group whose
  only right on the database is to read records: the engine itself refuses the researchers'
  console every write, schema change, user command and LOAD CSV. Any other user is removed
  (the embedded engine is `kb`'s own; no one else is meant to log in to it);
- LOAD CSV may read neither local files nor URLs, for any user.
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
from typing import Any


def _wait_for_port(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"Bolt port {port} did not open")


CONSOLE_USER = "kb_console"  # as kb.engine.CONSOLE_USER (this process does not import kb)
CONSOLE_GROUP = "kb_console_reader"
# ArcadeDB's group format (config/server-groups.json): no database-level right (updateSecurity,
# updateSchema, updateDatabaseSettings) and, on every type, readRecord alone.
READER_GROUP = {
    "resultSetLimit": -1,
    "readTimeout": -1,
    "access": [],
    "types": {"*": {"access": ["readRecord"]}},
}


def _lock_down_load_csv(jpype: Any) -> None:
    """LOAD CSV reads neither files (the password file, /etc/passwd) nor URLs, for every user."""
    config = jpype.JClass("com.arcadedb.GlobalConfiguration")
    config.OPENCYPHER_LOAD_CSV_ALLOW_FILE_URLS.setValue(False)
    config.OPENCYPHER_LOAD_CSV_ALLOW_REMOTE_URLS.setValue(False)


def _keep_users(jpype: Any, server: Any, database: str, console_password: str) -> None:
    """Root and the read-only console user, and no one else."""
    security = server._java_server.getSecurity()  # the wrapper exposes no security API of its own
    json_object = jpype.JClass("com.arcadedb.serializer.json.JSONObject")
    security.saveGroup(database, CONSOLE_GROUP, json_object(json.dumps(READER_GROUP)))
    for name in [str(n) for n in security.getUsers()]:
        if name not in ("root", CONSOLE_USER):
            security.dropUser(name)
            print(f"removed engine user {name!r}: kb's engine has only root and {CONSOLE_USER}", flush=True)
    user = {
        "name": CONSOLE_USER,
        "password": str(security.encodePassword(console_password)),
        "databases": {database: [CONSOLE_GROUP]},
    }
    if security.existsUser(CONSOLE_USER):
        security.updateUser(json_object(json.dumps(user)))
    else:
        security.createUser(json_object(json.dumps(user)))


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
    console_password = (engine_dir / "console-password").read_text().strip()
    os.chdir(engine_dir)  # ArcadeDB writes its application log under ./log

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    import jpype
    from arcadedb_embedded import create_server, jvm

    jvm.start_jvm(heap_size=args.heap)
    _lock_down_load_csv(jpype)
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
        _keep_users(jpype, server, args.database, console_password)
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
