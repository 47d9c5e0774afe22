"""The session factory and bounded downloads, against a real HTTP server on 127.0.0.1.

The server is on a loopback address, so tests that must reach it use allow_private=True; the
guard tests use allow_private=False. `forbid_outside_traffic` fails any test that would connect
to (or look up) anything but 127.0.0.1/::1/localhost, so a broken guard cannot send a packet.
"""

from __future__ import annotations

import datetime
import gzip
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from httpserver import (
    LocalServer,
    Route,
    chunked,
    html_page,
    redirect,
    reset,
    respond,
    sequence,
    slow_headers,
    trickle,
)

from ingest import netguard
from ingest.errors import BlockedAddress, DecodeError, FetchError, TooLarge, UnsupportedContent
from ingest.http import DOCUMENT_TYPES, get_bounded, make_session
from ingest.mediatypes import PDF
from kb.settings import Settings

PAGE = "<html><head><title>T</title></head><body><p>Ketamine may reduce cravings.</p></body></html>"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cfg(cfg: Settings) -> Settings:
    """Two retries to count; private addresses refused unless a session allows them."""
    return cfg.model_copy(update={"http_retries": 2, "allow_private_network": False})


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Route]], LocalServer]]:
    servers: list[LocalServer] = []

    def start(routes: dict[str, Route]) -> LocalServer:
        server = LocalServer(routes).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def session(cfg: Settings) -> Iterator[requests.Session]:
    with make_session(cfg, allow_private=True) as s:
        yield s


def get(session: requests.Session, url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("max_bytes", 100_000)
    kwargs.setdefault("allowed_types", DOCUMENT_TYPES)
    return get_bounded(session, url, **kwargs)


# --- success and plain failures ----------------------------------------------------------


def test_success_returns_body_type_charset_and_final_url(session: requests.Session, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE)})
    got = get(session, server.url("/page"))
    assert got.status == 200
    assert got.body == PAGE.encode()
    assert got.content_type == "text/html"
    assert got.charset == "utf-8"
    assert got.final_url == server.url("/page")
    assert not got.from_cache


def test_sends_user_agent_from_settings_and_accept(cfg: Settings, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE)})
    with make_session(cfg.model_copy(update={"contact_email": "ops@example.org"}), allow_private=True) as s:
        get(s, server.url("/page"))
    _, _, headers = server.requests[0]
    assert headers["User-Agent"] == f"{cfg.user_agent} (mailto:ops@example.org)"
    assert "text/html" in headers["Accept"] and "application/pdf" in headers["Accept"]


def test_404_raises_fetch_error_naming_url_and_status(session: requests.Session, serve: Any) -> None:
    server = serve({})
    with pytest.raises(FetchError, match=r"/missing: HTTP 404") as info:
        get(session, server.url("/missing"))
    assert info.value.status == 404
    assert "check the address" in str(info.value)


def test_redirect_is_followed(session: requests.Session, serve: Any) -> None:
    server = serve({"/old": redirect("/new", 301), "/new": html_page(PAGE)})
    got = get(session, server.url("/old"))
    assert got.final_url == server.url("/new")
    assert got.body == PAGE.encode()


def test_redirect_loop_stops_at_the_limit(session: requests.Session, serve: Any, cfg: Settings) -> None:
    server = serve({"/a": redirect("/b"), "/b": redirect("/a")})
    with pytest.raises(FetchError, match="redirect loop"):
        get(session, server.url("/a"))
    assert server.hits["/a"] + server.hits["/b"] == cfg.http_max_redirects + 1


# --- the address guard --------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "10.0.0.1", "169.254.169.254", "[::1]", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0"],
)
def test_guard_refuses_non_public_hosts(cfg: Settings, serve: Any, host: str) -> None:
    server = serve({"/page": html_page(PAGE)})
    with (
        make_session(cfg, allow_private=False) as guarded,
        pytest.raises(BlockedAddress, match="KB_ALLOW_PRIVATE_NETWORK") as info,
    ):
        get(guarded, f"http://{host}:{server.port}/page")
    assert host.strip("[]") in str(info.value)
    assert server.hits["/page"] == 0


