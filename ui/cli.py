"""The `kb` command: a thin layer over `kb` and `ingest`.

Library errors (`KBError` and its subclasses) become one line on stderr and exit status 1;
`kb --debug ...` shows the traceback instead. Output into a pipe that closes early
(`kb claims | head -1`) ends the command quietly, with status 141 as a shell gives a process
that SIGPIPE ended. Each command lives in a small module under
`ui/commands/`; this file only assembles them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from typing import Any

import click

from kb.errors import KBError

# Each command's module, loaded when the command runs (or help lists it): `kb extract` then
# imports neither the neo4j driver nor the app.
COMMANDS = {
    "engine": "ui.commands.engine_cmds:engine_group",
    "status": "ui.commands.graph_cmds:status_cmd",
    "reset": "ui.commands.graph_cmds:reset_cmd",
    "check": "ui.commands.graph_cmds:check_cmd",
    "extract": "ui.commands.extract_cmds:extract_cmd",
    "cues": "ui.commands.extract_cmds:cues_cmd",
    "ingest": "ui.commands.ingest_cmds:ingest_cmd",
    "claims": "ui.commands.ingest_cmds:claims_cmd",
    "sources": "ui.commands.ingest_cmds:sources_cmd",
    "resolve": "ui.commands.evidence_cmds:resolve_cmd",
    "grade": "ui.commands.evidence_cmds:grade_cmd",
    "candidates": "ui.commands.evidence_cmds:candidates_cmd",
    "stance": "ui.commands.evidence_cmds:stance_cmd",
    "ui": "ui.commands.ui_cmds:ui_cmd",
}


class KBGroup(click.Group):
    """Loads each command when it is used, and turns library errors into one readable line
    instead of a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, attr = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(str(e)) from e
        except BrokenPipeError:
            _quiet_after_broken_pipe()
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise click.ClickException(
                f"unexpected error: {type(e).__name__}: {e} (run `kb --debug ...` for the traceback)"
            ) from e


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
@click.version_option(package_name="evidence-kb")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Evidence-claim knowledge base: health claims, what they cite, and how strong the evidence is."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    try:
        try:
            cli(prog_name="kb")
        finally:
            sys.stdout.flush()  # here, where a closed pipe can be caught, not at exit
    except BrokenPipeError:
        _quiet_after_broken_pipe()


def _quiet_after_broken_pipe() -> None:
    """Point stdout and stderr at /dev/null, so nothing else (Python's own flush at exit
    included) writes into the closed pipe, and exit as SIGPIPE would have ended us."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    sys.exit(128 + signal.SIGPIPE)


if __name__ == "__main__":
    main()
