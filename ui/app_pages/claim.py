"""Claim detail: the claim in context, what it states and who else states it, its evidence, its
neighbourhood in the graph, and the editor's actions."""

from __future__ import annotations

import streamlit as st

from ui.components import data, nav
from ui.components.claim_summary import suggested_reason
from ui.components.feedback import attempt, or_stop
from ui.components.flags import flag_form, flag_list
from ui.components.highlight import context_html
from ui.components.safe import md, short
from ui.components.stance import mismatch_banner
from ui.components.titles import display_title
from ui.components.widgets import (
    atoms_and_cues,
    badge_row,
    citations_block,
    grade_block,
    graph_block,
    html,
    quote,
)

st.title("Claim detail")


def _go_to_typed_id() -> None:
    typed = st.session_state["claim-id-input"].strip()
    if typed:
        nav.remember("claim", typed)


with st.expander("Go to a claim id"):
    st.text_input("Claim id", key="claim-id-input", placeholder="clm_…", on_change=_go_to_typed_id)
claim_id = nav.current("claim")
if not claim_id:
    st.info(
        "No claim chosen yet — open one from **Claims explorer**, **Article view** or **Editor queue**, "
        "or paste a claim id above.",
        icon="👈",
    )
    st.stop()

detail = or_stop(data.get_claim, claim_id)
claim, source = detail.claim, detail.source
quote(claim.text)
badge_row(claim)
title = display_title(source)
left, right = st.columns([4, 1], vertical_alignment="center")
left.caption(f"From {md(title)}")
if right.button("Open the article", key="claim-open-article"):
    nav.open_article(source.id, claim.id)

# Keyed tabs keep their place when a confirmation appears above them or goes away.
context, evidence, graph_tab, editor = st.tabs(
    ["Context", "Evidence", "Graph", "Editor"], key="claim-tabs", on_change="rerun"
)
with context:
    html(context_html(source.text, claim))
    st.markdown("**Atoms and cues**")
    atoms_and_cues(claim)
    st.markdown("**Propositions**")
    if not detail.propositions:
        st.caption("This claim was not normalized into a proposition.")
    for view in detail.propositions:
        others = view.others
        elsewhere = {o.source_id for o in others} - {claim.source_id}
        label = f"**{md(view.proposition.text)}** — {len(others)} other claim(s), {len(elsewhere)} other source(s)"
        if not others:
            st.markdown(f"- {label}")
            continue
        with st.expander(label):
            for other in others[:50]:
                cols = st.columns([6, 1], vertical_alignment="center")
                where = "this article" if other.source_id == claim.source_id else other.title
                cols[0].markdown(f"{md(short(other.text, 150))} _({md(where or other.source_id)})_")
                if cols[1].button("Open", key=f"claim-other-{view.proposition.id}-{other.claim_id}"):
                    nav.open_claim(other.claim_id)
with evidence:
    grade_block(claim)
    if claim.study_mismatch:
        mismatch_banner(detail.studies)
    st.markdown("##### Citations")
    citations_block(detail, editable=True)
with graph_tab:
    hops = st.radio(
        "Neighbourhood", [1, 2], horizontal=True, format_func=lambda h: f"{h} hop(s)", key="claim-hops"
    )
    sub = attempt(data.neighbourhood, claim.id, hops, 80)
    if sub is not None:
        graph_block(sub, focus=claim.id, height=460)
    if st.button("Explore from here in the Graph explorer", key="claim-open-graph"):
        nav.open_graph(claim.id)
with editor:
    flag_form(claim.id, key="claim", suggested=suggested_reason(claim))
    st.markdown("##### Flags and their history")
    flag_list(detail.flags, key="claim")
