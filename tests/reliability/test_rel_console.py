"""The researchers' read-only console under attack: what tests/kb/test_store.py leaves out.

test_store.py refuses eleven writing queries (CREATE, SET, DELETE, REMOVE, MERGE, schema, an
apoc procedure, a writing subquery, FOREACH, LOAD CSV), checks the rollback, the row limit on an
UNWIND and the time limit. Here: write and admin procedures under `CALL db.`/`dbms.`, keywords
in every case and spacing, keywords hidden next to comments and strings (refused) and harmless
ones inside them (allowed), queries that return millions of rows or run for ever, and the
administration commands and back-quoted procedure names (refused by kb/console.py).
"""

from __future__ import annotations

import time

import pytest
from factories import make_document

from kb.console import MAX_QUERY_CHARS, check_read_only
from kb.errors import QueryRefused
from kb.settings import Settings
from kb.store import GraphStore

WRITE_PROCEDURES = [
    "CALL db.createLabel('Evil')",
    "CALL db.createProperty('evil')",
    "CALL db.createRelationshipType('EVIL')",
    "CALL db.index.fulltext.createNodeIndex('evil', ['Claim'], ['text'])",
    "CALL db.index.fulltext.drop('evil')",
    "CALL db.clearQueryCaches()",
    "CALL db.awaitIndexes(300)",  # reads, but is not on the list: refused all the same
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'off')",
    "CALL dbms.security.createUser('evil', 'pw', false)",
    "CALL dbms.killQueries(['query-1'])",
    "call DB.CREATELABEL('Evil')",
    "CALL\tdb.createLabel('Evil')",
    "CALL db.labels() YIELD label CALL db.createLabel(label) RETURN 1",
    "MATCH (c:Claim) CALL apoc.refactor.rename.label('Claim', 'Evil') RETURN c",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})",
    "CALL apoc.cypher.runWrite('CREATE (:Evil)', {})",
    "CALL /* harmless? */ db.createLabel('Evil')",
]

HIDDEN_WRITES = [
    "MATCH (c:Claim) /* only a comment */ SET c.text = 'defaced'",
    "MATCH (c:Claim) // a comment\nSET c.text = 'defaced'",
    "MATCH (c:Claim) WHERE c.text <> '/*' SET c.text = 'x' // */",
    'MATCH (c:Claim) WHERE c.text = "it\'s" DETACH DELETE c',
    "MATCH (c:Claim) WHERE c.text = 'a\\'b' DELETE c",
    "MATCH (c:Claim)SET c.text = 'no space before SET'",
    "match (c:Claim) set c.text = 'lower case'",
    "MATCH (c:Claim) sEt c.text = 'mixed case'",
    "MATCH (c:Claim)\u00a0SET c.text = 'no-break space'",
    "MATCH (c:Claim) WITH c, 'CREATE' AS word MERGE (:Evil {w: word})",
    "MATCH (c:Claim) RETURN c UNION MATCH (c:Claim) DETACH DELETE c RETURN c",
    "MATCH (c:Claim) CALL { WITH c REMOVE c:Uncited } RETURN c",
    "UNWIND [1] AS i CREATE (:Evil)",
    "MATCH (c:Claim) RETURN c; MATCH (c:Claim) DETACH DELETE c",
    "RETURN 'unterminated",
    "MATCH (c:Claim) RETURN c /* unterminated",
]

HARMLESS = [
    "MATCH (c:Claim) WHERE c.text CONTAINS 'CREATE' RETURN count(c) AS n",
    "MATCH (c:Claim) // DELETE everything\nRETURN count(c) AS n",
    "MATCH (c:Claim) /* SET c.x = 1 */ RETURN count(c) AS n",
    "MATCH (c:Claim) RETURN c.text AS `DELETE`, count(*) AS n",
    "MATCH (c:Claim) WHERE c.set IS NULL RETURN count(c) AS n",
    "MATCH (c:Claim) RETURN {delete: 1, merge: 2} AS words, count(*) AS n",
    "CALL db.labels() YIELD label RETURN label",
]

