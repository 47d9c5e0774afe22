"""Read models: what the store's queries return to the app and the CLI.

They are looser than `kb.models` (extra keys allowed) because they mirror stored properties,
which an older or newer writer may have added to.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


class ClaimRow(View):
    id: str
    text: str
    source_id: str
    citation_status: str
    grade: str | None = None
    score: float | None = None
    overclaim: bool | None = None
    flagged: bool | None = None
    hedges: list[str] = Field(default_factory=list)
    boosters: list[str] = Field(default_factory=list)
    attribution: str | None = None
    interventions: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    kind: str | None = None
    confidence: float | None = None
    start: int | None = None
    end: int | None = None
    source_title: str | None = None
    atoms_json: str | None = None
    reasons: list[str] = Field(default_factory=list)  # why the grade is what it is
    rubric_version: str | None = None

    @property
    def grade_label(self) -> str:
        return self.grade or "not graded"

    @property
    def atoms(self) -> list[dict[str, Any]]:
        return json.loads(self.atoms_json) if self.atoms_json else []


class ClaimFilter(BaseModel):
    """Every field optional; None means "any"."""

    source_id: str | None = None
    status: str | None = None
    grade: str | None = None
    search: str | None = None
    cue: str | None = None
    flagged: bool | None = None
    overclaim: bool | None = None
    intervention: str | None = None
    outcome: str | None = None

    def params(self) -> dict[str, Any]:
        out = self.model_dump()
        # Search is case-insensitive: stored search_text is lower case.
        out["search"] = self.search.strip().lower() or None if self.search else None
        return out


class ClaimPage(View):
    rows: list[ClaimRow]
    total: int
    page: int
    page_size: int


class SourceRow(View):
    id: str
    key: str
    locator: str | None = None
    title: str | None = None
    site: str | None = None
    ingested_at: str | None = None
    is_latest: bool | None = None
    claim_count: int | None = None
    cited_count: int | None = None


class SourceView(View):
    source: dict[str, Any]
    claims: list[ClaimRow]
    versions: list[dict[str, Any]] = Field(default_factory=list)


class CitedWork(View):
    kind: str  # "CITES" or "CANDIDATE"
    edge: dict[str, Any]
    work: dict[str, Any]


class FlagView(View):
    flag: dict[str, Any]
    history: list[dict[str, Any]]


class PropositionView(View):
    proposition: dict[str, Any]
    others: list[dict[str, Any]]


class ClaimDetail(View):
    claim: ClaimRow
    source: dict[str, Any]
    assessment: dict[str, Any] | None = None
    citations: list[CitedWork] = Field(default_factory=list)
    candidates: list[CitedWork] = Field(default_factory=list)
    propositions: list[PropositionView] = Field(default_factory=list)
    flags: list[FlagView] = Field(default_factory=list)


class GraphNode(View):
    id: str
    labels: list[str]
    caption: str
    properties: dict[str, Any] = Field(default_factory=dict)


class GraphEdge(View):
    start: str
    end: str
    type: str
    provenance: str | None = None


class Subgraph(View):
    nodes: list[GraphNode] = Field(default_factory=list)
    edges: list[GraphEdge] = Field(default_factory=list)
    truncated: bool = False


class Counts(View):
    nodes: dict[str, int]
    claims_by_status: dict[str, int]
    claims_by_grade: dict[str, int]


class ConsoleResult(View):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    cut: str = ""  # why it was truncated: "rows" (console_row_limit) or "size" (console_max_bytes)
    graph: Subgraph | None = None
    elapsed_ms: float = 0.0