def test_guard_is_on_by_default_from_settings(cfg: Settings, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE)})
    with make_session(cfg) as default, pytest.raises(BlockedAddress):
        get(default, server.url("/page"))
    assert server.hits["/page"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2:9/",
        "http://[::1]:9/",
        "http://localhost:9/",
    ],
)
def test_redirect_to_internal_address_is_refused(
    cfg: Settings, serve: Any, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    # Pretend the test server's own address is public, so the first hop goes through and only
    # the redirect's target is judged.
    policy = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address", lambda a: a == "127.0.0.1" or policy(a))
    server = serve({"/go": redirect(target)})
    if "localhost" in target:
        # localhost may answer 127.0.0.1 first; make it resolve to ::1 only for this check.
        real = socket.getaddrinfo
        monkeypatch.setattr(
            socket,
            "getaddrinfo",
            lambda h, *a, **k: real("::1" if h == "localhost" else h, *a, **k),
        )
    with make_session(cfg, allow_private=False) as guarded, pytest.raises(BlockedAddress) as info:
        get(guarded, server.url("/go"))
    assert str(info.value).startswith(server.url("/go"))
    assert server.hits["/go"] == 1


def test_guard_refuses_when_any_resolved_address_is_private(
    cfg: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A DNS answer mixing a public and an internal address: nothing is contacted at all.
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers)
    with (
        make_session(cfg, allow_private=False) as guarded,
        pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"),
    ):
        get(guarded, "http://mixed.test/page")


def test_guard_connects_to_the_address_it_checked(
    cfg: Settings, serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DNS rebinding: the first answer passes the check, later answers point inside. The guard
    # must connect to what it checked, never ask again.
    server = serve({"/page": html_page(PAGE)})
    policy = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address", lambda a: a == "127.0.0.1" or policy(a))
    real = socket.getaddrinfo
    lookups: list[str] = []

    def rebinding(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with make_session(cfg, allow_private=False, cache=False) as guarded:
        got = get(guarded, f"http://rebind.test:{server.port}/page")
    assert got.body == PAGE.encode()
    assert lookups == ["rebind.test"]


def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(
    cfg: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The guard connects to an IP address, but certificate checks and SNI must still use the
    # name: the certificate below is valid for "rebind.test" only, not for 127.0.0.1.
    cert, key = _self_signed(tmp_path, "rebind.test")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    policy = netguard.is_public_address
    monkeypatch.setattr(netguard, "is_public_address", lambda a: a == "127.0.0.1" or policy(a))
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda h, *a, **k: real("127.0.0.1" if h.endswith(".test") else h, *a, **k)
    )
    with (
        LocalServer({"/page": html_page(PAGE)}, tls=tls) as server,
        make_session(cfg, allow_private=False) as guarded,
    ):
        guarded.verify = str(cert)
        got = get(guarded, server.url("/page", host="rebind.test"))
        assert got.body == PAGE.encode()
        with pytest.raises(FetchError, match="certificate"):  # and refused for another name
            get(guarded, server.url("/page", host="other.test"))


def _self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_peer_check_refuses_a_socket_connected_to_loopback(serve: Any) -> None:
    server = serve({})
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=2)
    with pytest.raises(BlockedAddress, match="loopback"):
        netguard._check_peer(sock, "example.test")
    assert sock.fileno() == -1  # closed


@pytest.mark.parametrize("url", ["ftp://example.org/a.html", "file:///etc/passwd", "gopher://x/"])
def test_non_http_schemes_are_refused(session: requests.Session, url: str) -> None:
    with pytest.raises(BlockedAddress, match="http"):
        get(session, url)


def test_redirect_to_file_scheme_is_refused(session: requests.Session, serve: Any) -> None:
    server = serve({"/go": redirect("file:///etc/passwd")})
    with pytest.raises(BlockedAddress):
        get(session, server.url("/go"))


def test_proxy_is_refused_when_guarded(cfg: Settings) -> None:
    with (
        make_session(cfg, allow_private=False, cache=False) as guarded,
        pytest.raises(BlockedAddress, match="proxy"),
    ):
        guarded.get("http://example.org/", proxies={"http": "http://127.0.0.1:9"})


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "non-global"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.1.2.3", "private"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 form of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 form of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 form of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "private"),  # Teredo
        ("::127.0.0.1", "reserved"),  # IPv4-compatible (deprecated)
        ("8.8.8.8", None),
        ("93.184.215.14", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),
    ],
)
def test_blocked_reason_classifies_addresses(address: str, blocked: str | None) -> None:
    reason = netguard.blocked_reason(address)
    if blocked is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(blocked)


# --- slow and broken servers --------------------------------------------------------------


