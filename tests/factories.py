"""Small, obviously made-up documents for store tests (identifiers use the fake 10.5555/ prefix)."""

from __future__ import annotations

from kb.models import (
    Atom,
    Citation,
    CitationStatus,
    Claim,
    ClaimProposition,
    Cues,
    Document,
    Entity,
    EntityKind,
    Proposition,
    Provenance,
    Source,
    Work,
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
    return Document(
        source=source,
        claims=claims,
        entities=[zorblax, fatigue, fog, sleep],
        propositions=props,
        claim_propositions=[
            ClaimProposition(claim_id=c.id, proposition_id=p.id) for c, p in zip(claims, props, strict=True)
        ],
        works=[work],
        citations=[
            Citation(
                claim_id=claims[1].id, work_id=work.id, provenance=Provenance.NUMBERED_MARKER, text="[1]"
            )
        ],
        listed_work_ids=[work.id],
    )
