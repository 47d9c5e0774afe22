"""Attach citations to claims, decide each claim's citation status, and name the cited works.

Scope rule (also in docs/citations.md):

1. Every citation belongs to one sentence: the sentence that contains it, or — for a marker-like
   citation ([3], "rates.3", "(Smith, 2019)", a DOI) written right after a sentence's final
   punctuation — the sentence it closes. Narrative citations ("Smith et al. (2019) found", a link
   over words) stay in the sentence they are part of.
2. Within its sentence a citation attaches to the claim whose span contains it, or that it
   directly follows (only spaces, punctuation and closing quotes or brackets between). A
   citation that ends its sentence, or attaches to no claim of it ("According to Smith (2019),
   ketamine ..."), also covers the sentence's other claims that carry no citation of their own.
3. Nothing else attaches: a citation in a sentence without claims supports none of them, and a
   reference-list entry that no marker or author–year mention points to is listed by the source
   only (`LinkResult.entries`), never attached to a claim.

Status: `cited` when at least one citation attaches, else `vague` when the claim's cues say it
leans on unnamed research ("studies show"), else `missing`. Nothing attached is never `cited`.

Work keys, best identifier first: "doi:<lower-case doi>", "pmid:<n>", "pmcid:PMC<n>",
"nct:NCT<n>", "url:<normalized url>", else "ref:<hash of the normalized citation text>" for a
work the article names but does not identify. A bare numbered marker that resolves to no entry
identifies nothing outside its article, so `to_records` scopes its key to the source.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from ingest.citations import Link, Mention, MentionKind, find_body_mentions, words
from ingest.references import Reference, find_reference_section, match_reference, normalize_doi, normalize_url
from kb.models import Citation, CitationStatus, Claim, Work, WorkFacts, WorkStatus


class LinkResult(BaseModel):
    """What `link_citations` found: mentions per claim id, and the article's reference list."""

    model_config = ConfigDict(extra="forbid")

    by_claim: dict[str, list[Mention]] = Field(default_factory=dict)  # every claim id, [] if none
    entries: list[Reference] = Field(default_factory=list)  # the whole list, unreferenced entries too
    reference_start: int | None = None  # claim detection must skip text[reference_start:reference_end]
    reference_end: int | None = None
    unattached: list[Mention] = Field(default_factory=list)  # body citations in sentences without claims


class CitationRecords(BaseModel):
    """The graph records for one article's citations, ready for a `kb.models.Document`."""

    model_config = ConfigDict(extra="forbid")

    works: list[Work] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    listed_work_ids: list[str] = Field(default_factory=list)


# --- status and keys ---------------------------------------------------------------------------


def citation_status(claim: Claim, mentions: Sequence[Mention]) -> CitationStatus:
    if mentions:
        return CitationStatus.CITED
    if (claim.cues.attribution or "").casefold() == "vague":
        return CitationStatus.VAGUE
    return CitationStatus.MISSING


