"""How well a search hit matches a written citation: a score in 0..1, and when to accept it.

    score = sum(WEIGHTS[f] * similarity_f) / sum(WEIGHTS[f])   over fields f the citation states

    title    Dice coefficient of the two titles' content words (stop words dropped, light stemming)
    author   1 if the cited first author's surname is the hit's first author, 0.5 if another author
    year     1 if equal, 0.5 if one year apart (online-first vs print), else 0
    journal  1 if equal, or one is an abbreviation of the other word by word ("Am J Psychiatry"),
             against the hit's full title or its abbreviation
    locator  1 if volume and first page (or article number) are both the same, else 0; stated
             only with a journal and a year ("Am J Psychiatry. 2022;179(2):152-162")

A field the hit lacks scores 0, except the locator: a hit that states no volume and first page
leaves it out of both sums, provided what is left still covers `MIN_COVERAGE`. A citation that
states less than `MIN_COVERAGE` of the weight (e.g. only an author and a year) is not matched at
all; journal + year + locator (0.55) is enough without an author. A hit is accepted when its
score is at least `THRESHOLD` and no other hit comes within `AMBIGUITY_MARGIN` of it.
docs/resolving.md explains the numbers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.resolve.records import Record
from ingest.stopwords import FUNCTION_WORDS
from kb.models import Work

__all__ = [
    "AMBIGUITY_MARGIN",
    "MIN_COVERAGE",
    "THRESHOLD",
    "WEIGHTS",
    "Match",
    "best_match",
    "first_page",
    "has_locator",
    "match_score",
    "not_searchable_reason",
    "states_enough",
    "surname",
]

WEIGHTS = {"title": 0.55, "author": 0.20, "year": 0.15, "journal": 0.10, "locator": 0.30}
MIN_COVERAGE = 0.45  # a title, or author + year + journal together, or journal + year + locator
THRESHOLD = 0.75
AMBIGUITY_MARGIN = 0.05
_INITIALS = re.compile(r"[A-Z]{1,3}\.?|(?:[A-Z]\.){1,3}")
_STOP = FUNCTION_WORDS | {"was", "were", "vs"}


@dataclass(frozen=True)
class Match:
    record: Record | None
    score: float  # best score seen, 0 when nothing was scored
    accepted: bool
    why: str  # for the unresolved reason when not accepted


def match_score(cited: Work, hit: Record) -> float | None:
    """Score of `hit` for `cited`, or None when the citation states too little to match."""
    if not states_enough(cited):
        return None
    similarity: dict[str, Callable[[], float]] = {
        "title": lambda: _title_similarity(cited.title or "", hit.title or ""),
        "author": lambda: _author_similarity(cited.authors, hit.authors),
        "year": lambda: _year_similarity(cited.year, hit.year),
        "journal": lambda: max(
            _journal_similarity(cited.journal or "", hit.journal or ""),
            _journal_similarity(cited.journal or "", hit.journal_abbrev or ""),
        ),
        "locator": lambda: _locator_similarity(cited, hit),
    }
    stated = _stated(cited)
    if "locator" in stated and not (hit.volume and first_page(hit.pages)):
        stated.remove("locator")  # the hit does not say where it was printed: judge the rest
    coverage = sum(WEIGHTS[name] for name in stated)
    if coverage < MIN_COVERAGE - 1e-9:
        return None
    return round(sum(WEIGHTS[name] * similarity[name]() for name in stated) / coverage, 3)


def best_match(cited: Work, hits: Sequence[Record]) -> Match:
    scored = sorted(
        ((s, hit) for hit in hits if (s := match_score(cited, hit)) is not None), key=lambda p: -p[0]
    )
    if not scored:
        return Match(None, 0.0, False, "no bibliographic match found")
    top, record = scored[0]
    if top < THRESHOLD:
        return Match(record, top, False, f"bibliographic match score {top:.2f} below {THRESHOLD:.2f}")
    if len(scored) > 1 and top - scored[1][0] < AMBIGUITY_MARGIN:
        return Match(record, top, False, f"ambiguous bibliographic match ({top:.2f} and {scored[1][0]:.2f})")
    return Match(record, top, True, f"bibliographic match score {top:.2f}")


def states_enough(cited: Work) -> bool:
    """True when the citation states enough of the weight to be matched at all."""
    return sum(WEIGHTS[name] for name in _stated(cited)) >= MIN_COVERAGE - 1e-9


_NEEDS = "a title, or authors, year and journal, or a journal locator: journal, year, volume and first page"
_FIELD_NAMES = {
    "title": "a title",
    "author": "an author",
    "year": "a year",
    "journal": "a journal",
    "volume": "a volume",
    "pages": "pages",
}


def not_searchable_reason(cited: Work) -> str | None:
    """None when the citation can be searched, else why not: what it states and what a search needs."""
    if states_enough(cited):
        return None
    values = {
        "title": cited.title,
        "author": cited.authors,
        "year": cited.year,
        "journal": cited.journal,
        "volume": cited.volume,
        "pages": cited.pages,
    }
    stated = [_FIELD_NAMES[name] for name, value in values.items() if value]
    said = "nothing but its wording" if not stated else "only " + _and(stated)
    return f"no identifier, and the citation states too little to search: {said} (a search needs {_NEEDS})"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def has_locator(cited: Work) -> bool:
    """Journal, year, volume and first page: enough for PubMed's citation matcher by themselves."""
    return bool(cited.journal and cited.year and cited.volume and first_page(cited.pages))


