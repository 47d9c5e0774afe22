"""Streamlit widgets shared by several pages: claim panels, summaries, graphs. Text from articles
and works is escaped here (`safe.esc` for HTML, `safe.md` for Markdown) before it is shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from streamlit_cytoscape import EdgeStyle, InfopanelAction, NodeStyle, streamlit_cytoscape

from kb.models import WorkStatus
from kb.views import CitedWork, ClaimDetail, ClaimRow, ClaimStudy, Subgraph
from ui.components import cytoscape, data, nav
from ui.components.badges import claim_badges
from ui.components.claim_summary import Summary, cue_words
from ui.components.feedback import attempt
from ui.components.palette import grade_swatch
from ui.components.safe import esc, md, md_link, short, work_links
from ui.components.stance import study_panel


def html(body: str) -> None:
    """Show HTML this app built from escaped pieces (st.html: sanitized again, never scripted)."""
    st.html(body)


def badge_row(row: ClaimRow) -> None:
    html(f'<div class="kb-badges">{claim_badges(row)}</div>')


def quote(text: str) -> None:
    html(
        '<blockquote style="margin: 0.25rem 0; padding: 0.5rem 0.9rem; border-left: 4px solid #adb5bd; '
        f'background: #f8f9fa; font-size: 1.05rem;">{esc(text)}</blockquote>'
    )


def grade_block(claim: ClaimRow) -> None:
    st.markdown(
        f"**Why “{md(claim.grade.value)}”** (score {claim.score:.2f}, rubric {md(claim.rubric_version)})"
        + (" — :red[**overclaim**: the wording is stronger than the evidence]" if claim.overclaim else "")
    )
    for reason in claim.reasons:
        st.markdown(f"- {md(reason)}")


def atoms_and_cues(row: ClaimRow) -> None:
    atoms = row.atoms
    if atoms:
        st.dataframe(
            [a.model_dump(mode="json", exclude_none=True) for a in atoms],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No (intervention, effect, outcome) atoms were extracted.")
    cues = cue_words(row)
    st.markdown(f"**Cues:** {md(cues) if cues else 'none'}")


def _work_card(
    cited: CitedWork, *, candidate: bool, claim_id: str, study: ClaimStudy | None, editable: bool
) -> None:
    """A work's card; for a study the claim is judged against (cited, or an accepted candidate),
    the claim beside it and the editor's stance too (`editable`: the full table and the form)."""
    w, edge = cited.work, cited.edge
    title = w.title or w.citation_text or edge.text or w.key
    with st.container(border=True):
        st.markdown(f"**{md(short(title, 300))}**")
        facts = [
            f"design: {md(w.design or 'unknown')}",
            f"year: {md(w.year or '?')}",
            f"n = {md(w.sample_size or '?')}",
        ]
        if w.journal:
            facts.append(md(short(w.journal, 80)))
        if w.human is False:
            facts.append("animal or in-vitro")
        trial = [t for t in (w.trial_phase, w.trial_status) if t]  # ClinicalTrials.gov
        if trial:
            facts.append(f"trial: {md(', '.join(trial))}")
        # The grader judges directness per claim, not per work: its verdict is among the reasons.
        facts.append("directness: see the grade's reasons" if not candidate else "directness: not assessed")
        st.markdown(" · ".join(facts))
        if w.retracted:
            st.markdown(":red[**Retracted** — excluded from the grade]")
        line = f"status: {md(w.status.value)}"
        if w.status is WorkStatus.UNRESOLVED and w.unresolved_reason:
            line += f" ({md(w.unresolved_reason)})"
        how = edge.provenance or "?"
        written = f" as written: “{md(short(edge.text, 120))}”" if edge.text else ""
        st.caption(
            f"{line} · linked by {md(how)}{written}" + (" · accepted" if candidate and edge.accepted else "")
        )
        links = work_links(w)
        if links:
            st.markdown(" · ".join(md_link(label, url) for label, url in links))
        if study is not None:
            study_panel(claim_id, study, key="candidate" if candidate else "cited", editable=editable)


