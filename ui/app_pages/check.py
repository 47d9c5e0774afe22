"""Check an article — the clinician's first screen: paste, link or upload; see the report card."""

from __future__ import annotations

import streamlit as st

from ui.components import data, nav
from ui.components.checking import check
from ui.components.claim_summary import summarize
from ui.components.feedback import attempt
from ui.components.safe import md
from ui.components.titles import display_title
from ui.components.widgets import summary_block
from ui.workflows import ItemReport

UPLOAD_TYPES = ["html", "htm", "txt", "md", "pdf"]

st.title("Check an article")
st.markdown(
    "Paste a clinic's page, give its address, or upload files. Every checkable health claim is "
    "found, linked to what it cites (or shown to cite nothing) and graded, with the reasons."
)
# Keyed tabs keep their place when a message appears above them (unkeyed ones go back to the first).
paste, address, upload = st.tabs(
    ["Paste text", "Web address", "Upload files"], key="check-tabs", on_change="rerun"
)
checked: list[ItemReport | None] = []
with paste, st.form("check-text"):
    text = st.text_area(
        "Article text", height=220, key="check-text-body", placeholder="Paste the article here"
    )
    if st.form_submit_button("Check text", key="check-text-submit", type="primary"):
        if text.strip():
            checked.append(check("pasted text", text=text))
        else:
            st.warning("Paste some text first.")
with address, st.form("check-url"):
    url = st.text_input("Page address", key="check-url-value", placeholder="https://clinic.example/ketamine")
    if st.form_submit_button("Check page", key="check-url-submit", type="primary"):
        if url.strip():
            checked.append(check(url.strip(), url=url.strip()))
        else:
            st.warning("Type the page's address first.")
with upload, st.form("check-files", clear_on_submit=True):
    files = st.file_uploader(
        "Articles (.html, .txt, .md, .pdf)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="check-files-value",
    )
    if st.form_submit_button("Check files", key="check-files-submit", type="primary"):
        for f in files or []:
            checked.append(check(f.name, data=f.getvalue(), filename=f.name))
        if not files:
            st.warning("Choose at least one file first.")

if done := [c for c in checked if c is not None]:
    st.session_state["checked"] = done

for item in st.session_state.get("checked", []):
    st.divider()
    view = attempt(data.get_source, item.source_id)
    if view is None:
        continue
    st.subheader(f"Report card: {md(display_title(view.source))}")
    if not item.created:
        st.info("This exact version was already in the graph; here is its stored report.", icon="ℹ️")
    if item.warning:
        st.warning(md(item.warning))
    summary_block(summarize(view.claims), key=f"card-{item.source_id}", chart=True)
    if not view.claims:
        st.warning(
            "No checkable health claim was found in this article. That is not a clean bill of health: "
            "nothing it says was recognised as a claim, so nothing is graded. Read it yourself.",
            icon="🔍",
        )
    if st.button("Open the article with its claims highlighted", key=f"card-article-{item.source_id}"):
        nav.open_article(item.source_id)
