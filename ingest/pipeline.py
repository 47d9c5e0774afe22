"""From an input to a `kb.models.Document`, and from documents to the graph.

    read (inputs/fetch) → extract (main text, links) → claims (sentences, cues, atoms)
      → citations (mentions, reference list, scope rule) → entities and propositions
      → [resolve works → grade claims: see ingest.evidence] → store.write_document

`analyse()` is pure: text in, Document out, no I/O, so it is what `kb extract` and the tests
use. `analyse_inputs()` reads what the user named and yields one Analysis or one error per
item, so a batch goes on past a bad item. Like all of `ingest`, nothing here talks to the
database: `ui.workflows` writes the documents through `kb.store`.

Budgets. Each input is analysed in a worker process (`ingest.workers`) that is stopped when the
input takes longer than `KB_INPUT_TIMEOUT` seconds or more than `KB_INPUT_MAX_MEMORY` MB; the
input fails with one line and the batch goes on. What one document yields is bounded too
(`Limits`): at most `KB_MAX_CLAIMS` claims and `KB_MAX_CITATIONS` citations, and claims and
citations are read only from the start of the text up to four times as many sentence ends and
possible citations (a number in brackets or after a word, a year, a link, an identifier), so
time and memory stay in proportion whatever the page repeats. A document cut this way is kept
whole (its text is stored) and `Analysis.cut` says where and why, for a warning line.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import requests

from ingest.claimfinder import LearnedClaimDetector
from ingest.claims import MAX_PARAGRAPH_CHARS, ClaimDetector
from ingest.entities import build_propositions
from ingest.errors import IngestError
from ingest.extract import Extracted, extract
from ingest.fetch import Fetched
from ingest.hyperlinks import Link
from ingest.inputs import read_all, unexpected
from ingest.linking import LinkResult, citation_status, link_citations, to_records
from ingest.workers import run_in_workers
from kb.models import Citation, Claim, Document, Source
from kb.settings import Settings

# Inputs queued per worker process: more than a write batch, so workers go on while it is written.
_IN_FLIGHT = 16


@dataclass
class Analysis:
    """A document plus what was found on the way (for `kb extract --json` and the app)."""

    document: Document
    links: LinkResult
    cut: str | None = None  # why claims and citations were read from only part of the text


@dataclass(frozen=True)
class Limits:
    """What one document may yield (see the module docstring)."""

    claims: int = 5000
    citations: int = 10000

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(claims=max(1, settings.max_claims), citations=max(1, settings.max_citations))


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
    limits: Limits | None = None,
) -> Analysis:
    """Find claims, citations, entities and propositions in extracted text, within `limits`."""
    limits = limits or Limits()
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
    end, why = _reading_end(text, extracted.links, limits)
    read = text[:end]
    read_links = [link for link in extracted.links if link.end <= end]
    claims = (detector or LearnedClaimDetector()).detect(read, source.id, title=extracted.title)
    links = link_citations(read, claims, read_links, base_url=base_url)
    if links.reference_start is not None:  # a reference list's titles are not the article's claims
        stop = links.reference_end if links.reference_end is not None else len(read)
        kept = [c for c in claims if not (links.reference_start <= c.start < stop)]
        if len(kept) != len(claims):
            claims = kept
            links = link_citations(read, claims, read_links, base_url=base_url)
    claims = sorted(claims, key=lambda c: c.start)
    if len(claims) > limits.claims:
        end, why = claims[limits.claims].start, f"{limits.claims:,} claims (KB_MAX_CLAIMS)"
        claims, links = _up_to(claims, links, end)
    records = to_records(links, source.key)
    if len(records.citations) > limits.citations:
        end = _citation_end(claims, records.citations, limits.citations)
        why = f"{limits.citations:,} citations (KB_MAX_CITATIONS)"
        claims, links = _up_to(claims, links, end)
        records = to_records(links, source.key)
    claims = [_with_status(c, links) for c in claims]
    entities, propositions, claim_props = build_propositions(claims)
    document = Document(
        source=source,
        claims=claims,
        entities=entities,
        propositions=propositions,
        claim_propositions=claim_props,
        **dict(records),  # its works, citations and listed works
    )
    cut = None
    if why is not None:
        cut = (
            f"{locator}: cut: claims and citations were read from its first {end:,} of {len(text):,} "
            f"characters only, as it reached {why}; the whole text is stored"
        )
    elif (longest := _longest_line(read)) > MAX_PARAGRAPH_CHARS:
        cut = (
            f"{locator}: cut: claims were read from the first {MAX_PARAGRAPH_CHARS:,} characters of a "
            f"{longest:,}-character paragraph only (a list, table or dump flattened into one line); "
            "the whole text is stored"
        )
    return Analysis(document=document, links=links, cut=cut)


def _longest_line(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


# Each claim is a sentence, and each citation starts at one of these: counting them is cheap,
# and reading no further than `_READ_AHEAD` times the limits keeps the work in proportion.
_READ_AHEAD = 4
_SENTENCE_END = re.compile(r"[.!?…]+|\n")
_POSSIBLE_CITATION = re.compile(
    r"[\[(]\s*\d"  # [3], (3), [1-3]
    r"|(?<=[^\W\d_]|[.,;:)\]%])\d"  # a superscript flattened into the text: rates3, conditions.1,2
    r"|[¹²³⁰⁴⁵⁶⁷⁸⁹]+"
    r"|\b(?:1[5-9]|20)\d\d\b"  # a year: author–year, named sources, journal references
    r"|://|\bwww\.|\b10\.\d{4,9}/|\bpmid|\bpubmed|\bpmc\d|\bnct\d"  # identifiers, URLs
    r"|\b(?:ncbi\.nlm\.nih\.gov|doi\.org|clinicaltrials\.gov|europepmc\.org)/",
    re.I,
)


def _reading_end(text: str, links: list[Link], limits: Limits) -> tuple[int, str | None]:
    """How much of `text` to read for claims and citations, and why not all of it."""
    end, why = len(text), None
    sentences = _nth(m.end() for m in _SENTENCE_END.finditer(text))
    at = sentences(_READ_AHEAD * limits.claims)
    if at is not None and at < end:
        end, why = at, f"{_READ_AHEAD * limits.claims:,} sentences (four times KB_MAX_CLAIMS)"
    possible = heapq.merge((m.start() for m in _POSSIBLE_CITATION.finditer(text)), (k.start for k in links))
    at = _nth(possible)(_READ_AHEAD * limits.citations)
    if at is not None and at < end:
        end, why = at, f"{_READ_AHEAD * limits.citations:,} possible citations (four times KB_MAX_CITATIONS)"
    if why is not None:
        line = text.rfind("\n", 0, end)  # end at a line's end rather than inside a sentence
        end = line if line > 0 else end
    return end, why


def _nth(positions: Iterable[int]) -> Callable[[int], int | None]:
    return lambda n: next(itertools.islice(positions, n - 1, None), None)


def _up_to(claims: list[Claim], links: LinkResult, end: int) -> tuple[list[Claim], LinkResult]:
    """The claims that start before `end`, with only their citations."""
    kept = [c for c in claims if c.start < end]
    ids = {c.id for c in kept}
    trimmed = links.model_copy(
        update={
            "by_claim": {k: v for k, v in links.by_claim.items() if k in ids},
            "unattached": [m for m in links.unattached if m.start < end],
        }
    )
    return kept, trimmed


def _citation_end(claims: list[Claim], citations: list[Citation], most: int) -> int:
    """Where the claim whose citations pass `most` starts (claims in text order)."""
    per_claim: dict[str, int] = {}
    for citation in citations:
        per_claim[citation.claim_id] = per_claim.get(citation.claim_id, 0) + 1
    total = 0
    for claim in claims:
        total += per_claim.get(claim.id, 0)
        if total > most:
            return claim.start
    return claims[-1].end if claims else 0


def _with_status(claim: Claim, links: LinkResult) -> Claim:
    status = citation_status(claim, links.by_claim.get(claim.id, []))
    return claim.model_copy(update={"citation_status": status})


def analyse_fetched(
    fetched: Fetched, *, detector: ClaimDetector | None = None, limits: Limits | None = None
) -> Analysis:
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
        limits=limits,
    )


def analyse_within(fetched: Fetched, settings: Settings) -> Analysis:
    """`analyse_fetched` within the settings' time, memory and size budgets (for one input the
    app checks); raises the input's IngestError, an exceeded budget included."""
    [(_, outcome)] = list(_analyse_all([(fetched.url, fetched)], settings, workers=1))
    if isinstance(outcome, IngestError):
        raise outcome
    return outcome


