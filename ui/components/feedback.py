"""Errors and empty states as messages, never tracebacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

import streamlit as st

from kb.errors import EngineError, KBError, NotFound, StoreError
from ui.components import data

P = ParamSpec("P")
T = TypeVar("T")

NO_ARTICLES = (
    "No articles yet — paste one on **Check an article**, or run `kb ingest examples/` in a terminal."
)


def show_error(error: KBError) -> None:
    """One readable message; a lost connection is forgotten so the next rerun reconnects."""
    unreachable = isinstance(error, EngineError) or (
        isinstance(error, StoreError) and not isinstance(error, NotFound) and "cannot reach" in str(error)
    )
    if unreachable:
        data.reconnect()
        st.error(f"The knowledge graph is not reachable: {error}", icon="🔌")
    else:
        st.error(str(error), icon="⚠️")


def attempt(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """Call `fn`; on a knowledge-base error show it and return None."""
    try:
        return fn(*args, **kwargs)
    except KBError as e:
        show_error(e)
        return None


def or_stop(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call `fn`; on a knowledge-base error show it and stop this page's run."""
    try:
        return fn(*args, **kwargs)
    except KBError as e:
        show_error(e)
        stop()


def stop() -> NoReturn:
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this tells the type checker so
