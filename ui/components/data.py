"""The app's only door to the graph: one cached connection, cached reads, writes that clear them.

Pages never hold a `GraphStore`; they call these functions. Reads are cached for `READ_TTL`
seconds (`st.cache_data`), keyed by their plain arguments; every write goes through this module
too and clears the read cache, so the next rerun shows what was just written.
"""

from __future__ import annotations

import streamlit as st

from kb.models import (
    EditorStance,
    Entity,
    EntityKind,
    Flag,
    FlagEvent,
    FlagReason,
    FlagStatus,
    StanceEvent,
)
from kb.settings import get_settings
from kb.store import GraphStore
from kb.views import (
    ClaimDetail,
    ClaimFilter,
    ClaimPage,
    ClaimRow,
    ConsoleResult,
    Counts,
    FlaggedClaim,
    SourceRow,
    SourceView,
    StudyMismatch,
    Subgraph,
    UnsupportedProposition,
)

READ_TTL = 60  # seconds a read may be served from the cache


@st.cache_resource(show_spinner="Connecting to the graph…", on_release=lambda store: store.close())
def get_store() -> GraphStore:
    """One connection per app process, shared by every session (the driver is thread-safe)."""
    return GraphStore.connect(get_settings())


def reconnect() -> None:
    """Forget the connection, so the next call connects again (after the engine went away)."""
    get_store.clear()


def clear_reads() -> None:
    st.cache_data.clear()


# --- reads ------------------------------------------------------------------------------------


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def where() -> str:
    return get_store().where


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def counts() -> Counts:
    return get_store().counts()


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def list_sources(page: int = 0, page_size: int = 50) -> list[SourceRow]:
    return get_store().list_sources(page=page, page_size=page_size)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def get_source(source_id: str) -> SourceView:
    return get_store().get_source(source_id)


def list_claims(flt: ClaimFilter, page: int = 0, page_size: int = 50) -> ClaimPage:
    return _list_claims(flt.model_dump_json(), page, page_size)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def _list_claims(flt_json: str, page: int, page_size: int) -> ClaimPage:
    flt = ClaimFilter.model_validate_json(flt_json)
    return get_store().list_claims(flt, page=page, page_size=page_size)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def get_claim(claim_id: str) -> ClaimDetail:
    return get_store().get_claim(claim_id)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def editor_queue(
    source_id: str | None = None, include_flagged: bool = False, page: int = 0, page_size: int = 50
) -> list[ClaimRow]:
    return get_store().editor_queue(
        source_id=source_id, include_flagged=include_flagged, page=page, page_size=page_size
    )


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def top_unsupported_propositions(limit: int = 10) -> list[UnsupportedProposition]:
    return get_store().top_unsupported_propositions(limit)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def entities(kind: EntityKind | None = None, limit: int = 500) -> list[Entity]:
    return get_store().entities(kind, limit)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def neighbourhood(node_id: str, hops: int = 1, limit: int = 100) -> Subgraph:
    return get_store().neighbourhood(node_id, hops=hops, limit=limit)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def list_flags(status: FlagStatus | None = None, page: int = 0, page_size: int = 100) -> list[FlaggedClaim]:
    return get_store().list_flags(status=status, page=page, page_size=page_size)


def flags_of_source(source_id: str, *, max_pages: int = 20, page_size: int = 500) -> list[FlaggedClaim]:
    """Every flag on a claim of one source, newest first, composed from `list_flags` pages
    (the store has no per-source flag read yet)."""
    found: list[FlaggedClaim] = []
    for page in range(max_pages):
        rows = list_flags(None, page, page_size)
        found += [r for r in rows if r.claim.source_id == source_id]
        if len(rows) < page_size:
            break
    return found


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def study_mismatches(source_id: str | None = None, page: int = 0, page_size: int = 50) -> list[StudyMismatch]:
    """Cited claims whose study does not match them, worst first (all articles, or one)."""
    return get_store().study_mismatches(source_id=source_id, page=page, page_size=page_size)


def mismatches_of_source(source_id: str, *, max_pages: int = 20, page_size: int = 500) -> list[StudyMismatch]:
    """Every such claim of one article (the correction report)."""
    found: list[StudyMismatch] = []
    for page in range(max_pages):
        rows = study_mismatches(source_id, page, page_size)
        found += rows
        if len(rows) < page_size:
            break
    return found


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def stance_history(claim_id: str, work_id: str) -> list[StanceEvent]:
    return get_store().stance_history(claim_id, work_id)


def run_console(query: str) -> ConsoleResult:
    """Never cached: a researcher re-running a query wants it run."""
    return get_store().run_console(query)


# --- writes (each clears the read cache) ------------------------------------------------------


def create_flag(claim_id: str, *, reason: FlagReason, by: str, note: str = "") -> Flag:
    try:
        return get_store().create_flag(claim_id, reason=reason, by=by, note=note)
    finally:
        clear_reads()


def update_flag(flag_id: str, *, status: FlagStatus, by: str, note: str = "") -> FlagEvent:
    try:
        return get_store().update_flag(flag_id, status=status, by=by, note=note)
    finally:
        clear_reads()


def set_stance(claim_id: str, work_id: str, *, stance: EditorStance, by: str, note: str = "") -> StanceEvent:
    """Record an editor's stance on a study of the claim; the store grades the claim again."""
    try:
        return get_store().set_stance(claim_id, work_id, stance=stance, by=by, note=note)
    finally:
        clear_reads()


def decide_candidate(claim_id: str, work_id: str, *, accepted: bool, by: str) -> int:
    """Accept or reject a literature-search candidate, then grade the claim again."""
    from ui.workflows import regrade

    try:
        store = get_store()
        store.decide_candidate(claim_id, work_id, accepted=accepted, by=by)
        return regrade(store, [claim_id])
    finally:
        clear_reads()
