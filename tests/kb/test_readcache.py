"""The read cache (pure): a value is kept for one generation of the graph, least recently used
entries go first."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from kb.readcache import Prefix, ReadCache


def _loader(calls: list[str], value: str) -> Callable[[], str]:
    def load() -> str:
        calls.append(value)
        return value

    return load


def test_a_value_is_kept_while_the_generation_stays() -> None:
    cache, calls = ReadCache(), list[str]()
    assert cache.get("k", 1, _loader(calls, "a")) == "a"
    assert cache.get("k", 1, _loader(calls, "b")) == "a"
    assert calls == ["a"] and (cache.hits, cache.misses) == (1, 1)


def test_a_new_generation_reloads() -> None:
    cache, calls = ReadCache(), list[str]()
    cache.get("k", 1, _loader(calls, "a"))
    assert cache.get("k", 2, _loader(calls, "b")) == "b"
    # a reader that saw an older generation does not get the newer value either
    assert cache.get("k", 1, _loader(calls, "c")) == "c"
    assert calls == ["a", "b", "c"]


def test_keys_are_kept_apart() -> None:
    cache, calls = ReadCache(), list[str]()
    assert cache.get(("list", ("status", "missing")), 1, _loader(calls, "m")) == "m"
    assert cache.get(("list", ("status", "cited")), 1, _loader(calls, "c")) == "c"
    assert cache.get(("list", ("status", "missing")), 1, _loader(calls, "x")) == "m"


def test_the_least_recently_used_entry_goes_first() -> None:
    cache, calls = ReadCache(max_entries=2), list[str]()
    cache.get("a", 1, _loader(calls, "a"))
    cache.get("b", 1, _loader(calls, "b"))
    cache.get("a", 1, _loader(calls, "a2"))  # a is used again: b is now the oldest
    cache.get("c", 1, _loader(calls, "c"))
    assert cache.get("a", 1, _loader(calls, "a3")) == "a"
    assert cache.get("b", 1, _loader(calls, "b2")) == "b2"
    assert calls == ["a", "b", "c", "b2"]


def test_clear_forgets_everything() -> None:
    cache, calls = ReadCache(), list[str]()
    cache.get("k", 1, _loader(calls, "a"))
    cache.clear()
    assert cache.get("k", 1, _loader(calls, "b")) == "b"


def test_threads_share_it_safely() -> None:
    cache = ReadCache(max_entries=4)
    errors: list[Exception] = []

    def reader(n: int) -> None:
        try:
            for i in range(500):
                key, gen = i % 7, i // 50
                assert cache.get(key, gen, functools.partial(tuple, (key, gen))) == (key, gen)
        except Exception as e:  # collected: an assertion in a thread would not fail the test
            errors.append(e)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_kept_value_that_is_not_enough_is_read_again() -> None:
    cache, calls = ReadCache(), list[str]()

    def load_short() -> Prefix:
        calls.append("short")
        return Prefix(["a", "b"], asked=2)

    short = cache.get("k", 1, load_short)
    assert cache.get("k", 1, lambda: Prefix([], 0), enough=lambda p: p.covers(2)) is short
    longer = cache.get("k", 1, lambda: Prefix(["a", "b", "c"], asked=4), enough=lambda p: p.covers(3))
    assert longer.ids == ["a", "b", "c"] and calls == ["short"]
    # the list ended before the 4 asked for: any page past it is known to be empty
    assert cache.get("k", 1, lambda: Prefix([], 0), enough=lambda p: p.covers(100)) is longer


def test_a_prefix_covers_what_it_holds_or_a_list_that_ended() -> None:
    assert Prefix(["a", "b"], asked=2).covers(2)
    assert not Prefix(["a", "b"], asked=2).covers(3)
    assert Prefix(["a"], asked=2).covers(50)
