"""Atoms: one (intervention, effect, outcome) per outcome, outcomes short noun phrases."""

from __future__ import annotations

import json
import re
import time
from importlib import resources

import pytest

from ingest.atoms import MAX_OUTCOME_WORDS, MAX_SENTENCE_CHARS, effect_of, extract_atoms, find_population


def pairs(sentence: str, intervention: str = "x") -> set[tuple[str, str]]:
    return {(a.effect, a.outcome) for a in extract_atoms(sentence, intervention)}


def test_one_atom_per_outcome_of_a_distributed_complement() -> None:
    assert pairs("This can reduce cravings for alcohol and marijuana.") == {
        ("reduces", "alcohol cravings"),
        ("reduces", "marijuana cravings"),
    }


def test_a_shared_of_complement_goes_to_each_head() -> None:
    assert pairs("It disrupts the cycle by reducing the intensity and frequency of cravings.") >= {
        ("reduces", "intensity of cravings"),
        ("reduces", "frequency of cravings"),
    }


def test_each_verb_of_a_series_gets_its_own_object() -> None:
    got = pairs("It may help in resetting reward pathways, reducing cravings, and diminishing withdrawal.")
    assert got == {("resets", "reward pathways"), ("reduces", "cravings"), ("diminishes", "withdrawal")}


def test_participles_in_a_result_phrase_carry_their_own_effect() -> None:
    got = pairs("It enhances treatment efficacy, leading to sustained recovery and reduced relapse rates.")
    assert got == {
        ("enhances", "treatment efficacy"),
        ("promotes", "sustained recovery"),
        ("reduces", "relapse rates"),
    }


def test_constructions_state_effects_without_an_effect_verb() -> None:
    assert ("relieves", "withdrawal symptoms") in pairs(
        "It provides immediate relief from withdrawal symptoms."
    )
    assert ("treats", "addiction") in pairs(
        "It is a promising treatment for individuals struggling with addiction."
    )
    assert ("has", "rapid onset of action") in pairs("Its key advantage is its rapid onset of action.")
    assert ("reduces", "depressive symptoms") in pairs("It produced large reductions in depressive symptoms.")


def test_enablers_take_the_complement_as_outcome() -> None:
    assert pairs("Its effects allow individuals to detach from ingrained thought patterns.") == {
        ("enables", "detach from ingrained thought patterns")
    }
    assert ("relaxes", "muscles") in pairs("Magnesium helps muscles relax.")


def test_outcome_as_subject_of_a_change_verb() -> None:
    assert ("reduces", "anxiety scores") in pairs(
        "A trial found that anxiety scores decreased in 79% of patients."
    )


def test_lists_and_comparatives() -> None:
    got = pairs("Patients have reported improved mental clarity, better mood and more energy.")
    assert got == {("improves", "mental clarity"), ("improves", "mood"), ("increases", "energy")}


def test_examples_after_a_generic_head_are_the_outcomes() -> None:
    got = pairs("It is approved for conditions such as decompression sickness and diabetic foot ulcers.")
    assert got == {("treats", "decompression sickness"), ("treats", "diabetic foot ulcers")}


def test_passive_participles_and_nouns_are_not_triggers() -> None:
    assert pairs("The reward pathways disrupted by substance abuse are complex.") == set()
    assert pairs("Counseling and support groups are common.") == set()


def test_outcomes_are_short() -> None:
    long = "It improves " + " ".join(f"word{i}" for i in range(12)) + "."
    (atom,) = extract_atoms(long, "x")
    assert len(atom.outcome.split()) <= MAX_OUTCOME_WORDS


def test_an_overlong_sentence_has_no_atoms_and_is_read_quickly() -> None:
    clause = "it reduces brain fog in adults and "
    assert extract_atoms(clause * (MAX_SENTENCE_CHARS // len(clause)), "x")
    began = time.perf_counter()
    assert extract_atoms(clause * 6_000, "x") == []  # 200 kB: minutes before the cap
    assert time.perf_counter() - began < 10  # generous: it takes microseconds


def test_the_intervention_is_the_one_given() -> None:
    atoms = extract_atoms("This can reduce cravings.", "ketamine therapy")
    assert [a.intervention for a in atoms] == ["ketamine therapy"]


@pytest.mark.parametrize(
    ("sentence", "population"),
    [
        ("It may reduce anxiety in adults with arthritis.", "adults with arthritis"),
        ("It lengthened telomeres in older adults.", "older adults"),
        ("It reduced symptoms in veterans with PTSD.", "veterans with ptsd"),
        ("It reduces cravings.", None),
    ],
)
def test_population(sentence: str, population: str | None) -> None:
    assert find_population(sentence) == population


def test_effect_of_normalizes_inflections() -> None:
    assert effect_of("reducing") == effect_of("reduced") == "reduces"
    assert effect_of("resetting") == "resets"
    assert effect_of("walks") is None


def test_atoms_lexicon_is_well_formed() -> None:
    raw = json.loads(resources.files("ingest.data").joinpath("atoms.json").read_text(encoding="utf-8"))
    for construction in raw["constructions"]:
        re.compile(construction["pattern"])
        assert construction["outcome"] in {"object", "match", "tail", "last"}
    assert set(raw["irregular"]) <= set(raw["effect_verbs"])
    for lemma, forms in raw["irregular"].items():  # the forms to match; "firm" alone is an adjective
        assert forms and all(f.split()[0].startswith(lemma[:2]) for f in forms), lemma


@pytest.mark.parametrize(
    "sentence",
    [
        "Ketamine worked better than control conditions in the trial.",  # not "controls conditions"
        "Patients in the control condition improved less.",  # "less" is a degree, not an outcome
    ],
)
def test_atoms_read_as_the_claim_or_not_at_all(sentence: str) -> None:
    assert extract_atoms(sentence, "ketamine") == []


@pytest.mark.parametrize(
    ("sentence", "pair"),
    [
        ("Symptoms can be reduced within weeks.", ("reduces", "symptoms")),  # a modal before the passive
        (
            "The odds of relapse were significantly lower in the treated group.",
            ("reduces", "odds of relapse"),
        ),
        ("It is prized for its cancer-fighting properties.", ("fights", "cancer")),
        ("It has cholesterol-lowering effects.", ("lowers", "cholesterol")),
        ("The injections can soften scar tissue.", ("softens", "scar tissue")),
        ("It may upregulate repair genes.", ("upregulates", "repair genes")),
    ],
)
def test_effects_stated_in_other_shapes(sentence: str, pair: tuple[str, str]) -> None:
    assert pair in [(a.effect, a.outcome) for a in extract_atoms(sentence, "zorvexam")]


def test_a_generic_word_is_not_an_outcome() -> None:
    assert extract_atoms("Results were better than expected.", "zorvexam") == []
