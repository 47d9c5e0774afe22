"""The claim beside its study, as escaped HTML and as words (pure; no Streamlit).

One row per axis (who, what, outcome, design and size, strength): what the claim says, what
the study did, and the verdict with its reason. A mismatch is marked three ways — a red row
edge, the sign "≠" and the word "mismatch" — so colour is never the only signal. What the
record does not state is written "not stated", never left blank and never shown as a match.
Every piece of text (the claim's words, the study's title and conclusion) goes through `esc`.
"""

from __future__ import annotations

from collections.abc import Sequence

from kb.comparison import Axis, AxisComparison, StudyComparison, Verdict
from ui.components.palette import STANCE, STANCE_SIGN, UNKNOWN, VERDICT, VERDICT_SIGN, Swatch
from ui.components.safe import esc

NOT_STATED = "not stated"

_TABLE = "width: 100%; border-collapse: collapse; font-size: 0.9rem; margin: 0.25rem 0 0.5rem 0;"
_HEAD = "text-align: left; padding: 0.3rem 0.5rem; border-bottom: 2px solid #adb5bd; color: #495057;"
_CELL = "padding: 0.35rem 0.5rem; border-bottom: 1px solid #dee2e6; vertical-align: top;"
_UNSAID = '<span style="color: #868e96; font-style: italic;">not stated</span>'
# A page does not state a design: the axis asks only what the study was.
_NO_DESIGN = '<span style="color: #868e96;" title="a claim states no design">—</span>'


def verdict_label(verdict: Verdict) -> str:
    """The verdict in words with its sign: "✓ match", "≠ mismatch", "? not stated"."""
    return f"{VERDICT_SIGN[verdict]} {verdict.value}"


def _said(value: str | None) -> str:
    return esc(value) if value else _UNSAID


def _claim_side(a: AxisComparison) -> str:
    return _NO_DESIGN if a.axis is Axis.DESIGN and not a.claim_says else _said(a.claim_says)


def _verdict_cell(verdict: Verdict, reason: str) -> str:
    swatch = VERDICT[verdict]
    chip = (
        f'<span style="display: inline-block; padding: 0 0.45rem; border-radius: 0.7rem; font-weight: 700; '
        f'white-space: nowrap; background: {swatch.strong}; color: {swatch.ink};">{esc(verdict_label(verdict))}</span>'
    )
    return f'{chip}<div style="margin-top: 0.15rem;">{esc(reason)}</div>'


def comparison_html(comparison: StudyComparison) -> str:
    """The side-by-side table of one claim and one study."""
    rows = []
    for a in comparison.axes:
        swatch = VERDICT[a.verdict]
        edge = f"border-left: 5px solid {swatch.strong};"
        background = f" background: {swatch.tint};" if a.verdict is Verdict.MISMATCH else ""
        rows.append(
            f'<tr class="kb-axis kb-{esc(a.verdict.value.replace(" ", "-"))}" style="{background}">'
            f'<th scope="row" style="{_CELL} {edge} text-align: left; white-space: nowrap;">{esc(a.axis.value)}</th>'
            f'<td style="{_CELL}">{_claim_side(a)}</td>'
            f'<td style="{_CELL}">{_said(a.study_did)}</td>'
            f'<td style="{_CELL}">{_verdict_cell(a.verdict, a.reason)}</td></tr>'
        )
    head = "".join(
        f'<th scope="col" style="{_HEAD}">{esc(h)}</th>'
        for h in ("axis", "the claim says", "the study did", "verdict")
    )
    conclusion = (
        f'<div style="font-size: 0.85rem; color: #495057;"><b>The study concludes</b>: '
        f"“{esc(comparison.study_conclusion)}”</div>"
        if comparison.study_conclusion
        else '<div style="font-size: 0.85rem; color: #495057;"><b>The study concludes</b>: '
        f"{_UNSAID} (no abstract or conclusion on record)</div>"
    )
    return (
        f'<div class="kb-comparison"><table style="{_TABLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{conclusion}</div>"
    )


def tally(comparison: StudyComparison) -> str:
    """One line: how many axes match, which mismatch, how many are not stated."""
    by = {v: [a.axis.value for a in comparison.axes if a.verdict is v] for v in Verdict}
    parts = [f"{len(by[Verdict.MATCH])} of {len(comparison.axes)} axes match"]
    if by[Verdict.MISMATCH]:
        parts.append(f"{len(by[Verdict.MISMATCH])} mismatch ({', '.join(by[Verdict.MISMATCH])})")
    if by[Verdict.NOT_STATED]:
        parts.append(f"{len(by[Verdict.NOT_STATED])} not stated")
    return "; ".join(parts)


def mismatch_words(comparisons: Sequence[StudyComparison]) -> list[str]:
    """Every mismatch of these comparisons in words, once each ("who: claim about people; study in mice")."""
    return list(dict.fromkeys(r for c in comparisons for r in c.reasons()))


def stance_swatch(stance: object) -> Swatch:
    return STANCE.get(str(stance), UNKNOWN)


def stance_label(stance: object) -> str:
    """The stance in words with its sign: "👎 contradicts"."""
    value = str(getattr(stance, "value", stance))
    return f"{STANCE_SIGN.get(value, '•')} {value}"
