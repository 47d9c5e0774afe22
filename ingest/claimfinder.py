"""The default claim finder: every sentence of a page scored by a small learned model (pure).

A sentence is a claim by what it asserts, whatever the treatment and however it is worded. The
finder reads the page as sentences (`ingest.sentences`), finds what the page promotes from its own
words (`ingest.topic`: open vocabulary; the entity lexicon only normalizes names), describes each
sentence by a few dozen readable features (`ingest.claimfeatures`: effect and health words,
numbers, results, citations, cues, headings and lists, offers, advice, definitions, whether it
is about the page's topic...) and keeps it when the logistic regression of `ingest.claimmodel`
gives it a probability of at least the model's threshold. The rule detector of `ingest.claims`
is one of the features, not the judge.

Atoms are best effort, claims are not: a kept sentence whose atoms the rules cannot read is still
a claim, attributed to the intervention it names or, failing that, the page's main topic, and
carries no atom rather than a wrong one. Its confidence is the model's probability.

How the model was built and how well it does on pages it was not fitted to:
`python -m benchmarks.claims_train` and `python -m benchmarks.claims_cv`, and docs/claims.md.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.atoms import extract_atoms, names_health
from ingest.claimfeatures import LEADING_PRONOUN as _LEADING_PRONOUN
from ingest.claimfeatures import Context, sentence_features
from ingest.claimmodel import ClaimModel, default_model
from ingest.claims import RuleClaimDetector, claim_kind, readable_sentences, sentence_claim
from ingest.cues import detect_cues
from ingest.entities import find_mentions
from ingest.sentences import Sentence, split_sentences
from ingest.topic import Topic, page_topic
from kb.models import Atom, Claim, EntityKind


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    features: dict[str, float]
    atoms: tuple[Atom, ...] = ()  # read with the page's topic as subject (see `_atoms_of`)


def sentence_table(
    text: str, title: str | None = None, source_id: str = "src_unsaved"
) -> tuple[Topic, list[ScoredSentence], dict[int, Claim]]:
    """Every readable sentence of `text` with its features, the page's topic, and the rule
    detector's claims by start offset (their atoms are reused)."""
    sentences = split_sentences(text)
    readable = readable_sentences(sentences)
    kept = [s for s, read in zip(sentences, readable, strict=True) if read]
    topic = page_topic(kept, title or (kept[0].text if kept else None))
    rule_claims = {c.start: c for c in RuleClaimDetector().detect_in(sentences, text, source_id)}
    rows: list[ScoredSentence] = []
    named = [topic.mentioned_in(s.text) for s in kept]
    paragraph_named = _block_named(kept, named)
    section_named: list[bool] = []  # per sentence: its section (heading to heading) names the topic
    start = 0
    for i in range(1, len(kept) + 1):
        if i == len(kept) or kept[i].is_heading:
            section_named += [any(named[start:i])] * (i - start)
            start = i
    previous: Sentence | None = None
    previous_claimlike = heading_topic = False
    for i, s in enumerate(kept):
        following = kept[i + 1] if i + 1 < len(kept) else None
        atoms = _atoms_of(s.text, topic)
        context = Context(
            topic=topic,
            previous=previous,
            following=following,
            previous_is_claimlike=previous_claimlike,
            under_heading_with_topic=heading_topic,
            position=i / max(1, len(kept) - 1),
            rule_claim=s.start in rule_claims,
            section_topic=section_named[i],
            paragraph_topic=paragraph_named[i],
            atoms=len(atoms),
        )
        features = sentence_features(s, context)
        rows.append(ScoredSentence(s, features, tuple(atoms)))
        if s.is_heading:
            heading_topic = topic.mentioned_in(s.text)
        previous = s
        previous_claimlike = bool(features.get("topic") or features.get("pronoun_start"))
    return topic, rows, rule_claims


_LIST_LINE_WORDS = 14  # a paragraph of one sentence this short is a line of a list


def _block_named(kept: list[Sentence], named: list[bool]) -> list[bool]:
    """Per sentence: whether its paragraph names the topic. A list is one block with the paragraph
    that introduces it: "Benefits of microdosing include:" and its items "Reducing anxiety." are
    read together."""
    sizes = Counter(s.paragraph for s in kept)
    block: list[int] = []
    for i, s in enumerate(kept):
        line = s.is_bullet or (sizes[s.paragraph] == 1 and len(s.text.split()) <= _LIST_LINE_WORDS)
        if i and (s.paragraph == kept[i - 1].paragraph or (line and not s.is_heading)):
            block.append(block[-1])
        else:
            block.append(i)
    blocks_named = {b for b, n in zip(block, named, strict=True) if n}
    return [b in blocks_named for b in block]


