"""What editors write, and the worklist they read: flags with their history, decisions on
literature-search candidates, stances on cited works (each re-grades its claim in the same
transaction) and the claims whose study does not match them.

A mixin of `kb.store.GraphStore`, kept apart so that the store stays about connections, reads and
checks; it runs its statements through the store's `read` and `write`, so they are bounded,
retried and mapped to one-line errors like every other request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import Transaction

from kb import cypher, views
from kb.errors import NotFound, StanceRefused
from kb.grading import WorkEvidence, grade_claim, mismatch_reasons, work_evidence
from kb.models import (
    Assessment,
    Citation,
    EditorStance,
    Flag,
    FlagEvent,
    FlagReason,
    FlagStatus,
    StanceEvent,
    Work,
    timestamp,
)
from kb.rows import (
    assessment_row,
    claim_from_properties,
    event_properties,
    flag_from_properties,
    flag_properties,
    known,
    stance_edge_properties,
    stance_event_from_properties,
    stance_event_properties,
    stance_from_edge,
    study_from_edge,
    work_from_properties,
)
from kb.transactions import Row, single
from kb.views import ClaimRow

T = TypeVar("T")


class Editing:
    """Editors' writes and worklist; `GraphStore` supplies `read` and `write`."""

    def read(self, statement: str, **params: Any) -> list[Row]:
        raise NotImplementedError

    def write(self, work: Callable[[Transaction], T]) -> T:
        raise NotImplementedError

    # --- literature-search candidates -------------------------------------------------------

    def decide_candidate(self, claim_id: str, work_id: str, *, accepted: bool, by: str) -> None:
        params = {"claim_id": claim_id, "work_id": work_id, "accepted": accepted, "by": by, "at": timestamp()}
        if not self.write(lambda tx: tx.run(cypher.ACCEPT_CANDIDATE, params).data()):
            raise NotFound(f"claim {claim_id} has no candidate work {work_id}")

    # --- editors' stances on cited works ------------------------------------------------------

    def set_stance(
        self, claim_id: str, work_id: str, *, stance: EditorStance, by: str, note: str = ""
    ) -> StanceEvent:
        """Record an editor's stance on a work the claim cites (or a candidate an editor accepted)
        and grade the claim again at once, in the same transaction, from what the graph holds
        (`kb.grading`: "contradicts" downgrades, "does not support" stops the work counting,
        "supports" counts it with no automatic judgement against the claim). No automatic pass
        changes the stance later: grading always follows it."""
        who = by.strip()
        if not who:
            raise StanceRefused(
                f"a stance on {work_id} for {claim_id} needs the editor's name: give it (by=...)"
            )
        event = StanceEvent(
            claim_id=claim_id, work_id=work_id, stance=EditorStance(stance), by=who, note=note.strip()
        )
        params = {
            "claim_id": claim_id,
            "work_id": work_id,
            "edge": stance_edge_properties(event),
            "event": stance_event_properties(event),
        }

        def work(tx: Transaction) -> None:
            targets = tx.run(cypher.STANCE_TARGETS, claim_id=claim_id, work_id=work_id).data()
            if not targets:
                raise NotFound(
                    f"claim {claim_id} neither cites work {work_id} nor has it as a candidate; "
                    "pick one of the works on the claim's page"
                )
            if not any(t["kind"] == "CITES" or t["accepted"] for t in targets):
                raise StanceRefused(
                    f"work {work_id} is a literature-search candidate for claim {claim_id} that no editor "
                    "accepted: accept it first, then record its stance"
                )
            tx.run(cypher.SET_STANCE, params).consume()
            _regrade(tx, claim_id)

        self.write(work)
        return event

    def stance_history(self, claim_id: str, work_id: str) -> list[StanceEvent]:
        """Every stance editors recorded on this work for this claim, newest first."""
        rows = self.read(cypher.STANCE_HISTORY, claim_id=claim_id, work_id=work_id)
        return [stance_event_from_properties(r["event"]) for r in rows]

    def study_mismatches(
        self, *, source_id: str | None = None, page: int = 0, page_size: int = 50
    ) -> list[views.StudyMismatch]:
        """Claims that are cited but whose study does not match them (or that an editor judged
        not to support or to contradict them), worst first: the most mismatches, then a strength
        overstatement, then the claim's rank. Each with its mismatches in words, per study. With
        `source_id`, one article's (the correction report)."""
        statement = cypher.STUDY_MISMATCHES if source_id is None else cypher.STUDY_MISMATCHES_OF_SOURCE
        rows = [
            known(ClaimRow, r["claim"])
            for r in self.read(statement, source_id=source_id, skip=page * page_size, limit=page_size)
        ]
        studies: dict[str, list[views.MismatchedStudy]] = {}
        for claim_id, cit, work, ev in self._stored_evidence([c.id for c in rows]):
            if reasons := mismatch_reasons(ev):
                studies.setdefault(claim_id, []).append(
                    views.MismatchedStudy(
                        work_id=work.id,
                        label=views.work_label(work),
                        candidate=cit.candidate,
                        stance=cit.stance.stance if cit.stance else None,
                        reasons=reasons,
                    )
                )
        out = []
        for c in rows:
            its = studies.get(c.id, [])
            several = len(its) > 1
            out.append(
                views.StudyMismatch(
                    claim_id=c.id,
                    text=c.text,
                    source_id=c.source_id,
                    source_title=c.source_title,
                    grade=c.grade,
                    rank=c.rank,
                    overclaim=c.overclaim,
                    mismatch_count=c.study_mismatch_count,
                    overstated=c.study_overstated,
                    studies=its,
                    work_label=its[0].label if its else "",
                    reasons=[f"{s.label} — {r}" if several else r for s in its for r in s.reasons],
                )
            )
        return out

    def _stored_evidence(self, claim_ids: list[str]) -> list[tuple[str, Citation, Work, WorkEvidence]]:
        """Each claim's cited works and accepted candidates as grading last read them."""
        if not claim_ids:
            return []
        return [_stored(r) for r in self.read(cypher.CLAIM_EVIDENCE, ids=claim_ids) if _counts(r)]

    # --- editor flags -----------------------------------------------------------------------

    def create_flag(self, claim_id: str, *, reason: FlagReason, by: str, note: str = "") -> Flag:
        event = FlagEvent(status=FlagStatus.OPEN, by=by, note=note)
        flag = Flag(claim_id=claim_id, reason=reason, created_by=by, note=note, history=[event])
        params = {
            "claim_id": claim_id,
            "flag": flag_properties(flag),
            "event": event_properties(event),
        }
        if not self.write(lambda tx: tx.run(cypher.CREATE_FLAG, params).data()):
            raise NotFound(f"no claim with id {claim_id}; nothing was flagged")
        return flag

    def update_flag(self, flag_id: str, *, status: FlagStatus, by: str, note: str = "") -> FlagEvent:
        event = FlagEvent(status=status, by=by, note=note)
        params = {"flag_id": flag_id, "event": event_properties(event)}
        if not self.write(lambda tx: tx.run(cypher.UPDATE_FLAG, params).data()):
            raise NotFound(f"no flag with id {flag_id}")
        return event

    def list_flags(
        self, *, status: FlagStatus | None = None, page: int = 0, page_size: int = 100
    ) -> list[views.FlaggedClaim]:
        rows = self.read(
            cypher.LIST_FLAGS, status=status.value if status else None, skip=page * page_size, limit=page_size
        )
        return [
            views.FlaggedClaim(flag=flag_from_properties(r["flag"]), claim=known(views.ClaimRef, r["claim"]))
            for r in rows
        ]


