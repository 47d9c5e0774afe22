"""The editor queue's worklist "Cited, but the study does not match": cited claims whose study
does not match them on who, what, outcome, design and size or strength (or that an editor judged
does not support or contradicts them), worst first — the store orders them: the most
mismatches, then a strength overstatement, then the claim's rank."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from kb.views import StudyMismatch
from ui.components import data, nav
from ui.components.badges import styled
from ui.components.feedback import or_stop
from ui.components.safe import md, short
from ui.components.widgets import quote

KEY = "queue-mismatch"


def in_words(row: StudyMismatch) -> str:
    """Every mismatch of the claim's studies, in words, one after another."""
    return "; ".join(r for s in row.studies for r in s.reasons)


def _table(rows: list[StudyMismatch], titles: Mapping[str, str]) -> None:
    st.dataframe(
        styled(
            [
                {
                    "mismatch": in_words(r),
                    "mismatches": r.mismatch_count,
                    "grade": r.grade.value,
                    "claim": r.text,
                    "study": r.work_label,
                    "article": titles.get(r.source_id) or r.source_title or r.source_id,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "mismatch": st.column_config.TextColumn("mismatch", width="large"),
            "claim": st.column_config.TextColumn("claim", width="medium"),
        },
    )


def _pager(page: int, full: bool) -> None:
    pager = st.columns([1, 1, 4])
    if pager[0].button("← Previous", key=f"{KEY}-prev", disabled=page == 0):
        st.session_state[f"{KEY}-page"] = page - 1
        st.rerun()
    if pager[1].button("Next →", key=f"{KEY}-next", disabled=not full):
        st.session_state[f"{KEY}-page"] = page + 1
        st.rerun()
    pager[2].caption(f"Page {page + 1}, worst first")


def _one(row: StudyMismatch) -> None:
    quote(row.text)
    for study in row.studies:
        st.markdown(
            f"**{md(short(study.label, 200))}**" + (" (accepted candidate)" if study.candidate else "")
        )
        for reason in study.reasons:
            st.markdown(f"- ≠ {md(reason)}")
    if st.button("Open claim detail", key=f"{KEY}-open", help="The claim beside each study; record a stance"):
        nav.open_claim(row.claim_id)


def mismatch_worklist(titles: Mapping[str, str], *, page_size: int = 25) -> None:
    """The worklist, for all articles or one (`titles`: the articles' names by id)."""
    st.caption(
        "Claims that cite a study which does not match them — on who, what, outcome, design and "
        "size, or strength — or whose study an editor judged not to support or to contradict them. "
        "Worst first."
    )
    source = st.selectbox(
        "Article",
        [None, *titles],
        format_func=lambda i: "all articles" if i is None else titles[i],
        key=f"{KEY}-source",
    )
    if st.session_state.get(f"{KEY}-scope") != (source,):  # a tuple: None is an article choice
        st.session_state[f"{KEY}-scope"] = (source,)
        st.session_state[f"{KEY}-page"] = 0
    page = st.session_state[f"{KEY}-page"]
    rows = or_stop(data.study_mismatches, source, page, page_size)
    if not rows and page == 0:
        st.success("No cited claim here has a study that does not match it.", icon="🎉")
        return
    _table(rows, titles)
    _pager(page, len(rows) >= page_size)
    by_id = {r.claim_id: r for r in rows}
    if not by_id:
        return
    pick = st.selectbox(
        "Work on a claim",
        list(by_id),
        format_func=lambda i: f"{by_id[i].mismatch_count} mismatch(es) — {short(by_id[i].text, 100)}",
        key=f"{KEY}-pick",
    )
    _one(by_id[pick])
