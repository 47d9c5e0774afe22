"""Sentence segmentation: exact offsets, abbreviations, bullets, headings, flattened citations."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import sentences as S
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


# --- the two shortcuts around pysbd give exactly what pysbd gives ------------------------------

_WORDS = ["it", "works", "well", "dr", "vs", "approx", "iii", "civil", "al", "fig", "inc", "mix"]
_PIECES = [
    "Ketamine works well.", "It helps.", "the next one is lower.", "Patients love it!", "Does it help?",
    "We treat pain, fatigue and more.", "Call us (today) now.", "See Dr. Smith.", "It is 2.5 mg.",
    "(i) first, (ii) second.", "He said \"it works.\" Then", "It's fine.", "Use e.g. this.",
    "Rates fell [1].", "Rates fell.1 Next", "CBD (in oil) helps.", "(ABSTRACT) Cells grow.",
    "It works;", "Lists: a) one b) two.", "Up 50%.", "Then U.S. data.", "x" * 3 + ".", "End",
]  # fmt: skip


def _pysbd_spans(unit: str) -> list[tuple[int, int]]:
    """What `_segments` yields when it asks pysbd itself (the slow path it replaces)."""
    out, cursor = [], 0
    for piece in S._segmenter().segment(unit):
        span = S._locate(unit, piece, cursor)
        if span is not None:
            out += list(S._split_superscripts(unit, *span))
            cursor = span[1]
    rest = unit[cursor:]
    if rest.strip():
        out.append((cursor + len(rest) - len(rest.lstrip()), len(unit.rstrip())))
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_PIECES), st.sampled_from(_WORDS).map(lambda w: f"It is {w}.")),
        min_size=2,
        max_size=6,
    ),
    st.sampled_from([" ", "  "]),
)
def test_plain_units_split_as_pysbd_splits_them(pieces: list[str], space: str) -> None:
    unit = space.join(pieces)
    plain = S._plain_spans(unit)
    if plain is not None:
        assert [x for span in plain for x in S._split_superscripts(unit, *span)] == _pysbd_spans(unit)
    assert S._pysbd_segment(unit) == S._segmenter().segment(unit)


def test_the_shortcuts_agree_with_pysbd_on_real_articles() -> None:

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "claims"
    units = [
        line for p in sorted(fixtures.glob("*.txt")) for line in p.read_text().splitlines() if line.strip()
    ]
    assert len(units) > 100
    for unit in units:
        unit = unit.translate(S._SAME_LENGTH_SPACES)
        plain = S._plain_spans(unit)
        if plain is not None:
            assert [x for span in plain for x in S._split_superscripts(unit, *span)] == _pysbd_spans(unit)
        assert S._pysbd_segment(unit) == S._segmenter().segment(unit)


# --- long lines: cut before pysbd, in linear time ----------------------------------------------

GENEROUS_SECONDS = 10  # each case takes well under a second; before the cut, from a second to minutes


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - began


def test_a_200kb_paragraph_is_split_at_every_sentence_end() -> None:
    expected = [f"Zorblax drops cure disease number {i}." for i in range(5_000)]
    sentences, took = _timed(split_sentences, " ".join(expected))
    assert [s.text for s in sentences] == expected
    assert took < GENEROUS_SECONDS


@pytest.mark.parametrize(
    "text",
    [
        "a" * 200_000,
        "zorblax drops reduce brain fog in adults and " * 4_500,
        "\n".join(["zorblax drops reduce brain fog in many adults and"] * 4_000),  # hard-wrapped
    ],
    ids=["one-word", "one-sentence", "hard-wrapped"],
)
def test_a_200kb_line_without_a_sentence_end_stays_one_sentence(text: str) -> None:
    (s,), took = _timed(split_sentences, text)
    assert s.text == text.strip() and s.paragraph == 0
    assert took < GENEROUS_SECONDS


def test_a_sentence_before_200kb_of_brackets_stays_apart() -> None:
    text = "Zorblax drops reduce brain fog. " + "(" * 100_000 + "[1," * 30_000
    sentences, took = _timed(split_sentences, text)
    assert [s.text for s in sentences] == ["Zorblax drops reduce brain fog.", text[32:]]
    assert took < GENEROUS_SECONDS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "word", "Dr.", "J.", "(((", "2020."]), max_size=40).map(" ".join))
def test_long_unit_pieces_keep_offsets_and_order(unit: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(S, "_PIECE", 25)  # cut a short unit as a long one is cut
        spans = list(S._long_segments(unit))
    assert all(unit[s:e] == unit[s:e].strip() != "" for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in pairwise(spans))


def test_a_sentence_keeps_a_journal_reference_in_its_brackets_whole() -> None:
    text = (
        "A trial found a benefit (Grabski et al., Am J Psychiatry. 2022;179(2):152-162) in 96 people. "
        "Another followed up (Shen et al., Front Psychiatry. 2025;16:1552084) and found less relapse."
    )
    assert [s.text for s in split_sentences(text)] == [
        "A trial found a benefit (Grabski et al., Am J Psychiatry. 2022;179(2):152-162) in 96 people.",
        "Another followed up (Shen et al., Front Psychiatry. 2025;16:1552084) and found less relapse.",
    ]


def test_a_stray_bracket_joins_at_most_three_sentences() -> None:
    from ingest.sentences import _close_brackets

    unit = "It works (see. It helps. It lasts. It is safe. It is cheap."
    spans = [(0, 14), (15, 24), (25, 34), (35, 46), (47, 59)]
    assert _close_brackets(unit, spans) == [(0, 34), (35, 46), (47, 59)]
