"""Hedges, boosters and vague attribution in one sentence.

The lexicons live in `ingest/data/cues.json`; this module only compiles them. Each category is one
alternation (longest phrase first, so "can help" wins over "can"), and each has a list of contexts
that cancel an overlapping match: "can be detected" is ability, not speculation; "membrane
potential" is physics; "not proven" is not a booster; "this study found" points at a study the text
has already named. Matching runs case-sensitively on the lower-cased sentence, which is several
times faster than case-insensitive matching, and a cancelling list is only scanned when its
category matched; a sentence costs well under a tenth of a millisecond.

Attribution is "vague" when the wording leans on research, experts or a journal it does not
identify. Whether a citation is attached is not visible in one sentence, so the pipeline turns
"vague" into "cited" when the citation linker finds one (see `ingest.linking.citation_status`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.lexicons import load_lexicon
from kb.models import Cues

_SPACE = r"\s+"
_OPTIONAL_SPACE = r"\s?"


@dataclass(frozen=True)
class _Category:
    find: re.Pattern[str]
    cancel: re.Pattern[str] | None

    def matches(self, low: str) -> list[str]:
        """Surface forms found in the lower-cased text that nothing in `cancel` overlaps, in order."""
        hits = list(self.find.finditer(low))
        if not hits:
            return []
        blocked = [m.span() for m in self.cancel.finditer(low)] if self.cancel else []
        found: list[str] = []
        for m in hits:
            start, end = m.span()
            if any(start < b_end and b_start < end for b_start, b_end in blocked):
                continue
            surface = " ".join(m.group().split())
            if surface not in found:
                found.append(surface)
        return found


@dataclass(frozen=True)
class _Lexicon:
    hedges: _Category
    boosters: _Category
    vague: _Category
    journals: _Category
    journals_cased: re.Pattern[str]
    locator: re.Pattern[str]


def _alternation(fragments: list[str]) -> re.Pattern[str]:
    # Longest first: the regex engine takes the first alternative that matches at a position.
    ordered = sorted(fragments, key=len, reverse=True)
    body = "|".join("(?:" + f.replace(" ?", _OPTIONAL_SPACE).replace(" ", _SPACE) + ")" for f in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])")


@cache
def _lexicon() -> _Lexicon:
    raw = load_lexicon("cues.json")
    return _Lexicon(
        hedges=_Category(_alternation(raw["hedges"]), _alternation(raw["not_hedges"])),
        boosters=_Category(_alternation(raw["boosters"]), _alternation(raw["not_boosters"])),
        vague=_Category(_alternation(raw["vague_attribution"]), _alternation(raw["not_vague"])),
        journals=_Category(_alternation(raw["journals"]), _alternation(raw["not_vague"])),
        journals_cased=re.compile(raw["journals_cased"]),
        locator=re.compile(raw["locator"]),
    )


def find_hedges(sentence: str) -> list[str]:
    return _lexicon().hedges.matches(sentence.lower())


def find_boosters(sentence: str) -> list[str]:
    return _lexicon().boosters.matches(sentence.lower())


def find_vague_attribution(sentence: str) -> list[str]:
    """Phrases that lean on unnamed research; a journal counts only when no locator is given."""
    lex = _lexicon()
    low = sentence.lower()
    found = lex.vague.matches(low)
    journals = lex.journals.matches(low) + [m.group().lower() for m in lex.journals_cased.finditer(sentence)]
    if journals and not lex.locator.search(sentence):
        found += [j for j in journals if j not in found]
    return found


@lru_cache(maxsize=8192)
def detect_cues(sentence: str) -> Cues:
    """Cached (the same sentence is read by the rules, the finder's features and the claim); the
    returned model is shared, so callers must not change it."""
    low = sentence.lower()
    lex = _lexicon()
    return Cues(
        hedges=lex.hedges.matches(low),
        boosters=lex.boosters.matches(low),
        attribution="vague" if find_vague_attribution(sentence) else None,
    )
