"""Shared fixtures: one real embedded engine per test session, in a temporary KB_HOME.

Set NEO4J_URI (and NEO4J_USER/NEO4J_PASSWORD) to run the same store tests against an external
Neo4j 5 instead; the tests wipe that database, so point them at a scratch one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb import engine
from kb.settings import Settings
from kb.store import GraphStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kb_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("kb-home")
    old = os.environ.get("KB_HOME")
    os.environ["KB_HOME"] = str(home)  # for CLI subprocesses started by tests
    yield home
    if old is None:
        os.environ.pop("KB_HOME", None)
    else:
        os.environ["KB_HOME"] = old


@pytest.fixture(scope="session")
def settings(kb_home: Path) -> Iterator[Settings]:
    cfg = Settings(home=kb_home)
    yield cfg
    if not cfg.uses_neo4j:
        engine.stop(cfg)


@pytest.fixture(scope="session")
def session_store(settings: Settings) -> Iterator[GraphStore]:
    store = GraphStore.connect(settings)
    yield store
    store.close()


@pytest.fixture
def store(session_store: GraphStore) -> GraphStore:
    """The session's store, emptied before each test."""
    session_store.reset()
    return session_store
