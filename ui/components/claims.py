"""Pure helpers about claims for display: colours, labels, the article summary (no Streamlit here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kb.store import claim_rank
from kb.views import ClaimRow
from ui.components.palette import GRADES, NOT_GRADED, STATUSES, grade_swatch, status_swatch

# Colours live in `palette`: highlighted text is tinted by grade when graded (green = strong ...
# red = none), else by citation status (blue = cited, purple = vague, slate = missing).
STATUS_LABELS = {
    "cited": "cited",
    "vague": "vague attribution, nothing cited",
    "missing": "no citation",
}


def grade_label(row: ClaimRow) -> str:
    return row.grade or NOT_GRADED


def colour(row: ClaimRow) -> str:
    """The highlight tint: by grade when graded, else by citation status."""
    return grade_swatch(row.grade).tint if row.grade else status_swatch(row.citation_status).tint


def is_overclaim(row: ClaimRow) -> bool:
    """The grader's verdict when graded; before grading, strong wording ("proven", "cures")
    with nothing cited — the same rule the store uses to rank ungraded claims."""
    if row.overclaim is not None:
        return bool(row.overclaim)
    return bool(row.boosters) and row.citation_status != "cited"


def rank(row: ClaimRow) -> float:
    return claim_rank(row.citation_status, is_overclaim(row), row.score)


def problems(row: ClaimRow) -> list[str]:
    """Why a claim is in the editor queue, in words."""
    out = []
    if row.citation_status == "missing":
        out.append("no citation")
    elif row.citation_status == "vague":
        out.append("vague attribution")
    if is_overclaim(row):
        out.append("overclaim")
    return out


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
    graded: int
    weakest: list[ClaimRow]
    by_grade: dict[str, int]  # high … none, then "not graded"

    @property
    def share_cited(self) -> float:
        return self.cited / self.claims if self.claims else 0.0


def summarize(claims: Sequence[ClaimRow], weakest: int = 5) -> Summary:
    by_status = {s: sum(1 for c in claims if c.citation_status == s) for s in STATUSES}
    ordered = sorted(claims, key=lambda c: (rank(c), c.start or 0))
    return Summary(
        claims=len(claims),
        cited=by_status["cited"],
        vague=by_status["vague"],
        missing=by_status["missing"],
        overclaims=sum(1 for c in claims if is_overclaim(c)),
        graded=sum(1 for c in claims if c.grade),
        weakest=ordered[:weakest],
        by_grade={g: sum(1 for c in claims if grade_label(c) == g) for g in (*GRADES, NOT_GRADED)},
    )
