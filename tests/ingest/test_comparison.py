"""The claim beside its study (`ingest.comparison`): made-up claims and works, one axis at a time.

Identifiers are fake (DOIs under 10.5555/, PMIDs of nine digits starting with 9, NCT numbers of
nines). Each test states what the record says and what the comparison must answer; unknown
parts must stay "not stated", never become a match.
"""

from __future__ import annotations

from typing import Any

import pytest

from ingest.comparison import STRENGTH_MARGIN, compare, compare_strength, study_conclusion
from ingest.strength import classify_strength
from kb.comparison import Axis, Strength, StrengthReading, StudyComparison, Verdict
from kb.models import Atom, Claim, Cues, Design, Work, WorkStatus

AUD = "adults with alcohol use disorder"


def claim(
    text: str, intervention: str, effect: str, outcome: str, population: str | None = None, *boosters: str
) -> Claim:
    return Claim(
        source_id="src-test",
        text=text,
        start=0,
        end=len(text),
        atoms=[Atom(intervention=intervention, effect=effect, outcome=outcome, population=population)],
        cues=Cues(boosters=list(boosters)),
    )


def work(**fields: Any) -> Work:
    fields.setdefault("status", WorkStatus.RESOLVED)
    return Work(key=fields.pop("key", "doi:10.5555/cmp.test.1"), **fields)


CRAVINGS = claim(
    f"Ketamine reduces alcohol cravings in {AUD}.", "ketamine", "reduces", "alcohol cravings", AUD
)
GOOD_TRIAL = work(
    pmid="912345678",
    title="Intravenous ketamine for alcohol use disorder: a randomized controlled trial",
    abstract=(
        "Background: Few treatments reduce craving. Methods: We randomly assigned 400 adults with alcohol "
        "use disorder to ketamine or midazolam. Results: Ketamine reduced alcohol cravings at 12 weeks. "
        "Conclusions: Ketamine reduced alcohol cravings in adults with alcohol use disorder."
    ),
    design=Design.RCT,
    sample_size=400,
    human=True,
)


def verdicts(result: StudyComparison) -> dict[Axis, Verdict]:
    return {a.axis: a.verdict for a in result.axes}


def test_a_study_that_matches_on_every_axis_matches() -> None:
    result = compare(CRAVINGS, GOOD_TRIAL)
    assert [a.axis for a in result.axes] == list(Axis)
    assert set(verdicts(result).values()) == {Verdict.MATCH}, result.axes
    assert result.matches_study is True and result.mismatches == [] and result.reasons() == []
    assert result.claim_id == CRAVINGS.id and result.work_id == GOOD_TRIAL.id
    assert result.axis(Axis.OUTCOME).study_did == "alcohol cravings at 12 weeks"
    assert result.axis(Axis.DESIGN).reason == "a randomized controlled trial of 400"
    assert result.study_conclusion == "Ketamine reduced alcohol cravings in adults with alcohol use disorder."


def test_a_record_without_abstract_or_design_states_nothing_and_never_matches() -> None:
    bare = work(key="pmid:987654321", title="Ketamine for alcohol use disorder")
    result = compare(CRAVINGS, bare)
    got = verdicts(result)
    assert got[Axis.WHO] is Verdict.NOT_STATED
    assert (
        got[Axis.OUTCOME] is Verdict.NOT_STATED
    )  # the title does not name cravings: unknown, not a mismatch
    assert got[Axis.DESIGN] is Verdict.NOT_STATED
    assert got[Axis.STRENGTH] is Verdict.NOT_STATED
    assert got[Axis.WHAT] is Verdict.MATCH  # the title does name ketamine
    assert result.matches_study is None
    assert result.study_strength is None and result.study_conclusion is None
    assert "no abstract" in result.axis(Axis.STRENGTH).reason


def test_an_unresolved_work_with_nothing_but_its_citation_is_not_stated_on_every_axis() -> None:
    pending = Work(key="ref:cmp-test", citation_text="(Doe et al., 2021)")
    assert set(verdicts(compare(CRAVINGS, pending)).values()) == {Verdict.NOT_STATED}


def test_who_claim_about_people_study_in_mice() -> None:
    mice = work(
        title="Ketamine reduces alcohol seeking in mice",
        abstract="Male mice received ketamine. Ketamine reduced alcohol drinking in mice.",
        design=Design.ANIMAL,
        human=False,
    )
    who = compare(CRAVINGS, mice).axis(Axis.WHO)
    assert who.verdict is Verdict.MISMATCH
    assert who.reason == f"claim about {AUD}; study in mice"


