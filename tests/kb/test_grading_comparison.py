"""The claim beside its study, in the grade (rubric 1.1), and editors' stances: pure, case by case.

Comparisons are built by hand (`kb.comparison`), so each test states exactly which axes match;
expected grades and steps are derived from kb/rubric.json, never typed in.
"""

from __future__ import annotations

from typing import Any

from kb.comparison import (
    Axis,
    AxisComparison,
    Directness,
    Strength,
    StrengthReading,
    StudyComparison,
    Verdict,
)
from kb.grading import WorkEvidence, grade_claim, mismatch_reasons, rubric
from kb.models import Atom, Claim, EditorStance, Grade, StanceEvent, Work, WorkStatus

R: dict[str, Any] = rubric()
LEVELS: dict[str, int] = R["levels"]
N = R["imprecision"]["serious_below"] * 2  # no imprecision
DIRECT = Directness(intervention_match=True, outcome_match=True, direct=True)
CAUSAL = StrengthReading(strength=Strength.CAUSAL, probabilities=[0.0, 0.0, 0.1, 0.9])
REASONS = {
    Axis.WHO: "claim about people; study in mice",
    Axis.WHAT: "claim about intravenous zorblax; study of oral zorblax",
    Axis.OUTCOME: "claim: reduces fatigue; the study does not measure fatigue",
    Axis.DESIGN: "a small study (n = 12)",
    Axis.STRENGTH: "states as fact what the study only suggests ('may')",
}


def grade_at(level: int) -> Grade:
    return Grade(next(name for name, value in LEVELS.items() if value == level))


def claim() -> Claim:
    text = "Zorblax reduces fatigue."
    atoms = [Atom(intervention="zorblax", effect="reduces", outcome="fatigue")]
    return Claim(source_id="src_test", text=text, start=0, end=len(text), atoms=atoms)


def work(design: str = "rct", key: str = "doi:10.5555/kb.cmp.1", **fields: Any) -> Work:
    values = {"status": WorkStatus.RESOLVED, "human": True, "sample_size": N, "title": f"A made-up {design}"}
    return Work(key=key, design=design, **(values | fields))


def comparison(
    w: Work,
    *mismatched: Axis,
    unsaid: tuple[Axis, ...] = (),
    study: StrengthReading | None = CAUSAL,
    page: StrengthReading = CAUSAL,
) -> StudyComparison:
    """Every axis a match, except those `mismatched` and those `unsaid` (not stated)."""
    axes = []
    for axis in Axis:
        verdict = (
            Verdict.MISMATCH
            if axis in mismatched
            else Verdict.NOT_STATED
            if axis in unsaid
            else Verdict.MATCH
        )
        reason = REASONS[axis] if verdict is Verdict.MISMATCH else f"{axis.value} {verdict.value}"
        axes.append(AxisComparison(axis=axis, verdict=verdict, reason=reason))
    return StudyComparison(
        claim_id=claim().id, work_id=w.id, axes=axes, claim_strength=page, study_strength=study
    )


def cited(w: Work, compared: StudyComparison | None = None, **kwargs: Any) -> WorkEvidence:
    return WorkEvidence(work=w, directness=DIRECT, comparison=compared, **kwargs)


def by(stance: EditorStance, w: Work, name: str = "Ana") -> StanceEvent:
    return StanceEvent(claim_id=claim().id, work_id=w.id, stance=stance, by=name)


HIGH = LEVELS[R["design_start"]["rct"]]


def test_a_matching_study_changes_nothing() -> None:
    w = work()
    plain = grade_claim(claim(), [cited(w)])
    got = grade_claim(claim(), [cited(w, comparison(w))])
    assert (got.grade, got.overclaim, got.reasons) == (plain.grade, plain.overclaim, plain.reasons)
    assert got.study_mismatch is False and got.study_mismatch_count == 0


def test_unknown_never_changes_the_grade() -> None:
    w = work()
    plain = grade_claim(claim(), [cited(w)])
    got = grade_claim(claim(), [cited(w, comparison(w, unsaid=tuple(Axis), study=None))])
    assert (got.grade, got.overclaim, got.reasons) == (plain.grade, plain.overclaim, plain.reasons)
    assert got.study_mismatch is None  # nothing could be compared


def test_who_what_and_outcome_are_indirectness() -> None:
    w = work()
    weights = R["indirectness"]
    parts = R["comparison"]["indirect_axes"]
    for axis in (Axis.WHO, Axis.WHAT, Axis.OUTCOME):
        got = grade_claim(claim(), [cited(w, comparison(w, axis))])
        down = min(weights["max"], weights[parts[axis.value]])
        assert got.grade == grade_at(HIGH - down), axis
        assert f"-{down} indirectness: {axis.value}: {REASONS[axis]}." in got.reasons
        assert got.study_mismatch is True and got.study_mismatch_count == 1
    every = grade_claim(claim(), [cited(w, comparison(w, Axis.WHO, Axis.WHAT, Axis.OUTCOME))])
    assert every.grade == grade_at(HIGH - weights["max"])


