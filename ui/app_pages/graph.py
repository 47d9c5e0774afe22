"""Graph explorer, for researchers: a network around an entity or id that you pan, zoom, drag,
click and expand in place, then export; and the read-only Cypher console, whose nodes and paths
open in the same view."""

from __future__ import annotations

from typing import Any

import streamlit as st

from kb import ids
from kb.views import Subgraph
from ui.components import data, downloads, nav
from ui.components.console_cells import examples, table
from ui.components.cytoscape import KINDS, keep_labels, merge, node_label, without
from ui.components.feedback import NO_ARTICLES, attempt, or_stop
from ui.components.safe import short
from ui.components.widgets import graph_view

VIEW, FOCUS, OPEN = "graph-view", "graph-focus", "graph-open"
EXPLORE, CONSOLE = "Explore", "Cypher console"


def _show(sub: Subgraph, focus: str | None, *, grown: bool = False) -> None:
    """Make `sub` the view; `grown` when it is the old view with more nodes (keep their places)."""
    st.session_state[VIEW], st.session_state[FOCUS] = sub, focus
    st.session_state["graph-grown"] = grown


def _expand(node_id: str) -> None:
    view: Subgraph | None = st.session_state.get(VIEW)
    more = attempt(data.neighbourhood, node_id, 1, int(st.session_state.get("graph-limit", 50)))
    if view is not None and more is not None:
        _show(merge(view, more), node_id, grown=True)


def _on_graph_event(event: dict[str, Any]) -> None:
    """Expand, remove and open, as the graph view reports them (runs before the page does)."""
    action, found = event.get("action"), event.get("data") or {}
    view: Subgraph | None = st.session_state.get(VIEW)
    if action == "expand" and found.get("node_ids"):
        _expand(str(found["node_ids"][0]))
    elif action == "remove" and view is not None:
        st.session_state[VIEW] = without(view, [str(i) for i in found.get("node_ids") or []])
        st.session_state["graph-grown"] = True
    elif action == "open" and found.get("element_group") == "nodes":
        st.session_state[OPEN] = str(found.get("element_id"))


def _open(node_id: str) -> None:
    """A claim opens its detail page, an article its view; anything else becomes the focus."""
    label = ids.label_of(node_id)
    if label == "Claim":
        nav.open_claim(node_id)
    elif label == "Source":
        nav.open_article(node_id)
    else:
        sub = attempt(data.neighbourhood, node_id, 1, int(st.session_state.get("graph-limit", 50)))
        if sub is not None:
            _show(sub, node_id)


st.title("Graph explorer")
if target := st.session_state.pop(OPEN, None):
    _open(target)
# Keyed tabs stay where the user is when a message appears above them; "Explore this graph"
# sets the key to move to the Explore tab on purpose.
explore, console = st.tabs([EXPLORE, CONSOLE], key="graph-tabs", on_change="rerun")

