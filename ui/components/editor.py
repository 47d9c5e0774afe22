"""The editor's name: typed once, remembered by this browser (a cookie), recorded with every flag
and every stance.

Why a cookie: the name belongs to the person at this browser, not to the machine (the app may be
shared on a network) nor to one link (a bare address would lose a `?editor=` parameter). The
server reads it natively (`st.context.cookies`) when a session starts; a few lines of
JavaScript through Streamlit's own `st.components.v2` write it back when the name changes. The
name goes to the script as data, never as code.
"""

from __future__ import annotations

from urllib.parse import unquote

import streamlit as st

COOKIE = "kb_editor"
MAX_CHARS = 80
KEY = "editor_name"
_SAVED = "editor_name_saved"

_REMEMBER_JS = f"""
export default function ({{ data }}) {{
  if (typeof data !== "string") return;
  const year = 60 * 60 * 24 * 365;
  document.cookie = "{COOKIE}=" + encodeURIComponent(data) + "; path=/; max-age=" + year + "; SameSite=Strict";
}}
"""
_remember = st.components.v2.component("evidence_kb_editor_name", js=_REMEMBER_JS)


def remembered() -> str:
    """The name this browser remembers ('' when none)."""
    value = st.context.cookies.get(COOKIE)
    return unquote(value).strip()[:MAX_CHARS] if isinstance(value, str) else ""


def name_field() -> None:
    """The sidebar's "Your name", filled in from this browser's cookie and saved back to it."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.session_state[_SAVED] = remembered()
    st.text_input(
        "Your name",
        key=KEY,
        max_chars=MAX_CHARS,
        placeholder="editor",
        help="Recorded with every flag you create, resolve or dismiss and every stance you record; this browser remembers it.",
    )
    name = (st.session_state.get(KEY) or "").strip()
    if name != st.session_state.get(_SAVED):
        _remember(data=name, key="editor-name-cookie", height=0)
        st.session_state[_SAVED] = name
