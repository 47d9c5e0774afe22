"""Bibliographic match scores: what is accepted, what is refused, and why."""

from __future__ import annotations

import pytest

from ingest.resolve.match import (
    MIN_COVERAGE,
    THRESHOLD,
    WEIGHTS,
    best_match,
    first_page,
    has_locator,
    match_score,
    not_searchable_reason,
    states_enough,
    surname,
)
from ingest.resolve.records import Record
from kb.models import Work

CITED = Work(
    key="ref:1",
    title="Zorblax use and sleep quality: a prospective cohort study",
    authors=["Roe R", "Doe J"],
    year=2019,
    journal="J Imag Med",
)
HIT = Record(
    service="crossref",
    doi="10.5555/kb.cohort.001",
    title="Zorblax Use and Sleep Quality: A Prospective Cohort Study",
    authors=["Roe R", "Doe J"],
    year=2019,
    journal="Journal of Imaginary Medicine",
)


def test_a_true_match_scores_one() -> None:
    assert match_score(CITED, HIT) == 1.0


def test_online_first_year_costs_half_the_year_weight() -> None:
    assert match_score(CITED, HIT.model_copy(update={"year": 2018})) == pytest.approx(1 - WEIGHTS["year"] / 2)


def test_same_author_year_and_journal_but_another_paper_is_refused() -> None:
    other = HIT.model_copy(
        update={"title": "Sleep hygiene education in university dormitories", "doi": "10.5555/o"}
    )
    score = match_score(CITED, other)
    assert score is not None and score < THRESHOLD
    match = best_match(CITED, [other])
    assert not match.accepted and match.why == f"bibliographic match score {score:.2f} below {THRESHOLD:.2f}"


def test_two_equally_good_hits_are_ambiguous() -> None:
    twin = HIT.model_copy(update={"doi": "10.5555/kb.cohort.002"})
    match = best_match(CITED, [HIT, twin])
    assert not match.accepted and match.why.startswith("ambiguous bibliographic match")


def test_best_hit_is_accepted() -> None:
    other = HIT.model_copy(update={"title": "Something else entirely", "doi": "10.5555/o"})
    match = best_match(CITED, [other, HIT])
    assert match.accepted and match.record is not None and match.record.doi == HIT.doi


def test_author_and_year_alone_state_too_little() -> None:
    thin = Work(key="ref:2", authors=["Grabski"], year=2022)
    assert not states_enough(thin) and match_score(thin, HIT) is None
    assert states_enough(Work(key="ref:3", authors=["Roe R"], year=2019, journal="J Imag Med"))


@pytest.mark.parametrize(
    ("written", "name"),
    [("Grabski M", "grabski"), ("Grabski, M.", "grabski"), ("M. Grabski", "grabski"), ("Marta Grabski", "grabski"),
     ("Ng JS", "ng"), ("J Li", "li"), ("Müller K", "muller"), ("Doe J", "doe")],
)  # fmt: skip
def test_surname(written: str, name: str) -> None:
    assert surname(written) == name


# --- a journal locator: journal + year + volume + first page ---------------------------------

LOCATED = Work(
    key="ref:4", authors=["Marrow"], year=2020, journal="Arch Fict Med", volume="7", pages="101-112"
)
PRINTED = Record(
    service="pubmed",
    pmid="912345602",
    title="A randomized, double-blind, placebo-controlled trial of zorblax infusions",
    authors=["Marrow D", "Quill A"],
    year=2020,
    journal="Archives of Fictional Medicine",
    journal_abbrev="Arch Fict Med",
    volume="7",
    issue="2",
    pages="101-12",  # MEDLINE shortens page ranges
)


def test_a_locator_is_enough_to_search_with_or_without_the_author() -> None:
    assert has_locator(LOCATED) and states_enough(LOCATED)
    anonymous = LOCATED.model_copy(update={"authors": []})
    assert states_enough(anonymous)
    assert WEIGHTS["journal"] + WEIGHTS["year"] + WEIGHTS["locator"] >= MIN_COVERAGE
    assert not has_locator(LOCATED.model_copy(update={"journal": None}))  # numbers alone locate nothing
    assert not states_enough(Work(key="ref:5", year=2020, volume="7", pages="101"))


def test_the_right_article_at_the_locator_scores_one() -> None:
    assert match_score(LOCATED, PRINTED) == 1.0
    assert match_score(LOCATED.model_copy(update={"authors": []}), PRINTED) == 1.0


def test_another_page_of_the_same_volume_is_refused() -> None:
    neighbour = PRINTED.model_copy(update={"pages": "113-120", "authors": ["Wren S"], "pmid": "912345699"})
    score = match_score(LOCATED, neighbour)
    assert score is not None and score < THRESHOLD
    anonymous = LOCATED.model_copy(update={"authors": []})
    score = match_score(anonymous, neighbour)
    assert score is not None and score < THRESHOLD


def test_a_first_author_who_disagrees_with_the_locator_is_refused() -> None:
    """ECitMatch weighs journal, volume and page; a record by someone else is not the cited work."""
    score = match_score(LOCATED.model_copy(update={"authors": ["Finch"]}), PRINTED)
    expected = (WEIGHTS["year"] + WEIGHTS["journal"] + WEIGHTS["locator"]) / (
        WEIGHTS["author"] + WEIGHTS["year"] + WEIGHTS["journal"] + WEIGHTS["locator"]
    )
    assert score is not None and score == pytest.approx(expected, abs=1e-3) and score < THRESHOLD


def test_a_hit_that_states_no_locator_is_judged_on_the_rest() -> None:
    bare = PRINTED.model_copy(update={"volume": None, "pages": None})
    assert match_score(CITED.model_copy(update={"volume": "7", "pages": "101"}), HIT) == 1.0  # HIT has none
    assert match_score(LOCATED, bare) == 1.0  # author, year, journal: the old rule
    assert match_score(LOCATED.model_copy(update={"authors": []}), bare) is None  # journal + year: too little


def test_article_numbers_and_e_pages() -> None:
    cited = Work(key="ref:6", year=2024, journal="Front Imag Psychiatry", volume="15", pages="1299001")
    hit = Record(
        service="crossref",
        year=2024,
        journal="Frontiers in Imaginary Psychiatry",
        volume="15",
        pages="1299001",
    )
    assert match_score(cited, hit) == 1.0
    assert (
        match_score(cited.model_copy(update={"pages": "e55"}), hit.model_copy(update={"pages": "55"})) == 1.0
    )


@pytest.mark.parametrize(
    ("pages", "first"),
    [("152-162", "152"), ("e1660-e1676", "e1660"), ("1552084", "1552084"), ("101–12", "101"), ("", None), (None, None)],
)  # fmt: skip
def test_first_page(pages: str | None, first: str | None) -> None:
    assert first_page(pages) == first


def test_why_a_citation_cannot_be_searched() -> None:
    assert not_searchable_reason(LOCATED) is None
    reason = not_searchable_reason(Work(key="ref:7", authors=["Grabski"], year=2022))
    assert reason is not None and reason.startswith(
        "no identifier, and the citation states too little to search: only an author and a year"
    )
    assert "journal, year, volume and first page" in reason
    bare = not_searchable_reason(Work(key="ref:8"))
    assert bare is not None and "nothing but its wording" in bare
