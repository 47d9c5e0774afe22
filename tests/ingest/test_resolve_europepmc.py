"""Europe PMC: its search results parsed (abstracts, preprints, locators), its queries, its lookups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_services import fake_services, fixture, lookup_settings, make_lookup
from httpserver import LocalServer

from ingest.resolve import europepmc
from ingest.resolve.errors import MalformedResponse


def _search(name: str) -> dict[str, Any]:
    return json.loads(fixture(f"europepmc/{name}.json"))


def test_a_pubmed_record_with_its_abstract_sections_and_locator() -> None:
    [r] = europepmc.parse_search(_search("search_epmc_001"))
    assert (r.service, r.pmid, r.pmcid, r.doi) == (
        "europepmc",
        "912345621",
        "PMC9999021",
        "10.5555/kb.epmc.001",
    )
    assert r.title == "Zorblax tablets for restless legs in adults: a randomised placebo-controlled trial"
    assert (r.journal, r.journal_abbrev, r.year) == ("Journal of imaginary medicine", "J Imag Med", 2021)
    assert (r.volume, r.issue, r.pages) == ("9", "3", "201-209")
    assert r.authors == ["Ferris O", "Roe R"]
    assert r.abstract is not None and r.abstract.startswith(
        "Background: Restless legs disturb sleep. Methods:"
    )
    assert "Conclusions: Zorblax may ease restless legs" in r.abstract and "<" not in r.abstract
    assert r.publication_types == ["Randomized Controlled Trial", "Journal Article"]
    assert "Humans" in r.mesh and r.cited_by_count == 7
    assert r.retracted is None and r.type_label is None


def test_a_preprint_is_labelled_and_keeps_its_server() -> None:
    [r] = europepmc.parse_search(_search("search_preprint_001"))
    assert r.type_label == "preprint" and r.journal == "medRxiv" and r.year == 2024
    assert r.doi == "10.5555/kb.preprint.001" and r.pmid is None
    assert r.url == "https://europepmc.org/article/PPR/PPR999001"
    assert r.abstract is not None and "no significant difference" in r.abstract


def test_a_pmc_only_article_has_its_pmcid_and_article_number() -> None:
    [r] = europepmc.parse_search(_search("search_epmc_002"))
    assert (r.pmcid, r.pmid, r.pages, r.journal_abbrev) == ("PMC9999022", None, "e55", "Imag Clin Rep")
    assert r.abstract is not None and "Conclusion: zorblax patches" in r.abstract


def test_no_results_is_an_empty_list_and_a_wrong_shape_is_malformed() -> None:
    assert europepmc.parse_search(_search("search_empty")) == []
    with pytest.raises(MalformedResponse):
        europepmc.parse_search({"version": "6.9", "errCode": 500})


def test_retraction_and_notices_come_from_corrections_and_types() -> None:
    item = _search("search_epmc_001")["resultList"]["result"][0]
    retracted = item | {
        "commentCorrectionList": {"commentCorrection": [{"type": "Retraction in", "id": "1"}]}
    }
    assert europepmc.parse_result(retracted).retracted is True
    concern = item | {"commentCorrectionList": {"commentCorrection": [{"type": "Expression of concern in"}]}}
    assert europepmc.parse_result(concern).expression_of_concern is True
    notice = item | {"pubTypeList": {"pubType": ["Retraction of Publication"]}}
    assert europepmc.parse_result(notice).retraction_notice is True


def test_queries_quote_what_they_are_given() -> None:
    assert europepmc.id_query(doi="10.5555/x") == 'DOI:"10.5555/x"'
    assert europepmc.id_query(pmid="912345621") == "EXT_ID:912345621 AND SRC:MED"
    assert europepmc.id_query(pmcid="pmc9999021") == "PMCID:PMC9999021"
    assert europepmc.id_query() is None
    assert europepmc.locator_query("Am. J. Psychiatry", 2022, "179", "Grabski") == (
        'JOURNAL:"Am J Psychiatry" AND VOLUME:"179" AND PUB_YEAR:[2021 TO 2023] AND AUTH:"Grabski"'
    )
    assert europepmc.title_query(['say "hi"'], None, None) == 'TITLE:"say hi"'  # quotes cannot break out


def test_lookup_by_each_identifier_over_http(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        lookup = make_lookup(server, lookup_settings(tmp_path))
        by_doi = europepmc.lookup_id(lookup, doi="10.5555/KB.EPMC.001")
        by_pmid = europepmc.lookup_id(lookup, pmid="912345621")
        by_pmcid = europepmc.lookup_id(lookup, pmcid="PMC9999022")
        unknown = europepmc.lookup_id(lookup, doi="10.5555/kb.unknown.001")
    assert by_doi is not None and by_doi.pmid == "912345621"
    assert by_pmid is not None and by_pmid.doi == "10.5555/kb.epmc.001"
    assert by_pmcid is not None and by_pmcid.doi == "10.5555/kb.epmc.002"
    assert unknown is None
    assert server.seen[0].startswith("/europepmc/search?query=DOI%3A%2210.5555%2FKB.EPMC.001%22")
    assert "resultType=core" in server.seen[0] and "format=json" in server.seen[0]
