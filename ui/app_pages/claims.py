"""Claims explorer: every claim across all sources, filtered and paged by the store (never all at once)."""

from __future__ import annotations

import hashlib
import math

import streamlit as st

from kb.models import CitationStatus, EntityKind, Grade
from kb.views import ClaimFilter
from ui.components import data, nav
from ui.components.badges import styled
from ui.components.feedback import NO_ARTICLES, or_stop
from ui.components.safe import short
from ui.components.titles import display_title
from ui.components.widgets import claims_table

ANY = "any"
PAGE_SIZES = (25, 50, 100)

st.title("Claims explorer")
st.caption(
    "Worst first: no citation and overclaims at the top, then weak grades. Click a column to sort this page."
)

sources = or_stop(data.list_sources, 0, 500)
interventions = [e.name for e in or_stop(data.entities, EntityKind.INTERVENTION)]
outcomes = [e.name for e in or_stop(data.entities, EntityKind.OUTCOME)]
titles = {s.id: short(display_title(s), 60) for s in sources}

with st.container(border=True):
    search = st.text_input("Search claim text", key="claims-search", placeholder="e.g. cravings")
    row1 = st.columns(4)
    grade = row1[0].selectbox("Grade", [ANY, *(g.value for g in Grade)], key="claims-grade")
    status = row1[1].selectbox("Citation", [ANY, *(s.value for s in CitationStatus)], key="claims-status")
    intervention = row1[2].selectbox("Intervention", [ANY, *interventions], key="claims-intervention")
    outcome = row1[3].selectbox("Outcome", [ANY, *outcomes], key="claims-outcome")
    row2 = st.columns(4)
    source = row2[0].selectbox(
        "Source", [ANY, *titles], format_func=lambda sid: titles.get(sid, sid), key="claims-source"
    )
    flagged = row2[1].selectbox("Flagged", [ANY, "flagged", "not flagged"], key="claims-flagged")
    overclaim = row2[2].selectbox("Overclaim", [ANY, "yes", "no"], key="claims-overclaim")
    cue = row2[3].text_input("Cue", key="claims-cue", help="A hedge (may), a booster (proven) or 'vague'")

flt = ClaimFilter(
    search=search or None,
    grade=None if grade == ANY else Grade(grade),
    status=None if status == ANY else CitationStatus(status),
    intervention=None if intervention == ANY else intervention,
    outcome=None if outcome == ANY else outcome,
    source_id=None if source == ANY else source,
    flagged=None if flagged == ANY else flagged == "flagged",
    overclaim=None if overclaim == ANY else overclaim == "yes",
    cue=cue.strip().lower() or None,
)
page_size = st.session_state.get("claims-page-size", PAGE_SIZES[1])
# The pager's key names the filter, so new filters (or a new page size) start on page 1.
pager_key = "claims-page-" + hashlib.sha1(f"{flt.model_dump_json()}|{page_size}".encode()).hexdigest()[:12]
page_no = int(st.session_state.get(pager_key, 1))
result = or_stop(data.list_claims, flt, page_no - 1, page_size)
pages = max(1, math.ceil(result.total / page_size))
if page_no > pages:  # the graph changed under this filter since the page was chosen
    page_no = pages
    result = or_stop(data.list_claims, flt, page_no - 1, page_size)

if result.total == 0:
    if not sources:
        st.info(NO_ARTICLES, icon="📄")
    else:
        st.info("No claim matches these filters; set some back to “any”.", icon="🔍")
    st.stop()

first = (page_no - 1) * page_size + 1
st.markdown(f"**{result.total:,} claims** · showing {first:,}–{first + len(result.rows) - 1:,}")
table = claims_table(result.rows)
event = st.dataframe(
    styled(table),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="claims-table",
    column_config={
        "claim": st.column_config.TextColumn("claim", width="large"),
        "id": st.column_config.TextColumn("id", width="small"),
    },
)
nav_cols = st.columns([3, 1], vertical_alignment="bottom")
with nav_cols[0]:
    st.pagination(pages, key=pager_key, max_visible_pages=7)
nav_cols[1].selectbox("Rows per page", PAGE_SIZES, index=1, key="claims-page-size")

ids = [r["id"] for r in table]
texts = {r.id: r.text for r in result.rows}
selection = (page_no, tuple(event.selection.rows)) if event and event.selection else (page_no, ())
if selection[1] and selection[1][0] < len(ids) and st.session_state.get("claims-selection") != selection:
    st.session_state["claims-open"] = ids[selection[1][0]]  # a clicked row becomes the pick
st.session_state["claims-selection"] = selection
if st.session_state.get("claims-open") not in ids:
    st.session_state.pop("claims-open", None)
pick = st.selectbox(
    "Open a claim (or click a row)",
    ids,
    format_func=lambda cid: short(texts[cid], 110),
    key="claims-open",
)
if st.button("Open claim detail", key="claims-open-button", type="primary"):
    nav.open_claim(pick)
