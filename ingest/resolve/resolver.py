"""Resolve a cited work: pick the services its identifiers allow, merge their answers, classify.

Routes, in the order they can feed each other:

    pmcid            -> PMC ID converter, else Europe PMC   (gives the PMID and DOI)
    url, no id       -> the page's meta tags    (citation_doi / citation_pmid / dc.identifier)
    ref:, a locator  -> PubMed's citation matcher (ECitMatch), then Crossref and Europe PMC
                        searches on journal, volume and year; accepted at match >= 0.75
    ref:, a title    -> bibliographic search    (Crossref, PubMed, then Europe PMC for preprints)
    nct              -> ClinicalTrials.gov      (phase, status, design, actual enrollment)
    doi              -> Crossref + OpenAlex, else Europe PMC  (OpenAlex may add the PMID)
    pmid             -> PubMed                  (publication types, MeSH, abstract: the design)
    no abstract yet  -> Europe PMC by DOI, PMID or PMCID   (abstracts, preprints, open full text)

A locator is journal + year + volume + first page ("Am J Psychiatry. 2022;179(2):152-162"): the
most precise thing a reference without an identifier can state, with or without its author.

A work no service answers for stays UNRESOLVED with every reason found ("offline", "not found at
Crossref, OpenAlex or Europe PMC", "no identifier and bibliographic match score 0.41 below 0.75",
"network error: ..."); its fields keep what the citation stated, nothing more. Service failures
never raise out of `resolve_work`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from ingest.classify import NEWS_DOMAINS, classify, same_site
from ingest.resolve import clinicaltrials, crossref, europepmc, idconv, meta_tags, openalex, pubmed
from ingest.resolve.base import Endpoints, Lookup
from ingest.resolve.errors import ResolveError, ServiceUnavailable
from ingest.resolve.match import (
    Match,
    best_match,
    first_page,
    has_locator,
    not_searchable_reason,
    states_enough,
    surname,
)
from ingest.resolve.ratelimit import RateLimiter
from ingest.resolve.records import Record, merge
from kb.models import Design, Work, WorkStatus
from kb.settings import Settings

__all__ = ["classify_resolved", "lookup_route", "resolve_work", "resolve_works"]

T = TypeVar("T")
# Parsers read defensively; these mean a body of a shape they did not foresee.
_SHAPE_ERRORS = (ValidationError, TypeError, AttributeError, KeyError, IndexError, ValueError)


@dataclass
class _Trail:
    """What the services said while resolving one work."""

    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    europepmc_asked: bool = False

    def call(self, service: str, fn: Callable[..., T], *args: Any) -> T | None:
        try:
            return fn(*args)
        except ServiceUnavailable as e:
            self.problems.append(f"network error: {service}: {e}")
        except ResolveError as e:
            self.problems.append(f"malformed response from {service}: {e}")
        except _SHAPE_ERRORS as e:
            self.problems.append(f"malformed response from {service}: {type(e).__name__}: {e}")
        return None

    def lookup(self, service: str, fn: Callable[..., T], *args: Any, absent: str) -> T | None:
        """`call`, noting `absent` when the service answered but knows nothing."""
        before = len(self.problems)
        result = self.call(service, fn, *args)
        if result is None and len(self.problems) == before:
            self.problems.append(absent)
        return result

    def add(self, record: Record | None) -> Record | None:
        if record is not None:
            self.records.append(record)
        return record


@dataclass
class _Ids:
    doi: str | None
    pmid: str | None
    pmcid: str | None
    nct: str | None

    def learn(self, record: Record | None) -> None:
        if record is not None:
            self.doi = self.doi or record.doi
            self.pmid = self.pmid or record.pmid
            self.pmcid = self.pmcid or record.pmcid

    @property
    def any(self) -> bool:
        return bool(self.doi or self.pmid or self.pmcid or self.nct)


def resolve_work(
    work: Work,
    session: requests.Session,
    settings: Settings,
    *,
    rate_limiter: RateLimiter,
    endpoints: Endpoints | None = None,
    site: str | None = None,
    vendors: Collection[str] = (),
) -> Work:
    """The work looked up and classified; UNRESOLVED with `unresolved_reason` when nothing answered.

    A work that was already resolved keeps its data when a refresh finds nothing (offline, say).
    """
    trail = _Trail()
    if settings.offline:
        trail.problems.append("offline")
    else:
        lookup = Lookup(session, settings, rate_limiter, endpoints or Endpoints())
        _route(work, lookup, trail, [*([site] if site else []), *vendors])
    resolved = merge(work, trail.records)
    if not trail.records and work.status is not WorkStatus.RESOLVED:
        reason = "; ".join(dict.fromkeys(trail.problems)) or "no identifier to look up"
        resolved = resolved.model_copy(update={"status": WorkStatus.UNRESOLVED, "unresolved_reason": reason})
    return classify_resolved(resolved, trail.records, site, vendors)


def resolve_works(
    works: Sequence[Work],
    session: requests.Session,
    settings: Settings,
    *,
    rate_limiter: RateLimiter | None = None,
    endpoints: Endpoints | None = None,
    site: str | None = None,
    vendors: Collection[str] = (),
    workers: int = 4,
) -> list[Work]:
    """`resolve_work` over many works in a few threads (the rate limiter keeps them polite), in order."""
    limiter = rate_limiter or RateLimiter.for_settings(settings)

    def one(work: Work) -> Work:
        return resolve_work(
            work, session, settings, rate_limiter=limiter, endpoints=endpoints, site=site, vendors=vendors
        )

    if workers <= 1 or len(works) <= 1:
        return [one(w) for w in works]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, works))


def lookup_route(work: Work) -> str | None:
    """The first lookup `resolve_work` makes for this work, or None when it has nothing to ask.

    "pmcid", "doi", "pmid", "nct", "url" (an identifier), "locator" (journal + year + volume +
    first page), "bibliographic" (a title, or authors + year + journal), else None.
    """
    for name in ("pmcid", "doi", "pmid", "nct", "url"):
        if getattr(work, name):
            return name
    if work.key.startswith("ref:") and states_enough(work):
        return "locator" if has_locator(work) else "bibliographic"
    return None


def _route(work: Work, lookup: Lookup, trail: _Trail, own_sites: Sequence[str]) -> None:
    ids = _Ids(work.doi, work.pmid, work.pmcid, work.nct)
    if ids.pmcid and not (ids.pmid and ids.doi):
        before = len(trail.problems)
        converted = trail.add(trail.call("the PMC ID converter", idconv.convert, lookup, ids.pmcid))
        converted = converted or _europepmc_by_id(lookup, trail, pmcid=ids.pmcid)
        if converted is None and len(trail.problems) == before:
            trail.problems.append(f"{ids.pmcid} not found by the PMC ID converter or at Europe PMC")
        ids.learn(converted)
    if work.url and not ids.any:
        _from_page(work.url, lookup, trail, ids, own_sites)
    if work.key.startswith("ref:") and not ids.any:
        _from_search(work, lookup, trail, ids)
    if ids.nct:
        absent = f"{ids.nct} not found at ClinicalTrials.gov"
        trail.add(
            trail.lookup("ClinicalTrials.gov", clinicaltrials.fetch_study, lookup, ids.nct, absent=absent)
        )
    if ids.doi:
        _from_doi(ids.doi, ids, lookup, trail)
    if ids.pmid and not any(r.service == "pubmed" for r in trail.records):
        before = len(trail.problems)
        found = trail.call("PubMed", pubmed.fetch_records, lookup, [ids.pmid]) or []
        record = trail.add(next((r for r in found if r.pmid == ids.pmid), None))
        if record is None and len(trail.problems) == before:
            trail.problems.append(f"PMID {ids.pmid} not found at PubMed")
    if not any(r.abstract for r in trail.records) and (ids.doi or ids.pmid or ids.pmcid):
        # Europe PMC holds abstracts Crossref lacks, preprints, and PubMed's records when it is down.
        ids.learn(_europepmc_by_id(lookup, trail, doi=ids.doi, pmid=ids.pmid, pmcid=ids.pmcid))


def _europepmc_by_id(
    lookup: Lookup,
    trail: _Trail,
    *,
    doi: str | None = None,
    pmid: str | None = None,
    pmcid: str | None = None,
) -> Record | None:
    """Europe PMC's record for the first identifier given; asked once per work, silent when absent."""
    if trail.europepmc_asked or any(r.service == europepmc.SERVICE for r in trail.records):
        return None
    trail.europepmc_asked = True
    for asked in ({"doi": doi}, {"pmid": pmid}, {"pmcid": pmcid}):
        if any(asked.values()):
            found = trail.call("Europe PMC", lambda a=asked: europepmc.lookup_id(lookup, **a))
            if found is not None:
                return trail.add(found)
    return None


