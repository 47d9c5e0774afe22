"""The console's lexer (kb/console_guard.py) beside Neo4j's own.

The lexical check is the console's second lock (the engine's read-only login is the first), and a
lexer that ends a comment or a string where the engine does not can hide a clause from it. Here
the check is held to Neo4j's tokenizer (`@neo4j-cypher/language-support`, run with node): on
hand-written attacks and on thousands of queries cut and pasted from tricky pieces, whenever
Neo4j's lexer sees a writing or administration keyword, the check refuses the query.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.console_guard import ADMIN_WORDS, WRITE_WORDS, check_read_only, tokenize
from kb.errors import QueryRefused

LINT_DIR = Path(__file__).resolve().parents[1] / "cypher_lint"

PIECES = [
    "MATCH (n) ", "RETURN n ", "RETURN 1 ", "CREATE (:Evil) ", "SET n.x = 1 ", "DETACH DELETE n ",
    "SHOW USERS ", "TERMINATE TRANSACTIONS 'x' ", "LOAD CSV FROM 'file:///etc/passwd' AS r ",
    "CALL { CREATE (:E) } IN TRANSACTIONS ", "PROFILE ", "EXPLAIN ", "// ", "/* ", "*/", "'", '"', "`",
    "\\", "\\'", "\r", "\n", "\r\n", "\u2028", "\u0085", "\x0c", " ", "x", "n.create", "{set: 1}",
    ":Set", "$merge", "WITH n ", ";", "CALL db.labels() ", "CALL db.createLabel('E') ",
]  # fmt: skip


def generated_queries(count: int = 1500, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(2, 9))) for _ in range(count)]


def neo4j_tokens(queries: list[str]) -> list[list[dict[str, object]]]:
    node = shutil.which("node")
    if node is None or not (LINT_DIR / "node_modules" / "@neo4j-cypher").is_dir():
        pytest.fail("Neo4j's language service is not installed: run `npm ci --prefix tests/cypher_lint`")
    proc = subprocess.run(
        [node, "tokens.mjs"],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        cwd=LINT_DIR,
        check=True,
    )
    return list(json.loads(proc.stdout))


def is_name(query: str, token: dict[str, object]) -> bool:
    """Neo4j's colouring marks a keyword-like name as a keyword too; the characters around a
    property key, label, parameter or map key tell them apart."""
    start = int(str(token["start"]))
    before = query[:start].rstrip()[-1:]
    after = query[start + len(str(token["token"])) :].lstrip()[:1]
    return before in (".", ":", "$") or (before in ("{", ",") and after == ":")


def refused(query: str) -> bool:
    try:
        check_read_only(query)
    except QueryRefused:
        return True
    return False


def test_whenever_neo4j_sees_a_writing_or_admin_keyword_the_check_refuses() -> None:
    queries = generated_queries()
    dangerous = {w.upper() for w in WRITE_WORDS | ADMIN_WORDS}
    missed = []
    for query, tokens in zip(queries, neo4j_tokens(queries), strict=True):
        keywords = {
            str(t["token"]).upper() for t in tokens if t["type"] == "keyword" and not is_name(query, t)
        }
        if keywords & dangerous and not refused(query):
            missed.append((query, sorted(keywords & dangerous)))
    assert not missed, missed[:5]
    # the corpus does exercise both outcomes
    assert sum(map(refused, queries)) > 100 and sum(not refused(q) for q in queries) > 20


def test_strings_and_comments_end_where_neo4j_ends_them() -> None:
    queries = [
        "MATCH (n) // note\rRETURN n",
        "MATCH (n) /* a\nb */ RETURN 'it\\'s' AS s, \"q\\\"q\" AS t",
        "RETURN `we``ird` AS x // trailing",
        "RETURN 'a // not a comment' AS s /* c */",
        'RETURN "/* not a comment */" AS s',
    ]
    for query, theirs in zip(queries, neo4j_tokens(queries), strict=True):
        # Neo4j cuts a token that spans lines into one per line: compare the characters covered.
        inert = {
            int(str(t["start"])) + i
            for t in theirs
            if t["type"] in ("comment", "stringLiteral")
            for i in range(len(str(t["token"])))
        }
        ours = {
            t.start + i
            for t in tokenize(query)
            if t.kind in ("comment", "string")
            for i in range(len(t.text))
        }
        assert ours - {query.index(c) for c in "\n" if c in query} == inert, query


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("RETURN 'a\\'b'", ["word", "space", "string"]),
        ("RETURN `a``b`", ["word", "space", "name"]),
        ("// x\rCREATE", ["comment", "space", "word"]),
        ("/* x */n.set", ["comment", "word", "symbol", "word"]),
        ("$p", ["param"]),
    ],
)
def test_tokens(query: str, kinds: list[str]) -> None:
    assert [t.kind for t in tokenize(query)] == kinds


def test_names_that_look_like_keywords_are_allowed() -> None:
    for query in ["MATCH (n:Set) RETURN n.create, {delete: 1} AS m, $merge AS p", "MATCH (n) RETURN n.show"]:
        check_read_only(query)
