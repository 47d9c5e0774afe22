"""Sample documents for the app tests, written through `store.write_document` (no ingest needed).

`article_document` turns an article's text into a plausible document: sentences that name an
intervention become claims, statuses follow their wording, a few get grades; identifiers use
the fake prefixes (DOI 10.5555/, nine-digit PMIDs starting with 9). `xss_document` is an article
whose text tries every trick a hostile page could. The tests at the bottom check the builders.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

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

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SENTENCE = re.compile(r"[^.!?\n]+[.!?]")
INTERVENTIONS = ("ketamine", "kap", "psychotherapy", "esketamine", "spravato", "zorblax")
BOOSTERS = ("proven", "has been shown", "cures", "cure", "guarantee")
HEDGES = ("may", "can", "could", "might")
VAGUE = ("research", "studies", "study", "evidence", "experts")
GRADES = (Grade.LOW, Grade.VERY_LOW, Grade.MODERATE, Grade.NONE)

XSS_TEXT = (
    "Miracle <script>alert(1)</script> clinic.\n\n"
    "Zorblax therapy cures anxiety <img src=x onerror=alert(1)> in one session.\n"
    "Zorblax therapy has been shown to reduce pain, see [the proof](javascript:alert(1)).\n"
    "Zorblax therapy may improve sleep javascript:alert(1) according to experts.\n"
    # CSS tricks: hide the page, or lay a fake box over it
    "Zorblax therapy reduces stress <style>body{display:none}</style> "
    '<div style="position:fixed;inset:0;background:red">pay here</div> within days.\n'
)


# Markdown (GFM) would turn these into links if they reached it as they are.
XSS_LINKS = "https://evil.example/pay, www.evil.example or pay@evil.example"


def _words(sentence: str) -> str:
    return sentence.lower()


def article_document(text: str, key: str, title: str, *, graded: bool = True) -> Document:
    source = Source(key=key, locator=key.removeprefix("file:"), text=text, title=title)
    claims: list[Claim] = []
    for m in SENTENCE.finditer(text):
        sentence = m.group(0)
        low = _words(sentence)
        subject = next((i for i in INTERVENTIONS if re.search(rf"\b{i}\b", low)), None)
        if subject is None or len(sentence.split()) < 5:
            continue
        start = m.start() + (len(sentence) - len(sentence.lstrip()))
        boosters = [b for b in BOOSTERS if b in low]
        hedges = [h for h in HEDGES if re.search(rf"\b{h}\b", low)]
        vague = any(re.search(rf"\b{v}\b", low) for v in VAGUE)
        status = CitationStatus.VAGUE if vague else CitationStatus.MISSING
        outcome = "recovery" if "recover" in low else "addiction" if "addict" in low else "wellbeing"
        claims.append(
            Claim(
                source_id=source.id,
                text=text[start : m.end()],
                start=start,
                end=m.end(),
                citation_status=status,
                confidence=0.7,
                cues=Cues(boosters=boosters, hedges=hedges, attribution="vague" if vague else None),
                atoms=[Atom(intervention=subject, effect="improves", outcome=outcome)],
            )
        )
    entities: dict[str, Entity] = {}
    props: dict[str, Proposition] = {}
    links: list[ClaimProposition] = []
    for c in claims:
        atom = c.atoms[0]
        i = entities.setdefault(
            "i:" + atom.intervention, Entity(kind=EntityKind.INTERVENTION, name=atom.intervention)
        )
        o = entities.setdefault("o:" + atom.outcome, Entity(kind=EntityKind.OUTCOME, name=atom.outcome))
        p = Proposition(
            intervention_id=i.id,
            effect=atom.effect,
            outcome_id=o.id,
            text=f"{atom.intervention} {atom.effect} {atom.outcome}",
        )
        props.setdefault(p.id, p)
        links.append(ClaimProposition(claim_id=c.id, proposition_id=p.id))
    works, citations = [], []
    if (
        len(claims) > 1
    ):  # the second claim cites a made-up trial and a retracted one; the first has a search hit
        n = zlib.crc32(key.encode()) % 1000
        trial = Work(
            key=f"doi:10.5555/kb.ui.{n:03d}",
            doi=f"10.5555/kb.ui.{n:03d}",
            pmid=f"9{n:08d}",
            title="A made-up randomized trial of ketamine",
            year=2021,
            design="rct",
            sample_size=48,
            status="resolved",
        )
        retracted = Work(
            key=f"doi:10.5555/kb.ui.r{n:03d}",
            doi=f"10.5555/kb.ui.r{n:03d}",
            title="A retracted made-up trial",
            year=2018,
            design="rct",
            retracted=True,
            status="resolved",
        )
        hit = Work(
            key=f"pmid:9{n + 1:08d}",
            pmid=f"9{n + 1:08d}",
            title="A made-up cohort found by literature search",
            year=2019,
            design="cohort",
            status="resolved",
        )
        claims[1] = claims[1].model_copy(update={"citation_status": CitationStatus.CITED})
        works += [trial, retracted, hit]
        citations += [
            Citation(
                claim_id=claims[1].id, work_id=trial.id, provenance=Provenance.NUMBERED_MARKER, text="[1]"
            ),
            Citation(
                claim_id=claims[1].id, work_id=retracted.id, provenance=Provenance.NUMBERED_MARKER, text="[2]"
            ),
            Citation(
                claim_id=claims[0].id, work_id=hit.id, provenance=Provenance.LITERATURE_SEARCH, candidate=True
            ),
        ]
    assessments = []
    if graded:
        for n, c in enumerate(claims[::3]):
            grade = GRADES[n % len(GRADES)]
            assessments.append(
                Assessment(
                    claim_id=c.id,
                    grade=grade,
                    score={"moderate": 0.6, "low": 0.4, "very low": 0.2, "none": 0.0}[grade.value],
                    reasons=[
                        f"best design: {'randomized trial' if c.citation_status == 'cited' else 'none cited'}"
                    ],
                    rubric_version="test-1",
                    overclaim=bool(c.cues.boosters),
                )
            )
    return Document(
        source=source,
        claims=claims,
        entities=list(entities.values()),
        propositions=list(props.values()),
        claim_propositions=links,
        works=works,
        citations=citations,
        listed_work_ids=[w.id for w in works[:2]],
        assessments=assessments,
    )


def example_documents() -> list[Document]:
    docs = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.strip().splitlines()[0]
        docs.append(article_document(text, f"file:{path.name}", title))
    return docs


def xss_document() -> Document:
    return article_document(
        XSS_TEXT,
        "file:javascript:alert(1)",
        f"<script>alert('title')</script> Zorblax, book at {XSS_LINKS}",
        graded=False,
    )


def test_example_documents_have_claims_with_true_spans() -> None:
    docs = example_documents()
    assert len(docs) == 2
    for doc in docs:
        assert len(doc.claims) >= 5
        assert any(c.citation_status == "cited" for c in doc.claims)
        assert doc.assessments
        for c in doc.claims:
            assert doc.source.text[c.start : c.end] == c.text


def test_xss_document_puts_the_payloads_inside_claims() -> None:
    doc = xss_document()
    claimed = " ".join(c.text for c in doc.claims)
    assert "<img src=x onerror=alert(1)>" in claimed and "javascript:alert(1)" in claimed
    assert "<script>alert(1)</script>" in doc.source.text
    assert "<style>body{display:none}</style>" in claimed and "position:fixed" in claimed