def _from_doi(doi: str, ids: _Ids, lookup: Lookup, trail: _Trail) -> None:
    have = {r.service for r in trail.records if r.doi == doi}
    before = len(trail.problems)
    answered = False
    for service, name, fetch in (
        ("crossref", "Crossref", crossref.fetch_work),
        ("openalex", "OpenAlex", openalex.fetch_work),
    ):
        record = None if service in have else trail.add(trail.call(name, fetch, lookup, doi))
        ids.learn(record)
        answered = answered or service in have or record is not None
    answered = answered or any(r.doi == doi for r in trail.records)  # a search hit already said
    if not answered:  # a preprint or a DOI these two do not index
        record = _europepmc_by_id(lookup, trail, doi=doi)
        ids.learn(record)
        answered = record is not None
    if not answered and len(trail.problems) == before:
        trail.problems.append(f"DOI {doi} not found at Crossref, OpenAlex or Europe PMC")


def _from_page(url: str, lookup: Lookup, trail: _Trail, ids: _Ids, own_sites: Sequence[str]) -> None:
    host = _host(url)
    if host and any(same_site(host, s) for s in own_sites):
        trail.problems.append(f"a page of the citing site or a vendor ({host}), not a study")
        return
    if host and any(same_site(host, d) for d in NEWS_DOMAINS):
        trail.problems.append(f"a news or magazine page ({host}), not a study")
        return
    tags = trail.lookup(
        "the cited page", meta_tags.fetch_meta_tags, lookup, url, absent="the cited page is gone (HTTP 404)"
    )
    if tags is None:
        return
    if tags.has_identifier:
        ids.doi, ids.pmid = tags.doi, tags.pmid
    elif tags.scholarly and tags.title:
        trail.add(
            Record(service="meta_tags", url=url, title=tags.title, journal=tags.journal, year=tags.year)
        )
    else:
        trail.problems.append(
            "no citation_doi/citation_pmid meta tags on the page: not recognisably a journal article"
        )


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _from_search(work: Work, lookup: Lookup, trail: _Trail, ids: _Ids) -> None:
    reason = not_searchable_reason(work)
    if reason is not None:
        trail.problems.append(reason)
        return
    tried: list[Match] = []
    searches: list[Callable[[Work, Lookup, _Trail], Iterator[Match]]] = []
    if has_locator(work):
        searches.append(_by_locator)
    if work.title or not searches:
        searches.append(_by_title)
    for search in searches:
        for match in search(work, lookup, trail):
            tried.append(match)
            if match.accepted and match.record is not None:
                trail.add(match.record)
                ids.learn(match.record)
                return
    best = max(tried, key=lambda m: m.score, default=Match(None, 0.0, False, "no bibliographic match found"))
    trail.problems.append(f"no identifier and {best.why}")


