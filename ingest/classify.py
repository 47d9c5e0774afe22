"""What kind of evidence a work is, read from what its record states. Pure: no I/O.

`classify` decides, each with a reason:

- the study design (`kb.models.Design`), first rule that fires wins, strongest signal first:
  the citing site's own or a vendor's page -> commercial; PubMed publication types; a registry's
  stated design; MeSH headings (Animals without Humans -> animal); title/abstract wording; the
  service's type label ("review", "letter"); else unknown;
- the sample size when the abstract states it ("n = 96", "96 participants", "96 patients were
  randomized"), the largest such count, never a screened or excluded number;
- human or not: MeSH "Humans"/"Animals" first, then wording ("mice", "rats" vs "patients"),
  None when the record says neither or both;
- retracted: PubMed's "Retracted Publication" type or a "RETRACTED:" title, on top of what the
  resolvers already set from Crossref/OpenAlex/PubMed notices.

`directness` (defined in `ingest.directness`, re-exported here) says whether a work studies what
a claim is about.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from ingest.directness import directness
from kb.models import Design, Work

__all__ = ["Classification", "classify", "directness", "is_human", "same_site", "sample_size"]


class Classification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    design: Design
    sample_size: int | None = None
    human: bool | None = None
    retracted: bool | None = None
    reasons: list[str] = Field(default_factory=list)


# Outlets whose pages are news or consumer-health magazine stories, not studies.
NEWS_DOMAINS = frozenset({
    "nytimes.com", "washingtonpost.com", "theguardian.com", "bbc.com", "bbc.co.uk", "cnn.com",
    "forbes.com", "npr.org", "reuters.com", "apnews.com", "usatoday.com", "nbcnews.com", "cbsnews.com",
    "abcnews.go.com", "foxnews.com", "time.com", "newsweek.com", "theatlantic.com", "wired.com",
    "vice.com", "huffpost.com", "latimes.com", "wsj.com", "statnews.com", "sciencedaily.com",
    "eurekalert.org", "medicalxpress.com", "news-medical.net", "prnewswire.com", "businesswire.com",
    "globenewswire.com", "medicalnewstoday.com", "healthline.com", "webmd.com", "verywellmind.com",
    "verywellhealth.com", "psychologytoday.com", "menshealth.com", "womenshealthmag.com", "prevention.com",
    "everydayhealth.com"
})  # fmt: skip
_NEWS_PATH = re.compile(r"/(?:news|press|press-releases?|newsroom|media-releases?)(?:/|$)", re.I)
_SHOP_PATH = re.compile(r"/(?:shop|store|products?|cart|checkout|collections)(?:/|$)", re.I)

_PUBTYPE_RULES: tuple[tuple[frozenset[str], Design], ...] = (
    (frozenset({"retraction of publication", "expression of concern"}), Design.EDITORIAL),
    (frozenset({"news", "newspaper article", "press release"}), Design.NEWS),
    (frozenset({"editorial", "comment", "letter", "personal narrative", "interview"}), Design.EDITORIAL),
    (frozenset({"practice guideline", "guideline", "consensus development conference"}), Design.GUIDELINE),
    (frozenset({"meta-analysis", "network meta-analysis"}), Design.META_ANALYSIS),
    (frozenset({"systematic review"}), Design.SYSTEMATIC_REVIEW),
)
_TRIAL_TYPES = frozenset(
    {"clinical trial", "clinical trial, phase i", "clinical trial, phase ii", "clinical trial, phase iii",
     "clinical trial, phase iv", "pragmatic clinical trial", "adaptive clinical trial"}
)  # fmt: skip
_RANDOMIZED_TYPES = frozenset({"randomized controlled trial", "equivalence trial"})

# Pooled designs and guidelines are read from the title, or from an abstract that says it *is* one:
# a narrative review's abstract often mentions earlier meta-analyses.
_T = re.IGNORECASE
_POOLED: tuple[tuple[re.Pattern[str], Design], ...] = (
    (re.compile(r"\bpress release\b", _T), Design.NEWS),
    (re.compile(r"\bmeta-?analys[ie]s\b", _T), Design.META_ANALYSIS),
    (re.compile(r"\bsystematic (?:literature )?review\b", _T), Design.SYSTEMATIC_REVIEW),
    (re.compile(r"\bclinical practice guidelines?\b|\bconsensus statement\b", _T), Design.GUIDELINE),
)
_WE_DID = r"\b(?:this|we (?:conducted|performed|undertook|carried out)(?: an?)?) (?:updated )?"
_POOLED_METHODS: tuple[tuple[re.Pattern[str], Design], ...] = (
    (re.compile(_WE_DID + r"meta-?analysis\b", _T), Design.META_ANALYSIS),
    (re.compile(_WE_DID + r"systematic review\b", _T), Design.SYSTEMATIC_REVIEW),
)
_IN_VITRO = re.compile(
    r"\bin vitro\b|\bcell lines?\b|\bcultured (?:cells|neurons|astrocytes)\b|\bcell cultures?\b|\borganoids?\b",
    _T,
)
_RCT = re.compile(
    r"\brandomi[sz]ed[,]? (?:\w+[- ]){0,4}(?:controlled |clinical )?trial\b|\brandomly (?:assigned|allocated)\b"
    r"|\bwere randomi[sz]ed\b|\brandomi[sz]ed,? (?:double|single|triple)[- ]blind",
    _T,
)
_CONTROLLED = re.compile(r"\bcontrolled\b|\bplacebo\b|\bcontrol group\b|\bcomparison group\b|\bversus\b", _T)
_COHORT_WORDS = (
    r"\bcohort stud(?:y|ies)\b|\bprospective(?:ly)? (?:followed|study|cohort)\b|\blongitudinal stud"
)
_CASE_REPORT_WORDS = r"\bcase reports?\b|\bwe (?:report|describe|present) (?:a|the) case\b|\ba case of\b"
_CASE_SERIES_WORDS = r"\bcase series\b|\bchart review\b|\bopen-label\b|\bsingle-arm\b|\buncontrolled\b"
_COHORT_MESH = frozenset(
    {"cohort studies", "prospective studies", "longitudinal studies", "follow-up studies"}
)
_OBSERVATIONAL: tuple[tuple[frozenset[str], re.Pattern[str], Design], ...] = (
    (frozenset({"case-control studies"}), re.compile(r"\bcase[- ]control\b", _T), Design.CASE_CONTROL),
    (_COHORT_MESH, re.compile(_COHORT_WORDS, _T), Design.COHORT),
    (
        frozenset({"cross-sectional studies"}),
        re.compile(r"\bcross-sectional\b|\bsurvey of\b|\bonline survey\b", _T),
        Design.CROSS_SECTIONAL,
    ),
    (frozenset(), re.compile(_CASE_REPORT_WORDS, _T), Design.CASE_REPORT),
    (frozenset(), re.compile(_CASE_SERIES_WORDS, _T), Design.CASE_SERIES),
)
_LABELS = {
    "editorial": Design.EDITORIAL,
    "letter": Design.EDITORIAL,
    "comment": Design.EDITORIAL,
    "retraction": Design.EDITORIAL,
    "review": Design.NARRATIVE_REVIEW,
    "review-article": Design.NARRATIVE_REVIEW,
}
_REVIEW_TITLE = re.compile(r"\breview\b|\boverview\b|\bupdate on\b", _T)

_ANIMAL_WORDS = re.compile(
    r"\b(?:mice|mouse|murine|rats?|rodents?|zebrafish|drosophila|c\. elegans|primates?|macaques?|monkeys?"
    r"|piglets?|porcine|canine|rabbits?|sheep|ovine|bovine|hamsters?|guinea pigs?)\b",
    _T,
)
_HUMAN_WORDS = re.compile(
    r"\b(?:patients|participants|volunteers|adults|children|adolescents|women|men|veterans|humans?"
    r"|subjects|individuals|outpatients|inpatients)\b",
    _T,
)

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
_PEOPLE = (
    r"(?:participants|patients|subjects|volunteers|individuals|adults|children|adolescents|women|men"
    r"|veterans|people|persons|respondents|outpatients|inpatients|mice|rats)"
)
_NOT_ENROLLED = (
    r"(?!\s+(?:were\s+|was\s+)?(?:screened|assessed|approached|invited|excluded|eligible|contacted))"
)
_SAMPLE = (
    re.compile(rf"\b[nN]\s*=\s*{_NUMBER}\b(?!\s*%)"),
    re.compile(rf"\b{_NUMBER}\s+(?:[a-z-]+\s+){{0,3}}?{_PEOPLE}\b{_NOT_ENROLLED}", _T),
    re.compile(rf"\b{_NUMBER}\s+(?:\w+\s+){{0,3}}?(?:were|was)\s+(?:randomi[sz]ed|enrolled|included)\b", _T),
    re.compile(rf"\b(?:randomi[sz]ed|enrolled|included|recruited)\s+{_NUMBER}\b", _T),
)
_MAX_PLAUSIBLE_N = 10_000_000


def classify(
    work: Work,
    *,
    site: str | None = None,
    type_labels: Sequence[str] = (),
    stated_design: str | None = None,
    vendors: Collection[str] = (),
) -> Classification:
    """Design, sample size, human and retraction of `work`, each with a reason."""
    reasons: list[str] = []
    text = " ".join(filter(None, [work.title, work.abstract]))
    human = is_human(work.mesh, text)
    if human is None:
        human = work.human
    design, why = _design(work, text, human, site, vendors, type_labels, stated_design)
    reasons.append(f"design {design.value}: {why}")
    n = sample_size(work.abstract or "") if work.abstract else None
    n = n if n is not None else work.sample_size
    if n is not None:
        reasons.append(f"sample size {n}")
    retracted = work.retracted
    types = {t.lower() for t in work.publication_types}
    if "retracted publication" in types or re.match(r"\s*(?:RETRACTED|WITHDRAWN)\b", work.title or ""):
        retracted = True
    if retracted:
        reasons.append("retracted")
    return Classification(design=design, sample_size=n, human=human, retracted=retracted, reasons=reasons)


def _design(
    work: Work,
    text: str,
    human: bool | None,
    site: str | None,
    vendors: Collection[str],
    labels: Sequence[str],
    stated: str | None,
) -> tuple[Design, str]:
    host = _host(work.url)
    if host and site and same_site(host, site):
        return Design.COMMERCIAL, f"a page of the citing site itself ({host})"
    if host and any(same_site(host, v) for v in vendors):
        return Design.COMMERCIAL, f"a vendor's page ({host})"
    if host and _SHOP_PATH.search(urlsplit(work.url or "").path):
        return Design.COMMERCIAL, f"a shop page ({host})"
    types = {t.lower() for t in work.publication_types}
    for names, design in _PUBTYPE_RULES:
        if hit := sorted(types & names):
            return design, f"publication type {hit[0]!r}"
    if host and (
        any(same_site(host, d) for d in NEWS_DOMAINS) or _NEWS_PATH.search(urlsplit(work.url or "").path)
    ):
        return Design.NEWS, f"a news or magazine page ({host})"
    if stated:
        return Design(stated), "the design the trial registry states"
    for pattern, design in _POOLED:
        if m := pattern.search(work.title or ""):
            return design, f"the title says {m.group()!r}"
    for pattern, design in _POOLED_METHODS:
        if m := pattern.search(work.abstract or ""):
            return design, f"the abstract says {m.group()!r}"
    return _primary_design(work, text, types, human, labels)


def _primary_design(
    work: Work, text: str, types: set[str], human: bool | None, labels: Sequence[str]
) -> tuple[Design, str]:
    if human is False:
        if m := _IN_VITRO.search(text):
            return Design.IN_VITRO, f"not a human study, and the text says {m.group()!r}"
        return Design.ANIMAL, "not a human study (MeSH or wording names animals)"
    if (m := _IN_VITRO.search(text)) and human is not True:
        return Design.IN_VITRO, f"the text says {m.group()!r} and names no human participants"
    if hit := sorted(types & _RANDOMIZED_TYPES):
        return Design.RCT, f"publication type {hit[0]!r}"
    if "controlled clinical trial" in types:
        return Design.NON_RANDOMIZED_CONTROLLED, "publication type 'Controlled Clinical Trial'"
    if types & _TRIAL_TYPES:
        if m := _RCT.search(text):
            return Design.RCT, f"a clinical trial, and the abstract says {m.group()!r}"
        if m := _CONTROLLED.search(text):
            return Design.NON_RANDOMIZED_CONTROLLED, f"a clinical trial, not randomized, with {m.group()!r}"
        return Design.CASE_SERIES, "a clinical trial with no randomization or control group stated"
    if "case reports" in types:
        return Design.CASE_REPORT, "publication type 'Case Reports'"
    if "review" in types:
        return Design.NARRATIVE_REVIEW, "publication type 'Review' (not systematic)"
    for label in labels:
        if design := _LABELS.get(label.lower()):
            return design, f"the service lists it as {label!r}"
    return _from_wording(work, text, types)


def _from_wording(work: Work, text: str, types: set[str]) -> tuple[Design, str]:
    mesh = {m.lower() for m in work.mesh}
    for mesh_names, _, design in _OBSERVATIONAL:
        if hit := sorted(mesh & mesh_names):
            return design, f"MeSH {hit[0]!r}"
    if m := _RCT.search(text):
        return Design.RCT, f"the title/abstract says {m.group()!r}"
    for _, pattern, design in _OBSERVATIONAL:
        if m := pattern.search(text):
            return design, f"the title/abstract says {m.group()!r}"
    if m := _REVIEW_TITLE.search(work.title or ""):
        return Design.NARRATIVE_REVIEW, f"the title says {m.group()!r}"
    if "observational study" in types:
        return Design.CROSS_SECTIONAL, "an observational study of unstated design, graded as the weakest kind"
    return Design.UNKNOWN, "nothing in the record states a design"


def sample_size(text: str) -> int | None:
    """The largest enrollment-like count the text states; None when it states none."""
    counts = []
    for pattern in _SAMPLE:
        for m in pattern.finditer(text):
            n = int(m.group(1).replace(",", ""))
            if 0 < n < _MAX_PLAUSIBLE_N and not _is_year(m.group(1), text, m.start(1)):
                counts.append(n)
    return max(counts) if counts else None


def _is_year(number: str, text: str, start: int) -> bool:
    # "from 2010 to 2019 patients were enrolled": a year, not 2019 patients.
    before = text[max(0, start - 12) : start].lower().split()
    year_words = {"in", "to", "from", "since", "during", "until", "between", "and", "of", "-", "through"}
    return bool(re.fullmatch(r"(?:19|20)\d\d", number)) and bool(before) and before[-1] in year_words


def is_human(mesh: Sequence[str], text: str) -> bool | None:
    """True/False when MeSH or wording says so; None when neither or both say it."""
    headings = {m.lower() for m in mesh}
    if "humans" in headings:
        return True
    if "animals" in headings:
        return False
    animal, person = bool(_ANIMAL_WORDS.search(text)), bool(_HUMAN_WORDS.search(text))
    if animal != person:
        return person
    return None


def same_site(host: str, site: str) -> bool:
    """True when `host` is `site` or one of its subdomains (www. ignored)."""
    h = host.lower().removeprefix("www.")
    s = (_host(site) or site).lower().removeprefix("www.")
    return bool(s) and (h == s or h.endswith("." + s))


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
