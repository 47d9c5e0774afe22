"""`kb engine start|stop|status`: the embedded ArcadeDB engine."""

from __future__ import annotations

import time

import click

from kb import engine
from ui.commands.common import settings


@click.group("engine")
def engine_group() -> None:
    """Start, stop or inspect the embedded graph engine (unused when NEO4J_URI is set)."""


@engine_group.command("start")
def start_cmd() -> None:
    """Start the embedded engine in the background (no-op when it is running)."""
    cfg = settings()
    if cfg.uses_neo4j:
        click.echo(f"NEO4J_URI is set ({cfg.neo4j_uri}); the embedded engine is not used.")
        return
    began = time.perf_counter()
    already = engine.read_state(cfg)
    state = engine.start(cfg)
    if already:
        click.echo(f"engine already running: pid {state.pid}, {state.uri}")
    else:
        click.echo(f"engine started in {time.perf_counter() - began:.1f} s: pid {state.pid}, {state.uri}")


@engine_group.command("stop")
def stop_cmd() -> None:
    """Stop the embedded engine cleanly."""
    if engine.stop(settings()):
        click.echo("engine stopped")
    else:
        click.echo("engine was not running")


@engine_group.command("status")
def status_cmd() -> None:
    """Say whether the embedded engine runs, and where."""
    cfg = settings()
    state = engine.read_state(cfg)
    if state is None:
        click.echo(f"engine not running (data directory {cfg.engine_dir})")
        raise SystemExit(3)
    uptime = time.time() - state.started_at
    click.echo(f"engine running: pid {state.pid}, {state.uri}, up {uptime:.0f} s, data {cfg.engine_dir}")


def register(cli: click.Group) -> None:
    cli.add_command(engine_group)
