"""A journal reference found by its locator, Europe PMC as resolver and abstract source, and the
registry's phase and status: from the page's text to the resolved work, against a local server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_services import fake_services, lookup_settings, status
from httpserver import LocalServer

from ingest.extract import Extracted
from ingest.http import make_session
from ingest.pipeline import analyse
from ingest.resolve import Endpoints, RateLimiter, resolve_work
from ingest.resolve.resolver import lookup_route
from kb.models import Design, Work, WorkStatus


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer(handlers=fake_services()) as s:
        yield s


def _resolve(server: LocalServer, work: Work, tmp_path: Path) -> Work:
    settings = lookup_settings(tmp_path)
    return resolve_work(
        work,
        make_session(settings, allow_private=True, cache=False),
        settings,
        rate_limiter=RateLimiter.unlimited(),
        endpoints=Endpoints.under(server.url()),
    )


def _cited(sentence: str) -> Work:
    """The one work a page of one sentence cites, as the pipeline hands it to the resolver."""
    [work] = analyse(Extracted(text=sentence + "\n"), key="text:t", locator="t").document.works
    return work


def test_a_journal_reference_on_a_page_carries_its_locator() -> None:
    work = _cited(
        "Zorblax infusions reduce fatigue in adults (Marrow et al., Arch Fict Med. 2020;7(2):101-112)."
    )
    assert (work.authors, work.journal, work.year) == (["Marrow"], "Arch Fict Med", 2020)
    assert (work.volume, work.issue, work.pages) == ("7", "2", "101-112")
    assert lookup_route(work) == "locator"


def test_the_locator_goes_to_pubmeds_citation_matcher(server: LocalServer, tmp_path: Path) -> None:
    cited = _cited(
        "Zorblax infusions reduce fatigue in adults (Marrow et al., Arch Fict Med. 2020;7(2):101-112)."
    )
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.unresolved_reason is None
    assert (work.pmid, work.doi) == ("912345602", "10.5555/kb.rct.001")
    assert work.design == Design.RCT and work.abstract is not None and "CONCLUSIONS:" in work.abstract
    assert server.seen[0].startswith("/eutils/ecitmatch.cgi?")
    assert "bdata=arch+fict+med%7C2020%7C7%7C101%7Cmarrow%7Ckb1%7C" in server.seen[0]
    assert not any(s.startswith("/crossref/works?") for s in server.seen)  # matched: no search needed


def test_a_locator_without_an_author_is_still_searched(server: LocalServer, tmp_path: Path) -> None:
    cited = Work(key="ref:0000000000000011", journal="Arch Fict Med", year=2020, volume="7", pages="101")
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.pmid == "912345602"


def test_crossref_finds_what_the_citation_matcher_does_not(server: LocalServer, tmp_path: Path) -> None:
    cited = _cited(
        "Zorblax nasal spray lifts low mood (Vale et al., Front Imag Psychiatry. 2024;15:1299001)."
    )
    assert cited.pages == "1299001"  # an article number keeps every digit
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.doi == "10.5555/kb.locator.001"
    assert work.resolved_by == ["crossref"] and work.design == Design.CASE_SERIES
    assert work.abstract is not None and work.abstract.startswith("Methods: Twelve adults (n = 12)")
    search = next(s for s in server.seen if s.startswith("/crossref/works?"))
    assert "filter=from-pub-date%3A2023%2Cuntil-pub-date%3A2025" in search


def test_crossref_still_answers_when_the_citation_matcher_is_down(
    server: LocalServer, tmp_path: Path
) -> None:
    server.reply("/eutils/ecitmatch.cgi", status(502))
    cited = _cited(
        "Zorblax nasal spray lifts low mood (Vale et al., Front Imag Psychiatry. 2024;15:1299001)."
    )
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.doi == "10.5555/kb.locator.001"


def test_europe_pmc_finds_an_article_only_it_indexes(server: LocalServer, tmp_path: Path) -> None:
    cited = _cited("Zorblax patches heal burns (Pell et al., Imag Clin Rep. 2023;4(1):e55).")
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.resolved_by == ["europepmc"]
    assert (work.doi, work.pmcid, work.pmid) == ("10.5555/kb.epmc.002", "PMC9999022", None)
    assert work.abstract is not None and "310 patients" in work.abstract


def test_a_record_by_another_first_author_is_not_taken(server: LocalServer, tmp_path: Path) -> None:
    """ECitMatch answers for the locator alone; the record it names is checked like any hit."""
    cited = _cited(
        "Zorblax infusions reduce fatigue in adults (Finch et al., Arch Fict Med. 2020;7(2):101-112)."
    )
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.UNRESOLVED
    assert work.unresolved_reason == "no identifier and bibliographic match score 0.73 below 0.75"
    assert (work.pmid, work.doi, work.title, work.abstract) == (None, None, None, None)  # nothing guessed


def test_an_ambiguous_locator_stays_unresolved_and_says_so(server: LocalServer, tmp_path: Path) -> None:
    cited = Work(
        key="ref:0000000000000012", authors=["Roe"], journal="J Imag Med", year=2019, volume="7", pages="90"
    )
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.UNRESOLVED and work.unresolved_reason is not None
    assert work.unresolved_reason.startswith("PubMed's citation matcher: ambiguous; no identifier and ")


def test_a_preprint_is_found_by_its_title_at_europe_pmc(server: LocalServer, tmp_path: Path) -> None:
    cited = Work(
        key="ref:0000000000000013",
        title="Zorblax and sleep onset in shift workers: a randomised crossover trial",
        authors=["Ash J", "Birch K"],
        year=2024,
        journal="medRxiv",
    )
    assert lookup_route(cited) == "bibliographic"
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.doi == "10.5555/kb.preprint.001"
    assert work.resolved_by == ["europepmc"]
    assert work.abstract is not None and "no significant difference" in work.abstract


def test_a_doi_only_europe_pmc_knows(server: LocalServer, tmp_path: Path) -> None:
    cited = Work(key="doi:10.5555/kb.preprint.001", doi="10.5555/kb.preprint.001")
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.resolved_by == ["europepmc"]
    assert work.journal == "medRxiv" and work.year == 2024


def test_europe_pmc_gives_the_abstract_crossref_lacks(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="doi:10.5555/kb.epmc.001", doi="10.5555/kb.epmc.001"), tmp_path)
    assert work.resolved_by == ["crossref", "europepmc"]
    assert work.abstract is not None and work.abstract.startswith("Background: Restless legs disturb sleep.")
    assert (work.pmid, work.pmcid) == ("912345621", "PMC9999021")
    assert work.design == Design.RCT and work.sample_size == 64


def test_europe_pmc_is_not_asked_when_the_abstract_is_known(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="pmid:912345602", pmid="912345602"), tmp_path)
    assert work.abstract is not None and work.resolved_by == ["pubmed"]
    assert not any(s.startswith("/europepmc/") for s in server.seen)


def test_a_pmcid_the_id_converter_does_not_know(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="pmcid:PMC9999022", pmcid="PMC9999022"), tmp_path)
    assert work.status is WorkStatus.RESOLVED and work.doi == "10.5555/kb.epmc.002"
    assert "europepmc" in work.resolved_by


def test_a_trial_keeps_its_phase_and_status(server: LocalServer, tmp_path: Path) -> None:
    done = _resolve(server, Work(key="nct:NCT99999901", nct="NCT99999901"), tmp_path)
    recruiting = _resolve(server, Work(key="nct:NCT99999902", nct="NCT99999902"), tmp_path)
    assert (done.trial_phase, done.trial_status) == ("phase 2", "completed")
    assert (recruiting.trial_phase, recruiting.trial_status) == ("phase 3", "recruiting")


def test_an_author_and_a_year_stay_unresolved_unasked(server: LocalServer, tmp_path: Path) -> None:
    cited = _cited("Zorblax lifts mood, a study found (Grabski et al., 2022).")
    assert lookup_route(cited) is None
    work = _resolve(server, cited, tmp_path)
    assert work.status is WorkStatus.UNRESOLVED and work.unresolved_reason is not None
    assert work.unresolved_reason.startswith("no identifier, and the citation states too little to search")
    assert server.seen == []
