"""The engine heap's default follows the machine; the environment overrides it."""

from __future__ import annotations

import pytest

from kb.settings import Settings, default_engine_heap

GIB = 2**30


@pytest.mark.parametrize(
    ("memory", "heap"),
    [
        (1 * GIB, "512m"),
        (2 * GIB, "512m"),
        (4 * GIB, "1024m"),
        (6 * GIB, "1536m"),
        (8 * GIB, "2048m"),
        (64 * GIB, "2048m"),
    ],
)
def test_default_heap_is_a_quarter_of_memory_between_512m_and_2g(memory: int, heap: str) -> None:
    assert default_engine_heap(memory) == heap


def test_heap_setting_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_ENGINE_HEAP", "768m")
    assert Settings().engine_heap == "768m"
    monkeypatch.delenv("KB_ENGINE_HEAP")
    assert Settings().engine_heap == default_engine_heap()
