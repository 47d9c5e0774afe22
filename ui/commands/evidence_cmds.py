"""`kb resolve`, `kb grade`, `kb candidates`, `kb stance`: from "cited" to "how strong is the evidence"."""

from __future__ import annotations

import click

from ingest.http import make_session
from ingest.resolve import RateLimiter, candidate_citations, find_candidates
from kb.errors import KBError
from kb.models import EditorStance
from kb.settings import get_settings
from ui import workflows
from ui.commands.common import open_store


@click.command("resolve")
@click.option(
    "--retry-unresolved", is_flag=True, help="Also try again the works that could not be resolved before."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def resolve_cmd(retry_unresolved: bool, quiet: bool) -> None:
    """Look up every pending cited work (Crossref, PubMed, OpenAlex, ClinicalTrials.gov), then re-grade.

    Works are saved a batch at a time, so an interrupted run picks up where it stopped.
    """
    cfg = get_settings()
    if cfg.offline:
        raise click.ClickException("KB_OFFLINE is set: nothing can be looked up; unset it to resolve works")
    with open_store() as store:
        r = workflows.resolve_pending(store, cfg, retry_unresolved=retry_unresolved, progress=not quiet)
    click.echo(
        f"{r.looked_up} works looked up: {r.resolved} resolved, {r.unresolved} unresolved; {r.regraded} claims re-graded"
    )


@click.command("grade")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def grade_cmd(quiet: bool) -> None:
    """Grade every claim again with the current rubric (after a rubric change; stored with its version)."""
    from kb.grading import RUBRIC_VERSION

    with open_store() as store:
        n = workflows.regrade(store, progress=not quiet)
    click.echo(f"{n} claims graded with rubric {RUBRIC_VERSION}")


@click.command("candidates")
@click.option("--limit", default=20, show_default=True, help="Uncited claims to search for, worst first.")
@click.option("--per-claim", default=5, show_default=True, help="Most candidate works stored per claim.")
def candidates_cmd(limit: int, per_claim: int) -> None:
    """Search PubMed for evidence on uncited claims; hits are stored as candidates, apart from citations.

    Candidates never count for a grade until an editor accepts one in the app.
    """
    cfg = get_settings()
    if cfg.offline:
        raise click.ClickException("KB_OFFLINE is set: the literature search needs the network")
    limiter = RateLimiter.for_settings(cfg)
    found = 0
    with open_store() as store, make_session(cfg) as session:
        rows = store.uncited_claims(page_size=limit)
        for claim in store.claims_by_id([r.id for r in rows]):
            try:
                works = find_candidates(claim, session, cfg, rate_limiter=limiter, limit=per_claim)
            except KBError as e:
                click.echo(f"error: {claim.id}: {e}", err=True)
                continue
            store.add_candidates(works, candidate_citations(claim, works))
            found += len(works)
    click.echo(f"{found} candidate works stored for {len(rows)} uncited claims")


@click.command("stance")
@click.argument("claim_id")
@click.argument("work_id")
@click.argument("stance", type=click.Choice([s.value for s in EditorStance]))
@click.option("--by", required=True, help="The editor's name, kept with the stance and its history.")
@click.option("--note", default="", help="Why: what the study found, and where it says so.")
def stance_cmd(claim_id: str, work_id: str, stance: str, by: str, note: str) -> None:
    """Record whether a work the claim cites supports it, does not support it or contradicts it,
    and grade the claim again at once (quote "does not support").

    The grade follows the stance from then on; no later automatic pass re-judges the work.
    """
    with open_store() as store:
        store.set_stance(claim_id, work_id, stance=EditorStance(stance), by=by, note=note)
        claim = store.get_claim(claim_id).claim
    click.echo(f"{claim_id}: {work_id} {stance} the claim (by {by.strip()}); grade now {claim.grade.value}")
