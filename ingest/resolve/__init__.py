"""Look up cited works at PubMed (EFetch, ESearch, the ECitMatch citation matcher), Crossref,
OpenAlex, Europe PMC, the PMC ID converter and ClinicalTrials.gov.

One module per service: an I/O function that goes through `Lookup.get` (the injected session)
feeding a pure parser that returns `Record`s. `resolver.resolve_work` picks the services a work's
identifiers (or its journal locator, or its title) allow and merges their answers;
`resolver.lookup_route` says which route that is without asking anything;
`candidates.find_candidates` searches PubMed for an uncited claim's evidence.
"""

from __future__ import annotations

from ingest.resolve.base import Endpoints, Lookup
from ingest.resolve.candidates import candidate_citations, candidate_query, find_candidates
from ingest.resolve.errors import MalformedResponse, ResolveError, ServiceUnavailable
from ingest.resolve.match import THRESHOLD as MATCH_THRESHOLD
from ingest.resolve.ratelimit import RateLimiter
from ingest.resolve.records import Record
from ingest.resolve.resolver import classify_resolved, lookup_route, resolve_work, resolve_works

__all__ = [
    "MATCH_THRESHOLD",
    "Endpoints",
    "Lookup",
    "MalformedResponse",
    "RateLimiter",
    "Record",
    "ResolveError",
    "ServiceUnavailable",
    "candidate_citations",
    "candidate_query",
    "classify_resolved",
    "find_candidates",
    "lookup_route",
    "resolve_work",
    "resolve_works",
]
