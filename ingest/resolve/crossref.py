"""Crossref works API: a DOI's metadata, and bibliographic search.

    GET {crossref}/works/{doi}                                     -> {"message-type": "work", "message": {...}}
    GET {crossref}/works?query.bibliographic=...&rows=5            -> {"message": {"items": [...]}}
    GET {crossref}/works?query.bibliographic=Grabski Am J Psychiatry 2022 179 152
                        &filter=from-pub-date:2021,until-pub-date:2023&rows=5

`query.bibliographic` is Crossref's matcher for a written reference: a locator in it (volume,
first page) weighs in the ranking, and each hit's `volume`, `page` and `article-number` come back
so the match can check them. Crossref has no volume or page filter, only dates.

Retraction and expressions of concern come from `updated-by` (notices that update this work:
Crossref adds Retraction Watch's data there), `relation`, and `update-to` (this record *is* a
notice updating another DOI).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ingest.resolve.base import Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import as_int, clean, doi_or_none, strip_markup

__all__ = ["fetch_work", "parse_search", "parse_work", "search_bibliographic"]

SERVICE = "crossref"
SEARCH_ROWS = 5
_RETRACTING = frozenset({"retraction", "withdrawal", "removal"})
_CONCERNING = frozenset({"expression_of_concern", "partial_retraction"})
_JATS_TITLE = re.compile(r"<jats:title[^>]*>(.*?)</jats:title>", re.S)
_SELECT = ",".join(
    [
        "DOI",
        "title",
        "container-title",
        "short-container-title",
        "issued",
        "volume",
        "issue",
        "page",
        "article-number",
        "author",
        "type",
        "score",
        "abstract",
        "updated-by",
        "update-to",
        "relation",
        "is-referenced-by-count",
    ]
)


def fetch_work(lookup: Lookup, doi: str) -> Record | None:
    url = f"{lookup.endpoints.crossref}/works/{quote(doi, safe='/')}"
    payload = lookup.get_json(SERVICE, url, lookup.polite_params())
    return None if payload is None else parse_work(payload)


def search_bibliographic(
    lookup: Lookup, citation: str, rows: int = SEARCH_ROWS, *, years: tuple[int, int] | None = None
) -> list[Record]:
    """Crossref's best matches for a written reference, best first (their `score` is relevance).

    `years` keeps hits published in that span (inclusive): print and online dates differ by a year.
    """
    params = {"query.bibliographic": citation, "rows": str(rows), "select": _SELECT}
    if years is not None:
        params["filter"] = f"from-pub-date:{years[0]},until-pub-date:{years[1]}"
    payload = lookup.get_json(SERVICE, f"{lookup.endpoints.crossref}/works", params | lookup.polite_params())
    return [] if payload is None else parse_search(payload)


def parse_work(payload: Any) -> Record | None:
    """The record of a works/{doi} response."""
    message = _message(payload)
    if not isinstance(message, dict):
        raise MalformedResponse("Crossref answered without a work 'message'")
    return parse_item(message)


def parse_search(payload: Any) -> list[Record]:
    message = _message(payload)
    items = message.get("items") if isinstance(message, dict) else None
    if not isinstance(items, list):
        raise MalformedResponse("Crossref search answered without 'message.items'")
    return [record for item in items if isinstance(item, dict) and (record := parse_item(item))]


def parse_item(item: dict[str, Any]) -> Record | None:
    doi = doi_or_none(item.get("DOI"))
    if doi is None:
        return None
    updates = _update_types(item.get("updated-by"))
    relations = " ".join(item.get("relation") or {}).lower()
    retracted = bool(updates & _RETRACTING) or "retract" in relations
    concern = bool(updates & _CONCERNING) or "concern" in relations
    notice = bool(_update_types(item.get("update-to")) & (_RETRACTING | _CONCERNING))
    return Record(
        service=SERVICE,
        doi=doi,
        title=strip_markup(_first(item.get("title"))),
        journal=clean(_first(item.get("container-title")) or _first(item.get("short-container-title"))),
        journal_abbrev=clean(_first(item.get("short-container-title"))),
        year=_year(item.get("issued")) or _year(item.get("published")),
        volume=clean(item.get("volume")),
        issue=clean(item.get("issue")),
        pages=clean(item.get("page")) or clean(item.get("article-number")),
        authors=_authors(item.get("author")),
        abstract=_abstract(item.get("abstract")),
        type_label=clean(item.get("type")),
        retracted=True if retracted else None,  # no notice is not proof of no retraction
        expression_of_concern=True if concern else None,
        retraction_notice=notice,
        cited_by_count=as_int(item.get("is-referenced-by-count")),
    )


def _abstract(jats: Any) -> str | None:
    if not isinstance(jats, str):
        return None
    # Section titles become labels, "Conclusion: ...", as PubMed writes them.
    text = strip_markup(_JATS_TITLE.sub(lambda m: f" {m.group(1).strip().rstrip(':.')}: ", jats))
    # JATS abstracts open with a <jats:title>Abstract</jats:title> heading.
    if text is None:
        return None
    return re.sub(r"^Abstract\b[:.]?\s*", "", text) or None


def _message(payload: Any) -> Any:
    if not isinstance(payload, dict) or payload.get("status", "ok") != "ok":
        raise MalformedResponse("Crossref answered with an error or a non-object body")
    return payload.get("message")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value if isinstance(value, str) else None


def _year(date: Any) -> int | None:
    try:
        year = date["date-parts"][0][0]
    except (KeyError, IndexError, TypeError):
        return None
    return as_int(year)


def _authors(authors: Any) -> list[str]:
    out = []
    for a in authors if isinstance(authors, list) else []:
        if not isinstance(a, dict):
            continue
        family, given = clean(a.get("family")), clean(a.get("given"))
        # "Family Initials", as PubMed writes names: "Pond BB" for Brooks B. Pond.
        initials = "".join(part[0] for part in re.split(r"[\s.-]+", given or "") if part[:1].isalpha())
        name = f"{family} {initials.upper()}" if family and initials else family or clean(a.get("name"))
        if name:
            out.append(name)
    return out


def _update_types(updates: Any) -> set[str]:
    types = set()
    for u in updates if isinstance(updates, list) else []:
        if isinstance(u, dict) and isinstance(u.get("type"), str):
            types.add(re.sub(r"[\s-]+", "_", u["type"].strip().lower()))
    return types