def citation_from_row(r: Row, work_id: str) -> Citation:
    """A row of CLAIM_EVIDENCE as a citation, with the editor's current stance on it."""
    return Citation(
        claim_id=r["claim_id"],
        work_id=work_id,
        provenance=r["provenance"] or "reference_list",
        text=r["text"] or "",
        candidate=r["candidate"],
        accepted=r["accepted"],
        stance=stance_from_edge(r["claim_id"], work_id, r["edge"]),
    )


def _counts(r: Row) -> bool:
    """A CLAIM_EVIDENCE row the claim is judged against: a citation, or an accepted candidate."""
    return not r["candidate"] or bool(r["accepted"])


def _stored(r: Row) -> tuple[str, Citation, Work, WorkEvidence]:
    """A CLAIM_EVIDENCE row as evidence, with what grading last read of the work (on the edge)."""
    work = work_from_properties(r["work"])
    cit = citation_from_row(r, work.id)
    study = study_from_edge(work.id, r["edge"])
    ev = work_evidence(cit, work, comparison=study.comparison, directness=study.directness)
    return r["claim_id"], cit, work, ev


def _regrade(tx: Transaction, claim_id: str) -> Assessment:
    """Grade one claim again inside `tx`, from what the graph holds: the editors' stances and what
    grading last read of each work (the comparison is not made again here: that needs `ingest`)."""
    claim = claim_from_properties(single(tx, cypher.CLAIMS_BY_ID, ids=[claim_id])["claim"])
    evidence = [_stored(r)[3] for r in tx.run(cypher.CLAIM_EVIDENCE, ids=[claim_id]).data() if _counts(r)]
    assessment = grade_claim(claim, evidence)
    tx.run(cypher.SET_ASSESSMENTS, rows=[assessment_row(assessment)]).consume()
    return assessment
