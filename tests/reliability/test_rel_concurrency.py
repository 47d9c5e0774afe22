"""Concurrency: writers racing on the same documents, works, entities and claims lose nothing and
duplicate nothing.

The embedded engine is optimistic: of two transactions that touch the same record, the later
one fails (a constraint or transient error) and the store runs it again (`GraphStore.write`).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from factories import make_document
from rel_helpers import REPO, error_lines, kb_env, start_kb, summary, wait_until

from kb.errors import StoreError
from kb.models import Document, FlagReason, FlagStatus
from kb.settings import Settings
from kb.store import GraphStore
from kb.transactions import WRITE_ATTEMPTS

LABELS = ("Source", "Claim", "Entity", "Proposition", "Work", "Assessment")
EDITORS = 6
UPDATES = (FlagStatus.RESOLVED, FlagStatus.OPEN, FlagStatus.DISMISSED)


def _at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..n-1) in n threads released together; re-raise the first error."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]
    return results


# --- two `kb ingest` processes --------------------------------------------------------------


def test_two_ingests_of_overlapping_inputs_at_once(
    corpus: Path, corpus_counts: dict[str, int], fresh_home: Path
) -> None:
    # No engine yet: the two also race to start it and to create the schema.
    files = [str(p) for p in sorted(corpus.iterdir())]
    third = len(files) // 3
    halves = (files[: 2 * third], files[third:])  # the middle third is in both
    procs = [start_kb("ingest", "--offline", "-q", *half, home=fresh_home) for half in halves]
    outputs = [p.communicate(timeout=300) for p in procs]

    new = 0
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode in (0, 1), err  # 1 when its half holds junk pages of the corpus
        assert "Traceback" not in err
        # Only the junk pages of the corpus fail; no write is refused for a race.
        for line in error_lines(err):
            assert "/junk-" in line, line
        new += summary(out)[1]
    assert new == corpus_counts["Source"]  # each document created exactly once, by one of them
    log = (fresh_home / "engine" / "engine.log").read_text(errors="replace")
    assert log.count("engine ready") == 1  # and they shared one engine
    with GraphStore.connect(Settings(home=fresh_home)) as store:
        assert store.check() == {}
        nodes = store.counts().nodes
    assert {label: nodes[label] for label in LABELS} == corpus_counts


# --- racing writes through one store ----------------------------------------------------------


def test_the_same_document_written_at_once_lands_once(store: GraphStore) -> None:
    results = _at_once(6, lambda i: store.write_document(make_document()))
    assert sorted(r.created for r in results) == [False] * 5 + [True]
    assert store.check() == {}
    nodes = store.counts().nodes
    assert (nodes["Source"], nodes["Claim"], nodes["Work"]) == (1, 3, 1)


def test_documents_sharing_works_and_entities_written_at_once(store: GraphStore) -> None:
    # Six articles that cite the same work and name the same entities: six racing MERGEs of each.
    docs = [make_document(key=f"file:copy-{i}.txt") for i in range(6)]
    results = _at_once(len(docs), lambda i: store.write_document(docs[i]))
    assert all(r.created for r in results)
    assert store.check() == {}
    nodes = store.counts().nodes
    assert (nodes["Source"], nodes["Claim"]) == (6, 18)
    assert (nodes["Work"], nodes["Entity"], nodes["Proposition"]) == (1, 4, 3)


def test_a_lasting_conflict_is_retried_then_reported(store: GraphStore) -> None:
    attempts = []

    def duplicate(tx: Any) -> None:  # breaks the unique id constraint every time
        attempts.append(1)
        tx.run("CREATE (:Work {id: 'wrk_twice'}) CREATE (:Work {id: 'wrk_twice'})").consume()

    with pytest.raises(StoreError, match="refused"):
        store.write(duplicate)
    assert len(attempts) == WRITE_ATTEMPTS
    assert store.counts().nodes["Work"] == 0


def test_an_error_that_is_not_a_conflict_is_not_retried(store: GraphStore) -> None:
    attempts = []

    def broken(tx: Any) -> None:
        attempts.append(1)
        tx.run("MATCH (n RETURN n").consume()

    with pytest.raises(StoreError):
        store.write(broken)
    assert len(attempts) == 1


# --- editor flags -----------------------------------------------------------------------------


def _flagged_doc(store: GraphStore) -> tuple[Document, str]:
    doc = make_document()
    store.write_document(doc)
    return doc, doc.claims[0].id


def _history_is_whole(store: GraphStore, claim_id: str, flags: int, events_each: int) -> None:
    detail = store.get_claim(claim_id)
    assert len(detail.flags) == flags
    for flag in detail.flags:
        assert len(flag.history) == events_each, flag.id
    nodes = store.counts().nodes
    assert (nodes["Flag"], nodes["FlagEvent"]) == (flags, flags * events_each)
    assert store.check() == {}


def test_editors_flagging_one_claim_from_threads(store: GraphStore) -> None:
    _, claim_id = _flagged_doc(store)

    def editor(i: int) -> None:
        flag = store.create_flag(claim_id, reason=FlagReason.OVERCLAIM, by=f"editor-{i}", note=f"n{i}")
        for status in UPDATES:
            store.update_flag(flag.id, status=status, by=f"editor-{i}")

    _at_once(EDITORS, editor)
    _history_is_whole(store, claim_id, EDITORS, 1 + len(UPDATES))
    # every flag ends dismissed, so the claim is no longer flagged
    assert not store.get_claim(claim_id).claim.flagged


_EDITOR_PROCESS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kb.models import FlagReason, FlagStatus
    from kb.settings import Settings
    from kb.store import GraphStore
    claim_id, gate, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    store = GraphStore.connect(Settings())
    (gate / name).touch()  # connected: ready
    while not (gate / "go").exists():
        time.sleep(0.01)
    for i in range(4):
        flag = store.create_flag(claim_id, reason=FlagReason.UNCITED, by=name)
        store.update_flag(flag.id, status=FlagStatus.RESOLVED, by=name)
    store.close()
    """
)


