"""Made-up `Document`s for loading a large graph fast, without running the extractor.

Each document is one article of `claims` claims shaped like real output: interventions and
outcomes drawn from small vocabularies (so propositions are shared across articles, as in a real
corpus), about a third of the claims cited (a Work per article, plus one shared across many
articles), every claim graded, cues on some. Everything is derived from the document number, so a
graph of N claims is the same graph on every run. Identifiers are fake (DOIs under 10.5555/).
"""

from __future__ import annotations

from collections.abc import Iterator

from kb.models import (
    Assessment,
    Atom,
    Citation,
    CitationStatus,
    Claim,
    ClaimProposition,
    Cues,
    Document,
    Entity,
    EntityKind,
    Grade,
    Proposition,
    Provenance,
    Source,
    Work,
)

INTERVENTIONS = [f"zorblax {i}" for i in range(40)]
OUTCOMES = [f"outcome {i}" for i in range(150)]
EFFECTS = ["reduces", "improves", "treats", "prevents"]
GRADES = [Grade.HIGH, Grade.MODERATE, Grade.LOW, Grade.VERY_LOW, Grade.NONE]
SCORES = {"high": 0.9, "moderate": 0.7, "low": 0.45, "very low": 0.25, "none": 0.0}


def _status(i: int) -> CitationStatus:
    if i % 3 == 0:
        return CitationStatus.CITED
    return CitationStatus.VAGUE if i % 7 == 0 else CitationStatus.MISSING


def _sentence(n: int, i: int) -> tuple[str, str, str, str]:
    intervention = INTERVENTIONS[(n * 7 + i) % len(INTERVENTIONS)]
    outcome = OUTCOMES[(n * 13 + i * 5) % len(OUTCOMES)]
    effect = EFFECTS[(n + i) % len(EFFECTS)]
    booster = " has been proven to" if i % 5 == 0 else " may"
    lead = "Studies show that " if i % 7 == 0 else ""
    text = f"{lead}{intervention.title()}{booster} {effect[:-1]} {outcome} (article {n}, claim {i})."
    return text, intervention, effect, outcome


def document(n: int, claims: int = 20) -> Document:
    """Article number `n` with `claims` claims."""
    sentences = [_sentence(n, i) for i in range(claims)]
    text = " ".join(s[0] for s in sentences) + "\n"
    source = Source(
        key=f"file:synthetic-{n}.txt", locator=f"synthetic-{n}.txt", text=text, title=f"Article {n}"
    )
    own = Work(key=f"doi:10.5555/synthetic.{n}", doi=f"10.5555/synthetic.{n}", year=2020, design="rct")
    shared = Work(key=f"doi:10.5555/shared.{n % 50}", doi=f"10.5555/shared.{n % 50}", year=2015)
    entities: dict[str, Entity] = {}
    propositions: dict[str, Proposition] = {}
    out_claims, links, citations, assessments = [], [], [], []
    pos = 0
    for i, (sentence, intervention, effect, outcome) in enumerate(sentences):
        start = text.index(sentence, pos)
        pos = start + len(sentence)
        status = _status(i)
        claim = Claim(
            source_id=source.id,
            text=sentence,
            start=start,
            end=pos,
            citation_status=status,
            cues=Cues(
                boosters=["proven"] if "proven" in sentence else [],
                hedges=["may"] if " may " in sentence else [],
                attribution="vague" if sentence.startswith("Studies") else None,
            ),
            atoms=[Atom(intervention=intervention, effect=effect, outcome=outcome)],
        )
        out_claims.append(claim)
        ent_i = entities.setdefault(intervention, Entity(kind=EntityKind.INTERVENTION, name=intervention))
        ent_o = entities.setdefault(outcome, Entity(kind=EntityKind.OUTCOME, name=outcome))
        prop = Proposition(
            intervention_id=ent_i.id,
            effect=effect,
            outcome_id=ent_o.id,
            text=f"{intervention} {effect} {outcome}",
        )
        propositions.setdefault(prop.id, prop)
        links.append(ClaimProposition(claim_id=claim.id, proposition_id=prop.id))
        if status == CitationStatus.CITED:
            work = shared if i % 2 else own
            citations.append(
                Citation(
                    claim_id=claim.id, work_id=work.id, provenance=Provenance.NUMBERED_MARKER, text="[1]"
                )
            )
        grade = GRADES[(n + i) % len(GRADES)]  # every claim is graded, as the store requires
        assessments.append(
            Assessment(
                claim_id=claim.id,
                grade=grade,
                score=SCORES[grade.value],
                reasons=["synthetic"],
                rubric_version="bench",
                overclaim="proven" in sentence and SCORES[grade.value] < 0.7,
            )
        )
    return Document(
        source=source,
        claims=out_claims,
        entities=list(entities.values()),
        propositions=list(propositions.values()),
        claim_propositions=links,
        works=[own, shared],
        citations=citations,
        listed_work_ids=[own.id, shared.id],
        assessments=assessments,
    )


def documents(first: int, count: int, claims: int = 20) -> Iterator[Document]:
    for n in range(first, first + count):
        yield document(n, claims)
