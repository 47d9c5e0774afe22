"""Results of costly reads, kept until the graph changes.

On the embedded engine a sorted list over a broad filter ("all claims, worst first") reads every
candidate claim: about 250-400 ms at 100,000 claims, for every page, and its total as much again.
The store therefore keeps the total and a prefix of the sorted ids here, and serves pages from
them (one id lookup per row) until the graph's *generation* changes. The generation is the
number of `Change` nodes: every write transaction adds one, and counting a label is answered
without reading nodes, so checking it costs one round trip. Writers in other processes (a `kb ingest` beside the app) change it too.

Pure logic, no I/O: `GraphStore` supplies the generation and the loader.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

# Entries are small (a total, at most a few thousand ids); a few dozen cover the filters several
# users page through at once.
DEFAULT_ENTRIES = 64


class ReadCache:
    """A small LRU of read results, each valid for the generation it was read at."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES) -> None:
        self._max = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        # The app shares one store between its sessions' threads.
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(
        self,
        key: Hashable,
        generation: int,
        load: Callable[[], Any],
        enough: Callable[[Any], bool] = lambda value: True,
    ) -> Any:
        """The value for `key` read at `generation`, loading it (outside the lock) if none is kept
        or the kept one is not `enough` (a list prefix too short for the page asked for)."""
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] == generation and enough(kept[1]):
                self._entries.move_to_end(key)
                self.hits += 1
                return kept[1]
            self.misses += 1
        value = load()
        with self._lock:
            self._entries[key] = (generation, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value

    def peek(self, key: Hashable, generation: int) -> Any:
        """The value kept for `key` at `generation`, or None; counts as neither hit nor miss."""
        with self._lock:
            kept = self._entries.get(key)
            return kept[1] if kept is not None and kept[0] == generation else None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def page(
        self,
        key: Hashable,
        generation: int,
        start: int,
        end: int,
        load: Callable[[int], list[str]],
        most: int,
    ) -> list[str] | None:
        """Ids `start` to `end` of a sorted list, from a kept prefix of it, or None when the page is
        better read on its own. `load(n)` reads the list's first n ids.

        The engine's cost of a sorted prefix grows with its length (~0.4 s for 50 ids, ~1.2 s for
        2,500 at 100,000 claims), so a prefix is read twice as long as the page asked for, grows
        by doubling as the pages after it are asked for, and is never longer than `most`; a page
        far past it (a jump to page 40) is read directly."""
        kept = self.peek(key, generation)
        if kept is None or not kept.covers(end):
            have = len(kept.ids) if kept is not None else 0
            if end > most or end > max(2 * have, 2 * (end - start)):
                return None
        asked = min(most, 2 * end)
        prefix: Prefix = self.get(
            key, generation, lambda: Prefix(load(asked), asked), enough=lambda found: found.covers(end)
        )
        return prefix.ids[start:end]


@dataclass(frozen=True)
class Prefix:
    """The first ids of a sorted list, read with `LIMIT asked`."""

    ids: list[str]
    asked: int

    def covers(self, end: int) -> bool:
        """Whether rows up to `end` are known: they are in it, or the list ended before."""
        return end <= len(self.ids) or len(self.ids) < self.asked
