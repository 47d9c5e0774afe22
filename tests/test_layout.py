"""The project's shape: dependencies point one way (ui -> kb <- ingest), Cypher only in kb."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _imports(package: str) -> set[tuple[str, str]]:
    found = set()
    for path in (REPO / package).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {(str(path.relative_to(REPO)), a.name.split(".")[0]) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add((str(path.relative_to(REPO)), node.module.split(".")[0]))
    return found


def test_kb_imports_neither_ingest_nor_ui() -> None:
    assert {(f, m) for f, m in _imports("kb") if m in ("ingest", "ui")} == set()


def test_ingest_does_not_import_ui() -> None:
    assert {(f, m) for f, m in _imports("ingest") if m == "ui"} == set()


CYPHER_CLAUSE = re.compile(r"""["'](?:\s*)(MATCH|MERGE|UNWIND|CREATE|OPTIONAL MATCH)\s+[(\w$]""")


def test_cypher_lives_only_in_kb() -> None:
    offenders = []
    for package in ("ingest", "ui"):
        for path in (REPO / package).rglob("*.py"):
            if CYPHER_CLAUSE.search(path.read_text()):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


DRIVER_MODULES = {
    "kb/drivers.py",  # opens the drivers
    "kb/transactions.py",  # runs kb's statements on them
    "kb/store.py",
    "kb/editing.py",  # the store's editors' writes (a mixin)
    "kb/console_runner.py",  # runs a researcher's query on the read-only login
    "kb/graphdata.py",  # the driver's graph values as plain data
}


def test_only_the_driver_modules_use_the_driver() -> None:
    users = {f for f, m in _imports("kb") | _imports("ingest") | _imports("ui") if m == "neo4j"}
    assert users <= DRIVER_MODULES
