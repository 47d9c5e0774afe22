"""Run the ingest pipeline for the Check page, showing each stage as it happens."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kb.errors import KBError
from kb.settings import get_settings
from ui.components import data
from ui.components.feedback import show_error
from ui.components.safe import md
from ui.workflows import ItemReport, check_article

# The stages `check_article` reports, in its order, as the page names them.
STAGES = {
    "fetch": "Fetch the page or read the file",
    "extract": "Extract the main text",
    "claims": "Find checkable claims",
    "citations": "Link citations to claims",
    "resolve": "Look up the cited works",
    "grade": "Grade the evidence",
}


class _Progress:
    """One line per stage inside an `st.status`: waiting, running (with the pipeline's message), done."""

    def __init__(self) -> None:
        self.lines = {stage: st.empty() for stage in STAGES}
        self.order: list[str] = []
        for stage, label in STAGES.items():
            self.lines[stage].markdown(f"⚪ {label}")

    def __call__(self, stage: str, message: str) -> None:
        for earlier in self.order:
            if earlier != stage:
                self._done(earlier)
        if stage not in self.order:
            self.order.append(stage)
        label = STAGES[stage]
        self.lines[stage].markdown(f"⏳ {md(label)} — {md(message)}" if message else f"⏳ {md(label)}")

    def _done(self, stage: str) -> None:
        self.lines[stage].markdown(f"✅ {md(STAGES[stage])}")

    def finish(self) -> None:
        for stage in self.lines:
            if stage in self.order:
                self._done(stage)
            else:
                self.lines[stage].markdown(f"➖ {md(STAGES[stage])} — not needed for this input")


def check(label: str, **inputs: Any) -> ItemReport | None:
    """Check one input (text=, url=, or data= with filename=); None when it failed (shown)."""
    failure: KBError | None = None
    with st.status(f"Checking {md(label)}…", expanded=True) as status:
        progress = _Progress()
        try:
            result = check_article(data.get_store(), get_settings(), on_stage=progress, **inputs)
        except KBError as e:
            failure = e
            status.update(label=f"Could not check {md(label)}", state="error", expanded=False)
        else:
            progress.finish()
            status.update(
                label=f"Checked {md(label)}: {result.claims} claims", state="complete", expanded=False
            )
    data.clear_reads()
    if failure is not None:
        show_error(failure)
        return None
    return result
