"""Normalized interventions, conditions, outcomes and populations, and the propositions they form.

The synonym lexicon is data (`ingest/data/entities.json`): "KAP", "ketamine-assisted psychotherapy"
and "Spravato" all normalize to the intervention "ketamine". A name the lexicon does not know
normalizes to a cleaned lower-case form (articles and possessive determiners dropped), so two
articles that word an outcome the same way still meet.

A proposition is a normalized (intervention, effect, outcome) triple; effects with the same
meaning fold into one verb ("decreases", "lowers" -> "reduces", also from the lexicon). Ids come
from `kb.ids`, so the same triple from two articles is the same `Proposition` node.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from retrie.trie import Trie

from ingest.lexicons import load_lexicon
from kb.models import Claim, ClaimProposition, Entity, EntityKind, Proposition

_STRAY = " .,;:!?\"'()[]“”‘"
_GLOSSED = re.compile(r"^(.+?)\s*\(([^()]+)\)$")
_ACRONYM = re.compile(r"[A-Z0-9+\-/]{2,6}s?")
_DETERMINERS = re.compile(
    r"^(?:(?:the|a|an|this|these|that|those|its|their|his|her|your|our|my|such|any|some|"
    r"overall|underlying|(?:the )?(?:brain|body|person|individual|patient)['’]s)\s+)+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """An entity named in a text: where, as written, and what it normalizes to."""

    start: int
    end: int
    surface: str
    kind: EntityKind
    name: str


@dataclass(frozen=True)
class _Lexicon:
    by_surface: dict[str, tuple[EntityKind, str]]  # casefolded surface -> (kind, canonical)
    synonyms: dict[tuple[EntityKind, str], list[str]]
    exact: re.Pattern[str]  # case-sensitive acronyms
    folded: re.Pattern[str]  # everything else
    effects: dict[str, str]  # effect verb -> canonical effect
    generic_heads: re.Pattern[str]  # up to two words, then a treatment noun
    generic: frozenset[str]


def _pattern(surfaces: Iterable[str], flags: int) -> re.Pattern[str]:
    # As a trie (retrie): the longest surface at a place wins ("ketamine therapy" over
    # "ketamine"), the pattern is the same whatever the hash seed, and it is tried in one pass
    # instead of surface by surface.
    trie = Trie()
    trie.add(*sorted(surfaces))
    body = trie.pattern().replace(r"\ ", r"\s+")
    # Possessive and plural "s" may follow ("ketamine's", "MSCs"); hyphenated compounds may not.
    return re.compile(rf"(?<![\w-])(?:{body})(?=['’]s\b|[^\w-]|-(?![A-Za-z])|$)", flags)


@cache
def _lexicon() -> _Lexicon:
    raw = load_lexicon("entities.json")
    by_surface: dict[str, tuple[EntityKind, str]] = {}
    synonyms: dict[tuple[EntityKind, str], list[str]] = {}
    exact: set[str] = set()
    folded: set[str] = set()
    for kind in EntityKind:
        for entry in raw[kind.value]:
            key = (kind, entry["name"])
            synonyms[key] = list(entry["synonyms"])
            for surface in [entry["name"], *entry["synonyms"]]:
                by_surface.setdefault(surface.casefold(), key)
                is_acronym = _ACRONYM.fullmatch(surface) and surface != surface.lower()
                (exact if is_acronym else folded).add(surface)
    effects = {verb: canon for canon, verbs in raw["effects"].items() for verb in [canon, *verbs]}
    return _Lexicon(
        by_surface=by_surface,
        synonyms=synonyms,
        exact=_pattern(exact, 0),
        folded=_pattern(folded, re.IGNORECASE),
        effects=effects,
        generic_heads=re.compile(
            rf"(?<![\w-])((?:[A-Za-z][\w+'’-]*[ \t]+){{1,2}})({'|'.join(raw['intervention_heads'])})(?![\w-])"
        ),
        generic=frozenset(raw["generic_modifiers"]),
    )


def clean_name(name: str) -> str:
    """Lower case, straight apostrophes, single spaces, no leading determiners or stray punctuation."""
    text = " ".join(name.replace("’", "'").split()).strip(_STRAY)
    return _DETERMINERS.sub("", text).strip(_STRAY).lower()


def find_mentions(text: str) -> list[Mention]:
    """Known entities named in `text`, longest match first, never overlapping, in text order."""
    return list(_mentions(text))


@lru_cache(maxsize=8192)
def _mentions(text: str) -> tuple[Mention, ...]:
    # Cached: the claim finder asks about the same sentence for several features and the rules.
    lex = _lexicon()
    found = [*lex.exact.finditer(text), *lex.folded.finditer(text)]
    found.sort(key=lambda m: (m.start(), -(m.end() - m.start())))
    out: list[Mention] = []
    for m in found:
        if out and m.start() < out[-1].end:
            continue
        kind, name = lex.by_surface[" ".join(m.group().split()).casefold()]
        out.append(Mention(m.start(), m.end(), m.group(), kind, name))
    return tuple(out)


def find_generic_interventions(text: str) -> list[Mention]:
    """Treatments the lexicon does not list: "cold plunge therapy", "PRP injections"..."""
    lex = _lexicon()
    out: list[Mention] = []
    for m in lex.generic_heads.finditer(text):
        kept: list[str] = []
        for word in reversed(m.group(1).split()):
            # "traditional treatments" is generic; "undergoing treatment" is a verb phrase, not a name
            if word.lower() in lex.generic or word.lower().endswith("ing"):
                break
            kept.insert(0, word)
        if not kept:
            continue
        start = m.start(1) + m.group(1).rfind(kept[0], 0, len(m.group(1)) - len(" ".join(kept[1:])))
        surface = text[start : m.end()]
        out.append(Mention(start, m.end(), surface, EntityKind.INTERVENTION, clean_name(surface)))
    return out


def lookup(name: str) -> tuple[EntityKind, str] | None:
    lex = _lexicon()
    return lex.by_surface.get(" ".join(name.split()).casefold()) or lex.by_surface.get(clean_name(name))


def normalize(name: str, kind: EntityKind) -> Entity:
    """The canonical entity for `name`; the lexicon's kind wins (an outcome may be a condition)."""
    lex = _lexicon()
    known = lookup(name)
    glossed = _GLOSSED.match(name.strip())  # "hyperbaric oxygen therapy (HBOT)"
    if known is None and glossed:
        known = lookup(glossed.group(1)) or lookup(glossed.group(2))
    if known is None:
        return Entity(kind=kind, name=clean_name(glossed.group(1) if glossed else name), synonyms=[])
    known_kind, canonical = known
    if kind == EntityKind.INTERVENTION and known_kind != EntityKind.INTERVENTION:
        known_kind = kind  # "cannabis" may be the intervention even where it is listed otherwise
    return Entity(kind=known_kind, name=canonical, synonyms=lex.synonyms.get(known, []))


