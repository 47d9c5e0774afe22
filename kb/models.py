"""The vocabulary shared by `ingest`, `kb` and `ui`: pydantic models of what the graph holds.

Every id is derived from content (see `kb.ids`), so building the same model from the same input
twice gives the same id, and writing it twice changes nothing in the graph.

    Document            one ingested article version, as written in one transaction
    ├── Source          the article version (its extracted text is what every span points into)
    ├── Claim[]         checkable sentences/clauses with their span, cues, atoms, status
    ├── Entity[]        normalized interventions, conditions, outcomes, populations
    ├── Proposition[]   (intervention, effect, outcome) shared across sources
    ├── Work[]          cited studies, reports, pages (resolved or not)
    └── Citation[]      claim → work edges with provenance
    Assessment          a grade for a claim, with reasons and rubric version, and what it read
                        of each work (`kb.comparison.StudyEvidence`: the claim beside its study)
    Flag, FlagEvent     an editor's judgement on a claim and its status history
    StanceEvent         an editor's judgement of one cited work: supports, does not support or
                        contradicts the claim (the latest is the current stance)

The vocabularies are enums here, once: citation status, grade, study design, flag reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kb import ids
from kb.comparison import StudyEvidence


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(at: datetime | None = None) -> str:
    """`at` (default now) as ISO-8601 UTC text in the "Z" form pydantic writes, so stored times
    sort as text."""
    return (at or utcnow()).isoformat().replace("+00:00", "Z")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CitationStatus(StrEnum):
    CITED = "cited"  # the text attaches an explicit reference to the claim
    VAGUE = "vague"  # leans on unnamed research ("studies show") with nothing attached
    MISSING = "missing"  # asserts without any attribution


class ClaimKind(StrEnum):
    EFFICACY = "efficacy"
    SAFETY = "safety"
    ONSET = "onset"
    SUPERIORITY = "superiority"
    MECHANISM = "mechanism"


class EntityKind(StrEnum):
    INTERVENTION = "intervention"
    CONDITION = "condition"
    OUTCOME = "outcome"
    POPULATION = "population"


class Provenance(StrEnum):
    """How an edge was made. Stored on every edge so a reader can judge it."""

    INLINE_LINK = "inline_link"
    INLINE_IDENTIFIER = "inline_identifier"  # a DOI, PMID, PMCID or NCT number in the text
    NUMBERED_MARKER = "numbered_marker"  # [3], (3), superscript "conditions.1,2"
    AUTHOR_YEAR = "author_year"  # (Grabski et al., 2022)
    NAMED_SOURCE = "named_source"  # (Harvard Gazette, 2023)
    REFERENCE_LIST = "reference_list"  # an entry of the article's reference list
    EXTRACTOR = "extractor"  # the rule-based claim/atom extractor
    EDITOR = "editor"
    LITERATURE_SEARCH = "literature_search"


class Grade(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very low"
    NONE = "none"


class Design(StrEnum):
    """The vocabulary of `Work.design`, best evidence first (`kb/rubric.json` gives each its start grade)."""

    SYSTEMATIC_REVIEW = "systematic_review"
    META_ANALYSIS = "meta_analysis"
    RCT = "rct"
    GUIDELINE = "guideline"
    NON_RANDOMIZED_CONTROLLED = "non_randomized_controlled"
    COHORT = "cohort"
    CASE_CONTROL = "case_control"
    CROSS_SECTIONAL = "cross_sectional"
    CASE_SERIES = "case_series"
    CASE_REPORT = "case_report"
    TRIAL_REGISTRATION = "trial_registration"  # a registry record with no results posted
    ANIMAL = "animal"
    IN_VITRO = "in_vitro"
    NARRATIVE_REVIEW = "narrative_review"
    EDITORIAL = "editorial"  # editorial, opinion, comment, letter
    NEWS = "news"  # news story, magazine article, press release
    COMMERCIAL = "commercial"  # the citing site's own page or a vendor's
    UNKNOWN = "unknown"


class WorkStatus(StrEnum):
    PENDING = "pending"  # not looked up yet
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"  # looked up and not found, or not resolvable; see reason


class FlagStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # the text was corrected
    DISMISSED = "dismissed"  # the flag was wrong


class FlagReason(StrEnum):
    """Why an editor flags a claim."""

    UNCITED = "uncited"
    VAGUE = "vague attribution"
    OVERCLAIM = "overclaim"
    MISLEADING = "misleading"
    OTHER = "other"


class EditorStance(StrEnum):
    """What an editor judged a cited (or accepted candidate) work to do for a claim."""

    SUPPORTS = "supports"
    DOES_NOT_SUPPORT = "does not support"
    CONTRADICTS = "contradicts"


class Cues(Model):
    hedges: list[str] = Field(default_factory=list)
    boosters: list[str] = Field(default_factory=list)
    attribution: str | None = None  # "vague" when the claim leans on unnamed research


class Atom(Model):
    """One (intervention, effect, outcome) triple of a claim; one per outcome."""

    intervention: str
    effect: str
    outcome: str
    population: str | None = None


class Source(Model):
    """One version of an article. `key` names the article; `id` names this version."""

    key: str  # normalized URL or file name: the same article across versions
    locator: str  # what the user gave: URL, path or "-" for standard input
    text: str  # extracted main text; every span refers to it
    content_hash: str = ""
    id: str = ""
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    content_type: str = "text/plain"
    fetched_at: datetime = Field(default_factory=utcnow)

    @model_validator(mode="after")
    def _derive_ids(self) -> Source:
        digest = ids.content_hash(self.text)
        if self.content_hash != digest:
            self.content_hash = digest
        want = ids.source_id(self.key, digest)
        if self.id != want:
            self.id = want
        return self


class Claim(Model):
    source_id: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    id: str = ""
    kind: ClaimKind = ClaimKind.EFFICACY
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    citation_status: CitationStatus = CitationStatus.MISSING
    cues: Cues = Field(default_factory=Cues)
    atoms: list[Atom] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_span(self) -> Claim:
        if self.end < self.start:
            raise ValueError(f"claim span end {self.end} is before start {self.start}")
        want = ids.claim_id(self.source_id, self.start, self.end)
        if self.id != want:
            self.id = want
        return self


class Entity(Model):
    kind: EntityKind
    name: str  # canonical, lower case
    synonyms: list[str] = Field(default_factory=list)
    id: str = ""

    @model_validator(mode="after")
    def _derive_id(self) -> Entity:
        want = ids.entity_id(self.kind, self.name)
        if self.id != want:
            self.id = want
        return self


class Proposition(Model):
    """What several sources may state in different words: one node per normalized triple."""

    intervention_id: str
    effect: str  # normalized verb: "reduces", "treats", "improves"...
    outcome_id: str
    text: str  # readable form, "ketamine reduces alcohol cravings"
    population_id: str | None = None
    id: str = ""

    @model_validator(mode="after")
    def _derive_id(self) -> Proposition:
        want = ids.proposition_id(self.intervention_id, self.effect, self.outcome_id)
        if self.id != want:
            self.id = want
        return self


class ClaimProposition(Model):
    claim_id: str
    proposition_id: str


class WorkFacts(BaseModel):
    """What is known of a work: its identifiers, its bibliographic fields and what kind of study it
    was. A `Work` holds them, and so does each lookup service's record of it
    (`ingest.resolve.records.Record`), which the resolver merges into the work."""

    model_config = ConfigDict(extra="forbid")

    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    nct: str | None = None
    url: str | None = None
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    authors: list[str] = Field(default_factory=list)
    volume: str | None = None  # the locator, as cited or as a service gives it: "179", "2", "152-162"
    issue: str | None = None
    pages: str | None = None  # first page, page range or article number ("1552084")
    abstract: str | None = None  # or the conclusion, as the service gives it (what the study found)
    publication_types: list[str] = Field(default_factory=list)  # PubMed's list
    mesh: list[str] = Field(default_factory=list)
    trial_phase: str | None = None  # ClinicalTrials.gov: "phase 2", "phase 1/2", "not applicable"
    trial_status: str | None = None  # ClinicalTrials.gov: "completed", "recruiting", "terminated"
    sample_size: int | None = None
    human: bool | None = None
    retracted: bool | None = None
    expression_of_concern: bool | None = None
    cited_by_count: int | None = None


class Work(WorkFacts, Model):
    """A cited or candidate study, report or page. Unknown fields stay None: never guessed."""

    key: str  # best identifier: "doi:10.5555/x", "pmid:912345678", "nct:NCT...", "url:...", "ref:<hash>"
    id: str = ""
    status: WorkStatus = WorkStatus.PENDING
    unresolved_reason: str | None = None
    citation_text: str | None = None  # how the article wrote it, for unresolved works
    design: Design | None = None
    resolved_by: list[str] = Field(default_factory=list)  # services that answered

    @model_validator(mode="after")
    def _derive_id(self) -> Work:
        want = ids.work_id(self.key)
        if self.id != want:
            self.id = want
        return self


class StanceEvent(Model):
    """One editor's stance on one work for one claim; the newest of a pair is its current stance."""

    claim_id: str
    work_id: str
    stance: EditorStance
    note: str = ""
    by: str = Field(min_length=1)
    at: datetime = Field(default_factory=utcnow)
    id: str = Field(default_factory=ids.new_stance_event_id)


