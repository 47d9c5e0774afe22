"""A real HTTP server on 127.0.0.1 that plays the lookup services from saved fixtures.

    with FixtureServer(fake_services()) as server:
        lookup = Lookup(session, settings, endpoints=Endpoints.under(server.url()))

Routes map a path to a handler; a path ending in "/*" matches every path under it. A handler
gets the parsed `Request` (with the hit number of its route) and returns a `Reply`, so tests can
misbehave on purpose: 429 with Retry-After, 5xx, a slow answer, a broken body.
`fake_services` serves every fixture under tests/fixtures/api/ in its service's URL layout.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ingest.http import make_session
from ingest.resolve import Endpoints, Lookup, RateLimiter
from kb.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "api"

__all__ = [
    "FIXTURES",
    "FixtureServer",
    "Handler",
    "Reply",
    "Request",
    "fake_services",
    "fixture",
    "json_reply",
    "lookup_settings",
    "make_lookup",
    "sequence",
    "slow",
    "status",
]


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


def fixture(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def json_reply(payload: Any, status: int = 200) -> Reply:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Reply(status=status, body=body)


def status(code: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> Handler:
    return lambda req: Reply(status=code, body=body, content_type="text/plain", headers=dict(headers or {}))


def slow(seconds: float, then: Handler) -> Handler:
    return lambda req: _delayed(then(req), seconds)


def _delayed(reply: Reply, seconds: float) -> Reply:
    return Reply(reply.status, reply.body, reply.content_type, reply.headers, seconds)


def sequence(*handlers: Handler) -> Handler:
    """Answer hit n with handlers[n-1]; the last handler answers every later hit."""
    return lambda req: handlers[min(req.hit, len(handlers)) - 1](req)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        route, handler = self.server.find(path)
        with self.server.lock:
            self.server.hits[route] += 1
            hit = self.server.hits[route]
            self.server.seen.append(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        reply = handler(Request(path, query, hit)) if handler else Reply(404, b"not found", "text/plain")
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up (a timeout test): nothing to answer
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: Mapping[str, Handler]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = dict(routes)
        self.hits: Counter[str] = Counter()
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def find(self, path: str) -> tuple[str, Handler | None]:
        if path in self.routes:
            return path, self.routes[path]
        prefixes = [r for r in self.routes if r.endswith("/*") and path.startswith(r[:-1])]
        if prefixes:
            best = max(prefixes, key=len)
            return best, self.routes[best]
        return path, None

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FixtureServer:
    """Serve `routes` on 127.0.0.1 in a background thread while the `with` block runs."""

    def __init__(self, routes: Mapping[str, Handler] | None = None) -> None:
        self._server = _Server(routes or {})
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def seen(self) -> list[str]:
        """Every request line's target (path and query), in order."""
        return self._server.seen

    def route(self, path: str, handler: Handler) -> None:
        self._server.routes[path] = handler

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- the services, from the fixtures --------------------------------------------------------


def _by_key(folder: str, key: Callable[[Any], str]) -> dict[str, bytes]:
    out = {}
    for path in sorted((FIXTURES / folder).glob("*.json")):
        body = path.read_bytes()
        out[key(json.loads(body)).lower()] = body
    return out


def _efetch(articles: Mapping[str, bytes]) -> Handler:
    head, tail = b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n', b"</PubmedArticleSet>\n"

    def handler(req: Request) -> Reply:
        found = [articles[i] for i in req.query.get("id", "").split(",") if i in articles]
        return Reply(body=head + b"".join(found) + tail, content_type="text/xml; charset=UTF-8")

    return handler


def _pubmed_articles() -> dict[str, bytes]:
    out = {}
    for path in sorted((FIXTURES / "pubmed").glob("efetch_9*.xml")):
        text = path.read_bytes()
        article = re.search(rb"<PubmedArticle>.*</PubmedArticle>\s*", text, re.S)
        assert article is not None, path
        out[path.stem.removeprefix("efetch_")] = article.group()
    return out


