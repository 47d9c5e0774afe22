"""Editors judge support: a stance on a cited work is recorded with its history, the claim is
graded again at once, and no automatic pass re-judges it. Against the real embedded engine.

The works are made up (DOIs under 10.5555/); their abstracts are written so the comparison
(`ingest.comparison`) finds what each test needs: a study in mice, a study that found nothing.
"""

from __future__ import annotations

import pytest
from factories import graded

from ingest.evidence import grade_claims
from kb.comparison import Axis, Verdict
from kb.errors import NotFound, StanceRefused
from kb.grading import rubric
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
from kb.store import GraphStore
from ui import workflows

SENTENCES = (
    "Ketamine infusions reduce alcohol cravings in adults [1].",
    "In adults, ketamine infusions reduce alcohol cravings [2].",
)

MICE = Work(
    key="doi:10.5555/kb.stance.mice",
    doi="10.5555/kb.stance.mice",
    status=WorkStatus.RESOLVED,
    design="rct",
    human=False,
    sample_size=40,
    title="Ketamine and alcohol seeking in mice: a randomized trial",
    abstract=(
        "Background: We tested ketamine in mice trained to drink alcohol. Results: Ketamine reduced "
        "alcohol seeking at 2 weeks. Conclusions: Ketamine may reduce alcohol seeking in mice."
    ),
)
TRIAL = Work(
    key="doi:10.5555/kb.stance.trial",
    doi="10.5555/kb.stance.trial",
    status=WorkStatus.RESOLVED,
    design="rct",
    human=True,
    sample_size=400,
    title="Ketamine infusions for alcohol cravings in adults: a randomized controlled trial",
    abstract=(
        "Methods: 400 adults received ketamine infusions or placebo. Results: Alcohol cravings fell "
        "more with ketamine. Conclusions: Ketamine infusions reduce alcohol cravings in adults."
    ),
)


def document(
    key: str = "file:stance.txt", works: tuple[Work, Work] = (MICE, TRIAL), prefix: str = ""
) -> Document:
    text = prefix + " ".join(SENTENCES)
    source = Source(key=key, locator=key.removeprefix("file:"), text=text, title="A made-up clinic page")
    claims, citations = [], []
    for number, (sentence, work) in enumerate(zip(SENTENCES, works, strict=True), 1):
        marker = f"[{number}]"
        start = text.index(sentence)
        end = start + len(sentence)
        claim = Claim(
            source_id=source.id,
            text=text[start:end],
            start=start,
            end=end,
            citation_status=CitationStatus.CITED,
            atoms=[Atom(intervention="ketamine", effect="reduces", outcome="alcohol cravings")],
        )
        claims.append(claim)
        citations.append(
            Citation(claim_id=claim.id, work_id=work.id, provenance=Provenance.NUMBERED_MARKER, text=marker)
        )
    return graded(Document(source=source, claims=claims, works=list(works), citations=citations))


