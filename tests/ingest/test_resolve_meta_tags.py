"""Journal pages: identifiers from their citation_* / Dublin Core meta tags."""

from __future__ import annotations

from pathlib import Path

from fake_services import fake_services, fixture, lookup_settings, make_lookup
from httpserver import LocalServer

from ingest.resolve.meta_tags import fetch_meta_tags, parse_meta_tags


def test_highwire_tags() -> None:
    tags = parse_meta_tags(fixture("pages/journal_article.html").decode())
    assert (tags.doi, tags.pmid, tags.year) == ("10.5555/kb.rct.001", "912345602", 2020)
    assert tags.journal == "Archives of Fictional Medicine"
    assert tags.title is not None and tags.title.startswith("A randomized, double-blind")  # not og:title
    assert tags.scholarly and tags.has_identifier


def test_dublin_core_identifier_with_info_doi_prefix() -> None:
    tags = parse_meta_tags(fixture("pages/journal_dc_only.html").decode())
    assert (
        tags.doi == "10.5555/kb.mouse.001" and tags.title == "Zorblax reverses fatigue-like behaviour in mice"
    )


def test_a_news_page_has_no_scholarly_tags() -> None:
    tags = parse_meta_tags(fixture("pages/news_story.html").decode())
    assert not tags.scholarly and not tags.has_identifier
    assert tags.title == "Miracle drip? Clinics tout zorblax for fatigue"


def test_dc_identifier_that_is_not_a_doi_is_ignored() -> None:
    html = '<meta name="dc.identifier" content="ISSN 0000-0000"><meta name="citation_doi" content="">'
    assert parse_meta_tags(html).doi is None


def test_fetches_a_page_and_a_missing_page_is_none(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path))
        found = fetch_meta_tags(lookup, server.url("/pages/journal_article.html"))
        gone = fetch_meta_tags(lookup, server.url("/pages/nothing.html"))
    assert found is not None and found.doi == "10.5555/kb.rct.001"
    assert gone is None
