"""Graph explorer, for researchers: a network around an entity or id, expanded step by step and
exported; and the read-only Cypher console."""

from __future__ import annotations

import streamlit as st

from kb.views import Subgraph
from ui.components import data, export, nav
from ui.components.console import examples, table
from ui.components.feedback import NO_ARTICLES, attempt, or_stop
from ui.components.graph import LABEL_COLOURS, keep_labels, merge, node_label
from ui.components.safe import short
from ui.components.widgets import graph_block

st.title("Graph explorer")
explore, console = st.tabs(["Explore", "Cypher console"])

with explore:
    entities = or_stop(data.entities, None, 500)
    start_cols = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    names = {e["id"]: f"{e['name']} ({e['kind']})" for e in entities}
    entity = start_cols[0].selectbox(
        "Start from an entity",
        [None, *names],
        format_func=lambda i: "—" if i is None else names[i],
        key="graph-entity",
    )
    typed = start_cols[1].text_input("…or any id", key="graph-id", placeholder="clm_…, src_…, wrk_…")
    hops = start_cols[2].number_input("Hops", 1, 3, 2, key="graph-hops")
    limit = start_cols[3].number_input("Max nodes", 10, 500, 150, step=10, key="graph-limit")
    start = typed.strip() or entity
    requested = st.query_params.get("node")  # ?node=<id>: a link from another page
    if requested and st.session_state.get("graph-requested") != requested:
        st.session_state["graph-requested"] = requested
        sub = attempt(data.neighbourhood, requested, int(hops), int(limit))
        if sub is not None:
            st.session_state["graph-view"], st.session_state["graph-focus"] = sub, requested
    if st.button("Show network", key="graph-show", type="primary", disabled=not start):
        sub = attempt(data.neighbourhood, start, int(hops), int(limit))
        if sub is not None:
            st.session_state["graph-view"], st.session_state["graph-focus"] = sub, start
    view: Subgraph | None = st.session_state.get("graph-view")
    if view is None:
        st.info(
            "Pick an entity (or paste an id) and press **Show network**." if entities else NO_ARTICLES,
            icon="🕸️",
        )
    else:
        present = sorted(
            {node_label(n) for n in view.nodes},
            key=lambda x: list(LABEL_COLOURS).index(x) if x in LABEL_COLOURS else 99,
        )
        hidden = st.multiselect("Hide node types", present, key="graph-hidden", placeholder="Show every kind")
        current = keep_labels(view, set(present) - set(hidden))
        st.caption(
            f"{len(current.nodes)} nodes, {len(current.edges)} relationships. Hover a node for its details."
        )
        graph_block(current, focus=st.session_state.get("graph-focus"))
        captions = {n.id: f"{node_label(n)}: {short(n.caption, 70)}" for n in current.nodes}
        act = st.columns([4, 1, 1, 1], vertical_alignment="bottom")
        node = act[0].selectbox("Node", list(captions), format_func=lambda i: captions[i], key="graph-node")
        if act[1].button(
            "Expand", key="graph-expand", help="Add this node's neighbours to the view", disabled=not node
        ):
            more = attempt(data.neighbourhood, node, 1, int(limit))
            if more is not None:
                st.session_state["graph-view"] = merge(view, more)
                st.session_state["graph-focus"] = node
                st.rerun()
        if act[2].button("Open claim", key="graph-open", disabled=not (node or "").startswith("clm_")):
            nav.open_claim(node)
        if act[3].button("Clear", key="graph-clear"):
            del st.session_state["graph-view"]
            st.rerun()
        st.markdown("**Export this view**")
        dl = st.columns(4)
        dl[0].download_button(
            "Nodes CSV", export.nodes_csv(current), "kb-nodes.csv", "text/csv", key="graph-dl-nodes"
        )
        dl[1].download_button(
            "Edges CSV", export.edges_csv(current), "kb-edges.csv", "text/csv", key="graph-dl-edges"
        )
        dl[2].download_button(
            "JSON", export.graph_json(current), "kb-graph.json", "application/json", key="graph-dl-json"
        )
        dl[3].download_button(
            "GraphML",
            export.graphml(current),
            "kb-graph.graphml",
            "application/graphml+xml",
            key="graph-dl-graphml",
        )

with console:
    st.caption(
        "Read-only Cypher: queries that could write are refused, everything runs in a transaction that is "
        "rolled back, and results are cut at the configured row limit and timeout."
    )
    samples = examples()

    def _use_example() -> None:
        if (name := st.session_state.get("console-example")) in samples:
            st.session_state["console-query"] = samples[name]

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
        more = " (cut at the row limit)" if result.truncated else ""
        st.caption(f"{len(result.rows)} rows{more} in {result.elapsed_ms:.0f} ms")
        if result.rows:
            st.dataframe(table(result), hide_index=True, width="stretch")
        else:
            st.info("The query returned no rows.")
        if result.graph is not None and result.graph.nodes:
            st.markdown("**As a graph**")
            graph_block(result.graph)
            if st.button(
                "Explore this graph", key="console-to-explorer", help="Make it the Explore tab's view"
            ):
                st.session_state["graph-view"], st.session_state["graph-focus"] = result.graph, None
                st.session_state["flash"] = (
                    f"The Explore tab now shows the {len(result.graph.nodes)} nodes of your query."
                )
                st.rerun()
