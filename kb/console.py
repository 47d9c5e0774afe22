"""The guard in front of the researchers' read-only Cypher console (pure; no driver here).

The store runs console queries in a transaction it always rolls back, which undoes data
writes. That is not enough on its own: the embedded engine applies schema changes (CREATE
INDEX, DROP CONSTRAINT) immediately even inside a transaction that is rolled back, and a
procedure may write outside the transaction. So the query is refused up front when, outside
string literals, comments and back-quoted names, it contains a writing clause or calls a
procedure that is not on the read-only allowlist.
"""

from __future__ import annotations

import re

from kb.errors import QueryRefused

MAX_QUERY_CHARS = 20_000

# Clauses and keywords that write data or schema, or administer the server.
_WRITE_WORDS = frozenset(
    {
        "CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH", "LOAD",
        "ALTER", "GRANT", "DENY", "REVOKE", "RENAME", "DEALLOCATE", "REALLOCATE", "INSERT",
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

# Literals, comments and quoted names, which may contain any word harmlessly.
_INERT = re.compile(
    r"""
      '(?:[^'\\]|\\.)*'      # single-quoted string
    | "(?:[^"\\]|\\.)*"      # double-quoted string
    | `[^`]*`                # back-quoted name
    | //[^\n]*               # line comment
    | /\*.*?\*/              # block comment
    """,
    re.VERBOSE | re.DOTALL,
)
# A word that is a property key (`c.set`), a label (`:Set`) or a map key (`{set: 1}`) is a
# name, not a clause; the look-arounds skip those.
_WORD = re.compile(r"(?<![.:\w])[A-Za-z_][A-Za-z0-9_]*(?!\w)(?!\s*:)")
_CALL = re.compile(r"\bCALL\b\s*(\{|\(|[A-Za-z_][\w.]*)?", re.IGNORECASE)
_SCOPE = re.compile(r"\([\w\s,*]*\)\s*\{")
# Administration commands open the query; these would be refused by Neo4j's own read mode, but
# the embedded engine ignores it, so the guard refuses them too.
_ADMIN_FIRST_WORDS = frozenset({"SHOW", "START", "STOP", "TERMINATE", "USE", "ENABLE", "DRYRUN", "ALTER"})


def strip_inert(query: str) -> str:
    # A back-quoted name becomes a placeholder word, so `CALL \`x.y\`()` still names something
    # the allowlist can refuse; strings and comments become blanks.
    return _INERT.sub(lambda m: " quoted_name " if m.group().startswith("`") else " ", query)


def check_read_only(query: str) -> None:
    """Raise QueryRefused, naming the offending word, if the query could write."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if not query.strip():
        raise QueryRefused(
            "the query is empty; type a Cypher query such as MATCH (c:Claim) RETURN c LIMIT 10"
        )
    code = strip_inert(query)
    if "'" in code or '"' in code or "/*" in code:
        raise QueryRefused("the query has an unterminated string or comment")
    for word in _WORD.findall(code):
        if word.upper() in _WRITE_WORDS:
            raise QueryRefused(
                f"the console is read-only: '{word}' can change the graph; use MATCH ... RETURN queries"
            )
    first = _WORD.search(code)
    if first and first.group().upper() in _ADMIN_FIRST_WORDS:
        raise QueryRefused(f"the console is read-only: '{first.group()}' commands are not allowed here")
    for match in _CALL.finditer(code):
        target = match.group(1)
        if target == "{" or (target == "(" and _SCOPE.match(code, match.start(1))):
            continue  # a subquery, CALL {...} or CALL (x) {...}; its clauses were checked above
        if target in (None, "(", "quoted_name"):
            raise QueryRefused("the console is read-only: write procedure names in full, without back quotes")
        if target.lower() not in READ_ONLY_PROCEDURES:
            raise QueryRefused(
                f"the console is read-only: procedure '{target}' is not on the read-only list "
                f"({', '.join(sorted(READ_ONLY_PROCEDURES))})"
            )
