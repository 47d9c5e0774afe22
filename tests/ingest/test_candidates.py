"""Candidate evidence for an uncited claim: PubMed, strongest designs first, never counted unaccepted."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fake_services import fake_services, fixture, json_reply, lookup_settings, status
from httpserver import LocalServer, Reply

from ingest.http import make_session
from ingest.resolve import (
    Endpoints,
    RateLimiter,
    ResolveError,
    candidate_citations,
    candidate_query,
    find_candidates,
)
from kb.grading import WorkEvidence, grade_claim
from kb.models import Atom, Claim, Design, Grade, Provenance, Work, WorkStatus
from kb.settings import Settings


def _claim(*atoms: Atom) -> Claim:
    text = "Zorblax reduces fatigue."
    return Claim(source_id="src_test", text=text, start=0, end=len(text), atoms=list(atoms))


ZORBLAX = Atom(intervention="zorblax", effect="reduces", outcome="fatigue")


def _find(server: LocalServer, claim: Claim, settings: Settings, limit: int = 5) -> list[Work]:
    session = make_session(settings, allow_private=True, cache=False)
    return find_candidates(
        claim,
        session,
        settings,
        rate_limiter=RateLimiter.unlimited(),
        endpoints=Endpoints.under(server.url()),
        limit=limit,
    )


def test_query_uses_synonyms_and_skips_short_acronyms() -> None:
    atom = Atom(intervention="ketamine therapy", effect="reduces", outcome="alcohol use disorder")
    query = candidate_query([atom])
    assert query is not None
    intervention, outcome = query.removeprefix("(").removesuffix(")").split(" AND ")
    # "ketamine therapy" and "ketamine-assisted therapy" add nothing to ketamine[tiab]; KAP is ambiguous
    assert intervention == "(ketamine[tiab] OR esketamine[tiab] OR Spravato[tiab])"
    assert outcome.startswith('("alcohol use disorder"[tiab] OR ') and "alcoholism[tiab]" in outcome


def test_no_query_without_a_specific_outcome() -> None:
    assert candidate_query([Atom(intervention="zorblax", effect="relieves", outcome="symptoms")]) is None
    assert candidate_query([]) is None


def test_systematic_reviews_first_then_fetched_and_classified(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        works = _find(server, _claim(ZORBLAX), lookup_settings(tmp_path), limit=2)
    searches = [
        parse_qs(urlsplit(u).query)["term"][0] for u in server.seen if u.startswith("/eutils/esearch")
    ]
    assert len(searches) == 1 and searches[0].endswith("AND (systematic review[pt] OR meta-analysis[pt])")
    assert [w.pmid for w in works] == ["912345601", "912345602"]
    assert all(w.status is WorkStatus.RESOLVED for w in works)
    assert [w.design for w in works] == [Design.META_ANALYSIS, Design.RCT]


def test_filters_widen_until_the_limit(tmp_path: Path) -> None:
    empty, hits = fixture("pubmed/esearch_empty.json"), fixture("pubmed/esearch_candidates.json")
    with LocalServer(handlers=fake_services()) as server:
        server.reply(
            "/eutils/esearch.fcgi",
            lambda req: json_reply(empty if "systematic" in req.query["term"] else hits),
        )
        works = _find(server, _claim(ZORBLAX), lookup_settings(tmp_path), limit=5)
    assert server.hits["/eutils/esearch.fcgi"] == 3  # reviews, trials, other human studies
    assert [w.pmid for w in works] == ["912345601", "912345602"]


def test_a_failed_fetch_leaves_the_hits_pending(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        server.reply("/eutils/efetch.fcgi", lambda req: Reply(body=b"<broken", content_type="text/xml"))
        works = _find(server, _claim(ZORBLAX), lookup_settings(tmp_path), limit=2)
    assert [(w.key, w.status, w.title) for w in works] == [
        ("pmid:912345601", WorkStatus.PENDING, None),
        ("pmid:912345602", WorkStatus.PENDING, None),
    ]


def test_a_failed_search_raises(tmp_path: Path) -> None:
    with LocalServer(handlers={"/eutils/esearch.fcgi": status(500)}) as server, pytest.raises(ResolveError):
        _find(server, _claim(ZORBLAX), lookup_settings(tmp_path, http_retries=0))


def test_offline_or_no_atoms_searches_nothing(tmp_path: Path) -> None:
    with LocalServer(handlers=fake_services()) as server:
        assert _find(server, _claim(ZORBLAX), lookup_settings(tmp_path, offline=True)) == []
        assert _find(server, _claim(), lookup_settings(tmp_path)) == []
    assert server.seen == []


def test_candidate_edges_are_literature_search_and_never_graded_until_accepted(tmp_path: Path) -> None:
    claim = _claim(ZORBLAX)
    with LocalServer(handlers=fake_services()) as server:
        works = _find(server, claim, lookup_settings(tmp_path), limit=2)
    edges = candidate_citations(claim, works)
    assert all(e.candidate and not e.accepted and e.provenance is Provenance.LITERATURE_SEARCH for e in edges)
    assert edges[0].text.startswith("PubMed: ")
    unaccepted = [WorkEvidence(work=w, candidate=True) for w in works]
    assert grade_claim(claim, unaccepted).grade is Grade.NONE
