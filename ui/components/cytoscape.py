"""A `Subgraph` as Cytoscape.js elements and styles for the graph view (pure; no Streamlit).

The view itself is the `streamlit-cytoscape` component (see docs/dependencies.md): pan, zoom,
drag, a side panel with the clicked node's properties, expand and remove in place. This module
decides what it is given. Captions are drawn on a canvas, so they are text by construction;
the side panel builds text nodes, except that it turns `<a href="http…">` in a value into a link,
so `inert` breaks that one pattern in every value taken from the graph. Colours and shapes
come from `palette`: claims are squares coloured by grade.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from kb.models import Grade
from kb.views import GraphNode, Subgraph
from ui.components.palette import NODE, UNKNOWN, grade_swatch
from ui.components.safe import esc, short

KINDS = tuple(NODE)
PANEL_KEYS = (
    "kind",
    "grade",
    "citation_status",
    "overclaim",
    "design",
    "year",
    "status",
    "reason",
    "created_by",
    "effect",
    "site",
    "locator",
    "doi",
    "pmid",
)
_ANCHOR = re.compile(r"<(?=\s*a[\s>/])", re.IGNORECASE)
_JOINER = "\u2060"


def node_label(node: GraphNode) -> str:
    for label in node.labels:
        if label in NODE:
            return label
    return node.labels[0] if node.labels else "Node"


def node_colour(node: GraphNode) -> str:
    label = node_label(node)
    if label == "Claim":
        return grade_swatch(node.properties.get("grade")).strong
    return NODE.get(label, (UNKNOWN, "ellipse"))[0].strong


def inert(value: object, limit: int = 400) -> str:
    """A value for the side panel: shortened, and never read as a link."""
    return _ANCHOR.sub("<" + _JOINER, short(value, limit))


def degrees(graph: Subgraph) -> dict[str, int]:
    found = {n.id: 0 for n in graph.nodes}
    for e in graph.edges:
        for end in (e.start, e.end):
            if end in found:
                found[end] += 1
    return found


def elements(graph: Subgraph, *, focus: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges for the component. Hubs are drawn larger; the focus node has a ring."""
    degree = degrees(graph)
    nodes = []
    for n in graph.nodes:
        label = node_label(n)
        data: dict[str, Any] = {
            "id": n.id,
            "label": label,
            "_name": inert(n.caption, 24),
            "caption": inert(n.caption),
        }
        for key in PANEL_KEYS:
            value = n.properties.get(key)
            if value not in (None, "", []):
                data[key] = inert(value, 200)
        data["_colour"] = node_colour(n)
        data["_size"] = 16 + min(degree.get(n.id, 0), 24)
        data["_ring"] = 3 if n.id == focus else 0.8
        nodes.append({"data": data, "style": NODE_BYPASS})
    known = {n.id for n in graph.nodes}
    edges = [
        {
            "data": {
                "id": f"{e.start}|{e.type}|{e.end}",
                "source": e.start,
                "target": e.end,
                "label": e.type,
                **({"provenance": inert(e.provenance, 80)} if e.provenance else {}),
            }
        }
        for e in graph.edges
        if e.start in known and e.end in known
    ]
    for edge in edges:
        edge["style"] = EDGE_BYPASS
    return {"nodes": nodes, "edges": edges}


# Per-element overrides of the component's selection look, which paints labels white on red:
# red means "none" in this app, so a selected node keeps a thin outline and bold dark labels.
NODE_BYPASS: dict[str, Any] = {"text-background-opacity": 0, "color": "#212529"}
EDGE_BYPASS: dict[str, Any] = {"text-background-color": "#f8f9fa", "color": "#495057"}


def node_style(label: str) -> dict[str, Any]:
    """Cytoscape styles for one kind of node (the component selects them by `label`)."""
    shape = NODE.get(label, (UNKNOWN, "ellipse"))[1]
    return {
        "shape": shape,
        "background-color": "data(_colour)",
        "width": "data(_size)",
        "height": "data(_size)",
        "border-width": "data(_ring)",
        "border-color": "#212529",
        "font-size": 6,
        "text-wrap": "wrap",
        "text-max-width": 64,
        "min-zoomed-font-size": 6,
    }


EDGE_STYLE: dict[str, Any] = {
    "width": 1.2,
    "line-color": "#adb5bd",
    "target-arrow-color": "#adb5bd",
    "font-size": 3.5,
    "color": "#495057",
    "text-background-color": "#f8f9fa",
    "min-zoomed-font-size": 9,
}


def merge(a: Subgraph, b: Subgraph) -> Subgraph:
    nodes = {n.id: n for n in a.nodes}
    for n in b.nodes:
        nodes.setdefault(n.id, n)
    edges = {(e.start, e.type, e.end): e for e in a.edges}
    for e in b.edges:
        edges.setdefault((e.start, e.type, e.end), e)
    return Subgraph(
        nodes=list(nodes.values()), edges=list(edges.values()), truncated=a.truncated or b.truncated
    )


def keep_labels(graph: Subgraph, labels: set[str]) -> Subgraph:
    nodes = [n for n in graph.nodes if node_label(n) in labels]
    ids = {n.id for n in nodes}
    edges = [e for e in graph.edges if e.start in ids and e.end in ids]
    return Subgraph(nodes=nodes, edges=edges, truncated=graph.truncated)


def without(graph: Subgraph, ids: Iterable[str]) -> Subgraph:
    gone = set(ids)
    nodes = [n for n in graph.nodes if n.id not in gone]
    edges = [e for e in graph.edges if e.start not in gone and e.end not in gone]
    return Subgraph(nodes=nodes, edges=edges, truncated=graph.truncated)


_SHAPES = {
    "ellipse": "border-radius: 50%;",
    "round-rectangle": "border-radius: 3px;",
    "hexagon": "clip-path: polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%);",
    "diamond": "clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%);",
    "barrel": "border-radius: 35% / 20%;",
    "round-triangle": "clip-path: polygon(50% 0, 100% 100%, 0 100%);",
    "tag": "clip-path: polygon(0 0, 70% 0, 100% 50%, 70% 100%, 0 100%);",
}


def legend_html() -> str:
    """The view's key: a swatch in each kind's shape, then the claims' colours."""

    def item(label: str, colour: str, shape: str) -> str:
        return (
            '<span style="white-space: nowrap; margin-right: 0.9rem;">'
            f'<span style="display: inline-block; width: 11px; height: 11px; margin-right: 4px; '
            f'vertical-align: -1px; background: {colour}; {_SHAPES.get(shape, "")}"></span>{esc(label)}</span>'
        )

    kinds = "".join(item(k, s.strong, shape) for k, (s, shape) in NODE.items() if k != "Claim")
    grades = "".join(item(g.value, grade_swatch(g).strong, "round-rectangle") for g in Grade)
    return (
        '<div class="kb-legend" style="font-size: 0.8rem; line-height: 1.9;">'
        f"{kinds}<br><b>Claims</b> (squares) by grade: {grades}</div>"
    )
