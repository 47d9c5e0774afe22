"""Attaching citations to claims: the scope rule, statuses, work keys and graph records.

The fixture articles under tests/fixtures/citations/ carry their expected links in a JSON file
next to each; every other test here pins one clause of the scope rule in ingest/linking.py.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.citations import Link, MentionKind
from ingest.linking import (
    LinkResult,
    citation_status,
    link_citations,
    to_records,
    to_work,
    work_key,
)
from ingest.references import Reference
from kb.models import CitationStatus, Claim, Cues, Provenance, WorkStatus

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "citations"
ARTICLES = sorted(p.stem for p in FIXTURES.glob("*.txt"))
SOURCE = "src_test"


def claim(text: str, fragment: str, attribution: str | None = None, occurrence: int = 0) -> Claim:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    return Claim(
        source_id=SOURCE,
        text=fragment,
        start=start,
        end=start + len(fragment),
        cues=Cues(attribution=attribution),
    )


def load(name: str) -> tuple[str, dict[str, Any], list[Claim], list[Link]]:
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    claims = [claim(text, c["text"], c.get("attribution")) for c in expected["claims"]]
    links = []
    for spec in expected["links"]:
        start = text.index(spec["anchor"], text.index(spec["after"]) if "after" in spec else 0)
        links.append(Link(start=start, end=start + len(spec["anchor"]), url=spec["url"], text=spec["anchor"]))
    return text, expected, claims, links


def run(name: str) -> tuple[str, dict[str, Any], list[Claim], LinkResult]:
    text, expected, claims, links = load(name)
    return text, expected, claims, link_citations(text, claims, links, base_url=expected.get("base_url"))


def keys_match(got: list[str], want: list[str]) -> bool:
    """Equal, except that a bare "ref:" in want stands for any unresolved "ref:<hash>" key."""
    return len(got) == len(want) and all(
        g == w or (w == "ref:" and re.fullmatch(r"ref:[0-9a-f]{16}", g))
        for g, w in zip(got, want, strict=True)
    )


def test_every_fixture_article_has_its_expectations() -> None:
    assert len(ARTICLES) >= 5
    for name in ARTICLES:
        assert (FIXTURES / f"{name}.json").is_file(), name


@pytest.mark.parametrize("name", ARTICLES)
def test_fixture_statuses_and_mentions(name: str) -> None:
    _, expected, claims, result = run(name)
    for c, want in zip(claims, expected["claims"], strict=True):
        mentions = result.by_claim[c.id]
        assert citation_status(c, mentions) == CitationStatus(want["status"]), want["text"]
        assert [m.text for m in mentions] == want.get("mentions", []), want["text"]
        if "provenance" in want:
            assert [m.provenance.value for m in mentions] == want["provenance"], want["text"]
        if "resolved" in want:
            assert [e.first_author for m in mentions for e in m.resolved] == want["resolved"], want["text"]
        if "reference" in want:
            ref = mentions[0].reference
            assert {k: getattr(ref, k) for k in want["reference"]} == want["reference"], want["text"]


@pytest.mark.parametrize("name", ARTICLES)
def test_fixture_work_keys(name: str) -> None:
    _, expected, claims, result = run(name)
    records = to_records(result, SOURCE)
    works = {w.id: w for w in records.works}
    for c, want in zip(claims, expected["claims"], strict=True):
        got = [works[cit.work_id].key for cit in records.citations if cit.claim_id == c.id]
        assert keys_match(got, want.get("works", [])), (want["text"], got)


@pytest.mark.parametrize("name", ARTICLES)
def test_fixture_reference_section(name: str) -> None:
    text, expected, _, result = run(name)
    section = expected["reference_section"]
    if section is None:
        assert result.reference_start is None and result.entries == []
        return
    assert result.reference_start is not None
    assert text[result.reference_start :].startswith(section["starts_with"])
    assert len(result.entries) == section["entries"]
    for want in expected["entries"]:
        entry = result.entries[want.get("position", want.get("number", 0)) - 1]
        assert {k: getattr(entry, k) for k in want if k != "position"} == {
            k: v for k, v in want.items() if k != "position"
        }


@pytest.mark.parametrize("name", ARTICLES)
def test_unreferenced_entries_are_listed_but_attached_to_no_claim(name: str) -> None:
    _, expected, _, result = run(name)
    if expected["reference_section"] is None:
        return
    records = to_records(result, SOURCE)
    cited = {cit.work_id for cit in records.citations}
    for position in expected["unreferenced_entries"]:
        work = to_work(result.entries[position - 1])
        assert work.id in records.listed_work_ids
        assert work.id not in cited
    assert len(records.listed_work_ids) == len({to_work(e).id for e in result.entries})


@pytest.mark.parametrize("name", ARTICLES)
def test_fixture_false_positive_traps(name: str) -> None:
    text, expected, _, result = run(name)
    mentions = [m for ms in result.by_claim.values() for m in ms] + result.unattached
    for trap in expected["not_mentions"]:
        for hit in re.finditer(re.escape(trap), text):
            overlapping = [m.text for m in mentions if m.start < hit.end() and hit.start() < m.end]
            assert not overlapping, (trap, overlapping)


# --- the scope rule, clause by clause ---------------------------------------------------------


def statuses(text: str, fragments: list[str], links: list[Link] | None = None) -> list[list[str]]:
    claims = [claim(text, f) for f in fragments]
    result = link_citations(text, claims, links or [])
    return [[m.text for m in result.by_claim[c.id]] for c in claims]


def test_marker_after_final_punctuation_belongs_to_the_sentence_it_closes() -> None:
    text = "Ketamine reduces cravings. [1] It also lifts mood. [2]\n\nReferences\n1. A B. T. J. 2019;1:1.\n2. C D. T. J. 2020;2:2."
    assert statuses(text, ["Ketamine reduces cravings.", "It also lifts mood."]) == [["[1]"], ["[2]"]]


def test_flattened_superscript_after_the_period_belongs_to_the_sentence_before() -> None:
    text = "Ketamine resets reward pathways.1,2 It acts within hours.3\n\n1. A B. T. J. 2019;1:1.\n2. C D. T. J. 2020;2:2.\n3. E F. T. J. 2021;3:3."
    assert statuses(text, ["Ketamine resets reward pathways.", "It acts within hours."]) == [["1,2"], ["3"]]


def test_narrative_citation_opening_a_sentence_does_not_reach_back() -> None:
    text = "Ketamine reduces cravings. Smith et al. (2019) found that it also improves sleep."
    got = statuses(text, ["Ketamine reduces cravings.", "it also improves sleep"])
    assert got == [[], ["Smith et al. (2019)"]]


def test_sentence_final_citation_covers_clauses_without_their_own() -> None:
    text = "Ketamine reduces cravings, and it improves mood (Smith et al., 2019)."
    got = statuses(text, ["Ketamine reduces cravings", "it improves mood"])
    assert got == [["(Smith et al., 2019)"], ["(Smith et al., 2019)"]]


def test_mid_sentence_marker_stays_with_its_clause() -> None:
    text = "Ketamine reduces cravings [1], but it can raise blood pressure.\n\nReferences\n1. A B. T. J. 2019;1:1."
    got = statuses(text, ["Ketamine reduces cravings", "it can raise blood pressure"])
    assert got == [["[1]"], []]


def test_each_clause_keeps_its_own_marker() -> None:
    text = "Ketamine reduces cravings [1], and it improves mood [2].\n\nReferences\n1. A B. T. J. 2019;1:1.\n2. C D. T. J. 2020;2:2."
    assert statuses(text, ["Ketamine reduces cravings", "it improves mood"]) == [["[1]"], ["[2]"]]


def test_citation_in_a_sentence_without_claims_supports_nothing() -> None:
    text = (
        "Ketamine reduces cravings. Our clinic was founded by Smith et al. (2019) in Ohio. It improves mood."
    )
    claims = [claim(text, "Ketamine reduces cravings."), claim(text, "It improves mood.")]
    result = link_citations(text, claims, [])
    assert all(ms == [] for ms in result.by_claim.values())
    assert [m.text for m in result.unattached] == ["Smith et al. (2019)"]


def test_citation_does_not_cross_a_line_break() -> None:
    text = "Ketamine reduces cravings\n[1] Smith J. Title. J Fict. 2019;1:1."
    assert statuses(text, ["Ketamine reduces cravings"]) == [[]]


def test_inline_link_over_words_attaches_to_its_sentence() -> None:
    text = "Ketamine reduced cravings in a recent trial. It is safe."
    start = text.index("a recent trial")
    links = [Link(start=start, end=start + 14, url="https://www.example.org/trial", text="a recent trial")]
    assert statuses(text, ["Ketamine reduced cravings in a recent trial.", "It is safe."], links) == [
        ["a recent trial"],
        [],
    ]


def test_every_claim_id_is_in_the_result() -> None:
    text = "One. Two."
    claims = [claim(text, "One."), claim(text, "Two.")]
    assert set(link_citations(text, claims, []).by_claim) == {c.id for c in claims}


# --- status ------------------------------------------------------------------------------------


def test_studies_show_without_a_reference_is_vague_never_cited() -> None:
    text = "Studies show that ketamine reduces cravings for alcohol. Experts say it works fast."
    claims = [
        claim(text, "Studies show that ketamine reduces cravings for alcohol.", attribution="vague"),
        claim(text, "Experts say it works fast.", attribution="vague"),
    ]
    result = link_citations(text, claims, [])
    for c in claims:
        assert result.by_claim[c.id] == []
        assert citation_status(c, result.by_claim[c.id]) is CitationStatus.VAGUE


def test_studies_show_with_a_reference_is_cited() -> None:
    text = "Studies show that ketamine reduces cravings (Smith et al., 2019)."
    c = claim(text, text, attribution="vague")
    result = link_citations(text, [c], [])
    assert citation_status(c, result.by_claim[c.id]) is CitationStatus.CITED


def test_no_attribution_and_no_citation_is_missing() -> None:
    text = "Ketamine cures addiction."
    c = claim(text, text)
    assert citation_status(c, link_citations(text, [c], []).by_claim[c.id]) is CitationStatus.MISSING


_PLAIN = st.text(alphabet=string.ascii_letters + " ,.;:!?'\n-", max_size=400)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(body=_PLAIN, vague=st.booleans())
def test_text_without_any_citation_form_never_yields_cited(body: str, vague: bool) -> None:
    """false_cited must be 0: with no digits, brackets, links or URLs nothing can be attached."""
    text = body + " Studies show ketamine works."
    fragment = "Studies show ketamine works."
    c = claim(text, fragment, attribution="vague" if vague else None, occurrence=text.count(fragment) - 1)
    result = link_citations(text, [c], [])
    assert citation_status(c, result.by_claim[c.id]) is not CitationStatus.CITED


# --- work keys and works -----------------------------------------------------------------------


def test_work_key_priority() -> None:
    full = Reference(
        doi="10.5555/KB.2024.001",
        pmid="0912345678",
        pmcid="PMC9999999",
        nct="NCT99999999",
        url="https://x.org/a",
    )
    assert work_key(full) == "doi:10.5555/kb.2024.001"
    assert work_key(full.model_copy(update={"doi": None})) == "pmid:912345678"
    assert work_key(Reference(pmcid="PMC9999999", nct="NCT99999999")) == "pmcid:PMC9999999"
    assert work_key(Reference(nct="NCT99999999", url="https://x.org")) == "nct:NCT99999999"
    assert (
        work_key(Reference(url="http://WWW.Example.org/a/?utm_source=x#top")) == "url:https://example.org/a"
    )


def test_unresolved_key_is_a_short_hash_of_the_normalized_citation() -> None:
    a = work_key(Reference(raw="(Grabski et al., 2022)"))
    b = work_key(Reference(), "Grabski et al. (2022)")
    assert a == b and re.fullmatch(r"ref:[0-9a-f]{16}", a)
    assert work_key(Reference(raw="(Grabski et al., 2021)")) != a


def test_doi_key_strips_resolver_prefix_and_case() -> None:
    assert work_key(Reference(doi="https://doi.org/10.5555/ABC.1")) == "doi:10.5555/abc.1"


def test_to_work_fills_only_stated_fields() -> None:
    ref = Reference(raw="(Smith et al., 2019)", first_author="Smith", authors=["Smith"], year=2019)
    work = to_work(ref)
    assert work.status is WorkStatus.PENDING
    assert (work.year, work.authors, work.citation_text) == (2019, ["Smith"], "(Smith et al., 2019)")
    assert work.title is work.journal is work.doi is work.pmid is work.url is None
    assert work.key.startswith("ref:")


def test_to_work_keeps_identifiers() -> None:
    work = to_work(Reference(raw="doi:10.5555/kb.1", doi="10.5555/KB.1", journal="J Fict", year=2020))
    assert (work.key, work.doi, work.journal, work.year) == (
        "doi:10.5555/kb.1",
        "10.5555/kb.1",
        "J Fict",
        2020,
    )


def test_unresolved_marker_work_is_scoped_to_its_source() -> None:
    text = "Ketamine reduces cravings [7]."
    c = claim(text, text)
    result = link_citations(text, [c], [])
    one = to_records(result, "https://a.example/x").works
    two = to_records(result, "https://b.example/y").works
    assert len(one) == len(two) == 1
    assert one[0].key != two[0].key and one[0].key.startswith("ref:")


def test_records_are_a_valid_document_part() -> None:
    *_, result = run("vancouver_brackets")
    records = to_records(result, SOURCE)
    work_ids = {w.id for w in records.works}
    assert all(cit.work_id in work_ids and cit.claim_id in result.by_claim for cit in records.citations)
    assert all(cit.provenance is Provenance.NUMBERED_MARKER for cit in records.citations)
    assert set(records.listed_work_ids) <= work_ids
    assert len({cit.id for cit in records.citations}) == len(records.citations)


def test_numbered_link_to_pubmed_cites_the_linked_work() -> None:
    text = "Ketamine reduces cravings.3"
    start = text.index("3")
    links = [Link(start=start, end=start + 1, url="https://pubmed.ncbi.nlm.nih.gov/912345678/", text="3")]
    c = claim(text, "Ketamine reduces cravings.")
    result = link_citations(text, [c], links)
    (mention,) = result.by_claim[c.id]
    assert mention.kind is MentionKind.LINK and mention.numbers == [3]
    keys = {w.key for w in to_records(result, SOURCE).works}
    assert "pmid:912345678" in keys
