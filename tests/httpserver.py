"""The tests' one HTTP server, real, on 127.0.0.1: routes are plain functions, hits are counted.

    with LocalServer({"/page": html_page("<p>hi</p>")}) as server:
        requests.get(server.url("/page"))
        assert server.hits["/page"] == 1

A route gets the `BaseHTTPRequestHandler` and the number of the hit (1 for the first) and writes
the whole response itself, so tests can misbehave on purpose: lie about types, trickle, reset.
A `Handler` is the short form for a well-formed answer: it gets the parsed `Request` and returns
a `Reply` (`LocalServer(handlers=...)`, `server.reply(path, handler)`; tests/fake_services.py
plays the lookup services this way). A path ending in "/*" matches every path under it, and its
hits are counted under that pattern. Every loop in here is bounded, and the server only ever
listens on the loopback address.
"""

from __future__ import annotations

import ipaddress
import socket
import socketserver
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

Route = Callable[[BaseHTTPRequestHandler, int], None]

__all__ = [
    "Handler",
    "LocalServer",
    "Reply",
    "Request",
    "Route",
    "chunked",
    "forbid_outside_traffic",
    "html_page",
    "redirect",
    "replying",
    "reset",
    "respond",
    "sequence",
    "slow_headers",
    "trickle",
]


def respond(
    handler: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> None:
    """Write a complete response with a correct Content-Length unless the headers set one."""
    handler.send_response(status)
    headers = dict(headers or {})
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    if handler.command != "HEAD":
        _write(handler, body)


@dataclass(frozen=True)
class Request:
    path: str  # percent-decoded
    query: dict[str, str]  # first value of each parameter
    hit: int  # 1 for the first request to this route


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


Handler = Callable[[Request], Reply]


def replying(handler: Handler) -> Route:
    """The route that answers with what `handler` replies."""

    def route(h: BaseHTTPRequestHandler, hit: int) -> None:
        parts = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        reply = handler(Request(unquote(parts.path), query, hit))
        if reply.delay:
            time.sleep(reply.delay)
        try:
            respond(h, reply.status, reply.body, {"Content-Type": reply.content_type, **reply.headers})
        except OSError:  # the client gave up (a timeout test): nothing to answer
            h.close_connection = True

    return route


def html_page(html: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Route:
    body = html.encode("utf-8")
    all_headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    return lambda h, n: respond(h, status, body, all_headers)


def redirect(location: str, status: int = 302) -> Route:
    return lambda h, n: respond(h, status, b"", {"Location": location})


def sequence(*routes: Route) -> Route:
    """Answer hit n with routes[n-1]; the last route answers every later hit."""
    return lambda h, n: routes[min(n, len(routes)) - 1](h, n)


def reset(handler: BaseHTTPRequestHandler, hit: int) -> None:
    """Close the connection with a TCP reset before answering."""
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def slow_headers(seconds: float) -> Route:
    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        time.sleep(seconds)
        respond(handler, 200, b"late", {"Content-Type": "text/plain"})

    return route


def trickle(interval: float = 0.05, limit: int = 400) -> Route:
    """Promise a body and send one byte per `interval`, at most `limit` bytes."""

    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(limit))
        handler.end_headers()
        for _ in range(limit):
            if not _write(handler, b"x"):
                return
            time.sleep(interval)

    return route


def chunked(piece: bytes, count: int, content_type: str = "text/html") -> Route:
    """A chunked body of `count` copies of `piece`, with no Content-Length."""

    def route(handler: BaseHTTPRequestHandler, hit: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for _ in range(count):
            if not _write(handler, b"%x\r\n%s\r\n" % (len(piece), piece)):
                return
        _write(handler, b"0\r\n\r\n")

    return route


def _write(handler: BaseHTTPRequestHandler, data: bytes) -> bool:
    """Write, returning False once the client has gone (tests hang up on purpose)."""
    try:
        handler.wfile.write(data)
        handler.wfile.flush()
    except OSError:  # broken pipe, reset: the client hung up
        handler.close_connection = True
        return False
    return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as real servers do
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall
    server: _Server

    def do_GET(self) -> None:
        key, route = self.server.find(self.path.split("?", 1)[0])
        with self.server.lock:
            self.server.hits[key] += 1
            hit = self.server.hits[key]
            self.server.requests.append((self.command, self.path, dict(self.headers)))
        if route is None:
            respond(self, 404, b"not found", {"Content-Type": "text/plain"})
        else:
            route(self, hit)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: Mapping[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes)
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def find(self, path: str) -> tuple[str, Route | None]:
        """The route for a path, and the key its hits are counted under: the path itself, its
        percent-decoded form, or the longest "/*" pattern it falls under."""
        for key in (path, unquote(path)):
            if key in self.routes:
                return key, self.routes[key]
        decoded = unquote(path)
        under = [r for r in self.routes if r.endswith("/*") and decoded.startswith(r[:-1])]
        if under:
            best = max(under, key=len)
            return best, self.routes[best]
        return path, None

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks for the host's FQDN, a reverse DNS lookup we never want.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-response are expected here


class LocalServer:
    """Serve `routes` and `handlers` on 127.0.0.1 in a background thread while the `with` block
    runs (TLS if given)."""

    def __init__(
        self,
        routes: Mapping[str, Route] | None = None,
        *,
        handlers: Mapping[str, Handler] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        both = {**(routes or {}), **{path: replying(h) for path, h in (handlers or {}).items()}}
        self._server = _Server(both)
        self.scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        return self._server.requests

    @property
    def seen(self) -> list[str]:
        """Every request line's target (path and query), in order."""
        return [target for _, target, _ in self.requests]

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def add(self, path: str, route: Route) -> None:
        self._server.routes[path] = route

    def reply(self, path: str, handler: Handler) -> None:
        self._server.routes[path] = replying(handler)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


_LOOPBACK = frozenset({"127.0.0.1", "::1"})


def forbid_outside_traffic(monkeypatch: Any) -> None:
    """Make any connection or name lookup beyond 127.0.0.1/::1/localhost fail the test loudly.

    A safety net under the tests of the address guard: if the guard ever failed, the test would
    fail here instead of sending a packet to 10.0.0.1 or 169.254.169.254.
    """
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in _LOOPBACK:
            raise AssertionError(f"test tried to connect to {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name != "localhost" and not _is_ip_literal(name):
            raise AssertionError(f"test tried to look up {name!r} in DNS")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
