"""The rubric, case by case. Expected grades are derived from kb/rubric.json, never typed in.

The eight worked examples of docs/rubric.md: a meta-analysis of RCTs, a single small RCT, an
animal study, an indirect population, a retracted trial, contradicting works, no citation and a
press release; then overclaim, and the rules around them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from kb.grading import RUBRIC_VERSION, Directness, Stance, WorkEvidence, grade_claim, rubric
from kb.models import Atom, CitationStatus, Claim, Cues, Grade, Work, WorkStatus

R: dict[str, Any] = rubric()
LEVELS: dict[str, int] = R["levels"]
FLOOR = LEVELS[R["counted_work_floor"]]


def grade_at(level: int) -> Grade:
    return Grade(next(name for name, value in LEVELS.items() if value == level))


def start(design: str) -> int:
    return LEVELS[R["design_start"][design]]


def after(level: int, down: int) -> int:
    """A counted work's level after `down` steps: never below the floor (unless it starts lower)."""
    return max(min(level, FLOOR), level - down)


def claim(text: str = "Zorblax reduces fatigue.", **kwargs: Any) -> Claim:
    atoms = [Atom(intervention="zorblax", effect="reduces", outcome="fatigue")]
    return Claim(source_id="src_test", text=text, start=0, end=len(text), atoms=atoms, **kwargs)


def work(design: str, **fields: Any) -> Work:
    values: dict[str, Any] = {"key": f"doi:10.5555/kb.{design}", "status": WorkStatus.RESOLVED, "human": True}
    values |= {"title": f"A made-up {design} of zorblax", "design": design} | fields
    return Work(**values)


DIRECT = Directness(intervention_match=True, outcome_match=True, direct=True)


def cited(w: Work, **kwargs: Any) -> WorkEvidence:
    return WorkEvidence(work=w, directness=kwargs.pop("directness", DIRECT), **kwargs)


# --- the eight worked examples -------------------------------------------------------------


def test_meta_analysis_of_rcts() -> None:
    n = R["imprecision"]["serious_below"] * 5
    meta = work(
        "meta_analysis", title="Zorblax: a meta-analysis of randomized controlled trials", sample_size=n
    )
    got = grade_claim(claim(), [cited(meta)])
    assert got.grade == grade_at(start("meta_analysis"))
    assert got.score == R["scores"][got.grade.value]
    assert got.rubric_version == RUBRIC_VERSION == R["version"]
    assert any("meta-analysis" in r and "starts at" in r for r in got.reasons)


def test_single_small_rct() -> None:
    imp = R["imprecision"]
    n = imp["very_serious_below"] - 10
    got = grade_claim(claim(), [cited(work("rct", sample_size=n))])
    assert got.grade == grade_at(after(start("rct"), imp["very_serious_downgrade"]))
    assert (
        f"-{imp['very_serious_downgrade']} imprecision: n={n} is below {imp['very_serious_below']}."
        in got.reasons
    )


def test_moderately_sized_rct_loses_one_step() -> None:
    imp = R["imprecision"]
    n = (imp["very_serious_below"] + imp["serious_below"]) // 2
    got = grade_claim(claim(), [cited(work("rct", sample_size=n))])
    assert got.grade == grade_at(after(start("rct"), imp["serious_downgrade"]))


def test_animal_study() -> None:
    got = grade_claim(claim(), [cited(work("animal", human=False, sample_size=24))])
    assert got.grade == grade_at(min(start("animal"), LEVELS[R["non_human_only_cap"]]))
    assert any("Only animal or in-vitro evidence" in r for r in got.reasons)


def test_a_randomized_trial_in_mice_is_animal_evidence() -> None:
    got = grade_claim(claim(), [cited(work("rct", human=False, sample_size=400))])
    assert got.grade == grade_at(min(start("animal"), LEVELS[R["non_human_only_cap"]]))


def test_indirect_population() -> None:
    adults_only = Directness(
        intervention_match=True,
        outcome_match=True,
        population_match=False,
        direct=False,
        reasons=["the work does not study the population ('children')"],
    )
    n = R["imprecision"]["serious_below"] * 2
    got = grade_claim(claim(), [cited(work("rct", sample_size=n), directness=adults_only)])
    assert got.grade == grade_at(after(start("rct"), R["indirectness"]["population"]))
    assert any(
        r.startswith(f"-{R['indirectness']['population']} indirectness") and "children" in r
        for r in got.reasons
    )


def test_a_work_that_does_not_study_the_intervention() -> None:
    unrelated = Directness(intervention_match=False, outcome_match=True, direct=False)
    n = R["imprecision"]["serious_below"] * 2
    got = grade_claim(claim(), [cited(work("rct", sample_size=n), directness=unrelated)])
    down = min(R["indirectness"]["max"], R["indirectness"]["intervention"])
    assert got.grade == grade_at(after(start("rct"), down))


def test_retracted_trial_is_excluded() -> None:
    got = grade_claim(claim(), [cited(work("rct", sample_size=400, retracted=True))])
    assert got.grade is Grade.NONE and got.score == R["scores"]["none"]
    assert any("retracted" in r for r in got.reasons)


def test_contradicting_works() -> None:
    n = R["imprecision"]["serious_below"] * 2
    support = cited(work("rct", key="doi:10.5555/kb.rct.a", sample_size=n))
    against = cited(work("rct", key="doi:10.5555/kb.rct.b", sample_size=n), stance=Stance.CONTRADICTS)
    got = grade_claim(claim(), [support, against])
    assert got.grade == grade_at(after(start("rct"), R["inconsistency"]["comparable_downgrade"]))
    assert any("inconsistency" in r for r in got.reasons)


