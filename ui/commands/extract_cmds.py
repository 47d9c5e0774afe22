"""`kb extract` and `kb cues`: analysis without the graph.

Kept apart from the graph commands so that they import neither the neo4j driver nor the store:
`kb extract` on one page answers in about a second, start-up included.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import threading
from collections.abc import Iterator

import click

from ingest import cues_cli, evidence
from ingest.analysis_json import analysis_json
from ingest.errors import IngestError, one_line
from ingest.pipeline import analyse_inputs
from kb.settings import Settings, get_settings
from ui.commands.common import print_json, table


@contextlib.contextmanager
def _budget(cfg: Settings, input_: str) -> Iterator[None]:
    """KB_INPUT_TIMEOUT and KB_INPUT_MAX_MEMORY for this process: past the time, one line and exit
    status 1 (the parser may be inside a C call that no exception reaches, so the process ends);
    past the memory, allocations fail and the input fails with one line."""
    timer = None
    if cfg.input_timeout > 0:

        def give_up() -> None:
            sys.stderr.write(
                f"Error: {one_line(input_)}: the analysis took longer than {cfg.input_timeout:g} s "
                "(KB_INPUT_TIMEOUT); the page may be built to stall parsers, or raise the limit\n"
            )
            sys.stderr.flush()
            os._exit(1)

        timer = threading.Timer(cfg.input_timeout, give_up)
        timer.daemon = True
        timer.start()
    old_limit = resource.getrlimit(resource.RLIMIT_AS)
    if cfg.input_max_memory > 0:
        ceiling = _address_space() + 2 * cfg.input_max_memory * 2**20  # as a worker's (ingest/workers.py)
        if old_limit[1] == resource.RLIM_INFINITY or ceiling < old_limit[1]:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, old_limit[1]))
    try:
        yield
    except MemoryError:
        # Lift the limit first: building the message needs memory too, and a MemoryError from
        # here would reach the user as an "unexpected error" that names no input.
        resource.setrlimit(resource.RLIMIT_AS, old_limit)
        raise IngestError(
            f"{one_line(input_)}: the analysis needed more than {cfg.input_max_memory} MB "
            "(KB_INPUT_MAX_MEMORY); raise the limit if the page is genuinely that large"
        ) from None
    finally:
        if timer is not None:
            timer.cancel()
        resource.setrlimit(resource.RLIMIT_AS, old_limit)


def _address_space() -> int:
    """This process's virtual memory size, bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


@click.command("extract")
@click.argument("input_", metavar="INPUT")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the full JSON (text, claims, citations, grades)."
)
@click.option(
    "--resolve",
    "resolve_works",
    is_flag=True,
    help="Look up the cited works before grading (uses the network).",
)
def extract_cmd(input_: str, as_json: bool, resolve_works: bool) -> None:
    """Find the claims, citations and grades of one INPUT (URL, file or -) without touching the graph.

    Cited works are not looked up unless --resolve is given, so grades then treat them as
    unverified.
    """
    cfg = get_settings()
    # One input, then exit: the analysis runs here, not in a worker process (which would double
    # the start-up), held to the same budgets by `_budget` (see ingest/workers.py for batches).
    with _budget(cfg, input_):
        results = list(analyse_inputs([input_], cfg, in_process=True))
    if not results:
        raise IngestError(f"{input_}: nothing to read")
    [(_, outcome)] = results
    if isinstance(outcome, IngestError):
        raise outcome
    if outcome.cut:
        click.echo(f"warning: {outcome.cut}", err=True)
    doc = evidence.complete(outcome.document, cfg, offline=not resolve_works)
    data = analysis_json(outcome, doc.assessments, doc.works)
    if as_json:
        print_json(data)
        return
    click.echo(f"{data['source']['title']} — {len(data['claims'])} claims")
    rows = [{"status": c["citation_status"], "grade": c["grade"], "claim": c["text"]} for c in data["claims"]]
    table(rows, ["status", "grade", "claim"], {"claim": 100})


@click.command("cues")
def cues_cmd() -> None:
    """Read one sentence per line on stdin; print its hedges, boosters and attribution as JSON lines."""
    cues_cli.run(sys.stdin, sys.stdout)
