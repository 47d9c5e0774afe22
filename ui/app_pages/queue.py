"""Editor queue: uncited, vaguely attributed and overclaimed statements, worst first; cited claims
whose study does not match them, worst first; flags with their history; a correction report per
article."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from kb.models import FlagStatus, timestamp
from ui.components import data, downloads, nav
from ui.components.badges import styled
from ui.components.claim_summary import problems, suggested_reason
from ui.components.feedback import NO_ARTICLES, attempt, or_stop
from ui.components.flags import flag_form, flag_list
from ui.components.safe import md, short
from ui.components.titles import display_title
from ui.components.widgets import badge_row, quote
from ui.components.worklist import mismatch_worklist

PAGE_SIZE = 25
MISMATCH_TAB = "Cited, but the study does not match"

st.title("Editor queue")
sources = or_stop(data.list_sources, 0, 500)
if not sources:
    st.info(NO_ARTICLES, icon="📄")
    st.stop()
titles = {s.id: short(display_title(s), 70) for s in sources}
# Keyed tabs stay on the tab in use when a confirmation appears above them or goes away.
review, mismatched, flagged, report = st.tabs(
    ["To review", MISMATCH_TAB, "Flags", "Correction report"], key="queue-tabs", on_change="rerun"
)

with review:
    cols = st.columns([3, 1], vertical_alignment="bottom")
    source = cols[0].selectbox(
        "Article",
        [None, *titles],
        format_func=lambda i: "all articles" if i is None else titles[i],
        key="queue-source",
    )
    include_flagged = cols[1].toggle("Include flagged", key="queue-include-flagged")
    if st.session_state.get("queue-scope") != (source, include_flagged):
        st.session_state["queue-scope"] = (source, include_flagged)
        st.session_state["queue-page"] = 0
    page = st.session_state["queue-page"]
    rows = or_stop(data.editor_queue, source, include_flagged, page, PAGE_SIZE)
    if not rows and page == 0:
        st.success(
            "Nothing to review: every claim here cites its evidence, or is already flagged.", icon="🎉"
        )
    else:
        st.dataframe(
            styled(
                [
                    {
                        "why": ", ".join(problems(r)),
                        "grade": r.grade.value,
                        "citation": r.citation_status.value,
                        "overclaim": r.overclaim,
                        "claim": r.text,
                        "article": titles.get(r.source_id) or r.source_title or r.source_id,
                        "flagged": r.flagged,
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={"claim": st.column_config.TextColumn("claim", width="large")},
        )
        pager = st.columns([1, 1, 4])
        if pager[0].button("← Previous", key="queue-prev", disabled=page == 0):
            st.session_state["queue-page"] = page - 1
            st.rerun()
        if pager[1].button("Next →", key="queue-next", disabled=len(rows) < PAGE_SIZE):
            st.session_state["queue-page"] = page + 1
            st.rerun()
        pager[2].caption(f"Page {page + 1}, worst first")
        by_id = {r.id: r for r in rows}
        if by_id:
            pick = st.selectbox(
                "Work on a statement",
                list(by_id),
                format_func=lambda i: f"{', '.join(problems(by_id[i]))} — {short(by_id[i].text, 100)}",
                key="queue-pick",
            )
            row = by_id[pick]
            quote(row.text)
            badge_row(row)
            if st.button("Open claim detail", key="queue-open"):
                nav.open_claim(pick)
            flag_form(pick, key="queue", suggested=suggested_reason(row))

with mismatched:
    mismatch_worklist(titles, page_size=PAGE_SIZE)

with flagged:
    shown = st.radio(
        "Flags", [*(s.value for s in FlagStatus), "all"], horizontal=True, key="queue-flag-status"
    )
    wanted = None if shown == "all" else FlagStatus(shown)
    flags = or_stop(data.list_flags, wanted, 0, 200)
    if not flags:
        st.caption(
            f"No {'' if wanted is None else wanted.value + ' '}flags. Flag a statement in **To review** or on a claim's page."
        )
    else:
        st.dataframe(
            [
                {
                    "reason": item.flag.reason.value,
                    "status": item.flag.status.value,
                    "by": item.flag.created_by,
                    "when": timestamp(item.flag.created_at),
                    "note": item.flag.note,
                    "claim": item.claim.text,
                }
                for item in flags
            ],
            hide_index=True,
            width="stretch",
        )
        flags_by_id = {item.flag.id: item for item in flags}
        chosen = st.selectbox(
            "Flag and its history",
            list(flags_by_id),
            format_func=lambda i: (
                f"{flags_by_id[i].flag.reason.value} ({flags_by_id[i].flag.status.value}) — "
                f"{short(flags_by_id[i].claim.text, 100)}"
            ),
            key="queue-flag",
        )
        claim_id = flags_by_id[chosen].claim.id
        detail = attempt(data.get_claim, claim_id)
        if detail is not None:
            quote(detail.claim.text)
            flag_list([f for f in detail.flags if f.id == chosen], key="queue-flag")
            if st.button("Open claim detail", key="queue-flag-open"):
                nav.open_claim(claim_id)

with report:
    target = st.selectbox("Article", list(titles), format_func=lambda i: titles[i], key="report-source")
    view = or_stop(data.get_source, target)
    its_flags = data.flags_of_source(target)
    differs = or_stop(data.mismatches_of_source, target)
    rows_out = downloads.report_rows(view.claims, its_flags, downloads.mismatch_words(differs))
    corrected = downloads.corrected_count(its_flags)
    done = f" {corrected} marked corrected by an editor." if corrected else ""
    st.markdown(f"**{len(rows_out)} statements** need correcting in {md(titles[target])}.{done}")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    markdown = downloads.correction_markdown(view.source, rows_out, stamp)
    dl = st.columns(2)
    dl[0].download_button(
        "Download report (Markdown)", markdown, f"corrections-{target}.md", "text/markdown", key="report-md"
    )
    dl[1].download_button(
        "Download report (CSV)",
        downloads.correction_csv(rows_out),
        f"corrections-{target}.csv",
        "text/csv",
        key="report-csv",
    )
    with st.expander("Preview"):
        st.code(markdown, language="markdown", wrap_lines=True)
