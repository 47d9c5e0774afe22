"""The sentence-strength classifier (`ingest.strength`): what it reads, and that it runs as shipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.strength import (
    MAX_CHARS,
    StrengthModel,
    classify_strength,
    default_model,
    features,
    is_negated,
    null_finding,
)
from kb.comparison import Strength

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("Zorblax cures chronic fatigue.", Strength.CAUSAL),
        ("Zorblax has been shown to reduce fatigue in adults.", Strength.CAUSAL),
        ("Zorblax may reduce fatigue.", Strength.CONDITIONAL),
        ("Zorblax might help some patients sleep.", Strength.CONDITIONAL),
        ("Zorblax use is associated with lower fatigue scores.", Strength.CORRELATIONAL),
        ("Low zorblax levels are linked to fatigue.", Strength.CORRELATIONAL),
        ("Book your first Zorblax session online.", Strength.NONE),
        ("Zorblax comes in 50 mg capsules.", Strength.NONE),
    ],
)
def test_clear_sentences_of_each_strength(sentence: str, strength: Strength) -> None:
    reading = classify_strength(sentence)
    assert reading.strength is strength, reading.probabilities
    assert len(reading.probabilities) == 4 and sum(reading.probabilities) == pytest.approx(1.0, abs=1e-3)
    assert reading.text == sentence


def test_the_level_order_is_the_one_of_yu_and_insciout() -> None:
    assert [s.level for s in Strength] == [0, 1, 2, 3]
    assert [Strength.at(i) for i in range(4)] == list(Strength)
    assert Strength.CONDITIONAL.level > Strength.CORRELATIONAL.level


def test_a_hedge_makes_the_same_effect_conditional_and_a_word_class_carries_it() -> None:
    stated, hedged = features("Zorblax lowers fatigue."), features("Zorblax might lower fatigue.")
    assert "m:might_CAU" in hedged and "mod_before_CAU" in hedged and "mod_before_CAU" not in stated
    # 'lower' and 'reduce' are the same class, so an unseen verb still reads as an effect
    assert "ab:zorblax_CAU" in stated and "ab:zorblax_CAU" in features("Zorblax reduces fatigue.")
    assert "heal" not in " ".join(k for k in features("Healthy adults were studied.") if k.startswith("k:"))


def test_headlines_are_marked() -> None:
    assert "headline" in features("Zorblax cuts fatigue in half")
    assert "headline" not in features("Zorblax cuts fatigue in half.")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("There was no significant difference in fatigue between groups.", "no significant difference"),
        ("Zorblax did not significantly reduce fatigue.", "did not significantly reduce"),
        ("Zorblax was not associated with fatigue.", "was not associated"),
        ("Zorblax failed to improve sleep.", "failed to improve"),
        ("Zorblax reduced fatigue.", None),
        ("Zorblax may reduce fatigue.", None),
    ],
)
def test_null_findings(text: str, phrase: str | None) -> None:
    assert null_finding(text) == phrase
    assert classify_strength(text).null_finding == phrase


def test_negated_claims() -> None:
    assert is_negated("Zorblax does not cure fatigue.")
    assert is_negated("There is no link between zorblax and fatigue.")
    assert not is_negated("Zorblax cures fatigue.")
    assert not classify_strength("Zorblax cures fatigue.").negated


def test_long_text_is_read_up_to_its_limit() -> None:
    huge = "Zorblax may reduce fatigue. " * 10_000
    assert classify_strength(huge).strength is Strength.CONDITIONAL
    # whether it is a headline is read from its end; every other feature from the first MAX_CHARS
    assert set(features(huge)) - {"headline"} == set(features(huge[:MAX_CHARS])) - {"headline"}


def test_the_model_survives_a_json_round_trip() -> None:
    model = default_model()
    again = StrengthModel.from_json(json.loads(json.dumps(model.to_json())))
    sentence = features("Zorblax may reduce fatigue in adults.")
    assert again.probabilities(sentence) == pytest.approx(model.probabilities(sentence), abs=1e-6)
    assert model.trained_on.startswith("sentences:")


def test_the_shipped_model_runs_without_scikit_learn_or_numpy() -> None:
    code = (
        "import sys; from ingest.strength import classify_strength; "
        "classify_strength('Zorblax reduces fatigue.'); "
        "print(sorted(m for m in ('sklearn', 'numpy', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
