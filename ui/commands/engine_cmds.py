"""`kb engine start|stop|restart|status`: the embedded ArcadeDB engine."""

from __future__ import annotations

import time

import click

from kb import engine
from kb.drivers import engine_answers, ping_timeout
from kb.errors import EngineError
from kb.settings import Settings, get_settings


@click.group("engine")
def engine_group() -> None:
    """Start, stop or inspect the embedded graph engine (unused when NEO4J_URI is set)."""


def _not_used(cfg: Settings) -> bool:
    if cfg.uses_neo4j:
        click.echo(f"NEO4J_URI is set ({cfg.neo4j_uri_shown}); the embedded engine is not used.")
    return cfg.uses_neo4j


def _hung(cfg: Settings, state: engine.EngineState) -> EngineError:
    return EngineError(
        f"the embedded engine at {state.uri} (pid {state.pid}) does not answer a query within "
        f"{ping_timeout(cfg):g} s (hung, or overloaded); run `kb engine restart`"
    )


def _start(cfg: Settings) -> None:
    began = time.perf_counter()
    state = engine.start(cfg)
    click.echo(f"engine started in {time.perf_counter() - began:.1f} s: pid {state.pid}, {state.uri}")


@engine_group.command("start")
def start_cmd() -> None:
    """Start the embedded engine in the background (no-op when it is running and answers)."""
    cfg = get_settings()
    if _not_used(cfg):
        return
    if state := engine.recorded(cfg):
        if not engine_answers(cfg, state):
            raise _hung(cfg, state)
        click.echo(f"engine already running: pid {state.pid}, {state.uri}")
        return
    _start(cfg)


def _stop(cfg: Settings) -> None:
    how = engine.stop(cfg)
    if how == "killed":
        click.echo(
            f"engine killed: it had not stopped {cfg.engine_stop_timeout:g} s after being asked "
            "(it recovers its data on the next start)"
        )
    elif how == "stopped":
        click.echo("engine stopped")
    else:
        click.echo("engine was not running")


@engine_group.command("stop")
def stop_cmd() -> None:
    """Stop the embedded engine cleanly; kill it if it has not stopped within KB_ENGINE_STOP_TIMEOUT."""
    _stop(get_settings())


@engine_group.command("restart")
def restart_cmd() -> None:
    """Stop the embedded engine (killing it if it hangs) and start it again."""
    cfg = get_settings()
    if _not_used(cfg):
        return
    _stop(cfg)
    _start(cfg)


@engine_group.command("status")
def status_cmd() -> None:
    """Say whether the embedded engine runs and answers a query, and where."""
    cfg = get_settings()
    state = engine.recorded(cfg)
    if state is None:
        click.echo(f"engine not running (data directory {cfg.engine_dir})")
        raise SystemExit(3)
    if not engine_answers(cfg, state):
        raise _hung(cfg, state)
    uptime = time.time() - state.started_at
    click.echo(f"engine running: pid {state.pid}, {state.uri}, up {uptime:.0f} s, data {cfg.engine_dir}")
