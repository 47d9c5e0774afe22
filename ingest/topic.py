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
from itertools import pairwise

from ingest.entities import find_mentions
from ingest.lexicons import load_lexicon
from ingest.sentences import Sentence
from ingest.stopwords import FUNCTION_WORDS
from kb.models import EntityKind

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9+'’-]*[A-Za-z0-9+]|[A-Za-z]{2,}")
_TITLE_WEIGHT, _HEADING_WEIGHT = 3, 2
_SHARE = 0.5
_MIN_SCORE = 3
_MAX_TERMS = 4
_MAX_TERMS_WITH_ACRONYMS = 6
_PAIR_SHARE = 0.75


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
def _words() -> dict[str, frozenset[str]]:
    raw = load_lexicon("topic.json")
    return {key: frozenset(value) for key, value in raw.items() if not key.startswith("_")}


@cache
def _everyday() -> frozenset[str]:
    return FUNCTION_WORDS | _words()["generic"] | _words()["everyday"]


def _known_non_treatment(word: str) -> bool:
    if any(part in _words()["health"] for part in word.split()):
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
    out += [f"{a} {b}" for a, b in pairwise(keep) if a and b]
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
    # "stem cell" rather than "stem" when the page says the pair nearly every time it says the word
    pairs = [t for t, sc in candidates if " " in t and main in t.split() and sc >= _PAIR_SHARE * top]
    if " " not in main and pairs:
        main = pairs[0]
        terms = [main, *(t for t in terms if t != main)][:_MAX_TERMS]
    written = max((w for w in surfaces if w.lower() == main), key=lambda w: surfaces[w], default=main)
    # "testosterone replacement therapy (TRT)", "Stellate Ganglion Block (SGB)": the page names what
    # it promotes by an acronym whose long form holds a topic term; the acronym is a topic term too
    from ingest.claims import defined_acronyms

    words_of = {w for t in terms for w in t.split()}
    for acronym, long_form in defined_acronyms("\n".join(s.text for s in sentences)).items():
        if acronym.lower() not in terms and words_of & set(long_form.split()):
            terms.append(acronym.lower())
    return Topic(tuple(terms[:_MAX_TERMS_WITH_ACRONYMS]), written if " " not in main else main)
