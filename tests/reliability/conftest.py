"""Fixtures of the reliability suite: a generated corpus, and data directories of their own.

Crash and concurrency tests start their own engine in a temporary KB_HOME (never the session's
engine) and stop it afterwards; the rest use the session's engine through `store`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rel_helpers import expected_counts

from benchmarks.corpus import generate
from kb import engine
from kb.settings import Settings

CORPUS_ARTICLES = 36


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """36 made-up articles (HTML and text, a few junk pages), the same every run."""
    out = tmp_path_factory.mktemp("corpus")
    generate(out, CORPUS_ARTICLES, seed=7)
    return out


@pytest.fixture(scope="session")
def corpus_counts(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """What one clean ingest of the corpus leaves in the graph, per label."""
    counts = expected_counts(sorted(corpus.iterdir()), Settings(home=tmp_path_factory.mktemp("pure")))
    assert counts["Source"] > 30 and counts["Claim"] > 600  # the corpus is what the tests assume
    return counts


@pytest.fixture
def fresh_home(tmp_path: Path) -> Iterator[Path]:
    """A data directory of the test's own; whatever engine runs there is stopped afterwards."""
    home = tmp_path / "home"
    home.mkdir()
    yield home
    engine.stop(Settings(home=home))
