"""Sentence segmentation: exact offsets, abbreviations, bullets, headings, flattened citations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.sentences import Sentence, split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_point_into_the_original_text() -> None:
    text = "Title\n\n  Dr. Smith   found   it works.  It  helps.\n• Item one.\n"
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Ketamine works.",
                "It may help",
                "e.g.",
                "Dr.",
                "2.5 mg",
                " ",
                "\n",
                "\r\n",
                "\n\n",
                "•",
                "- ",
                "1.",
                "?",
                "it.1,2 Next",
                "“Quoted.”",
                "(Smith et al., 2020).",
                "\t",
                "\u00a0",
                "vs.",
                "A",
                "b",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_offsets_hold_for_any_text(text: str) -> None:
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text


def test_abbreviations_and_decimals_do_not_end_sentences() -> None:
    got = texts("Smith et al. gave 2.5 mg doses, e.g. to rats vs. mice. Dr. Jones agreed.")
    assert got == ["Smith et al. gave 2.5 mg doses, e.g. to rats vs. mice.", "Dr. Jones agreed."]


def test_flattened_superscript_citation_stays_with_its_sentence() -> None:
    got = texts("It treats many conditions.1,2 Next sentence is here.[3] Final one.")
    assert got == ["It treats many conditions.1,2", "Next sentence is here.[3]", "Final one."]


def test_bullets_are_flagged_and_their_markers_dropped() -> None:
    sentences = split_sentences(
        "• Reduces anxiety.\n- Improves sleep.\n* Eases pain.\n1. Numbered item.\n2) Another."
    )
    assert [s.text for s in sentences] == [
        "Reduces anxiety.",
        "Improves sleep.",
        "Eases pain.",
        "Numbered item.",
        "Another.",
    ]
    assert all(s.is_bullet for s in sentences)


def test_headings_are_short_standalone_lines_without_final_punctuation() -> None:
    sentences = split_sentences("How CBD Works\n\nCBD acts on receptors.\n\nIs CBD Safe?\n\nBenefits:\n")
    flags = [(s.text, s.is_heading, s.is_question) for s in sentences]
    assert flags == [
        ("How CBD Works", True, False),
        ("CBD acts on receptors.", False, False),
        ("Is CBD Safe?", True, True),
        ("Benefits:", True, False),
    ]


def test_a_long_lead_in_ending_with_a_colon_is_not_a_heading() -> None:
    (s,) = split_sentences("For residents in the area, several reputable clinics offer these services:")
    assert not s.is_heading


def test_blank_lines_and_single_newlines_separate_paragraphs() -> None:
    sentences = split_sentences("First paragraph.\n\nSecond paragraph.\nThird line.")
    assert [s.paragraph for s in sentences] == [0, 1, 2]


def test_soft_wrapped_lines_are_joined_into_one_sentence() -> None:
    text = "This sentence was wrapped by a text editor at a fixed width and\ncontinues on the next line."
    (s,) = split_sentences(text)
    assert s.text == text


def test_sentence_is_a_frozen_model() -> None:
    s = split_sentences("One.")[0]
    assert isinstance(s, Sentence) and s.model_config.get("frozen")
