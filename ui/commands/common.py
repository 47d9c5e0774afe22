"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from kb.settings import get_settings

if TYPE_CHECKING:  # the store (and the neo4j driver) load only for commands that use the graph
    from kb.store import GraphStore


def open_store() -> GraphStore:
    """Connect to the configured graph, starting the embedded engine when needed; warn when its
    schema holds a constraint or index kb did not make (an extra unique one makes ingest fail)."""
    from kb.store import GraphStore

    store = GraphStore.connect(get_settings())
    if extra := store.unknown_schema():
        click.echo(
            f"warning: the graph holds {', '.join(extra)}, which kb does not define; "
            "see `kb check` and docs/engine.md",
            err=True,
        )
    return store


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def table(rows: list[dict[str, Any]], columns: list[str], widths: dict[str, int] | None = None) -> None:
    """A plain fixed-width table: readable in a terminal, greppable, no extra dependency."""
    widths = widths or {}
    if not rows:
        return
    sizes = {
        c: min(widths.get(c, 60), max(len(c), *(len(str(r.get(c, "") or "")) for r in rows))) for c in columns
    }
    click.echo("  ".join(c.upper().ljust(sizes[c]) for c in columns))
    for r in rows:
        cells = []
        for c in columns:
            text = str(r.get(c, "") if r.get(c) is not None else "")
            text = text.replace("\n", " ")
            if len(text) > sizes[c]:
                text = text[: sizes[c] - 1] + "…"
            cells.append(text.ljust(sizes[c]))
        click.echo("  ".join(cells).rstrip())