def test_editors_flagging_one_claim_from_processes(
    store: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    _, claim_id = _flagged_doc(store)
    names = [f"proc-{i}" for i in range(3)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _EDITOR_PROCESS, claim_id, str(tmp_path), name],
            env=kb_env(settings.home),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    try:
        wait_until(
            lambda: all((tmp_path / n).exists() for n in names) or any(p.poll() is not None for p in procs),
            timeout=60,
            what="the editor processes to connect",
        )
        (tmp_path / "go").touch()  # released together
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            assert err == ""  # no driver warnings either
    finally:
        for proc in procs:
            proc.kill()
    _history_is_whole(store, claim_id, len(names) * 4, 2)


def test_two_flags_resolved_at_once_leave_the_claim_unflagged(store: GraphStore, settings: Settings) -> None:
    """Both transactions run their statement before either commits: each still sees the other
    flag open, so each writes `flagged = true` over a claim that ends with no open flag."""
    if settings.uses_neo4j:
        pytest.skip("Neo4j locks the claim: the interleaving below would wait on the lock")
    _, claim_id = _flagged_doc(store)
    flags = [store.create_flag(claim_id, reason=FlagReason.OVERCLAIM, by=f"e{i}") for i in range(2)]
    barrier = threading.Barrier(2)

    class Interleaved(GraphStore):
        def write(self, work: Callable[[Any], Any]) -> Any:
            tries = 0

            def paused(tx: Any) -> Any:
                nonlocal tries
                tries += 1
                result = work(tx)
                if tries == 1:
                    barrier.wait(timeout=10)  # the first try commits only once both have run
                return result

            return super().write(paused)

    racing = Interleaved(store.graph, settings=settings)
    _at_once(2, lambda i: racing.update_flag(flags[i].id, status=FlagStatus.DISMISSED, by="x"))
    assert [f.status for f in store.get_claim(claim_id).flags] == ["dismissed", "dismissed"]
    assert not store.get_claim(claim_id).claim.flagged
