"""A new version of a page keeps its editors' stances (pure: the store reads and writes).

An editor's stance is on a claim's edge to a work, and a new version of a page has new claims
(a claim's id follows its source version). So that no automatic pass silently re-judges a work
an editor judged, writing a new version carries each stance of the latest version over to the
new claim with the same text that cites the same work: the citation gets a new `StanceEvent`
(same editor, stance and time; the note says where it came from) and the claim is graded with it
before it is written. A claim whose wording changed starts unjudged: the editor judged other
words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kb.grading import grade_claim, work_evidence
from kb.models import Document, StanceEvent

__all__ = ["carry_stances"]


def carry_stances(doc: Document, earlier: Sequence[Mapping[str, Any]]) -> Document:
    """`doc` with the stances `earlier` holds (rows of `kb.cypher.EARLIER_STANCES` for its article:
    `source_id`, `text`, `work_id`, `edge`) on its citations of the same work by a claim of the
    same text, and those claims graded again; `doc` itself when none applies."""
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    for row in sorted(earlier, key=lambda r: str(r["edge"].get("stance_at") or "")):
        latest[(row["text"], row["work_id"])] = row  # the newest stance of a (text, work) wins
    texts = {c.id: c.text for c in doc.claims}
    citations, judged = [], set()
    for cit in doc.citations:
        found = latest.get((texts.get(cit.claim_id, ""), cit.work_id))
        if found is None or cit.stance is not None or cit.candidate:
            citations.append(cit)
            continue
        row, edge = found, found["edge"]
        note = f"carried over from the earlier version {row['source_id']}" + (
            f": {edge['stance_note']}" if edge.get("stance_note") else ""
        )
        stance = StanceEvent(
            claim_id=cit.claim_id,
            work_id=cit.work_id,
            stance=edge["stance"],
            by=edge.get("stance_by") or "?",
            note=note,
            at=edge["stance_at"],
        )
        citations.append(cit.model_copy(update={"stance": stance}))
        judged.add(cit.claim_id)
    if not judged:
        return doc
    return _regraded(doc.model_copy(update={"citations": citations}), judged)


def _regraded(doc: Document, claim_ids: set[str]) -> Document:
    """`doc` with these claims graded again from its own assessments' readings of each work."""
    works = {w.id: w for w in doc.works}
    old = {a.claim_id: a for a in doc.assessments}
    assessments = []
    for a in doc.assessments:
        if a.claim_id not in claim_ids:
            assessments.append(a)
            continue
        claim = next(c for c in doc.claims if c.id == a.claim_id)
        read = {s.work_id: s for s in old[a.claim_id].studies}
        evidence = [
            work_evidence(
                cit,
                works[cit.work_id],
                comparison=read[cit.work_id].comparison if cit.work_id in read else None,
                directness=read[cit.work_id].directness if cit.work_id in read else None,
            )
            for cit in doc.citations
            if cit.claim_id == claim.id and cit.work_id in works and (not cit.candidate or cit.accepted)
        ]
        assessments.append(grade_claim(claim, evidence))
    return doc.model_copy(update={"assessments": assessments})
