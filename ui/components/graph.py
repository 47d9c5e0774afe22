"""Draw a `Subgraph` as a self-contained SVG (pure; no Streamlit, no scripts, no network).

Layout is Fruchterman–Reingold force-directed placement, seeded from the node ids so the same
view is drawn the same way each time. Every caption and tooltip is escaped. Node colour says
the label; claims are squares coloured by grade when graded, else by citation status.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

from kb.views import GraphNode, Subgraph
from ui.components.safe import esc, short

LABEL_COLOURS = {
    "Source": "#4263eb",
    "Claim": "#868e96",
    "Proposition": "#7048e8",
    "Entity": "#f08c00",
    "Work": "#0ca678",
    "Assessment": "#495057",
    "Flag": "#d6336c",
    "FlagEvent": "#adb5bd",
}
CLAIM_GRADE_COLOURS = {
    "high": "#2f9e44",
    "moderate": "#74b816",
    "low": "#fab005",
    "very low": "#fd7e14",
    "none": "#e03131",
}
CLAIM_STATUS_COLOURS = {"cited": "#1098ad", "vague": "#f59f00", "missing": "#c92a2a"}


def node_label(node: GraphNode) -> str:
    for label in node.labels:
        if label in LABEL_COLOURS:
            return label
    return node.labels[0] if node.labels else "Node"


def node_colour(node: GraphNode) -> str:
    label = node_label(node)
    if label == "Claim":
        grade = node.properties.get("grade")
        if grade in CLAIM_GRADE_COLOURS:
            return CLAIM_GRADE_COLOURS[grade]
        return CLAIM_STATUS_COLOURS.get(str(node.properties.get("citation_status")), LABEL_COLOURS["Claim"])
    return LABEL_COLOURS.get(label, "#ced4da")


def layout(
    graph: Subgraph, width: float = 900, height: float = 560, iterations: int = 150
) -> dict[str, tuple[float, float]]:
    ids = [n.id for n in graph.nodes]
    n = len(ids)
    if n == 0:
        return {}
    left, right, top, bottom = 30.0, 170.0, 30.0, 30.0  # room on the right for node captions
    if n == 1:
        return {ids[0]: (width / 3, height / 2)}
    index = {nid: i for i, nid in enumerate(ids)}
    pairs = np.array(
        [(index[e.start], index[e.end]) for e in graph.edges if e.start in index and e.end in index],
        dtype=int,
    ).reshape(-1, 2)
    rng = np.random.default_rng(zlib.crc32("\n".join(sorted(ids)).encode()))
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    step = 0.1
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        disp = (delta * (k * k / dist**2)[..., None]).sum(axis=1)
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            dd = np.maximum(np.linalg.norm(d, axis=-1), 1e-3)
            pull = d * (dd / k)[:, None]
            np.add.at(disp, pairs[:, 0], -pull)
            np.add.at(disp, pairs[:, 1], pull)
        length = np.maximum(np.linalg.norm(disp, axis=-1), 1e-6)
        pos += disp / length[:, None] * np.minimum(length, step)[:, None]
        step = max(step * 0.97, 0.002)
    low, high = pos.min(axis=0), pos.max(axis=0)
    span = np.where(high - low < 1e-9, 1.0, high - low)
    scaled = (pos - low) / span
    xs = left + scaled[:, 0] * (width - left - right)
    ys = top + scaled[:, 1] * (height - top - bottom)
    return {nid: (float(xs[i]), float(ys[i])) for i, nid in enumerate(ids)}


def _tooltip(node: GraphNode) -> str:
    props = node.properties
    lines = [f"{node_label(node)}: {node.caption}", f"id: {node.id}"]
    for key in ("grade", "citation_status", "kind", "design", "year", "status", "effect", "reason"):
        if props.get(key) not in (None, "", []):
            lines.append(f"{key}: {props[key]}")
    return "\n".join(lines)


def to_svg(
    graph: Subgraph, *, focus: str | None = None, width: int = 900, height: int = 560, labels: bool = True
) -> str:
    pos = layout(graph, width, height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" height="100%" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="graph of {len(graph.nodes)} nodes" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" style="background: #fcfcfd;">',
        '<defs><marker id="kb-arrow" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#adb5bd"/>'
        "</marker></defs>",
    ]
    show_edge_labels = labels and len(graph.edges) <= 30
    for e in graph.edges:
        if e.start not in pos or e.end not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.start], pos[e.end]
        tip = e.type + (f" ({e.provenance})" if e.provenance else "")
        out.append(
            f'<g><title>{esc(tip)}</title><line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#adb5bd" stroke-width="1.2" marker-end="url(#kb-arrow)"/>'
        )
        if show_edge_labels:
            out.append(
                f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" font-size="8" fill="#868e96" '
                f'text-anchor="middle">{esc(e.type)}</text>'
            )
        out.append("</g>")
    show_labels = labels and len(graph.nodes) <= 80
    for node in graph.nodes:
        x, y = pos[node.id]
        fill = node_colour(node)
        stroke = (
            'stroke="#212529" stroke-width="3"' if node.id == focus else 'stroke="#fff" stroke-width="1.5"'
        )
        if node_label(node) == "Claim":
            shape = f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" rx="3" fill="{fill}" {stroke}/>'
        else:
            shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill}" {stroke}/>'
        text = ""
        if show_labels or node.id == focus:
            text = (
                f'<text x="{x + 12:.1f}" y="{y + 4:.1f}" font-size="10" fill="#212529">'
                f"{esc(short(node.caption, 28))}</text>"
            )
        out.append(f'<g data-id="{esc(node.id)}"><title>{esc(_tooltip(node))}</title>{shape}{text}</g>')
    out.append("</svg>")
    return "".join(out)


def legend_html() -> str:
    def dot(label: str, colour: str, square: bool = False) -> str:
        radius = "3px" if square else "50%"
        return (
            f'<span style="display: inline-block; width: 10px; height: 10px; border-radius: {radius}; '
            f'background: {colour}; margin: 0 4px 0 10px;"></span>{esc(label)}'
        )

    kinds = "".join(dot(label, c) for label, c in LABEL_COLOURS.items() if label != "Claim")
    grades = "".join(dot(g, c, square=True) for g, c in CLAIM_GRADE_COLOURS.items())
    statuses = "".join(dot(s, c, square=True) for s, c in CLAIM_STATUS_COLOURS.items())
    return (
        f'<div style="font-size: 0.8rem; line-height: 1.8;">{kinds}<br>'
        f"Claims (squares) by grade: {grades}<br>not graded, by citation: {statuses}</div>"
    )


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
