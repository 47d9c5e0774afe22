"""Europe PMC: PubMed's records plus preprints and PMC's open full text, with abstracts.

    GET {europepmc}/search?query=DOI:"10.5555/x"&resultType=core&format=json&pageSize=3
    GET {europepmc}/search?query=EXT_ID:912345611 AND SRC:MED&resultType=core&format=json
    GET {europepmc}/search?query=PMCID:PMC9999011&resultType=core&format=json
    GET {europepmc}/search?query=JOURNAL:"am j psychiatry" AND VOLUME:"179" AND PUB_YEAR:[2021 TO 2023]
                                 AND AUTH:"grabski"&resultType=core&format=json&pageSize=5
        -> {"hitCount": 1, "resultList": {"result": [{"id", "source", "pmid", "pmcid", "doi", "title",
            "authorList", "journalInfo": {"volume", "issue", "yearOfPublication", "journal"},
            "pageInfo", "abstractText", "pubTypeList", "meshHeadingList", "citedByCount", ...}]}}

`resultType=core` carries the abstract (`abstractText`, HTML with <h4> section headings), MeSH
and the publication types. `source` says where a record comes from: MED (PubMed), PMC, PPR
(preprints: bioRxiv, medRxiv, Research Square...). Europe PMC has no page field to search on, so
the first page is checked on each hit's `pageInfo` by the match score. An empty `result` list is
expected absence (None or []), never an error.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.resolve.base import Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import as_int, clean, doi_or_none, pmcid_or_none, pmid_or_none, strip_markup

__all__ = [
    "id_query",
    "locator_query",
    "lookup_id",
    "parse_result",
    "parse_search",
    "search",
    "title_query",
]

SERVICE = "europepmc"
SEARCH_ROWS = 5
_RETRACTED = frozenset({"retraction in", "retracted publication"})
_CONCERN = frozenset({"expression of concern in"})
_NOTICE = frozenset({"retraction of", "retraction of publication", "expression of concern for"})
_HEADING = re.compile(r"<h[1-6][^>]*>\s*(.*?)\s*</h[1-6]>", re.S | re.I)


def search(lookup: Lookup, query: str, rows: int = SEARCH_ROWS) -> list[Record]:
    """Europe PMC's hits for a query in its search syntax, in its relevance order."""
    params = {"query": query, "format": "json", "resultType": "core", "pageSize": str(rows)}
    payload = lookup.get_json(SERVICE, f"{lookup.endpoints.europepmc}/search", params)
    return [] if payload is None else parse_search(payload)


def lookup_id(
    lookup: Lookup, *, doi: str | None = None, pmid: str | None = None, pmcid: str | None = None
) -> Record | None:
    """The record carrying this DOI, PMID or PMCID (the first one given), or None."""
    query = id_query(doi=doi, pmid=pmid, pmcid=pmcid)
    if query is None:
        return None
    for record in search(lookup, query, rows=3):
        if (
            (doi and record.doi == doi_or_none(doi))
            or (pmid and record.pmid == pmid_or_none(pmid))
            or (pmcid and record.pmcid == pmcid_or_none(pmcid))
        ):
            return record
    return None


# --- queries (pure) ----------------------------------------------------------------------------


def _quoted(value: str) -> str:
    return '"' + " ".join(re.sub(r'["\\]', " ", value).split()) + '"'


def id_query(*, doi: str | None = None, pmid: str | None = None, pmcid: str | None = None) -> str | None:
    if doi:
        return f"DOI:{_quoted(doi)}"
    if pmid and pmid.isdigit():
        return f"EXT_ID:{pmid} AND SRC:MED"
    if pmcid and (pmc := pmcid_or_none(pmcid)):
        return f"PMCID:{pmc}"
    return None


def locator_query(journal: str, year: int, volume: str, author: str | None = None) -> str:
    """Journal, volume and a year either side (online first); the first page is checked on the hits."""
    journal = " ".join(re.sub(r"[.,]", " ", journal).split())
    parts = [
        f"JOURNAL:{_quoted(journal)}",
        f"VOLUME:{_quoted(volume)}",
        f"PUB_YEAR:[{year - 1} TO {year + 1}]",
    ]
    if author:
        parts.append(f"AUTH:{_quoted(author)}")
    return " AND ".join(parts)


