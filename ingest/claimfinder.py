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

from dataclasses import dataclass

from ingest.atoms import extract_atoms
from ingest.claimfeatures import Context, sentence_features
from ingest.claimmodel import ClaimModel, default_model
from ingest.claims import RuleClaimDetector, claim_kind, readable_sentences
from ingest.cues import detect_cues
from ingest.entities import find_mentions
from ingest.sentences import Sentence, split_sentences
from ingest.topic import Topic, page_topic
from kb.models import Claim, EntityKind


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    features: dict[str, float]


def sentence_table(
    text: str, title: str | None = None, source_id: str = "src_unsaved"
) -> tuple[Topic, list[ScoredSentence], dict[int, Claim]]:
    """Every readable sentence of `text` with its features, the page's topic, and the rule
    detector's claims by start offset (their atoms are reused)."""
    sentences = split_sentences(text)
    readable = readable_sentences(sentences)
    kept = [s for s, read in zip(sentences, readable, strict=True) if read]
    topic = page_topic(kept, title or (kept[0].text if kept else None))
    rule_claims = {c.start: c for c in RuleClaimDetector().detect(text, source_id)}
    rows: list[ScoredSentence] = []
    previous: Sentence | None = None
    previous_claimlike = heading_topic = False
    for i, s in enumerate(kept):
        following = kept[i + 1] if i + 1 < len(kept) else None
        context = Context(
            topic=topic,
            previous=previous,
            following=following,
            previous_is_claimlike=previous_claimlike,
            under_heading_with_topic=heading_topic,
            position=i / max(1, len(kept) - 1),
            rule_claim=s.start in rule_claims,
        )
        features = sentence_features(s, context)
        rows.append(ScoredSentence(s, features))
        if s.is_heading:
            heading_topic = topic.mentioned_in(s.text)
        previous = s
        previous_claimlike = bool(features.get("topic") or features.get("pronoun_start"))
    return topic, rows, rule_claims


def _subject(text: str, topic: Topic) -> str | None:
    """The intervention a claim is about: one it names, else the page's main topic."""
    named = [m for m in find_mentions(text) if m.kind == EntityKind.INTERVENTION]
    if named:
        return " ".join(named[0].surface.split())
    return topic.main


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
                claims.append(ruled.model_copy(update={"confidence": confidence}))
                continue
            subject = _subject(s.text, topic)
            atoms = extract_atoms(s.text, subject) if subject else []
            claims.append(
                Claim(
                    source_id=source_id,
                    text=s.text,
                    start=s.start,
                    end=s.end,
                    kind=claim_kind(s.text, [a.outcome for a in atoms]),
                    confidence=confidence,
                    cues=detect_cues(s.text),
                    atoms=atoms,
                )
            )
        return claims
