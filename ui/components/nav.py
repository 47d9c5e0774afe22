"""The app's pages and how one page opens another with an id (kept in the URL, so links share)."""

from __future__ import annotations

import streamlit as st

CHECK = "app_pages/check.py"
ARTICLE = "app_pages/article.py"
CLAIMS = "app_pages/claims.py"
CLAIM = "app_pages/claim.py"
GRAPH = "app_pages/graph.py"
QUEUE = "app_pages/queue.py"
OVERVIEW = "app_pages/overview.py"


def current(param: str) -> str | None:
    """The id named in the URL (`?claim=...`), else the last one this session opened."""
    value = st.query_params.get(param)
    if value:
        st.session_state[f"current_{param}"] = value
    return st.session_state.get(f"current_{param}")


def remember(param: str, value: str) -> None:
    st.session_state[f"current_{param}"] = value
    if st.query_params.get(param) != value:
        st.query_params[param] = value


def open_article(source_id: str, claim_id: str | None = None) -> None:
    st.session_state["current_source"] = source_id
    params = {"source": source_id}
    if claim_id:
        st.session_state["current_claim"] = claim_id
        params["claim"] = claim_id
    st.switch_page(ARTICLE, query_params=params)


def open_claim(claim_id: str) -> None:
    st.session_state["current_claim"] = claim_id
    st.switch_page(CLAIM, query_params={"claim": claim_id})


def open_graph(node_id: str) -> None:
    st.switch_page(GRAPH, query_params={"node": node_id})


def editor_name() -> str:
    """Who is flagging: the name typed in the sidebar (set in app.py)."""
    return (st.session_state.get("editor_name") or "").strip() or "editor"
