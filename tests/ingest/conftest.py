"""Fixtures of the ingest tests: no traffic leaves the machine, and settings for the local server."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpserver import forbid_outside_traffic

from kb.settings import Settings


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection or name lookup beyond the loopback address fails the test, loudly: a safety
    net under the tests of the address guard, and proof that none of these tests uses the network."""
    forbid_outside_traffic(monkeypatch)


@pytest.fixture
def cfg(tmp_path: Path) -> Settings:
    """Settings for talking to the local test server: it is on 127.0.0.1, which the default
    settings rightly refuse; short timeouts, one retry, a data directory of the test's own."""
    return Settings(home=tmp_path / "home", http_timeout=2.0, http_retries=1, allow_private_network=True)