def _normalize_citation(text: str) -> str:
    """Spelling-proof form of a citation: "(Grabski et al., 2022)" == "Grabski et al. (2022)"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    plain = re.sub(r"^\s*(?:\[\d+\]|\d+[.)])\s*", "", plain.casefold())  # a list label is not the work
    plain = re.sub(r"\bet\.?\s+al\b\.?|\band\b|&", " ", plain)
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def work_key(ref: Reference, fallback_text: str = "") -> str:
    if ref.doi:
        return "doi:" + normalize_doi(ref.doi)
    if ref.pmid:
        return "pmid:" + ref.pmid.lstrip("0")
    if ref.pmcid:
        return "pmcid:PMC" + re.sub(r"(?i)^pmc", "", ref.pmcid)
    if ref.nct:
        return "nct:NCT" + re.sub(r"(?i)^nct", "", ref.nct)
    if ref.url:
        return "url:" + normalize_url(ref.url)
    basis = _normalize_citation(ref.raw or fallback_text)
    return "ref:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


# What a reference states that a work holds as it is (its DOI is normalized, its authors completed).
_STATED = (set(Reference.model_fields) & set(WorkFacts.model_fields)) - {"doi", "authors"}


def to_work(ref: Reference, fallback_text: str = "") -> Work:
    """A pending Work holding only what the citation states; lookup services fill the rest."""
    return Work(
        key=work_key(ref, fallback_text),
        status=WorkStatus.PENDING,
        citation_text=ref.raw or fallback_text or None,
        doi=normalize_doi(ref.doi) if ref.doi else None,
        authors=list(ref.authors) or _first_author(ref),
        **ref.model_dump(include=_STATED),
    )


def _first_author(ref: Reference) -> list[str]:
    """ "Grabski et al., ..." names only a surname; it is still the first author a search can use."""
    name = ref.first_author
    if name and (re.search(r"\bet\.?\s+al\b", ref.raw) or (" " not in name and not name.isupper())):
        return [name]
    return []


# --- resolution --------------------------------------------------------------------------------


def resolve(mention: Mention, entries: Sequence[Reference]) -> Mention:
    """The mention with `resolved` set to the reference-list entries it points to."""
    if not entries:
        return mention
    found: list[Reference] = []
    for n in mention.numbers:
        entry = match_reference(entries, number=n)
        if entry is not None and entry not in found:
            found.append(entry)
    ref = mention.reference
    if not found and ref.first_author and mention.kind is not MentionKind.LINK:
        coauthor = ref.authors[1] if len(ref.authors) > 1 else None
        entry = match_reference(
            entries,
            first_author=ref.first_author,
            year=ref.year,
            year_suffix=ref.year_suffix,
            coauthor=coauthor,
        )
        found += [entry] if entry is not None else []
    if not found:
        for field in ("doi", "pmid", "pmcid", "nct"):
            value = getattr(ref, field)
            same = [e for e in entries if value and (getattr(e, field) or "").lower() == value.lower()]
            if len(same) == 1:
                found.append(same[0])
                break
    return mention.model_copy(update={"resolved": found}) if found else mention


# --- sentences ---------------------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n")
_NO_STOP_AFTER = words(
    "e.g i.e al dr mr mrs ms prof st vs etc fig figs no nos vol approx inc ltd jr sr dept univ ca cf"
)
_TRAILING = re.compile(r"[\s.,;:!?\"'”’)\]]*")  # what may sit between a claim and its citation


def _masked(text: str, mentions: Sequence[Mention]) -> str:
    """The text with citations blanked, so "al." or "2019;176" never ends a sentence."""
    parts, pos = [], 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.start >= pos:
            parts += [text[pos : m.start], " " * (m.end - m.start)]
            pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def _sentence_starts(text: str, masked: str, claims: Sequence[Claim]) -> list[int]:
    """Start offsets of sentences. A claim's own span is never split: its detector knew better."""
    covered = _merge_spans([(c.start, c.end) for c in claims])
    starts, k = [0], 0
    for b in _BOUNDARY.finditer(masked):
        pos = b.end()
        if b.group() != "\n":
            word = re.search(r"([\w.]+)[.!?…]+[\"'”’)\]]*$", masked[max(0, b.start() - 20) : pos])
            nxt = text[pos : pos + 40].lstrip()[:1]  # unmasked: "Smith et al. (2019) found" starts anew
            if (word and word.group(1).casefold() in _NO_STOP_AFTER) or nxt.islower():
                continue
        while k < len(covered) and covered[k][1] <= pos:  # boundaries come in text order
            k += 1
        if k < len(covered) and covered[k][0] < pos:
            continue  # inside a claim
        starts.append(pos)
    return starts


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _sentence_of(mention: Mention, masked: str, starts: list[int]) -> int:
    i = bisect.bisect_right(starts, mention.start) - 1
    # A marker right after a sentence's final punctuation closes that sentence.
    after_stop = i > 0 and masked[starts[i] - 1] != "\n" and not masked[starts[i] : mention.start].strip()
    return i - 1 if after_stop and not mention.narrative else i


# --- attachment --------------------------------------------------------------------------------