def test_a_stronger_contradiction_costs_more() -> None:
    n = R["imprecision"]["serious_below"] * 2
    support = cited(work("cohort", key="doi:10.5555/kb.cohort.a", sample_size=n))
    against = cited(work("rct", key="doi:10.5555/kb.rct.b", sample_size=n), stance=Stance.CONTRADICTS)
    got = grade_claim(claim(), [support, against])
    assert got.grade == grade_at(after(start("cohort"), R["inconsistency"]["stronger_downgrade"]))


def test_no_citation() -> None:
    got = grade_claim(claim(), [])
    assert got.grade is Grade.NONE and got.reasons == ["None: the claim cites nothing."]


def test_vague_attribution_is_no_evidence() -> None:
    vague = claim("Studies show zorblax reduces fatigue.", citation_status=CitationStatus.VAGUE)
    got = grade_claim(vague, [])
    assert got.grade is Grade.NONE
    assert any("attributed to unnamed research" in r for r in got.reasons)


def test_press_release() -> None:
    release = work("news", key="url:https://news.example.org/press/zorblax", status=WorkStatus.UNRESOLVED)
    got = grade_claim(claim(), [cited(release, directness=None)])
    assert got.grade == grade_at(min(start("news"), LEVELS[R["unresolved_start"]]))


# --- overclaim -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("booster", "design", "n"),
    [
        ("proven", "rct", 400),  # a strong booster needs the strong minimum
        ("has been shown", "rct", 400),
        ("has been shown", "cohort", 400),
        ("cures", "animal", 24),
        ("remarkable", "case_series", None),
    ],
)
def test_overclaim_follows_the_rubric(booster: str, design: str, n: int | None) -> None:
    rules = R["overclaim"]
    strong = any(re.search(p, booster) for p in rules["strong_boosters"])
    c = claim(f"Zorblax {booster} to reduce fatigue.", cues=Cues(boosters=[booster]))
    got = grade_claim(c, [cited(work(design, sample_size=n, human=design != "animal"))])
    needed = rules["strong_min_grade"] if strong else rules["booster_min_grade"]
    assert got.overclaim == (LEVELS[got.grade.value] < LEVELS[needed])
    assert any(r.startswith("Overclaim") for r in got.reasons) == got.overclaim


def test_no_booster_is_never_an_overclaim() -> None:
    assert grade_claim(claim(), []).overclaim is False


def test_booster_with_no_evidence_is_an_overclaim() -> None:
    got = grade_claim(claim("Zorblax is clinically proven.", cues=Cues(boosters=["clinically proven"])), [])
    assert got.grade is Grade.NONE and got.overclaim


# --- the rules around the examples ----------------------------------------------------------


def test_unaccepted_candidates_are_not_counted() -> None:
    hit = cited(work("meta_analysis", sample_size=2000), candidate=True)
    assert grade_claim(claim(), [hit]).grade is Grade.NONE
    accepted = cited(
        work("meta_analysis", title="meta-analysis of randomized trials", sample_size=2000),
        candidate=True,
        accepted=True,
    )
    assert grade_claim(claim(), [accepted]).grade == grade_at(start("meta_analysis"))


def test_a_pooled_review_that_names_no_randomized_trials_starts_lower() -> None:
    observational = work(
        "systematic_review",
        title="Zorblax and fatigue: a systematic review of cohort studies",
        sample_size=5000,
    )
    got = grade_claim(claim(), [cited(observational)])
    assert got.grade == grade_at(LEVELS[R["pooled_without_randomized_start"]])


def test_an_unresolved_citation_is_unverifiable() -> None:
    ref = Work(
        key="ref:0000000000000009", status=WorkStatus.UNRESOLVED, unresolved_reason="not found at Crossref"
    )
    got = grade_claim(claim(), [cited(ref, directness=None)])
    assert got.grade == grade_at(LEVELS[R["unresolved_start"]])
    assert any("unverifiable" in r and "not found at Crossref" in r for r in got.reasons)


def test_the_sites_own_page_is_no_evidence() -> None:
    own = work("commercial", key="url:https://clinic.example/blog", status=WorkStatus.UNRESOLVED)
    assert grade_claim(claim(), [cited(own, directness=None)]).grade == grade_at(start("commercial"))


def test_expression_of_concern_costs_a_step() -> None:
    n = R["imprecision"]["serious_below"] * 2
    got = grade_claim(claim(), [cited(work("rct", sample_size=n, expression_of_concern=True))])
    assert got.grade == grade_at(after(start("rct"), R["expression_of_concern_downgrade"]))


def test_the_best_supporting_work_sets_the_grade() -> None:
    n = R["imprecision"]["serious_below"] * 2
    works = [
        cited(work("case_report", key="doi:10.5555/kb.cr")),
        cited(work("cohort", key="doi:10.5555/kb.co", sample_size=n)),
    ]
    assert grade_claim(claim(), works).grade == grade_at(max(start("case_report"), start("cohort")))


def test_a_design_outside_the_vocabulary_is_refused_and_no_design_is_unknown() -> None:
    with pytest.raises(ValidationError, match="design"):
        work("horoscope")
    got = grade_claim(claim(), [cited(work("rct").model_copy(update={"design": None}))])
    assert got.grade == grade_at(start("unknown"))


def test_every_design_has_a_start_and_a_label() -> None:
    from kb.models import Design

    assert set(R["design_start"]) == {d.value for d in Design} == set(R["design_labels"])
    assert all(grade in LEVELS for grade in R["design_start"].values())


def test_docs_describe_this_rubric_version() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "rubric.md").read_text()
    assert f"version {RUBRIC_VERSION}" in page
