"""Entity normalization from the synonym lexicon, and propositions shared across articles."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from ingest.entities import (
    build_propositions,
    clean_name,
    find_generic_interventions,
    find_mentions,
    normalize,
    normalize_effect,
)
from kb.models import Atom, Claim, EntityKind


def lexicon() -> dict:
    return json.loads(resources.files("ingest.data").joinpath("entities.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("KAP", "ketamine"),
        ("ketamine-assisted psychotherapy", "ketamine"),
        ("Spravato", "ketamine"),
        ("esketamine", "ketamine"),
        ("marijuana", "cannabis"),
        ("cannabidiol", "cbd"),
        ("HBOT", "hyperbaric oxygen therapy"),
        ("IV vitamin drip", "iv therapy"),
        ("Myers' Cocktail", "iv therapy"),
        ("mesenchymal stem cells", "stem cell therapy"),
        ("magic mushrooms", "psilocybin"),
        ("NAD+ infusions", "nad+"),
    ],
)
def test_intervention_synonyms(surface: str, name: str) -> None:
    entity = normalize(surface, EntityKind.INTERVENTION)
    assert (entity.kind, entity.name) == (EntityKind.INTERVENTION, name)
    assert entity.synonyms


def test_every_synonym_normalizes_to_its_entry() -> None:
    for kind in EntityKind:
        for entry in lexicon()[kind.value]:
            for surface in [entry["name"], *entry["synonyms"]]:
                assert normalize(surface, kind).name == entry["name"], surface


def test_the_lexicon_kind_wins_for_outcomes_that_are_conditions() -> None:
    assert normalize("alcoholism", EntityKind.OUTCOME).kind == EntityKind.CONDITION
    assert normalize("alcoholism", EntityKind.OUTCOME).name == "alcohol use disorder"


def test_unknown_names_normalize_to_a_cleaned_lower_case_form() -> None:
    entity = normalize("  The Brain's   Emotional Triggers ", EntityKind.OUTCOME)
    assert (entity.name, entity.synonyms) == ("emotional triggers", [])
    assert clean_name("their “Root Causes”") == "root causes"


def test_capital_acronyms_match_only_in_capitals() -> None:
    assert [m.name for m in find_mentions("We used TMS and PRP.")] == [
        "transcranial magnetic stimulation",
        "platelet-rich plasma",
    ]
    assert find_mentions("It took 5 ms and the kap was small.") == []


def test_mentions_prefer_the_longest_name_and_allow_possessives() -> None:
    got = [(m.surface, m.kind, m.name) for m in find_mentions("Ketamine's effects on alcohol addiction")]
    assert got == [
        ("Ketamine", EntityKind.INTERVENTION, "ketamine"),
        ("alcohol addiction", EntityKind.CONDITION, "alcohol use disorder"),
    ]


def test_generic_treatment_names() -> None:
    got = [
        m.name for m in find_generic_interventions("Cold plunge therapy helps. Traditional treatments fail.")
    ]
    assert got == ["cold plunge therapy"]


def test_effects_with_the_same_meaning_fold() -> None:
    assert normalize_effect("decreases") == normalize_effect("lowers") == "reduces"
    assert normalize_effect("resets") == "resets"
    assert normalize_effect("lengthens") == "lengthens"


def claim(source: str, text: str, atoms: list[Atom]) -> Claim:
    return Claim(source_id=source, text=text, start=0, end=len(text), atoms=atoms)


def test_the_same_triple_from_two_articles_is_one_proposition() -> None:
    a = claim(
        "src_a",
        "KAP reduces alcohol cravings.",
        [Atom(intervention="KAP", effect="reduces", outcome="alcohol cravings")],
    )
    b = claim(
        "src_b",
        "Ketamine therapy lowers the alcohol cravings.",
        [Atom(intervention="ketamine therapy", effect="lowers", outcome="the alcohol cravings")],
    )
    entities, propositions, links = build_propositions([a, b])
    assert len(propositions) == 1
    assert propositions[0].text == "ketamine reduces alcohol cravings"
    assert {(link.claim_id, link.proposition_id) for link in links} == {
        (a.id, propositions[0].id),
        (b.id, propositions[0].id),
    }
    assert sorted((e.kind.value, e.name) for e in entities) == [
        ("intervention", "ketamine"),
        ("outcome", "alcohol cravings"),
    ]


def test_population_becomes_an_entity_on_the_proposition() -> None:
    atom = Atom(intervention="CBD", effect="reduces", outcome="anxiety", population="veterans")
    entities, (prop,), _ = build_propositions([claim("src_c", "CBD reduces anxiety in veterans.", [atom])])
    population = next(e for e in entities if e.kind == EntityKind.POPULATION)
    assert prop.population_id == population.id and population.name == "veterans"
    assert next(e for e in entities if e.name == "anxiety").kind == EntityKind.CONDITION