def normalize_effect(effect: str) -> str:
    verb = " ".join(effect.lower().split())
    return _lexicon().effects.get(verb, verb)


def build_propositions(
    claims: Iterable[Claim],
) -> tuple[list[Entity], list[Proposition], list[ClaimProposition]]:
    """Entities, propositions and claim->proposition links for the atoms of `claims`, deduplicated."""
    entities: dict[str, Entity] = {}
    propositions: dict[str, Proposition] = {}
    links: dict[tuple[str, str], ClaimProposition] = {}
    for claim in claims:
        for atom in claim.atoms:
            intervention = normalize(atom.intervention, EntityKind.INTERVENTION)
            outcome = normalize(atom.outcome, EntityKind.OUTCOME)
            if not intervention.name or not outcome.name:
                continue
            population = normalize(atom.population, EntityKind.POPULATION) if atom.population else None
            for entity in (intervention, outcome, population):
                if entity is not None:
                    entities.setdefault(entity.id, entity)
            effect = normalize_effect(atom.effect)
            prop = Proposition(
                intervention_id=intervention.id,
                effect=effect,
                outcome_id=outcome.id,
                text=f"{intervention.name} {effect} {outcome.name}",
                population_id=population.id if population else None,
            )
            propositions.setdefault(prop.id, prop)
            links.setdefault((claim.id, prop.id), ClaimProposition(claim_id=claim.id, proposition_id=prop.id))
    return list(entities.values()), list(propositions.values()), list(links.values())
