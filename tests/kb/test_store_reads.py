"""The fast paths of the store agree with the plain ones: a batch of documents written in one
transaction leaves the graph that writing them one by one leaves; each claims-list variant
returns what the generic statement returns; the dashboard counts match a full group-by; kept
results (sorted ids, counts) never outlive a write, whoever made it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from factories import graded, make_document

import kb.store
from kb import cypher
from kb.models import Assessment, Document, FlagReason, FlagStatus, Grade
from kb.settings import Settings
from kb.store import GraphStore
from kb.views import ClaimFilter

SNAPSHOT = """
MATCH (n)
WHERE NOT n:Meta AND NOT n:Change  // the write log differs by design
OPTIONAL MATCH (n)-[r]->(m)
RETURN n.id AS id, labels(n) AS labels, n.synonyms AS synonyms, n.status AS status,
       n.is_latest AS latest, collect([type(r), m.id, r.provenance]) AS edges
ORDER BY id
"""


def _documents() -> list[Document]:
    """Three articles sharing entities, propositions and a work, plus a second version of one."""
    docs = [make_document(key=f"file:zorblax-{k}.txt") for k in "abc"]
    low = Assessment(
        claim_id=docs[1].claims[0].id, grade=Grade.LOW, score=0.45, reasons=["test"], rubric_version="t"
    )
    docs[1] = graded(docs[1].model_copy(update={"assessments": [low]}))
    newer = make_document(key="file:zorblax-a.txt", text=docs[0].source.text + "\nUpdated.\n")
    return [*docs, newer]


def _snapshot(store: GraphStore) -> list[list[Any]]:
    rows = store.run_console(SNAPSHOT).rows
    return [[*row[:5], sorted(map(str, row[5]))] for row in rows]


def test_a_batch_leaves_the_graph_that_one_by_one_leaves(store: GraphStore) -> None:
    docs = _documents()
    results = store.write_documents(docs)
    assert [r.created for r in results] == [True] * 4
    batched = _snapshot(store)
    assert [r.created for r in store.write_documents(docs)] == [False] * 4
    store.reset()
    for doc in docs:
        store.write_document(doc)
    assert _snapshot(store) == batched
    assert store.check() == {}


def _filters(store: GraphStore) -> list[ClaimFilter]:
    source_id = store.list_sources()[0].id
    values: dict[str, list[Any]] = {
        "source_id": [None, source_id],
        "status": [None, "missing", "cited"],
        "grade": [None, "none", "low"],
        "intervention": [None, "zorblax therapy"],
        "outcome": [None, "brain fog"],
        "search": [None, "may"],
    }
    combos = itertools.product(*values.values())
    return [ClaimFilter(**dict(zip(values, combo, strict=True))) for combo in combos]


def test_every_claims_list_variant_returns_what_the_generic_one_does(store: GraphStore) -> None:
    for doc in _documents():
        store.write_document(doc)
    for flt in _filters(store):
        params = flt.params()
        generic = store.read(cypher.LIST_CLAIMS, skip=0, limit=100, **params)
        total = store.read(cypher.COUNT_CLAIMS, **params)[0]["n"]
        page = store.list_claims(flt, page_size=100)
        assert [r.id for r in page.rows] == [r["claim"]["id"] for r in generic], (
            cypher.claims_variant(params),
            flt,
        )
        assert page.total == total


def test_dashboard_counts_match_a_full_group_by(store: GraphStore) -> None:
    for doc in _documents():
        store.write_document(doc)
    counts = store.counts()
    by_status = store.run_console("MATCH (c:Claim) RETURN c.citation_status, count(c)").rows
    by_grade = store.run_console("MATCH (c:Claim) RETURN c.grade, count(c)").rows
    assert counts.claims_by_status == {status: n for status, n in by_status}
    assert counts.claims_by_grade == {grade: n for grade, n in by_grade}


def test_a_document_given_twice_in_a_batch_is_created_once(store: GraphStore) -> None:
    doc = make_document()
    assert [r.created for r in store.write_documents([doc, doc])] == [True, False]
    assert store.counts().nodes["Claim"] == len(doc.claims)


# --- kept results: the sorted ids and counts last until the graph changes ------------------------


def test_every_write_moves_the_generation_on_and_a_reset_never_moves_it_back(store: GraphStore) -> None:
    before = store.generation()
    doc = make_document()
    store.write_document(doc)
    after_write = store.generation()
    flag = store.create_flag(doc.claims[0].id, reason=FlagReason.OVERCLAIM, by="e")
    store.update_flag(flag.id, status=FlagStatus.DISMISSED, by="e")
    after_flags = store.generation()
    store.reset()
    assert before < after_write < after_flags < store.generation()


def test_lists_and_counts_see_a_write_made_through_another_connection(
    store: GraphStore, settings: Settings
) -> None:
    first = make_document(key="file:zorblax-a.txt")
    store.write_document(first)
    assert store.list_claims().total == len(first.claims)
    store.editor_queue()
    store.counts()
    misses = store.kept_reads.misses
    store.list_claims(page=1, page_size=2)  # the same list again: its total and ids were kept
    store.counts()
    assert store.kept_reads.misses == misses

    other = GraphStore.connect(settings)  # as a `kb ingest` in another process would
    try:
        second = make_document(key="file:zorblax-b.txt")
        other.write_document(second)
        other.create_flag(first.claims[0].id, reason=FlagReason.OVERCLAIM, by="e")
    finally:
        other.close()
    fresh_list = store.read(cypher.LIST_CLAIMS, skip=0, limit=1000, **ClaimFilter().params())
    assert [r.id for r in store.list_claims(page_size=1000).rows] == [r["claim"]["id"] for r in fresh_list]
    assert store.list_claims().total == len(first.claims) + len(second.claims)
    assert store.counts().nodes["Claim"] == len(first.claims) + len(second.claims)
    assert [r.id for r in store.list_claims(ClaimFilter(flagged=True)).rows] == [first.claims[0].id]
    fresh_queue = store.read(cypher.EDITOR_QUEUE, include_flagged=False, skip=0, limit=1000)
    assert [r.id for r in store.editor_queue(page_size=1000)] == [r["claim"]["id"] for r in fresh_queue]
    assert first.claims[0].id not in {r.id for r in store.editor_queue(page_size=1000)}


def test_pages_of_a_kept_list_are_its_slices(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    for doc in _documents():
        store.write_document(doc)
    whole = [r.id for r in store.list_claims(page_size=1000).rows]
    queue = [r.id for r in store.editor_queue(page_size=1000)]
    assert len(whole) > 6 and len(queue) > 6
    store.forget_kept_reads()  # a jump straight to a later page, then the pages before it
    assert [r.id for r in store.list_claims(page=2, page_size=2).rows] == whole[4:6]
    assert [r.id for n in range(3) for r in store.list_claims(page=n, page_size=2).rows] == whole[:6]
    monkeypatch.setattr(kb.store, "KEPT_ROWS", 4)  # pages past the kept ids are read directly
    store.forget_kept_reads()
    paged = [r.id for n in range(10) for r in store.list_claims(page=n, page_size=3).rows]
    assert paged == whole
    assert [r.id for n in range(10) for r in store.editor_queue(page=n, page_size=3)] == queue
    assert store.list_claims(page=len(whole), page_size=3).rows == []
    assert store.list_claims(page=5, page_size=3).total == len(whole)
    # a page read on its own is kept too, and read again after a write
    store.write_document(make_document(key="file:zorblax-z.txt"))
    fresh = store.read(cypher.LIST_CLAIMS, skip=6, limit=3, **ClaimFilter().params())
    assert [r.id for r in store.list_claims(page=2, page_size=3).rows] == [r["claim"]["id"] for r in fresh]


def test_top_unsupported_propositions_count_a_new_source(store: GraphStore) -> None:
    store.write_document(make_document(key="file:zorblax-a.txt"))
    before = {r.id: r.sources for r in store.top_unsupported_propositions(10)}
    assert before and set(before.values()) == {1}
    store.write_document(make_document(key="file:zorblax-b.txt"))  # states the same propositions
    after = {r.id: r.sources for r in store.top_unsupported_propositions(10)}
    assert after == {pid: 2 for pid in before}
