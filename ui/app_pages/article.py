"""Article view: the text with every claim highlighted in place, a summary, and one claim in full."""

from __future__ import annotations

import streamlit as st

from ui.components import data, nav
from ui.components.claim_summary import STATUS_LABELS, summarize
from ui.components.feedback import NO_ARTICLES, or_stop
from ui.components.highlight import highlight_html, legend_html, numbered
from ui.components.safe import http_url, md, md_link, short
from ui.components.titles import display_title
from ui.components.widgets import (
    atoms_and_cues,
    badge_row,
    citations_block,
    grade_block,
    html,
    quote,
    summary_block,
)

st.title("Article view")
sources = or_stop(data.list_sources, 0, 200)
if not sources:
    st.info(NO_ARTICLES, icon="📄")
    st.stop()

current = nav.current("source")
ids = [s.id for s in sources]
if current and current not in ids:
    ids.insert(0, current)  # an older version, or one past the first 200
titles = {s.id: display_title(s) for s in sources}
choice = st.selectbox(
    "Article",
    ids,
    index=ids.index(current) if current in ids else 0,
    format_func=lambda sid: short(titles.get(sid, sid), 100),
    key="article-source",
)
nav.remember("source", choice)
view = or_stop(data.get_source, choice)
source = view.source

meta = [md(source.site or ""), md(source.published or ""), f"ingested {md(source.ingested_at or '?')}"]
link = http_url(source.locator)
if link:
    meta.append(md_link("original page", link))
st.caption(" · ".join(m for m in meta if m))
if source.is_latest is False:
    st.warning("This is an older version of the article; a newer one is in the graph.", icon="🕘")

summary_block(summarize(view.claims), key="article", fold_weakest=True)
if not view.claims:
    st.info("No checkable health claims were found in this article.", icon="🔍")

text_col, claim_col = st.columns([3, 2], gap="large")
items = numbered(view.claims)
picked: str | None = None
with claim_col:
    st.subheader("Claim")
    if items:
        by_id = {c.id: (n, c) for n, c in items}
        wanted = nav.current("claim")
        picked = st.selectbox(
            "Pick a claim (numbers match the text)",
            list(by_id),
            index=list(by_id).index(wanted) if wanted in by_id else 0,
            format_func=lambda cid: (
                f"#{by_id[cid][0]} · {by_id[cid][1].grade.value} · "
                f"{STATUS_LABELS[by_id[cid][1].citation_status]}"
                f"{' · ≠ study does not match' if by_id[cid][1].study_mismatch else ''}"
                f" — {short(by_id[cid][1].text, 70)}"
            ),
            key="article-claim",
        )
        nav.remember("claim", picked)
        detail = or_stop(data.get_claim, picked)
        quote(detail.claim.text)
        badge_row(detail.claim)
        grade_block(detail.claim)
        st.markdown("**Atoms and cues**")
        atoms_and_cues(detail.claim)
        st.markdown("**Citations**")
        citations_block(detail)
        if st.button("Open claim detail", key="article-open-claim", help="Context, other sources, flags"):
            nav.open_claim(picked)
with text_col:
    st.subheader("Text")
    html(legend_html())
    html(highlight_html(source.text, view.claims, selected=picked))
