"""Resolve a cited work: pick the services its identifiers allow, merge their answers, classify.

Routes, in the order they can feed each other:

    pmcid            -> PMC ID converter        (gives the PMID and DOI)
    url, no id       -> the page's meta tags    (citation_doi / citation_pmid / dc.identifier)
    ref:, no id      -> bibliographic search    (Crossref, then PubMed), accepted at match >= 0.75
    nct              -> ClinicalTrials.gov
    doi              -> Crossref + OpenAlex     (OpenAlex may add the PMID)
    pmid             -> PubMed                  (publication types, MeSH, abstract: the design)

A work no service answers for stays UNRESOLVED with every reason found ("offline", "not found at
Crossref or OpenAlex", "no identifier and bibliographic match score 0.41 below 0.75", "network
error: ..."); its fields keep what the citation stated, nothing more. Service failures never
raise out of `resolve_work`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from ingest.classify import NEWS_DOMAINS, classify, same_site
from ingest.resolve import clinicaltrials, crossref, idconv, meta_tags, openalex, pubmed
from ingest.resolve.base import Endpoints, Lookup
from ingest.resolve.errors import ResolveError, ServiceUnavailable
from ingest.resolve.match import Match, best_match, states_enough, surname
from ingest.resolve.ratelimit import RateLimiter
from ingest.resolve.records import Record, merge
from kb.grading import Design
from kb.models import Work, WorkStatus
from kb.settings import Settings

__all__ = ["classify_resolved", "resolve_work", "resolve_works"]

T = TypeVar("T")
# Parsers read defensively; these mean a body of a shape they did not foresee.
_SHAPE_ERRORS = (ValidationError, TypeError, AttributeError, KeyError, IndexError, ValueError)


@dataclass
class _Trail:
    """What the services said while resolving one work."""

    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

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


def _route(work: Work, lookup: Lookup, trail: _Trail, own_sites: Sequence[str]) -> None:
    ids = _Ids(work.doi, work.pmid, work.pmcid, work.nct)
    if ids.pmcid and not (ids.pmid and ids.doi):
        absent = f"{ids.pmcid} not found by the PMC ID converter"
        ids.learn(
            trail.add(trail.lookup("the PMC ID converter", idconv.convert, lookup, ids.pmcid, absent=absent))
        )
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
    if not answered and len(trail.problems) == before:
        trail.problems.append(f"DOI {doi} not found at Crossref or OpenAlex")


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
    if not states_enough(work):
        needs = "a title, or authors, year and journal"
        trail.problems.append(f"no identifier, and the citation states too little to search ({needs})")
        return
    match = best_match(
        work, trail.call("Crossref search", crossref.search_bibliographic, lookup, _query(work)) or []
    )
    if not match.accepted:
        other = _pubmed_search(work, lookup, trail)
        match = other if other.accepted or other.score > match.score else match
    if match.accepted and match.record is not None:
        trail.add(match.record)
        ids.learn(match.record)
    else:
        trail.problems.append(f"no identifier and {match.why}")


def _query(work: Work) -> str:
    if work.citation_text:
        return work.citation_text
    parts = [", ".join(work.authors), str(work.year or ""), work.title or "", work.journal or ""]
    return " ".join(p for p in parts if p)


def _pubmed_search(work: Work, lookup: Lookup, trail: _Trail) -> Match:
    terms = []
    if work.title:
        words = [w for w in work.title.replace('"', " ").split() if len(w) > 3][:10]
        terms += [f"{w.strip('.,:;()[]')}[ti]" for w in words]
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
            "design": None if unknown else found.design.value,
            "sample_size": found.sample_size,
            "human": found.human,
            "retracted": found.retracted,
        }
    )
