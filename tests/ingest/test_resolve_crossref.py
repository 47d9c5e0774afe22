"""Crossref: the parser on saved works-API bodies, the client against a real local server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fake_services import (
    fake_services,
    fixture,
    json_reply,
    lookup_settings,
    make_lookup,
    sequence,
    slow,
    status,
)
from httpserver import LocalServer, Reply

from ingest.resolve import crossref
from ingest.resolve.errors import MalformedResponse, ServiceUnavailable


def _work(name: str) -> dict[str, object]:
    return json.loads(fixture(f"crossref/work_{name}.json"))


def test_parses_a_work() -> None:
    record = crossref.parse_work(_work("rct"))
    assert record is not None
    assert record.doi == "10.5555/kb.rct.001"
    assert record.title is not None and record.title.startswith("A randomized, double-blind")
    assert record.journal == "Archives of Fictional Medicine"
    assert record.year == 2020
    assert record.authors == ["Marrow D", "Quill A"]
    assert record.type_label == "journal-article"
    assert record.cited_by_count == 12
    assert record.retracted is None  # no notice is not proof of no retraction


def test_jats_abstract_is_plain_text() -> None:
    record = crossref.parse_work(_work("meta"))
    assert record is not None and record.abstract is not None
    assert record.abstract.startswith("We pooled twelve randomized controlled trials")
    assert "<" not in record.abstract


def test_retraction_and_expression_of_concern_from_updated_by() -> None:
    retracted = crossref.parse_work(_work("retracted"))
    concern = crossref.parse_work(_work("eoc"))
    assert retracted is not None and retracted.retracted is True
    assert concern is not None and concern.expression_of_concern is True and concern.retracted is None


def test_a_retraction_notice_is_marked_as_one() -> None:
    notice = crossref.parse_work(_work("notice"))
    assert notice is not None and notice.retraction_notice is True and notice.retracted is None


def test_parses_a_bibliographic_search() -> None:
    records = crossref.parse_search(json.loads(fixture("crossref/search_cohort.json")))
    assert [r.doi for r in records] == ["10.5555/kb.cohort.001", "10.5555/kb.other.001"]


@pytest.mark.parametrize("payload", [{"status": "failed", "message": "x"}, {"status": "ok"}, [], "x"])
def test_an_unexpected_body_is_malformed(payload: object) -> None:
    with pytest.raises(MalformedResponse):
        crossref.parse_work(payload)


def test_fields_of_the_wrong_type_are_left_empty_not_stringified() -> None:
    body = _work("rct")
    body["message"]["title"] = {"oops": 1}  # type: ignore[index]
    body["message"]["issued"] = {"date-parts": [[None]]}  # type: ignore[index]
    del body["message"]["published"]  # type: ignore[attr-defined]
    record = crossref.parse_work(body)
    assert record is not None and record.title is None and record.year is None


# --- the client against a local server ------------------------------------------------------


def test_fetches_a_work_with_the_polite_mailto(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path, contact_email="kb@example.org"))
        record = crossref.fetch_work(lookup, "10.5555/kb.meta.001")
    assert record is not None and record.year == 2021
    assert "mailto=kb%40example.org" in server.seen[0]


def test_unknown_doi_is_none(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        assert (
            crossref.fetch_work(make_lookup(server, lookup_settings(tmp_path)), "10.5555/kb.nothing") is None
        )


def test_429_with_retry_after_is_waited_out(tmp_path: Path) -> None:
    ok = lambda req: json_reply(fixture("crossref/work_rct.json"))  # noqa: E731
    limited = status(429, b"slow down", {"Retry-After": "1"})
    with LocalServer(handlers={"/crossref/works/*": sequence(limited, ok)}) as server:
        started = time.monotonic()
        record = crossref.fetch_work(make_lookup(server, lookup_settings(tmp_path)), "10.5555/kb.rct.001")
        waited = time.monotonic() - started
    assert record is not None and record.doi == "10.5555/kb.rct.001"
    assert server.hits["/crossref/works/*"] == 2
    assert waited >= 0.9


def test_5xx_then_success(tmp_path: Path) -> None:
    ok = lambda req: json_reply(fixture("crossref/work_rct.json"))  # noqa: E731
    with LocalServer(handlers={"/crossref/works/*": sequence(status(503), status(502), ok)}) as server:
        record = crossref.fetch_work(make_lookup(server, lookup_settings(tmp_path)), "10.5555/kb.rct.001")
    assert record is not None and server.hits["/crossref/works/*"] == 3


def test_persistent_5xx_is_service_unavailable(tmp_path: Path) -> None:
    with (
        LocalServer(handlers={"/crossref/works/*": status(500)}) as server,
        pytest.raises(ServiceUnavailable, match="HTTP 500"),
    ):
        crossref.fetch_work(make_lookup(server, lookup_settings(tmp_path, http_retries=1)), "10.5555/x.1")


def test_timeout_is_service_unavailable(tmp_path: Path) -> None:
    ok = lambda req: json_reply(fixture("crossref/work_rct.json"))  # noqa: E731
    with LocalServer(handlers={"/crossref/works/*": slow(1.5, ok)}) as server:
        settings = lookup_settings(tmp_path, http_timeout=0.3, http_retries=0)
        with pytest.raises(ServiceUnavailable, match="timed out"):
            crossref.fetch_work(make_lookup(server, settings), "10.5555/kb.rct.001")


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b'{"status": "ok", "message": {"DOI": '),
        Reply(body=b"<html><body>maintenance</body></html>", content_type="text/html"),
        Reply(body=b"[1, 2, 3]"),
    ],
)
def test_malformed_bodies_are_malformed_response(tmp_path: Path, reply: Reply) -> None:
    with (
        LocalServer(handlers={"/crossref/works/*": lambda req: reply}) as server,
        pytest.raises(MalformedResponse),
    ):
        crossref.fetch_work(make_lookup(server, lookup_settings(tmp_path)), "10.5555/kb.rct.001")


def test_bibliographic_search_sends_the_citation(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        records = crossref.search_bibliographic(
            make_lookup(server, lookup_settings(tmp_path)), "Roe R, Doe J. Zorblax and sleep. 2019"
        )
    assert records[0].doi == "10.5555/kb.cohort.001"
    assert "query.bibliographic=Roe+R%2C+Doe+J." in server.seen[0]
    assert "select=DOI%2Ctitle" in server.seen[0]


def test_volume_issue_and_pages_or_article_number() -> None:
    record = crossref.parse_work(_work("rct"))
    assert record is not None and (record.volume, record.issue, record.pages) == ("7", "2", "101-112")
    hits = crossref.parse_search(json.loads(fixture("crossref/search_locator.json")))
    assert [(h.volume, h.pages, h.journal_abbrev) for h in hits] == [
        ("15", "1299001", "Front. Imag. Psychiatry"),  # an online journal numbers articles
        ("15", "1299014", "Front. Imag. Psychiatry"),
    ]


def test_jats_sections_become_labels() -> None:
    [hit, _] = crossref.parse_search(json.loads(fixture("crossref/search_locator.json")))
    assert hit.abstract is not None and hit.abstract.startswith("Methods: Twelve adults (n = 12)")
    assert "Conclusion: Mood scores improved" in hit.abstract


def test_a_locator_search_filters_on_publication_years(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path))
        hits = crossref.search_bibliographic(
            lookup, "Vale Front Imag Psychiatry 2024;15:1299001", years=(2023, 2025)
        )
    assert [h.doi for h in hits] == ["10.5555/kb.locator.001", "10.5555/kb.locator.002"]
    assert "filter=from-pub-date%3A2023%2Cuntil-pub-date%3A2025" in server.seen[0]
    assert "article-number" in server.seen[0]  # asked for in `select`
