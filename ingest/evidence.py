"""Resolve a document's cited works and grade its claims, before it is written.

    complete(doc)  = resolve the works (unless offline) + grade every claim (always)

Offline, works stay `pending` ("not looked up yet", `kb resolve` finishes them later) and claims
that cite them are graded as citing something unverifiable; nothing is ever guessed.
Grading is pure (`grade_claims`), so it also serves `kb grade` on claims read back from the
graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ingest.classify import directness
from ingest.comparison import compare
from kb.grading import WorkEvidence, grade_claim, work_evidence
from kb.models import Assessment, Citation, Claim, Document, Work
from kb.settings import Settings

if TYPE_CHECKING:  # the HTTP and lookup modules load when works are looked up, not for `kb extract`
    import requests

    from ingest.resolve import Endpoints, RateLimiter


def evidence_for(claim: Claim, citations: Iterable[Citation], works: dict[str, Work]) -> list[WorkEvidence]:
    """The works that count for a claim: what it cites, plus candidates an editor accepted, each
    with the claim beside it (`ingest.comparison.compare`) and the editor's stance its citation
    carries (which the grade follows over any automatic judgement: `kb.grading`)."""
    out = []
    for cit in citations:
        if cit.claim_id != claim.id or cit.work_id not in works or (cit.candidate and not cit.accepted):
            continue
        work = works[cit.work_id]
        out.append(
            work_evidence(
                cit, work, comparison=compare(claim, work), directness=directness(work, claim.atoms)
            )
        )
    return out


def grade_claims(
    claims: Sequence[Claim], citations: Sequence[Citation], works: Sequence[Work]
) -> list[Assessment]:
    by_id = {w.id: w for w in works}
    return [grade_claim(c, evidence_for(c, citations, by_id)) for c in claims]


def resolve(
    works: Sequence[Work],
    settings: Settings,
    *,
    site: str | None = None,
    session: requests.Session | None = None,
    endpoints: Endpoints | None = None,
    rate_limiter: RateLimiter | None = None,
) -> list[Work]:
    if not works:
        return []
    from ingest.http import make_session
    from ingest.resolve import resolve_works

    own = session is None
    active = session or make_session(settings)
    try:
        return resolve_works(
            works, active, settings, rate_limiter=rate_limiter, endpoints=endpoints, site=site
        )
    finally:
        if own:
            active.close()


def complete(
    doc: Document,
    settings: Settings,
    *,
    offline: bool,
    session: requests.Session | None = None,
    endpoints: Endpoints | None = None,
) -> Document:
    """The document with its works looked up (unless offline) and every claim graded."""
    works = doc.works
    if not offline and not settings.offline:
        works = resolve(works, settings, site=doc.source.site, session=session, endpoints=endpoints)
    assessments = grade_claims(doc.claims, doc.citations, works)
    return doc.model_copy(update={"works": works, "assessments": assessments})
