"""The researcher's console helpers (pure): example queries and result cells for display.

The examples are text the user starts from (console_examples.txt), not statements the app runs
on its own: every query still goes through `GraphStore.run_console`, which refuses writes.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from kb.views import ConsoleResult
from kb.views import caption as node_caption


@cache
def examples() -> dict[str, str]:
    """Title -> query, in file order."""
    text = resources.files("ui.components").joinpath("console_examples.txt").read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        if len(lines) < 2 or not lines[0].startswith("//"):
            continue
        body = [line for line in lines[1:] if not line.startswith("//")]
        if body:
            found[lines[0].removeprefix("//").strip()] = "\n".join(body)
    return found


def _node(value: dict[str, Any]) -> str:
    labels = ":".join(value.get("labels") or [])
    caption = " ".join(node_caption(value, "").split())
    return f"({labels} {caption[:60]}{'…' if len(caption) > 60 else ''} · {value.get('id')})"


def display(value: Any) -> Any:
    """A cell as the table shows it: nodes as (Label caption · id), paths as node-[TYPE]->node,
    other maps and lists as compact JSON, scalars as they are."""
    if isinstance(value, dict) and "labels" in value and "id" in value:
        return _node(value)
    if isinstance(value, dict) and set(value) == {"nodes", "relationships"}:
        nodes = [_node(n) if isinstance(n, dict) else str(n) for n in value["nodes"]]
        types = [r.get("type", "?") if isinstance(r, dict) else "?" for r in value["relationships"]]
        out = nodes[:1]
        for rel, node in zip(types, nodes[1:], strict=False):
            out.append(f"-[{rel}]-{node}")
        return "".join(out)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def table(result: ConsoleResult) -> list[dict[str, Any]]:
    return [{col: display(v) for col, v in zip(result.columns, row, strict=False)} for row in result.rows]
