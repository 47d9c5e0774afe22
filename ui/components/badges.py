"""Grade, citation and overclaim as coloured badges and table cells, in the one palette (pure).

The badge words are the app's own vocabulary; they still pass through `esc`, like anything
that reaches HTML. Tables get the same colours through a pandas `Styler` (`st.dataframe`
shows its cell styles), so a grade looks the same in a table as in a badge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from kb.comparison import Verdict
from kb.views import ClaimRow
from ui.components.claim_summary import STATUS_LABELS
from ui.components.palette import (
    FLAGGED,
    OVERCLAIM,
    STUDY_MISMATCH,
    VERDICT_SIGN,
    Swatch,
    grade_swatch,
    status_swatch,
)
from ui.components.safe import esc

_BADGE = (
    "display: inline-block; padding: 0.05rem 0.55rem; margin: 0 0.3rem 0.2rem 0; border-radius: 0.8rem; "
    "font-size: 0.8rem; font-weight: 600; line-height: 1.5; white-space: nowrap;"
)


def badge(text: str, swatch: Swatch, *, title: str = "") -> str:
    tip = f' title="{esc(title)}"' if title else ""
    return (
        f'<span class="kb-badge"{tip} style="{_BADGE} background: {swatch.strong}; color: {swatch.ink};">'
        f"{esc(text)}</span>"
    )


def claim_badges(row: ClaimRow, *, flagged: bool | None = None) -> str:
    """Grade, citation status, overclaim, a cited study that does not match the claim and (when
    asked) flagged, as one line of badges."""
    status = row.citation_status
    parts = [
        badge(f"grade: {row.grade.value}", grade_swatch(row.grade), title="certainty of the evidence"),
        badge(STATUS_LABELS[status], status_swatch(status), title="citation status"),
    ]
    if row.overclaim:
        parts.append(badge("overclaim", OVERCLAIM, title="wording stronger than the evidence"))
    if row.study_mismatch:
        parts.append(
            badge(
                f"{VERDICT_SIGN[Verdict.MISMATCH]} study does not match",
                STUDY_MISMATCH,
                title="cited, but the study does not match the claim (see its evidence)",
            )
        )
    if row.flagged if flagged is None else flagged:
        parts.append(badge("flagged", FLAGGED, title="an editor flagged this claim"))
    return "".join(parts)


def _cell(swatch: Swatch) -> str:
    return f"background-color: {swatch.strong}; color: {swatch.ink}; font-weight: 600;"


def _styles(column: str, value: Any) -> str:
    if column == "grade":
        return _cell(grade_swatch(value))
    if column == "citation":
        return _cell(status_swatch(value))
    if column == "overclaim" and value is True:
        return _cell(OVERCLAIM)
    return ""


def styled(rows: Sequence[dict[str, Any]]) -> Styler | pd.DataFrame:
    """Rows for `st.dataframe`, their grade, citation and overclaim cells in the palette."""
    frame = pd.DataFrame(list(rows))
    if frame.empty:
        return frame
    return frame.style.apply(lambda col: [_styles(str(col.name), v) for v in col], axis=0)
