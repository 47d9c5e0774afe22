"""What a page promotes, whatever it is called (pure).

A health page is about one thing, or a few: "TMS", "reishi mushroom", "the carnivore diet",
"BPC-157". Nothing here needs that thing to be in a lexicon. Its name is the content word (or
two-word phrase) the page repeats most, counting the title three times and headings twice, among
words that are not the page's everyday vocabulary: function words, generic health words
("treatment", "patients", "symptoms", "benefits"), and the conditions and outcomes the entity
lexicon knows (a page about depression treatments repeats "depression", but promotes TMS).

    score(term) = 3·[in title] + 2·(heading mentions) + (other mentions)

The page's terms are the best-scoring term and every term scoring at least half as much; an
acronym the page defines ("transcranial magnetic stimulation (TMS)") and its long form count as
one. The entity lexicon then only *normalizes* what was found ("Spravato" → esketamine): it never
decides whether a page or a sentence is about a treatment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ingest.entities import find_mentions
from ingest.sentences import Sentence
from ingest.stopwords import FUNCTION_WORDS
from kb.models import EntityKind

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+'’-]*[A-Za-z0-9+]|[A-Za-z]{2,}")
_TITLE_WEIGHT, _HEADING_WEIGHT = 3, 2
_SHARE = 0.5
_MIN_SCORE = 3
_MAX_TERMS = 4

# Words every health page uses, whatever it promotes: they are never its topic.
GENERIC = frozenset(
    """
    treatment treatments therapy therapies therapeutic patient patients people person individuals
    health healthy body bodies symptom symptoms benefit benefits effect effects result results
    study studies research researchers evidence trial trials doctor doctors physician clinic clinics
    center care medical medicine medicines medication medications drug drugs option options
    condition conditions disorder disorders disease diseases pain life way ways time times help helps
    use used using also may can many may much more most well better best new one two three first
    year years day days week weeks month months session sessions process approach method methods
    level levels system systems part parts type types form forms number increase improve improved
    reduce reduced support supports work works show shows shown found find make makes like including
    include includes provide provides improvement improvements change changes response quality
    scientific science clinical natural potential significant significantly effective effectiveness
    safe safety risk risks side overall important key common known great high low long short
    term terms rate rates percent dose doses function functions protocol program plan plans
    mental physical wellness wellbeing well-being recovery healing heal support supporting
    how what why when who which where whether does work learn read guide blog article post
    """.split()
)
# Ordinary English words that are never a page's topic either (pronouns, determiners, auxiliaries,
# numbers, effect verbs): the function-word list is kept short for title matching, so these are here.
EVERYDAY = frozenset(
    """
    that this these those there their they them then than what which who whom whose you your yours
    our ours we us my me its it's his her him she he i not no nor but if so such some any all each
    every other another own same both few several about above after again against before below
    between during into over under through until while out up down off once only very just too
    have has had having be been being was were will would should could might must shall do did
    done doing get gets got make made take takes taken give gives given see seen say says said
    four five six seven eight nine ten hundred thousand million percent example examples
    enhance enhances enhanced reduces reducing lowers lowering lower reduction increases increasing
    improves improving boosts boost boosting promotes promoting relieve relieves relief treat treats
    treating fight fights fighting prevent prevents help helped helping choose chosen choosing
    even still yet already often always never sometimes usually generally typically really
    around across along within without among per via etc based according known called
    """.split()
)


# Conditions, symptoms and body words: what a treatment is for, never the treatment.
_HEALTH_WORDS = frozenset(
    """
    pain inflammation anxiety depression stress sleep insomnia fatigue mood memory brain heart trauma
    ptsd ocd obsessive compulsive addiction cravings withdrawal relapse autoimmune erectile dysfunction
    syndrome cancer diabetes obesity arthritis migraine migraines headaches infection infections flu
    cold skin hair weight joint joints muscle muscles bone bones gut immune immunity thoughts behaviors
    disorder disease injury injuries wound wounds healing recovery symptoms cells tissue nerve nerves
    """.split()
)


@dataclass(frozen=True)
class Topic:
    """What the page promotes: its terms, best first (lower case), and the main one as written."""

    terms: tuple[str, ...]
    main: str | None

    def mentioned_in(self, text: str) -> bool:
        low = text.lower()
        return any(_contains(low, term) for term in self.terms)


def _contains(low: str, term: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?:s|es|'s|’s)?(?![\w-])", low) is not None


@cache
def _everyday() -> frozenset[str]:
    return FUNCTION_WORDS | GENERIC | EVERYDAY


def _known_non_treatment(word: str) -> bool:
    if any(part in _HEALTH_WORDS for part in word.split()):
        return True
    mentions = find_mentions(word)
    return bool(mentions) and mentions[0].kind in (
        EntityKind.CONDITION,
        EntityKind.OUTCOME,
        EntityKind.POPULATION,
    )


def _terms(text: str) -> list[str]:
    """Candidate topic terms in a sentence: content words and adjacent pairs of them."""
    words = [w.lower().replace("’", "'").removesuffix("'s") for w in _TOKEN.findall(text)]
    keep = [w if w not in _everyday() and len(w) > 2 and not w.isdigit() else "" for w in words]
    out = [w for w in keep if w]
    out += [f"{a} {b}" for a, b in zip(keep, keep[1:], strict=False) if a and b]
    return out


def page_topic(sentences: list[Sentence], title: str | None = None) -> Topic:
    """The page's topic terms (see the module docstring)."""
    scores: Counter[str] = Counter()
    surfaces: Counter[str] = Counter()
    if title:
        for term in dict.fromkeys(_terms(title)):
            scores[term] += _TITLE_WEIGHT
    for s in sentences:
        weight = _HEADING_WEIGHT if s.is_heading else 1
        for term in _terms(s.text):
            scores[term] += weight
        for word in _TOKEN.findall(s.text):
            surfaces[word] += 1
    # a pair counts only when it is as frequent as its rarer word: "reishi mushroom", not "reishi can"
    for term in [t for t in scores if " " in t]:
        first, second = term.split(" ")
        if scores[term] < 0.6 * min(scores[first], scores[second]):
            del scores[term]
    candidates = [
        (term, score)
        for term, score in scores.most_common()
        if score >= _MIN_SCORE and not _known_non_treatment(term)
    ]
    if not candidates:
        return Topic((), None)
    top = candidates[0][1]
    terms = [t for t, sc in candidates if sc >= _SHARE * top][:_MAX_TERMS]
    main = terms[0]
    written = max((w for w in surfaces if w.lower() == main), key=lambda w: surfaces[w], default=main)
    return Topic(tuple(terms), written if " " not in main else main)
