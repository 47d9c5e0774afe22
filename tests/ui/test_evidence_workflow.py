"""The worked example of docs/rubric.md: an article with an author-year reference list, its works
resolved against the local fixture server, its claims graded with reasons in the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_services import fake_services
from httpserver import LocalServer

from ingest.resolve import Endpoints
from kb.models import WorkStatus
from kb.settings import Settings
from kb.store import GraphStore
from kb.views import ClaimFilter
from ui import workflows

ARTICLE = Path(__file__).resolve().parents[1] / "fixtures" / "articles" / "zorblax_author_year.txt"


@pytest.fixture
def online(settings: Settings) -> Settings:
    # The fixture server is on 127.0.0.1, which the address guard refuses unless allowed.
    return settings.model_copy(update={"allow_private_network": True, "offline": False, "http_retries": 1})


def _grades(store: GraphStore) -> dict[str, tuple[str, bool]]:
    rows = store.list_claims(ClaimFilter(), page_size=50).rows
    return {r.text.split("(")[0].strip(): (r.grade.value, r.overclaim) for r in rows}


def test_worked_example_resolves_and_grades(store: GraphStore, online: Settings) -> None:
    with LocalServer(handlers=fake_services()) as server:
        report = workflows.ingest_batch(
            store, online, [str(ARTICLE)], progress=False, endpoints=Endpoints.under(server.url())
        )
    assert not report.failed
    grades = _grades(store)
    # high, and an overclaim since rubric 1.1: the meta-analysis only "suggests" what the page states
    assert grades["Zorblax infusion therapy reduces chronic fatigue in adults"] == ("high", True)
    # a cohort of "zorblax use" (no infusions) found by bibliographic search: low, then indirect
    assert grades["Zorblax infusion therapy also improves sleep quality"][0] == "very low"
    assert grades["Zorblax infusion therapy is clinically proven to cure fatigue"] == ("very low", True)
    assert grades["Studies show that zorblax infusion therapy boosts energy levels."] == ("none", False)

    mouse_claim = next(r for r in store.list_claims(ClaimFilter(search="clinically proven")).rows)
    detail = store.get_claim(mouse_claim.id)
    assert detail.claim.rubric_version
    assert any("animal" in reason for reason in detail.claim.reasons)
    [cited] = detail.citations
    assert cited.work.status == "resolved" and cited.work.design == "animal"
    assert cited.edge.provenance == "author_year"

    sleep = next(r for r in store.list_claims(ClaimFilter(search="sleep quality")).rows)
    sleep_detail = store.get_claim(sleep.id)
    assert sleep_detail.citations[0].work.design == "cohort"
    assert any("indirectness" in reason for reason in sleep_detail.claim.reasons)

    meta = next(r for r in store.list_claims(ClaimFilter(search="chronic fatigue in adults")).rows)
    assert any("states as fact what the study only suggests" in reason for reason in meta.reasons)
    [study] = store.get_claim(meta.id).studies
    assert study.comparison is not None and [a.verdict.value for a in study.comparison.axes] == [
        "match", "match", "match", "match", "mismatch",
    ]  # fmt: skip


def test_offline_ingest_then_resolve_later(store: GraphStore, online: Settings) -> None:
    offline = online.model_copy(update={"offline": True})
    workflows.ingest_batch(store, offline, [str(ARTICLE)], progress=False)
    pending = store.works_by_status([WorkStatus.PENDING])
    assert len(pending) == 3  # nothing is guessed: the works wait, marked pending
    before = _grades(store)
    assert before["Zorblax infusion therapy reduces chronic fatigue in adults"][0] == "very low"

    with LocalServer(handlers=fake_services()) as server:
        result = workflows.resolve_pending(
            store, online, progress=False, endpoints=Endpoints.under(server.url())
        )
    assert (result.looked_up, result.resolved) == (3, 3)
    assert result.regraded == 3
    assert store.works_by_status([WorkStatus.PENDING]) == []
    assert _grades(store)["Zorblax infusion therapy reduces chronic fatigue in adults"][0] == "high"


def test_unreachable_services_leave_works_unresolved_with_a_reason(
    store: GraphStore, online: Settings
) -> None:
    dead = Endpoints.under("http://127.0.0.1:9")  # nothing listens on the discard port
    workflows.ingest_batch(store, online, [str(ARTICLE)], progress=False, endpoints=dead)
    works = store.works_by_status([WorkStatus.UNRESOLVED])
    assert len(works) == 3
    assert all(w.unresolved_reason for w in works)
    assert all(w.title is None or w.title.startswith("Zorblax") for w in works)  # only what the article said
