"""PubMed E-utilities: EFetch XML and ESearch JSON/XML parsers, and the client's NCBI etiquette."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_services import fake_services, fixture, lookup_settings, make_lookup, status
from httpserver import LocalServer, Reply

from ingest.resolve import pubmed
from ingest.resolve.errors import MalformedResponse, ServiceUnavailable
from ingest.resolve.records import Record


def _one(pmid: str) -> Record:
    records = pubmed.parse_efetch(fixture(f"pubmed/efetch_{pmid}.xml"))
    assert len(records) == 1
    return records[0]


def test_parses_a_trial_record() -> None:
    r = _one("912345602")
    assert (r.pmid, r.doi, r.pmcid, r.nct) == ("912345602", "10.5555/kb.rct.001", "PMC9999002", "NCT99999901")
    assert r.title is not None and r.title.endswith("chronic fatigue syndrome")  # MEDLINE's period dropped
    assert r.journal == "Archives of Fictional Medicine" and r.year == 2020
    assert r.authors == ["Marrow D", "Quill A"]
    assert "Randomized Controlled Trial" in r.publication_types
    assert "Humans" in r.mesh and "Double-Blind Method" in r.mesh
    assert r.abstract is not None and r.abstract.startswith("METHODS: Forty adults (n = 40)")
    assert r.retracted is None and r.expression_of_concern is None


def test_markup_inside_a_title_is_dropped() -> None:
    assert _one("912345604").title == "Zorblax reverses fatigue-like behaviour in mice"


def test_year_from_a_medline_date() -> None:
    assert _one("912345605").year == 2019  # <MedlineDate>2019 Jul-Aug</MedlineDate>


def test_retraction_from_publication_type_and_comments() -> None:
    r = _one("912345603")
    assert r.retracted is True and not r.retraction_notice


def test_several_articles_in_one_set() -> None:
    head = b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n'
    bodies = [fixture(f"pubmed/efetch_{p}.xml") for p in ("912345601", "912345607")]
    articles = [b[b.index(b"<PubmedArticle>") : b.index(b"</PubmedArticleSet>")] for b in bodies]
    records = pubmed.parse_efetch(head + b"".join(articles) + b"</PubmedArticleSet>")
    assert [r.pmid for r in records] == ["912345601", "912345607"]


def test_an_empty_set_is_no_records() -> None:
    assert pubmed.parse_efetch(fixture("pubmed/efetch_empty.xml")) == []


@pytest.mark.parametrize("body", [fixture("pubmed/efetch_broken.xml"), b"<eSearchResult/>", b"not xml"])
def test_broken_or_foreign_xml_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        pubmed.parse_efetch(body)


def test_esearch_json_and_xml_forms() -> None:
    as_json = pubmed.parse_esearch_json(json.loads(fixture("pubmed/esearch_candidates.json")))
    as_xml = pubmed.parse_esearch_xml(fixture("pubmed/esearch_candidates.xml"))
    assert as_json == as_xml == pubmed.SearchResult(count=2, ids=["912345601", "912345602"])
    assert pubmed.parse_esearch_json(json.loads(fixture("pubmed/esearch_empty.json"))).ids == []


def test_esearch_error_is_malformed() -> None:
    with pytest.raises(MalformedResponse, match="Invalid query"):
        pubmed.parse_esearch_json(json.loads(fixture("pubmed/esearch_error.json")))


# --- the client -----------------------------------------------------------------------------


def test_efetch_sends_tool_email_and_api_key(tmp_path: Path) -> None:
    settings = lookup_settings(tmp_path, contact_email="kb@example.org", ncbi_api_key="fake-key-123")
    with LocalServer(handlers=fake_services()) as server:
        records = pubmed.fetch_records(make_lookup(server, settings), ["912345602"])
    assert [r.pmid for r in records] == ["912345602"]
    sent = server.seen[0]
    assert "db=pubmed" in sent and "retmode=xml" in sent and "id=912345602" in sent
    assert "tool=evidence-kb" in sent and "email=kb%40example.org" in sent and "api_key=fake-key-123" in sent


def test_unknown_pmid_is_no_records(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        assert pubmed.fetch_records(make_lookup(server, lookup_settings(tmp_path)), ["999999999"]) == []


def test_the_api_key_never_appears_in_an_error(tmp_path: Path) -> None:
    settings = lookup_settings(tmp_path, ncbi_api_key="fake-key-123", http_retries=0)
    with (
        LocalServer(handlers={"/eutils/efetch.fcgi": status(400, b"bad request")}) as server,
        pytest.raises(ServiceUnavailable) as caught,
    ):
        pubmed.fetch_records(make_lookup(server, settings), ["912345602"])
    assert "fake-key-123" not in str(caught.value)
    assert "HTTP 400" in str(caught.value)


def test_esearch_client_asks_for_json(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        found = pubmed.esearch(make_lookup(server, lookup_settings(tmp_path)), "zorblax[tiab]", retmax=5)
    assert found.ids == ["912345601", "912345602"]
    assert "retmode=json" in server.seen[0] and "retmax=5" in server.seen[0]


def test_efetch_answering_html_is_malformed(tmp_path: Path) -> None:
    page = Reply(body=b"<html><body>Service unavailable</body></html>", content_type="text/html")
    with (
        LocalServer(handlers={"/eutils/efetch.fcgi": lambda req: page}) as server,
        pytest.raises(MalformedResponse),
    ):
        pubmed.fetch_records(make_lookup(server, lookup_settings(tmp_path)), ["912345602"])


# --- the locator and the citation matcher (ECitMatch) ----------------------------------------


def test_a_record_states_where_it_was_printed() -> None:
    r = _one("912345602")
    assert (r.volume, r.issue, r.pages, r.journal_abbrev) == ("7", "2", "101-112", "Arch Fict Med")


def test_ecitmatch_lines_found_ambiguous_invalid_and_not_found() -> None:
    answers = pubmed.parse_ecitmatch(fixture("pubmed/ecitmatch.txt"))
    assert [(a.pmid, a.outcome) for a in answers] == [
        ("912345602", "found"),
        (None, "ambiguous"),
        (None, "invalid journal"),
        (None, "not found"),
    ]


def test_ecitmatch_refuses_a_page_of_markup_or_a_short_line() -> None:
    with pytest.raises(MalformedResponse):
        pubmed.parse_ecitmatch(b"<html><body>Service unavailable</body></html>")
    with pytest.raises(MalformedResponse):
        pubmed.parse_ecitmatch(b"arch fict med|2020|7\n")
    assert pubmed.parse_ecitmatch(b"\n") == []


def test_a_citation_line_cannot_shift_its_fields() -> None:
    query = pubmed.CitationQuery(
        journal="Arch|Fict Med", year=2020, volume="7", first_page="101", author="Marrow"
    )
    assert query.line() == "arch fict med|2020|7|101|marrow|kb1|"


def test_ecitmatch_over_http_sends_the_citation_and_ncbi_etiquette(tmp_path: Path) -> None:
    query = pubmed.CitationQuery(
        journal="Arch Fict Med", year=2020, volume="7", first_page="101", author="marrow"
    )
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path, contact_email="kb@example.org"))
        [found] = pubmed.ecitmatch(lookup, [query])
        [missing] = pubmed.ecitmatch(lookup, [query.model_copy(update={"first_page": "999"})])
    assert (found.key, found.pmid, found.outcome) == ("kb1", "912345602", "found")
    assert (missing.pmid, missing.outcome) == (None, "not found")
    sent = server.seen[0]
    assert sent.startswith("/eutils/ecitmatch.cgi?") and "retmode=xml" in sent
    assert "bdata=arch+fict+med%7C2020%7C7%7C101%7Cmarrow%7Ckb1%7C" in sent
    assert "tool=evidence-kb" in sent and "email=kb%40example.org" in sent
