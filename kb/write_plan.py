"""What writing documents sends: the statements of `kb.cypher`, in order, with their rows.

Pure, so it is tested without a server; `GraphStore` runs the plan in one transaction. Each
statement runs once for a whole batch of documents, with every document's rows (a batch costs
a dozen round trips, not a dozen per document), and a statement with many rows is sent in
pieces of at most `ROWS_PER_STATEMENT`.

Every claim is written graded: a document's claims each have their assessment
(`ingest.evidence.complete` grades them), so every claim in the graph has a grade and a rank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from kb import cypher
from kb.models import CitationStatus, Claim, Document, timestamp
from kb.rows import (
    assessment_properties,
    claim_properties,
    grade_properties,
    stance_edge_properties,
    stance_event_properties,
    study_edge_properties,
    work_properties,
)

T = TypeVar("T")
Statement = tuple[str, dict[str, Any]]

# Claims (or other rows) sent in one write statement: what the embedded engine buffers for one
# statement grows with it, and is shared with every other running query (kb/cypher.py).
ROWS_PER_STATEMENT = 1000

WRITE_ORDER: tuple[str, ...] = (
    cypher.MERGE_SOURCE,
    cypher.MERGE_ENTITIES,
    cypher.CREATE_PROPOSITIONS,
    cypher.LINK_POPULATIONS,
    cypher.MERGE_WORKS,
    cypher.CREATE_CITED_CLAIMS,  # with their assessments, STATES and CITES edges
    cypher.CREATE_UNCITED_CLAIMS,
    cypher.MERGE_CANDIDATES,
    cypher.CREATE_LISTED_WORKS,
    cypher.CREATE_STANCE_EVENTS,  # stances a new version keeps (kb/stances.py)
)


class UngradedClaim(ValueError):
    """A document whose claims are not all graded: grade it first (`ingest.evidence.complete`)."""


def document_statements(doc: Document, known_propositions: AbstractSet[str] = frozenset()) -> list[Statement]:
    """The statements that write one document, in order; a statement with no rows is left out."""
    return batch_statements([doc], known_propositions)


def batch_statements(
    docs: list[Document], known_propositions: AbstractSet[str] = frozenset()
) -> list[Statement]:
    """The statements that write these new documents together, each statement once.

    The documents must be distinct versions of distinct articles, not in the graph yet (see
    `GraphStore.write_documents`); `known_propositions` are those the graph holds already."""
    rows: dict[str, list[dict[str, Any]]] = {statement: [] for statement in WRITE_ORDER}
    for doc in docs:
        for statement, batch in _document_rows(doc):
            rows[statement] += batch
    # articles share entities, propositions and works: each is written once
    rows[cypher.MERGE_ENTITIES] = _merged_entities(rows[cypher.MERGE_ENTITIES])
    rows[cypher.CREATE_PROPOSITIONS] = [
        p for p in _first_by(rows[cypher.CREATE_PROPOSITIONS], "id") if p["id"] not in known_propositions
    ]
    rows[cypher.LINK_POPULATIONS] = _first_by(rows[cypher.LINK_POPULATIONS], "id", "population_id")
    rows[cypher.MERGE_WORKS] = _works_once(rows[cypher.MERGE_WORKS])
    return [
        (statement, {"rows": chunk})
        for statement in WRITE_ORDER
        for chunk in _chunks(statement, rows[statement])
    ]


def _chunks(statement: str, rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """`rows` cut into pieces of at most `ROWS_PER_STATEMENT` rows, or of as many claims for the
    claim statements (whose rows are documents): one statement per piece, in order, all in the
    same transaction. A document's claims may be cut across pieces; its source row is repeated."""
    per_document = statement in (cypher.CREATE_CITED_CLAIMS, cypher.CREATE_UNCITED_CLAIMS)
    piece: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        parts = (
            [{**row, "claims": row["claims"][i : i + ROWS_PER_STATEMENT]}
             for i in range(0, len(row["claims"]), ROWS_PER_STATEMENT)]
            if per_document else [row]
        )  # fmt: skip
        for part in parts:
            weight = len(part["claims"]) if per_document else 1
            if piece and size + weight > ROWS_PER_STATEMENT:
                yield piece
                piece, size = [], 0
            piece.append(part)
            size += weight
    if piece:
        yield piece


