"""Does a work study what a claim is about? Intervention, outcome and population, with synonyms.

A claim's atoms name an intervention, an outcome and maybe a population. Each name is expanded
to every surface form the entity lexicon (`ingest/data/entities.json`) lists for it ("HBOT" ->
"hyperbaric oxygen therapy", "hyperbaric oxygen"...); without the lexicon, the name itself is used.
A form matches a work when all of its content words occur in the work's title, abstract or MeSH
headings (light stemming: "cravings" meets "craving"). The best-matching atom speaks for the claim.

A ketamine trial for depression cited for "ketamine reduces addiction" matches the intervention
but not the outcome: indirect. A study of hypoperfusion in autism cited for "hyperbaric oxygen
treats autism" does not study the intervention at all.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from ingest.stopwords import FUNCTION_WORDS
from kb.grading import Directness
from kb.models import Atom, Work

__all__ = ["directness", "expand", "find_form"]

_LEXICON = Path(__file__).parent / "data" / "entities.json"  # written by ingest.entities' owners
_KINDS = ("intervention", "condition", "outcome", "population")
_STOP = FUNCTION_WORDS | {
    "our", "your", "this", "that", "these", "overall", "levels", "level", "rates", "rate", "symptoms",
    # Generic heads of intervention names: a trial of "ketamine" studies "ketamine therapy".
    "therapy", "therapies", "treatment", "treatments", "intervention", "program", "protocol",
    "session", "sessions",
}  # fmt: skip


@cache
def _lexicon() -> dict[str, tuple[str, ...]]:
    """Casefolded surface form -> every surface form of its entity; {} when there is no lexicon."""
    try:
        raw = json.loads(_LEXICON.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    forms: dict[str, tuple[str, ...]] = {}
    for kind in _KINDS:
        for entry in raw.get(kind, []) if isinstance(raw, dict) else []:
            surfaces = (entry["name"], *entry.get("synonyms", []))
            for surface in surfaces:
                forms.setdefault(surface.casefold(), surfaces)
    return forms


def expand(name: str) -> list[str]:
    """The lexicon's forms of `name`, canonical first, then `name` as written if it is not one."""
    key = " ".join(name.split()).casefold()
    forms = _lexicon().get(key) or _lexicon().get(re.sub(r"^(?:the|a|an)\s+", "", key)) or ()
    return list(dict.fromkeys([*forms, name]))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_STOP_STEMS = frozenset(_stem(w) for w in _STOP)


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return [_stem(w) for w in re.findall(r"[a-z0-9+]+", folded)]


def _found(name: str, vocabulary: set[str], acronyms: set[str]) -> str | bool:
    """The first form of `name` the work mentions; False when none is; True when `name` is too
    generic to compare (no content words, as in "symptoms")."""
    comparable = False
    for form in expand(name):
        if re.fullmatch(r"[A-Z0-9+-]{2,6}s?", form):  # an acronym must appear as written
            comparable = True
            if form.rstrip("s") in acronyms:
                return form
            continue
        words = [w for w in _words(form) if w not in _STOP_STEMS]
        comparable = comparable or bool(words)
        if words and all(w in vocabulary for w in words):
            return form
    return not comparable


def find_form(name: str, text: str) -> str | bool:
    """The first form of `name` that `text` mentions (same matching as `directness`); False when
    none is; True when `name` is too generic to compare."""
    return _found(name, set(_words(text)), set(re.findall(r"\b[A-Z0-9+-]{2,6}\b", text)))


def directness(work: Work, claim_atoms: Sequence[Atom]) -> Directness:
    """How directly `work` bears on the claim whose atoms are `claim_atoms`."""
    text = " ".join(filter(None, [work.title, work.abstract, *work.mesh]))
    if not claim_atoms:
        return Directness(direct=False, reasons=["the claim names no intervention and outcome to compare"])
    if not text:
        return Directness(direct=False, reasons=["the work has no title, abstract or MeSH to compare"])
    vocabulary = set(_words(text))
    acronyms = set(re.findall(r"\b[A-Z0-9+-]{2,6}\b", text))
    judged = [_judge(atom, vocabulary, acronyms) for atom in claim_atoms]
    best = max(judged, key=lambda d: sum(m is True for m in (d.intervention_match, d.outcome_match)))
    return best


def _judge(atom: Atom, vocabulary: set[str], acronyms: set[str]) -> Directness:
    reasons: list[str] = []
    matches: dict[str, bool | None] = {}
    parts = (("intervention", atom.intervention), ("outcome", atom.outcome), ("population", atom.population))
    for part, name in parts:
        if not name:
            matches[part] = None
            continue
        found = _found(name, vocabulary, acronyms)
        if found is True:
            matches[part] = None
            reasons.append(f"the {part} ({name!r}) is too generic to compare")
        elif found is False:
            matches[part] = False
            reasons.append(f"the work does not study the {part} ({name!r})")
        else:
            matches[part] = True
            reasons.append(f"studies the {part} ({found!r})")
    direct = (
        matches["intervention"] is True
        and matches["outcome"] is not False
        and matches["population"] is not False
    )
    return Directness(
        intervention_match=matches["intervention"],
        outcome_match=matches["outcome"],
        population_match=matches["population"],
        direct=direct,
        reasons=reasons,
    )
