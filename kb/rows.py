"""Models as stored properties, and stored properties as models and views (pure, no I/O).

A claim is stored flat: its own fields (`kb.models.Claim`) as pydantic dumps them, its cues'
fields beside them, and its atoms as JSON text (lists of maps cannot be node properties in
Neo4j), plus what its lists need (`search_text`; the names, title and grade the writer adds).
Reading takes each model's own fields back, so a field added to `Claim` or `Cues` is written
and read with no change here; `kb.views.ClaimRow` says which properties a list reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from kb import ids
from kb.comparison import Directness, StudyComparison, StudyEvidence
from kb.grading import claim_rank
from kb.models import Assessment, Claim, Cues, Entity, Flag, FlagEvent, StanceEvent, Work
from kb.views import GraphNode, caption

M = TypeVar("M", bound=BaseModel)

# Stored for search and lists, never shown as a node's properties in a graph view.
_BULKY = frozenset({"text", "search_text", "abstract"})


def _fields(model: type[BaseModel], props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties `model` has fields for: the graph holds derived ones too, and a property a
    node does not have reads as null, which means the field's default."""
    return {k: v for k, v in props.items() if k in model.model_fields and v is not None}


def known(model: type[M], props: Mapping[str, Any]) -> M:
    """`model` read back from stored properties."""
    return model.model_validate(_fields(model, props))


# --- claims ------------------------------------------------------------------------------------


def claim_properties(claim: Claim) -> dict[str, Any]:
    """A claim's own stored properties (see the module docstring)."""
    return {
        **claim.model_dump(mode="json", exclude={"cues", "atoms"}),
        **claim.cues.model_dump(mode="json"),
        "atoms_json": json.dumps([a.model_dump() for a in claim.atoms]),
        "search_text": claim.text.lower(),
    }


def claim_from_properties(props: Mapping[str, Any]) -> Claim:
    """A Claim model from its stored properties (for grading it again)."""
    atoms = json.loads(props.get("atoms_json") or "[]")
    return Claim.model_validate({**_fields(Claim, props), "cues": known(Cues, props), "atoms": atoms})


def grade_properties(a: Assessment) -> dict[str, Any]:
    """What a claim carries of its assessment, so lists sort and filter without reaching it."""
    return {
        "grade": a.grade.value,
        "score": a.score,
        "overclaim": a.overclaim,
        "rank": claim_rank(a),
        "reasons": a.reasons,
        "rubric_version": a.rubric_version,
        "study_mismatch": a.study_mismatch,
        "study_mismatch_count": a.study_mismatch_count,
        "study_overstated": a.study_overstated,
    }


def assessment_properties(a: Assessment) -> dict[str, Any]:
    """An Assessment node's properties (its claim is the node it hangs from); what it read of each
    work goes onto the claim's edge to that work (`study_edge_properties`)."""
    exclude = {"claim_id", "studies", "stances_seen"}
    return {"id": ids.assessment_id(a.claim_id), **a.model_dump(mode="json", exclude=exclude)}


def assessment_row(a: Assessment) -> dict[str, Any]:
    """One row of `SET_ASSESSMENTS`: the node's properties, the claim's, the claim's id and, per
    work, what goes on the claim's edge to it."""
    studies = [{"work_id": s.work_id, **study_edge_properties(s)} for s in a.studies]
    return {
        **assessment_properties(a),
        **grade_properties(a),
        "claim_id": a.claim_id,
        "studies": studies,
        "stances_seen": a.stances_seen,
    }


# --- the claim beside its study, and editors' stances, on CITES and CANDIDATE edges -------------


def study_edge_properties(study: StudyEvidence) -> dict[str, Any]:
    """What a claim's edge to a work holds of its grading: the comparison and directness as JSON
    (maps cannot be relationship properties) and the number of mismatching axes, for ordering."""
    c = study.comparison
    return {
        "comparison_json": c.model_dump_json() if c else None,
        "directness_json": study.directness.model_dump_json() if study.directness else None,
        "mismatch_count": len(c.mismatches) if c else None,
    }


def study_from_edge(work_id: str, edge: Mapping[str, Any]) -> StudyEvidence:
    """What grading last read of a work, from the claim's edge to it."""
    comparison, directness = edge.get("comparison_json"), edge.get("directness_json")
    return StudyEvidence(
        work_id=work_id,
        comparison=StudyComparison.model_validate_json(comparison) if comparison else None,
        directness=Directness.model_validate_json(directness) if directness else None,
    )


def stance_edge_properties(event: StanceEvent) -> dict[str, Any]:
    """The current stance, as the claim's edge to the work holds it."""
    return {
        "stance": event.stance.value,
        "stance_by": event.by,
        "stance_at": event.model_dump(mode="json")["at"],
        "stance_note": event.note,
        "stance_id": event.id,
    }


def stance_from_edge(claim_id: str, work_id: str, edge: Mapping[str, Any]) -> StanceEvent | None:
    """The editor's current stance on an edge, or None when no editor recorded one."""
    if not edge.get("stance"):
        return None
    return StanceEvent(
        claim_id=claim_id,
        work_id=work_id,
        stance=edge["stance"],
        by=edge.get("stance_by") or "?",
        note=edge.get("stance_note") or "",
        at=edge["stance_at"],
        id=edge.get("stance_id") or ids.new_stance_event_id(),
    )


def stance_event_properties(event: StanceEvent) -> dict[str, Any]:
    return event.model_dump(mode="json")


def stance_event_from_properties(props: Mapping[str, Any]) -> StanceEvent:
    return known(StanceEvent, props)


# --- works, entities, flags --------------------------------------------------------------------


def work_properties(work: Work) -> dict[str, Any]:
    """A work's stored properties; an unknown field is left out, never stored as null."""
    return {k: v for k, v in work.model_dump(mode="json").items() if v is not None}


def work_from_properties(props: Mapping[str, Any]) -> Work:
    return known(Work, props)


def entity_from_properties(props: Mapping[str, Any]) -> Entity:
    return known(Entity, props)


def flag_properties(flag: Flag) -> dict[str, Any]:
    return flag.model_dump(mode="json", exclude={"history"})


def event_properties(event: FlagEvent) -> dict[str, Any]:
    return event.model_dump(mode="json")


def flag_from_properties(props: Mapping[str, Any], history: Sequence[Mapping[str, Any]] = ()) -> Flag:
    return Flag.model_validate({**_fields(Flag, props), "history": [_fields(FlagEvent, e) for e in history]})


# --- graph views -------------------------------------------------------------------------------


def graph_node(props: Mapping[str, Any]) -> GraphNode:
    """A node of a graph view from its stored properties and `labels`."""
    labels = [str(label) for label in props.get("labels", [])]
    shown = {k: v for k, v in props.items() if k not in _BULKY and k != "labels"}
    node_id = str(props["id"])
    return GraphNode(id=node_id, labels=labels, caption=caption(props, node_id)[:80], properties=shown)
