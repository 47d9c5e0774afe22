"""Rendering untrusted text safely.

Article text, claim text, titles and work metadata come from web pages: they are data, never
markup. Everything that reaches `st.html` passes through `esc`; everything that reaches a
Markdown-rendering call (`st.markdown`, `st.caption`, headers) passes through `md`. Links are
built only from identifiers that match their documented shape, or from http(s) URLs.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from kb.models import Work

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&%@^])")
# Streamlit's Markdown (GFM) turns literal URLs, www. names and e-mail addresses into links after
# escapes are resolved, so escaping cannot stop it; an invisible WORD JOINER inside "://",
# after "www" and after "@" breaks each pattern without changing what the reader sees.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-])(?=://)|(?<=\bwww)(?=\.)|(?<=@)")
_JOINER = "\u2060"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

DOI = re.compile(r"^10\.\d{4,9}/[^\s\"<>]+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC\d{1,9}$")
NCT = re.compile(r"^NCT\d{8}$")


def esc(value: object) -> str:
    """Text for HTML: every markup character escaped, control characters dropped."""
    return html.escape(_CONTROL.sub("", str(value)), quote=True)


def md(value: object) -> str:
    """Text for Markdown: every ASCII punctuation that Markdown (or Streamlit's directives,
    LaTeX and raw HTML) could read as syntax is backslash-escaped; newlines become spaces; URLs,
    www. names and e-mail addresses stay text (see `_AUTOLINK`)."""
    text = _CONTROL.sub("", str(value)).replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_JOINER, text))


def short(value: object, limit: int = 120) -> str:
    """At most `limit` characters, cut at a word boundary (a single overlong word is cut)."""
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-—") + "…"


def http_url(url: object) -> str | None:
    """The URL when it is a plain http(s) address with a host, else None (javascript:, data:,
    relative and malformed addresses are never linked)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if (
        not url
        or any(ch.isspace() for ch in url)
        or _CONTROL.search(url)
        or any(c in url for c in "\"'<>`\\")
    ):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def doi_url(doi: object) -> str | None:
    value = str(doi or "").strip()
    if not DOI.match(value):
        return None
    return "https://doi.org/" + quote(value, safe="/.-_;:")


def pubmed_url(pmid: object) -> str | None:
    value = str(pmid or "").strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{value}/" if PMID.match(value) else None


def pmc_url(pmcid: object) -> str | None:
    value = str(pmcid or "").strip().upper()
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{value}/" if PMCID.match(value) else None


def trial_url(nct: object) -> str | None:
    value = str(nct or "").strip().upper()
    return f"https://clinicaltrials.gov/study/{value}" if NCT.match(value) else None


def work_links(work: Work) -> list[tuple[str, str]]:
    """(label, url) pairs for a work, from validated identifiers only."""
    links: list[tuple[str, str]] = []
    for label, url in (
        (f"DOI {work.doi}", doi_url(work.doi)),
        (f"PubMed {work.pmid}", pubmed_url(work.pmid)),
        (f"PMC {work.pmcid}", pmc_url(work.pmcid)),
        (f"ClinicalTrials.gov {work.nct}", trial_url(work.nct)),
    ):
        if url:
            links.append((label, url))
    page = http_url(work.url)
    if page and not links:
        links.append(("web page", page))
    return links


def md_link(label: str, url: str) -> str:
    """A Markdown link whose label is escaped and whose URL is already validated."""
    return f"[{md(label)}](<{url}>)"
