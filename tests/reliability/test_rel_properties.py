"""Properties of the text pipeline on arbitrary input: it never raises, every offset points into
the text (`text[start:end]` is what was found), and the same input always gives the same ids.

tests/ingest already checks offsets of `split_sentences` over a fixed alphabet, `find_mentions`
and `find_reference_section` over citation-like text, and that plain prose is never "cited".
This adds what those leave out: arbitrary Unicode with markup, brackets and digits mixed in;
claim detection; linking and its records; HTML extraction with hostile links; the whole
`analyse()`; decoding, cleaning and the one-line error messages.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.citations import find_mentions
from ingest.claims import RuleClaimDetector
from ingest.decoding import clean_text, decode_text
from ingest.errors import IngestError, one_line
from ingest.extract import extract
from ingest.hyperlinks import Link
from ingest.linking import link_citations, to_records
from ingest.mediatypes import effective_type
from ingest.pipeline import analyse
from ingest.references import find_reference_section
from ingest.sentences import split_sentences

SOURCE_ID = "src_0123456789abcdef0123"
TOKENS = [
    "Studies show that ",
    "ketamine therapy ",
    "reduces cravings",
    "cures anxiety",
    "may help with pain",
    "has been shown to improve sleep",
    " in adults",
    ". ",
    ".",
    "! ",
    "? ",
    "\n",
    "\n\n",
    "References\n",
    "1. Doe J. A made-up trial. J Fake Med. 2020;1:1-9. doi:10.5555/kb.1\n",
    "[1]",
    "[1-3, 5]",
    "[[2]]",
    "(Smith et al., 2020)",
    "Smith et al. (2019) found ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "doi:10.5555/x.1 ",
    "https://doi.org/10.5555/abc ",
    "PMID: 912345678 ",
    "NCT99999999 ",
    "http://[bad ",
    "2.5 mg ",
    "e.g. ",
    "Dr. ",
    "1,2 ",
    "42",
    "• ",
    "- ",
    "<p>",
    "</p>",
    '<a href="https://x.org">',
    "</a>",
    "<!-- ",
    " -->",
    "&amp;",
    "\t",
    "\u00a0",
    "\u200b",
    "\u200d",
    "\u202e",
    "\ufeff",
    "é",
    "中文",
    "مرحبا",
    "🙂",
    "\r\n",
]
TEXT = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=10)), max_size=40).map("".join)
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _inside(text: str, start: int, end: int, found: str) -> None:
    assert 0 <= start <= end <= len(text)
    assert text[start:end] == found


@st.composite
def _text_and_links(draw: st.DrawFn) -> tuple[str, list[Link]]:
    text = draw(TEXT)
    links = []
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        url = draw(
            st.sampled_from(["https://doi.org/10.5555/a.1", "https://x.org/study", "http://[bad", "#fn1"])
        )
        links.append(Link(start=start, end=end, url=url, text=text[start:end]))
    return text, links


@PROPERTY
@given(TEXT)
def test_sentences_of_any_text(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for s in sentences:
        _inside(text, s.start, s.end, s.text)
        assert s.start >= previous_end  # in order, never overlapping
        previous_end = s.end
    assert split_sentences(text) == sentences


@PROPERTY
@given(TEXT)
def test_claims_of_any_text(text: str) -> None:
    claims = RuleClaimDetector().detect(text, SOURCE_ID)
    for c in claims:
        _inside(text, c.start, c.end, c.text)
        assert c.source_id == SOURCE_ID
    ids = [c.id for c in claims]
    assert len(set(ids)) == len(ids)
    assert [c.id for c in RuleClaimDetector().detect(text, SOURCE_ID)] == ids  # same text, same ids


@PROPERTY
@given(_text_and_links())
def test_citations_and_links_of_any_text(case: tuple[str, list[Link]]) -> None:
    text, links = case
    for m in find_mentions(text, links):
        _inside(text, m.start, m.end, m.text)
    section = find_reference_section(text)
    if section is not None:
        assert 0 <= section.start <= section.end <= len(text)
    claims = RuleClaimDetector().detect(text, SOURCE_ID)
    result = link_citations(text, claims, links)
    assert set(result.by_claim) == {c.id for c in claims}
    for mentions in result.by_claim.values():
        for m in mentions:
            _inside(text, m.start, m.end, m.text)
    records = to_records(result, "file:/property.txt")
    again = to_records(link_citations(text, claims, links), "file:/property.txt")
    assert [w.id for w in records.works] == [w.id for w in again.works]
    assert {(c.claim_id, c.work_id) for c in records.citations} == {
        (c.claim_id, c.work_id) for c in again.citations
    }
    work_ids = {w.id for w in records.works}
    assert all(c.work_id in work_ids for c in records.citations)


_HREF = st.sampled_from(
    [
        "https://doi.org/10.5555/a.1",
        "/relative",
        "http://[bad",
        "http://[::1",
        "http://x.org:99999999/",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "",
        "%",
        "\u202ehttp://x.org",
    ]
)
_HTML_PIECE = st.one_of(
    st.sampled_from(TOKENS),
    _HREF.map(lambda u: f'<a href="{u}">'),
    _HREF.map(lambda u: f'<base href="{u}">'),
    st.sampled_from(
        ["<div>", "</div>", "<ul><li>", "</li></ul>", "<br>", "<h2>", "</h2>", "<script>x</script>"]
    ),
    st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>', "<!DOCTYPE html [<!ENTITY a 'b'>]>", "&a;"]),
)
HTML = st.lists(_HTML_PIECE, max_size=30).map(
    lambda parts: "<html><body>" + "".join(parts) + "</body></html>"
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(HTML, st.sampled_from([None, "https://example.org/a/"]))
def test_html_with_hostile_links_extracts_or_says_why(html: str, url: str | None) -> None:
    try:
        extracted = extract(html.encode(), "text/html", url=url)
    except IngestError:
        return  # a one-line reason (no main text): fine; any other exception is a bug
    for link in extracted.links:
        _inside(extracted.text, link.start, link.end, link.text)
        assert link.url.startswith(("http://", "https://"))
    assert "\u202e" not in extracted.text  # a bidirectional override never reaches the text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_analysis_of_any_text_is_consistent_and_repeatable(text: str) -> None:
    try:
        extracted = extract(text.encode(), "text/plain")
    except IngestError:
        return
    first = analyse(extracted, key="text:property", locator="-").document  # validates itself
    again = analyse(extracted, key="text:property", locator="-").document
    for c in first.claims:
        _inside(first.source.text, c.start, c.end, c.text)
    assert first.source.id == again.source.id
    for name in ("claims", "entities", "propositions", "works"):
        assert [x.id for x in getattr(first, name)] == [x.id for x in getattr(again, name)], name


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "latin-1", "utf-16", "x-nonsense"]))
def test_any_bytes_decode_and_clean(data: bytes, charset: str | None) -> None:
    text = clean_text(decode_text(data, charset, html=True))
    assert not _CONTROL.search(text)
    assert clean_text(text) == text  # cleaning twice changes nothing
    for declared in (None, "text/html", "text/plain"):  # a media type, whatever the bytes
        assert re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+-]+", effective_type(declared, data[:2048]))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_error_messages_are_one_printable_line(name: str) -> None:
    message = str(IngestError(f"{name}: no such file"))
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert message == one_line(message)  # already printable: nothing left to escape
    assert message.endswith(": no such file")


def test_a_lower_case_word_with_sharp_s_before_a_superscript_number() -> None:
    # A KeyError is not an IngestError: it would stop a whole `kb ingest` batch, not one item.
    text = "Die Wirkung zeigte sich bei Patienten, die es regelmäßig2 einnahmen."
    for m in find_mentions(text):
        _inside(text, m.start, m.end, m.text)
