"""The comparison's models (`kb.comparison`): what a reader of one comparison can rely on."""

from __future__ import annotations

import pytest

from kb.comparison import Axis, AxisComparison, Strength, StrengthReading, StudyComparison, Verdict


def axes(*verdicts: Verdict) -> list[AxisComparison]:
    return [
        AxisComparison(axis=a, verdict=v, reason=f"{a.value} {v.value}")
        for a, v in zip(Axis, verdicts, strict=True)
    ]


def comparison(*verdicts: Verdict) -> StudyComparison:
    page = StrengthReading(strength=Strength.CAUSAL, probabilities=[0.0, 0.0, 0.2, 0.8])
    return StudyComparison(claim_id="c1", work_id="w1", axes=axes(*verdicts), claim_strength=page)


def test_one_mismatch_means_the_study_does_not_match() -> None:
    c = comparison(Verdict.MATCH, Verdict.MISMATCH, Verdict.NOT_STATED, Verdict.MATCH, Verdict.MATCH)
    assert c.matches_study is False
    assert c.reasons() == ["what: what mismatch"]
    assert c.axis(Axis.WHAT).verdict is Verdict.MISMATCH


def test_unknown_is_never_a_match() -> None:
    c = comparison(Verdict.MATCH, Verdict.MATCH, Verdict.NOT_STATED, Verdict.MATCH, Verdict.MATCH)
    assert c.matches_study is None and c.mismatches == []
    assert comparison(*[Verdict.MATCH] * 5).matches_study is True


def test_strength_reading_score_and_effect() -> None:
    reading = StrengthReading(strength=Strength.CAUSAL, probabilities=[0.0, 0.0, 0.2, 0.8])
    assert reading.score == pytest.approx(2.8)
    assert reading.asserts_effect
    assert StrengthReading(strength=Strength.CORRELATIONAL).score == 1.0  # not classified: its level
    assert not StrengthReading(
        strength=Strength.CAUSAL, null_finding="no significant difference"
    ).asserts_effect


def test_a_comparison_round_trips_through_json() -> None:
    c = comparison(Verdict.MATCH, Verdict.MISMATCH, Verdict.NOT_STATED, Verdict.MATCH, Verdict.MATCH)
    raw = c.model_dump(mode="json")
    assert raw["axes"][0] == {
        "axis": "who",
        "verdict": "match",
        "claim_says": None,
        "study_did": None,
        "reason": "who match",
    }
    assert raw["claim_strength"]["strength"] == "direct causal"
    assert StudyComparison.model_validate(raw) == c
