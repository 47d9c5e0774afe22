"""The rule-based claim detector: what is a claim, what is not, and what a claim is about."""

from __future__ import annotations

import json
import re
import time
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import claims as C
from ingest.claims import ClaimDetector, RuleClaimDetector
from kb.models import CitationStatus, Claim, ClaimKind

ARTICLE = """\
Psilocybin for Depression

Depression is a leading cause of disability worldwide. Many patients do not respond to antidepressants.

Psilocybin binds to serotonin 2A receptors. It may reduce anxiety and improve mood.
Research suggests that psilocybin therapy can relieve depressive symptoms within days.

Is psilocybin safe?

Psilocybin has a low risk of addiction.

Our clinic offers psilocybin retreats for $2,500 per weekend. Book your free consultation today!

Note: This information is for educational purposes and should not replace professional medical advice.
"""


def detect(text: str) -> list[Claim]:
    return RuleClaimDetector().detect(text, "src_test")


def by_text(claims: list[Claim]) -> dict[str, Claim]:
    return {c.text: c for c in claims}


def test_the_rule_detector_implements_the_protocol() -> None:
    detector: ClaimDetector = RuleClaimDetector()
    assert detector.detect("", "src_x") == []


def test_claims_about_the_promoted_intervention_are_found() -> None:
    claims = by_text(detect(ARTICLE))
    assert set(claims) == {
        "Psilocybin binds to serotonin 2A receptors.",
        "It may reduce anxiety and improve mood.",
        "Research suggests that psilocybin therapy can relieve depressive symptoms within days.",
        "Psilocybin has a low risk of addiction.",
    }


def test_spans_point_into_the_text_and_ids_are_stable() -> None:
    first, second = detect(ARTICLE), detect(ARTICLE)
    for c in first:
        assert ARTICLE[c.start : c.end] == c.text and c.source_id == "src_test"
    assert [c.id for c in first] == [c.id for c in second]


def test_pronoun_subjects_resolve_to_the_intervention_just_named() -> None:
    claim = by_text(detect(ARTICLE))["It may reduce anxiety and improve mood."]
    assert {(a.intervention, a.effect, a.outcome) for a in claim.atoms} == {
        ("psilocybin", "reduces", "anxiety"),
        ("psilocybin", "improves", "mood"),
    }


def test_pronouns_after_background_are_not_resolved() -> None:
    text = "Ketamine reduces cravings.\n\nSubstance abuse overstimulates the reward system. Over time, this can reduce pleasure."
    assert [c.text for c in detect(text)] == ["Ketamine reduces cravings."]


def test_kinds_cues_and_confidence() -> None:
    claims = by_text(detect(ARTICLE))
    assert claims["Psilocybin binds to serotonin 2A receptors."].kind == ClaimKind.MECHANISM
    assert claims["Psilocybin has a low risk of addiction."].kind == ClaimKind.SAFETY
    onset = claims["Research suggests that psilocybin therapy can relieve depressive symptoms within days."]
    assert onset.kind == ClaimKind.ONSET
    assert onset.cues.attribution == "vague" and "suggests" in onset.cues.hedges
    assert onset.citation_status == CitationStatus.MISSING  # the citation linker decides
    assert all(0.0 < c.confidence <= 0.95 for c in claims.values())


@pytest.mark.parametrize(
    "sentence",
    [
        "Can Ketamine Cure Depression?",
        "Ketamine for Depression",
        "Always consult with a qualified healthcare provider before starting ketamine.",
        "Call us today to book your ketamine infusion!",
        "Ketamine infusions cost $400 per session.",
        "Our clinic offers ketamine therapy to reduce depression.",
        "It's essential to note that ketamine should be administered by trained professionals.",
        "These statements have not been evaluated by the FDA and ketamine is not intended to treat any disease.",
    ],
)
def test_non_claims_are_rejected(sentence: str) -> None:
    text = f"Ketamine reduces depression.\n\n{sentence}"
    assert [c.text for c in detect(text)] == ["Ketamine reduces depression."]