# Administration commands: on a shared deployment a console user could end other users'
# transactions (TERMINATE), read their queries and parameters (SHOW TRANSACTIONS), list the
# users, or stop the database on Neo4j. The embedded engine runs all of these if let through.
ADMIN = [
    "TERMINATE TRANSACTIONS 'kb-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW USERS",
    "STOP DATABASE kb",
    "START DATABASE kb",
]
# Back-quoted procedure names reach the engine as procedure names: the allowlist must see them.
QUOTED_PROCEDURES = ["CALL `db.createLabel`('Evil')", "CALL `apoc.create.node`(['Evil'], {})"]


@pytest.fixture(scope="module")
def graph(session_store: GraphStore) -> GraphStore:
    """One small article; every test here leaves it as it found it (and checks that it does)."""
    session_store.reset()
    session_store.write_document(make_document())
    return session_store


def _refused_and_unchanged(store: GraphStore, query: str) -> None:
    before = store.counts()
    with pytest.raises(QueryRefused):
        store.run_console(query)
    assert store.counts() == before
    assert store.run_console("MATCH (c:Claim) RETURN count(c) AS n").rows == [[before.nodes["Claim"]]]


@pytest.mark.parametrize("query", WRITE_PROCEDURES)
def test_write_and_admin_procedures_are_refused(graph: GraphStore, query: str) -> None:
    _refused_and_unchanged(graph, query)


@pytest.mark.parametrize("query", HIDDEN_WRITES)
def test_writes_next_to_comments_and_strings_are_refused(graph: GraphStore, query: str) -> None:
    _refused_and_unchanged(graph, query)


@pytest.mark.parametrize("query", HARMLESS)
def test_keywords_inside_strings_comments_and_names_are_harmless(graph: GraphStore, query: str) -> None:
    result = graph.run_console(query)
    assert result.rows
    assert graph.check() == {}


@pytest.mark.parametrize("query", [*ADMIN, *QUOTED_PROCEDURES])
def test_administration_and_quoted_procedures_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_read_only(query)


def test_a_cartesian_product_of_millions_of_rows_is_cut_at_the_row_limit(
    graph: GraphStore, settings: Settings
) -> None:
    began = time.monotonic()
    result = graph.run_console("UNWIND range(1, 2000) AS a UNWIND range(1, 2000) AS b RETURN a, b")
    assert len(result.rows) == settings.console_row_limit and result.truncated  # of 4,000,000
    assert time.monotonic() - began < settings.console_timeout
    # Every triple of nodes: the engine builds the product before the first row, so on a graph
    # that has grown (the write log's Change nodes stay through every reset) it is cut off by
    # the timeout instead of at the row limit; either way the console answers in bounded time.
    began = time.monotonic()
    try:
        nodes = graph.run_console("MATCH (a), (b), (c) RETURN a.id, b.id, c.id")
        assert len(nodes.rows) == settings.console_row_limit and nodes.truncated
    except QueryRefused as e:
        assert "cut off" in str(e)
    assert time.monotonic() - began < 2 * settings.console_timeout


@pytest.mark.parametrize(
    "query",
    [
        "RETURN range(1, 3000000) AS one_huge_value",
        "UNWIND range(1, 3000000) AS a WITH a WHERE a % 1000003 = -1 RETURN a",
        "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b WITH a, b WHERE a * b = -1 RETURN a",
    ],
)
def test_queries_that_run_too_long_are_cut_off(graph: GraphStore, settings: Settings, query: str) -> None:
    quick = GraphStore(
        graph._driver, graph._database, where=graph.where, settings=Settings(console_timeout=0.5)
    )
    began = time.monotonic()
    with pytest.raises(QueryRefused, match="cut off"):
        quick.run_console(query)
    assert time.monotonic() - began < 3
    assert graph.check() == {}


@pytest.mark.parametrize("query", ["", "   \n\t", "MATCH (c) RETURN c " + " " * MAX_QUERY_CHARS])
def test_empty_and_oversized_queries_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_read_only(query)