with explore:
    entities = or_stop(data.entities, None, 500)
    start_cols = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    names = {e.id: f"{e.name} ({e.kind.value})" for e in entities}
    entity = start_cols[0].selectbox(
        "Start from an entity",
        [None, *names],
        format_func=lambda i: "—" if i is None else names[i],
        key="graph-entity",
    )
    typed = start_cols[1].text_input("…or any id", key="graph-id", placeholder="clm_…, src_…, wrk_…")
    hops = start_cols[2].number_input("Hops", 1, 3, 1, key="graph-hops")
    limit = start_cols[3].number_input("Max nodes", 10, 500, 50, step=10, key="graph-limit")
    start = typed.strip() or entity
    requested = st.query_params.get("node")  # ?node=<id>: a link from another page
    if requested and st.session_state.get("graph-requested") != requested:
        st.session_state["graph-requested"] = requested
        sub = attempt(data.neighbourhood, requested, int(hops), int(limit))
        if sub is not None:
            _show(sub, requested)
    if st.button("Show network", key="graph-show", type="primary", disabled=not start) and start:
        sub = attempt(data.neighbourhood, start, int(hops), int(limit))
        if sub is not None:
            _show(sub, start)
    view: Subgraph | None = st.session_state.get(VIEW)
    if view is None:
        st.info(
            "Pick an entity (or paste an id) and press **Show network**." if entities else NO_ARTICLES,
            icon="🕸️",
        )
    else:
        present = sorted(
            {node_label(n) for n in view.nodes}, key=lambda x: KINDS.index(x) if x in KINDS else 99
        )
        hidden = st.pills("Hide node types", present, selection_mode="multi", key="graph-hidden", default=[])
        current = keep_labels(view, set(present) - set(hidden or []))
        st.caption(
            f"{len(current.nodes)} nodes, {len(current.edges)} relationships. Drag to move, scroll to zoom; "
            "click a node for its properties, double-click it to add its neighbours, Delete removes it."
        )
        graph_view(
            current,
            key="graph-canvas",
            focus=st.session_state.get(FOCUS),
            height=600,
            on_event=_on_graph_event,
            expand=True,
            keep_places=bool(st.session_state.get("graph-grown")),
        )
        captions = {n.id: f"{node_label(n)}: {short(n.caption, 70)}" for n in current.nodes}
        act = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
        node = act[0].selectbox("Node", list(captions), format_func=lambda i: captions[i], key="graph-node")
        if act[1].button("Expand", key="graph-expand", help="Add this node's neighbours to the view"):
            _expand(node)
            st.rerun()
        if act[2].button("Open", key="graph-open-node", help="A claim's detail, an article's view"):
            _open(node)
            st.rerun()
        if act[3].button("Clear", key="graph-clear"):
            del st.session_state[VIEW]
            st.rerun()
        st.markdown("**Export this view**")
        dl = st.columns(4)
        dl[0].download_button(
            "Nodes CSV", downloads.nodes_csv(current), "kb-nodes.csv", "text/csv", key="graph-dl-nodes"
        )
        dl[1].download_button(
            "Edges CSV", downloads.edges_csv(current), "kb-edges.csv", "text/csv", key="graph-dl-edges"
        )
        dl[2].download_button(
            "JSON", downloads.graph_json(current), "kb-graph.json", "application/json", key="graph-dl-json"
        )
        dl[3].download_button(
            "GraphML",
            downloads.graphml(current),
            "kb-graph.graphml",
            "application/graphml+xml",
            key="graph-dl-graphml",
        )

# Why a console result stopped early, in the user's words (kb.views.ConsoleResult.cut).
_CUT_LABELS = {
    "rows": " (cut at the row limit, KB_CONSOLE_ROW_LIMIT)",
    "size": " (cut at the size limit, KB_CONSOLE_MAX_BYTES: return fewer or narrower columns)",
}

with console:
    st.caption(
        "Read-only Cypher: queries that could write are refused, everything runs in a transaction that is "
        "rolled back, and results are cut at the configured row, size and time limits."
    )
    samples = examples()

    def _use_example() -> None:
        if (name := st.session_state.get("console-example")) in samples:
            st.session_state["console-query"] = samples[name]

    def _explore_result() -> None:
        result = st.session_state.get("console-result")
        if result is not None and result.graph is not None:
            _show(result.graph, None)
            st.session_state["graph-tabs"] = EXPLORE  # go there, on purpose

    st.selectbox(
        "Examples",
        list(samples),
        index=None,
        placeholder="Start from an example…",
        key="console-example",
        on_change=_use_example,
    )
    query = st.text_area(
        "Query",
        key="console-query",
        height=140,
        placeholder="A read-only Cypher query, or pick an example above",
    )
    if st.button("Run query", key="console-run", type="primary"):
        st.session_state.pop("console-result", None)
        result = attempt(data.run_console, query)
        if result is not None:
            st.session_state["console-result"] = result
    result = st.session_state.get("console-result")
    if result is not None:
        more = _CUT_LABELS.get(result.cut, " (cut)") if result.truncated else ""
        st.caption(f"{len(result.rows)} rows{more} in {result.elapsed_ms:.0f} ms")
        if result.rows:
            st.dataframe(table(result), hide_index=True, width="stretch")
        else:
            st.info("The query returned no rows.")
        if result.graph is not None and result.graph.nodes:
            st.markdown("**As a graph**")
            graph_view(result.graph, key="console-graph", height=460, on_event=_on_graph_event)
            st.button(
                "Explore this graph",
                key="console-to-explorer",
                help="Open these nodes in the Explore tab, to expand and export them",
                on_click=_explore_result,
            )
