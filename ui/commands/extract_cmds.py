"""`kb extract` and `kb cues`: analysis without the graph.

Kept apart from the graph commands so that they import neither the neo4j driver nor the store:
`kb extract` on one page answers in about a second, start-up included.
"""

from __future__ import annotations

import sys

import click

from ingest import cues_cli, evidence
from ingest.errors import IngestError
from ingest.export import analysis_json
from ingest.pipeline import analyse_inputs
from ui.commands.common import print_json, settings, table


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
    cfg = settings()
    results = list(analyse_inputs([input_], cfg))
    if not results:
        raise IngestError(f"{input_}: nothing to read")
    [(_, outcome)] = results
    if isinstance(outcome, IngestError):
        raise outcome
    if outcome.cut:
        click.echo(f"warning: {outcome.cut}", err=True)
    doc = evidence.complete(outcome.document, cfg, offline=not resolve_works)
    data = analysis_json(outcome, doc.assessments)
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


def register(cli: click.Group) -> None:
    for command in (extract_cmd, cues_cmd):
        cli.add_command(command)
