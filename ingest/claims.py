"""Find check-worthy health claims in an article's text.

`ClaimDetector` is the interface; `RuleClaimDetector` is the default: deterministic, offline, fast.
It reads the article as sentences (`ingest.sentences`) and keeps a sentence when

1. it is not a heading, a question, or one of the non-claims of `ingest/data/claims.json`
   (disclaimer, call to action, service or pricing, advice, navigation, "people ask whether");
2. its subject is a *promoted* intervention: the article's main intervention (most mentioned, title
   and headings counting double), one named in a heading or a short list item ("1. Magnesium"),
   or one mentioned at least half as often. Drugs named as substances of abuse ("alcohol and
   marijuana", "cravings for cannabis") do not count. The subject is
   - named in the sentence (or in its "Label:" lead-in; in a list item, any named treatment), or
   - pointed back to, right after a sentence about it: "This/It/This process ...", an opening
     "By <verb>ing ...", "Many patients ...", "Side effects/Results ...", or in the same
     paragraph a definite subject that names nothing else ("The extra oxygen ..."), or
   - left out, and then it is the main intervention: a list item that starts with an effect verb
     ("Reduces inflammation"), "Side effects are mild", "six infusions bring relief".
   Sentences about anything else are background ("Substance abuse often co-occurs with depression");
3. it states an effect: at least one atom (`ingest.atoms`), or a safety or onset statement.

A "sentence" over 2,000 characters, and anything past the first 20,000 characters of a line, is
not read at all: that is a list, table or dump flattened into one line, not prose, and reading it
would take time growing faster than its length.

    confidence = subject weight (named 0.55, pointed back 0.45, left out 0.35)
               + 0.15 per atom (at most two) + 0.1 if it carries a hedge, booster or vague attribution
               (capped at 0.95)

Cues come from `ingest.cues`; `citation_status` stays at its default: the citation linker sets it
(`ingest.linking.citation_status` is the rule).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from ingest.atoms import MAX_SENTENCE_CHARS, effect_of, extract_atoms
from ingest.cues import detect_cues
from ingest.entities import Mention, find_generic_interventions, find_mentions
from ingest.lexicons import load_lexicon
from ingest.sentences import Sentence, split_sentences
from kb.models import Atom, Claim, ClaimKind, Cues, EntityKind

# A short title-case label before a colon opens a sentence: "Rapid Onset of Action: ...".
LABEL = re.compile(r"^[A-Z][\w'’&-]*(?: [\w'’&-]+){0,6}: ")
_ACRONYM_DEF = re.compile(r"((?:[A-Za-z][\w'’]*[ -]){1,6}[A-Za-z][\w'’]*) \(([A-Z][A-Za-z]{1,6}\+?)\)")
_ACRONYM_PAREN = re.compile(r" \(([A-Z][A-Za-z]{1,6}\+?)\)")
# What a definition can cover before " (ACR)", read in the reversed text: its last seven words.
_DEFINITION_TAIL = re.compile(r"[\w'’]*(?:[ -][\w'’]*){0,6}")
_WORD_RUN = re.compile(r"[^ -]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_WORD_PARTS = re.compile(r"[ -]")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}\+?s?")  # "HBOT", "NAD+", "MSCs"
_PROMOTED_SHARE = 0.5
_ABUSE_WINDOW = 30  # characters around a mention read to tell a drug of abuse from a treatment
_MAX_ITEM_HEADING_WORDS = 4
_SUBJECT_WEIGHT = {"named": 0.55, "anaphora": 0.45, "elided": 0.35}
# Claims are read from this much of a line, ten times the longest paragraph of prose: a longer
# line is a dump, and a 1 MB line of short sentences would give ~25,000 claims (about a minute).
MAX_PARAGRAPH_CHARS = 20_000


class ClaimDetector(Protocol):
    """Finds the claims of one article's text; `title` (the page's, when known) helps tell what
    the page promotes. Two implementations: `RuleClaimDetector` here, and the default,
    `ingest.claimfinder.LearnedClaimDetector`, which uses this one's verdict as a feature."""

    def detect(self, text: str, source_id: str, *, title: str | None = None) -> list[Claim]: ...