def citations_block(detail: ClaimDetail, *, editable: bool = False) -> None:
    """The works a claim cites, then the candidates a literature search found. With `editable`
    (the claim detail), each study the claim is judged against shows the side-by-side table and
    the editor's stance form; otherwise (the Article view) its mismatches in words."""
    studies = {s.work.id: s for s in detail.studies}
    claim_id = detail.claim.id

    def card(cited: CitedWork, candidate: bool) -> None:
        study = studies.get(cited.work.id)
        _work_card(cited, candidate=candidate, claim_id=claim_id, study=study, editable=editable)

    if detail.citations:
        for cited in detail.citations:
            card(cited, False)
    else:
        st.markdown("**Cites nothing.** The article attaches no reference to this claim.")
    if detail.candidates:
        st.markdown("##### Candidate evidence")
        st.info(
            "Found by a literature search, **not cited by the article** and not counted for the grade "
            "unless an editor accepts it.",
            icon="🔎",
        )
        for cited in detail.candidates:
            card(cited, True)
            _candidate_actions(detail.claim.id, cited)


def _candidate_actions(claim_id: str, cited: CitedWork) -> None:
    """An editor decides whether a search hit counts as evidence for this claim."""
    work_id = cited.work.id
    accepted = cited.edge.accepted
    label = "Stop counting it" if accepted else "Accept as evidence"
    clicked = st.button(label, key=f"candidate-{claim_id}-{work_id}", help="The grade is recomputed at once")
    if clicked:
        regraded = attempt(
            data.decide_candidate, claim_id, work_id, accepted=not accepted, by=nav.editor_name()
        )
        if regraded is not None:
            st.rerun()


def category_chart(counts: dict[str, int], colours: dict[str, str], *, field: str, height: int = 150) -> None:
    """One bar per category, in the given order and the palette's colours."""
    order = list(counts)
    st.vega_lite_chart(
        {
            "data": {"values": [{field: k, "claims": n} for k, n in counts.items()]},
            "mark": {"type": "bar", "cornerRadiusEnd": 3},
            "encoding": {
                "y": {"field": field, "type": "nominal", "sort": order, "title": None},
                "x": {
                    "field": "claims",
                    "type": "quantitative",
                    "title": "claims",
                    "axis": {"tickMinStep": 1},
                },
                "color": {
                    "field": field,
                    "type": "nominal",
                    "scale": {"domain": order, "range": [colours[k] for k in order]},
                    "legend": None,
                },
                "tooltip": [{"field": field}, {"field": "claims"}],
            },
        },
        width="stretch",
        height=height,
    )


def grade_chart(summary: Summary, *, height: int = 220) -> None:
    """A small bar per grade, in the palette's colours."""
    counts = {g.value: n for g, n in summary.by_grade.items()}
    category_chart(counts, {g: grade_swatch(g).strong for g in counts}, field="grade", height=height)


def summary_block(summary: Summary, *, key: str, fold_weakest: bool = False, chart: bool = False) -> None:
    cols = st.columns(5)
    cols[0].metric("Claims found", summary.claims)
    cols[1].metric(  # with no claim, "0%" would read as a verdict; there is nothing to count
        "Cited",
        f"{summary.share_cited:.0%}" if summary.claims else "—",
        help=f"{summary.cited} of {summary.claims} cite a work",
    )
    cols[2].metric("Vague attribution", summary.vague, help="lean on unnamed research, cite nothing")
    cols[3].metric("No citation", summary.missing)
    cols[4].metric("Overclaims", summary.overclaims, help="wording stronger than the evidence")
    if chart and summary.claims:
        st.markdown("**Strength of the evidence behind its claims**")
        grade_chart(summary)
    if not summary.weakest:
        return
    box = st.expander("Weakest claims first") if fold_weakest else st.container()
    with box:
        if not fold_weakest:
            st.markdown("**Weakest claims first**")
        for row in summary.weakest:
            left, right = st.columns([6, 1], vertical_alignment="center")
            with left:
                html(
                    f'<div class="kb-weak">{claim_badges(row, flagged=False)} {esc(short(row.text, 160))}</div>'
                )
            if right.button("Open", key=f"{key}-open-{row.id}", help="Claim detail"):
                nav.open_claim(row.id)


