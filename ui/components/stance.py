"""The claim beside each of its studies, and the editor's stance on each: supports, does not
support, contradicts — with a note, who, when and the history, like a flag.

Used by the claim detail page (the table, the stance and its form) and the Article view (the
mismatches in words, the stance read-only). Recording a stance re-grades the claim at once
(the store does it); the page then reruns, so the grade above shows the new one.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kb.comparison import StudyComparison, Verdict
from kb.models import EditorStance, StanceEvent, timestamp
from kb.views import ClaimStudy
from ui.components import data, nav
from ui.components.badges import badge
from ui.components.comparison import comparison_html, stance_label, stance_swatch, tally, verdict_label
from ui.components.feedback import attempt
from ui.components.flags import flash
from ui.components.safe import md, short

UNJUDGED = "No editor has judged whether this study supports the claim."
_AGAINST = (EditorStance.DOES_NOT_SUPPORT, EditorStance.CONTRADICTS)


def why_mismatch(studies: Sequence[ClaimStudy]) -> list[str]:
    """Why the claim is marked "study does not match", one line per study, in words: the axes
    its comparison mismatches on, or an editor's judgement against it."""
    lines = []
    for s in studies:
        title = short(s.work.title or s.work.citation_text or s.work.key, 90)
        if s.stance is not None and s.stance.stance in _AGAINST:
            lines.append(f"an editor ({s.stance.by}) judged that “{title}” {s.stance.stance.value} the claim")
        elif s.stance is None and s.comparison is not None and s.comparison.mismatches:
            axes = ", ".join(a.axis.value for a in s.comparison.mismatches)
            lines.append(f"“{title}” differs from the claim on {axes}")
    return lines


def mismatch_banner(studies: Sequence[ClaimStudy]) -> None:
    """Above the citations: that the claim's study does not match it, and why, in words."""
    st.markdown(":red[**≠ Cited, but the study does not match the claim:**]")
    for line in why_mismatch(studies) or ["see each study below"]:
        st.markdown(f"- {md(line)}")


def side_by_side(comparison: StudyComparison | None) -> None:
    """The claim beside this study, axis by axis (or why there is no comparison)."""
    st.markdown("**The claim beside this study**")
    if comparison is None:
        st.caption("Not compared: the study's record gives nothing to compare the claim with (not stated).")
        return
    st.caption(tally(comparison))
    st.html(comparison_html(comparison))


def mismatch_lines(comparison: StudyComparison | None) -> None:
    """Only the mismatches, in words (for narrow places: the Article view)."""
    if comparison is None:
        return
    mismatches = comparison.mismatches
    if not mismatches:
        verdicts = {a.verdict for a in comparison.axes}
        what = (
            "matches on every axis" if verdicts == {Verdict.MATCH} else "no mismatch found (some not stated)"
        )
        st.caption(f"Beside the claim: {what}.")
        return
    st.markdown(f":red[**{md(verdict_label(mismatches[0].verdict))}**] — the study does not match the claim:")
    for a in mismatches:
        st.markdown(f"- **{md(a.axis.value)}**: {md(a.reason)}")


def stance_line(stance: StanceEvent | None) -> None:
    if stance is None:
        st.caption(UNJUDGED)
        return
    note = f": {md(stance.note)}" if stance.note else ""
    st.html(
        '<div class="kb-stance">Editor’s stance: '
        + badge(
            stance_label(stance.stance), stance_swatch(stance.stance.value), title="an editor's judgement"
        )
        + "</div>"
    )
    st.caption(f"by {md(stance.by)}, {md(timestamp(stance.at))}{note}")


def stance_form(claim_id: str, study: ClaimStudy, *, key: str) -> None:
    """Record supports / does not support / contradicts with a note, as the editor in the sidebar."""
    work_id = study.work.id
    stances = list(EditorStance)
    current = study.stance.stance if study.stance else None
    with st.form(f"stance-form-{key}-{work_id}", clear_on_submit=True):
        chosen = st.radio(
            "Does this study support the claim?",
            stances,
            index=stances.index(current) if current in stances else None,
            format_func=stance_label,
            horizontal=True,
            key=f"stance-{key}-{work_id}",
        )
        note = st.text_input(
            "Note on the stance",
            key=f"stance-note-{key}-{work_id}",
            placeholder="What the study found, and where it says so",
        )
        if st.form_submit_button("Record stance", key=f"stance-submit-{key}-{work_id}"):
            if chosen is None:
                st.warning("Pick supports, does not support or contradicts first.")
                return
            by = nav.editor_name()
            if attempt(data.set_stance, claim_id, work_id, stance=chosen, by=by, note=note) is None:
                return
            after = attempt(data.get_claim, claim_id)
            grade = f" The grade is now “{after.claim.grade.value}”." if after else ""
            flash(f"Stance “{chosen.value}” recorded by {by}.{grade}")


def stance_history(claim_id: str, work_id: str, *, key: str) -> None:
    events = attempt(data.stance_history, claim_id, work_id) or []
    if not events:
        return
    with st.expander(f"Stance history ({len(events)})"):
        st.dataframe(
            [{"when": timestamp(e.at), "stance": e.stance.value, "by": e.by, "note": e.note} for e in events],
            hide_index=True,
            width="stretch",
        )


def study_panel(claim_id: str, study: ClaimStudy, *, key: str, editable: bool = True) -> None:
    """Inside a work's card: the side-by-side table (or only its mismatches), the stance, and
    when `editable`, the form and the history."""
    if editable:
        side_by_side(study.comparison)
    else:
        mismatch_lines(study.comparison)
    stance_line(study.stance)
    if editable:
        stance_form(claim_id, study, key=key)
        stance_history(claim_id, study.work.id, key=key)
