"""The rules' word lists: reading them from `ingest/data/` and compiling them into patterns (pure).

Each rule module keeps its own lexicon file (`atoms.json`, `claims.json`, `cues.json`...) and
caches what it builds from it; this module is the one way those files are read and the one way a
list of words or regex fragments becomes a pattern that matches whole words only.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any


def load_lexicon(name: str) -> Any:
    """The parsed JSON of `ingest/data/<name>`. Not cached here: each caller caches what it builds."""
    return json.loads(resources.files("ingest.data").joinpath(name).read_text(encoding="utf-8"))


def bounded(body: str) -> re.Pattern[str]:
    """`body` (a regex) matched only as whole words, in any case: a hyphen joins words, so
    "anti-anxiety" does not contain "anxiety"."""
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def any_of(fragments: list[str]) -> re.Pattern[str]:
    """Any of `fragments` (regexes, tried in the order given) as whole words, in any case."""
    return bounded("|".join(fragments))
