"""The JSON form of an analysis (what `kb extract --json` prints; documented in docs/extract-format.md)."""

from __future__ import annotations

from typing import Any

from ingest.citations import Mention
from ingest.linking import cited_works
from ingest.pipeline import Analysis
from kb.comparison import StudyComparison
from kb.models import Assessment, Work

_REFERENCE_FIELDS = (
    "first_author", "authors", "year", "title", "journal", "volume", "issue", "pages",
    "doi", "pmid", "pmcid", "nct", "url",
)  # fmt: skip


def _comparison_json(comparison: StudyComparison | None) -> dict[str, Any] | None:
    """The claim beside one study: each axis with its verdict, both sides and the reason."""
    if comparison is None:
        return None
    return {
        "matches_study": comparison.matches_study,
        "axes": [
            {
                "axis": a.axis.value,
                "verdict": a.verdict.value,
                "claim_says": a.claim_says,
                "study_did": a.study_did,
                "reason": a.reason,
            }
            for a in comparison.axes
        ],
        "study_conclusion": comparison.study_conclusion,
    }


def _studies_json(
    mention: Mention, analysis: Analysis, works: dict[str, Work], grade: Assessment | None
) -> list[dict[str, Any]]:
    """Each work the citation names, as looked up (or not), with the claim beside it."""
    read = {s.work_id: s.comparison for s in grade.studies} if grade else {}
    out = []
    for named in cited_works(mention, analysis.links.entries, analysis.document.source.key):
        work = works.get(named.id, named)
        out.append(
            {
                "work_id": work.id,
                "key": work.key,
                "title": work.title,
                "status": work.status.value,
                "comparison": _comparison_json(read.get(work.id)),
            }
        )
    return out


def _citation_json(
    mention: Mention, analysis: Analysis, works: dict[str, Work], grade: Assessment | None
) -> dict[str, Any]:
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
    out["studies"] = _studies_json(mention, analysis, works, grade)
    return out


def analysis_json(
    analysis: Analysis, assessments: list[Assessment] | None = None, works: list[Work] | None = None
) -> dict[str, Any]:
    """`works`: the document's works as graded (looked up, with `--resolve`); else as cited."""
    doc = analysis.document
    grades = {a.claim_id: a for a in assessments or doc.assessments}
    by_id = {w.id: w for w in works or doc.works}
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
                "citations": [
                    _citation_json(m, analysis, by_id, grade) for m in analysis.links.by_claim.get(c.id, [])
                ],
                "grade": grade.grade.value if grade else None,
                "score": grade.score if grade else None,
                "reasons": grade.reasons if grade else [],
                "overclaim": grade.overclaim if grade else None,
                "study_mismatch": grade.study_mismatch if grade else None,
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
