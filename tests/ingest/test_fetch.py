"""`fetch`: one URL into a `Fetched`, through the one session factory, against 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from httpserver import LocalServer, html_page, redirect, respond

from ingest.errors import BlockedAddress, FetchError, TooLarge
from ingest.extract import extract
from ingest.fetch import Fetched, fetch
from ingest.http import make_session
from kb.settings import Settings

PAGE = (
    "<html lang='en'><head><title>Ketamine clinic</title></head><body><article>"
    "<h1>Ketamine for cravings</h1>"
    "<p>Ketamine therapy may reduce cravings for alcohol, according to "
    "<a href='/studies/1'>a small trial</a> run over twelve weeks with forty adult participants.</p>"
    "<p>Patients reported fewer heavy drinking days and better sleep during the weeks after treatment, "
    "although the trial had no placebo arm and the follow-up was short.</p>"
    "</article></body></html>"
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    routes = {
        "/article": html_page(PAGE),
        "/moved": redirect("/article", 301),
        "/latin1": lambda h, n: respond(
            h, 200, "<p>Caf\u00e9</p>".encode("latin-1"), {"Content-Type": "text/html; charset=ISO-8859-1"}
        ),
        "/big": lambda h, n: respond(h, 200, b"x" * 5000, {"Content-Type": "text/plain"}),
        "/gone": lambda h, n: respond(h, 410, b"gone"),
    }
    with LocalServer(routes) as s:
        yield s


def test_fetch_returns_content_and_what_the_server_said(cfg: Settings, server: LocalServer) -> None:
    got = fetch(server.url("/moved"), cfg)
    assert isinstance(got, Fetched)
    assert got.url == server.url("/moved")
    assert got.final_url == server.url("/article")
    assert got.status == 200
    assert got.content_type == "text/html"
    assert got.encoding == "utf-8"
    assert got.body == PAGE.encode()


def test_fetch_passes_the_charset_hint_on(cfg: Settings, server: LocalServer) -> None:
    got = fetch(server.url("/latin1"), cfg)
    assert got.encoding == "ISO-8859-1"
    assert "Café" in extract(got.body, got.content_type, charset=got.encoding, url=got.final_url).text


def test_fetch_then_extract_resolves_links_against_the_final_url(cfg: Settings, server: LocalServer) -> None:
    got = fetch(server.url("/moved"), cfg)
    doc = extract(got.body, got.content_type, charset=got.encoding, url=got.final_url)
    assert doc.title == "Ketamine for cravings"  # trafilatura prefers the article's own heading
    [link] = doc.links
    assert link.url == server.url("/studies/1")
    assert doc.text[link.start : link.end] == "a small trial"


def test_fetch_uses_a_given_session_and_its_cache(cfg: Settings, server: LocalServer) -> None:
    with make_session(cfg) as session:
        fetch(server.url("/article"), cfg, session)
        again = fetch(server.url("/article"), cfg, session)
    assert isinstance(session, requests.Session)
    assert again.body == PAGE.encode()


def test_fetch_applies_the_size_limit_from_settings(cfg: Settings, server: LocalServer) -> None:
    small = cfg.model_copy(update={"http_max_bytes": 1000})
    with pytest.raises(TooLarge, match="KB_HTTP_MAX_BYTES"):
        fetch(server.url("/big"), small)


def test_fetch_reports_http_errors(cfg: Settings, server: LocalServer) -> None:
    with pytest.raises(FetchError, match="HTTP 410") as info:
        fetch(server.url("/gone"), cfg)
    assert info.value.status == 410


def test_fetch_refuses_private_addresses_unless_settings_allow(tmp_path: Path, server: LocalServer) -> None:
    with pytest.raises(BlockedAddress):
        fetch(server.url("/article"), Settings(home=tmp_path))
    assert server.hits["/article"] == 0


def test_fetched_is_immutable(cfg: Settings, server: LocalServer) -> None:
    got = fetch(server.url("/article"), cfg)
    with pytest.raises(ValueError):
        got.body = b""  # type: ignore[misc]
