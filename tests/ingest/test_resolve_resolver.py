"""resolve_work end to end against a local server: every route, every failure, never a guess."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_services import fake_services, fixture, json_reply, lookup_settings, sequence, slow, status
from httpserver import Handler, LocalServer, Reply

from ingest.http import make_session
from ingest.resolve import Endpoints, RateLimiter, resolve_work, resolve_works
from kb.models import Design, Work, WorkStatus
from kb.settings import Settings


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer(handlers=fake_services()) as s:
        yield s


def _resolve(server: LocalServer, work: Work, settings: Settings, **kwargs: object) -> Work:
    session = make_session(settings, allow_private=True, cache=False)
    return resolve_work(
        work,
        session,
        settings,
        rate_limiter=RateLimiter.unlimited(),
        endpoints=Endpoints.under(server.url()),
        **kwargs,  # type: ignore[arg-type]
    )


def test_doi_route_uses_crossref_openalex_then_pubmed(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(
        server, Work(key="doi:10.5555/kb.meta.001", doi="10.5555/kb.meta.001"), lookup_settings(tmp_path)
    )
    assert work.status is WorkStatus.RESOLVED and work.unresolved_reason is None
    assert work.resolved_by == ["crossref", "openalex", "pubmed"]  # OpenAlex gave the PMID
    assert (work.pmid, work.pmcid) == ("912345601", "PMC9999001")
    assert work.design == Design.META_ANALYSIS and work.sample_size == 1480 and work.human is True
    assert work.retracted is False  # OpenAlex says so; nobody says otherwise
    assert work.cited_by_count == 61
    assert "Randomized Controlled Trials as Topic" in work.mesh


def test_pmid_route(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="pmid:912345602", pmid="912345602"), lookup_settings(tmp_path))
    assert work.resolved_by == ["pubmed"]
    assert work.design == Design.RCT and work.sample_size == 40
    assert work.doi == "10.5555/kb.rct.001" and work.nct == "NCT99999901"


def test_pmcid_route_goes_through_the_id_converter(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="pmcid:PMC9999002", pmcid="PMC9999002"), lookup_settings(tmp_path))
    assert work.status is WorkStatus.RESOLVED
    assert work.resolved_by == ["crossref", "idconv", "openalex", "pubmed"]
    assert (work.pmid, work.doi) == ("912345602", "10.5555/kb.rct.001")


def test_unknown_pmcid_is_unresolved_with_reason(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(server, Work(key="pmcid:PMC9999404", pmcid="PMC9999404"), lookup_settings(tmp_path))
    assert work.status is WorkStatus.UNRESOLVED
    assert work.unresolved_reason == "PMC9999404 not found by the PMC ID converter or at Europe PMC"


@pytest.mark.parametrize(
    ("nct", "design", "n"),
    [("NCT99999901", Design.RCT, 40), ("NCT99999902", Design.TRIAL_REGISTRATION, None)],
)
def test_nct_route(server: LocalServer, tmp_path: Path, nct: str, design: Design, n: int | None) -> None:
    work = _resolve(server, Work(key=f"nct:{nct}", nct=nct), lookup_settings(tmp_path))
    assert work.resolved_by == ["clinicaltrials"]
    assert work.design == design and work.sample_size == n and work.human is True


def test_retracted_trial(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(
        server,
        Work(key="doi:10.5555/kb.retracted.001", doi="10.5555/kb.retracted.001"),
        lookup_settings(tmp_path),
    )
    assert work.retracted is True and work.design == Design.RCT


def test_journal_url_is_resolved_through_its_meta_tags(server: LocalServer, tmp_path: Path) -> None:
    url = server.url("/pages/journal_article.html")
    work = _resolve(server, Work(key="url:x", url=url), lookup_settings(tmp_path))
    assert work.status is WorkStatus.RESOLVED
    assert work.doi == "10.5555/kb.rct.001" and work.pmid == "912345602"
    assert "pubmed" in work.resolved_by and work.design == Design.RCT


def test_a_page_without_citation_tags_stays_unresolved_and_news_is_classified(
    server: LocalServer, tmp_path: Path
) -> None:
    server.reply(
        "/news/zorblax-drips",
        lambda req: Reply(body=fixture("pages/news_story.html"), content_type="text/html"),
    )
    work = _resolve(
        server, Work(key="url:y", url=server.url("/news/zorblax-drips")), lookup_settings(tmp_path)
    )
    assert work.status is WorkStatus.UNRESOLVED
    assert (
        work.unresolved_reason is not None
        and "no citation_doi/citation_pmid meta tags" in work.unresolved_reason
    )
    assert work.design == Design.NEWS
    assert work.title is None and work.doi is None  # nothing read off a news page is taken as bibliographic


def test_the_citing_sites_own_page_is_commercial_and_not_fetched(server: LocalServer, tmp_path: Path) -> None:
    work = Work(key="url:z", url="https://zorblax-clinic.example/blog/why-zorblax")
    got = _resolve(server, work, lookup_settings(tmp_path), site="www.zorblax-clinic.example")
    assert got.status is WorkStatus.UNRESOLVED and got.design == Design.COMMERCIAL
    assert (
        got.unresolved_reason == "a page of the citing site or a vendor (zorblax-clinic.example), not a study"
    )
    assert server.seen == []


def test_author_year_journal_reference_is_matched_bibliographically(
    server: LocalServer, tmp_path: Path
) -> None:
    cited = Work(
        key="ref:0000000000000001",
        citation_text="Roe R, Doe J. Zorblax use and sleep quality: a prospective cohort study. J Imag Med. 2019;7:101-12.",
        authors=["Roe R", "Doe J"],
        year=2019,
        journal="J Imag Med",
        title="Zorblax use and sleep quality: a prospective cohort study",
    )
    work = _resolve(server, cited, lookup_settings(tmp_path))
    assert work.status is WorkStatus.RESOLVED and work.doi == "10.5555/kb.cohort.001"
    assert work.design == Design.COHORT


def test_a_weak_bibliographic_match_is_refused_with_its_score(server: LocalServer, tmp_path: Path) -> None:
    server.reply("/crossref/works", lambda req: json_reply(fixture("crossref/search_weak.json")))
    cited = Work(
        key="ref:0000000000000002", authors=["Doe J"], year=2021, title="Zorblax for jet lag in pilots"
    )
    work = _resolve(server, cited, lookup_settings(tmp_path))
    assert work.status is WorkStatus.UNRESOLVED
    assert work.unresolved_reason is not None
    assert work.unresolved_reason.startswith("no identifier and bibliographic match score 0.")
    assert work.unresolved_reason.endswith("below 0.75")
    assert work.doi is None and work.pmid is None and work.title == "Zorblax for jet lag in pilots"
    assert server.hits["/eutils/esearch.fcgi"] == 1  # PubMed was asked too


def test_a_reference_that_states_too_little_is_not_searched(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(
        server, Work(key="ref:0000000000000003", authors=["Grabski"], year=2022), lookup_settings(tmp_path)
    )
    assert work.status is WorkStatus.UNRESOLVED
    assert work.unresolved_reason is not None and "states too little to search" in work.unresolved_reason
    assert server.seen == []


def test_offline_touches_nothing(server: LocalServer, tmp_path: Path) -> None:
    work = _resolve(
        server,
        Work(key="doi:10.5555/kb.meta.001", doi="10.5555/kb.meta.001"),
        lookup_settings(tmp_path, offline=True),
    )
    assert work.status is WorkStatus.UNRESOLVED and work.unresolved_reason == "offline"
    assert work.design is None and work.title is None
    assert server.seen == []


def test_a_failed_refresh_keeps_a_resolved_work(server: LocalServer, tmp_path: Path) -> None:
    first = _resolve(server, Work(key="pmid:912345602", pmid="912345602"), lookup_settings(tmp_path))
    again = _resolve(server, first, lookup_settings(tmp_path, offline=True))
    assert again == first


# --- every failure ends resolved or unresolved-with-reason ---------------------------------


def _ok(service: str) -> Handler:
    return lambda req: json_reply(fixture(f"{service}/work_rct.json"))


FAILURES: dict[str, tuple[Handler, Handler, WorkStatus, str | None]] = {
    "not found": (status(404), status(404), WorkStatus.UNRESOLVED, "DOI 10.5555/kb.rct.001 not found at Crossref, OpenAlex or Europe PMC"),
    "429 then ok": (sequence(status(429, headers={"Retry-After": "0"}), _ok("crossref")), _ok("openalex"), WorkStatus.RESOLVED, None),
    "5xx then ok": (sequence(status(503), _ok("crossref")), sequence(status(500), _ok("openalex")), WorkStatus.RESOLVED, None),
    "one service down": (status(500), _ok("openalex"), WorkStatus.RESOLVED, None),
    "timeout": (slow(1.0, _ok("crossref")), slow(1.0, _ok("openalex")), WorkStatus.UNRESOLVED, "network error: Crossref:"),
    "malformed": (lambda r: Reply(body=b"{oops"), lambda r: Reply(body=b'{"id": 1}'), WorkStatus.UNRESOLVED, "malformed response from Crossref"),
    "html": (lambda r: Reply(body=b"<html>busy</html>", content_type="text/html"), status(404), WorkStatus.UNRESOLVED, "malformed response from Crossref"),
}  # fmt: skip


@pytest.mark.parametrize("case", FAILURES, ids=list(FAILURES))
def test_doi_route_failures(tmp_path: Path, case: str) -> None:
    crossref, openalex, want, reason = FAILURES[case]
    routes = {
        "/crossref/works/*": crossref,
        "/openalex/works/*": openalex,
        "/eutils/efetch.fcgi": status(404),
    }
    settings = lookup_settings(tmp_path, http_timeout=0.3, http_retries=1)
    with LocalServer(handlers=routes) as server:
        work = _resolve(server, Work(key="doi:10.5555/kb.rct.001", doi="10.5555/kb.rct.001"), settings)
    assert work.status is want
    if want is WorkStatus.UNRESOLVED:
        assert reason is not None and work.unresolved_reason is not None
        assert work.unresolved_reason.startswith(reason), work.unresolved_reason
        assert (work.title, work.year, work.journal, work.pmid) == (None, None, None, None)  # nothing guessed
    else:
        assert work.title is not None and work.title.startswith("A randomized, double-blind")


@pytest.mark.parametrize(
    ("efetch", "reason"),
    [
        (lambda req: Reply(body=fixture("pubmed/efetch_empty.xml"), content_type="text/xml"), "PMID 912345602 not found at PubMed"),
        (lambda req: Reply(body=fixture("pubmed/efetch_broken.xml"), content_type="text/xml"), "malformed response from PubMed"),
        (status(502), "network error: PubMed:"),
    ],
)  # fmt: skip
def test_pmid_route_failures(tmp_path: Path, efetch: Handler, reason: str) -> None:
    with LocalServer(handlers={"/eutils/efetch.fcgi": efetch}) as server:
        work = _resolve(
            server, Work(key="pmid:912345602", pmid="912345602"), lookup_settings(tmp_path, http_retries=0)
        )
    assert work.status is WorkStatus.UNRESOLVED
    assert work.unresolved_reason is not None and work.unresolved_reason.startswith(reason)
    assert work.pmid == "912345602" and work.design is None and work.title is None


def test_pmid_route_recovers_from_429(tmp_path: Path) -> None:
    ok = lambda req: Reply(body=fixture("pubmed/efetch_912345602.xml"), content_type="text/xml")  # noqa: E731
    with LocalServer(
        handlers={"/eutils/efetch.fcgi": sequence(status(429, headers={"Retry-After": "0"}), ok)}
    ) as server:
        work = _resolve(server, Work(key="pmid:912345602", pmid="912345602"), lookup_settings(tmp_path))
    assert work.status is WorkStatus.RESOLVED and server.hits["/eutils/efetch.fcgi"] == 2


# --- many works, caching, politeness --------------------------------------------------------


def test_resolve_works_keeps_order_across_threads(server: LocalServer, tmp_path: Path) -> None:
    works = [Work(key=f"pmid:91234560{i}", pmid=f"91234560{i}") for i in range(1, 8)]
    settings = lookup_settings(tmp_path)
    session = make_session(settings, allow_private=True, cache=False)
    got = resolve_works(
        works,
        session,
        settings,
        rate_limiter=RateLimiter.unlimited(),
        endpoints=Endpoints.under(server.url()),
        workers=4,
    )
    assert [w.key for w in got] == [w.key for w in works]
    assert all(w.status is WorkStatus.RESOLVED for w in got)


def test_a_second_resolution_comes_from_the_cache(server: LocalServer, tmp_path: Path) -> None:
    settings = lookup_settings(tmp_path)
    session = make_session(settings, allow_private=True, cache=True)
    work = Work(key="pmid:912345602", pmid="912345602")
    for _ in range(2):
        got = resolve_work(
            work,
            session,
            settings,
            rate_limiter=RateLimiter.unlimited(),
            endpoints=Endpoints.under(server.url()),
        )
        assert got.status is WorkStatus.RESOLVED
    assert server.hits["/eutils/efetch.fcgi"] == 1


def test_rate_limiter_spaces_requests_per_service() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter({"ncbi": 3.0}, clock=lambda: now[0], sleep=sleep)
    waits = [limiter.wait("ncbi") for _ in range(4)]
    assert waits == pytest.approx([0.0, 1 / 3, 1 / 3, 1 / 3])
    assert limiter.wait("crossref") == 0.0  # no rate: not limited


def test_rate_limiter_is_fair_across_threads() -> None:
    limiter = RateLimiter({"ncbi": 50.0})
    starts: list[float] = []
    lock = threading.Lock()

    def call() -> None:
        limiter.wait("ncbi")
        with lock:
            starts.append(time.monotonic())

    threads = [threading.Thread(target=call) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    assert starts[-1] - starts[0] >= 9 / 50 - 0.02  # ten calls at 50/s span at least 0.18 s


def test_rate_limits_follow_the_settings(tmp_path: Path) -> None:
    plain = RateLimiter.for_settings(Settings(home=tmp_path))
    keyed = RateLimiter.for_settings(
        Settings(home=tmp_path, ncbi_api_key="k", contact_email="kb@example.org")
    )
    assert (plain.rates["ncbi"], keyed.rates["ncbi"]) == (3.0, 10.0)
    assert (plain.rates["crossref"], keyed.rates["crossref"]) == (5.0, 10.0)