@dataclass(frozen=True)
class _Rules:
    reject: re.Pattern[str]
    reject_lower: re.Pattern[str] | None  # the same, case-sensitive, for lower-cased ASCII text
    anaphora: re.Pattern[str]
    not_intervention: frozenset[str]
    means_clause: re.Pattern[str]
    abuse_before: re.Pattern[str]
    abuse_after: re.Pattern[str]
    experiencers: re.Pattern[str]
    delivery: re.Pattern[str]
    definite: re.Pattern[str]
    topic_subjects: re.Pattern[str]
    kinds: list[tuple[ClaimKind, re.Pattern[str]]]
    mechanism: re.Pattern[str]


@cache
def _rules() -> _Rules:
    raw = load_lexicon("claims.json")
    reject = "|".join(f"(?:{f})" for group in raw["reject"].values() for f in group)
    # Matching lower-cased ASCII text case-sensitively finds exactly what IGNORECASE finds, if
    # the patterns name no capital letter (escapes such as \S aside), and is five times faster.
    no_capitals = not re.search(r"(?<!\\)[A-Z]", reject)
    return _Rules(
        reject=re.compile(reject, re.IGNORECASE),
        reject_lower=re.compile(reject) if no_capitals else None,
        anaphora=re.compile(raw["anaphora"], re.IGNORECASE),
        not_intervention=frozenset(raw["anaphora_not_intervention"]),
        means_clause=re.compile(raw["means_clause"], re.IGNORECASE),
        abuse_before=re.compile(raw["abuse_before"], re.IGNORECASE),
        abuse_after=re.compile(raw["abuse_after"], re.IGNORECASE),
        experiencers=re.compile(raw["experiencers"], re.IGNORECASE),
        delivery=re.compile(raw["delivery"], re.IGNORECASE),
        definite=re.compile(raw["definite"], re.IGNORECASE),
        topic_subjects=re.compile(raw["topic_subjects"], re.IGNORECASE),
        kinds=[(ClaimKind(k), re.compile(p, re.IGNORECASE)) for k, p in raw["kinds"]],
        mechanism=re.compile(raw["mechanism_terms"], re.IGNORECASE),
    )


@dataclass(frozen=True)
class _Article:
    """What the whole text says about its interventions."""

    promoted: frozenset[str]  # canonical names
    main_surface: str | None  # how the article most often names its main intervention
    acronyms: dict[str, str]  # "KAP" -> "ketamine-assisted psychotherapy"


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines: "Ketamine-Assisted Psychotherapy (KAP)"."""
    out: dict[str, str] = {}
    for m in _acronym_definitions(text):
        letters = [c for c in m.group(2) if c.isupper()]
        parts = _WORD_PARTS.split(m.group(1))[-len(letters) :]
        initials = [p[:1].upper() for p in parts]
        if initials == letters:
            words = m.group(1).split()
            long_form = " ".join(words[-len(" ".join(parts).split()) :])
            out.setdefault(m.group(2), long_form.lower())
    return out


def defined_acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines, each with its long form in lower case: {"TRT": "testosterone
    replacement therapy"}."""
    return _acronyms(text)


def _acronym_definitions(text: str) -> list[re.Match[str]]:
    """`_ACRONYM_DEF.finditer(text)`, in linear time. A definition cannot reach past a character
    that is not a word character, a space or a hyphen, nor past seven words, so it is looked for
    only there (found in the reversed text, without a loop over characters); and a match from
    inside a word also matches from the word's first letter, so the pattern is tried only there:
    searching every position of a long word made one 1 MB word quadratic."""
    found: list[re.Match[str]] = []
    floor = 0  # matches do not overlap: the next starts after the last one ended
    backwards = ""
    for paren in _ACRONYM_PAREN.finditer(text):
        backwards = backwards or text[::-1]
        end = paren.start()
        tail = _DEFINITION_TAIL.match(backwards, len(text) - end, len(text) - floor)
        start = end - len(tail.group()) if tail else end
        m = None
        for word in _WORD_RUN.finditer(text, start, end):
            letter = _ASCII_LETTER.search(text, word.start(), word.end())
            m = _ACRONYM_DEF.match(text, letter.start(), paren.end()) if letter else None
            if m is not None:
                break
        if m is not None and m.end() == paren.end():
            found.append(m)
            floor = m.end()
    return found


