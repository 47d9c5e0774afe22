"""`kb check` on a graph larger than the engine lets one query buffer.

The embedded engine refuses a query whose in-heap buffers (a GROUP BY's groups, a sort) would pass
`arcadedb.queryMaxHeapRAM` (half its heap by default). At 1.5M claims under the default 512 MB
heap, `kb check` grouped every claim by id and was refused. Here the budget is cut to 1 MB, so a
graph of 10,000 claims stands in for that one: big enough that grouping them is refused (the
control below proves it), small enough to build in a second.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from neo4j import Transaction
from rel_helpers import run_kb

from kb.errors import StoreError
from kb.settings import Settings
from kb.store import GraphStore

BUDGET_MB = 1
CLAIMS = 10_000
GROUP_EVERY_CLAIM = "MATCH (n:Claim) WITH n.id AS id, count(*) AS copies WHERE copies > 1 RETURN id LIMIT 5"


def _run(statement: str, tx: Transaction, **params: Any) -> None:
    tx.run(statement, params).consume()


@pytest.fixture
def tight_store(fresh_home: Path, monkeypatch: pytest.MonkeyPatch) -> GraphStore:
    # ARCADEDB_JVM_ARGS reaches the engine's JVM: the engine inherits this process's environment
    monkeypatch.setenv("ARCADEDB_JVM_ARGS", f"-Darcadedb.queryMaxHeapRAM={BUDGET_MB}")
    store = GraphStore.connect(Settings(home=fresh_home))  # starts this home's engine
    bulk = (
        "UNWIND range($first, $first + 1999) AS i "
        "CREATE (:Claim:Uncited {id: 'clm_bulk' + toString(i), text: 'x', start: 0, end: 1})"
    )
    for first in range(0, CLAIMS, 2000):
        store.write(functools.partial(_run, bulk, first=first))
    # two broken invariants the grouping checks exist for
    store.write(
        lambda tx: tx.run(
            "CREATE (a:Source {id: 'src_a', key: 'k', is_latest: true, text: 'x', claim_count: 1}),"
            " (b:Source {id: 'src_b', key: 'k', is_latest: true, text: 'x', claim_count: 1})"
            " WITH a, b MATCH (c:Claim {id: 'clm_bulk7'})"
            " CREATE (a)-[:HAS_CLAIM]->(c), (b)-[:HAS_CLAIM]->(c)"
        ).consume()
    )
    return store


def test_check_works_where_grouping_every_claim_is_refused(tight_store: GraphStore, fresh_home: Path) -> None:
    with tight_store as store:
        with pytest.raises(StoreError, match="heap budget"):
            store.read(GROUP_EVERY_CLAIM)  # the control: this graph is past the budget
        problems = store.check(limit=5)
    assert problems["claim in more than one source"] == ["clm_bulk7"]
    assert problems["article with more than one latest version"] == ["k"]
    assert len(problems["claim without a source"]) == 5  # every bulk claim but one has none
    assert not any(name.startswith("duplicate") for name in problems)

    done = run_kb("check", home=fresh_home)
    assert done.returncode == 1, done.stderr
    assert "heap" not in done.stderr + done.stdout
    assert "claim in more than one source: clm_bulk7" in done.stdout