def first_page(pages: str | None) -> str | None:
    """ "152-162" -> "152", "e1660-e1676" -> "e1660", "1552084" -> "1552084"; None when none is stated."""
    if not pages:
        return None
    first = re.split(r"\s*[-–—,]\s*", pages.strip(), maxsplit=1)[0].strip()
    return first or None


def _stated(cited: Work) -> list[str]:
    values = {"title": cited.title, "author": cited.authors, "year": cited.year, "journal": cited.journal}
    return [name for name, value in values.items() if value] + (["locator"] if has_locator(cited) else [])


def _page_key(page: str | None) -> str:
    return (page or "").casefold().lstrip("0") or "0"


def _locator_similarity(cited: Work, hit: Record) -> float:
    same_volume = (cited.volume or "").strip().casefold() == (hit.volume or "").strip().casefold()
    cited_page, hit_page = _page_key(first_page(cited.pages)), _page_key(first_page(hit.pages))
    same_page = cited_page == hit_page or cited_page.lstrip("e") == hit_page.lstrip("e")
    return 1.0 if same_volume and same_page else 0.0


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", _fold(text))
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _title_similarity(a: str, b: str) -> float:
    wa, wb = set(_words(a)) - _STOP, set(_words(b)) - _STOP
    if not wa or not wb:
        return 0.0
    return 2 * len(wa & wb) / (len(wa) + len(wb))


def surname(author: str) -> str:
    """ "Grabski M", "Grabski, M.", "M. Grabski", "Marta Grabski" -> "grabski"."""
    if "," in author:
        return _letters(author.split(",")[0])
    tokens = author.split()
    if not tokens:
        return ""
    # PubMed and Crossref style put the initials last ("Ng JS"); display names put the surname last.
    if len(tokens) > 1 and _INITIALS.fullmatch(tokens[-1]) and not _INITIALS.fullmatch(tokens[0]):
        return _letters(tokens[0])
    return _letters(tokens[-1])


def _letters(name: str) -> str:
    return re.sub(r"[^a-z'-]", "", _fold(name))


def _author_similarity(cited: Sequence[str], found: Sequence[str]) -> float:
    if not cited or not found:
        return 0.0
    first = surname(cited[0])
    surnames = [surname(a) for a in found]
    if first and surnames[0] == first:
        return 1.0
    return 0.5 if first in surnames else 0.0


def _year_similarity(a: int | None, b: int | None) -> float:
    if a is None or b is None:
        return 0.0
    return {0: 1.0, 1: 0.5}.get(abs(a - b), 0.0)


def _journal_similarity(a: str, b: str) -> float:
    wa = [w for w in re.findall(r"[a-z0-9]+", _fold(a)) if w not in _STOP]
    wb = [w for w in re.findall(r"[a-z0-9]+", _fold(b)) if w not in _STOP]
    if not wa or not wb:
        return 0.0
    if wa == wb:
        return 1.0
    short, full = (wa, wb) if len("".join(wa)) <= len("".join(wb)) else (wb, wa)
    if len(short) == len(full) and all(f.startswith(s) for s, f in zip(short, full, strict=True)):
        return 1.0
    return 0.0
