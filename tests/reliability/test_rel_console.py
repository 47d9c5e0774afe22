"""The researchers' read-only console under attack: what tests/kb/test_store.py leaves out.

test_store.py refuses eleven writing queries (CREATE, SET, DELETE, REMOVE, MERGE, schema, an
apoc procedure, a writing subquery, FOREACH, LOAD CSV), checks the rollback, the row limit on an
UNWIND and the time limit. Here: write and admin procedures under `CALL db.`/`dbms.`, keywords
in every case and spacing, keywords hidden next to comments and strings (refused) and harmless
ones inside them (allowed), queries that return millions of rows or run for ever, and the
administration commands and back-quoted procedure names (refused by kb/console_guard.py).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from factories import make_document
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors

from kb import engine
from kb.console_guard import MAX_QUERY_CHARS, check_read_only
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
    quick = graph.with_settings(settings.model_copy(update={"console_timeout": 0.5}))
    began = time.monotonic()
    with pytest.raises(QueryRefused, match="cut off"):
        quick.run_console(query)
    assert time.monotonic() - began < 3
    assert graph.check() == {}


@pytest.mark.parametrize("query", ["", "   \n\t", "MATCH (c) RETURN c " + " " * MAX_QUERY_CHARS])
def test_empty_and_oversized_queries_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_read_only(query)


# --- issue 16, items 1-4: the engine itself keeps the console read-only -----------------------
#
# Each attack below got through the lexical check once, by a spelling it did not expect. They
# are run twice: through `run_console` (refused, graph unchanged) and straight at the engine on
# the console's login, skipping the lexical check, to show the engine refuses them on its own.

ENGINE_ATTACKS = [
    # 1. a comment that the engine ends at a carriage return hid what followed from the check
    "MATCH (c:Claim) // x\rSET c.text = 'defaced' RETURN c",
    "// x\rCREATE (:Evil)",
    "// x\rLOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "// x\rCREATE CONSTRAINT evil IF NOT EXISTS FOR (n:Source) REQUIRE n.title IS UNIQUE",
    "// x\rDROP CONSTRAINT source_id",
    "// x\rCREATE USER evil SET PASSWORD 'evil-password-1'",
    # 2. a subquery in its own transactions commits, whatever happens to the outer one
    "MATCH (c:Claim) CALL (c) { DETACH DELETE c } IN TRANSACTIONS RETURN 1",
    "UNWIND range(1, 3) AS i CALL (i) { CREATE (:Source {id: toString(i)}) } IN TRANSACTIONS RETURN i",
    "MATCH (s:Source) CALL (s) { SET s.title = 'renamed' } IN TRANSACTIONS RETURN 1",
    # 3. administration behind PROFILE or EXPLAIN
    "PROFILE SHOW USERS",
    "EXPLAIN SHOW USERS",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
]


def _console_login(settings: Settings) -> tuple[str, tuple[str, str]]:
    state = engine.start(settings)
    return state.uri, (engine.CONSOLE_USER, engine.console_password(settings))


def _schema_and_snapshot(store: GraphStore) -> tuple[object, ...]:
    rows = store.run_console("MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY n.id").rows
    return store.counts(), store.unknown_schema(), str(rows)


@pytest.mark.parametrize("query", [*ENGINE_ATTACKS, "RETURN 1 // x\u2028CREATE (:Evil)"])
def test_the_console_refuses_the_attacks_that_once_passed(graph: GraphStore, query: str) -> None:
    _refused_and_unchanged(graph, query)
    assert graph.check() == {}


@pytest.mark.skipif(Settings().uses_neo4j, reason="the embedded engine's console user")
@pytest.mark.parametrize("query", ENGINE_ATTACKS)
def test_the_engine_refuses_them_to_the_console_login_without_the_lexical_check(
    graph: GraphStore, settings: Settings, query: str
) -> None:
    before = _schema_and_snapshot(graph)
    uri, auth = _console_login(settings)
    with (
        GraphDatabase.driver(uri, auth=auth) as driver,
        driver.session(database=settings.database) as session,
        pytest.raises(neo4j_errors.Neo4jError) as refused,
    ):
        session.run(query).consume()
    assert "Forbidden" in str(refused.value.code) or "not allowed" in str(refused.value.message)
    assert _schema_and_snapshot(graph) == before
    assert graph.check() == {}


@pytest.mark.skipif(Settings().uses_neo4j, reason="the embedded engine's settings")
def test_load_csv_reads_no_file_even_with_the_stores_own_rights(settings: Settings) -> None:
    state = engine.start(settings)
    auth = ("root", engine.password(settings))
    with (
        GraphDatabase.driver(state.uri, auth=auth) as driver,
        driver.session(database=settings.database) as session,
    ):
        for url in ("file:///etc/passwd", "/etc/passwd", f"file://{settings.engine_dir}/password"):
            with pytest.raises(neo4j_errors.Neo4jError, match="disabled"):
                session.run("LOAD CSV FROM $url AS row RETURN row", url=url).consume()


@pytest.mark.skipif(Settings().uses_neo4j, reason="the embedded engine's console user")
def test_the_console_sees_and_stops_only_its_own_transactions(graph: GraphStore, settings: Settings) -> None:
    """A long read by kb itself runs while the console lists and tries to end transactions."""
    root = GraphDatabase.driver(engine.start(settings).uri, auth=("root", engine.password(settings)))
    uri, auth = _console_login(settings)
    slow = "UNWIND range(1, 3000000) AS i WITH i WHERE i % 7 = 0 RETURN count(i) AS n"
    with root, GraphDatabase.driver(uri, auth=auth) as console, ThreadPoolExecutor(1) as pool:
        running = pool.submit(lambda: root.execute_query(slow, database_=settings.database).records)
        time.sleep(0.3)
        with root.session(database=settings.database) as session:
            others = [r["transactionId"] for r in session.run("SHOW TRANSACTIONS").data()]
        with console.session(database=settings.database) as session:
            seen = session.run("SHOW TRANSACTIONS").data()
            ended = session.run("TERMINATE TRANSACTIONS $ids", ids=others).data()
        assert {r["username"] for r in seen} == {engine.CONSOLE_USER}
        assert all("terminated" not in str(r.get("message", "")).lower() for r in ended)
        assert running.result(timeout=60)[0]["n"] == 428571  # kb's own read finished


WIDE_ROWS = "UNWIND range(1, 20000) AS i RETURN i, reduce(s = '', k IN range(1, 200) | s + 'wide-') AS v"


def _console_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kb-console")]


def test_a_result_is_cut_at_the_byte_budget(graph: GraphStore, settings: Settings) -> None:
    small = graph.with_settings(settings.model_copy(update={"console_max_bytes": 200_000}))
    result = small.run_console(WIDE_ROWS)
    assert result.truncated and result.cut == "size"
    assert 0 < sum(len(str(row)) for row in result.rows) <= 200_000
    assert len(result.rows) < settings.console_row_limit


def test_a_cut_off_query_stops_in_the_engine_and_in_this_process(
    graph: GraphStore, settings: Settings
) -> None:
    """Before: the reader went on fetching after the cut-off (the app grew 146 MB → 2.4 GB over
    four such queries) and the engine went on computing. Now both stop."""
    quick = graph.with_settings(settings.model_copy(update={"console_timeout": 0.5}))
    slow = (
        "UNWIND range(1, 3000000) AS a UNWIND range(1, 20) AS b WITH a WHERE a % 7 = 0 RETURN count(a) AS n"
    )
    for _ in range(2):
        with pytest.raises(QueryRefused, match="cut off"):
            quick.run_console(slow)
    deadline = time.monotonic() + 10
    while _console_threads() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [t for t in _console_threads() if t.is_alive()]
    root = GraphDatabase.driver(engine.start(settings).uri, auth=("root", engine.password(settings)))
    with root, root.session(database=settings.database) as session:
        running = [r["currentQuery"] for r in session.run("SHOW TRANSACTIONS").data()]
    assert not [q for q in running if "kb-console-" in q]


@pytest.mark.skipif(Settings().uses_neo4j, reason="the embedded engine's users")
def test_the_engine_starts_with_root_and_the_console_user_only(fresh_home: Path) -> None:
    """A user someone added (through a console hole, or by hand) is gone at the next start."""
    settings = Settings(home=fresh_home)
    state = engine.start(settings)
    users = settings.engine_dir / "data" / "config" / "server-users.jsonl"
    with GraphDatabase.driver(state.uri, auth=("root", engine.password(settings))) as root:
        root.execute_query(
            "CREATE USER intruder SET PASSWORD 'intruder-password-1'", database_=settings.database
        )
    assert "intruder" in users.read_text()
    engine.stop(settings)
    uri, auth = _console_login(settings)
    assert "intruder" not in users.read_text()
    with (
        GraphDatabase.driver(uri, auth=("intruder", "intruder-password-1")) as driver,
        pytest.raises(neo4j_errors.AuthError),
    ):
        driver.verify_connectivity()
    with GraphDatabase.driver(uri, auth=auth) as driver:
        assert driver.execute_query("RETURN 1 AS one", database_=settings.database).records[0]["one"] == 1


def test_an_extra_constraint_is_reported_at_startup_and_by_check(fresh_home: Path) -> None:
    settings = Settings(home=fresh_home)
    with GraphStore.connect(settings) as store:
        assert store.unknown_schema() == []
    state = engine.start(settings)
    with GraphDatabase.driver(state.uri, auth=("root", engine.password(settings))) as root:
        root.execute_query(
            "CREATE CONSTRAINT planted IF NOT EXISTS FOR (n:Source) REQUIRE n.title IS UNIQUE",
            database_=settings.database,
        )
    with GraphStore.connect(settings) as store:
        assert store.unknown_schema() == ["constraint planted"]
        assert "constraint planted" in str(store.check())
