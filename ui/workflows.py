"""What the CLI and the app both do: analyse inputs with `ingest`, write them through `kb`.

`ingest` never talks to the database, and `kb` never imports `ingest`; the few steps that need
both — ingest a batch, check one pasted article, grade and resolve what the graph holds — live
here, shared by `kb ingest` and the "Check an article" page. What became of each input is one
`ItemReport`, whichever of them wrote it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from tqdm import tqdm

from ingest import evidence
from ingest.errors import IngestError, one_line
from ingest.fetch import Fetched, fetch
from ingest.http import make_session
from ingest.inputs import expand_inputs
from ingest.mediatypes import DOCUMENT_TYPES, effective_type, type_for_suffix
from ingest.pipeline import analyse_inputs, analyse_within
from ingest.resolve import Endpoints
from kb.errors import KBError
from kb.models import CitationStatus, Claim, Document, WorkStatus
from kb.settings import Settings
from kb.store import GraphStore

StageCallback = Callable[[str, str], None]  # (stage, what it is doing), for the app's progress lines


PARALLEL_FROM = 16  # inputs from which a batch is analysed in several processes
WRITE_BATCH = 20  # documents written per transaction


@dataclass
class ItemReport:
    """What became of one input: the document written (or found already there) and its claims'
    citation statuses, or the one line that says why it failed."""

    locator: str
    source_id: str | None = None
    created: bool = False  # False when this exact version was already in the graph
    claims: int = 0
    cited: int = 0
    vague: int = 0
    missing: int = 0
    error: str | None = None
    warning: str | None = None  # stored, but cut (`Analysis.cut`)

    def written(self, doc: Document, created: bool) -> None:
        """Fill in what writing `doc` did."""
        statuses = [c.citation_status for c in doc.claims]
        self.source_id, self.created, self.claims = doc.source.id, created, len(statuses)
        self.cited = statuses.count(CitationStatus.CITED)
        self.vague = statuses.count(CitationStatus.VAGUE)
        self.missing = statuses.count(CitationStatus.MISSING)


@dataclass
class BatchReport:
    items: list[ItemReport] = field(default_factory=list)

    @property
    def failed(self) -> list[ItemReport]:
        return [i for i in self.items if i.error]

    def totals(self) -> dict[str, int]:
        ok = [i for i in self.items if not i.error]
        return {
            "documents": len(ok),
            "new": sum(i.created for i in ok),
            "failed": len(self.failed),
            "claims": sum(i.claims for i in ok),
            "cited": sum(i.cited for i in ok),
            "vague": sum(i.vague for i in ok),
            "missing": sum(i.missing for i in ok),
        }


def default_workers(inputs: int) -> int:
    """Processes for analysing a batch: one per core for a large batch, else none extra."""
    return max(1, os.cpu_count() or 1) if inputs >= PARALLEL_FROM else 1


def ingest_batch(
    store: GraphStore,
    settings: Settings,
    args: Iterable[str],
    *,
    as_list: bool = False,
    offline: bool | None = None,
    progress: bool = True,
    stdin: BinaryIO | None = None,
    on_error: Callable[[str], None] | None = None,
    endpoints: Endpoints | None = None,
    workers: int | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> BatchReport:
    """Ingest every input; a bad one is reported and skipped, whatever went wrong with it.

    A large batch is analysed in `workers` processes (default: one per core from
    `PARALLEL_FROM` inputs) while this process writes. Documents are written `WRITE_BATCH` to a
    transaction; if such a write fails, for any reason, its documents are written one per
    transaction, so only the bad one is reported and the others land. A document stored cut
    (too many claims or citations) is reported to `on_warning`."""
    args = list(args)
    offline = settings.offline if offline is None else offline
    total = len(expand_inputs(args, as_list=as_list))
    workers = default_workers(total) if workers is None else workers
    report = BatchReport()
    pending: list[tuple[ItemReport, Document]] = []
    bar = tqdm(total=total, unit="doc", disable=not progress or total < 2, leave=False)

    def flush() -> None:
        for item in _write_all(store, pending):
            if on_error and item.error:
                on_error(item.error)
        pending.clear()

    analyses = analyse_inputs(args, settings, as_list=as_list, stdin=stdin, workers=workers)
    for locator, outcome in analyses:
        bar.update(1)
        item = ItemReport(locator=locator)
        report.items.append(item)
        if isinstance(outcome, IngestError):
            item.error = str(outcome)
            if on_error:
                on_error(item.error)
            continue
        try:
            doc = evidence.complete(outcome.document, settings, offline=offline, endpoints=endpoints)
        except Exception as e:  # a KBError, or a surprise: this item's error either way
            item.error = _item_error(locator, e)
            if on_error:
                on_error(item.error)
            continue
        if outcome.cut:
            item.warning = outcome.cut
            if on_warning:
                on_warning(outcome.cut)
        pending.append((item, doc))
        if len(pending) >= WRITE_BATCH:
            flush()
    flush()
    bar.close()
    return report


def _write_all(store: GraphStore, pending: list[tuple[ItemReport, Document]]) -> list[ItemReport]:
    """Write documents in one transaction, or one by one when that fails; fill in their reports."""
    try:
        results = [r.created for r in store.write_documents([doc for _, doc in pending])]
    except Exception:  # not only KBError: a value the driver cannot send fails the batch too
        results = []
        for item, doc in pending:
            try:
                results.append(store.write_document(doc).created)
            except Exception as e:
                item.error = _item_error(item.locator, e)
                results.append(False)
    for (item, doc), created in zip(pending, results, strict=True):
        if not item.error:
            item.written(doc, created)
    return [item for item, _ in pending]


def _item_error(locator: str, error: Exception) -> str:
    """One line for an item: a library error as it is, anything else named as unexpected."""
    what = str(error) if isinstance(error, KBError) else f"unexpected error: {type(error).__name__}: {error}"
    return one_line(f"{locator}: {what}")


def _pasted(text: str) -> Fetched:
    return Fetched(url="pasted text", final_url="-", content_type="text/plain", body=text.encode("utf-8"))


def _uploaded(data: bytes, filename: str) -> Fetched:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    content_type = effective_type(type_for_suffix(suffix), data[:2048])
    if content_type not in DOCUMENT_TYPES:
        raise IngestError(
            f"{filename}: cannot read {content_type}; upload an HTML, text, Markdown or PDF file"
        )
    return Fetched(url=filename, final_url="-", content_type=content_type, body=data)


def check_article(
    store: GraphStore,
    settings: Settings,
    *,
    text: str | None = None,
    url: str | None = None,
    data: bytes | None = None,
    filename: str | None = None,
    on_stage: StageCallback | None = None,
) -> ItemReport:
    """Analyse one article from pasted text, a URL or an uploaded file, and store it."""
    say = on_stage or (lambda stage, message: None)
    if url:
        say("fetch", f"fetching {url}")
        fetched = fetch(url.strip(), settings)
    elif data is not None:
        fetched = _uploaded(data, filename or "upload")
    elif text and text.strip():
        fetched = _pasted(text)
    else:
        raise IngestError("nothing to check: paste the article's text, give its URL or upload a file")
    say("extract", "extracting the main text")
    analysis = analyse_within(fetched, settings)
    doc = analysis.document
    say("claims", f"{len(doc.claims)} claims found")
    say("citations", f"{len(doc.citations)} citations attached, {len(doc.works)} works named")
    say("resolve", "looking up cited works" if not settings.offline else "offline: works stay unresolved")
    doc = evidence.complete(doc, settings, offline=settings.offline)
    say("grade", "grading the evidence for each claim")
    report = ItemReport(locator=fetched.url, warning=analysis.cut)
    report.written(doc, store.write_document(doc).created)
    return report


# --- evidence over the whole graph ---------------------------------------------------------------


def regrade(
    store: GraphStore, claim_ids: list[str] | None = None, *, batch: int = 500, progress: bool = False
) -> int:
    """Grade claims again from what the graph holds (all claims when `claim_ids` is None)."""
    done = 0
    bar = tqdm(unit="claim", disable=not progress, leave=False)

    def grade(claims: list[Claim]) -> None:
        nonlocal done
        citations, works = store.claim_evidence([c.id for c in claims])
        store.write_assessments(evidence.grade_claims(claims, citations, works))
        done += len(claims)
        bar.update(len(claims))

    if claim_ids is not None:
        for i in range(0, len(claim_ids), batch):
            grade(store.claims_by_id(claim_ids[i : i + batch]))
    else:
        after = ""
        while claims := store.claims_page(after=after, limit=batch):
            grade(claims)
            after = claims[-1].id
    bar.close()
    return done


@dataclass
class ResolveReport:
    looked_up: int = 0
    resolved: int = 0
    unresolved: int = 0
    regraded: int = 0


def resolve_pending(
    store: GraphStore,
    settings: Settings,
    *,
    retry_unresolved: bool = False,
    batch: int = 50,
    progress: bool = True,
    endpoints: Endpoints | None = None,
) -> ResolveReport:
    """Look up every pending work in the graph, a batch at a time (safe to stop and run again)."""
    statuses = [WorkStatus.PENDING, WorkStatus.UNRESOLVED] if retry_unresolved else [WorkStatus.PENDING]
    report = ResolveReport()
    bar = tqdm(unit="work", disable=not progress, leave=False)
    after = ""
    session = make_session(settings)
    try:
        while works := store.works_by_status(statuses, after=after, limit=batch):
            after = works[-1].id
            done = evidence.resolve(works, settings, session=session, endpoints=endpoints)
            store.update_works(done)  # each batch is saved before the next: an interrupted run resumes
            report.looked_up += len(done)
            report.resolved += sum(w.status is WorkStatus.RESOLVED for w in done)
            report.unresolved += sum(w.status is WorkStatus.UNRESOLVED for w in done)
            report.regraded += regrade(store, store.claims_citing([w.id for w in done]))
            bar.update(len(done))
    finally:
        session.close()
        bar.close()
    return report