class Citation(Model):
    """An edge Claim -[:CITES]-> Work, or Claim -[:CANDIDATE]-> Work for literature search hits."""

    claim_id: str
    work_id: str
    provenance: Provenance
    text: str = ""  # the citation as written ("[3]", "(Grabski et al., 2022)", a URL)
    candidate: bool = False  # a search hit, never counted for the grade until accepted
    accepted: bool = False
    stance: StanceEvent | None = None  # an editor's current stance, read back from the graph
    id: str = ""

    @model_validator(mode="after")
    def _derive_id(self) -> Citation:
        want = ids.citation_id(self.claim_id, self.work_id, self.candidate)
        if self.id != want:
            self.id = want
        return self


class Assessment(Model):
    claim_id: str
    grade: Grade
    score: float
    reasons: list[str]
    rubric_version: str
    overclaim: bool = False
    assessed_at: datetime = Field(default_factory=utcnow)
    # The claim beside its studies (docs/rubric.md): what was read of each work, written onto the
    # claim's edge to it; whether a counted study does not match (None: nothing could be
    # compared), how many mismatches the worklist shows, and whether one is a strength overstatement.
    studies: list[StudyEvidence] = Field(default_factory=list)
    study_mismatch: bool | None = None
    study_mismatch_count: int = 0
    study_overstated: bool = False
    # The editors' stances (`StanceEvent` ids) this grade followed: the store writes it only while
    # they are still the current ones, so a grade read before an editor's stance never replaces
    # the one the stance gave (`kb.cypher.SET_ASSESSMENTS`). Not stored.
    stances_seen: list[str] = Field(default_factory=list)