def fake_services() -> dict[str, Handler]:
    """Every fixture under tests/fixtures/api, served where `Endpoints.under(url)` looks."""
    crossref = _by_key("crossref", lambda p: p["message"].get("DOI", "search"))
    openalex = _by_key("openalex", lambda p: p["doi"].removeprefix("https://doi.org/"))
    studies = _by_key("clinicaltrials", lambda p: p["protocolSection"]["identificationModule"]["nctId"])
    idconv = _by_key("idconv", lambda p: p["request"]["ids"][0])

    def lookup(table: dict[str, bytes], prefix: str) -> Handler:
        def handler(req: Request) -> Reply:
            body = table.get(req.path.removeprefix(prefix).lower())
            return json_reply(body) if body else Reply(404, b"Resource not found.", "text/plain")

        return handler

    return {
        "/crossref/works/*": lookup(crossref, "/crossref/works/"),
        # A search with a date filter is a locator search (journal, year, volume, first page).
        "/crossref/works": lambda req: json_reply(
            fixture(
                "crossref/search_locator.json" if "filter" in req.query else "crossref/search_cohort.json"
            )
        ),
        "/openalex/works/*": lookup(openalex, "/openalex/works/doi:"),
        "/clinicaltrials/studies/*": lookup(studies, "/clinicaltrials/studies/"),
        "/idconv/": lambda req: json_reply(
            idconv.get(req.query.get("ids", "").lower(), fixture("idconv/PMC9999404.json"))
        ),
        "/eutils/efetch.fcgi": _efetch(_pubmed_articles()),
        "/eutils/esearch.fcgi": lambda req: json_reply(fixture("pubmed/esearch_candidates.json")),
        "/eutils/ecitmatch.cgi": _ecitmatch(fixture("pubmed/ecitmatch.txt").decode()),
        "/europepmc/search": _europepmc(),
        "/pages/*": lambda req: _page(req.path.removeprefix("/pages/")),
    }


def _ecitmatch(table: str) -> Handler:
    """ECitMatch: each requested line echoed with the answer the table gives its locator, else none."""
    answers = {tuple(f.split("|")[:4]): f.split("|")[6] for f in table.splitlines() if f.count("|") >= 6}

    def handler(req: Request) -> Reply:
        out = []
        for line in re.split(r"[\r\n]+", req.query.get("bdata", "")):
            if line.strip():
                out.append(line + answers.get(tuple(line.split("|")[:4]), ""))
        return Reply(body=("\n".join(out) + "\n").encode(), content_type="text/plain; charset=UTF-8")

    return handler


def _europepmc() -> Handler:
    """Europe PMC's search over every result in the europepmc fixtures, for the clauses we send."""
    results = []
    for path in sorted((FIXTURES / "europepmc").glob("search_*.json")):
        results += json.loads(path.read_bytes())["resultList"]["result"]

    def handler(req: Request) -> Reply:
        query = req.query.get("query", "")
        size = int(req.query.get("pageSize", "25"))
        hits = [r for r in results if all(_epmc_clause(r, c) for c in query.split(" AND "))]
        request = {"queryString": query, "resultType": req.query.get("resultType", "lite"), "cursorMark": "*"}
        request |= {"pageSize": size, "sort": "", "synonym": False}
        payload = {"version": "6.9", "hitCount": len(hits), "request": request}
        return json_reply(payload | {"resultList": {"result": hits[:size]}})

    return handler


def _epmc_clause(result: dict[str, Any], clause: str) -> bool:
    name, _, value = clause.partition(":")
    value = value.strip().strip('"').casefold()
    info = result.get("journalInfo") or {}
    journal = info.get("journal") or {}
    if name == "PUB_YEAR":
        low, high = (int(y) for y in re.findall(r"\d{4}", value))
        return low <= int(result.get("pubYear", 0)) <= high
    checks = {
        "DOI": lambda: str(result.get("doi", "")).casefold() == value,
        "EXT_ID": lambda: str(result.get("pmid", "")) == value,
        "SRC": lambda: str(result.get("source", "")).casefold() == value,
        "PMCID": lambda: str(result.get("pmcid", "")).casefold() == value,
        "JOURNAL": lambda: value in {str(v).casefold() for v in journal.values()},
        "VOLUME": lambda: str(info.get("volume", "")).casefold() == value,
        "AUTH": lambda: value in {a.get("lastName", "").casefold() for a in result["authorList"]["author"]},
        "TITLE": lambda: value in str(result.get("title", "")).casefold(),
    }
    return name in checks and checks[name]()


def _page(name: str) -> Reply:
    path = FIXTURES / "pages" / name
    if not path.is_file():
        return Reply(404, b"<h1>Not found</h1>", "text/html")
    return Reply(body=path.read_bytes(), content_type="text/html; charset=utf-8")


# --- what every resolver test needs -------------------------------------------------------


def lookup_settings(home: Path, **overrides: Any) -> Settings:
    """Settings for tests: short timeouts, few retries (override per test)."""
    values: dict[str, Any] = {"home": home, "http_timeout": 2.0, "http_retries": 2} | overrides
    return Settings(**values)


def make_lookup(server: FixtureServer, settings: Settings) -> Lookup:
    """A `Lookup` through the project's session factory, pointed at `server`."""
    session = make_session(settings, allow_private=True, cache=False)
    return Lookup(session, settings, RateLimiter.unlimited(), Endpoints.under(server.url()))
