"""Sample documents for tests, written through `store.write_document` (no ingest needed).

Identifiers are obviously made up (DOIs under 10.5555/, nine-digit PMIDs starting with 9).
Every document is graded, as the store requires (`graded`: the rubric, through
`ingest.evidence`, for every claim the builder gave no grade of its own).

- `make_document`: three claims about "Zorblax therapy" (a booster, a cited claim, a hedge).
- `article_document`: an article's text as a plausible document: sentences that name an
  intervention become claims, statuses follow their wording, every third gets a grade of its
  own; `example_documents` does it for the articles in `examples/`.
- `xss_document`: an article whose text tries every trick a hostile page could.
- `study_document`: two cited claims, one beside a study that does not match it (mice, a
  promise of a cure), one beside a trial that matches it; and an uncited hedge.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from ingest.evidence import grade_claims
from kb.models import (
    Assessment,
    Atom,
    Citation,
    CitationStatus,
    Claim,
    ClaimProposition,
    Cues,
    Design,
    Document,
    Entity,
    EntityKind,
    Grade,
    Proposition,
    Provenance,
    Source,
    Work,
)


def graded(doc: Document) -> Document:
    """`doc` with every claim graded: its own assessments kept, the rubric's for the rest."""
    own = {a.claim_id for a in doc.assessments}
    rest = [c for c in doc.claims if c.id not in own]
    return doc.model_copy(
        update={"assessments": [*doc.assessments, *grade_claims(rest, doc.citations, doc.works)]}
    )


TEXT = (
    "Zorblax therapy cures chronic fatigue. "
    "Studies show it reduces brain fog [1]. "
    "It may improve sleep.\n\n"
    "References\n1. Doe J. A made-up trial. J Fake Med. 2020;1:1-2. doi:10.5555/kb.test.001\n"
)


def _span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def make_document(
    key: str = "file:zorblax.txt", text: str = TEXT, title: str = "Zorblax therapy"
) -> Document:
    source = Source(key=key, locator=key.removeprefix("file:"), text=text, title=title)
    s1, e1 = _span(text, "Zorblax therapy cures chronic fatigue.")
    s2, e2 = _span(text, "Studies show it reduces brain fog [1].")
    s3, e3 = _span(text, "It may improve sleep.")
    zorblax = Entity(kind=EntityKind.INTERVENTION, name="zorblax therapy", synonyms=["zorblax"])
    fatigue = Entity(kind=EntityKind.OUTCOME, name="chronic fatigue")
    fog = Entity(kind=EntityKind.OUTCOME, name="brain fog")
    sleep = Entity(kind=EntityKind.OUTCOME, name="sleep")
    claims = [
        Claim(
            source_id=source.id, text=text[s1:e1], start=s1, end=e1,
            cues=Cues(boosters=["cures"]),
            atoms=[Atom(intervention="zorblax therapy", effect="treats", outcome="chronic fatigue")],
        ),
        Claim(
            source_id=source.id, text=text[s2:e2], start=s2, end=e2,
            citation_status=CitationStatus.CITED, cues=Cues(attribution="vague"),
            atoms=[Atom(intervention="zorblax therapy", effect="reduces", outcome="brain fog")],
        ),
        Claim(
            source_id=source.id, text=text[s3:e3], start=s3, end=e3, cues=Cues(hedges=["may"]),
            atoms=[Atom(intervention="zorblax therapy", effect="improves", outcome="sleep")],
        ),
    ]  # fmt: skip
    props = [
        Proposition(
            intervention_id=zorblax.id,
            effect="treats",
            outcome_id=fatigue.id,
            text="zorblax therapy treats chronic fatigue",
        ),
        Proposition(
            intervention_id=zorblax.id,
            effect="reduces",
            outcome_id=fog.id,
            text="zorblax therapy reduces brain fog",
        ),
        Proposition(
            intervention_id=zorblax.id,
            effect="improves",
            outcome_id=sleep.id,
            text="zorblax therapy improves sleep",
        ),
    ]
    work = Work(key="doi:10.5555/kb.test.001", doi="10.5555/kb.test.001", year=2020, journal="J Fake Med")
    return graded(
        Document(
            source=source,
            claims=claims,
            entities=[zorblax, fatigue, fog, sleep],
            propositions=props,
            claim_propositions=[
                ClaimProposition(claim_id=c.id, proposition_id=p.id)
                for c, p in zip(claims, props, strict=True)
            ],
            works=[work],
            citations=[
                Citation(
                    claim_id=claims[1].id, work_id=work.id, provenance=Provenance.NUMBERED_MARKER, text="[1]"
                )
            ],
            listed_work_ids=[work.id],
        )
    )