def test_timeout_when_headers_never_come(cfg: Settings, serve: Any) -> None:
    server = serve({"/slow": slow_headers(3)})
    fast = cfg.model_copy(update={"http_timeout": 0.5, "http_retries": 0})
    started = time.monotonic()
    with make_session(fast, allow_private=True) as s, pytest.raises(FetchError, match="timed out"):
        get(s, server.url("/slow"))
    assert time.monotonic() - started < 2.5


def test_trickling_server_is_cut_off_at_the_deadline(session: requests.Session, serve: Any) -> None:
    # One byte every 50 ms never trips the read timeout; the overall deadline must.
    server = serve({"/trickle": trickle(interval=0.05, limit=400)})
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slowly"):
        get(session, server.url("/trickle"), deadline=1.0)
    assert time.monotonic() - started < 3


def test_connection_reset_is_retried(session: requests.Session, serve: Any) -> None:
    server = serve({"/flaky": sequence(reset, html_page(PAGE))})
    assert get(session, server.url("/flaky")).body == PAGE.encode()
    assert server.hits["/flaky"] == 2


def test_connection_reset_every_time_fails_after_retries(
    session: requests.Session, serve: Any, cfg: Settings
) -> None:
    server = serve({"/down": reset})
    with pytest.raises(FetchError, match="reset the connection"):
        get(session, server.url("/down"))
    assert server.hits["/down"] == cfg.http_retries + 1


def test_429_with_retry_after_then_success(session: requests.Session, serve: Any) -> None:
    busy = lambda h, n: respond(h, 429, b"slow down", {"Retry-After": "1"})  # noqa: E731
    server = serve({"/busy": sequence(busy, html_page(PAGE))})
    started = time.monotonic()
    got = get(session, server.url("/busy"))
    assert got.status == 200
    assert server.hits["/busy"] == 2
    assert time.monotonic() - started >= 0.9  # it waited as asked


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_then_success(session: requests.Session, serve: Any, status: int) -> None:
    server = serve({"/x": sequence(lambda h, n: respond(h, status, b"oops"), html_page(PAGE))})
    assert get(session, server.url("/x")).status == 200
    assert server.hits["/x"] == 2


def test_5xx_every_time_reports_the_status(session: requests.Session, serve: Any, cfg: Settings) -> None:
    server = serve({"/x": lambda h, n: respond(h, 503, b"down")})
    with pytest.raises(FetchError, match="HTTP 503") as info:
        get(session, server.url("/x"))
    assert info.value.status == 503
    assert server.hits["/x"] == cfg.http_retries + 1


# --- size and type limits -----------------------------------------------------------------


def test_content_length_over_the_cap_is_refused_unread(session: requests.Session, serve: Any) -> None:
    big = lambda h, n: respond(h, 200, b"x" * 10, {"Content-Length": "50000000", "Content-Type": "text/html"})  # noqa: E731
    server = serve({"/big": big})
    with pytest.raises(TooLarge, match="Content-Length 50,000,000"):
        get(session, server.url("/big"))


def test_chunked_body_over_the_cap_stops_reading(session: requests.Session, serve: Any) -> None:
    server = serve({"/big": chunked(b"<p>" + b"x" * 1021, count=10_000)})  # 10 MB if read to the end
    with pytest.raises(TooLarge, match="larger than 65,536 bytes"):
        get(session, server.url("/big"), max_bytes=65_536)


def test_gzip_bomb_is_capped_on_the_decoded_size(session: requests.Session, serve: Any) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)  # about 20 kB on the wire
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    server = serve({"/bomb": lambda h, n: respond(h, 200, bomb, headers)})
    assert len(bomb) < 100_000
    with pytest.raises(TooLarge):
        get(session, server.url("/bomb"), max_bytes=1_000_000)


def test_gzip_body_within_the_cap_is_decoded(session: requests.Session, serve: Any) -> None:
    packed = gzip.compress(PAGE.encode())
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    server = serve({"/gz": lambda h, n: respond(h, 200, packed, headers)})
    assert get(session, server.url("/gz")).body == PAGE.encode()


