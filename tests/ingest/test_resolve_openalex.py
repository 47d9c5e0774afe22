"""OpenAlex: the second opinion by DOI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_services import fake_services, fixture, json_reply, lookup_settings, make_lookup
from httpserver import LocalServer

from ingest.resolve import openalex
from ingest.resolve.errors import MalformedResponse


def _work(name: str) -> dict[str, object]:
    return json.loads(fixture(f"openalex/work_{name}.json"))


def test_parses_a_work() -> None:
    r = openalex.parse_work(_work("meta"))
    assert (r.doi, r.pmid, r.pmcid) == ("10.5555/kb.meta.001", "912345601", "PMC9999001")
    assert r.year == 2021 and r.journal == "Journal of Imaginary Medicine"
    assert r.type_label == "review" and r.cited_by_count == 61
    assert r.retracted is False  # OpenAlex says so explicitly
    assert r.authors[0] == "Aurelia Quill"
    assert r.mesh == ["Humans", "Fatigue Syndrome, Chronic"]


def test_is_retracted() -> None:
    assert openalex.parse_work(_work("retracted")).retracted is True


def test_rebuilds_the_inverted_abstract() -> None:
    assert openalex.rebuild_abstract({"zorblax": [1], "We": [0], "works?": [2]}) == "We zorblax works?"
    assert openalex.parse_work(_work("meta")).abstract == (
        "We pooled twelve randomized controlled trials of zorblax infusion (1,480 participants)."
    )
    assert openalex.rebuild_abstract(None) is None


@pytest.mark.parametrize("payload", [{}, {"id": "https://openalex.org/A123"}, ["x"]])
def test_not_a_work_is_malformed(payload: object) -> None:
    with pytest.raises(MalformedResponse):
        openalex.parse_work(payload)


def test_fetches_by_doi_with_mailto(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path, contact_email="kb@example.org"))
        record = openalex.fetch_work(lookup, "10.5555/kb.rct.001")
        missing = openalex.fetch_work(lookup, "10.5555/kb.nothing.001")
    assert record is not None and record.pmid == "912345602"
    assert missing is None
    assert server.seen[0].startswith("/openalex/works/doi:10.5555/kb.rct.001?mailto=kb%40example.org")


def test_an_error_object_is_malformed(tmp_path: Path) -> None:
    error = {"error": "Invalid query parameters error.", "message": "something broke"}
    with (
        LocalServer(handlers={"/openalex/works/*": lambda req: json_reply(error)}) as server,
        pytest.raises(MalformedResponse),
    ):
        openalex.fetch_work(make_lookup(server, lookup_settings(tmp_path)), "10.5555/kb.rct.001")


def test_volume_issue_and_pages_from_biblio() -> None:
    r = openalex.parse_work(_work("rct"))
    assert (r.volume, r.issue, r.pages) == ("7", "2", "101-112")
