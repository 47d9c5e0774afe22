"""Streamlit widgets shared by several pages: claim panels, summaries, graphs. Text from articles
and works is escaped here (`safe.esc` for HTML, `safe.md` for Markdown) before it is shown."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import streamlit as st

from kb.views import CitedWork, ClaimDetail, ClaimRow, Subgraph
from ui.components import data, graph, nav
from ui.components.claims import STATUS_LABELS, Summary, cue_words, grade_label, is_overclaim
from ui.components.feedback import attempt
from ui.components.safe import esc, md, md_link, short, work_links


def html(body: str) -> None:
    """Show HTML this app built from escaped pieces (st.html: sanitized again, never scripted)."""
    st.html(body)


def badge_row(row: ClaimRow) -> None:
    parts = [
        f"**Grade:** {md(grade_label(row))}",
        f"**Citation:** {md(STATUS_LABELS.get(row.citation_status, row.citation_status))}",
    ]
    if is_overclaim(row):
        parts.append(":red[**overclaim**]")
    if row.flagged:
        parts.append(":violet[**flagged**]")
    st.markdown(" · ".join(parts))


def quote(text: str) -> None:
    html(
        '<blockquote style="margin: 0.25rem 0; padding: 0.5rem 0.9rem; border-left: 4px solid #adb5bd; '
        f'background: #f8f9fa; font-size: 1.05rem;">{esc(text)}</blockquote>'
    )


def grade_block(detail: ClaimDetail) -> None:
    a = detail.assessment
    if not a:
        st.caption("Not graded: the evidence for this claim has not been assessed yet.")
        return
    st.markdown(
        f"**Why “{md(a.get('grade'))}”** (score {a.get('score', 0):.2f}, rubric {md(a.get('rubric_version', '?'))})"
        + (" — :red[**overclaim**: the wording is stronger than the evidence]" if a.get("overclaim") else "")
    )
    for reason in a.get("reasons") or []:
        st.markdown(f"- {md(reason)}")


def atoms_and_cues(row: ClaimRow) -> None:
    atoms = row.atoms
    if atoms:
        st.dataframe(
            [{k: a.get(k) or "" for k in ("intervention", "effect", "outcome", "population")} for a in atoms],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No (intervention, effect, outcome) atoms were extracted.")
    cues = cue_words(row)
    st.markdown(f"**Cues:** {md(cues) if cues else 'none'}")


def _work_card(cited: CitedWork, *, candidate: bool, graded: bool) -> None:
    w, edge = cited.work, cited.edge
    title = w.get("title") or w.get("citation_text") or edge.get("text") or w.get("key")
    with st.container(border=True):
        st.markdown(f"**{md(short(title, 300))}**")
        facts = [
            f"design: {md(w.get('design') or 'unknown')}",
            f"year: {md(w.get('year') or '?')}",
            f"n = {md(w.get('sample_size') or '?')}",
        ]
        if w.get("journal"):
            facts.append(md(short(w["journal"], 80)))
        if w.get("human") is False:
            facts.append("animal or in-vitro")
        directness = edge.get("directness") or w.get("directness")
        if directness:
            facts.append(f"directness: {md(directness)}")
        else:  # the grader judges it per claim; its verdict is among the grade's reasons
            facts.append("directness: see the grade's reasons" if graded else "directness: not assessed")
        st.markdown(" · ".join(facts))
        if w.get("retracted"):
            st.markdown(":red[**Retracted** — excluded from the grade]")
        status = w.get("status") or "pending"
        line = f"status: {md(status)}"
        if status == "unresolved" and w.get("unresolved_reason"):
            line += f" ({md(w['unresolved_reason'])})"
        how = edge.get("provenance") or "?"
        written = f" as written: “{md(short(edge['text'], 120))}”" if edge.get("text") else ""
        st.caption(
            f"{line} · linked by {md(how)}{written}"
            + (" · accepted" if candidate and edge.get("accepted") else "")
        )
        links = work_links(w)
        if links:
            st.markdown(" · ".join(md_link(label, url) for label, url in links))


def citations_block(detail: ClaimDetail) -> None:
    graded = detail.assessment is not None
    if detail.citations:
        for cited in detail.citations:
            _work_card(cited, candidate=False, graded=graded)
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
            _work_card(cited, candidate=True, graded=False)
            _candidate_actions(detail.claim.id, cited)


def _candidate_actions(claim_id: str, cited: CitedWork) -> None:
    """An editor decides whether a search hit counts as evidence for this claim."""
    work_id = cited.work["id"]
    accepted = bool(cited.edge.get("accepted"))
    label = "Stop counting it" if accepted else "Accept as evidence"
    clicked = st.button(label, key=f"candidate-{claim_id}-{work_id}", help="The grade is recomputed at once")
    if clicked and attempt(
        data.decide_candidate, claim_id, work_id, accepted=not accepted, by=nav.editor_name()
    ):
        st.rerun()


def summary_block(summary: Summary, *, key: str, fold_weakest: bool = False) -> None:
    cols = st.columns(5)
    cols[0].metric("Claims found", summary.claims)
    cols[1].metric(
        "Cited", f"{summary.share_cited:.0%}", help=f"{summary.cited} of {summary.claims} cite a work"
    )
    cols[2].metric("Vague attribution", summary.vague, help="lean on unnamed research, cite nothing")
    cols[3].metric("No citation", summary.missing)
    cols[4].metric("Overclaims", summary.overclaims, help="wording stronger than the evidence")
    if summary.claims and not summary.graded:
        st.caption(
            "Not graded yet: colours show citation status. Grades appear once the evidence is assessed."
        )
    if not summary.weakest:
        return
    box = st.expander("Weakest claims first") if fold_weakest else st.container()
    with box:
        if not fold_weakest:
            st.markdown("**Weakest claims first**")
        for row in summary.weakest:
            left, right = st.columns([6, 1], vertical_alignment="center")
            left.markdown(
                f"{md(grade_label(row))} · {md(STATUS_LABELS.get(row.citation_status, row.citation_status))}"
                f"{' · :red[overclaim]' if is_overclaim(row) else ''} — {md(short(row.text, 160))}"
            )
            if right.button("Open", key=f"{key}-open-{row.id}", help="Claim detail"):
                nav.open_claim(row.id)


def claims_table(rows: Sequence[ClaimRow]) -> list[dict[str, Any]]:
    return [
        {
            "grade": grade_label(r),
            "citation": r.citation_status,
            "claim": r.text,
            "intervention": ", ".join(r.interventions),
            "outcome": ", ".join(r.outcomes),
            "source": r.source_title or r.source_id,
            "flagged": bool(r.flagged),
            "overclaim": is_overclaim(r),
            "cues": cue_words(r),
            "id": r.id,
        }
        for r in rows
    ]


def svg_frame(svg: str, *, height: int, alt: str) -> None:
    """Show an SVG this app built as a `data:` document in its own frame: st.html's sanitizer
    drops SVG, and a data: frame has an opaque origin, so it can never reach the app."""
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    st.iframe(url, height=height + 8, alt=alt)


def graph_block(sub: Subgraph, *, focus: str | None = None, height: int = 560) -> None:
    if not sub.nodes:
        st.caption("Nothing to draw.")
        return
    svg_frame(
        graph.to_svg(sub, focus=focus, height=height),
        height=height,
        alt=f"Network of {len(sub.nodes)} nodes and {len(sub.edges)} relationships",
    )
    html(graph.legend_html())
    if sub.truncated:
        st.caption("The view was cut at the node limit; raise the limit or expand fewer nodes.")