def analyse_inputs(
    args: Iterable[str],
    settings: Settings,
    *,
    as_list: bool = False,
    session: requests.Session | None = None,
    stdin: BinaryIO | None = None,
    detector: ClaimDetector | None = None,
    workers: int = 1,
    in_process: bool = False,
) -> Iterator[tuple[str, Analysis | IngestError]]:
    """(locator, analysis) for each input, in input order, or (locator, error) for one that could
    not be read or analysed. The analysis (CPU-bound, pure) runs in `workers` processes, within
    the settings' budgets, while this one goes on reading (see `ingest.workers`). With
    KB_INPUT_TIMEOUT and KB_INPUT_MAX_MEMORY both 0 and one worker, a `detector` of the
    caller's, or `in_process` (a one-input command that holds its own process to the budgets:
    `kb extract`), it runs in this process instead."""
    results = read_all(args, settings, as_list=as_list, session=session, stdin=stdin)
    items = (
        (
            r.item.locator,
            r.fetched if r.error is None and r.fetched is not None else _unread(r.item.locator, r.error),
        )
        for r in results
    )
    yield from _analyse_all(items, settings, workers=workers, detector=detector, in_process=in_process)


def _unread(locator: str, error: IngestError | None) -> IngestError:
    return error or IngestError(f"{locator}: nothing was read")


def _analyse_all(
    items: Iterable[tuple[str, Fetched | IngestError]],
    settings: Settings,
    *,
    workers: int,
    detector: ClaimDetector | None = None,
    in_process: bool = False,
) -> Iterator[tuple[str, Analysis | IngestError]]:
    limits = Limits.of(settings)
    budgeted = settings.input_timeout > 0 or settings.input_max_memory > 0
    if detector is None and not in_process and (workers > 1 or budgeted):
        task = functools.partial(analyse_job, limits=limits)
        yield from run_in_workers(
            task,
            items,
            workers=workers,
            timeout=settings.input_timeout,
            memory_mb=settings.input_max_memory,
            window=max(1, workers) * _IN_FLIGHT,
        )
        return
    detector = detector or LearnedClaimDetector()
    for locator, item in items:
        if isinstance(item, IngestError):
            yield locator, item
            continue
        try:
            yield locator, analyse_fetched(item, detector=detector, limits=limits)
        except IngestError as e:
            yield locator, e
        except Exception as e:  # a bug or a library's surprise stays this item's error
            yield locator, unexpected(locator, "analysing it", e)


def analyse_job(fetched: Fetched, *, limits: Limits) -> Analysis:
    """What a worker process runs for one input."""
    return analyse_fetched(fetched, limits=limits)
