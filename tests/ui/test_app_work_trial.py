"""The claim page shows a cited trial's phase and status from ClinicalTrials.gov (AppTest, real engine)."""

from __future__ import annotations

from factories import make_document
from test_app_pages import run, texts

from kb.models import WorkStatus
from kb.store import GraphStore
from ui.components import nav


def test_a_cited_trial_shows_its_phase_and_status(graph: GraphStore) -> None:
    doc = make_document()
    trial = doc.works[0].model_copy(
        update={"status": WorkStatus.RESOLVED, "trial_phase": "phase 3", "trial_status": "recruiting"}
    )
    graph.write_document(doc.model_copy(update={"works": [trial]}))
    said = texts(run(nav.CLAIM, claim=doc.claims[1].id))
    assert "trial: phase 3, recruiting" in said
