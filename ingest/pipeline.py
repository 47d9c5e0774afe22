"""From an input to a `kb.models.Document`, and from documents to the graph.

    read (inputs/fetch) → extract (main text, links) → claims (sentences, cues, atoms)
      → citations (mentions, reference list, scope rule) → entities and propositions
      → [resolve works → grade claims: see ingest.evidence] → store.write_document

`analyse()` is pure: text in, Document out, no I/O, so it is what `kb extract` and the tests
use. `analyse_inputs()` reads what the user named and yields one Analysis or one error per
item, so a batch goes on past a bad item. Like all of `ingest`, nothing here talks to the
database: `ui.workflows` writes the documents through `kb.store`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import requests

from ingest.claims import ClaimDetector, RuleClaimDetector
from ingest.entities import build_propositions
from ingest.errors import IngestError
from ingest.extract import Extracted, extract
from ingest.fetch import Fetched
from ingest.inputs import ReadResult, read_all
from ingest.linking import LinkResult, citation_status, link_citations, to_records
from kb.models import CitationStatus, Claim, Document, Source
from kb.settings import Settings

StageCallback = Callable[[str, str], None]  # (stage, message)

# Inputs queued per worker process: more than a write batch, so workers go on while it is written.
_IN_FLIGHT = 16

STAGES = ("fetch", "extract", "claims", "citations", "resolve", "grade", "write")


@dataclass
class Analysis:
    """A document plus what was found on the way (for `kb extract --json` and the app)."""

    document: Document
    links: LinkResult


@dataclass
class ItemReport:
    locator: str
    source_id: str | None = None
    created: bool = False
    claims: int = 0
    cited: int = 0
    vague: int = 0
    missing: int = 0
    error: str | None = None


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


# --- identity of an article -------------------------------------------------------------------


def source_key(fetched: Fetched) -> str:
    """What names the article across versions: its URL, its absolute path, or its text's hash."""
    if fetched.final_url.startswith(("http://", "https://")):
        parts = urlsplit(fetched.url if fetched.url.startswith("http") else fetched.final_url)
        return "url:" + urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
        )
    if fetched.final_url.startswith("file:"):
        return "file:" + fetched.final_url.removeprefix("file://")
    return "text:" + hashlib.sha256(fetched.body).hexdigest()[:20]  # stdin or pasted text


