"""The article text with its claims highlighted in place, as escaped HTML (pure; no Streamlit).

Every piece of text goes through `esc`; the only markup is what this module writes. A claim is
tinted by its grade; a cited claim whose study does not match it (`study_mismatch`) is also
underlined in red dashes and carries the sign "≠" beside its number (the legend says so). Spans that overlap an earlier claim are clipped to start after it; spans
outside the text are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.comparison import Verdict
from kb.models import Grade
from kb.views import ClaimRow
from ui.components.claim_summary import STATUS_LABELS
from ui.components.palette import STUDY_MISMATCH, VERDICT_SIGN, grade_swatch
from ui.components.safe import esc

_BOX = (
    "white-space: pre-wrap; line-height: 1.7; font-size: 0.98rem; padding: 0.75rem 1rem; "
    "border: 1px solid #dee2e6; border-radius: 0.5rem; max-height: 70vh; overflow-y: auto;"
)


def numbered(claims: Sequence[ClaimRow]) -> list[tuple[int, ClaimRow]]:
    """Claims in reading order, numbered from 1 (the numbers shown in the text and the picker)."""
    ordered = sorted(claims, key=lambda c: (c.start, c.id))
    return list(enumerate(ordered, 1))


MISMATCH_SIGN = VERDICT_SIGN[Verdict.MISMATCH]
MISMATCH_TIP = "the cited study does not match the claim"
_MISMATCH_LINE = f"border-bottom: 3px dashed {STUDY_MISMATCH.strong};"


def _mark(n: int, claim: ClaimRow, body: str, selected: bool) -> str:
    outline = "outline: 2px solid #1c7ed6; outline-offset: 1px;" if selected else ""
    tip = f"#{n} · grade: {claim.grade.value} · {STATUS_LABELS[claim.citation_status]}"
    line, sign, flag = "border-bottom: 2px solid #495057;", "", ""
    if claim.study_mismatch:
        tip += f" · {MISMATCH_TIP}"
        line, flag = _MISMATCH_LINE, ' data-mismatch="true"'
        sign = f'<b style="color: {STUDY_MISMATCH.strong};">{MISMATCH_SIGN}</b>'
    return (
        f'<mark data-claim="{esc(claim.id)}"{flag} title="{esc(tip)}" style="background: {grade_swatch(claim.grade).tint}; '
        f'{line} padding: 0 1px; {outline}">{body}'
        f'<sup style="font-size: 0.7em; color: #495057;">&#8201;#{n}{sign}</sup></mark>'
    )


def highlight_html(text: str, claims: Sequence[ClaimRow], selected: str | None = None) -> str:
    pieces: list[str] = []
    pos = 0
    for n, claim in numbered(claims):
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
    if claim.end > len(text):
        return f'<div style="{_BOX}">{esc(claim.text)}</div>'
    left = max(0, claim.start - width)
    right = min(len(text), claim.end + width)
    before = ("…" if left else "") + text[left : claim.start]
    after = text[claim.end : right] + ("…" if right < len(text) else "")
    mark = f'<mark style="background: {grade_swatch(claim.grade).tint}; padding: 0 1px;">{esc(text[claim.start : claim.end])}</mark>'
    return f'<div style="{_BOX}">{esc(before)}{mark}{esc(after)}</div>'


def legend_html() -> str:
    chips = "".join(
        f'<span style="background: {grade_swatch(g).tint}; border-bottom: 2px solid #495057; '
        f'padding: 0 6px; margin-right: 6px; white-space: nowrap;">{esc(g.value)}</span>'
        for g in Grade
    )
    mismatch = (
        f'<span style="{_MISMATCH_LINE} padding: 0 6px; white-space: nowrap;">a claim'
        f'<sup><b style="color: {STUDY_MISMATCH.strong};">{MISMATCH_SIGN}</b></sup></span> '
        f"{esc(MISMATCH_TIP)}: it is cited, but the study differs on who, what, outcome, design and "
        "size, or strength (or an editor judged it does not support the claim)"
    )
    return (
        f'<div class="kb-legend" style="font-size: 0.85rem; line-height: 2;"><b>Certainty of the evidence</b>: {chips}'
        f"<br>{mismatch}</div>"
    )
