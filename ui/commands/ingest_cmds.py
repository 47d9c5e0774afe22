"""`kb ingest`, `kb claims`, `kb sources`: articles into the graph, claims out of it."""

from __future__ import annotations

import sys

import click

from kb.models import CitationStatus, Grade
from kb.settings import get_settings
from kb.views import ClaimFilter
from ui import workflows
from ui.commands.common import open_store, print_json, table


@click.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--list", "as_list", is_flag=True, help="Treat each INPUT file as a list of inputs, one per line."
)
@click.option("--offline", is_flag=True, help="Do not look up cited works (they stay unresolved).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def ingest_cmd(inputs: tuple[str, ...], as_list: bool, offline: bool, quiet: bool) -> None:
    """Read articles (URLs, files, directories, lists, - for stdin) into the graph.

    Each document lands whole or not at all (up to 20 share a transaction, written one by one
    when that fails); an input that fails is reported on one line and the batch goes on. The
    exit status is 1 when any input failed. A folder gives only the regular files inside it, and
    a list only URLs and files in its own folder. An input whose analysis takes longer than
    KB_INPUT_TIMEOUT seconds fails; a document with more than KB_MAX_CLAIMS claims or
    KB_MAX_CITATIONS citations is stored cut, with a warning line.
    """
    cfg = get_settings()
    with open_store() as store:
        report = workflows.ingest_batch(
            store,
            cfg,
            inputs,
            as_list=as_list,
            offline=offline or cfg.offline,
            progress=not quiet,
            stdin=sys.stdin.buffer,
            on_error=lambda message: click.echo(f"error: {message}", err=True),
            on_warning=lambda message: click.echo(f"warning: {message}", err=True),
        )
    t = report.totals()
    click.echo(
        f"{t['documents']} documents ({t['new']} new), {t['failed']} failed; "
        f"{t['claims']} claims: {t['cited']} cited, {t['vague']} vague, {t['missing']} missing"
    )
    empty = [item.locator for item in report.items if not item.error and item.claims == 0]
    if empty:
        shown = ", ".join(empty[:_EMPTY_SHOWN]) + (
            f" and {len(empty) - _EMPTY_SHOWN} more" if len(empty) > _EMPTY_SHOWN else ""
        )
        click.echo(
            f"no claim found in {len(empty)} document{'s' if len(empty) != 1 else ''} ({shown}): "
            "that is not a clean page, only nothing the finder recognised; read it yourself"
        )
    if report.failed:
        sys.exit(1)


_EMPTY_SHOWN = 5  # documents named in the "no claim found" line


@click.command("claims")
@click.option("--source", "source_id", help="Only claims of this source id.")
@click.option(
    "--status", type=click.Choice([s.value for s in CitationStatus]), help="Only this citation status."
)
@click.option("--grade", type=click.Choice([g.value for g in Grade]), help="Only this grade.")
@click.option("--intervention", help="Only claims about this normalized intervention (e.g. ketamine).")
@click.option("--search", help="Only claims whose text contains this (case-insensitive).")
@click.option("--page", default=0, show_default=True, help="Page number, from 0.")
@click.option("--page-size", default=50, show_default=True, help="Claims per page.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def claims_cmd(
    source_id: str | None,
    status: str | None,
    grade: str | None,
    intervention: str | None,
    search: str | None,
    page: int,
    page_size: int,
    as_json: bool,
) -> None:
    """List claims in the graph, worst supported first."""
    flt = ClaimFilter(
        source_id=source_id,
        status=CitationStatus(status) if status else None,
        grade=Grade(grade) if grade else None,
        intervention=intervention,
        search=search,
    )
    with open_store() as store:
        result = store.list_claims(flt, page=page, page_size=page_size)
    if as_json:
        print_json(
            {
                "total": result.total,
                "page": page,
                "claims": [
                    {
                        **row.model_dump(mode="json", exclude={"atoms_json"}),
                        "atoms": [a.model_dump() for a in row.atoms],
                    }
                    for row in result.rows
                ],
            }
        )
        return
    if not result.rows:
        click.echo("no claims match; ingest articles with `kb ingest PATH-OR-URL`")
        return
    rows = [
        {"id": r.id, "status": r.citation_status.value, "grade": r.grade.value, "claim": r.text}
        for r in result.rows
    ]
    table(rows, ["id", "status", "grade", "claim"], {"claim": 90})
    click.echo(f"page {page}: {len(result.rows)} of {result.total} claims")


@click.command("sources")
@click.option("--all-versions", is_flag=True, help="Include superseded versions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources_cmd(all_versions: bool, as_json: bool) -> None:
    """List ingested articles, newest first."""
    with open_store() as store:
        rows = store.list_sources(latest_only=not all_versions, page_size=500)
    if as_json:
        print_json([r.model_dump() for r in rows])
        return
    if not rows:
        click.echo("no articles yet; try `kb ingest examples/`")
        return
    table(
        [r.model_dump() for r in rows],
        ["id", "title", "claim_count", "cited_count", "ingested_at"],
        {"title": 60},
    )
