"""The editor's flag widgets: flag a claim with a reason and a note, resolve or dismiss a flag,
and see each flag's history. Used by the claim detail page and the editor queue."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kb.models import Flag, FlagReason, FlagStatus, timestamp
from ui.components import data, nav
from ui.components.feedback import attempt
from ui.components.safe import md


def flash(message: str) -> None:
    """Show `message` on the next run (app.py shows it) and rerun so every panel is fresh."""
    st.session_state["flash"] = message
    st.rerun()


def flag_form(claim_id: str, *, key: str, suggested: FlagReason) -> None:
    reasons = list(FlagReason)
    with st.form(f"flag-form-{key}", clear_on_submit=True):
        st.markdown("**Flag this claim**")
        reason = st.selectbox(
            "Reason",
            reasons,
            index=reasons.index(suggested),
            format_func=lambda r: r.value,
            key=f"reason-{key}",
        )
        note = st.text_area(
            "Note", key=f"note-{key}", placeholder="What is wrong, and what would fix it", height=80
        )
        if st.form_submit_button("Flag claim", key=f"flag-submit-{key}", type="primary"):
            flag = attempt(data.create_flag, claim_id, reason=reason, by=nav.editor_name(), note=note)
            if flag:
                flash(f"Flagged as “{reason.value}” by {nav.editor_name()}.")


def _history(flag: Flag) -> None:
    st.dataframe(
        [
            {"when": timestamp(e.at), "status": e.status.value, "by": e.by, "note": e.note}
            for e in flag.history
        ],
        hide_index=True,
        width="stretch",
    )


def flag_list(flags: Sequence[Flag], *, key: str) -> None:
    if not flags:
        st.caption("No editor has flagged this claim.")
        return
    for f in flags:
        with st.container(border=True):
            st.markdown(
                f"**{md(f.reason.value)}** — {md(f.status.value)}, by {md(f.created_by)}"
                + (f": {md(f.note)}" if f.note else "")
            )
            _history(f)
            if f.status is FlagStatus.OPEN:
                _actions(f.id, key=f"{key}-{f.id}")


def _actions(flag_id: str, *, key: str) -> None:
    with st.form(f"flag-actions-{key}", clear_on_submit=True):
        note = st.text_input("Note for the history", key=f"flag-note-{key}")
        left, right = st.columns(2)
        resolve = left.form_submit_button("Resolve", key=f"resolve-{key}", help="The text was corrected")
        dismiss = right.form_submit_button("Dismiss", key=f"dismiss-{key}", help="The flag was wrong")
    if resolve or dismiss:
        status = FlagStatus.RESOLVED if resolve else FlagStatus.DISMISSED
        if attempt(data.update_flag, flag_id, status=status, by=nav.editor_name(), note=note):
            flash(f"Flag {status.value} by {nav.editor_name()}.")
