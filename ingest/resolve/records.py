"""What one service says about one work, and how several answers fold into a `Work`.

Every parser returns `Record`s holding only what the response states. `merge` copies them onto the
work: bibliographic fields from the most authoritative service that has them (PubMed, then
Europe PMC, Crossref, OpenAlex, ClinicalTrials.gov, the page's own meta tags), identifiers only
where the work has none, retraction as soon as any service reports it. Nothing is inferred here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from kb.models import Work, WorkFacts, WorkStatus

__all__ = ["PRIORITY", "Record", "merge"]

# Bibliographic authority, best first. PubMed curates titles and journals by hand.
# Europe PMC mirrors PubMed's records and adds preprints; OpenAlex's abstracts are rebuilt word lists.
PRIORITY = ("pubmed", "europepmc", "crossref", "openalex", "clinicaltrials", "meta_tags", "idconv")
_IDS = ("doi", "pmid", "pmcid", "nct")
_BIBLIO = ("title", "journal", "year", "volume", "issue", "pages", "abstract", "trial_phase", "trial_status")
_LISTS = ("authors", "publication_types", "mesh")


class Record(WorkFacts):
    """What one lookup service said about a work."""

    service: str
    journal_abbrev: str | None = None  # "Am J Psychiatry" beside "The American journal of psychiatry"
    type_label: str | None = None  # the service's own type: "journal-article", "review", "letter"
    stated_design: str | None = None  # a registry's declared design (a kb.models.Design value)
    retraction_notice: bool = False  # the record is itself a retraction notice
    notes: list[str] = Field(default_factory=list)  # e.g. "phase 3, completed, results posted"


def _ranked(records: Sequence[Record]) -> list[Record]:
    order = {name: i for i, name in enumerate(PRIORITY)}
    return sorted(records, key=lambda r: order.get(r.service, len(order)))


def merge(work: Work, records: Sequence[Record]) -> Work:
    """The work with every answered field filled in; status RESOLVED when any record came back."""
    if not records:
        return work
    ranked = _ranked(records)
    update: dict[str, object] = {"status": WorkStatus.RESOLVED, "unresolved_reason": None}
    for name in _IDS:
        if getattr(work, name) is None:
            update[name] = next((getattr(r, name) for r in ranked if getattr(r, name)), None)
    for name in (*_BIBLIO, "sample_size", "human"):
        value = next((getattr(r, name) for r in ranked if getattr(r, name) is not None), None)
        update[name] = value if value is not None else getattr(work, name)
    for name in _LISTS:
        value = next((getattr(r, name) for r in ranked if getattr(r, name)), None)
        update[name] = list(value) if value else list(getattr(work, name))
    update["retracted"] = _any_flag(work.retracted, [r.retracted for r in records])
    update["expression_of_concern"] = _any_flag(
        work.expression_of_concern, [r.expression_of_concern for r in records]
    )
    counts = [r.cited_by_count for r in records if r.cited_by_count is not None]
    update["cited_by_count"] = max(counts) if counts else work.cited_by_count
    update["resolved_by"] = sorted({*work.resolved_by, *(r.service for r in records)})
    return Work.model_validate(work.model_dump() | update)


def _any_flag(current: bool | None, said: list[bool | None]) -> bool | None:
    """True if anyone says so; False only if a service said False and none said True."""
    if current or any(s is True for s in said):
        return True
    if any(s is False for s in said):
        return False
    return current