def test_a_part_the_directness_check_and_the_comparison_both_miss_counts_once() -> None:
    w = work()
    missed = Directness(intervention_match=True, outcome_match=False, direct=False,
                        reasons=["the work does not study the outcome ('fatigue')"])  # fmt: skip
    ev = WorkEvidence(work=w, directness=missed, comparison=comparison(w, Axis.OUTCOME))
    got = grade_claim(claim(), [ev])
    down = R["indirectness"]["outcome"]
    assert got.grade == grade_at(HIGH - down)
    assert f"-{down} indirectness: outcome: {REASONS[Axis.OUTCOME]}." in got.reasons


def test_design_and_size_is_a_reason_only() -> None:
    w = work()
    got = grade_claim(claim(), [cited(w, comparison(w, Axis.DESIGN))])
    assert got.grade == grade_at(HIGH) and not got.overclaim
    assert any(r.startswith(f"Noted (design and size): {REASONS[Axis.DESIGN]}") for r in got.reasons)
    assert got.study_mismatch is True


def test_a_study_that_found_no_effect_does_not_count() -> None:
    w = work()
    found_nothing = StrengthReading(strength=Strength.CAUSAL, null_finding="no significant difference")
    compared = comparison(w, Axis.STRENGTH, study=found_nothing)
    assert compared.found_no_effect and not compared.overstated
    got = grade_claim(claim(), [cited(w, compared)])
    assert got.grade is Grade.NONE
    assert any(r.startswith("Not counted:") and "does not support the claim" in r for r in got.reasons)
    assert got.study_overstated


def test_an_overstatement_is_an_overclaim_unless_another_study_concludes_as_strongly() -> None:
    may = StrengthReading(strength=Strength.CONDITIONAL, probabilities=[0.0, 0.1, 0.8, 0.1])
    w = work()
    got = grade_claim(claim(), [cited(w, comparison(w, Axis.STRENGTH, study=may))])
    assert got.grade == grade_at(HIGH) and got.overclaim  # the grade stays: only the language is too strong
    assert any(r.startswith("Overclaim: the claim asserts more than") for r in got.reasons)
    other = work(key="doi:10.5555/kb.cmp.2")
    both = grade_claim(
        claim(), [cited(w, comparison(w, Axis.STRENGTH, study=may)), cited(other, comparison(other))]
    )
    assert not both.overclaim


def test_a_causal_claim_from_an_observational_design_is_an_overclaim() -> None:
    for design in R["comparison"]["observational_designs"]:
        w = work(design)
        got = grade_claim(claim(), [cited(w, comparison(w))])
        assert got.overclaim, design
        assert any("which shows association, not cause" in r for r in got.reasons)


def test_editor_contradicts_always_costs_a_step() -> None:
    best, weak = work(), work("animal", key="doi:10.5555/kb.cmp.2", human=False)
    against = cited(weak, editor=by(EditorStance.CONTRADICTS, weak))
    got = grade_claim(claim(), [cited(best), against])
    down = R["editor"]["contradiction_min_downgrade"]
    assert got.grade == grade_at(HIGH - down)  # the automatic rule would not count a very low work
    assert (
        f"-{down} inconsistency: an editor (Ana) judged that '{weak.title}' contradicts the claim."
        in got.reasons
    )
    assert mismatch_reasons(against) == ["an editor (Ana) judged that it contradicts the claim"]
    assert got.study_mismatch is True


def test_editor_does_not_support_stops_the_work_counting() -> None:
    w = work()
    got = grade_claim(claim(), [cited(w, comparison(w), editor=by(EditorStance.DOES_NOT_SUPPORT, w))])
    assert got.grade is Grade.NONE
    assert f"Not counted: an editor (Ana) judged that '{w.title}' does not support the claim." in got.reasons


def test_editor_supports_overrides_the_automatic_judgement() -> None:
    w = work()
    may = StrengthReading(strength=Strength.CONDITIONAL, probabilities=[0.0, 0.1, 0.8, 0.1])
    compared = comparison(w, Axis.WHO, Axis.STRENGTH, study=may)
    unjudged = grade_claim(claim(), [cited(w, compared)])
    assert unjudged.overclaim and unjudged.grade == grade_at(HIGH - R["indirectness"]["population"])
    ev = cited(w, compared, editor=by(EditorStance.SUPPORTS, w))
    got = grade_claim(claim(), [ev])
    assert got.grade == grade_at(HIGH) and not got.overclaim
    assert got.study_mismatch is False and mismatch_reasons(ev) == []
    assert any("the comparison's mismatches (who, strength) are shown, not counted" in r for r in got.reasons)
    # its design and size still count: an editor judges what a study says, not its design
    small = work(sample_size=R["imprecision"]["very_serious_below"] - 1)
    got = grade_claim(claim(), [cited(small, comparison(small), editor=by(EditorStance.SUPPORTS, small))])
    assert got.grade == grade_at(HIGH - R["imprecision"]["very_serious_downgrade"])


def test_the_assessment_keeps_what_it_read_of_each_work() -> None:
    w = work()
    compared = comparison(w, Axis.WHO)
    got = grade_claim(claim(), [cited(w, compared)])
    [study] = got.studies
    assert (study.work_id, study.comparison, study.directness) == (w.id, compared, DIRECT)
