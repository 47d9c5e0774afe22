"""Network faults and hostile servers through the top-level `kb ingest URL...`, and the address
guard (SSRF) as a user meets it.

tests/ingest/test_http.py covers the session and `get_bounded` one fault at a time; this adds
the faults it does not inject (listed in FAULTS below, each marked new or end-to-end) and runs
them all in one batch beside a good page: one line per bad URL, the good page ingested, bounded
time. Every server here is a LocalServer on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from httpserver import LocalServer, Route, chunked, html_page, redirect, reset, respond, slow_headers, trickle
from rel_helpers import error_lines, run_kb, stderr_lines, summary

from kb.settings import Settings
from kb.store import GraphStore

GOOD = (
    "<html><head><title>Zorblax drops</title></head><body><article>"
    "<p>Studies show that zorblax drops reduce brain fog in adults.</p>"
    "<p>Zorblax therapy cures chronic fatigue in one session.</p></article></body></html>"
)
BATCH_SECONDS = 60
FAST = {
    "KB_ALLOW_PRIVATE_NETWORK": "1",
    "KB_HTTP_TIMEOUT": "1",
    "KB_HTTP_RETRIES": "1",
    "KB_HTTP_MAX_REDIRECTS": "3",
    "KB_HTTP_MAX_BYTES": "2000000",
}


def _raw(data: bytes) -> Route:
    """Write `data` as the whole answer (not necessarily HTTP), then hang up."""

    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return route


def _hang_up(handler: BaseHTTPRequestHandler, hit: int) -> None:
    handler.close_connection = True  # close without a byte of answer


def _short_body(handler: BaseHTTPRequestHandler, hit: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "5000")  # promises 5000, sends 100
    handler.end_headers()
    handler.wfile.write(b"<p>" + b"x" * 97)
    handler.wfile.flush()
    handler.close_connection = True


def _headers(extra: dict[str, str], count: int = 0) -> Route:
    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        for name, value in extra.items():
            handler.send_header(name, value)
        for i in range(count):
            handler.send_header(f"X-Filler-{i}", "x")
        body = GOOD.encode()
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def _encoded(body: bytes, encoding: str, content_type: str = "text/html") -> Route:
    headers = {"Content-Type": content_type, "Content-Encoding": encoding}
    return lambda h, n: respond(h, 200, body, headers)


def _faults() -> dict[str, tuple[Route, str]]:
    """path -> (route, a fragment the error line must hold). Marked: new = not injected by
    tests/ingest/test_http.py; e2e = injected there too, here through `kb ingest`."""
    zeros = b"\0" * 40_000_000
    double = gzip.compress(gzip.compress(zeros, mtime=0), mtime=0)
    return {
        "/slow-headers": (slow_headers(4), "timed out"),  # e2e
        "/trickle": (trickle(interval=0.05, limit=400), "too slowly"),  # e2e
        "/reset": (reset, "reset the connection"),  # e2e
        "/hang-up": (_hang_up, "reset the connection"),  # new: connection closed before any answer
        "/not-http": (
            _raw(b"SSH-2.0-OpenSSH\r\n\r\n"),
            "not valid HTTP",
        ),  # new: garbage instead of a status line
        "/short-body": (_short_body, "broke off"),  # new: Content-Length lies (too long)
        "/huge-length": (
            lambda h, n: respond(h, 200, b"x", {"Content-Length": "50000000", "Content-Type": "text/html"}),
            "larger than",
        ),  # e2e
        "/huge-chunked": (chunked(b"<p>" + b"x" * 1021, count=5000), "larger than"),  # e2e
        "/gzip-bomb": (_encoded(gzip.compress(zeros, mtime=0), "gzip"), "larger than"),  # e2e
        "/deflate-bomb": (_encoded(zlib.compress(zeros), "deflate"), "larger than"),  # new
        "/double-gzip-bomb": (_encoded(double, "gzip, gzip"), "larger than"),  # new: nested encodings
        "/broken-gzip": (_encoded(b"\x1f\x8b\x08\x00garbage-not-deflate", "gzip"), "compressed"),  # e2e
        "/huge-header": (_headers({"X-Big": "a" * 100_000}), "not valid HTTP"),  # new: a 100 kB header line
        "/many-headers": (_headers({}, count=150), "not valid HTTP"),  # new: more headers than a client reads
        "/loop-a": (redirect("/loop-b"), "redirect"),  # e2e: a redirect loop
        "/loop-b": (redirect("/loop-a"), "redirect"),
        "/chain-0": (redirect("/chain-1"), "redirects"),  # new: distinct hops past the limit
        **{f"/chain-{i}": (redirect(f"/chain-{i + 1}"), "") for i in range(1, 8)},
        "/to-ftp": (redirect("ftp://127.0.0.1/a.html"), "http"),  # e2e
        "/png-as-html": (
            lambda h, n: respond(h, 200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {"Content-Type": "text/html"}),
            "image/png",
        ),  # e2e: a content-type lie
        "/video": (chunked(b"\0" * 1024, count=10_000, content_type="video/mp4"), "video/mp4"),  # e2e
        "/html-as-pdf": (
            lambda h, n: respond(h, 200, GOOD.encode(), {"Content-Type": "application/pdf"}),
            "PDF",
        ),  # new: a page that says it is a PDF
        "/429-storm": (
            lambda h, n: respond(h, 429, b"slow down", {"Retry-After": "1"}),
            "rate-limiting",
        ),  # new: every answer a 429
        "/429-for-an-hour": (
            lambda h, n: respond(h, 429, b"", {"Retry-After": "3600"}),
            "rate-limiting",
        ),  # new: Retry-After beyond the maximum wait: reported at once
        "/503": (lambda h, n: respond(h, 503, b"down"), "HTTP 503"),  # e2e
        "/404": (lambda h, n: respond(h, 404, b"gone"), "HTTP 404"),  # e2e
        "/empty": (lambda h, n: respond(h, 200, b"", {"Content-Type": "text/html"}), "no main text"),  # new
    }


# Faults that do not fail: the page is read anyway.
SURVIVABLE = {
    "/unknown-encoding": _encoded(GOOD.encode(), "x-unheard-of"),  # new: passed through undecoded
    "/charset-lie": lambda h, n: respond(
        h, 200, GOOD.encode(), {"Content-Type": "text/html; charset=utf-16"}
    ),  # new: a charset that cannot be right (WHATWG: a <meta> utf-16 means utf-8; headers are trusted)
}
FIRST_HOPS = ("/loop-b", *(f"/chain-{i}" for i in range(1, 8)))  # reached only through a redirect


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    routes: dict[str, Route] = {path: route for path, (route, _) in _faults().items()}
    routes.update(SURVIVABLE)
    routes["/good"] = html_page(GOOD)
    with LocalServer(routes) as running:
        yield running


def test_faults_through_kb_ingest(server: LocalServer, store: GraphStore, settings: Settings) -> None:
    faults = {path: hint for path, (_, hint) in _faults().items() if path not in FIRST_HOPS}
    urls = [server.url(p) for p in (*faults, *SURVIVABLE, "/good")]
    began = time.monotonic()
    run = run_kb("ingest", "--offline", "-q", *urls, home=settings.home, env=FAST, timeout=BATCH_SECONDS + 60)
    took = time.monotonic() - began
    print(f"\n{len(urls)} URLs, {len(faults)} faults: {took:.1f} s")

    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert stderr_lines(run.stderr) == error_lines(run.stderr)
    errors = error_lines(run.stderr)
    for path, hint in faults.items():
        url = server.url(path)
        [line] = [e for e in errors if e.startswith(f"error: {url}:")] or [f"no error line for {url}"]
        assert hint in line, line
    assert len(errors) == len(faults)
    documents, _, failed = summary(run.stdout)
    assert (documents, failed) == (1 + len(SURVIVABLE), len(faults))
    sources = {s.locator for s in store.list_sources(page_size=100)}
    assert server.url("/good") in sources and server.url("/unknown-encoding") in sources
    assert store.check() == {}
    assert took < BATCH_SECONDS
    # The guard's retries are bounded: a 429 storm is asked twice (one retry), never waited out.
    assert server.hits["/429-storm"] == 2 and server.hits["/429-for-an-hour"] == 1


# --- the address guard, as the user meets it ------------------------------------------------


def test_a_private_address_is_refused_by_default(
    server: LocalServer, store: GraphStore, settings: Settings
) -> None:
    urls = [server.url("/good", host=host) for host in ("127.0.0.1", "localhost", "[::1]")]
    before = server.hits["/good"]
    run = run_kb("ingest", "--offline", "-q", *urls, home=settings.home)
    assert run.returncode == 1
    lines = stderr_lines(run.stderr)
    assert len(lines) == len(urls)
    for url, line in zip(urls, lines, strict=True):
        assert line.startswith(f"error: {url}:") and "KB_ALLOW_PRIVATE_NETWORK" in line, line
    assert server.hits["/good"] == before  # refused before connecting
    assert store.counts().nodes["Source"] == 0


def test_a_private_address_is_fetched_when_allowed(
    server: LocalServer, store: GraphStore, settings: Settings
) -> None:
    url = server.url("/good")
    run = run_kb("ingest", "--offline", "-q", url, home=settings.home, env={"KB_ALLOW_PRIVATE_NETWORK": "1"})
    assert run.returncode == 0, run.stderr
    assert [s.locator for s in store.list_sources()] == [url]
