"""`kb status` and `kb reset`: the graph as a whole."""

from __future__ import annotations

import click

from kb.settings import get_settings
from ui.commands.common import open_store, print_json


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def status_cmd(as_json: bool) -> None:
    """Which graph is in use, where, and how many nodes of each kind it holds."""
    with open_store() as store:
        counts = store.counts()
        version = store.schema_version()
        where, console = store.where, store.console_login
    if as_json:
        print_json(
            {"where": where, "console_login": console, "schema_version": version, **counts.model_dump()}
        )
        return
    click.echo(f"graph: {where}")
    click.echo(f"console runs as: {console}")
    click.echo(f"schema version: {version}")
    for label, n in counts.nodes.items():
        click.echo(f"  {label:<12} {n:>8}")
    if counts.claims_by_status:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.claims_by_status.items()))
        click.echo(f"claims by citation status: {parts}")


@click.command("reset")
@click.option("--yes", is_flag=True, help="Confirm: delete every node and relationship.")
def reset_cmd(yes: bool) -> None:
    """Wipe the graph (all sources, claims, works, flags). Asks for --yes."""
    if not yes:
        raise click.UsageError("this deletes the whole graph; run `kb reset --yes` to confirm")
    with open_store() as store:
        deleted = store.reset()
    where = "Neo4j" if get_settings().uses_neo4j else "the embedded engine"
    click.echo(f"deleted {deleted} nodes from {where}")


@click.command("check")
@click.option("--limit", default=20, show_default=True, help="Example ids shown per broken invariant.")
def check_cmd(limit: int) -> None:
    """Verify the graph's invariants; print what is wrong and exit 1 if anything is."""
    with open_store() as store:
        problems = store.check(limit=limit)
    if not problems:
        click.echo("graph is consistent: every invariant holds")
        return
    for name, ids in problems.items():
        click.echo(f"{name}: {', '.join(ids)}")
    raise SystemExit(1)