def _by_locator(work: Work, lookup: Lookup, trail: _Trail) -> Iterator[Match]:
    """PubMed's citation matcher, then Crossref and Europe PMC on journal, volume and year."""
    if not (work.journal and work.year and work.volume):  # see has_locator
        return
    author = surname(work.authors[0]) if work.authors else ""
    journal = " ".join(re.sub(r"[.,;:]", " ", work.journal).split())
    query = pubmed.CitationQuery(
        journal=journal,
        year=work.year,
        volume=work.volume,
        first_page=first_page(work.pages) or "",
        author=author,
    )
    answers = trail.call("PubMed's citation matcher", pubmed.ecitmatch, lookup, [query]) or []
    answer = next((a for a in answers if a.key == query.key), None)
    if answer is not None and answer.pmid:
        yield best_match(work, trail.call("PubMed", pubmed.fetch_records, lookup, [answer.pmid]) or [])
    elif answer is not None:
        trail.problems.append(f"PubMed's citation matcher: {answer.outcome}")
    years = (work.year - 1, work.year + 1)
    text = work.citation_text or f"{author} {journal} {work.year};{work.volume}:{work.pages}"
    hits = trail.call("Crossref search", lambda: crossref.search_bibliographic(lookup, text, years=years))
    yield best_match(work, hits or [])
    found = trail.call(
        "Europe PMC search",
        europepmc.search,
        lookup,
        europepmc.locator_query(journal, work.year, work.volume, author or None),
    )
    yield best_match(work, found or [])