def claims_table(rows: Sequence[ClaimRow]) -> list[dict[str, Any]]:
    return [
        {
            "grade": r.grade.value,
            "citation": r.citation_status.value,
            "claim": r.text,
            "intervention": ", ".join(r.interventions),
            "outcome": ", ".join(r.outcomes),
            "source": r.source_title or r.source_id,
            "flagged": r.flagged,
            "overclaim": r.overclaim,
            "cues": cue_words(r),
            "id": r.id,
        }
        for r in rows
    ]


# fcose: a force layout that stays readable at a few hundred nodes; seeded randomly per view,
# laid out once (the component keeps positions when nodes are added, hidden or removed).
GRAPH_LAYOUT: dict[str, Any] = {
    "name": "fcose",
    "quality": "default",
    "animate": False,
    "fit": True,
    "padding": 24,
    "nodeDimensionsIncludeLabels": False,
    "idealEdgeLength": 55,
    "nodeRepulsion": 9000,
    "nodeSeparation": 60,
}
OPEN_ACTION = InfopanelAction("open", "Open in the app", icon="description")  # an icon the component ships


def _take_event(key: str, handle: Callable[[dict[str, Any]], None]) -> None:
    """Run `handle` once per component event (the component keeps returning its last one)."""
    event = st.session_state.get(key)
    if not isinstance(event, dict) or event.get("timestamp") == st.session_state.get(f"{key}-seen"):
        return
    st.session_state[f"{key}-seen"] = event.get("timestamp")
    handle(event)


def graph_view(
    sub: Subgraph,
    *,
    key: str,
    focus: str | None = None,
    height: int = 560,
    on_event: Callable[[dict[str, Any]], None] | None = None,
    expand: bool = False,
    keep_places: bool = False,
) -> None:
    """The interactive graph: pan, zoom, drag, click a node for its properties; with `expand`,
    double-click (or the side panel's button) adds a node's neighbours in place and the delete
    key removes nodes from the view. `on_event` gets each expand, remove and open event."""
    if not sub.nodes:
        st.caption("Nothing to draw.")
        return
    labels = sorted({cytoscape.node_label(n) for n in sub.nodes})
    types = sorted({e.type for e in sub.edges})
    # A small view gets a wide margin, so two nodes are not drawn a hand's width across. The
    # layout runs again when the number of nodes changes (expand, remove, hide); from the
    # nodes' current places when `keep_places`, so the picture moves as little as it can.
    padding = 160 if len(sub.nodes) <= 3 else 90 if len(sub.nodes) <= 8 else 24
    layout = {**GRAPH_LAYOUT, "padding": padding, "randomize": not keep_places, "kbNodes": len(sub.nodes)}
    if keep_places:  # animated, and longer than the component's own 0.5 s expand step, so it ends last
        layout.update(animate=True, animationDuration=700)
    streamlit_cytoscape(
        cytoscape.elements(sub, focus=focus),
        layout=layout,
        node_styles=[
            NodeStyle(label, caption="_name", custom_styles=cytoscape.node_style(label)) for label in labels
        ],
        edge_styles=[
            EdgeStyle(t, caption="label", directed=True, custom_styles=cytoscape.EDGE_STYLE) for t in types
        ],
        height=height,
        key=key,
        on_change=(lambda: _take_event(key, on_event)) if on_event else None,
        node_actions=["expand", "remove"] if expand else [],
        infopanel_actions=[OPEN_ACTION] if on_event else [],
    )
    html(cytoscape.legend_html())
    if sub.truncated:
        st.caption(
            "Cut at the node limit: the most connected neighbours are shown. Raise the limit or expand a node."
        )


def graph_block(
    sub: Subgraph, *, focus: str | None = None, height: int = 460, key: str = "graph-block"
) -> None:
    """A graph to look at (no expanding): a claim's neighbourhood, a query's result."""
    graph_view(sub, key=key, focus=focus, height=height)
