"""The graph store against the real embedded engine over Bolt (or NEO4J_URI when set)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from factories import make_document

from kb import console_runner, cypher, write_plan
from kb.errors import NotFound, QueryRefused, StoreError
from kb.models import Assessment, FlagReason, FlagStatus, Grade
from kb.settings import Settings
from kb.store import GraphStore
from kb.views import ClaimFilter


def test_schema_version_is_recorded(store: GraphStore) -> None:
    assert store.schema_version() == cypher.SCHEMA_VERSION
    assert store.ensure_schema() == cypher.SCHEMA_VERSION  # idempotent


def test_round_trip_of_a_document(store: GraphStore) -> None:
    doc = make_document()
    assert store.write_document(doc).created
    counts = store.counts()
    assert counts.nodes["Source"] == 1
    assert counts.nodes["Claim"] == 3
    assert counts.nodes["Entity"] == 4
    assert counts.nodes["Proposition"] == 3
    assert counts.nodes["Work"] == 1

    view = store.get_source(doc.source.id)
    assert view.source.text == doc.source.text
    assert [c.id for c in view.claims] == [c.id for c in doc.claims]
    for row, claim in zip(view.claims, doc.claims, strict=True):
        assert (row.start, row.end, row.text) == (claim.start, claim.end, claim.text)
        assert doc.source.text[row.start : row.end] == row.text
        assert row.atoms == claim.atoms

    detail = store.get_claim(doc.claims[1].id)
    assert detail.claim.citation_status == "cited"
    assert [c.work.doi for c in detail.citations] == ["10.5555/kb.test.001"]
    assert detail.citations[0].edge.provenance == "numbered_marker"
    assert detail.propositions[0].proposition.text == "zorblax therapy reduces brain fog"


def test_reingesting_the_same_document_creates_nothing(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    before = store.counts()
    result = store.write_document(make_document())
    assert not result.created
    assert store.counts() == before


def test_changed_page_becomes_a_new_version_and_the_old_one_is_kept(store: GraphStore) -> None:
    old = make_document()
    new = make_document(text=old.source.text + "\nUpdated in 2021.\n")
    store.write_document(old)
    store.write_document(new)
    sources = store.list_sources(latest_only=False)
    assert {s.id for s in sources} == {old.source.id, new.source.id}
    assert {s.id for s in store.list_sources()} == {new.source.id}
    versions = store.get_source(new.source.id).versions
    assert [v.id for v in versions] == [new.source.id, old.source.id]
    sup = store.run_console("MATCH (n:Source)-[:SUPERSEDES]->(o:Source) RETURN n.id AS new, o.id AS old")
    assert sup.rows == [[new.source.id, old.source.id]]
    # propositions are shared: the same three, now stated by two sources
    assert store.counts().nodes["Proposition"] == 3


def test_failure_in_the_middle_of_a_document_leaves_nothing(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = write_plan.batch_statements

    def failing(*args: Any, **kwargs: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        """The plan's statements, and a failure after four of them have run."""
        for i, statement in enumerate(plan(*args, **kwargs)):
            if i == 4:
                raise RuntimeError("injected failure in the middle of the document")
            yield statement

    monkeypatch.setattr(write_plan, "batch_statements", failing)
    with pytest.raises(RuntimeError, match="injected"):
        store.write_document(make_document())
    monkeypatch.undo()
    assert all(n == 0 for n in store.counts().nodes.values())
    # and the same document then goes in whole
    assert store.write_document(make_document()).created
    assert store.counts().nodes["Claim"] == 3


