"""Bibliographic match scores: what is accepted, what is refused, and why."""

from __future__ import annotations

import pytest

from ingest.resolve.match import THRESHOLD, WEIGHTS, best_match, match_score, states_enough, surname
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
