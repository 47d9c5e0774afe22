"""Cue detection: hedges, boosters, vague attribution, and the `kb cues` line protocol."""

from __future__ import annotations

import io
import json
import re
from importlib import resources

import pytest

from ingest.cues import detect_cues, find_boosters, find_hedges
from ingest.cues_cli import run
from kb.models import Cues


@pytest.mark.parametrize(
    ("sentence", "hedge"),
    [
        ("This may help reduce cravings.", "may help"),
        ("These results suggest that the receptor is involved.", "suggest"),
        ("It appears to act on glutamate.", "appears"),
        ("It is likely that sleep improves.", "likely"),
        ("We tested whether the drug binds.", "whether"),
        ("Psilocybin is a promising treatment.", "promising"),
        ("Its mechanism remains unknown.", "remains unknown"),
        ("A putative binding site was found.", "putative"),
        ("Ketamine can reduce cravings.", "can"),
    ],
)
def test_hedges(sentence: str, hedge: str) -> None:
    assert hedge in find_hedges(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The protein could not be detected in T cells.",  # past inability, not speculation
        "Binding can be detected within minutes.",  # ability of an assay
        "The membrane potential fell.",
        "Results are shown as indicated in Figure 2.",
        "Treatment started in May 2020.",
        "It should be noted that the sample was small.",
        "This increases the likelihood of success.",
        "Ketamine reduces cravings.",
    ],
)
def test_not_hedges(sentence: str) -> None:
    assert find_hedges(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "booster"),
    [
        ("Ketamine has been shown to promote neuroplasticity.", "has been shown"),
        ("It is clinically proven to work.", "clinically proven"),
        ("A groundbreaking approach to addiction.", "groundbreaking"),
        ("It provides immediate relief.", "immediate"),
        ("The body absorbs 100% of the nutrients.", "100%"),
        ("It dramatically reduces recovery time.", "dramatically"),
        ("The therapy cures depression.", "cures"),
        ("It can effectively reduce cravings.", "effectively"),
    ],
)
def test_boosters(sentence: str, booster: str) -> None:
    assert booster in find_boosters(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "This has not been proven to cure cancer.",
        "There is no cure for autism.",
        "Seek immediate medical attention if symptoms worsen.",
    ],
)
def test_negated_or_literal_boosters_do_not_count(sentence: str) -> None:
    assert find_boosters(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Research suggests that ketamine can modulate glutamate.",
        "Studies show that CBD can relieve pain.",
        "Ketamine therapy has been reported to induce well-being.",
        "Experts say these results are promising.",
        "A 2020 study from a university found that it works.",
        "A 2015 review concluded that it helps.",
        "A study published in the journal Aging found that telomeres lengthened.",
        "Findings published in Neurology show a benefit.",
        "It is said to reduce withdrawal symptoms.",
        "Magnesium has been found to improve sleep.",
        "Scientists believe it resets the stress response.",
        "Studies, including recent meta-analyses, show that it works.",
        "It is recommended by nutritionists around the world.",
        "Decades of research back this therapy.",
        "A group trial found that attacks dropped by 90%.",
    ],
)
def test_vague_attribution(sentence: str) -> None:
    assert detect_cues(sentence).attribution == "vague"


@pytest.mark.parametrize(
    "sentence",
    [
        "Ketamine reduces cravings.",
        "This study found no effect.",  # points at a study the text has named
        "Results published in Neurology 2019;12(3):45-50 show a benefit.",  # journal with a locator
        "Stem cell therapy is a safe procedure.",
        # the guideline: testimonials and plain "has been shown" are not vague attribution
        "Patients receiving infusions have reported more energy.",
        "Clients report feeling calmer after one session.",
        "Ketamine has been shown to reduce cravings.",
    ],
)
def test_not_vague(sentence: str) -> None:
    assert detect_cues(sentence).attribution is None


def test_a_sentence_can_carry_a_booster_and_vague_attribution() -> None:
    cues = detect_cues("Studies show that it is clinically proven to work.")
    assert cues.boosters and cues.attribution == "vague"


def test_detect_cues_returns_the_shared_model() -> None:
    assert detect_cues("") == Cues()


def test_every_lexicon_entry_compiles() -> None:
    raw = json.loads(resources.files("ingest.data").joinpath("cues.json").read_text(encoding="utf-8"))
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        for fragment in value if isinstance(value, list) else [value]:
            re.compile(fragment)


def test_cli_prints_one_json_object_per_input_line() -> None:
    out = io.StringIO()
    count = run(io.StringIO("It may work.\n\nStudies show it is proven.\n"), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == 3 and len(lines) == 3
    assert lines[0] == {"hedges": ["may"], "boosters": [], "attribution": None}
    assert lines[1] == {"hedges": [], "boosters": [], "attribution": None}
    assert lines[2]["attribution"] == "vague" and lines[2]["boosters"] == ["proven"]
