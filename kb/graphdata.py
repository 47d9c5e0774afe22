"""Convert driver values (nodes, relationships, paths, temporal types) into plain data.

Neo4j returns `neo4j.graph.Node`/`Relationship`/`Path` objects; the embedded engine returns
paths as plain lists of property maps. Both end up as JSON-able values and, when a result holds
graph elements, as a `Subgraph` the app can draw.
"""

from __future__ import annotations

from typing import Any

from neo4j.graph import Node, Path, Relationship

from kb.views import GraphEdge, GraphNode, Subgraph, caption


def _node_id(node: Node) -> str:
    return str(node.get("id") or node.element_id)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Node):
        return {"id": _node_id(value), "labels": sorted(value.labels), **dict(value)}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": _node_id(value.start_node) if value.start_node else None,
            "end": _node_id(value.end_node) if value.end_node else None,
            **dict(value),
        }
    if isinstance(value, Path):
        return {
            "nodes": [to_jsonable(n) for n in value.nodes],
            "relationships": [to_jsonable(r) for r in value.relationships],
        }
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def to_subgraph(records: list[list[Any]]) -> Subgraph | None:
    """The nodes and relationships in a result, or None when it holds none."""
    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []

    def add_node(node: Node) -> None:
        nid = _node_id(node)
        props = dict(node)
        nodes.setdefault(
            nid,
            GraphNode(id=nid, labels=sorted(node.labels), caption=caption(props, nid)[:80], properties=props),
        )

    def visit(value: Any) -> None:
        if isinstance(value, Node):
            add_node(value)
        elif isinstance(value, Relationship):
            if value.start_node is not None and value.end_node is not None:
                add_node(value.start_node)
                add_node(value.end_node)
                edges.append(
                    GraphEdge(start=_node_id(value.start_node), end=_node_id(value.end_node), type=value.type)
                )
        elif isinstance(value, Path):
            for rel in value.relationships:
                visit(rel)
            for node in value.nodes:
                add_node(node)
        elif isinstance(value, list | tuple):
            for v in value:
                visit(v)

    for row in records:
        visit(row)
    if not nodes:
        return None
    return Subgraph(nodes=list(nodes.values()), edges=edges)
