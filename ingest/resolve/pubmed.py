"""PubMed through NCBI E-utilities: records by PMID (EFetch XML), searches (ESearch JSON), and
the citation matcher (ECitMatch), which finds a PMID from a journal reference's locator.

    GET {eutils}/efetch.fcgi?db=pubmed&id=1,2&retmode=xml   -> <PubmedArticleSet><PubmedArticle>...
    GET {eutils}/esearch.fcgi?db=pubmed&term=...&retmode=json
                                                            -> {"esearchresult": {"count", "idlist"}}
    GET {eutils}/ecitmatch.cgi?db=pubmed&retmode=xml&bdata=am j psychiatry|2022|179|152|grabski|kb1|
                                                            -> am j psychiatry|2022|179|152|grabski|kb1|912345611

ECitMatch answers one plain-text line per citation, the citation echoed with the PMID appended:
the PMID, nothing (not found), `NOT_FOUND;INVALID_JOURNAL`, or `AMBIGUOUS` (several articles fit).
Every request carries `tool`, `email` and `api_key` (see `Lookup.ncbi_params`). A PMID PubMed
does not know comes back as an empty article set: that is `None`, not an error.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ingest.resolve.base import XML_TYPES, Lookup
from ingest.resolve.errors import MalformedResponse
from ingest.resolve.records import Record
from ingest.resolve.text import as_int, clean, doi_or_none, pmcid_or_none

__all__ = [
    "CitationQuery",
    "SearchResult",
    "ecitmatch",
    "esearch",
    "fetch_records",
    "parse_ecitmatch",
    "parse_efetch",
    "parse_esearch_json",
    "parse_esearch_xml",
]

SERVICE = "pubmed"
LIMITER_KEY = "ncbi"
_RETRACTED_TYPES = frozenset({"retracted publication"})
_NOTICE_TYPES = frozenset({"retraction of publication", "expression of concern"})
TEXT_TYPES = frozenset({"text/plain", "text/html", "text/xml", "application/xml"})


class SearchResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int
    ids: list[str] = Field(default_factory=list)


def fetch_records(lookup: Lookup, pmids: Sequence[str]) -> list[Record]:
    """Records of the PMIDs PubMed knows, in PubMed's order; [] when it knows none of them."""
    if not pmids:
        return []
    params = {"db": "pubmed", "id": ",".join(pmids), "retmode": "xml"} | lookup.ncbi_params()
    body = lookup.get(LIMITER_KEY, f"{lookup.endpoints.eutils}/efetch.fcgi", params, types=XML_TYPES)
    return [] if body is None else parse_efetch(body)


class CitationQuery(BaseModel):
    """One ECitMatch citation: journal (title or abbreviation), year, volume, first page, author."""

    model_config = ConfigDict(extra="forbid")

    journal: str
    year: int
    volume: str
    first_page: str
    author: str = ""  # a surname, optionally with initials ("grabski" or "grabski m")
    key: str = "kb1"  # echoed back: which citation a line answers

    def line(self) -> str:
        fields = [
            self.journal.lower(),
            str(self.year),
            self.volume,
            self.first_page,
            self.author.lower(),
            self.key,
        ]
        # A "|" or a line break inside a field would shift every field after it.
        return "|".join(" ".join(re.sub(r"[|\r\n]", " ", f).split()) for f in fields) + "|"


class CitationMatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    pmid: str | None = None
    outcome: str  # "found", "not found", "ambiguous", "invalid journal"


def ecitmatch(lookup: Lookup, citations: Sequence[CitationQuery]) -> list[CitationMatch]:
    """PubMed's citation matcher: one answer per citation, keyed as asked."""
    if not citations:
        return []
    params = {"db": "pubmed", "retmode": "xml", "bdata": "\r".join(c.line() for c in citations)}
    body = lookup.get(
        LIMITER_KEY,
        f"{lookup.endpoints.eutils}/ecitmatch.cgi",
        params | lookup.ncbi_params(),
        types=TEXT_TYPES,
    )
    return [] if body is None else parse_ecitmatch(body)


