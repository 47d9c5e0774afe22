"""Models as stored properties and back (kb/rows.py), the write plan's rows (kb/write_plan.py) and
the ids' prefixes (kb/ids.py): pure, no server."""

from __future__ import annotations

import pytest
from factories import make_document

from kb import cypher, ids
from kb.models import Claim, Cues, Flag, FlagEvent, FlagReason, FlagStatus, Work
from kb.rows import claim_from_properties, claim_properties, flag_from_properties, known, work_properties
from kb.views import ClaimRow
from kb.write_plan import UngradedClaim, document_statements


def test_a_claim_is_read_back_as_it_was_written() -> None:
    for claim in make_document().claims:
        assert claim_from_properties(claim_properties(claim)) == claim


def test_every_stored_property_of_a_claim_is_read_by_the_claims_lists() -> None:
    """A field added to `Claim` (or its `Cues`) is written and read back by kb/rows.py as it is;
    it shows in the lists once `ClaimRow` names it too: the two places to touch."""
    stored = (set(Claim.model_fields) - {"cues", "atoms"}) | set(Cues.model_fields) | {"atoms_json"}
    assert stored <= set(ClaimRow.model_fields)
    assert all(f".{name}" in cypher.CLAIM_ROWS_BY_ID for name in ClaimRow.model_fields)


def test_the_claims_lists_read_what_the_write_plan_writes() -> None:
    doc = make_document()
    grades = {a.claim_id: a for a in doc.assessments}
    rows = [
        row
        for statement, params in document_statements(doc)
        if statement in (cypher.CREATE_CITED_CLAIMS, cypher.CREATE_UNCITED_CLAIMS)
        for document in params["rows"]
        for row in document["claims"]
    ]
    assert len(rows) == len(doc.claims)
    for row in rows:
        view = known(ClaimRow, row["claim"])
        claim = next(c for c in doc.claims if c.id == view.id)
        assert view.atoms == claim.atoms and view.grade == grades[claim.id].grade
        assert row["assessment"]["id"] == ids.assessment_id(claim.id)


def test_an_ungraded_claim_is_never_written() -> None:
    doc = make_document()
    with pytest.raises(UngradedClaim, match="grade the document before writing it"):
        document_statements(doc.model_copy(update={"assessments": doc.assessments[1:]}))


def test_a_work_keeps_no_unknown_field_and_a_flag_reads_back_with_its_history() -> None:
    work = Work(key="doi:10.5555/kb.rows.1", doi="10.5555/kb.rows.1")
    assert None not in work_properties(work).values() and known(Work, work_properties(work)) == work
    event = FlagEvent(status=FlagStatus.OPEN, by="ed")
    flag = Flag(claim_id="clm_1", reason=FlagReason.UNCITED, created_by="ed", history=[event])
    stored = flag.model_dump(mode="json", exclude={"history"})
    assert flag_from_properties(stored, [event.model_dump(mode="json")]) == flag


def test_the_label_of_every_id_comes_from_its_prefix() -> None:
    assert tuple(ids.PREFIX_BY_LABEL) == cypher.NODE_LABELS
    assert (
        ids.label_of(ids.work_id("doi:x")) == "Work" and ids.label_of(ids.new_flag_event_id()) == "FlagEvent"
    )
    assert ids.label_of("nonsense") is None and ids.label_of("xyz_1") is None
    assert ids.assessment_id("clm_abc") == "asm_abc"
