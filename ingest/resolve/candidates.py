"""Candidate evidence for an uncited claim: what PubMed holds on its intervention AND outcome.

    (intervention forms OR'd) AND (outcome forms OR'd), one clause per atom, atoms OR'd

run three times, strongest designs first, until `limit` PMIDs are found:

    1. systematic reviews and meta-analyses    (systematic review[pt] OR meta-analysis[pt])
    2. trials                                  (randomized controlled trial[pt] OR clinical trial[pt])
    3. other studies in people                 humans[mh]

The hits are fetched and classified like cited works, and come back as `Work`s for CANDIDATE
edges (provenance `literature_search`): never counted for a grade until an editor accepts them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import requests

from ingest.directness import expand
from ingest.resolve.base import Endpoints, Lookup
from ingest.resolve.errors import ResolveError
from ingest.resolve.pubmed import esearch, fetch_records
from ingest.resolve.ratelimit import RateLimiter
from ingest.resolve.records import merge
from ingest.resolve.resolver import classify_resolved
from kb.models import Atom, Citation, Claim, Provenance, Work, WorkStatus
from kb.settings import Settings

__all__ = ["FILTERS", "candidate_citations", "candidate_query", "find_candidates"]

FILTERS = (
    ("systematic reviews and meta-analyses", "(systematic review[pt] OR meta-analysis[pt])"),
    ("trials", "(randomized controlled trial[pt] OR clinical trial[pt])"),
    ("other studies in people", "humans[mh]"),
)
MAX_FORMS = 6  # synonyms per term: enough for recall, short enough for a readable query
_GENERIC = frozenset({"symptoms", "results", "outcomes", "health", "effects", "benefits", "treatment"})


def _clause(name: str) -> str | None:
    """The OR of `name`'s forms, canonical first; a form containing a kept form's words adds nothing."""
    forms = expand(name)  # [canonical, synonyms..., name as written]
    ordered = forms[:1] + sorted(forms[1:], key=lambda f: len(f.split()))
    kept: list[str] = []
    for form in ordered:
        if re.fullmatch(r"[A-Z0-9+-]{2,4}s?", form):  # short acronyms ("KAP") find unrelated papers
            continue
        words = set(re.findall(r"[\w+]+", form.casefold()))
        if not words or form.casefold() in _GENERIC:
            continue
        # PubMed splits on hyphens too, so ketamine[tiab] already finds "ketamine-assisted therapy".
        if not any(set(re.findall(r"[\w+]+", k.casefold())) <= words for k in kept):
            kept.append(" ".join(form.replace('"', " ").split()))
    terms = [f'"{k}"[tiab]' if " " in k else f"{k}[tiab]" for k in kept[:MAX_FORMS]]
    return f"({' OR '.join(terms)})" if terms else None


def candidate_query(atoms: Sequence[Atom]) -> str | None:
    """The PubMed query for the claim's atoms; None when no atom names both parts specifically."""
    clauses = []
    for atom in atoms:
        intervention, outcome = _clause(atom.intervention), _clause(atom.outcome)
        if intervention and outcome:
            clauses.append(f"({intervention} AND {outcome})")
    clauses = list(dict.fromkeys(clauses))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def find_candidates(
    claim: Claim,
    session: requests.Session,
    settings: Settings,
    *,
    rate_limiter: RateLimiter,
    endpoints: Endpoints | None = None,
    limit: int = 5,
) -> list[Work]:
    """Up to `limit` PubMed works on the claim, strongest designs first; [] offline or without atoms.

    Raises `ResolveError` when the search itself fails; a failed fetch after a good search leaves
    the hits PENDING (their PMIDs are known, nothing else).
    """
    query = candidate_query(claim.atoms)
    if settings.offline or query is None or limit <= 0:
        return []
    lookup = Lookup(session, settings, rate_limiter, endpoints or Endpoints())
    pmids: list[str] = []
    for _, fltr in FILTERS:
        found = esearch(lookup, f"{query} AND {fltr}", retmax=limit)
        pmids += [p for p in found.ids if p not in pmids]
        if len(pmids) >= limit:
            break
    pmids = pmids[:limit]
    pending = [Work(key=f"pmid:{p}", pmid=p, status=WorkStatus.PENDING) for p in pmids]
    if not pmids:
        return []
    try:
        records = {r.pmid: r for r in fetch_records(lookup, pmids)}
    except ResolveError:  # the search worked: keep the hits, pending, for a later lookup
        return pending
    out = []
    for work in pending:
        record = records.get(work.pmid)
        out.append(classify_resolved(merge(work, [record]), [record]) if record else work)
    return out


def candidate_citations(claim: Claim, works: Sequence[Work]) -> list[Citation]:
    """CANDIDATE edges for `works`: literature-search provenance, not accepted."""
    query = candidate_query(claim.atoms) or ""
    return [
        Citation(
            claim_id=claim.id,
            work_id=w.id,
            provenance=Provenance.LITERATURE_SEARCH,
            text=f"PubMed: {query}"[:500],
            candidate=True,
        )
        for w in works
    ]