class FlagEvent(Model):
    status: FlagStatus
    by: str
    note: str = ""
    at: datetime = Field(default_factory=utcnow)
    id: str = Field(default_factory=ids.new_flag_event_id)


class Flag(Model):
    claim_id: str
    reason: FlagReason
    created_by: str
    note: str = ""
    id: str = Field(default_factory=ids.new_flag_id)
    status: FlagStatus = FlagStatus.OPEN
    created_at: datetime = Field(default_factory=utcnow)
    history: list[FlagEvent] = Field(default_factory=list)


class Document(Model):
    """Everything one article version adds to the graph; the store writes it atomically."""

    source: Source
    claims: list[Claim] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    propositions: list[Proposition] = Field(default_factory=list)
    claim_propositions: list[ClaimProposition] = Field(default_factory=list)
    works: list[Work] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    listed_work_ids: list[str] = Field(default_factory=list)  # reference-list entries
    assessments: list[Assessment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_consistency(self) -> Document:
        text_len = len(self.source.text)
        claim_ids = {c.id for c in self.claims}
        for claim in self.claims:
            if claim.source_id != self.source.id:
                raise ValueError(f"claim {claim.id} belongs to another source")
            if claim.end > text_len:
                raise ValueError(f"claim {claim.id} span ends past the source text")
        work_ids = {w.id for w in self.works}
        for cit in self.citations:
            if cit.claim_id not in claim_ids or cit.work_id not in work_ids:
                raise ValueError(f"citation {cit.id} points outside this document")
        return self