def test_the_comparison_is_stored_on_the_citation_and_read_back(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    mice_claim, trial_claim = doc.claims
    detail = store.get_claim(mice_claim.id)
    [study] = detail.studies
    assert study.work.id == MICE.id and study.candidate is False and study.stance is None
    assert study.comparison is not None
    assert study.comparison.axis(Axis.WHO).verdict is Verdict.MISMATCH
    assert "study in mice" in study.comparison.axis(Axis.WHO).reason
    assert detail.claim.study_mismatch is True
    assert any("who: claim about adults; study in mice" in r for r in detail.claim.reasons)
    # the mismatch count is on the edge, for Cypher to sort by
    rows = store.run_console(
        "MATCH (:Claim {id: $id})-[r:CITES]->(:Work) RETURN r.mismatch_count", {"id": mice_claim.id}
    ).rows
    assert rows == [[len(study.comparison.mismatches)]]
    assert store.get_claim(trial_claim.id).claim.study_mismatch is False
    marks = {c.id: c.study_mismatch for c in store.get_source(doc.source.id).claims}
    assert marks == {mice_claim.id: True, trial_claim.id: False}


def test_contradicts_downgrades_at_once_with_history(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[1].id
    before = store.get_claim(claim_id).claim
    event = store.set_stance(claim_id, TRIAL.id, stance=EditorStance.CONTRADICTS, by="Ana", note="read it")
    after = store.get_claim(claim_id)
    # its only work now contradicts it: nothing supports the claim
    assert (before.grade, after.claim.grade) == (Grade.HIGH, Grade.NONE)
    assert any("editor (Ana) judged that" in r and "contradicts the claim" in r for r in after.claim.reasons)
    assert after.studies[0].stance is not None
    assert (after.studies[0].stance.stance, after.studies[0].stance.by) == (EditorStance.CONTRADICTS, "Ana")
    assert after.claim.study_mismatch is True
    second = store.set_stance(claim_id, TRIAL.id, stance=EditorStance.SUPPORTS, by="Ben")
    history = store.stance_history(claim_id, TRIAL.id)
    assert [(e.id, e.stance, e.by) for e in history] == [
        (second.id, EditorStance.SUPPORTS, "Ben"),
        (event.id, EditorStance.CONTRADICTS, "Ana"),
    ]
    assert history[1].note == "read it"
    assert store.get_claim(claim_id).claim.grade is Grade.HIGH
    assert store.check() == {}


def test_a_second_work_that_contradicts_downgrades(store: GraphStore) -> None:
    doc = document()
    claim = doc.claims[1]
    extra = Citation(claim_id=claim.id, work_id=MICE.id, provenance=Provenance.NUMBERED_MARKER, text="[1]")
    doc = graded(doc.model_copy(update={"citations": [*doc.citations, extra], "assessments": []}))
    store.write_document(doc)
    assert store.get_claim(claim.id).claim.grade is Grade.HIGH
    store.set_stance(claim.id, MICE.id, stance=EditorStance.CONTRADICTS, by="Ana")
    after = store.get_claim(claim.id).claim
    down = rubric()["editor"]["contradiction_min_downgrade"]
    assert after.grade is Grade.MODERATE and down == 1
    assert (
        f"-{down} inconsistency: an editor (Ana) judged that '{MICE.title}' contradicts the claim."
        in after.reasons
    )


def test_does_not_support_stops_the_work_counting(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[1].id
    store.set_stance(claim_id, TRIAL.id, stance=EditorStance.DOES_NOT_SUPPORT, by="Ana")
    claim = store.get_claim(claim_id).claim
    assert claim.grade is Grade.NONE
    assert (
        f"Not counted: an editor (Ana) judged that '{TRIAL.title}' does not support the claim."
        in claim.reasons
    )


def test_supports_counts_the_work_with_no_automatic_judgement_against_it(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[0].id
    before = store.get_claim(claim_id).claim
    assert before.overclaim and before.study_mismatch
    store.set_stance(claim_id, MICE.id, stance=EditorStance.SUPPORTS, by="Ana")
    after = store.get_claim(claim_id).claim
    assert after.study_mismatch is False and not after.overclaim
    assert not any("indirectness" in r for r in after.reasons)
    assert any(
        "mismatches (who, outcome, design and size, strength) are shown, not counted" in r
        for r in after.reasons
    )
    assert store.study_mismatches() == []


def test_refusals(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[0].id
    with pytest.raises(StanceRefused, match="editor's name"):
        store.set_stance(claim_id, MICE.id, stance=EditorStance.SUPPORTS, by="  ")
    with pytest.raises(NotFound, match="neither cites work"):
        store.set_stance(claim_id, TRIAL.id, stance=EditorStance.SUPPORTS, by="Ana")
    candidate = Work(key="doi:10.5555/kb.stance.candidate", doi="10.5555/kb.stance.candidate")
    hit = Citation(
        claim_id=claim_id, work_id=candidate.id, provenance=Provenance.LITERATURE_SEARCH, candidate=True
    )
    store.add_candidates([candidate], [hit])
    with pytest.raises(StanceRefused, match="accept it first"):
        store.set_stance(claim_id, candidate.id, stance=EditorStance.SUPPORTS, by="Ana")
    store.decide_candidate(claim_id, candidate.id, accepted=True, by="Ana")
    store.set_stance(claim_id, candidate.id, stance=EditorStance.CONTRADICTS, by="Ana")
    [accepted] = [s for s in store.get_claim(claim_id).studies if s.candidate]
    assert accepted.stance is not None and accepted.stance.stance is EditorStance.CONTRADICTS
    assert store.stance_history(claim_id, MICE.id) == []


def test_no_automatic_pass_re_judges_an_editors_stance(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[1].id
    store.set_stance(claim_id, TRIAL.id, stance=EditorStance.DOES_NOT_SUPPORT, by="Ana")
    judged = store.get_claim(claim_id).claim

    def still_judged() -> None:
        claim = store.get_claim(claim_id).claim
        assert claim.grade is Grade.NONE
        assert any("editor (Ana) judged that" in r for r in claim.reasons)
        assert store.get_claim(claim_id).studies[0].stance is not None

    assert not store.write_document(doc).created  # the same page again
    still_judged()
    assert workflows.regrade(store) == 2  # `kb grade`
    still_judged()
    # the work resolved again (`kb resolve`): its record changes, then its claims are graded again
    store.update_works([TRIAL.model_copy(update={"cited_by_count": 12})])
    workflows.regrade(store, store.claims_citing([TRIAL.id]))
    still_judged()
    assert store.get_claim(claim_id).claim.reasons == judged.reasons
    assert len(store.stance_history(claim_id, TRIAL.id)) == 1


def test_worklist_worst_first_with_reasons_in_words(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    mice_claim, trial_claim = doc.claims
    [row] = store.study_mismatches()
    assert (row.claim_id, row.work_label, row.source_title) == (
        mice_claim.id,
        MICE.title,
        "A made-up clinic page",
    )
    assert "who: claim about adults; study in mice" in row.reasons
    assert row.overstated and row.mismatch_count == len(row.reasons) == len(row.studies[0].reasons)
    store.set_stance(trial_claim.id, TRIAL.id, stance=EditorStance.CONTRADICTS, by="Ana")
    rows = store.study_mismatches()
    assert [r.claim_id for r in rows] == [mice_claim.id, trial_claim.id]  # four mismatches before one
    assert rows[1].reasons == ["an editor (Ana) judged that it contradicts the claim"]
    assert store.study_mismatches(page=1, page_size=1)[0].claim_id == trial_claim.id
    assert [r.claim_id for r in store.study_mismatches(source_id=doc.source.id)] == [
        mice_claim.id,
        trial_claim.id,
    ]


def test_a_new_version_of_the_page_keeps_the_stance(store: GraphStore) -> None:
    doc = document()
    store.write_document(doc)
    store.set_stance(doc.claims[1].id, TRIAL.id, stance=EditorStance.CONTRADICTS, by="Ana", note="read it")
    # the page changes around the claim: new version, new claim ids, the same sentence and work
    edited = document(prefix="Updated weekly. ")
    assert store.write_document(edited).created
    new_id = edited.claims[1].id
    assert new_id != doc.claims[1].id
    claim = store.get_claim(new_id)
    assert claim.claim.grade is Grade.NONE  # graded with the stance, not the automatic judgement
    [study] = claim.studies
    assert study.stance is not None and (study.stance.stance, study.stance.by) == (
        EditorStance.CONTRADICTS,
        "Ana",
    )
    [event] = store.stance_history(new_id, TRIAL.id)
    assert event.note == f"carried over from the earlier version {doc.source.id}: read it"
    # a claim the editor did not judge is graded as before
    assert store.get_claim(edited.claims[0].id).claim.grade == store.get_claim(doc.claims[0].id).claim.grade
    assert store.check() == {}


def test_a_regrade_read_before_a_stance_never_replaces_its_grade(store: GraphStore) -> None:
    """`kb resolve` reads a batch of claims, an editor records a stance, then the batch's grades
    are written: the stale grade is not written over the one the stance gave."""
    doc = document()
    store.write_document(doc)
    claim_id = doc.claims[1].id
    claims = store.claims_by_id([claim_id])
    citations, works = store.claim_evidence([claim_id])  # read before the stance
    store.set_stance(claim_id, TRIAL.id, stance=EditorStance.DOES_NOT_SUPPORT, by="Ana")
    stale = grade_claims(claims, citations, works)
    assert stale[0].grade is Grade.HIGH
    store.write_assessments(stale)
    assert store.get_claim(claim_id).claim.grade is Grade.NONE
    # a grade that followed the stance is written
    citations, works = store.claim_evidence([claim_id])
    fresh = grade_claims(claims, citations, works)
    store.write_assessments([fresh[0].model_copy(update={"reasons": [*fresh[0].reasons, "again"]})])
    assert store.get_claim(claim_id).claim.reasons[-1] == "again"