def test_who_claim_about_a_condition_study_in_another() -> None:
    text = "Ketamine reduces cravings in alcohol use disorder."
    depression = work(
        title="Ketamine for treatment-resistant depression",
        abstract="Patients with treatment-resistant depression received ketamine. Ketamine reduced depression scores.",
        human=True,
    )
    who = compare(claim(text, "ketamine", "reduces", "cravings"), depression).axis(Axis.WHO)
    assert who.verdict is Verdict.MISMATCH
    assert who.reason == "claim about alcohol use disorder; study in treatment-resistant depression"


def test_who_cells_in_vitro() -> None:
    cells = work(
        title="Ketamine and alcohol-exposed neurons",
        abstract="Cultured neurons were exposed to alcohol and ketamine in vitro. Ketamine increased spine density.",
    )
    who = compare(CRAVINGS, cells).axis(Axis.WHO)
    assert (who.verdict, who.study_did) == (Verdict.MISMATCH, "cells")


def test_what_route_and_form_differ() -> None:
    text = "IV ketamine relieves depression."
    esketamine = work(
        title="Intranasal esketamine in treatment-resistant depression",
        abstract="Patients with depression received esketamine nasal spray. Esketamine reduced depression at 4 weeks.",
        design=Design.RCT,
        sample_size=300,
        human=True,
    )
    what = compare(claim(text, "ketamine", "relieves", "depression"), esketamine).axis(Axis.WHAT)
    assert what.verdict is Verdict.MISMATCH
    assert what.reason == "claim about intravenous ketamine; study of intranasal esketamine"


def test_what_a_route_the_study_does_not_state_is_not_a_match() -> None:
    text = "IV ketamine relieves depression."
    unstated = work(title="Ketamine in depression", abstract="Ketamine reduced depression scores in adults.")
    what = compare(claim(text, "ketamine", "relieves", "depression"), unstated).axis(Axis.WHAT)
    assert what.verdict is Verdict.NOT_STATED
    assert "route is not stated" in what.reason


def test_what_a_study_of_something_else() -> None:
    other = work(
        title="Psilocybin for alcohol use disorder", abstract="Psilocybin reduced heavy drinking days."
    )
    what = compare(CRAVINGS, other).axis(Axis.WHAT)
    assert (what.verdict, what.reason) == (Verdict.MISMATCH, "claim about ketamine; study of psilocybin")


def test_outcome_a_cure_against_a_score_at_two_weeks() -> None:
    cures = claim("Ketamine cures cravings.", "ketamine", "cures", "cravings", None, "cures")
    trial = work(
        title="Ketamine and craving in alcohol use disorder: a randomized trial",
        abstract="Adults were randomized to ketamine or placebo (n = 90). Conclusions: Ketamine reduced craving at 2 weeks.",
        design=Design.RCT,
        sample_size=90,
        human=True,
    )
    outcome = compare(cures, trial).axis(Axis.OUTCOME)
    assert outcome.verdict is Verdict.MISMATCH
    assert outcome.reason == "claim: cures cravings; study measured cravings at 2 weeks"


def test_outcome_the_study_does_not_measure() -> None:
    sleep = work(
        title="Ketamine and sleep", abstract="Ketamine improved sleep quality in adults with insomnia."
    )
    outcome = compare(CRAVINGS, sleep).axis(Axis.OUTCOME)
    assert outcome.verdict is Verdict.MISMATCH
    assert outcome.reason.endswith("the study does not measure alcohol cravings")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        (
            {"title": "A pilot study of ketamine for cravings", "sample_size": 12, "design": Design.RCT},
            "a pilot study of 12",
        ),
        (
            {"title": "Ketamine for cravings", "sample_size": 30, "design": Design.RCT},
            "a small study (n = 30)",
        ),
        (
            {
                "key": "nct:NCT99999999",
                "title": "Ketamine for cravings",
                "trial_status": "Recruiting",
                "design": Design.TRIAL_REGISTRATION,
            },
            "a trial still recruiting: no results",
        ),
        (
            {
                "title": "Ketamine for cravings",
                "trial_phase": "Phase 1",
                "design": Design.NON_RANDOMIZED_CONTROLLED,
            },
            "an early-phase trial (phase 1): it tests safety and dose, not benefit",
        ),
        (
            {"title": "Ketamine for cravings", "design": Design.CASE_REPORT},
            "a case report: one patient, no comparison",
        ),
    ],
)
def test_design_and_size_concerns(fields: dict[str, Any], reason: str) -> None:
    axis = compare(CRAVINGS, work(**fields)).axis(Axis.DESIGN)
    assert axis.verdict is Verdict.MISMATCH
    assert axis.reason == reason


