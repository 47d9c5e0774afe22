"""Read models: what the store's queries return to the app and the CLI.

They are looser than `kb.models` (extra keys allowed) because they mirror stored properties,
which an older or newer writer may have added to. Where a stored node is one model's own (a
`Work`, an `Entity`, a `Flag` with its events) the model itself is returned (`kb.rows` reads
it back). The statements that read a view project exactly its fields (`kb.cypher`), so a field
added here is read with no other change.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kb.comparison import StudyComparison
from kb.models import Atom, CitationStatus, ClaimKind, EditorStance, Flag, Grade, StanceEvent, Work


class View(BaseModel):
    model_config = ConfigDict(extra="allow")


class ClaimRow(View):
    """A claim as stored: its own properties (`kb.models.Claim`, with its cues' fields beside them
    and its atoms as JSON text), what the writer adds for lists, its grade, and whether an
    editor flagged it. Every claim read from the graph reads these properties."""

    id: str
    source_id: str
    text: str
    start: int
    end: int
    kind: ClaimKind = ClaimKind.EFFICACY
    confidence: float = 0.5
    citation_status: CitationStatus
    hedges: list[str] = Field(default_factory=list)
    boosters: list[str] = Field(default_factory=list)
    attribution: str | None = None
    atoms_json: str = "[]"
    interventions: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    source_title: str | None = None
    grade: Grade
    score: float
    overclaim: bool = False
    rank: float
    reasons: list[str] = Field(default_factory=list)  # why the grade is what it is
    rubric_version: str
    flagged: bool = False
    # The claim beside its studies (kb.grading): True when a counted study does not match and no
    # editor said it supports the claim; None when nothing could be compared.
    study_mismatch: bool | None = None
    study_mismatch_count: int = 0
    study_overstated: bool = False

    @property
    def atoms(self) -> list[Atom]:
        return [Atom.model_validate(a) for a in json.loads(self.atoms_json)]


class ClaimFilter(BaseModel):
    """Every field optional; None means "any"."""

    source_id: str | None = None
    status: CitationStatus | None = None
    grade: Grade | None = None
    search: str | None = None
    cue: str | None = None
    flagged: bool | None = None
    overclaim: bool | None = None
    intervention: str | None = None
    outcome: str | None = None

    def params(self) -> dict[str, Any]:
        out = self.model_dump(mode="json")
        # Search is case-insensitive: stored search_text is lower case.
        out["search"] = self.search.strip().lower() or None if self.search else None
        return out


class ClaimPage(View):
    rows: list[ClaimRow]
    total: int
    page: int
    page_size: int


class ClaimRef(View):
    """Enough of a claim to name it and open it."""

    id: str
    text: str
    source_id: str
    citation_status: CitationStatus | None = None


class SourceRow(View):
    """An article version in a list."""

    id: str
    key: str
    locator: str | None = None
    title: str | None = None
    site: str | None = None
    ingested_at: str | None = None
    is_latest: bool | None = None
    claim_count: int | None = None
    cited_count: int | None = None


class SourceRecord(SourceRow):
    """One article version with its text (what every claim's span points into)."""

    text: str = ""
    author: str | None = None
    published: str | None = None
    language: str | None = None
    content_type: str | None = None
    content_hash: str | None = None


class SourceVersion(View):
    id: str
    ingested_at: str | None = None
    is_latest: bool | None = None
    content_hash: str | None = None


class SourceView(View):
    source: SourceRecord
    claims: list[ClaimRow]
    versions: list[SourceVersion] = Field(default_factory=list)


class CitationEdge(View):
    """A CITES or CANDIDATE edge's own properties."""

    id: str | None = None
    provenance: str | None = None  # a `kb.models.Provenance` value
    text: str | None = None  # the citation as written
    accepted: bool = False  # a candidate an editor accepted
    decided_by: str | None = None
    decided_at: str | None = None
    comparison_json: str | None = None  # the claim beside this work (`kb.comparison.StudyComparison`)
    mismatch_count: int | None = None  # its mismatching axes; None: not compared
    stance: EditorStance | None = None  # an editor's current stance, with who, when and why
    stance_by: str | None = None
    stance_at: str | None = None
    stance_note: str | None = None


class CitedWork(View):
    kind: Literal["CITES", "CANDIDATE"]
    edge: CitationEdge
    work: Work


class PropositionRef(View):
    id: str
    text: str
    effect: str | None = None


class OtherClaim(View):
    """A claim elsewhere that states the same proposition."""

    claim_id: str
    text: str
    source_id: str
    title: str | None = None  # its source's


class PropositionView(View):
    proposition: PropositionRef
    others: list[OtherClaim]


class ClaimStudy(View):
    """One work the claim is judged against (cited, or a candidate an editor accepted): the claim
    beside it and the editor's current stance on it."""

    work: Work
    candidate: bool = False
    comparison: StudyComparison | None = None  # None: not compared yet
    stance: StanceEvent | None = None  # the current one; the history: GraphStore.stance_history


class ClaimDetail(View):
    claim: ClaimRow
    source: SourceRecord
    citations: list[CitedWork] = Field(default_factory=list)
    candidates: list[CitedWork] = Field(default_factory=list)
    propositions: list[PropositionView] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)  # each with its history, oldest event first
    studies: list[ClaimStudy] = Field(default_factory=list)  # cited works, then accepted candidates


class MismatchedStudy(View):
    """One study of a claim that does not match it, and how, in words."""

    work_id: str
    label: str  # the work's title, or how the article cited it
    candidate: bool = False
    stance: EditorStance | None = None  # an editor's current stance, if one was recorded
    reasons: list[
        str
    ]  # "an editor (Ana) judged that it contradicts the claim", "who: claim about people; study in mice"


class StudyMismatch(View):
    """A claim that is cited, but whose study does not match it: one row of the editors'
    worklist and of the correction report."""

    claim_id: str
    text: str
    source_id: str
    source_title: str | None = None
    grade: Grade
    rank: float
    overclaim: bool = False
    mismatch_count: int  # the reasons below, every study's
    overstated: bool = False  # a strength mismatch among them
    studies: list[MismatchedStudy]
    work_label: str  # the first mismatched study's label
    reasons: list[str]  # every study's reasons; prefixed with the study's label when there are several


class FlaggedClaim(View):
    flag: Flag  # without its history
    claim: ClaimRef


class UnsupportedProposition(View):
    """A proposition stated without a citation, with how many sources and claims state it so."""

    id: str
    text: str
    sources: int
    claims: int


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


def work_label(work: Work) -> str:
    """What a work is called in a list: its title, how the article cited it, its URL or key."""
    return work.title or work.citation_text or work.url or work.key


def caption(props: Mapping[str, Any], fallback: str) -> str:
    """What a node is called in a view: its title, name, text or key (the first it has)."""
    return str(props.get("title") or props.get("name") or props.get("text") or props.get("key") or fallback)


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
