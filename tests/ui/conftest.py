"""Fixtures of the app tests that run the real Streamlit app (AppTest) on the real engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st

from kb.settings import get_settings
from kb.store import GraphStore


@pytest.fixture
def graph(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphStore]:
    """An empty graph, offline settings read afresh, no cached reads from an earlier test."""
    monkeypatch.setenv("KB_OFFLINE", "true")
    get_settings.cache_clear()
    st.cache_data.clear()
    yield store
    get_settings.cache_clear()
    st.cache_data.clear()
