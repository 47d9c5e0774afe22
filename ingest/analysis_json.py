"""The JSON form of an analysis (what `kb extract --json` prints; documented in docs/extract-format.md)."""

from __future__ import annotations

from typing import Any

from ingest.citations import Mention
from ingest.pipeline import Analysis
from kb.models import Assessment

_REFERENCE_FIELDS = (
    "first_author", "authors", "year", "title", "journal", "volume", "issue", "pages",
    "doi", "pmid", "pmcid", "nct", "url",
)  # fmt: skip


def _citation_json(mention: Mention) -> dict[str, Any]:
    ref = mention.resolved[0] if mention.resolved else mention.reference
    parsed = {k: getattr(ref, k) for k in _REFERENCE_FIELDS if getattr(ref, k) not in (None, [], "")}
    out: dict[str, Any] = {
        "text": mention.text,
        "start": mention.start,
        "end": mention.end,
        "kind": mention.kind.value,
        "provenance": mention.provenance.value,
        "parsed": parsed,
    }
    if mention.numbers:
        out["numbers"] = mention.numbers
    if mention.resolved:
        out["reference_entry"] = mention.resolved[0].raw
    return out


def analysis_json(analysis: Analysis, assessments: list[Assessment] | None = None) -> dict[str, Any]:
    doc = analysis.document
    grades = {a.claim_id: a for a in assessments or doc.assessments}
    claims = []
    for c in doc.claims:
        grade = grades.get(c.id)
        claims.append(
            {
                "id": c.id,
                "text": c.text,
                "start": c.start,
                "end": c.end,
                "kind": c.kind.value,
                "confidence": c.confidence,
                "atoms": [a.model_dump(exclude_none=True) for a in c.atoms],
                "citation_status": c.citation_status.value,
                "cues": c.cues.model_dump(),
                "citations": [_citation_json(m) for m in analysis.links.by_claim.get(c.id, [])],
                "grade": grade.grade.value if grade else None,
                "score": grade.score if grade else None,
                "reasons": grade.reasons if grade else [],
                "overclaim": grade.overclaim if grade else None,
            }
        )
    src = doc.source
    return {
        "source": {
            "id": src.id,
            "key": src.key,
            "locator": src.locator,
            "title": src.title,
            "site": src.site,
            "author": src.author,
            "published": src.published,
            "language": src.language,
            "content_type": src.content_type,
        },
        "text": src.text,
        "claims": claims,
        "references": [
            {
                "number": r.number,
                "raw": r.raw,
                **{k: getattr(r, k) for k in _REFERENCE_FIELDS if getattr(r, k)},
            }
            for r in analysis.links.entries
        ],
        "reference_span": (
            [analysis.links.reference_start, analysis.links.reference_end]
            if analysis.links.reference_start is not None
            else None
        ),
    }