def test_uncited_claims_are_one_match(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    rows = store.run_console("MATCH (c:Uncited) RETURN c.id AS id ORDER BY id").rows
    expected = sorted(c.id for c in doc.claims if c.citation_status != "cited")
    assert [r[0] for r in rows] == expected
    assert {r.id for r in store.uncited_claims()} == set(expected)


def test_claim_list_filters_and_paging(store: GraphStore) -> None:
    store.write_document(make_document())
    assert store.list_claims().total == 3
    assert store.list_claims(ClaimFilter(status="cited")).total == 1
    assert store.list_claims(ClaimFilter(search="BRAIN fog")).rows[0].text.startswith("Studies show")
    assert store.list_claims(ClaimFilter(cue="may")).total == 1
    assert store.list_claims(ClaimFilter(intervention="zorblax therapy")).total == 3
    assert store.list_claims(ClaimFilter(outcome="sleep")).total == 1
    assert store.list_claims(ClaimFilter(grade=Grade.NONE)).total == 2
    page0 = store.list_claims(page=0, page_size=2)
    page1 = store.list_claims(page=1, page_size=2)
    assert len(page0.rows) == 2 and len(page1.rows) == 1
    assert not {r.id for r in page0.rows} & {r.id for r in page1.rows}
    # worst first: the uncited booster claim leads
    assert page0.rows[0].boosters == ["cures"]


def test_assessments_are_stored_with_reasons_and_rubric_version(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    assert store.counts().claims_by_grade == {"none": 2, "very low": 1}
    store.write_assessments(
        [
            Assessment(
                claim_id=doc.claims[0].id,
                grade=Grade.LOW,
                score=0.5,
                reasons=["a made-up reason"],
                rubric_version="test-1",
                overclaim=True,
            )
        ]
    )
    claim = store.get_claim(doc.claims[0].id).claim
    assert (claim.grade, claim.score, claim.overclaim, claim.rank) == (Grade.LOW, 0.5, True, 0.0)
    assert (claim.reasons, claim.rubric_version) == (["a made-up reason"], "test-1")
    node = store.run_console(
        "MATCH (:Claim {id: $id})-[:ASSESSED]->(a:Assessment) RETURN a.grade, a.reasons, a.rubric_version",
        {"id": claim.id},
    )
    assert node.rows == [["low", ["a made-up reason"], "test-1"]]  # graded again in place
    assert store.counts().claims_by_grade == {"low": 1, "none": 1, "very low": 1}


def test_flags_keep_their_history(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    claim_id = doc.claims[0].id
    flag = store.create_flag(
        claim_id, reason=FlagReason.OVERCLAIM, by="editor-a", note="'cures' with no evidence"
    )
    assert store.get_claim(claim_id).claim.flagged
    assert [c.id for c in store.editor_queue()] == [
        c.id for c in doc.claims if c.id != claim_id and c.citation_status != "cited"
    ]
    store.update_flag(flag.id, status=FlagStatus.RESOLVED, by="editor-b", note="page corrected")
    detail = store.get_claim(claim_id)
    assert not detail.claim.flagged
    [found] = detail.flags
    assert found.status is FlagStatus.RESOLVED
    assert [(e.status, e.by) for e in found.history] == [("open", "editor-a"), ("resolved", "editor-b")]
    assert store.list_flags(status=FlagStatus.RESOLVED)[0].flag.id == flag.id


def test_flagging_an_unknown_claim_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFound):
        store.create_flag("clm_doesnotexist", reason=FlagReason.OTHER, by="x")
    with pytest.raises(NotFound):
        store.update_flag("flg_doesnotexist", status=FlagStatus.DISMISSED, by="x")


def test_neighbourhood(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    sub = store.neighbourhood(doc.claims[1].id, hops=2)
    ids = {n.id for n in sub.nodes}
    assert doc.source.id in ids and doc.works[0].id in ids
    assert any(e.type == "CITES" and e.provenance == "numbered_marker" for e in sub.edges)
    assert all(e.provenance for e in sub.edges)  # every edge carries its provenance
    with pytest.raises(NotFound):
        store.neighbourhood("nonsense")


WRITES = [
    "CREATE (x:Claim {id: 'clm_evil'}) RETURN x",
    "MATCH (c:Claim) SET c.text = 'defaced'",
    "MATCH (c:Claim) DETACH DELETE c",
    "MATCH (c:Claim) REMOVE c.text",
    "MERGE (x:Work {id: 'wrk_evil'})",
    "CREATE INDEX evil IF NOT EXISTS FOR (n:Claim) ON (n.text)",
    "DROP CONSTRAINT claim_id",
    "CALL apoc.create.node(['Evil'], {})",
    "MATCH (c:Claim) CALL { WITH c DELETE c } RETURN 1",
    "FOREACH (i IN [1] | CREATE (:Evil))",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
]


@pytest.mark.parametrize("query", WRITES)
def test_console_refuses_writes_and_the_graph_is_unchanged(store: GraphStore, query: str) -> None:
    store.write_document(make_document())
    before = store.counts()
    with pytest.raises(QueryRefused):
        store.run_console(query)
    assert store.counts() == before


def test_console_rolls_back_whatever_slips_past_the_guard(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: a write that slips past the lexical check is refused by the console's
    login, or rolled back; never committed."""
    store.write_document(make_document())
    before = store.node_counts()
    monkeypatch.setattr(console_runner, "check_read_only", lambda query: None)
    with contextlib.suppress(StoreError):
        store.run_console("CREATE (:Claim {id: 'clm_sneaky'}) RETURN 1")
    assert store.node_counts() == before


def test_console_limits_rows_and_returns_graphs(store: GraphStore, settings: Settings) -> None:
    store.write_document(make_document())
    result = store.run_console("UNWIND range(1, $n) AS i RETURN i", {"n": settings.console_row_limit + 50})
    assert len(result.rows) == settings.console_row_limit and result.truncated
    graph = store.run_console("MATCH p = (s:Source)-[:HAS_CLAIM]->(c:Claim) RETURN p")
    assert graph.graph is not None and len(graph.graph.nodes) == 4
    with pytest.raises(StoreError):
        store.run_console("MATCH (n RETURN n")  # syntax error: a message, not a crash


def test_console_cuts_off_long_queries(store: GraphStore, settings: Settings) -> None:
    slow = settings.model_copy(update={"console_timeout": 0.2})
    cut = store.with_settings(slow)
    with pytest.raises(QueryRefused, match="cut off"):
        cut.run_console(
            "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a, b WHERE (a + b) % 7 = 0 RETURN count(*) AS n"
        )


def test_reset_empties_the_graph(store: GraphStore) -> None:
    store.write_document(make_document())
    assert store.reset() > 0
    assert all(n == 0 for n in store.counts().nodes.values())


def test_check_is_clean_after_ingest_and_names_broken_invariants(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    assert store.check() == {}
    # break two invariants behind the store's back
    store.write(
        lambda tx: tx.run("MATCH (c:Claim {id: $id}) SET c.end = 99999", id=doc.claims[0].id).consume()
    )
    store.write(lambda tx: tx.run("CREATE (:Proposition {id: 'prp_orphan'})").consume())
    problems = store.check()
    assert problems["claim span outside its source text"] == [doc.claims[0].id]
    assert problems["proposition without a claim"] == ["prp_orphan"]
