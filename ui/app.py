"""evidence-kb, the app: `kb ui` runs it (`streamlit run ui/app.py`).

This file only assembles the pages (ui/app_pages/) and the sidebar; pages hold UI only and get
their data through ui/components/data.py, which is the app's one door to `kb`.
"""

from __future__ import annotations

import streamlit as st

from ui.components import data, editor, nav
from ui.components.feedback import attempt

st.set_page_config(page_title="evidence-kb", page_icon="🔬", layout="wide")

pages = {
    "Clinicians": [
        st.Page(nav.CHECK, title="Check an article", icon=":material/fact_check:", default=True),
        st.Page(nav.ARTICLE, title="Article view", icon=":material/article:", url_path="article"),
    ],
    "Researchers": [
        st.Page(nav.CLAIMS, title="Claims explorer", icon=":material/table_rows:", url_path="claims"),
        st.Page(nav.CLAIM, title="Claim detail", icon=":material/format_quote:", url_path="claim"),
        st.Page(nav.GRAPH, title="Graph explorer", icon=":material/hub:", url_path="graph"),
    ],
    "Editors": [
        st.Page(nav.QUEUE, title="Editor queue", icon=":material/flag:", url_path="queue"),
    ],
    "Knowledge base": [
        st.Page(nav.OVERVIEW, title="Overview", icon=":material/monitoring:", url_path="overview"),
    ],
}
page = st.navigation(pages)

with st.sidebar:
    editor.name_field()

where = attempt(data.where)
if where is None:
    st.stop()  # the error says what to do; no page can work without the graph
st.sidebar.caption(f"Graph: {where}")

if message := st.session_state.pop("flash", None):
    st.success(message, icon="✅")

page.run()
