"""Classification of works (design, sample size, human, retraction) and directness for a claim."""

from __future__ import annotations

from typing import Any

import pytest
from fake_services import fixture

from ingest.classify import classify, directness, is_human, same_site, sample_size
from ingest.directness import expand
from ingest.resolve import pubmed
from kb.models import Atom, Design, Work, WorkStatus


def _work(**fields: Any) -> Work:
    return Work(key=fields.pop("key", "doi:10.5555/kb.x"), status=WorkStatus.RESOLVED, **fields)


def _pubmed(pmid: str) -> Work:
    record = pubmed.parse_efetch(fixture(f"pubmed/efetch_{pmid}.xml"))[0]
    fields = record.model_dump(include={"title", "abstract", "publication_types", "mesh", "pmid"})
    return _work(key=f"pmid:{pmid}", **fields)


@pytest.mark.parametrize(
    ("pmid", "design", "n", "human"),
    [
        ("912345601", Design.META_ANALYSIS, 1480, True),
        ("912345602", Design.RCT, 40, True),
        ("912345604", Design.ANIMAL, 24, False),
        ("912345605", Design.RCT, 220, True),
        ("912345606", Design.CROSS_SECTIONAL, 31, True),
        ("912345607", Design.COHORT, 2310, True),  # not the 5,000 invited
    ],
)
def test_pubmed_records(pmid: str, design: Design, n: int, human: bool) -> None:
    got = classify(_pubmed(pmid))
    assert (got.design, got.sample_size, got.human) == (design, n, human)
    assert got.reasons[0].startswith(f"design {design.value}: ")


DESIGNS: list[tuple[dict[str, Any], Design]] = [
    ({"publication_types": ["Journal Article", "Review"], "title": "Ketamine for alcohol use disorder"}, Design.NARRATIVE_REVIEW),
    ({"publication_types": ["Systematic Review"], "title": "Zorblax trials"}, Design.SYSTEMATIC_REVIEW),
    ({"publication_types": ["Practice Guideline"], "title": "Management of fatigue"}, Design.GUIDELINE),
    ({"publication_types": ["Editorial"], "title": "Why zorblax matters"}, Design.EDITORIAL),
    ({"publication_types": ["Letter", "Comment"], "title": "Re: zorblax"}, Design.EDITORIAL),
    ({"publication_types": ["News"], "title": "Zorblax approved"}, Design.NEWS),
    ({"publication_types": ["Case Reports"], "title": "Hyperbaric oxygen in a boy with autism"}, Design.CASE_REPORT),
    ({"publication_types": ["Controlled Clinical Trial"], "title": "Zorblax vs rest"}, Design.NON_RANDOMIZED_CONTROLLED),
    ({"publication_types": ["Clinical Trial"], "title": "Zorblax in fatigue", "abstract": "Patients received zorblax versus usual care."}, Design.NON_RANDOMIZED_CONTROLLED),
    ({"publication_types": ["Clinical Trial, Phase I"], "title": "An open-label pilot of NAD+ infusions"}, Design.CASE_SERIES),
    ({"title": "Zorblax: a meta-analysis"}, Design.META_ANALYSIS),
    ({"title": "Zorblax and sleep", "abstract": "We conducted a systematic review of 9 trials."}, Design.SYSTEMATIC_REVIEW),
    ({"title": "Zorblax and sleep", "abstract": "Earlier meta-analyses disagree; we review the mechanisms."}, Design.UNKNOWN),
    ({"title": "Zorblax in neuronal cell lines", "abstract": "Cultured cells were exposed in vitro."}, Design.IN_VITRO),
    ({"title": "Zorblax in rats", "abstract": "Rats (n = 12) received zorblax."}, Design.ANIMAL),
    ({"title": "Zorblax users", "abstract": "A cross-sectional online survey of 1,203 respondents."}, Design.CROSS_SECTIONAL),
    ({"title": "Zorblax and fatigue", "mesh": ["Humans", "Case-Control Studies"]}, Design.CASE_CONTROL),
    ({"title": "Press release: zorblax clinic opens"}, Design.NEWS),
    ({"title": "Zorblax and fatigue", "publication_types": ["Observational Study"]}, Design.CROSS_SECTIONAL),
    ({"title": "Zorblax and fatigue"}, Design.UNKNOWN),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "design"), DESIGNS)
def test_design_rules(fields: dict[str, Any], design: Design) -> None:
    assert classify(_work(**fields)).design == design


def test_service_type_labels_are_the_last_word() -> None:
    assert classify(_work(title="Thoughts on zorblax"), type_labels=["letter"]).design == Design.EDITORIAL
    trial = _work(
        title="A randomized controlled trial of zorblax", publication_types=["Randomized Controlled Trial"]
    )
    assert classify(trial, type_labels=["review"]).design == Design.RCT


def test_a_registry_stated_design_is_taken_as_stated() -> None:
    assert classify(_work(title="Zorblax study"), stated_design="cohort").design == Design.COHORT


