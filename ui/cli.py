"""The `kb` command: a thin layer over `kb` and `ingest`.

Library errors (`KBError` and its subclasses) become one line on stderr and exit status 1;
`kb --debug ...` shows the traceback instead. Output into a pipe that closes early
(`kb claims | head -1`) ends the command quietly, with status 141 as a shell gives a process
that SIGPIPE ended. Each command lives in a small module under
`ui/commands/`; this file only assembles them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any

import click

from kb.errors import KBError
from ui.commands import engine_cmds, evidence_cmds, graph_cmds, ingest_cmds, ui_cmds


class KBGroup(click.Group):
    """Turns library errors into one readable line instead of a traceback."""

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


engine_cmds.register(cli)
graph_cmds.register(cli)
ingest_cmds.register(cli)
evidence_cmds.register(cli)
ui_cmds.register(cli)


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
    sys.exit(main())
