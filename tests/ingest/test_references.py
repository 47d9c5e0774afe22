"""Reference lists: finding the list, splitting entries, parsing them, matching citations to them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.references import (
    Reference,
    find_reference_section,
    match_reference,
    name_key,
    normalize_doi,
    normalize_url,
    parse_reference,
    parse_url,
)

BODY = "Ketamine may reduce cravings [1]. It acts within hours [2].\n\n"


# --- parsing one entry -------------------------------------------------------------------------


def fields(ref: Reference, *names: str) -> tuple[object, ...]:
    return tuple(getattr(ref, n) for n in names)


def test_vancouver_entry() -> None:
    ref = parse_reference(
        "Halvorsen T, Quist M, Ibarra L, et al. Low-dose ketamine in depression: a review. "
        "J Fict Psychiatry. 2018;12(3):101-110. doi:10.5555/kb.2024.001"
    )
    assert fields(
        ref, "first_author", "authors", "year", "title", "journal", "volume", "issue", "pages", "doi"
    ) == (
        "Halvorsen",
        ["Halvorsen T", "Quist M", "Ibarra L"],
        2018,
        "Low-dose ketamine in depression: a review",
        "J Fict Psychiatry",
        "12",
        "3",
        "101-110",
        "10.5555/kb.2024.001",
    )


def test_vancouver_entry_with_dotted_journal_and_month() -> None:
    ref = parse_reference(
        "Okafor N, Lindqvist P. Esketamine spray. N. Engl. J. Fict. Med. 2021 Mar;384:1000-10. PMID: 912345678"
    )
    assert fields(ref, "journal", "year", "volume", "pages", "pmid") == (
        "N. Engl. J. Fict. Med",
        2021,
        "384",
        "1000-10",
        "912345678",
    )


def test_apa_entry() -> None:
    ref = parse_reference(
        "Grabowski, M., Lind, A., & Moreno, C. J. (2022). Ketamine-assisted therapy: A trial? "
        "Journal of Fictional Psychopharmacology, 36(5), 123–130. https://doi.org/10.5555/kb.2024.102"
    )
    assert fields(ref, "first_author", "authors", "year", "title", "journal", "pages", "doi", "url") == (
        "Grabowski",
        ["Grabowski, M.", "Lind, A.", "Moreno, C. J"],
        2022,
        "Ketamine-assisted therapy: A trial?",
        "Journal of Fictional Psychopharmacology",
        "123-130",
        "10.5555/kb.2024.102",
        "https://doi.org/10.5555/kb.2024.102",
    )


def test_harvard_entry() -> None:
    ref = parse_reference(
        "Smith, J. and Jones, K. (2019) Cravings after ketamine. Journal of Testing, 12(3), pp. 45-67."
    )
    assert fields(ref, "first_author", "authors", "year", "journal", "volume", "issue", "pages") == (
        "Smith",
        ["Smith, J.", "Jones, K"],
        2019,
        "Journal of Testing",
        "12",
        "3",
        "45-67",
    )


def test_organisation_entry() -> None:
    ref = parse_reference(
        "National Institute for Fictional Health and Care (NIFHC). (2009). Depression in adults. https://www.example.org/cg90"
    )
    assert fields(ref, "first_author", "authors", "year", "title", "journal") == (
        "National Institute for Fictional Health and Care (NIFHC)",
        [],
        2009,
        "Depression in adults",
        None,
    )


def test_web_entry_never_takes_the_access_date_for_a_year() -> None:
    ref = parse_reference(
        "Example Clinic. Ketamine therapy overview. Accessed March 3, 2024. https://www.example.com/k"
    )
    assert fields(ref, "first_author", "title", "year", "url") == (
        "Example Clinic",
        "Ketamine therapy overview",
        None,
        "https://www.example.com/k",
    )


def test_year_suffix() -> None:
    ref = parse_reference(
        "Adeyemi, T. (2019b). Ketamine in primary care. Fictional Family Medicine, 8(1), 5–9."
    )
    assert (ref.year, ref.year_suffix) == (2019, "b")


def test_unparseable_text_fills_nothing() -> None:
    ref = parse_reference("Book your consultation today")
    assert fields(ref, "first_author", "year", "title", "journal", "doi", "url") == (None,) * 6


# --- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("https://doi.org/10.5555/KB.1", "doi", "10.5555/kb.1"),
        ("http://dx.doi.org/10.5555/kb.1%2Fx", "doi", "10.5555/kb.1/x"),
        ("https://journal.example.org/doi/full/10.5555/kb.2/full", "doi", "10.5555/kb.2"),
        ("https://pubmed.ncbi.nlm.nih.gov/912345678/", "pmid", "912345678"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/912345678", "pmid", "912345678"),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC9999999/", "pmcid", "PMC9999999"),
        ("https://europepmc.org/article/MED/912345678", "pmid", "912345678"),
        ("https://clinicaltrials.gov/ct2/show/NCT99999999", "nct", "NCT99999999"),
    ],
)
def test_parse_url_reads_identifiers(url: str, field: str, value: str) -> None:
    assert getattr(parse_url(url), field) == value


def test_parse_url_states_nothing_for_a_plain_page() -> None:
    ref = parse_url("https://www.example.org/10-ways-to-relax")
    assert (ref.doi, ref.pmid, ref.pmcid, ref.nct, ref.url) == (None, None, None, None, ref.raw)


def test_parse_url_survives_malformed_urls() -> None:
    assert parse_url("http://[bad").url == "http://[bad"


def test_normalize_doi_and_url() -> None:
    assert normalize_doi("doi: 10.5555/KB.1).") == "10.5555/kb.1"
    assert (
        normalize_url("HTTP://www.Example.org/a/?b=2&utm_source=x&a=1#frag")
        == "https://example.org/a?a=1&b=2"
    )
    assert normalize_url("example.org") == "https://example.org"


def test_name_key_folds_diacritics_case_and_punctuation() -> None:
    assert name_key("Østergaard") == name_key("ostergaard")
    assert name_key("Müller-Lüdenscheidt") == name_key("Muller Ludenscheidt")
    assert name_key("Žižek") == "zizek"


# --- the section -------------------------------------------------------------------------------

VANCOUVER_LIST = (
    "1. Halvorsen T, Quist M. Low-dose ketamine. J Fict Psychiatry. 2018;12(3):101-110. doi:10.5555/kb.2024.001\n"
    "2. Lindqvist P. A single ketamine infusion. Fict Clin Trials. 2020;7(2):45-53.\n"
    "   PMID: 912345601\n"
    "3. Brandt S, et al. Rapid effects of ketamine\n"
    "   in adults. Ann Fict Med. 2021;44:210-218.\n"
)


@pytest.mark.parametrize(
    "heading", ["References", "Sources:", "## Bibliography", "Citations", "Works Cited", "Notes"]
)
def test_section_under_a_heading(heading: str) -> None:
    text = BODY + heading + "\n\n" + VANCOUVER_LIST
    section = find_reference_section(text)
    assert section is not None
    assert section.start == text.index(heading) and section.numbered
    assert [e.number for e in section.entries] == [1, 2, 3]
    assert section.entries[1].pmid == "912345601"  # an identifier on its own line continues the entry
    assert section.entries[2].title == "Rapid effects of ketamine in adults"  # a wrapped line too
    assert text[section.entries[0].start : section.entries[0].end].startswith("Halvorsen T")


def test_bracketed_labels() -> None:
    text = (
        BODY
        + "References\n[1] Halvorsen T. Ketamine. J Fict. 2018;12:1-9.\n[2] Lindqvist P. Infusions. J Fict. 2020;7:4-5.\n"
    )
    section = find_reference_section(text)
    assert section is not None and [e.number for e in section.entries] == [1, 2]


def test_trailing_numbered_run_without_heading() -> None:
    text = BODY + VANCOUVER_LIST
    section = find_reference_section(text)
    assert section is not None and section.heading is None
    assert section.start == text.index("1. Halvorsen") and len(section.entries) == 3


def test_numbered_list_of_benefits_is_not_a_reference_list() -> None:
    text = "Benefits of ketamine:\n1. Rapid relief from cravings.\n2. Better sleep.\n3. Improved mood.\n"
    assert find_reference_section(text) is None


def test_heading_followed_by_prose_is_not_a_reference_list() -> None:
    text = (
        "Sources\n\nStress has many sources, and ketamine may help with some of them.\n"
        + "More prose. " * 300
    )
    assert find_reference_section(text) is None


def test_mid_article_list_with_the_article_going_on_is_not_the_reference_list() -> None:
    text = BODY + "Sources\n" + VANCOUVER_LIST + "\n" + ("The article goes on for a long time. " * 200)
    assert find_reference_section(text) is None


def test_footer_after_the_list_is_not_an_entry() -> None:
    text = (
        BODY + "References\n\n" + VANCOUVER_LIST + "\n© 2024 Example Clinic. All rights reserved.\nContact us"
    )
    section = find_reference_section(text)
    assert section is not None and len(section.entries) == 3
    assert text[section.end :].lstrip().startswith("©")


def test_unnumbered_entries_one_per_line() -> None:
    text = (
        BODY + "Sources\n"
        "Adeyemi, T. (2019). Ketamine and craving. Journal of Fictional Addiction, 14(2), 77–85. https://doi.org/10.5555/kb.1\n"
        "Rossi, F., & Tanaka, H. (2021). Craving after ketamine. Fictional Addiction Reports, 3(2), 10–18.\n"
    )
    section = find_reference_section(text)
    assert section is not None and not section.numbered
    assert [(e.first_author, e.position, e.number) for e in section.entries] == [
        ("Adeyemi", 1, None),
        ("Rossi", 2, None),
    ]


def test_notes_heading_then_references_heading_is_one_section() -> None:
    text = (
        BODY
        + "Notes\n1. Halvorsen T. Ketamine. J Fict. 2018;12:1-9.\n\nReferences\n2. Lindqvist P. Infusions. J Fict. 2020;7:4-5.\n"
    )
    section = find_reference_section(text)
    assert section is not None and section.heading == "Notes" and len(section.entries) == 2


def test_no_section() -> None:
    assert find_reference_section("Ketamine reduces cravings. Studies show it works.") is None
    assert find_reference_section("") is None


# --- matching ----------------------------------------------------------------------------------

ENTRIES = [
    Reference(
        raw="a", number=1, position=1, first_author="Müller", authors=["Müller K", "Østergaard L"], year=2020
    ),
    Reference(raw="b", number=2, position=2, first_author="Adeyemi", year=2019, year_suffix="a"),
    Reference(raw="c", number=3, position=3, first_author="Adeyemi", year=2019, year_suffix="b"),
    Reference(raw="d", number=4, position=4, first_author="World Health Organization (WHO)", year=2021),
    Reference(raw="e", number=5, position=5, first_author="Smith", authors=["Smith J", "Lee K"], year=2018),
    Reference(raw="f", number=6, position=6, first_author="Smith", authors=["Smith A", "Park K"], year=2018),
]


def test_match_by_number() -> None:
    assert match_reference(ENTRIES, number=4) is ENTRIES[3]
    assert match_reference(ENTRIES, number=9) is None


def test_match_by_position_when_the_list_prints_no_numbers() -> None:
    unnumbered = [e.model_copy(update={"number": None}) for e in ENTRIES]
    assert match_reference(unnumbered, number=2) is unnumbered[1]


@pytest.mark.parametrize(
    ("author", "year", "suffix", "coauthor", "index"),
    [
        ("Muller", 2020, "", None, 0),  # diacritics
        ("MÜLLER", 2020, "", "Ostergaard", 0),  # case, and a second author that must match too
        ("Muller", 2020, "", "Jones", None),
        ("Muller", 2021, "", None, None),  # wrong year
        ("Adeyemi", 2019, "b", None, 2),
        ("Adeyemi", 2019, "", None, None),  # two entries fit: never guess
        ("WHO", 2021, "", None, 3),  # organisation acronym
        ("World Health Organization", 2021, "", None, 3),
        ("Smith", 2018, "", "Lee", 4),  # "Smith and Lee (2018)" picks the right Smith
        ("Smith", 2018, "", None, None),
    ],
)
def test_match_by_author_and_year(
    author: str, year: int, suffix: str, coauthor: str | None, index: int | None
) -> None:
    got = match_reference(ENTRIES, first_author=author, year=year, year_suffix=suffix, coauthor=coauthor)
    assert got is (ENTRIES[index] if index is not None else None)


# --- robustness --------------------------------------------------------------------------------

_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "References",
                "Sources:",
                "1. Smith J. T. J. 2019;1:1.",
                "[2] Lee K. (2020). T. J, 1(2), 3-4.",
                "© 2024",
                "",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES)
def test_section_finding_never_raises_and_spans_stay_inside(text: str) -> None:
    section = find_reference_section(text)
    if section is not None:
        assert 0 <= section.start <= section.end <= len(text)
        for e in section.entries:
            assert e.start is not None and e.end is not None
            assert section.start <= e.start <= e.end <= section.end


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_reference_never_raises(raw: str) -> None:
    ref = parse_reference(raw)
    assert ref.year is None or 1800 <= ref.year <= 2099
