"""`ingest.evidence`: each cited work and accepted candidate is graded with the claim beside it."""

from __future__ import annotations

from ingest.evidence import evidence_for, grade_claims
from kb.comparison import Axis, Verdict
from kb.models import (
    Atom,
    Citation,
    CitationStatus,
    Claim,
    EditorStance,
    Provenance,
    StanceEvent,
    Work,
    WorkStatus,
)
from kb.rows import study_edge_properties, study_from_edge

TEXT = "Ketamine infusions reduce alcohol cravings in adults [1]."
CLAIM = Claim(
    source_id="src_test",
    text=TEXT,
    start=0,
    end=len(TEXT),
    citation_status=CitationStatus.CITED,
    atoms=[Atom(intervention="ketamine", effect="reduces", outcome="alcohol cravings")],
)
MICE = Work(
    key="doi:10.5555/kb.evidence.mice",
    status=WorkStatus.RESOLVED,
    design="animal",
    human=False,
    title="Ketamine and alcohol seeking in mice",
    abstract="Conclusions: Ketamine may reduce alcohol seeking in mice.",
)
HIT = Work(key="doi:10.5555/kb.evidence.hit", title="A made-up search hit")
LATER = Work(key="doi:10.5555/kb.evidence.later", title="Another made-up search hit")


def citation(
    work: Work, *, candidate: bool = False, accepted: bool = False, stance: StanceEvent | None = None
) -> Citation:
    return Citation(
        claim_id=CLAIM.id,
        work_id=work.id,
        provenance=Provenance.NUMBERED_MARKER,
        candidate=candidate,
        accepted=accepted,
        stance=stance,
    )


def test_cited_works_and_accepted_candidates_are_compared() -> None:
    works = {w.id: w for w in (MICE, HIT, LATER)}
    cites = [citation(MICE), citation(HIT, candidate=True, accepted=True), citation(LATER, candidate=True)]
    evidence = evidence_for(CLAIM, cites, works)
    assert [ev.work.id for ev in evidence] == [MICE.id, HIT.id]  # the unaccepted candidate is left out
    assert all(ev.comparison is not None and ev.directness is not None for ev in evidence)
    mice = evidence[0].comparison
    assert mice is not None and mice.axis(Axis.WHO).verdict is Verdict.MISMATCH
    [graded] = grade_claims([CLAIM], cites, list(works.values()))
    assert [s.work_id for s in graded.studies] == [MICE.id, HIT.id]
    assert any("who: claim about adults; study in mice" in r for r in graded.reasons)
    # what goes onto the citation edge reads back as it was
    assert all(study_from_edge(s.work_id, study_edge_properties(s)) == s for s in graded.studies)


def test_the_editors_stance_on_a_citation_reaches_the_grade() -> None:
    stance = StanceEvent(claim_id=CLAIM.id, work_id=MICE.id, stance=EditorStance.DOES_NOT_SUPPORT, by="Ana")
    [ev] = evidence_for(CLAIM, [citation(MICE, stance=stance)], {MICE.id: MICE})
    assert ev.editor == stance
    [graded] = grade_claims([CLAIM], [citation(MICE, stance=stance)], [MICE])
    assert graded.grade.value == "none"