_SUBJECT_WORDS = 6  # an intervention named this early is the sentence's subject
_MAX_OUTCOME_WORDS = 4
_COORDINATION = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
# "a treatment option for anxiety", "TMS for OCD", "great for your skin": what it is for.
_FOR_OUTCOME = re.compile(
    r"\b(?:treatments?|therapy|therapies|options?|alternative|remedy|remedies|solution|cure|ally|aid|"
    r"spray|drug|medication|medicine|supplement|device|injections?|infusions?|"
    r"great|good|helpful|beneficial|effective|used|approved|indicated|recommended)"
    r"(?:\s+\w+ly)?\s+for\s+([^.;:!?()]{1,80})",
    re.IGNORECASE,
)
_IS_A_FOR = re.compile(r"\b(?:is|are) an? (?:[\w-]+ ){0,2}?[\w-]+ for\s+([^.;:!?()]{1,80})", re.IGNORECASE)
# Who the treatment is for, before what it is for: "individuals struggling with all forms of".
_PERSONS = re.compile(
    r"^(?:(?:your|the|those|people|patients|adults|individuals|men|women|children|anyone|someone|"
    r"older|elderly|young|younger|many|most)\s+)*"
    r"(?:(?:who\s+(?:(?:may|might|could)\s+be\s+experiencing|are\s+experiencing|have|suffer\s+from|"
    r"struggle\s+with|are\s+struggling\s+with)|struggling\s+with|"
    r"suffering\s+from|living\s+with|dealing\s+with|with|experiencing)\s+)?"
    r"(?:(?:all|many|most|various|several|different)\s+(?:forms|kinds|types)\s+of\s+)?",
    re.IGNORECASE,
)
_OUTCOME_END = re.compile(
    r"\s(?:but|as|also|that|which|who|because|while|when|with|in|by|than|is|are|was|were|compared|"
    r"to|at|after|before|during|since|even|especially|including)\b",
    re.IGNORECASE,
)
_NOT_OUTCOMES = frozenset(
    {
        "a",
        "an",
        "the",
        "all",
        "any",
        "some",
        "years",
        "decades",
        "months",
        "weeks",
        "days",
        "more",
        "less",
        "many",
        "anyone",
        "everyone",
        "someone",
        "you",
        "people",
        "patients",
        "individuals",
    }
)


def _subject(text: str, topic: Topic) -> str | None:
    """The intervention a claim is about: the page's topic when the sentence names it or opens on
    a pronoun ("It promotes..."), else another treatment it opens on, else the topic."""
    if topic.main is None or not (topic.mentioned_in(text) or _LEADING_PRONOUN.match(text)):
        opening = " ".join(text.split()[:_SUBJECT_WORDS])
        named = [m for m in find_mentions(opening) if m.kind == EntityKind.INTERVENTION]
        if named:
            return " ".join(named[0].surface.split())
    return topic.main


def _names(text: str, intervention: str) -> bool:
    """Whether `text` names `intervention` (or, for "long form (ACR)", its acronym)."""
    low = text.lower()
    names = [intervention.lower(), *(p.strip(" )") for p in intervention.lower().split("(") if p.strip(" )"))]
    return any(re.search(rf"(?<![\w-]){re.escape(n)}", low) for n in names)


def _outcomes_after_for(rest: str) -> list[str]:
    """ "skin and hair", "individuals struggling with anxiety": what follows "for", split on "and"/"or"."""
    rest = _PERSONS.sub("", rest.strip(), count=1)
    end = _OUTCOME_END.search(" " + rest)
    phrase = (" " + rest)[: end.start()].strip(" ,") if end else rest.strip(" ,")
    found: list[str] = []
    for item in _COORDINATION.split(phrase):
        words = item.split()
        if not words or len(words) > _MAX_OUTCOME_WORDS or words[0].lower() in _NOT_OUTCOMES:
            return []  # not a short list of outcomes: nothing rather than a wrong atom
        found.append(item.lower())
    return found


def _atoms_of(text: str, topic: Topic) -> list[Atom]:
    """The atoms of a sentence read as a claim: about the intervention it names or opens on, else
    the page's topic; from the atom rules, else what it says the intervention is for."""
    subject = _subject(text, topic)
    return (extract_atoms(text, subject) or _fallback_atoms(text, subject)) if subject else []


def _fallback_atoms(text: str, subject: str) -> list[Atom]:
    """When the atom rules read nothing: what a sentence says the intervention is *for* ("a
    valuable treatment option for individuals struggling with anxiety", "Ketamine for OCD").
    Only that shape, which cannot be misread: otherwise no atom."""
    outcomes = [o for m in _FOR_OUTCOME.finditer(text) for o in _outcomes_after_for(m.group(1))]
    named = re.search(rf"(?<![\w-]){re.escape(subject)}\s+for\s+([^.;:!?()]{{1,80}})", text, re.IGNORECASE)
    if named:
        outcomes += _outcomes_after_for(named.group(1))
    # "sea moss is a probiotic for your gut": a kind of thing for a health word
    for m in _IS_A_FOR.finditer(text):
        outcomes += [o for o in _outcomes_after_for(m.group(1)) if names_health(o)]
    found = list(dict.fromkeys(o for o in outcomes if o))
    return [Atom(intervention=subject, effect="treats", outcome=o) for o in found]


class LearnedClaimDetector:
    """The default `ClaimDetector` (see the module docstring)."""

    def __init__(self, model: ClaimModel | None = None):
        self._model = model or default_model()

    def detect(self, text: str, source_id: str, *, title: str | None = None) -> list[Claim]:
        topic, rows, rule_claims = sentence_table(text, title, source_id)
        claims: list[Claim] = []
        for row in rows:
            p = self._model.probability(row.features)
            if p < self._model.threshold:
                continue
            s = row.sentence
            confidence = round(p, 2)
            ruled = rule_claims.get(s.start)
            if ruled is not None and ruled.end == s.end:
                atoms = ruled.atoms
                subject = _subject(s.text, topic)
                if subject and atoms and not _names(s.text, atoms[0].intervention):
                    # the rules' main intervention comes from the lexicon; the page may promote
                    # something the lexicon does not know
                    atoms = [a.model_copy(update={"intervention": subject}) for a in atoms]
                claims.append(ruled.model_copy(update={"confidence": confidence, "atoms": atoms}))
                continue
            atoms = list(row.atoms)
            kind = claim_kind(s.text, [a.outcome for a in atoms])
            claims.append(sentence_claim(s, source_id, kind, confidence, detect_cues(s.text), atoms))
        return claims
