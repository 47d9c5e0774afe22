"""Run the ingest pipeline for the Check page, showing each stage as it happens.

`check_article` (in `ui.workflows`, which joins `ingest` to the store; `ingest.pipeline` is
also looked at) is imported when a check runs, not when the page loads, so the app still opens
(and says so) on an install without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from kb.errors import KBError
from ui.components import data
from ui.components.feedback import show_error
from ui.components.safe import md

STAGES = {
    "fetch": "Fetch the page or read the file",
    "extract": "Extract the main text",
    "claims": "Find checkable claims",
    "citations": "Link citations to claims",
    "resolve": "Look up the cited works",
    "grade": "Grade the evidence",
}


@dataclass
class Checked:
    """What the report card needs from a `CheckResult`, kept in session state between reruns."""

    label: str
    source_id: str
    created: bool
    claims: int
    cited: int
    vague: int
    missing: int
    errors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, label: str, result: Any) -> Checked:
        return cls(
            label=label,
            source_id=result.source_id,
            created=bool(result.created),
            claims=int(result.claims),
            cited=int(result.cited),
            vague=int(result.vague),
            missing=int(result.missing),
            errors=[str(e) for e in (result.errors or [])],
        )


PIPELINE_MODULES = ("ui.workflows", "ingest.pipeline")


def _check_article() -> Callable[..., Any] | None:
    for name in PIPELINE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if callable(found := getattr(module, "check_article", None)):
            return found
    return None


def pipeline_available() -> bool:
    return _check_article() is not None


class _Progress:
    """One line per stage inside an `st.status`: waiting, running (with the pipeline's message), done."""

    def __init__(self) -> None:
        self.lines = {stage: st.empty() for stage in STAGES}
        self.order: list[str] = []
        for stage, label in STAGES.items():
            self.lines[stage].markdown(f"⚪ {label}")

    def __call__(self, stage: str, message: str) -> None:
        if stage not in self.lines:
            self.lines[stage] = st.empty()
        for earlier in self.order:
            if earlier != stage:
                self._done(earlier)
        if stage not in self.order:
            self.order.append(stage)
        label = STAGES.get(stage, stage)
        self.lines[stage].markdown(f"⏳ {md(label)} — {md(message)}" if message else f"⏳ {md(label)}")

    def _done(self, stage: str) -> None:
        self.lines[stage].markdown(f"✅ {md(STAGES.get(stage, stage))}")

    def finish(self) -> None:
        for stage in self.lines:
            if stage in self.order:
                self._done(stage)
            else:
                self.lines[stage].markdown(f"➖ {md(STAGES.get(stage, stage))} — not needed for this input")


def check(label: str, **inputs: Any) -> Checked | None:
    """Check one input (text=, url=, or data= with filename=); None when it failed (shown)."""
    check_article = _check_article()
    if check_article is None:
        st.error(
            "The ingest pipeline (`check_article`) is not installed in this copy of evidence-kb, "
            "so articles cannot be checked here yet. Articles already in the graph can be browsed.",
            icon="🧩",
        )
        return None
    failure: KBError | None = None
    with st.status(f"Checking {md(label)}…", expanded=True) as status:
        progress = _Progress()
        try:
            result = check_article(data.get_store(), data.settings(), on_stage=progress, **inputs)
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
    return Checked.of(label, result)
