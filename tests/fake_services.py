"""The lookup services, played from saved fixtures by the tests' HTTP server (tests/httpserver.py).

    with LocalServer(handlers=fake_services()) as server:
        lookup = Lookup(session, settings, endpoints=Endpoints.under(server.url()))

`fake_services` serves every fixture under tests/fixtures/api/ in its service's URL layout, as
`Handler`s (a parsed `Request` in, a `Reply` out); `status`, `slow` and `sequence` make the
handlers that misbehave on purpose: 429 with Retry-After, 5xx, a slow answer, a broken body.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from httpserver import Handler, LocalServer, Reply, Request

from ingest.http import make_session
from ingest.resolve import Endpoints, Lookup, RateLimiter
from kb.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "api"

__all__ = [
    "FIXTURES",
    "fake_services",
    "fixture",
    "json_reply",
    "lookup_settings",
    "make_lookup",
    "sequence",
    "slow",
    "status",
]


def fixture(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def json_reply(payload: Any, status: int = 200) -> Reply:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Reply(status=status, body=body)


def status(code: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> Handler:
    return lambda req: Reply(status=code, body=body, content_type="text/plain", headers=dict(headers or {}))


def slow(seconds: float, then: Handler) -> Handler:
    return lambda req: dataclasses.replace(then(req), delay=seconds)


def sequence(*handlers: Handler) -> Handler:
    """Answer hit n with handlers[n-1]; the last handler answers every later hit."""
    return lambda req: handlers[min(req.hit, len(handlers)) - 1](req)


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
        request: dict[str, Any] = {"queryString": query, "resultType": req.query.get("resultType", "lite")}
        request |= {"cursorMark": "*"}
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


def make_lookup(server: LocalServer, settings: Settings) -> Lookup:
    """A `Lookup` through the project's session factory, pointed at `server`."""
    session = make_session(settings, allow_private=True, cache=False)
    return Lookup(session, settings, RateLimiter.unlimited(), Endpoints.under(server.url()))
