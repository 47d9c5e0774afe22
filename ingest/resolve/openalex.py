"""OpenAlex: a second opinion by DOI (retraction, type, citation count, PubMed ids, MeSH).

GET {openalex}/works/doi:10.5555/kb.rct.001?mailto=...   -> {"id": "https://openalex.org/W...", ...}
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ingest.resolve.base import Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import as_int, clean, doi_or_none, pmcid_or_none, pmid_or_none, strip_markup

__all__ = ["fetch_work", "parse_work", "rebuild_abstract"]

SERVICE = "openalex"


def fetch_work(lookup: Lookup, doi: str) -> Record | None:
    url = f"{lookup.endpoints.openalex}/works/doi:{quote(doi, safe='/')}"
    payload = lookup.get_json(SERVICE, url, lookup.polite_params())
    return None if payload is None else parse_work(payload)


def parse_work(payload: Any) -> Record:
    if not isinstance(payload, dict) or not str(payload.get("id", "")).startswith("https://openalex.org/W"):
        raise MalformedResponse("OpenAlex answered without a work 'id'")
    ids = payload.get("ids")
    if not isinstance(ids, dict):
        ids = {}
    retracted = payload.get("is_retracted")
    biblio = payload.get("biblio")
    if not isinstance(biblio, dict):
        biblio = {}
    return Record(
        service=SERVICE,
        doi=doi_or_none(payload.get("doi") or ids.get("doi")),
        pmid=pmid_or_none(ids.get("pmid")),
        pmcid=pmcid_or_none(ids.get("pmcid")),
        title=strip_markup(payload.get("title") or payload.get("display_name")),
        journal=_journal(payload),
        year=as_int(payload.get("publication_year")),
        volume=clean(biblio.get("volume")),
        issue=clean(biblio.get("issue")),
        pages=_pages(biblio),
        authors=_authors(payload.get("authorships")),
        abstract=rebuild_abstract(payload.get("abstract_inverted_index")),
        mesh=_mesh(payload.get("mesh")),
        type_label=clean(payload.get("type")),
        retracted=retracted if isinstance(retracted, bool) else None,
        cited_by_count=as_int(payload.get("cited_by_count")),
    )


def rebuild_abstract(index: Any) -> str | None:
    """OpenAlex ships abstracts as {word: [positions]}; put the words back in order."""
    if not isinstance(index, dict) or not index:
        return None
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions if isinstance(positions, list) else []:
            if isinstance(pos, int):
                placed[pos] = word
    return clean(" ".join(placed[i] for i in sorted(placed)))


def _pages(biblio: dict[str, Any]) -> str | None:
    """ "152-162" from OpenAlex's biblio {"first_page", "last_page"}."""
    first, last = clean(biblio.get("first_page")), clean(biblio.get("last_page"))
    return f"{first}-{last}" if first and last and last != first else first


def _journal(payload: dict[str, Any]) -> str | None:
    location = payload.get("primary_location")
    source = location.get("source") if isinstance(location, dict) else None
    if isinstance(source, dict) and source.get("type") in (None, "journal", "conference", "repository"):
        return clean(source.get("display_name"))
    return None


def _authors(authorships: Any) -> list[str]:
    out = []
    for a in authorships if isinstance(authorships, list) else []:
        author = a.get("author") if isinstance(a, dict) else None
        name = clean(author.get("display_name")) if isinstance(author, dict) else None
        if name:
            out.append(name)
    return out


def _mesh(mesh: Any) -> list[str]:
    names: list[str] = []
    for m in mesh if isinstance(mesh, list) else []:
        name = clean(m.get("descriptor_name")) if isinstance(m, dict) else None
        if name and name not in names:
            names.append(name)
    return names
