"""Secrets never leak: the engine password, NEO4J_PASSWORD (or a password put in NEO4J_URI) and
KB_NCBI_API_KEY stay out of output, error messages, logs and the HTTP cache; private files are
private; the engine listens on the loopback interface only, Bolt and HTTP alike.

tests/ui/test_cli_engine.py checks the password file's mode, that Bolt is on loopback and that
`kb status` does not print the password; tests/ingest/test_resolve_pubmed.py that the API key is
scrubbed from a lookup's error. This adds the rest.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
from pathlib import Path

import pytest
from httpserver import LocalServer, respond
from rel_helpers import GOOD_ARTICLE, run_kb

from ingest.http import make_session
from ingest.resolve import Endpoints
from ingest.resolve.base import Lookup
from ingest.resolve.errors import ServiceUnavailable as ResolveUnavailable
from kb import engine
from kb.errors import ConfigError
from kb.settings import Settings
from kb.store import GraphStore

NEO4J_SECRET = "neo4j-secret-3b1f9e"
NCBI_SECRET = "ncbi-key-8d2c4a"


def _everything_written(home: Path) -> dict[Path, bytes]:
    """Every file under the data directory but the password file itself."""
    return {
        p: p.read_bytes()
        for p in home.rglob("*")
        if p.is_file() and p.name != "password" and not p.is_symlink()
    }


def test_no_command_prints_a_secret(store: GraphStore, settings: Settings, tmp_path: Path) -> None:
    password = engine.password(settings)
    secrets = {"engine password": password, "NEO4J_PASSWORD": NEO4J_SECRET, "KB_NCBI_API_KEY": NCBI_SECRET}
    env = {"NEO4J_PASSWORD": NEO4J_SECRET, "KB_NCBI_API_KEY": NCBI_SECRET}
    bad = tmp_path / "empty.html"
    bad.write_text("")
    runs = [
        run_kb("status", home=settings.home, env=env),
        run_kb("status", "--json", home=settings.home, env=env),
        # a progress bar (no -q) over a good and a bad input: tqdm's output and an error line
        run_kb("ingest", "--offline", str(GOOD_ARTICLE), str(bad), home=settings.home, env=env),
        run_kb("--debug", "status", home=settings.home, env=env),
    ]
    assert json.loads(runs[1].stdout)["where"].startswith("embedded engine at bolt://127.0.0.1:")
    assert "error:" in runs[2].stderr and "%|" in runs[2].stderr  # the output checked below is real
    for run in runs:
        for name, secret in secrets.items():
            assert secret not in run.stdout + run.stderr, f"{name} printed by kb {' '.join(run.args[3:])}"
    for path, data in _everything_written(settings.home).items():
        for name, secret in secrets.items():
            assert secret.encode() not in data, f"{name} written to {path}"


# A secret in the user part of NEO4J_URI, in the shapes a URL parser reads differently: a
# password holding `?`, `/`, `#` or `@`, a user part with no password (a token), no scheme, a
# line break. The host is a closed local port, so nothing is reached even if the URI were used.
URIS_WITH_SECRETS = {
    "password": "neo4j+s://neo4j:{s}@127.0.0.1:9",
    "question mark": "neo4j+s://neo4j:ab?{s}@127.0.0.1:9",
    "slash": "bolt://neo4j:ab/{s}@127.0.0.1:9",
    "hash": "bolt://neo4j:ab#{s}@127.0.0.1:9",
    "at sign": "bolt://neo4j:ab@{s}@127.0.0.1:9",
    "percent-encoded": "bolt://neo4j:ab%40{s}@127.0.0.1:9/db?x=1",
    "user only": "bolt://{s}@127.0.0.1:9",
    "no scheme": "neo4j:{s}@127.0.0.1:9",
    "line break": "bolt://neo4j:ab\n{s}@127.0.0.1:9",
}


def _messages(error: BaseException | None) -> str:
    """The text of an exception and of the exceptions a traceback of it shows: the one it was
    raised from, or the one it was raised while handling (unless `from None` hid that)."""
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n".join(f"{e!r} {e}" for e in seen)


@pytest.mark.parametrize("uri", URIS_WITH_SECRETS.values(), ids=URIS_WITH_SECRETS.keys())
def test_a_secret_in_neo4j_uri_is_redacted_before_the_driver_sees_it(tmp_path: Path, uri: str) -> None:
    settings = Settings(home=tmp_path, NEO4J_URI=uri.format(s=NEO4J_SECRET))
    with pytest.raises(ConfigError) as info:
        GraphStore.connect(settings)
    message = str(info.value)
    assert NEO4J_SECRET not in _messages(info.value)  # nor in what it was raised from
    assert len(message.splitlines()) == 1 and "***@127.0.0.1:9" in message, message
    assert "NEO4J_USER and NEO4J_PASSWORD" in message  # where the credentials belong
    assert NEO4J_SECRET not in repr(settings)


@pytest.mark.parametrize("case", ["question mark", "user only"])
def test_a_secret_in_neo4j_uri_is_never_printed(tmp_path: Path, case: str) -> None:
    """Found by a review: a password holding `?` printed in full, a user-only part whole, and
    `kb engine start` printed NEO4J_URI as it was."""
    env = {"NEO4J_URI": URIS_WITH_SECRETS[case].format(s=NEO4J_SECRET)}
    status = run_kb("status", home=tmp_path, env=env)
    debug = run_kb("--debug", "status", home=tmp_path, env=env)
    start = run_kb("engine", "start", home=tmp_path, env=env)
    for run in (status, debug, start):
        assert NEO4J_SECRET not in run.stdout + run.stderr, f"printed by kb {' '.join(run.args[3:])}"
    assert status.returncode == 1 and "Traceback" not in status.stderr
    assert len(status.stderr.strip().splitlines()) == 1 and "***@127.0.0.1:9" in status.stderr
    assert debug.returncode == 1 and "Traceback" in debug.stderr  # not even in a traceback
    assert start.returncode == 0 and "***@127.0.0.1:9" in start.stdout, start.stdout + start.stderr


def test_wrong_neo4j_credentials_are_one_line_without_the_password(
    store: GraphStore, settings: Settings
) -> None:
    state = engine.read_state(settings)
    assert state is not None
    env = {"NEO4J_URI": state.uri, "NEO4J_USER": "root", "NEO4J_PASSWORD": NEO4J_SECRET}
    run = run_kb("status", home=settings.home, env=env)
    assert run.returncode == 1
    assert NEO4J_SECRET not in run.stdout + run.stderr
    assert "refused the credentials" in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_the_api_key_stays_out_of_debug_logs_errors_and_the_cache(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, ncbi_api_key=NCBI_SECRET, allow_private_network=True, http_retries=0)
    ok = {"Content-Type": "application/json", "Cache-Control": "max-age=600"}
    routes = {
        "/eutils/ok": lambda h, n: respond(h, 200, b'{"found": 1}', ok),
        "/eutils/down": lambda h, n: respond(h, 503, b"down"),
    }
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)  # whoever turns debug logging on
    try:
        with LocalServer(routes) as server, make_session(settings) as session:
            lookup = Lookup(session, settings, endpoints=Endpoints.under(server.url("/")))
            assert lookup.get_json("ncbi", server.url("/eutils/ok"), lookup.ncbi_params()) == {"found": 1}
            with pytest.raises(ResolveUnavailable) as info:
                lookup.get_json("ncbi", server.url("/eutils/down"), lookup.ncbi_params())
            sent = [path for _, path, _ in server.requests]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert any(f"api_key={NCBI_SECRET}" in path for path in sent)  # it was sent, as NCBI asks
    assert NCBI_SECRET not in str(info.value)
    log = captured.getvalue()
    assert "api_key=***" in log and NCBI_SECRET not in log
    for path, data in _everything_written(tmp_path).items():
        assert NCBI_SECRET.encode() not in data, f"the key is in {path}"
    assert (settings.cache_dir.stat().st_mode & 0o777) == 0o700


def test_private_files_and_loopback_only(store: GraphStore, settings: Settings) -> None:
    engine_dir = settings.engine_dir
    assert (engine_dir.stat().st_mode & 0o777) == 0o700
    for name in ("password", "state.json", "engine.log"):
        assert ((engine_dir / name).stat().st_mode & 0o777) == 0o600, name
    state = engine.read_state(settings)
    assert state is not None
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    local = [line.split()[3] for line in listening.splitlines()]  # "127.0.0.1:7687", "[::]:80"...
    for port in (state.bolt_port, state.http_port):
        hosts = {address.rsplit(":", 1)[0].strip("[]") for address in local if address.endswith(f":{port}")}
        assert hosts, f"nothing listens on {port}"
        # loopback only: not 0.0.0.0, not [::], not an outside address
        assert hosts <= {"127.0.0.1", "::ffff:127.0.0.1", "::1"}, (port, hosts)
