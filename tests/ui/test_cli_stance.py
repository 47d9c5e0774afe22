"""`kb stance` on the real engine: an editor's judgement of a cited work, from the command line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from factories import graded

from kb.models import (
    Atom,
    Citation,
    CitationStatus,
    Claim,
    Document,
    EditorStance,
    Grade,
    Provenance,
    Source,
    Work,
    WorkStatus,
)
from kb.settings import get_settings
from kb.store import GraphStore
from ui.cli import cli

TRIAL = Work(
    key="doi:10.5555/kb.cli.trial",
    doi="10.5555/kb.cli.trial",
    status=WorkStatus.RESOLVED,
    design="rct",
    human=True,
    sample_size=400,
    title="Zorblax for fatigue in adults: a randomized controlled trial",
)
OTHER = Work(key="doi:10.5555/kb.cli.other", doi="10.5555/kb.cli.other", title="Another made-up work")


def document() -> Document:
    """Two claims of a made-up page, citing a made-up trial and another work."""
    text = "Zorblax reduces fatigue in adults [1]. Zorblax improves sleep [2]."
    source = Source(key="file:cli-stance.txt", locator="cli-stance.txt", text=text, title="A made-up page")
    claims, citations = [], []
    for sentence, work, marker in (
        ("Zorblax reduces fatigue in adults [1].", TRIAL, "[1]"),
        ("Zorblax improves sleep [2].", OTHER, "[2]"),
    ):
        start = text.index(sentence)
        claim = Claim(
            source_id=source.id, text=sentence, start=start, end=start + len(sentence),
            citation_status=CitationStatus.CITED,
            atoms=[Atom(intervention="zorblax", effect="reduces", outcome="fatigue")],
        )  # fmt: skip
        claims.append(claim)
        citations.append(
            Citation(claim_id=claim.id, work_id=work.id, provenance=Provenance.NUMBERED_MARKER, text=marker)
        )
    return graded(Document(source=source, claims=claims, works=[TRIAL, OTHER], citations=citations))


@pytest.fixture
def runner() -> Iterator[CliRunner]:
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_stance_from_the_command_line(runner: CliRunner, store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[0].id
    result = run(
        runner, "stance", claim_id, TRIAL.id, "does not support", "--by", "Ana", "--note", "other outcome"
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("grade now none")
    [event] = store.stance_history(claim_id, TRIAL.id)
    assert (event.stance, event.by, event.note) == (EditorStance.DOES_NOT_SUPPORT, "Ana", "other outcome")
    assert store.get_claim(claim_id).claim.grade is Grade.NONE


def test_a_refused_stance_is_one_line(runner: CliRunner, store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    result = run(runner, "stance", doc.claims[1].id, TRIAL.id, "supports", "--by", "Ana")
    assert result.exit_code == 1
    assert "neither cites work" in result.output and "Traceback" not in result.output
    assert run(runner, "stance", doc.claims[0].id, TRIAL.id, "maybe", "--by", "Ana").exit_code == 2
    assert run(runner, "stance", doc.claims[0].id, TRIAL.id, "supports", "--by", " ").exit_code == 1