@lru_cache(maxsize=8192)
def _interventions(text: str) -> tuple[Mention, ...]:
    """Treatments named in `text`; "alcohol and marijuana", "cravings for cannabis" name drugs of abuse.

    Cached: a sentence is read once for the whole article and again for its own subject."""
    rules = _rules()
    known = [
        m
        for m in find_mentions(text)
        if m.kind == EntityKind.INTERVENTION
        and not rules.abuse_before.search(text, max(0, m.start - _ABUSE_WINDOW), m.start)
        and not rules.abuse_after.match(text[m.end : m.end + _ABUSE_WINDOW])
    ]
    generic = [
        g
        for g in find_generic_interventions(text)
        if not any(g.start < k.end and k.start < g.end for k in known)
    ]
    return tuple(sorted(known + generic, key=lambda m: m.start))


def _surface(mention: Mention, acronyms: dict[str, str]) -> str:
    """How an atom names the intervention: as written, an acronym with what it stands for."""
    surface = " ".join(mention.surface.split())
    if _ACRONYM.fullmatch(surface):
        long_form = acronyms.get(surface, mention.name)
        return surface.lower() if long_form == surface.lower() else f"{long_form} ({surface})"
    return surface.lower().replace("’", "'")


def readable_sentences(sentences: list[Sentence]) -> list[bool]:
    """Whether each sentence is read for claims: not when longer than `MAX_SENTENCE_CHARS` or past
    the first `MAX_PARAGRAPH_CHARS` of its line (the rules' time grows faster than a sentence's
    length, and a paragraph's claims with its length)."""
    starts: dict[int, int] = {}
    out: list[bool] = []
    for s in sentences:
        into_line = s.start - starts.setdefault(s.paragraph, s.start)
        out.append(len(s.text) <= MAX_SENTENCE_CHARS and into_line <= MAX_PARAGRAPH_CHARS)
    return out


def _article(sentences: list[Sentence], readable: list[bool], text: str) -> _Article:
    counts: Counter[str] = Counter()
    surfaces: Counter[tuple[str, str]] = Counter()
    in_headings: set[str] = set()
    acronyms = _acronyms(text)
    for s, read in zip(sentences, readable, strict=True):
        if not read:
            continue
        # a numbered one-line item ("1. Magnesium") heads a section of a list article
        heading = s.is_heading or (s.is_bullet and len(s.text.split()) <= _MAX_ITEM_HEADING_WORDS)
        for m in _interventions(s.text):
            counts[m.name] += 2 if heading or s is sentences[0] else 1
            surfaces[(m.name, _surface(m, acronyms))] += 1
            if heading:
                in_headings.add(m.name)
    if not counts:
        return _Article(frozenset(), None, acronyms)
    main, top = counts.most_common(1)[0]
    promoted = {main} | in_headings | {n for n, c in counts.items() if c >= _PROMOTED_SHARE * top}
    main_surface = max((n for n in surfaces if n[0] == main), key=lambda n: surfaces[n])[1]
    return _Article(frozenset(promoted), main_surface, acronyms)


def claim_kind(sentence: str, outcomes: list[str]) -> ClaimKind:
    rules = _rules()
    for kind, pattern in rules.kinds:
        if pattern.search(sentence):
            return kind
    if outcomes and all(rules.mechanism.search(o) for o in outcomes):
        return ClaimKind.MECHANISM
    return ClaimKind.EFFICACY


def sentence_claim(
    sentence: Sentence, source_id: str, kind: ClaimKind, confidence: float, cues: Cues, atoms: list[Atom]
) -> Claim:
    """The claim one whole sentence makes (both detectors keep whole sentences)."""
    return Claim(
        source_id=source_id,
        text=sentence.text,
        start=sentence.start,
        end=sentence.end,
        kind=kind,
        confidence=confidence,
        cues=cues,
        atoms=atoms,
    )


def _rejected(sentence: str) -> bool:
    """A non-claim: disclaimer, call to action, service, pricing, advice, navigation..."""
    rules = _rules()
    if rules.reject_lower is not None and sentence.isascii():
        return rules.reject_lower.search(sentence.lower()) is not None
    return rules.reject.search(sentence) is not None


def _points_back(body: str) -> bool:
    m = _rules().anaphora.match(body)
    if m is None:
        return False
    following = body[m.end() :].split()
    return not (following and following[0].lower().strip(",.") in _rules().not_intervention)