def title_query(words: list[str], author: str | None = None, year: int | None = None) -> str:
    """Title words (all of them), the first author and a year either side."""
    parts = [f"TITLE:{_quoted(w)}" for w in words]
    if author:
        parts.append(f"AUTH:{_quoted(author)}")
    if year:
        parts.append(f"PUB_YEAR:[{year - 1} TO {year + 1}]")
    return " AND ".join(parts)


# --- parsers -----------------------------------------------------------------------------------


def parse_search(payload: Any) -> list[Record]:
    results = payload.get("resultList") if isinstance(payload, dict) else None
    items = results.get("result") if isinstance(results, dict) else None
    if not isinstance(items, list):
        raise MalformedResponse("Europe PMC answered without 'resultList.result'")
    return [parse_result(item) for item in items if isinstance(item, dict)]


def parse_result(item: dict[str, Any]) -> Record:
    info = _dict(item, "journalInfo")
    journal = _dict(info, "journal")
    book = _dict(item, "bookOrReportDetails")
    source = str(item.get("source") or "").upper()
    pub_types = _strings(_dict(item, "pubTypeList").get("pubType"))
    corrections = {
        str(c.get("type", "")).strip().lower()
        for c in _list(_dict(item, "commentCorrectionList").get("commentCorrection"))
        if isinstance(c, dict)
    }
    types = {t.lower() for t in pub_types}
    title = strip_markup(item.get("title"))
    pmcid = item.get("pmcid") or next(iter(_strings(_dict(item, "fullTextIdList").get("fullTextId"))), None)
    return Record(
        service=SERVICE,
        doi=doi_or_none(item.get("doi")),
        pmid=pmid_or_none(item.get("pmid")) if item.get("pmid") else None,
        pmcid=pmcid_or_none(pmcid) if pmcid else None,
        url=f"https://europepmc.org/article/{source}/{item['id']}"
        if source == "PPR" and item.get("id")
        else None,
        title=title[:-1] if title and title.endswith(".") else title,  # MEDLINE style ends with "."
        journal=clean(journal.get("title"))
        or clean(item.get("journalTitle"))
        or clean(book.get("publisher")),
        journal_abbrev=clean(journal.get("isoabbreviation")) or clean(journal.get("medlineAbbreviation")),
        year=as_int(info.get("yearOfPublication")) or as_int(item.get("pubYear")),
        volume=clean(info.get("volume")) or clean(item.get("journalVolume")),  # core, or lite results
        issue=clean(info.get("issue")) or clean(item.get("issue")),
        pages=clean(item.get("pageInfo")),
        authors=_authors(item),
        abstract=abstract_text(item.get("abstractText")),
        publication_types=pub_types,
        mesh=[
            name
            for m in _list(_dict(item, "meshHeadingList").get("meshHeading"))
            if isinstance(m, dict) and (name := clean(m.get("descriptorName")))
        ],
        type_label="preprint" if source == "PPR" or "preprint" in types else None,
        retracted=True if (corrections | types) & _RETRACTED else None,
        expression_of_concern=True if corrections & _CONCERN else None,
        retraction_notice=bool((corrections | types) & _NOTICE),
        cited_by_count=as_int(item.get("citedByCount")),
    )


def abstract_text(html: Any) -> str | None:
    """The abstract's words, each <h4>Section</h4> kept as "Section:" (Results:, Conclusions:)."""
    if not isinstance(html, str):
        return None
    labelled = _HEADING.sub(lambda m: f" {m.group(1).rstrip(':')}: ", html)
    return strip_markup(labelled)


def _authors(item: dict[str, Any]) -> list[str]:
    out = []
    for a in _list(_dict(item, "authorList").get("author")):
        if not isinstance(a, dict):
            continue
        last, initials = clean(a.get("lastName")), clean(a.get("initials"))
        name = f"{last} {initials}" if last and initials else last or clean(a.get("collectiveName"))
        name = name or clean(a.get("fullName"))
        if name:
            out.append(name)
    if not out and isinstance(item.get("authorString"), str):  # lite results: "Doe J, Roe R."
        out = [n for part in item["authorString"].rstrip(".").split(",") if (n := clean(part))]
    return out


def _dict(parent: Any, key: str) -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _strings(value: Any) -> list[str]:
    return [s for v in _list(value) if (s := clean(v))]
