"""The second lock on the researchers' Cypher console: a lexical check (pure; no driver here).

The first lock is the engine. Console queries run as a separate engine user whose only right is
to read records (`kb_console` in the embedded engine, created and kept by `kb`; a reader role on
Neo4j, docs/engine.md), so a write, a schema change, LOAD CSV or an administration command is
refused by the engine whatever its spelling. This module refuses the same things earlier, with a
message a researcher can act on, and keeps refusing them should the engine's rights ever be
misconfigured.

A keyword check over raw text always misses one more spelling: a comment that the engine ends at
a carriage return, an escape it does not honour. So the query is cut into tokens by a real
lexer (`tokenize`), and it is cut *several ways*: with and without backslash escapes in strings,
with line comments ending at any line terminator or only at a line feed. Each reading is checked
and the query passes only when every reading is harmless, so a difference between this lexer and
the engine's can only refuse more, never hide a clause. The tests compare this lexer with Neo4j's
own (`@neo4j-cypher/language-support`) on hostile inputs.

What a reading may not contain, outside strings, comments, property keys, labels, parameters and
map keys:
- a clause or keyword that writes data or schema, or administers the server (`WRITE_WORDS`,
  `ADMIN_WORDS`), anywhere in the query, not only first;
- `CALL` of a procedure that is not on `READ_ONLY_PROCEDURES` (subqueries `CALL {...}` are
  checked like the rest of the query);
- a second statement after `;`;
- an unterminated string, comment or quoted name.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from kb.errors import QueryRefused

MAX_QUERY_CHARS = 20_000

# Clauses that write data or schema, or load files. TRANSACTIONS and PERIODIC make a subquery or
# a load commit on its own (`CALL {...} IN TRANSACTIONS`, `USING PERIODIC COMMIT`), which the
# console's rollback could not undo.
WRITE_WORDS = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD",
        "INSERT", "RENAME", "TRANSACTIONS", "PERIODIC", "COMMIT", "ROLLBACK", "BEGIN", "IMPORT",
    }
)  # fmt: skip

# Administration commands: users, roles, privileges, databases, servers and other sessions'
# transactions. Refused wherever they appear, so `PROFILE SHOW USERS` is refused like `SHOW USERS`.
ADMIN_WORDS = frozenset(
    {
        "SHOW", "TERMINATE", "START", "STOP", "USE", "ENABLE", "DRYRUN", "ALTER", "GRANT",
        "DENY", "REVOKE", "DEALLOCATE", "REALLOCATE",
    }
)  # fmt: skip

# Procedures that only read. Anything else after CALL is refused.
READ_ONLY_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)

# Characters some lexer may take as the end of a `//` comment. Ending a comment early shows more
# text to the check; the other reading (line feed only) covers a lexer that ends it later.
ALL_LINE_ENDS = "\n\r\u2028\u2029\u0085\x0b\x0c"
_INERT = frozenset({"string", "comment", "space"})


@dataclass(frozen=True)
class Token:
    kind: str  # word, name (back-quoted), string, comment, param, number, symbol, space
    text: str
    start: int


def _scan_string(query: str, i: int, escapes: bool, strict: bool) -> int:
    """Index just past the string literal that opens at `i`."""
    quote, j = query[i], i + 1
    while j < len(query):
        ch = query[j]
        if escapes and ch == "\\":
            j += 2
            continue
        if ch == quote:
            return j + 1
        j += 1
    if strict:
        raise QueryRefused("the query has an unterminated string; close every quote")
    return len(query)


def _scan_backquoted(query: str, i: int, strict: bool) -> int:
    j = i + 1
    while True:
        end = query.find("`", j)
        if end < 0 and not strict:
            return len(query)
        if end < 0:
            raise QueryRefused("the query has an unterminated back-quoted name; close every `")
        if query.startswith("``", end):  # a doubled back quote is one back quote in the name
            j = end + 2
            continue
        return end + 1


def _scan_line_comment(query: str, i: int, line_ends: str) -> int:
    ends = [k for k in (query.find(ch, i) for ch in line_ends) if k >= 0]
    return min(ends) if ends else len(query)


def _scan_block_comment(query: str, i: int, strict: bool) -> int:
    end = query.find("*/", i + 2)
    if end < 0 and not strict:
        return len(query)
    if end < 0:
        raise QueryRefused("the query has an unterminated comment; close every /*")
    return end + 2


def _scan_word(query: str, i: int) -> int:
    j = i
    while j < len(query) and (query[j].isalnum() or query[j] == "_"):
        j += 1
    return j


def tokenize(
    query: str, *, escapes: bool = True, line_ends: str = ALL_LINE_ENDS, strict: bool = True
) -> list[Token]:
    """Cut a query into tokens. A string, comment or quoted name that never ends is refused
    (`strict`) or runs to the end of the query (the other readings: a query that is broken
    under them fails in the engine anyway, so only what they show as code matters)."""
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            j = i + 1
            while j < len(query) and query[j].isspace():
                j += 1
            kind = "space"
        elif ch in "'\"":
            j, kind = _scan_string(query, i, escapes, strict), "string"
        elif ch == "`":
            j, kind = _scan_backquoted(query, i, strict), "name"
        elif query.startswith("//", i):
            j, kind = _scan_line_comment(query, i, line_ends), "comment"
        elif query.startswith("/*", i):
            j, kind = _scan_block_comment(query, i, strict), "comment"
        elif ch == "$":
            j, kind = max(_scan_word(query, i + 1), i + 1), "param"
        elif ch.isdigit():
            j, kind = _scan_word(query, i), "number"
        elif ch.isalpha() or ch == "_":
            j, kind = _scan_word(query, i), "word"
        else:
            j, kind = i + 1, "symbol"
        tokens.append(Token(kind, query[i:j], i))
        i = j
    return tokens


def _significant(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in _INERT]


def _is_name(tokens: list[Token], k: int) -> bool:
    """True when the word at `k` names something (a property key, label, relationship type or
    map key) rather than being a clause."""
    before = tokens[k - 1].text if k > 0 else ""
    after = tokens[k + 1].text if k + 1 < len(tokens) else ""
    return before in (".", ":") or (before in ("{", ",") and after == ":")


def _procedure_name(tokens: list[Token], k: int) -> tuple[str | None, int]:
    """The dotted procedure name that starts at `k` (None if it is not plain words), and the
    index after it."""
    parts: list[str] = []
    while k < len(tokens):
        token = tokens[k]
        if token.kind == "name":
            return None, k
        if token.kind != "word":
            break
        parts.append(token.text)
        if k + 1 < len(tokens) and tokens[k + 1].text == ".":
            k += 2
            continue
        k += 1
        break
    return (".".join(parts) if parts else None), k


def _opens_scoped_subquery(code: list[Token], k: int) -> bool:
    """`CALL (a, b) {`: a parenthesised list of variables followed by a brace."""
    j = k + 1
    while j < len(code) and (code[j].kind == "word" or code[j].text in (",", "*")):
        j += 1
    return j + 1 < len(code) and code[j].text == ")" and code[j + 1].text == "{"


def _check_reading(tokens: list[Token]) -> None:
    code = _significant(tokens)
    for k, token in enumerate(code):
        if token.text == ";" and any(t.text != ";" for t in code[k + 1 :]):
            raise QueryRefused("the console runs one statement at a time; remove the ';' and what follows")
        if token.kind != "word" or _is_name(code, k):
            continue
        word = token.text.upper()
        if word in WRITE_WORDS:
            raise QueryRefused(
                f"the console is read-only: '{token.text}' can change the graph; use MATCH ... RETURN queries"
            )
        if word in ADMIN_WORDS:
            raise QueryRefused(
                f"the console is read-only: '{token.text}' administers the server and is not allowed here"
            )
        if word == "CALL":
            _check_call(code, k + 1)


def _check_call(code: list[Token], k: int) -> None:
    following = code[k].text if k < len(code) else ""
    if following == "{" or (following == "(" and _opens_scoped_subquery(code, k)):
        return  # a subquery: its clauses are checked with the rest of the query
    name, _ = _procedure_name(code, k)
    if name is None:
        raise QueryRefused("the console is read-only: write procedure names in full, without back quotes")
    if name.lower() not in READ_ONLY_PROCEDURES:
        raise QueryRefused(
            f"the console is read-only: procedure '{name}' is not on the read-only list "
            f"({', '.join(sorted(READ_ONLY_PROCEDURES))})"
        )


def check_read_only(query: str) -> None:
    """Raise QueryRefused, naming the offending word, if any reading of the query could write."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if not query.strip():
        raise QueryRefused(
            "the query is empty; type a Cypher query such as MATCH (c:Claim) RETURN c LIMIT 10"
        )
    if "\x00" in query:
        raise QueryRefused("the query holds a NUL character; remove it")
    _check_reading(tokenize(query))  # the reading Neo4j's own lexer gives
    for escapes, line_ends in product((True, False), (ALL_LINE_ENDS, "\n")):
        _check_reading(tokenize(query, escapes=escapes, line_ends=line_ends, strict=False))