def _by_title(work: Work, lookup: Lookup, trail: _Trail) -> Iterator[Match]:
    """Crossref's bibliographic query, PubMed's title words, then Europe PMC (preprints too)."""
    yield best_match(
        work, trail.call("Crossref search", crossref.search_bibliographic, lookup, _query(work)) or []
    )
    yield _pubmed_search(work, lookup, trail)
    if work.title:
        author = surname(work.authors[0]) if work.authors else None
        query = europepmc.title_query(_title_words(work.title), author, work.year)
        yield best_match(work, trail.call("Europe PMC search", europepmc.search, lookup, query) or [])


def _query(work: Work) -> str:
    if work.citation_text:
        return work.citation_text
    parts = [", ".join(work.authors), str(work.year or ""), work.title or "", work.journal or ""]
    return " ".join(p for p in parts if p)


def _title_words(title: str) -> list[str]:
    words = [w.strip(".,:;()[]?!'") for w in title.replace('"', " ").split() if len(w) > 3][:10]
    return [w for w in words if w]


def _pubmed_search(work: Work, lookup: Lookup, trail: _Trail) -> Match:
    terms = [f"{w}[ti]" for w in _title_words(work.title or "")]
    if work.authors and (name := surname(work.authors[0])):
        terms.append(f"{name}[au]")
    if work.year:
        terms.append(f"{work.year}[dp]")
    if work.journal and not work.title:
        terms.append(f'"{work.journal}"[ta]')
    found = trail.call("PubMed search", lambda: pubmed.esearch(lookup, " AND ".join(terms), retmax=3))
    if found is None or not found.ids:
        return Match(None, 0.0, False, "no bibliographic match found")
    return best_match(work, trail.call("PubMed", pubmed.fetch_records, lookup, found.ids) or [])


def classify_resolved(
    work: Work, records: Sequence[Record], site: str | None = None, vendors: Collection[str] = ()
) -> Work:
    """The work with design, sample size, human and retraction set from its record and services."""
    labels = [r.type_label for r in records if r.type_label]
    if any(r.retraction_notice for r in records):
        labels.insert(0, "retraction")
    stated = next((r.stated_design for r in records if r.stated_design), None)
    found = classify(work, site=site, type_labels=labels, stated_design=stated, vendors=vendors)
    unknown = found.design is Design.UNKNOWN and work.status is not WorkStatus.RESOLVED
    return work.model_copy(
        update={
            "design": None if unknown else found.design,
            "sample_size": found.sample_size,
            "human": found.human,
            "retracted": found.retracted,
        }
    )