def esearch(lookup: Lookup, term: str, *, retmax: int = 20, sort: str = "relevance") -> SearchResult:
    params = {"db": "pubmed", "term": term, "retmode": "json", "retmax": str(retmax), "sort": sort}
    payload = lookup.get_json(
        LIMITER_KEY, f"{lookup.endpoints.eutils}/esearch.fcgi", params | lookup.ncbi_params()
    )
    return SearchResult(count=0) if payload is None else parse_esearch_json(payload)


# --- parsers -----------------------------------------------------------------------------------


def parse_esearch_json(payload: Any) -> SearchResult:
    result = payload.get("esearchresult") if isinstance(payload, dict) else None
    if not isinstance(result, dict):
        raise MalformedResponse("ESearch answered without 'esearchresult'")
    if result.get("ERROR"):
        raise MalformedResponse(f"ESearch refused the query: {result['ERROR']}")
    ids = result.get("idlist") or []
    if not isinstance(ids, list):
        raise MalformedResponse("ESearch 'idlist' is not a list")
    count = as_int(result.get("count"))
    return SearchResult(count=count if count is not None else len(ids), ids=[str(i) for i in ids])


def parse_ecitmatch(body: bytes) -> list[CitationMatch]:
    """Lines "journal|year|volume|page|author|key|answer"; blank lines are skipped."""
    text = body.decode("utf-8", errors="replace")
    if text.lstrip().startswith("<"):  # an HTML or XML error page, not the matcher's lines
        raise MalformedResponse("ECitMatch answered with markup, not citation lines")
    out = []
    for line in text.splitlines():
        fields = line.strip().split("|")
        if len(fields) < 7:
            if line.strip():
                raise MalformedResponse(
                    f"ECitMatch answered with a line of {len(fields)} fields: {line[:80]!r}"
                )
            continue
        key, answer = fields[5].strip(), fields[6].strip()
        if answer.isdigit():
            out.append(CitationMatch(key=key, pmid=answer.lstrip("0"), outcome="found"))
        elif answer.upper().startswith("AMBIGUOUS"):
            out.append(CitationMatch(key=key, outcome="ambiguous"))
        elif "INVALID_JOURNAL" in answer.upper():
            out.append(CitationMatch(key=key, outcome="invalid journal"))
        else:
            out.append(CitationMatch(key=key, outcome="not found"))
    return out


def parse_esearch_xml(body: bytes) -> SearchResult:
    root = _xml(body, "eSearchResult")
    error = root.findtext("ERROR")
    if error:
        raise MalformedResponse(f"ESearch refused the query: {error}")
    ids = [i.text.strip() for i in root.iterfind("IdList/Id") if i.text and i.text.strip()]
    count = as_int((root.findtext("Count") or "").strip())
    return SearchResult(count=count if count is not None else len(ids), ids=ids)


def parse_efetch(body: bytes) -> list[Record]:
    root = _xml(body, "PubmedArticleSet")
    return [_article(article) for article in root.iterfind("PubmedArticle")]


def _xml(body: bytes, root_tag: str) -> ET.Element:
    try:
        # expat >= 2.4 refuses entity-expansion bombs; E-utilities DTDs are never fetched.
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise MalformedResponse(f"PubMed answered with broken XML ({e})") from e
    if root.tag != root_tag:
        raise MalformedResponse(f"PubMed answered with <{root.tag}>, not <{root_tag}>")
    return root


def _text(element: ET.Element | None) -> str | None:
    """All text inside an element, markup such as <i> and <sup> dropped."""
    return None if element is None else clean("".join(element.itertext()))