def test_design_a_causal_claim_from_an_observational_study() -> None:
    cohort = work(
        title="Ketamine prescriptions and alcohol cravings: a cohort study",
        abstract="We followed 5,000 patients. Conclusion: Ketamine use was associated with lower alcohol cravings.",
        design=Design.COHORT,
        sample_size=5000,
        human=True,
    )
    result = compare(CRAVINGS, cohort)
    assert (
        result.axis(Axis.DESIGN).reason
        == "causal claim from a cohort study, which shows association, not cause"
    )
    strength = result.axis(Axis.STRENGTH)
    assert strength.verdict is Verdict.MISMATCH
    assert strength.reason == "causal claim from a correlational conclusion"
    assert result.reasons() == [
        "design and size: causal claim from a cohort study, which shows association, not cause",
        "strength: causal claim from a correlational conclusion",
    ]


def test_strength_claims_a_benefit_the_study_did_not_find() -> None:
    null = work(
        title="Ketamine versus placebo for alcohol cravings: a randomised trial",
        abstract="Methods: 240 patients were randomised. Conclusions: Ketamine did not significantly reduce alcohol "
        "cravings compared with placebo.",
        design=Design.RCT,
        sample_size=240,
        human=True,
    )
    strength = compare(CRAVINGS, null).axis(Axis.STRENGTH)
    assert strength.verdict is Verdict.MISMATCH
    assert strength.reason == "claims a benefit the study did not find ('did not significantly reduce')"


def test_strength_states_as_fact_what_the_study_only_suggests() -> None:
    hedged = work(
        title="Ketamine and cravings", abstract="Conclusions: Ketamine may reduce alcohol cravings."
    )
    strength = compare(CRAVINGS, hedged).axis(Axis.STRENGTH)
    assert strength.verdict is Verdict.MISMATCH
    assert strength.reason == "states as fact what the study only suggests ('may')"


def reading(strength: Strength, probabilities: list[float], **flags: Any) -> StrengthReading:
    return StrengthReading(strength=strength, probabilities=probabilities, **flags)


def test_compare_strength_needs_a_higher_level_and_a_margin() -> None:
    direct = reading(Strength.CAUSAL, [0.0, 0.0, 0.1, 0.9])  # expected level 2.9
    assert compare_strength(direct, reading(Strength.CAUSAL, [0, 0, 0.2, 0.8])).verdict is Verdict.MATCH
    near = 2.9 - STRENGTH_MARGIN + 0.01  # a conditional conclusion within the margin: not a mismatch
    close = reading(Strength.CONDITIONAL, [0.0, 0.0, 3 - near, near - 2])
    assert close.score == pytest.approx(near)
    assert compare_strength(direct, close).verdict is Verdict.MATCH
    far = reading(Strength.CORRELATIONAL, [0.0, 1.0, 0.0, 0.0])
    assert compare_strength(direct, far).verdict is Verdict.MISMATCH
    # a page that denies an effect asserts nothing, whatever its wording's strength
    denied = reading(Strength.CAUSAL, [0, 0, 0, 1.0], negated=True)
    assert compare_strength(denied, far).verdict is Verdict.MATCH


def test_compare_strength_without_a_conclusion_is_not_stated_and_names_the_boosters() -> None:
    page = classify_strength("Ketamine has been proven to cure depression.")
    axis = compare_strength(page, None, boosters=["has been proven"])
    assert axis.verdict is Verdict.NOT_STATED
    assert axis.claim_says is not None and "'has been proven'" in axis.claim_says


@pytest.mark.parametrize(
    ("abstract", "conclusion"),
    [
        (
            "BACKGROUND: X. METHODS: Y. CONCLUSIONS: Zorblax may help. TRIAL REGISTRATION: NCT99999999.",
            "Zorblax may help.",
        ),
        ("Background: x. Conclusions and relevance: Zorblax reduced fatigue.", "Zorblax reduced fatigue."),
        (
            "Zorblax was tested. Fatigue fell. Zorblax may reduce fatigue.",
            "Fatigue fell. Zorblax may reduce fatigue.",
        ),
        ("Only one sentence here.", "Only one sentence here."),
        ("   ", None),
        (None, None),
    ],
)
def test_study_conclusion(abstract: str | None, conclusion: str | None) -> None:
    assert study_conclusion(abstract) == conclusion


def test_the_same_inputs_give_the_same_comparison() -> None:
    assert compare(CRAVINGS, GOOD_TRIAL) == compare(CRAVINGS, GOOD_TRIAL)