# --- articles ---------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
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


def article_document(text: str, key: str, title: str, *, own_grades: bool = True) -> Document:
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
    if own_grades:  # every third claim with a grade of the samples' own; the rubric grades the rest
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
    return graded(
        Document(
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
    )


def example_documents() -> list[Document]:
    docs = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        title = text.strip().splitlines()[0]
        docs.append(article_document(text, f"file:{path.name}", title))
    return docs


def xss_document() -> Document:
    """Graded by the rubric alone."""
    return article_document(
        XSS_TEXT,
        "file:javascript:alert(1)",
        f"<script>alert('title')</script> Zorblax, book at {XSS_LINKS}",
        own_grades=False,
    )


# --- the claim beside its study ----------------------------------------------------------------

STUDY_TEXT = (
    "Ketamine for cravings and mood\n\n"
    "Ketamine cures alcohol cravings in people with alcohol use disorder [1]. "
    "Ketamine reduces depressive symptoms in adults with treatment-resistant depression [2]. "
    "Ketamine may help anxiety.\n\n"
    "References\n"
    "1. Doe J. Ketamine and ethanol preference in mice. J Made-up Neurosci. 2019. doi:10.5555/kb.study.001\n"
    "2. Roe R. Intravenous ketamine for treatment-resistant depression. J Made-up Psychiatry. 2021. "
    "doi:10.5555/kb.study.002\n"
)
MOUSE_STUDY = Work(
    key="doi:10.5555/kb.study.001",
    doi="10.5555/kb.study.001",
    title="Ketamine and ethanol preference in mice",
    journal="J Made-up Neurosci",
    year=2019,
    design=Design.ANIMAL,
    human=False,
    sample_size=12,
    status="resolved",
    abstract="We gave ketamine to twelve mice. Conclusions: Ketamine may reduce ethanol preference in mice.",
)
TRIAL_STUDY = Work(
    key="doi:10.5555/kb.study.002",
    doi="10.5555/kb.study.002",
    pmid="912345678",
    title="Intravenous ketamine for treatment-resistant depression in adults: a randomized controlled trial",
    journal="J Made-up Psychiatry",
    year=2021,
    design=Design.RCT,
    human=True,
    sample_size=320,
    status="resolved",
    abstract=(
        "Methods: 320 adults with treatment-resistant depression were randomized to ketamine or "
        "midazolam. Results: Depressive symptoms fell more with ketamine at 24 hours. Conclusions: "
        "Ketamine reduces depressive symptoms in adults with treatment-resistant depression."
    ),
)


def study_document(key: str = "file:cravings.txt") -> Document:
    """Graded by the rubric, which compares each claim with the study it cites."""
    text = STUDY_TEXT
    source = Source(
        key=key, locator=key.removeprefix("file:"), text=text, title="Ketamine for cravings and mood"
    )
    spans = [
        _span(text, "Ketamine cures alcohol cravings in people with alcohol use disorder"),
        _span(text, "Ketamine reduces depressive symptoms in adults with treatment-resistant depression"),
        _span(text, "Ketamine may help anxiety."),
    ]
    atoms = [("reduces", "alcohol cravings"), ("reduces", "depressive symptoms"), ("improves", "anxiety")]
    cues = [Cues(boosters=["cures"]), Cues(), Cues(hedges=["may"])]
    claims = [
        Claim(
            source_id=source.id, text=text[s:e], start=s, end=e, cues=cue,
            citation_status=CitationStatus.CITED if n < 2 else CitationStatus.MISSING,
            atoms=[Atom(intervention="ketamine", effect=effect, outcome=outcome)],
        )
        for n, ((s, e), (effect, outcome), cue) in enumerate(zip(spans, atoms, cues, strict=True))
    ]  # fmt: skip
    works = [MOUSE_STUDY, TRIAL_STUDY]
    citations = [
        Citation(claim_id=c.id, work_id=w.id, provenance=Provenance.NUMBERED_MARKER, text=f"[{n}]")
        for n, (c, w) in enumerate(zip(claims, works, strict=False), 1)
    ]
    return graded(
        Document(
            source=source,
            claims=claims,
            works=works,
            citations=citations,
            listed_work_ids=[w.id for w in works],
        )
    )