def _article(article: ET.Element) -> Record:
    citation = article.find("MedlineCitation")
    art = citation.find("Article") if citation is not None else None
    if citation is None or art is None:
        raise MalformedResponse("a PubmedArticle without MedlineCitation/Article")
    pub_types = [t for e in art.iterfind("PublicationTypeList/PublicationType") if (t := _text(e))]
    refs = {e.get("RefType", "") for e in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")}
    types = {t.lower() for t in pub_types}
    retracted = "RetractionIn" in refs or bool(types & _RETRACTED_TYPES)
    return Record(
        service=SERVICE,
        pmid=_text(citation.find("PMID")),
        doi=_doi(article, art),
        pmcid=pmcid_or_none(_article_id(article, "pmc")),
        nct=_nct(art),
        title=_title(art),
        journal=_text(art.find("Journal/Title")) or _text(art.find("Journal/ISOAbbreviation")),
        journal_abbrev=_text(art.find("Journal/ISOAbbreviation"))
        or _text(citation.find("MedlineJournalInfo/MedlineTA")),
        year=_year(art),
        volume=_text(art.find("Journal/JournalIssue/Volume")),
        issue=_text(art.find("Journal/JournalIssue/Issue")),
        pages=_pages(art),
        authors=_authors(art),
        abstract=_abstract(art),
        publication_types=pub_types,
        mesh=[m for e in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName") if (m := _text(e))],
        retracted=True if retracted else None,
        expression_of_concern=True if "ExpressionOfConcernIn" in refs else None,
        retraction_notice=bool(types & _NOTICE_TYPES) or "RetractionOf" in refs,
    )


def _title(art: ET.Element) -> str | None:
    title = _text(art.find("ArticleTitle")) or _text(art.find("VernacularTitle"))
    # MEDLINE ends every title with a period; other services do not.
    return title[:-1] if title and title.endswith(".") else title


def _article_id(article: ET.Element, kind: str) -> str | None:
    for e in article.iterfind("PubmedData/ArticleIdList/ArticleId"):
        if e.get("IdType") == kind:
            return _text(e)
    return None


def _doi(article: ET.Element, art: ET.Element) -> str | None:
    for e in art.iterfind("ELocationID"):
        if e.get("EIdType") == "doi" and e.get("ValidYN", "Y") == "Y":
            return doi_or_none(_text(e))
    return doi_or_none(_article_id(article, "doi"))


def _nct(art: ET.Element) -> str | None:
    for bank in art.iterfind("DataBankList/DataBank"):
        if (bank.findtext("DataBankName") or "").strip() == "ClinicalTrials.gov":
            number = _text(bank.find("AccessionNumberList/AccessionNumber"))
            if number and re.fullmatch(r"NCT\d{8}", number):
                return number
    return None


def _year(art: ET.Element) -> int | None:
    date = art.find("Journal/JournalIssue/PubDate")
    if date is not None:
        year = as_int((date.findtext("Year") or "").strip())
        if year is None:  # "2008 Jul-Aug", "1998 Winter"
            m = re.match(r"\s*(\d{4})", date.findtext("MedlineDate") or "")
            year = int(m.group(1)) if m else None
        if year is not None:
            return year
    return as_int((art.findtext("ArticleDate/Year") or "").strip())


def _pages(art: ET.Element) -> str | None:
    """ "152-162" from StartPage/EndPage, else MedlinePgn (which may shorten it: "152-62"), else the pii."""
    start, end = _text(art.find("Pagination/StartPage")), _text(art.find("Pagination/EndPage"))
    if start:
        return f"{start}-{end}" if end and end != start else start
    pages = _text(art.find("Pagination/MedlinePgn"))
    if pages:
        return pages
    for e in art.iterfind("ELocationID"):  # online-only journals number articles instead of pages
        if e.get("EIdType") == "pii" and (pii := _text(e)) and re.fullmatch(r"[eE]?\d{1,8}", pii):
            return pii
    return None


def _authors(art: ET.Element) -> list[str]:
    out = []
    for a in art.iterfind("AuthorList/Author"):
        last, initials = _text(a.find("LastName")), _text(a.find("Initials"))
        name = f"{last} {initials}" if last and initials else last or _text(a.find("CollectiveName"))
        if name:
            out.append(name)
    return out


def _abstract(art: ET.Element) -> str | None:
    parts = []
    for e in art.iterfind("Abstract/AbstractText"):
        text = _text(e)
        if text:
            label = e.get("Label")
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or None
