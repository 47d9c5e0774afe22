"""HTML in, the article's main text out (pure): trafilatura finds the main text (boilerplate
removed) as XML; walking that XML gives the text with headings, paragraphs, list items and table
rows on lines of their own, and the character span of every link. When trafilatura finds nothing
(a very short page) the body itself is rendered, minus scripts, navigation and footers.

Its own module so that only HTML inputs import trafilatura and lxml (a quarter of a second):
`kb extract` of a text file starts without them.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.core import determine_returnstring
from trafilatura.settings import Extractor

from ingest.decoding import clean_text
from ingest.extract import Extracted, Metadata, clean_field
from ingest.markup import limit_attributes
from ingest.textrender import HTML_VOCABULARY, TEI_VOCABULARY, render

_SHORT_TEXT = 250  # trafilatura's own MIN_EXTRACTED_SIZE: less is not an article to it
_SHORT_PAGE = 1000  # a body that renders to less than this is shown whole
_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}  # typed str there
_LANG = re.compile(
    r"""<html\b[^>]*?\s(?:xml:)?lang\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)""", re.I
)
# An XML declaration, and a DOCTYPE's internal subset, at the top of a page (XHTML): lxml refuses
# a decoded string that declares an encoding, and the subset's entity definitions (an entity bomb,
# an external entity naming a local file) would otherwise be shown as text. Neither is expanded.
_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>")
_INTERNAL_SUBSET = re.compile(r"(\s*<!DOCTYPE\b[^>\[]*)\[.*?\]\s*>", re.I | re.S)
_META_LANG = re.compile(
    r"""<meta\s[^>]*http-equiv\s*=\s*["']?content-language["']?[^>]*content\s*=\s*["']?\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)""",
    re.I,
)


def from_html(html: str, url: str | None) -> Extracted:
    html = limit_attributes(_strip_prolog(clean_text(html)))
    language = _html_language(html)
    xml = _trafilatura_xml(html, url)
    main = None
    if xml:
        doc = lxml.etree.fromstring(xml.encode("utf-8"))
        root = doc.find("main")
        text, links = render(root if root is not None else doc, TEI_VOCABULARY, base_url=url)
        main = Extracted(text=text, links=links, **_tei_metadata(doc, language))
        if len(text) >= _SHORT_TEXT:
            return main
    # Below that size trafilatura falls back to guessing (and keeps menus): a short page reads
    # better rendered whole, minus its navigation; a long page keeps trafilatura's choice.
    whole = _from_html_body(html, url, language)
    if main is not None and main.text and len(whole.text) > _SHORT_PAGE:
        return main
    return whole


def _trafilatura_xml(html: str, url: str | None) -> str | None:
    """What `trafilatura.extract(html, output_format="xml", ...)` returns with our options, minus
    the one step of it we never read: the content fingerprint (a simhash of the whole text, for
    deduplication) that `extract` computes whenever it writes metadata, about a fifth of the
    time of this stage. The same `bare_extraction` and XML serialization, so the same XML."""
    options = _trafilatura_options(url)
    document = trafilatura.bare_extraction(html, options=options)
    if document is None or isinstance(document, dict):  # a dict only when asked for one
        return None
    return determine_returnstring(document, options)


@functools.lru_cache(maxsize=64)
def _trafilatura_options(url: str | None) -> Extractor:
    """The extraction options for one URL, built once: trafilatura only reads them, and building
    them converts a dozen values of its configuration each time (local files have no URL, so a
    batch of them shares one)."""
    return Extractor(
        output_format="xml",
        url=url,
        recall=True,
        comments=False,
        formatting=False,
        links=True,
        images=False,
        tables=True,
        with_metadata=True,
        # Only dates the page states in its markup; a year in the prose ("a 2021 review") is not
        # when the article was published.
        date_params=_DATE_PARAMS,
    )


def _strip_prolog(html: str) -> str:
    if match := _XML_DECLARATION.match(html):
        html = html[match.end() :]
    if match := _INTERNAL_SUBSET.match(html):
        html = match.group(1) + ">" + html[match.end() :]
    return html


def _from_html_body(html: str, url: str | None, language: str | None) -> Extracted:
    """Render the whole body as text: for pages too short for trafilatura to call it an article."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return Extracted(text="")
    base = tree.find(".//base[@href]")
    try:
        base_url = urljoin(url or "", base.get("href", "")) if base is not None else url
    except ValueError:  # a malformed <base href>: resolve against the page's own URL
        base_url = url
    body = tree.find("body")
    text, links = render(body if body is not None else tree, HTML_VOCABULARY, base_url=base_url)
    meta = trafilatura.extract_metadata(tree, default_url=url, date_config=_DATE_PARAMS)
    return Extracted(
        text=text,
        links=links,
        language=language,
        title=clean_field(getattr(meta, "title", None)),
        site=clean_field(getattr(meta, "sitename", None)),
        author=clean_field(getattr(meta, "author", None)),
        published=clean_field(getattr(meta, "date", None)),
    )


def _tei_metadata(doc: Any, language: str | None) -> Metadata:
    return {
        "language": language,
        "title": clean_field(doc.get("title")),
        "site": clean_field(doc.get("sitename")),
        "author": clean_field(doc.get("author")),
        "published": clean_field(doc.get("date")),
    }


def _html_language(html: str) -> str | None:
    head = html[:20_000]
    match = _LANG.search(head) or _META_LANG.search(head)
    return match.group(1).replace("_", "-") if match else None
