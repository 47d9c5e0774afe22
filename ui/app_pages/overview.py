"""Overview: what the graph holds, how strong its claims' evidence is, what is most repeated
without support, and what was ingested lately."""

from __future__ import annotations

import streamlit as st

from kb.models import CitationStatus, Grade
from ui.components import data, nav
from ui.components.feedback import NO_ARTICLES, or_stop
from ui.components.palette import grade_swatch, status_swatch
from ui.components.safe import short
from ui.components.titles import display_title
from ui.components.widgets import category_chart

st.title("Overview")
counts = or_stop(data.counts)
nodes = counts.nodes
cols = st.columns(6)
for col, (label, name) in zip(
    cols,
    [
        ("Articles", "Source"),
        ("Claims", "Claim"),
        ("Uncited claims", "Uncited"),
        ("Propositions", "Proposition"),
        ("Works", "Work"),
        ("Flags", "Flag"),
    ],
    strict=True,
):
    col.metric(label, f"{nodes.get(name, 0):,}")

if not nodes.get("Source"):
    st.info(NO_ARTICLES, icon="📄")
    st.stop()

left, right = st.columns(2)
with left:
    st.subheader("Strength of evidence")
    grades = {g.value: counts.claims_by_grade.get(g.value, 0) for g in Grade}
    category_chart(grades, {g: grade_swatch(g).strong for g in grades}, field="grade", height=240)
with right:
    st.subheader("Citation status")
    statuses = {s.value: counts.claims_by_status.get(s.value, 0) for s in CitationStatus}
    category_chart(statuses, {k: status_swatch(k).strong for k in statuses}, field="status", height=240)

st.subheader("Most repeated unsupported propositions")
top = or_stop(data.top_unsupported_propositions, 10)
if top:
    st.dataframe(
        [{"proposition": r.text, "sources": r.sources, "uncited claims": r.claims} for r in top],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("No unsupported claim has been normalized into a proposition yet.")

st.subheader("Recent ingests")
recent = or_stop(data.list_sources, 0, 10)
st.dataframe(
    [
        {
            "article": display_title(s),
            "where from": s.locator,
            "ingested": s.ingested_at,
            "claims": s.claim_count,
            "cited": s.cited_count,
        }
        for s in recent
    ],
    hide_index=True,
    width="stretch",
)
titles = {s.id: short(display_title(s), 90) for s in recent}
pick_cols = st.columns([4, 1], vertical_alignment="bottom")
pick = pick_cols[0].selectbox(
    "Open an article", list(titles), format_func=lambda i: titles[i], key="overview-open"
)
if pick_cols[1].button("Open", key="overview-open-button"):
    nav.open_article(pick)