def _fallback_title(text: str, locator: str) -> str:
    """The first line, shortened at a word boundary when it is a whole paragraph."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first:
        return Path(locator).name or locator
    if len(first) <= 120:
        return first
    return first[:80].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --- the pure part ----------------------------------------------------------------------------


def analyse(
    extracted: Extracted,
    *,
    key: str,
    locator: str,
    content_type: str = "text/plain",
    base_url: str | None = None,
    detector: ClaimDetector | None = None,
) -> Analysis:
    """Find claims, citations, entities and propositions in extracted text."""
    text = extracted.text
    source = Source(
        key=key,
        locator=locator,
        text=text,
        title=extracted.title or _fallback_title(text, locator),
        site=extracted.site,
        author=extracted.author,
        published=extracted.published,
        language=extracted.language,
        content_type=content_type,
    )
    claims = (detector or RuleClaimDetector()).detect(text, source.id)
    links = link_citations(text, claims, extracted.links, base_url=base_url)
    if links.reference_start is not None:  # a reference list's titles are not the article's claims
        end = links.reference_end if links.reference_end is not None else len(text)
        kept = [c for c in claims if not (links.reference_start <= c.start < end)]
        if len(kept) != len(claims):
            claims = kept
            links = link_citations(text, claims, extracted.links, base_url=base_url)
    claims = [_with_status(c, links) for c in claims]
    records = to_records(links, source.key)
    entities, propositions, claim_props = build_propositions(claims)
    document = Document(
        source=source,
        claims=claims,
        entities=entities,
        propositions=propositions,
        claim_propositions=claim_props,
        works=records.works,
        citations=records.citations,
        listed_work_ids=records.listed_work_ids,
    )
    return Analysis(document=document, links=links)


def _with_status(claim: Claim, links: LinkResult) -> Claim:
    status = citation_status(claim, links.by_claim.get(claim.id, []))
    return claim.model_copy(update={"citation_status": status})


def analyse_fetched(fetched: Fetched, *, detector: ClaimDetector | None = None) -> Analysis:
    base = fetched.final_url if fetched.final_url.startswith("http") else None
    extracted = extract(
        fetched.body, fetched.content_type, charset=fetched.encoding, url=base, name=fetched.url
    )
    return analyse(
        extracted,
        key=source_key(fetched),
        locator=fetched.url,
        content_type=fetched.content_type,
        base_url=base,
        detector=detector,
    )


def status_counts(claims: Iterable[Claim]) -> dict[str, int]:
    counts = {s.value: 0 for s in CitationStatus}
    for c in claims:
        counts[c.citation_status.value] += 1
    return counts


def report_for(locator: str, doc: Document, created: bool) -> ItemReport:
    counts = status_counts(doc.claims)
    return ItemReport(
        locator=locator,
        source_id=doc.source.id,
        created=created,
        claims=len(doc.claims),
        cited=counts["cited"],
        vague=counts["vague"],
        missing=counts["missing"],
    )


def analyse_inputs(
    args: Iterable[str],
    settings: Settings,
    *,
    as_list: bool = False,
    session: requests.Session | None = None,
    stdin: BinaryIO | None = None,
    detector: ClaimDetector | None = None,
    workers: int = 1,
) -> Iterator[tuple[str, Analysis | IngestError]]:
    """(locator, analysis) for each input, in input order, or (locator, error) for one that could
    not be read. With `workers` > 1 the analysis (CPU-bound, pure) runs in that many processes
    while this one goes on reading; only the default detector is used there."""
    results = read_all(args, settings, as_list=as_list, session=session, stdin=stdin)
    if workers > 1 and detector is None:
        yield from _analyse_in_processes(results, workers)
        return
    detector = detector or RuleClaimDetector()
    for result in results:
        if result.error is not None or result.fetched is None:
            yield result.item.locator, result.error or IngestError(f"{result.item.locator}: nothing was read")
            continue
        try:
            yield result.item.locator, analyse_fetched(result.fetched, detector=detector)
        except IngestError as e:
            yield result.item.locator, e


def _analyse_or_error(fetched: Fetched) -> Analysis | IngestError:
    try:
        return analyse_fetched(fetched)
    except IngestError as e:
        return e


def _analyse_in_processes(
    results: Iterable[ReadResult], workers: int
) -> Iterator[tuple[str, Analysis | IngestError]]:
    """Analyse in a process pool, at most `_IN_FLIGHT` items per worker ahead of the consumer
    (memory stays bounded), yielding in input order."""
    window: deque[tuple[str, Future[Analysis | IngestError] | IngestError]] = deque()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    with pool:
        for result in results:
            if result.error is not None or result.fetched is None:
                error = result.error or IngestError(f"{result.item.locator}: nothing was read")
                window.append((result.item.locator, error))
            else:
                window.append((result.item.locator, pool.submit(_analyse_or_error, result.fetched)))
            while len(window) > workers * _IN_FLIGHT:
                yield _settled(window.popleft())
        while window:
            yield _settled(window.popleft())


def _exit_with_parent(parent: int) -> None:
    """Run in each worker: end it once the process that started it is gone. A worker waits on its
    queue for ever otherwise, so a `kill -9` of `kb ingest` would leave idle workers behind."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _settled(
    entry: tuple[str, Future[Analysis | IngestError] | IngestError],
) -> tuple[str, Analysis | IngestError]:
    locator, outcome = entry
    return locator, outcome.result() if isinstance(outcome, Future) else outcome