@pytest.mark.parametrize(
    ("url", "site", "design"),
    [
        ("https://www.zorblax-clinic.example/blog/zorblax", "zorblax-clinic.example", Design.COMMERCIAL),
        ("https://shop.example/products/zorblax-drip", None, Design.COMMERCIAL),
        ("https://www.healthline.com/health/zorblax", None, Design.NEWS),
        ("https://www.university.example/news/2023/zorblax", None, Design.NEWS),
        ("https://journal.example.org/article/123", "zorblax-clinic.example", Design.UNKNOWN),
    ],
)
def test_pages_by_address(url: str, site: str | None, design: Design) -> None:
    assert classify(_work(key=f"url:{url}", url=url), site=site).design == design


def test_vendors_are_commercial() -> None:
    page = _work(key="url:x", url="https://www.drip-supplies.example/zorblax")
    assert classify(page, vendors=["drip-supplies.example"]).design == Design.COMMERCIAL


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("Of 500 patients screened, 96 were randomized to psilocybin or placebo.", 96),
        ("A total of 3,849 patients underwent randomization; 1277 in the first group.", 3849),
        ("We randomized 64 adults with PTSD.", 64),
        ("Participants (N=120) completed the study.", 120),
        ("From 2010 to 2019 patients were enrolled; 87 patients completed follow-up.", 87),
        ("Response rates were 45% in both arms.", None),
        ("Twenty patients received infusions.", None),  # spelled-out numbers are not read
    ],
)
def test_sample_size(text: str, n: int | None) -> None:
    assert sample_size(text) == n


def test_human_from_mesh_then_wording() -> None:
    assert is_human(["Animals", "Humans"], "") is True
    assert is_human(["Animals", "Mice"], "patients") is False
    assert is_human([], "Mice were given zorblax.") is False
    assert is_human([], "Patients were given zorblax.") is True
    assert is_human([], "Mice models may help patients.") is None  # both: not guessed
    assert is_human([], "Zorblax chemistry.") is None


def test_retraction_from_publication_type_or_title() -> None:
    assert classify(_pubmed("912345603")).retracted is True
    assert classify(_work(title="RETRACTED: Zorblax cures fatigue")).retracted is True
    assert classify(_work(title="Zorblax", retracted=False)).retracted is False
    assert classify(_work(title="Zorblax")).retracted is None


def test_same_site() -> None:
    assert same_site("www.clinic.example", "https://clinic.example/about")
    assert same_site("blog.clinic.example", "clinic.example")
    assert not same_site("notclinic.example", "clinic.example")


# --- directness -------------------------------------------------------------------------------


def test_a_depression_trial_cited_for_an_addiction_claim_is_indirect() -> None:
    trial = _pubmed("912345605")
    got = directness(trial, [Atom(intervention="ketamine therapy", effect="treats", outcome="addiction")])
    assert got.intervention_match is True and got.outcome_match is False and not got.direct
    assert "the work does not study the outcome ('addiction')" in got.reasons


def test_hypoperfusion_in_autism_does_not_study_hyperbaric_oxygen() -> None:
    study = _pubmed("912345606")
    atom = Atom(
        intervention="hyperbaric oxygen therapy", effect="treats", outcome="autism", population="children"
    )
    got = directness(study, [atom])
    assert got.intervention_match is False and got.outcome_match is True and got.population_match is True
    assert not got.direct


def test_synonyms_and_acronyms_from_the_lexicon() -> None:
    assert "HBOT" in expand("hyperbaric oxygen therapy") and "ketamine" in expand("Spravato")
    trial = _work(title="HBOT in ASD: a randomized trial")
    got = directness(trial, [Atom(intervention="hyperbaric oxygen", effect="treats", outcome="autism")])
    assert got.direct


def test_word_order_and_plurals_do_not_matter() -> None:
    trial = _work(title="Ketamine reduces craving for alcohol in adults")
    got = directness(trial, [Atom(intervention="ketamine", effect="reduces", outcome="alcohol cravings")])
    assert got.direct


def test_the_best_atom_speaks_for_the_claim() -> None:
    trial = _pubmed("912345605")
    atoms = [
        Atom(intervention="ketamine", effect="reduces", outcome="addiction"),
        Atom(intervention="ketamine", effect="reduces", outcome="depression"),
    ]
    assert directness(trial, atoms).direct


def test_a_population_the_work_does_not_study() -> None:
    got = directness(
        _pubmed("912345602"),
        [Atom(intervention="zorblax", effect="reduces", outcome="fatigue", population="veterans")],
    )
    assert got.population_match is False and not got.direct


def test_generic_outcomes_are_not_judged() -> None:
    got = directness(
        _pubmed("912345602"), [Atom(intervention="zorblax", effect="relieves", outcome="symptoms")]
    )
    assert got.outcome_match is None and got.direct


def test_nothing_to_compare() -> None:
    assert directness(_work(), [Atom(intervention="x", effect="y", outcome="z")]).direct is False
    assert directness(_pubmed("912345602"), []).intervention_match is None
