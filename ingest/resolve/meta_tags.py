"""A journal article page's own identifiers, from the meta tags publishers add for indexers.

Highwire Press tags (`citation_doi`, `citation_pmid`, `citation_title`, `citation_journal_title`,
`citation_publication_date`, what Google Scholar reads), Dublin Core (`dc.identifier`) and PRISM
(`prism.doi`). A page without them is not recognisably a journal article: the resolver leaves it
unresolved and says so.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from pydantic import BaseModel, ConfigDict

from ingest.mediatypes import HTML_TYPES
from ingest.resolve.base import Lookup
from ingest.resolve.text import clean, doi_or_none, pmid_or_none

__all__ = ["MetaTags", "fetch_meta_tags", "parse_meta_tags"]

LIMITER_KEY = "web"
_DOI_NAMES = ("citation_doi", "prism.doi", "bepress_citation_doi", "dc.identifier", "dc.identifier.doi")
_PMID_NAMES = ("citation_pmid", "dc.identifier.pmid")


class MetaTags(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doi: str | None = None
    pmid: str | None = None
    title: str | None = None  # citation_title, else og:title, else <title>
    journal: str | None = None
    year: int | None = None
    scholarly: bool = False  # the page carries citation_* / dc / prism tags

    @property
    def has_identifier(self) -> bool:
        return bool(self.doi or self.pmid)


def fetch_meta_tags(lookup: Lookup, url: str) -> MetaTags | None:
    """The page's tags; None when the page is gone (404/410)."""
    body = lookup.get(LIMITER_KEY, url, None, types=HTML_TYPES)
    if body is None:
        return None
    return parse_meta_tags(body.decode("utf-8", errors="replace"))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title_parts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag != "meta":
            return
        a = {k.lower(): v or "" for k, v in attrs}
        name = (a.get("name") or a.get("property") or "").strip().lower()
        if name and "content" in a:
            self.meta.setdefault(name, []).append(a["content"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)


def parse_meta_tags(html: str) -> MetaTags:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    meta = collector.meta
    doi = next((d for name in _DOI_NAMES for v in meta.get(name, []) if (d := _doi(v))), None)
    pmid = next((p for name in _PMID_NAMES for v in meta.get(name, []) if (p := pmid_or_none(v))), None)
    scholarly = any(n.startswith(("citation_", "dc.", "prism.", "bepress_")) for n in meta)
    title = _first(meta, "citation_title", "dc.title", "og:title") or clean("".join(collector.title_parts))
    date = _first(meta, "citation_publication_date", "citation_date", "dc.date", "prism.publicationdate")
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", date or "")
    return MetaTags(
        doi=doi,
        pmid=pmid,
        title=title,
        journal=_first(meta, "citation_journal_title", "prism.publicationname"),
        year=int(year.group(1)) if year else None,
        scholarly=scholarly,
    )


def _first(meta: dict[str, list[str]], *names: str) -> str | None:
    return next((c for name in names for v in meta.get(name, []) if (c := clean(v))), None)


def _doi(value: str) -> str | None:
    # dc.identifier may hold "doi:10...", "info:doi/10...", a doi.org URL, or an ISSN: keep DOIs only.
    m = re.search(r"10\.\d{4,9}/\S+", value)
    return doi_or_none(m.group()) if m else None
