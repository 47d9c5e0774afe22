"""The article text with its claims highlighted in place, as escaped HTML (pure; no Streamlit).

Every piece of text goes through `esc`; the only markup is what this module writes. Spans that
overlap an earlier claim are clipped to start after it; spans outside the text are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.views import ClaimRow
from ui.components.claims import STATUS_LABELS, colour, grade_label
from ui.components.palette import GRADE, GRADES, STATUS, STATUSES
from ui.components.safe import esc

_BOX = (
    "white-space: pre-wrap; line-height: 1.7; font-size: 0.98rem; padding: 0.75rem 1rem; "
    "border: 1px solid #dee2e6; border-radius: 0.5rem; max-height: 70vh; overflow-y: auto;"
)


def numbered(claims: Sequence[ClaimRow]) -> list[tuple[int, ClaimRow]]:
    """Claims in reading order, numbered from 1 (the numbers shown in the text and the picker)."""
    ordered = sorted(claims, key=lambda c: (c.start if c.start is not None else 10**12, c.id))
    return list(enumerate(ordered, 1))


def _mark(n: int, claim: ClaimRow, body: str, selected: bool) -> str:
    underline = "solid" if claim.grade else "dashed"
    outline = "outline: 2px solid #1c7ed6; outline-offset: 1px;" if selected else ""
    tip = f"#{n} · grade: {grade_label(claim)} · {STATUS_LABELS.get(claim.citation_status, claim.citation_status)}"
    return (
        f'<mark data-claim="{esc(claim.id)}" title="{esc(tip)}" style="background: {colour(claim)}; '
        f'border-bottom: 2px {underline} #495057; padding: 0 1px; {outline}">{body}'
        f'<sup style="font-size: 0.7em; color: #495057;">&#8201;#{n}</sup></mark>'
    )


def highlight_html(text: str, claims: Sequence[ClaimRow], selected: str | None = None) -> str:
    pieces: list[str] = []
    pos = 0
    for n, claim in numbered(claims):
        if claim.start is None or claim.end is None:
            continue
        start, end = max(claim.start, pos), min(claim.end, len(text))
        if end <= start:
            continue
        pieces.append(esc(text[pos:start]))
        pieces.append(_mark(n, claim, esc(text[start:end]), claim.id == selected))
        pos = end
    pieces.append(esc(text[pos:]))
    return f'<div class="kb-article" style="{_BOX}">{"".join(pieces)}</div>'


def context_html(text: str, claim: ClaimRow, width: int = 400) -> str:
    """The claim with `width` characters either side, the claim itself highlighted."""
    if claim.start is None or claim.end is None or claim.end > len(text):
        return f'<div style="{_BOX}">{esc(claim.text)}</div>'
    left = max(0, claim.start - width)
    right = min(len(text), claim.end + width)
    before = ("…" if left else "") + text[left : claim.start]
    after = text[claim.end : right] + ("…" if right < len(text) else "")
    mark = f'<mark style="background: {colour(claim)}; padding: 0 1px;">{esc(text[claim.start : claim.end])}</mark>'
    return f'<div style="{_BOX}">{esc(before)}{mark}{esc(after)}</div>'


def legend_html() -> str:
    def chip(label: str, tint: str, underline: str) -> str:
        return (
            f'<span style="background: {tint}; border-bottom: 2px {underline} #495057; '
            f'padding: 0 6px; margin-right: 6px; white-space: nowrap;">{esc(label)}</span>'
        )

    graded = "".join(chip(g, GRADE[g].tint, "solid") for g in GRADES)
    ungraded = "".join(chip(STATUS_LABELS[s], STATUS[s].tint, "dashed") for s in STATUSES)
    return (
        '<div style="font-size: 0.85rem; line-height: 2;">'
        f"<b>Graded</b> (certainty of evidence): {graded}<br>"
        f"<b>Not graded yet</b> (citation status): {ungraded}</div>"
    )