def test_background_about_other_things_is_not_a_claim() -> None:
    text = (
        "Ketamine therapy reduces cravings. Alcohol and marijuana affect the reward system, leading to cravings. "
        "Traditional treatments for addiction often involve behavioral therapy, which can be effective."
    )
    assert [c.text for c in detect(text)] == ["Ketamine therapy reduces cravings."]


def test_list_items_without_a_subject_are_about_the_main_intervention() -> None:
    text = "Benefits of CBD Oil\n\nCBD oil is popular.\n\n• Reduces anxiety: many users feel calmer.\n• Improves sleep."
    claims = detect(text)
    assert [(c.text, c.atoms[0].intervention) for c in claims] == [
        ("Reduces anxiety: many users feel calmer.", "cbd oil"),
        ("Improves sleep.", "cbd oil"),
    ]


def test_acronyms_defined_in_the_text_are_expanded_in_atoms() -> None:
    text = "Ketamine-Assisted Psychotherapy (KAP) is new. KAP reduces cravings."
    (claim,) = detect(text)
    assert claim.atoms[0].intervention == "ketamine-assisted psychotherapy (KAP)"
    (hbot,) = detect("HBOT speeds up wound healing.")
    assert hbot.atoms[0].intervention == "hyperbaric oxygen therapy (HBOT)"


_DEFINITION_PARTS = [
    "Ketamine", "Assisted", "psychotherapy", " ", "  ", "-", " (KAP)", " (AB+)", " (Ab)", "(", ")",
    "a", "b1", "’s", "x'y", ",", "é", "_q", "12", " (A)",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DEFINITION_PARTS), max_size=25).map("".join))
def test_acronym_definitions_are_what_the_pattern_finds(text: str) -> None:
    found = [(m.span(), m.groups()) for m in C._acronym_definitions(text)]
    assert found == [(m.span(), m.groups()) for m in C._ACRONYM_DEF.finditer(text)]


def test_a_long_word_before_an_acronym_is_read_in_linear_time() -> None:
    began = time.perf_counter()
    acronyms = C._acronyms("a" * 200_000 + " (AB) Ketamine Assisted Psychotherapy (KAP) helps.")
    assert acronyms == {"KAP": "ketamine assisted psychotherapy"}
    assert time.perf_counter() - began < 10  # generous: milliseconds now, minutes before


CLAIM = "Studies show that zorblax drops reduce brain fog in adults."


def test_long_lines_are_read_in_bounded_time() -> None:
    began = time.perf_counter()
    assert detect((CLAIM[:-1] + " and ") * 3_500) == []  # a 200 kB "sentence" is not read
    (claim,) = detect(CLAIM + " " + "(" * 100_000 + "[1," * 30_000)
    assert claim.text == CLAIM
    paragraph = " ".join(f"Zorblax drops cure disease number {i}." for i in range(5_000))
    claims = detect(paragraph)  # read up to its first 20,000 characters
    assert len(claims) > 400 and max(c.start for c in claims) <= C.MAX_PARAGRAPH_CHARS
    assert time.perf_counter() - began < 30  # generous: about a second now, minutes before


def test_text_without_an_intervention_has_no_claims() -> None:
    assert detect("Depression affects millions. It reduces quality of life.") == []


def test_claims_lexicon_compiles() -> None:
    raw = json.loads(resources.files("ingest.data").joinpath("claims.json").read_text(encoding="utf-8"))
    patterns = [p for group in raw["reject"].values() for p in group] + [p for _, p in raw["kinds"]]
    patterns += [raw[k] for k in ("anaphora", "abuse_before", "abuse_after", "means_clause", "experiencers")]
    patterns += [raw[k] for k in ("delivery", "definite", "topic_subjects", "mechanism_terms")]
    for pattern in patterns:
        re.compile(pattern)
    assert {kind for kind, _ in raw["kinds"]} <= {k.value for k in ClaimKind}