def _attach(
    text: str, claims: Sequence[Claim], mentions: Sequence[Mention]
) -> tuple[dict[str, list[Mention]], list[Mention]]:
    masked = _masked(text, mentions)
    starts = _sentence_starts(text, masked, claims)
    by_claim: dict[str, list[Mention]] = {c.id: [] for c in claims}
    direct: dict[str, list[Mention]] = {c.id: [] for c in claims}
    sentence_claims: dict[int, list[Claim]] = {}
    claim_sentences: dict[str, range] = {}
    for c in sorted(claims, key=lambda c: c.start):
        first = bisect.bisect_right(starts, c.start) - 1
        last = bisect.bisect_left(starts, max(c.end, c.start + 1)) - 1
        claim_sentences[c.id] = range(first, last + 1)
        for i in claim_sentences[c.id]:
            sentence_claims.setdefault(i, []).append(c)
    shared: dict[int, list[Mention]] = {}  # per sentence: mentions that cover claims without their own
    unattached: list[Mention] = []
    for m in mentions:
        i = _sentence_of(m, masked, starts)
        here = sentence_claims.get(i, [])
        if not here:
            unattached.append(m)
            continue
        owners = [c for c in here if c.start <= m.start < c.end]
        if not owners:
            before = [c for c in here if c.end <= m.start and _TRAILING.fullmatch(masked[c.end : m.start])]
            before = [c for c in before if "\n" not in masked[c.end : m.start]]
            owners = before[-1:]
        for c in owners:
            direct[c.id].append(m)
        sentence_end = starts[i + 1] if i + 1 < len(starts) else len(text)
        ends_sentence = m.end >= sentence_end or _TRAILING.fullmatch(masked[m.end : sentence_end]) is not None
        if not owners or ends_sentence:
            shared.setdefault(i, []).append(m)
    for c in claims:  # a claim spanning sentences collects from each; text order, no repeats
        found = direct[c.id] or [m for i in claim_sentences[c.id] for m in shared.get(i, [])]
        unique = {(m.start, m.end, m.kind): m for m in found}
        by_claim[c.id] = sorted(unique.values(), key=lambda m: m.start)
    return by_claim, unattached


def link_citations(
    text: str, claims: list[Claim], links: list[Link], *, base_url: str | None = None
) -> LinkResult:
    """Find the article's citations and reference list, resolve them, attach them to claims."""
    section = find_reference_section(text)
    entries = section.entries if section else []
    found = find_body_mentions(text, links, section, base_url=base_url)
    mentions = [resolve(m, entries) for m in found]
    by_claim, unattached = _attach(text, claims, mentions)
    return LinkResult(
        by_claim=by_claim,
        entries=entries,
        reference_start=section.start if section else None,
        reference_end=section.end if section else None,
        unattached=unattached,
    )


def cited_works(mention: Mention, entries: Sequence[Reference], source_key: str) -> list[Work]:
    """The works a mention cites: its resolved entries, what it states itself, or an unresolved work.

    Numbers that resolve to no entry become unresolved works keyed within the source
    ("<source_key> [7]"), since marker 7 of one article is not marker 7 of another.
    """
    works: list[Work] = []
    for n in mention.numbers:
        entry = match_reference(entries, number=n)
        works.append(to_work(entry) if entry else to_work(Reference(number=n), f"{source_key} [{n}]"))
    if not mention.numbers:
        works += [to_work(e) for e in mention.resolved] or [to_work(mention.reference, mention.text)]
    elif mention.kind is MentionKind.LINK:  # a numbered link to PubMed also states its own work
        works.append(to_work(mention.reference, mention.text))
    unique = {w.id: w for w in works}
    return list(unique.values())


def to_records(result: LinkResult, source_key: str) -> CitationRecords:
    """Works and Claim-[:CITES]->Work citations for a `kb.models.Document`, plus the listed works."""
    works: dict[str, Work] = {}
    citations: dict[str, Citation] = {}
    for claim_id, mentions in result.by_claim.items():
        for m in mentions:
            for work in cited_works(m, result.entries, source_key):
                works.setdefault(work.id, work)
                cit = Citation(claim_id=claim_id, work_id=work.id, provenance=m.provenance, text=m.text)
                citations.setdefault(cit.id, cit)
    listed = [to_work(e) for e in result.entries]
    for work in listed:
        works.setdefault(work.id, work)
    return CitationRecords(
        works=list(works.values()),
        citations=list(citations.values()),
        listed_work_ids=list(dict.fromkeys(w.id for w in listed)),
    )