def _continues_topic(body: str, same_paragraph: bool) -> bool:
    """A sentence whose subject can only be the intervention just discussed."""
    rules = _rules()
    if _points_back(body) or rules.means_clause.match(body) or rules.experiencers.match(body):
        return True
    if rules.topic_subjects.match(body):
        return True
    # "The extra oxygen dissolves ...": a definite subject that names nothing else, same paragraph
    head = " ".join(body.split()[:4])
    return same_paragraph and bool(rules.definite.match(body)) and not find_mentions(head)


def _starts_with_effect(text: str) -> bool:
    """A list item that leaves its subject out: "Reduces inflammation", "Boosts energy: ..."."""
    first = text.split()[0].strip(",:") if text.split() else ""
    return first[:1].isupper() and first.endswith("s") and effect_of(first) is not None


def _subject(
    body: str, label: str, article: _Article, previous: str | None, bullet: bool, same_paragraph: bool
) -> tuple[str | None, str]:
    """The intervention a sentence is about, and how it was found (see the module docstring)."""
    for part in (body, label):
        named = [m for m in _interventions(part) if m.name in article.promoted]
        if named:
            return _surface(named[0], article.acronyms), "named"
    if bullet:  # list items name products and ingredients the article may mention only once
        listed = _interventions(body) or _interventions(label)
        if listed:
            return _surface(listed[0], article.acronyms), "named"
    if previous and _continues_topic(body, same_paragraph):
        return previous, "anaphora"
    # "Reduces inflammation", "Side effects are mild", "a series of six infusions brings relief"
    rules = _rules()
    elided = _starts_with_effect(label) or _starts_with_effect(body)
    elided = elided or bool(rules.topic_subjects.match(body) or rules.delivery.match(body))
    if article.main_surface and elided:
        return article.main_surface, "elided"
    return None, ""


def _heading_topic(heading: str, article: _Article) -> str | None:
    """What "It"/"This therapy" right under a heading means: the treatment it names, or the main
    one, unless the heading is about something else ("What Is Depression?")."""
    named = _interventions(heading)
    promoted = [m for m in named if m.name in article.promoted]
    if promoted:
        return _surface(promoted[0], article.acronyms)
    if named or any(m.kind == EntityKind.CONDITION for m in find_mentions(heading)):
        return None
    return article.main_surface


def _confidence(how: str, atoms: int, cues: Cues) -> float:
    score = _SUBJECT_WEIGHT[how] + 0.15 * min(atoms, 2)
    score += 0.1 if (cues.hedges or cues.boosters or cues.attribution) else 0.0
    return round(min(score, 0.95), 2)


class RuleClaimDetector:
    """The default `ClaimDetector`: rules and lexicons only (see the module docstring)."""

    def detect(self, text: str, source_id: str, *, title: str | None = None) -> list[Claim]:
        return self.detect_in(split_sentences(text), text, source_id)

    def detect_in(self, sentences: list[Sentence], text: str, source_id: str) -> list[Claim]:
        """`detect` on sentences already split from `text` (the learned finder splits once)."""
        readable = readable_sentences(sentences)
        article = _article(sentences, readable, text)
        claims: list[Claim] = []
        previous: str | None = None  # the subject of the sentence before, for "This/It"
        paragraph = -1
        for s, read in zip(sentences, readable, strict=True):
            same_paragraph, paragraph = s.paragraph == paragraph, s.paragraph
            if not read:
                previous = None
                continue
            if s.is_heading:
                previous = _heading_topic(s.text, article)
                continue
            label_match = LABEL.match(s.text)
            label = label_match.group()[:-2] if label_match else ""
            body = s.text[label_match.end() :] if label_match else s.text
            if s.is_question or _rejected(s.text):
                previous = None
                continue
            subject, how = _subject(body, label, article, previous, s.is_bullet, same_paragraph)
            previous = subject
            if subject is None:
                continue
            atoms = extract_atoms(s.text, subject)
            kind = claim_kind(s.text, [a.outcome for a in atoms])
            if not atoms and kind not in (ClaimKind.SAFETY, ClaimKind.ONSET):
                continue
            cues = detect_cues(s.text)
            claims.append(sentence_claim(s, source_id, kind, _confidence(how, len(atoms), cues), cues, atoms))
        return claims