def _first_of_each(items: list[T], key: Callable[[T], Any]) -> list[T]:
    """The items in order, each key's first only."""
    seen: dict[Any, T] = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _first_by(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return _first_of_each(rows, lambda row: tuple(row.get(k) for k in keys))


def _merged_entities(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per entity, its synonyms the union in order of appearance (what writing the rows
    one after the other would leave)."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        first = merged.setdefault(row["id"], {**row, "synonyms": list(row["synonyms"])})
        first["synonyms"] += [x for x in row["synonyms"] if x not in first["synonyms"]]
    return list(merged.values())


def _works_once(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first row of each work, then its first resolved row if the first is not resolved:
    MERGE_WORKS applied to these leaves what it leaves applied to all of them in order."""
    first: dict[str, dict[str, Any]] = {}
    resolved: dict[str, dict[str, Any]] = {}
    for row in rows:
        if first.setdefault(row["id"], row) is not row and row.get("status") == "resolved":
            resolved.setdefault(row["id"], row)
    out = []
    for wid, row in first.items():
        out.append(row)
        if row.get("status") != "resolved" and wid in resolved:
            out.append(resolved[wid])
    return out


def _document_rows(doc: Document) -> list[tuple[str, list[dict[str, Any]]]]:
    src = doc.source
    source_row = {
        **src.model_dump(mode="json"),
        "ingested_at": timestamp(),
        "claim_count": len(doc.claims),
        "cited_count": sum(1 for c in doc.claims if c.citation_status == CitationStatus.CITED),
    }
    claim_rows = _claim_rows(doc)
    cited = {c.claim_id for c in doc.citations if not c.candidate}
    cited_rows = [r for r in claim_rows if r["claim"]["id"] in cited]
    uncited_rows = [r for r in claim_rows if r["claim"]["id"] not in cited]
    listed = list(dict.fromkeys(doc.listed_work_ids))
    return [
        (cypher.MERGE_SOURCE, [source_row]),
        (cypher.MERGE_ENTITIES, [e.model_dump(mode="json") for e in doc.entities]),
        (cypher.CREATE_PROPOSITIONS, [p.model_dump(mode="json") for p in doc.propositions]),
        (cypher.LINK_POPULATIONS, [p.model_dump(mode="json") for p in doc.propositions if p.population_id]),
        (cypher.MERGE_WORKS, [work_properties(w) for w in doc.works]),
        (cypher.CREATE_CITED_CLAIMS, [{"source_id": src.id, "claims": cited_rows}] if cited_rows else []),
        (
            cypher.CREATE_UNCITED_CLAIMS,
            [{"source_id": src.id, "claims": uncited_rows}] if uncited_rows else [],
        ),
        (cypher.MERGE_CANDIDATES, [c.model_dump(mode="json") for c in doc.citations if c.candidate]),
        (cypher.CREATE_LISTED_WORKS, [{"source_id": src.id, "work_ids": listed}] if listed else []),
        (
            cypher.CREATE_STANCE_EVENTS,
            [stance_event_properties(c.stance) for c in doc.citations if c.stance and not c.candidate],
        ),
    ]


def _claim_rows(doc: Document) -> list[dict[str, Any]]:
    """One row per claim: its properties with its grade, its Assessment node, the propositions it
    states and what it cites."""
    assessments = {a.claim_id: a for a in doc.assessments}
    if ungraded := [c.id for c in doc.claims if c.id not in assessments]:
        raise UngradedClaim(
            f"{doc.source.locator}: {len(ungraded)} of its claims have no grade (the first: {ungraded[0]}); "
            "grade the document before writing it (ingest.evidence.complete)"
        )
    interventions = _names_by_claim(doc, "intervention_id")
    outcomes = _names_by_claim(doc, "outcome_id")
    stated: dict[str, list[str]] = {}
    for cp in _first_of_each(doc.claim_propositions, lambda cp: (cp.claim_id, cp.proposition_id)):
        stated.setdefault(cp.claim_id, []).append(cp.proposition_id)
    # Each CITES edge also holds what grading read of its work (the claim beside its study).
    studies = {(a.claim_id, s.work_id): study_edge_properties(s) for a in doc.assessments for s in a.studies}
    citing: dict[str, list[dict[str, Any]]] = {}
    for x in _first_of_each([c for c in doc.citations if not c.candidate], lambda c: c.id):
        row = x.model_dump(mode="json", exclude={"stance"}) | studies.get((x.claim_id, x.work_id), {})
        if x.stance is not None:
            row |= stance_edge_properties(x.stance)
        citing.setdefault(x.claim_id, []).append(row)
    return [
        {
            "claim": _claim_row(c, doc, interventions, outcomes) | grade_properties(assessments[c.id]),
            "assessment": assessment_properties(assessments[c.id]),
            "proposition_ids": stated.get(c.id, []),
            "citations": citing.get(c.id, []),
        }
        for c in doc.claims
    ]


def _claim_row(
    c: Claim, doc: Document, interventions: dict[str, list[str]], outcomes: dict[str, list[str]]
) -> dict[str, Any]:
    return {
        **claim_properties(c),
        "interventions": interventions.get(c.id, []),
        "outcomes": outcomes.get(c.id, []),
        "source_title": doc.source.title or doc.source.key,
    }


def _names_by_claim(doc: Document, field: str) -> dict[str, list[str]]:
    entity_names = {e.id: e.name for e in doc.entities}
    prop_entity = {p.id: getattr(p, field) for p in doc.propositions}
    out: dict[str, list[str]] = {}
    for cp in doc.claim_propositions:
        name = entity_names.get(prop_entity.get(cp.proposition_id, ""))
        if name and name not in out.setdefault(cp.claim_id, []):
            out[cp.claim_id].append(name)
    return out
