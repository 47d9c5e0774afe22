"""Claims in words for display: status labels, what an editor should look at, the article's
summary (pure; no Streamlit here). Highlighted text is tinted by grade (`palette`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kb.models import CitationStatus, FlagReason, Grade
from kb.views import ClaimRow

STATUS_LABELS = {
    CitationStatus.CITED: "cited",
    CitationStatus.VAGUE: "vague attribution, nothing cited",
    CitationStatus.MISSING: "no citation",
}

# What puts a claim in the editor queue (kb.cypher's `_needs_editor`), in words, and the flag
# reason an editor is offered first for it.
_PROBLEMS = {
    "no citation": FlagReason.UNCITED,
    "vague attribution": FlagReason.VAGUE,
    "overclaim": FlagReason.OVERCLAIM,
}


def problems(row: ClaimRow) -> list[str]:
    """Why a claim is in the editor queue, in words."""
    out = []
    if row.citation_status is CitationStatus.MISSING:
        out.append("no citation")
    elif row.citation_status is CitationStatus.VAGUE:
        out.append("vague attribution")
    if row.overclaim:
        out.append("overclaim")
    return out


def suggested_reason(row: ClaimRow) -> FlagReason:
    """The flag reason for the claim's first problem ("other" when it has none)."""
    found = problems(row)
    return _PROBLEMS[found[0]] if found else FlagReason.OTHER


def cue_words(row: ClaimRow) -> str:
    parts = [*row.hedges, *row.boosters]
    if row.attribution:
        parts.append(f"{row.attribution} attribution")
    return ", ".join(parts)


@dataclass(frozen=True)
class Summary:
    claims: int
    cited: int
    vague: int
    missing: int
    overclaims: int
    weakest: list[ClaimRow]
    by_grade: dict[Grade, int]  # high … none

    @property
    def share_cited(self) -> float:
        return self.cited / self.claims if self.claims else 0.0


def summarize(claims: Sequence[ClaimRow], weakest: int = 5) -> Summary:
    by_status = {s: sum(1 for c in claims if c.citation_status is s) for s in CitationStatus}
    ordered = sorted(claims, key=lambda c: (c.rank, c.start))
    return Summary(
        claims=len(claims),
        cited=by_status[CitationStatus.CITED],
        vague=by_status[CitationStatus.VAGUE],
        missing=by_status[CitationStatus.MISSING],
        overclaims=sum(1 for c in claims if c.overclaim),
        weakest=ordered[:weakest],
        by_grade={g: sum(1 for c in claims if c.grade is g) for g in Grade},
    )