def test_broken_gzip_is_a_decode_error(session: requests.Session, serve: Any) -> None:
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    server = serve({"/gz": lambda h, n: respond(h, 200, b"\x1f\x8b\x08\x00garbage-not-deflate", headers)})
    with pytest.raises(DecodeError, match="compressed"):
        get(session, server.url("/gz"))


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
    ],
)
def test_a_compressed_body_cut_short_is_refused_not_read_as_a_shorter_page(
    session: requests.Session, serve: Any, encoding: str, pack: Any
) -> None:
    """zlib decodes a cut-off stream without complaint; the Content-Length matches what was sent."""
    packed = pack((PAGE * 50).encode())
    headers = {"Content-Type": "text/html", "Content-Encoding": encoding}
    server = serve({
        "/cut": lambda h, n: respond(h, 200, packed[: len(packed) * 2 // 3], headers),
        "/whole": lambda h, n: respond(h, 200, packed, headers),
    })  # fmt: skip
    with pytest.raises(DecodeError, match="ends early"):
        get(session, server.url("/cut"))
    assert get(session, server.url("/whole")).body == (PAGE * 50).encode()


def test_gzip_members_and_trailing_garbage_are_read_like_browsers_do(
    session: requests.Session, serve: Any
) -> None:
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    two = gzip.compress(PAGE.encode()) + gzip.compress(b"<p>more</p>")
    trailing = gzip.compress(PAGE.encode()) + b"\0\0junk"
    server = serve({
        "/two": lambda h, n: respond(h, 200, two, headers),
        "/trailing": lambda h, n: respond(h, 200, trailing, headers),
    })  # fmt: skip
    assert get(session, server.url("/two")).body == PAGE.encode() + b"<p>more</p>"
    assert get(session, server.url("/trailing")).body == PAGE.encode()


def test_pdf_served_as_html_is_read_as_pdf(session: requests.Session, serve: Any) -> None:
    server = serve({"/doc": lambda h, n: respond(h, 200, PDF_BYTES, {"Content-Type": "text/html"})})
    got = get(session, server.url("/doc"))
    assert got.content_type == PDF


def test_pdf_served_as_octet_stream_is_sniffed(session: requests.Session, serve: Any) -> None:
    headers = {"Content-Type": "application/octet-stream"}
    server = serve({"/doc": lambda h, n: respond(h, 200, PDF_BYTES, headers)})
    assert get(session, server.url("/doc")).content_type == PDF


def test_image_served_as_html_is_refused(session: requests.Session, serve: Any) -> None:
    server = serve({"/img": lambda h, n: respond(h, 200, PNG_BYTES, {"Content-Type": "text/html"})})
    with pytest.raises(UnsupportedContent, match=r"image/png \(the server said text/html\)"):
        get(session, server.url("/img"))


def test_declared_unsupported_type_is_refused_before_download(session: requests.Session, serve: Any) -> None:
    server = serve({"/video": chunked(b"\0" * 1024, count=10_000, content_type="video/mp4")})
    started = time.monotonic()
    with pytest.raises(UnsupportedContent, match="video/mp4"):
        get(session, server.url("/video"))
    assert time.monotonic() - started < 1


# --- the cache ----------------------------------------------------------------------------


def test_second_request_is_a_cache_hit(session: requests.Session, serve: Any, cfg: Settings) -> None:
    server = serve({"/page": html_page(PAGE, headers={"Cache-Control": "max-age=600"})})
    first = get(session, server.url("/page"))
    second = get(session, server.url("/page"))
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.body == first.body and second.content_type == "text/html"
    assert server.hits["/page"] == 1
    assert (cfg.cache_dir / "http-private.sqlite").exists()  # kept apart from the guarded cache


def test_cache_honours_no_store(session: requests.Session, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE, headers={"Cache-Control": "no-store"})})
    get(session, server.url("/page"))
    assert not get(session, server.url("/page")).from_cache
    assert server.hits["/page"] == 2


def test_cache_can_be_turned_off(cfg: Settings, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE, headers={"Cache-Control": "max-age=600"})})
    with make_session(cfg, allow_private=True, cache=False) as s:
        get(s, server.url("/page"))
        get(s, server.url("/page"))
    assert server.hits["/page"] == 2


def test_cached_body_over_a_smaller_cap_is_refused(session: requests.Session, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE, headers={"Cache-Control": "max-age=600"})})
    get(session, server.url("/page"))
    with pytest.raises(TooLarge):
        get(session, server.url("/page"), max_bytes=10)


def test_offline_mode_never_connects(cfg: Settings, serve: Any) -> None:
    server = serve({"/page": html_page(PAGE)})
    offline = cfg.model_copy(update={"offline": True})
    with make_session(offline, allow_private=True) as s, pytest.raises(FetchError, match="offline"):
        get(s, server.url("/page"))
    assert server.hits["/page"] == 0
