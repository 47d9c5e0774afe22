"""A resolved work's locator, abstract and trial phase/status go into the graph and come back."""

from __future__ import annotations

from factories import make_document

from kb.models import Work, WorkStatus
from kb.store import GraphStore

ABSTRACT = "Methods: Forty adults (n = 40) were randomly assigned. Conclusions: Zorblax may reduce fatigue."


def _resolved(work: Work) -> Work:
    return work.model_copy(
        update={
            "status": WorkStatus.RESOLVED,
            "volume": "7",
            "issue": "2",
            "pages": "101-112",
            "abstract": ABSTRACT,
            "nct": "NCT99999902",
            "trial_phase": "phase 3",
            "trial_status": "recruiting",
            "resolved_by": ["clinicaltrials", "pubmed"],
        }
    )


def test_a_written_work_keeps_its_abstract_locator_phase_and_status(store: GraphStore) -> None:
    doc = make_document()
    doc = doc.model_copy(update={"works": [_resolved(w) for w in doc.works]})
    store.write_document(doc)
    [cited] = store.get_claim(doc.claims[1].id).citations
    got = {
        k: getattr(cited.work, k)
        for k in ("volume", "issue", "pages", "abstract", "trial_phase", "trial_status")
    }
    assert got == {
        "volume": "7",
        "issue": "2",
        "pages": "101-112",
        "abstract": ABSTRACT,
        "trial_phase": "phase 3",
        "trial_status": "recruiting",
    }


def test_updating_a_pending_work_writes_and_reads_the_new_fields(store: GraphStore) -> None:
    doc = make_document()
    store.write_document(doc)
    [pending] = store.works_by_status([WorkStatus.PENDING])
    store.update_works([_resolved(pending)])
    [back] = store.works_by_status([WorkStatus.RESOLVED])
    assert back == _resolved(pending)
    store.update_works([back.model_copy(update={"trial_status": "completed", "abstract": None})])
    [again] = store.works_by_status([WorkStatus.RESOLVED])
    assert again.trial_status == "completed" and again.abstract is None  # a cleared field is cleared
