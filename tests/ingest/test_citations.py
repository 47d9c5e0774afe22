"""Finding citations in running text: every form, the traps that are not citations, robustness."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.citations import Link, Mention, MentionKind, expand_numbers, find_mentions
from kb.models import Provenance

REFS = "\n\nReferences\n" + "\n".join(
    f"{n}. Author{n} A. Title {n}. J Fict. 2019;{n}:1-9." for n in range(1, 8)
)


def found(text: str, links: list[Link] | None = None, base_url: str | None = None) -> list[tuple[str, str]]:
    return [(m.kind.value, m.text) for m in find_mentions(text, links or [], base_url=base_url)]


def only(text: str) -> Mention:
    (mention,) = find_mentions(text)
    return mention


# --- the forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "written", "numbers"),
    [
        ("Ketamine reduces cravings [3].", "marker", "[3]", [3]),
        ("Ketamine reduces cravings [1-3].", "marker", "[1-3]", [1, 2, 3]),
        ("Ketamine reduces cravings [1, 2].", "marker", "[1, 2]", [1, 2]),
        ("Ketamine reduces cravings [1,3–5].", "marker", "[1,3–5]", [1, 3, 4, 5]),
        ("Ketamine reduces cravings [112, 113,114].", "marker", "[112, 113,114]", [112, 113, 114]),
        ("Ketamine reduces cravings (3)." + REFS, "marker", "(3)", [3]),
        ("It helps many conditions.1,2 It is fast." + REFS, "superscript", "1,2", [1, 2]),
        ("It lowers relapse rates3." + REFS, "superscript", "3", [3]),
        ("It lowers relapse rates³.", "superscript", "³", [3]),
        ("It lowers relapse rates.¹˒²", "superscript", "¹˒²", [1, 2]),
    ],
)
def test_numbered_forms(text: str, kind: str, written: str, numbers: list[int]) -> None:
    m = only(text)
    assert (m.kind.value, m.text, m.numbers) == (kind, written, numbers)
    assert m.provenance is Provenance.NUMBERED_MARKER


@pytest.mark.parametrize(
    ("text", "kind", "written", "first_author", "year"),
    [
        (
            "It reduced drinking (Grabski et al., 2022).",
            "author_year",
            "(Grabski et al., 2022)",
            "Grabski",
            2022,
        ),
        (
            "It reduced drinking (Grabski et al. 2022).",
            "author_year",
            "(Grabski et al. 2022)",
            "Grabski",
            2022,
        ),
        ("It helps (Smith & Jones, 2019).", "author_year", "(Smith & Jones, 2019)", "Smith", 2019),
        (
            "It helps (Smith, Lee, and Jones, 2019, p. 12).",
            "author_year",
            "(Smith, Lee, and Jones, 2019, p. 12)",
            "Smith",
            2019,
        ),
        (
            "It helps (see van der Berg, 2020).",
            "author_year",
            "(see van der Berg, 2020)",
            "van der Berg",
            2020,
        ),
        ("It helps (Žižek et al., 2018b).", "author_year", "(Žižek et al., 2018b)", "Žižek", 2018),
        ("Smith and Jones (2019) found it helps.", "author_year", "Smith and Jones (2019)", "Smith", 2019),
        (
            "Grabski et al. (2022) report fewer relapses.",
            "author_year",
            "Grabski et al. (2022)",
            "Grabski",
            2022,
        ),
        ("According to Okafor (2021), it is safe.", "author_year", "Okafor (2021)", "Okafor", 2021),
        (
            "It is popular (Harvard Gazette, 2023).",
            "named_source",
            "(Harvard Gazette, 2023)",
            "Harvard Gazette",
            2023,
        ),
        ("It is first line (NICE, 2009).", "named_source", "(NICE, 2009)", "NICE", 2009),
        (
            "It is common (World Health Organization [WHO], 2021).",
            "named_source",
            "(World Health Organization [WHO], 2021)",
            "World Health Organization [WHO]",
            2021,
        ),
        ("The FDA (2019) reported that it is safe.", "named_source", "FDA (2019)", "FDA", 2019),
        ("It is listed (Mayo Clinic, n.d.).", "named_source", "(Mayo Clinic, n.d.)", "Mayo Clinic", None),
    ],
)
def test_author_year_and_named_sources(
    text: str, kind: str, written: str, first_author: str, year: int | None
) -> None:
    m = only(text)
    assert (m.kind.value, m.text, m.reference.first_author, m.reference.year) == (
        kind,
        written,
        first_author,
        year,
    )


def test_two_citations_in_one_parenthesis() -> None:
    got = found("It helps (Smith, 2019; Lee & Park, 2020).")
    assert got == [("author_year", "Smith, 2019"), ("author_year", "Lee & Park, 2020")]


def test_narrative_names_are_marked_narrative() -> None:
    assert only("Smith et al. (2019) found it helps.").narrative
    assert not only("It helps (Smith et al., 2019).").narrative


def test_journal_reference_with_locator_in_parentheses() -> None:
    m = only("A trial found fewer relapses (Dakwar-Fict et al., Am J Fict Psychiatry. 2019;176(11):923-930).")
    assert m.kind is MentionKind.JOURNAL_REF and m.text.startswith("(Dakwar-Fict") and m.text.endswith("930)")
    r = m.reference
    assert (r.first_author, r.journal, r.year, r.volume, r.issue, r.pages) == (
        "Dakwar-Fict",
        "Am J Fict Psychiatry",
        2019,
        "176",
        "11",
        "923-930",
    )


def test_journal_reference_with_locator_in_running_text() -> None:
    m = only("Ketamine cut cocaine use, Okafor et al., Fict Addict Med. 2021;9(2):55-61, in one trial.")
    assert m.text == "Okafor et al., Fict Addict Med. 2021;9(2):55-61"
    assert (m.reference.first_author, m.reference.journal, m.reference.pages) == (
        "Okafor",
        "Fict Addict Med",
        "55-61",
    )


def test_apa_journal_locator_in_running_text() -> None:
    m = only("See Journal of Fictional Addiction, 14(2), 77–85 for the trial.")
    assert m.kind is MentionKind.JOURNAL_REF and m.reference.journal == "Journal of Fictional Addiction"


@pytest.mark.parametrize(
    ("text", "kind", "field", "value"),
    [
        ("See doi:10.5555/kb.2024.001.", "doi", "doi", "10.5555/kb.2024.001"),
        ("See DOI 10.5555/KB.2024.001, then", "doi", "doi", "10.5555/kb.2024.001"),
        ("(10.5555/kb.2024.(1)x)", "doi", "doi", "10.5555/kb.2024.(1)x"),
        ("See PMID: 912345678.", "pmid", "pmid", "912345678"),
        ("See PMCID: PMC9999999.", "pmcid", "pmcid", "PMC9999999"),
        ("Trial NCT99999999 is running.", "nct", "nct", "NCT99999999"),
        ("At https://pubmed.ncbi.nlm.nih.gov/912345678/.", "url", "pmid", "912345678"),
        ("At https://doi.org/10.5555/kb.2024.009).", "url", "doi", "10.5555/kb.2024.009"),
        ("At www.ncbi.nlm.nih.gov/pmc/articles/PMC9999999/ today", "url", "pmcid", "PMC9999999"),
        ("At https://clinicaltrials.gov/study/NCT99999999?tab=results", "url", "nct", "NCT99999999"),
        ("At https://journal.example.org/doi/full/10.5555/kb.7 now", "url", "doi", "10.5555/kb.7"),
    ],
)
def test_identifiers_and_urls(text: str, kind: str, field: str, value: str) -> None:
    m = only(text)
    assert m.kind.value == kind and getattr(m.reference, field) == value


def test_identifier_inside_an_author_year_citation_is_one_citation() -> None:
    m = only("It helps (Smith et al., 2019, doi:10.5555/kb.2024.003).")
    assert m.kind is MentionKind.AUTHOR_YEAR and m.reference.doi == "10.5555/kb.2024.003"


def test_doi_url_is_one_citation() -> None:
    m = only("See https://doi.org/10.5555/kb.2024.004 for details.")
    assert m.kind is MentionKind.URL and m.reference.doi == "10.5555/kb.2024.004"


# --- links -------------------------------------------------------------------------------------


def link(text: str, anchor: str, url: str, after: int = 0) -> Link:
    start = text.index(anchor, after)
    return Link(start=start, end=start + len(anchor), url=url, text=anchor)


def test_external_link_is_a_citation() -> None:
    text = "Ketamine helps, as this trial shows."
    (m,) = find_mentions(text, [link(text, "this trial", "https://www.example.org/t")])
    assert (m.kind, m.provenance, m.reference.url, m.narrative) == (
        MentionKind.LINK,
        Provenance.INLINE_LINK,
        "https://www.example.org/t",
        True,
    )


def test_in_page_footnote_link_is_a_numbered_marker() -> None:
    text = "Ketamine helps.4"
    (m,) = find_mentions(text, [link(text, "4", "#cite-note-4")])
    assert (m.kind, m.numbers) == (MentionKind.MARKER, [4])


@pytest.mark.parametrize(
    "url", ["/services", "#top", "mailto:info@example.org", "tel:5550100", "https://clinic.example.com/book"]
)
def test_navigation_links_are_not_citations(url: str) -> None:
    text = "Ketamine helps; book a consultation."
    assert (
        find_mentions(text, [link(text, "book a consultation", url)], base_url="https://clinic.example.com/")
        == []
    )


def test_out_of_range_and_empty_links_are_ignored() -> None:
    text = "Ketamine helps."
    links = [Link(start=3, end=3, url="https://x.org"), Link(start=5, end=500, url="https://x.org")]
    assert find_mentions(text, links) == []


def test_link_over_a_written_url_is_one_citation() -> None:
    text = "Read https://www.example.org/study now."
    m = find_mentions(text, [link(text, "https://www.example.org/study", "https://www.example.org/study")])
    assert [x.kind for x in m] == [MentionKind.LINK]


# --- traps: things that look like citations and are not ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19 patients were excluded.",
        "Omega-3 and omega3 supplements, vitamin B12 and vitamin D3 are popular.",
        "Covid19 and SARS-CoV-2 changed care; H1N1 did not.",
        "Take 3 mg twice (3 mg) with food.",
        "Rate your pain on a scale (1-10) each day.",
        "Three benefits: (1) faster relief, (2) fewer cravings and (3) better sleep.",
        "(1) Ketamine is fast.\n(2) It is safe.",
        "In 2019, 40 patients enrolled; by 2021,120 had finished.",
        "The FDA approved it (March, 2019).",
        "We opened in (Spring 2019).",
        "Ketamine (2019) is a brand.",
        "It affects 5-HT2A receptors and CYP2D6 and type2 and BRCA1.",
        "Doses of 0.5 mg/kg and BMI of 30 kg/m² were used.",
        "The study found 1,000 responders (1,000).",
        "Results improved by 3.5 points and 10:30 am.",
        "Call (555) 010-0199 today.",
        "Type 2 diabetes is not a contraindication.",
        "It lowers relapse rates3.",  # a lone superscript without a reference list is not corroborated
        "A study in the Journal of Psychiatry found it works.",
        "A 2020 study from a university found it works.",
        "Studies show it works (see our FAQ).",
        "Section 3.2 and Fig.1 and p.23 explain it.",
        "Levels of Mfn1 and Mfn2 rose; sirt1 and sirt2 fell.",  # a naming series, not citations 1, 2
    ],
)
def test_not_citations(text: str) -> None:
    assert found(text) == []


def test_line_leading_bracket_is_a_list_label_not_a_marker() -> None:
    kinds = [kind for kind, _ in found("[1] Smith J. A title. J Fict. 2019;1:1.")]
    assert kinds == ["journal_ref"]


def test_superscripts_count_in_citation_order_without_a_list() -> None:
    got = found("It resets reward pathways.1 It acts within hours.2 It lasts for weeks3.")
    assert got == [("superscript", "1"), ("superscript", "2"), ("superscript", "3")]


def test_superscripts_out_of_citation_order_are_rejected() -> None:
    assert found("It resets reward pathways.7 It acts within hours.4") == []


def test_superscript_outside_the_numbered_list_is_rejected() -> None:
    assert found("It lowers relapse rates9." + REFS) == []


def test_reference_list_is_not_searched() -> None:
    mentions = find_mentions("Ketamine helps [1]." + REFS)
    assert [m.text for m in mentions] == ["[1]"]


def test_expand_numbers() -> None:
    assert expand_numbers("1-3, 5") == [1, 2, 3, 5]
    assert expand_numbers("1,000") is None
    assert expand_numbers("101, 102, 105") == [101, 102, 105]
    assert expand_numbers("0") is None
    assert expand_numbers("5-2") is None
    assert expand_numbers("1-900") is None


# --- robustness --------------------------------------------------------------------------------

_CITATIONISH = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        "[1]",
        "(2)",
        "3.",
        ".1,2",
        "rates3",
        "(Smith et al., 2019)",
        "Smith and Jones (2019)",
        "doi:10.5555/kb.1",
        "PMID: 912345678",
        "PMC9999999",
        "NCT99999999",
        "https://doi.org/10.5555/x",
        "2019;1(2):3-4",
        "References\n",
        "\n1. ",
        "et al.",
        "¹²",
        ", ",
        "; ",
        " ",
        "\n",
    ]
)
_TEXT = st.lists(st.one_of(_CITATIONISH, st.text(max_size=12)), max_size=40).map("".join)


@st.composite
def _text_and_links(draw: st.DrawFn) -> tuple[str, list[Link]]:
    text = draw(_TEXT)
    links = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text) + 5))
        end = draw(st.integers(start, len(text) + 10))
        url = draw(
            st.sampled_from(["https://x.org/a", "#fn1", "/local", "", "http://[bad", "doi.org/10.5555/x"])
        )
        links.append(Link(start=start, end=end, url=url))
    return text, links


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text_and_links())
def test_finding_never_raises_and_offsets_stay_inside(case: tuple[str, list[Link]]) -> None:
    text, links = case
    for m in find_mentions(text, links):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert all(n >= 1 for n in m.numbers)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_raises(text: str) -> None:
    for m in find_mentions(text):
        assert 0 <= m.start < m.end <= len(text)


def _timed(text: str) -> float:
    start = time.perf_counter()
    find_mentions(text)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("(" * 100_000, id="100k-open-parens"),
        pytest.param("[1," * 100_000, id="100k-unclosed-markers"),
        pytest.param("a" * 1_000_000, id="1MB-one-word"),
        pytest.param("1," * 500_000, id="1MB-digit-commas"),
        pytest.param("10.5555/" * 125_000, id="1MB-doi-prefixes"),
        pytest.param(
            ("Ketamine helps (Smith et al., 2019) and cravings fall [3]. COVID-19 (3 mg). " * 13_000)[
                :1_000_000
            ],
            id="1MB-prose-line",
        ),
    ],
)
def test_pathological_inputs_finish(text: str) -> None:
    # Measured on a loaded two-core machine: 0.03 s (parens) to ~1 s (citation-dense prose);
    # the bound only catches catastrophic backtracking, which would take minutes.
    assert _timed(text) < 20


def test_an_article_number_as_page_keeps_every_digit() -> None:
    from ingest.citations import find_mentions

    (mention,) = find_mentions("It lowered relapse (Shen et al., Front Psychiatry. 2025;16:1552084).")
    assert mention.reference is not None and mention.reference.pages == "1552084"
