"""Bytes and a content type in, the article's main text out. Pure: no I/O, no network.

- HTML: trafilatura finds the main text (boilerplate removed) as XML; walking that XML gives
  the text with headings, paragraphs, list items and table rows on lines of their own, and the
  character span of every link. When trafilatura finds nothing (a very short page) the body
  itself is rendered, minus scripts, navigation and footers.
- Plain text and Markdown stay as they are, except that Markdown links `[text](url)` become
  their text plus a `Link`.
- PDF: the text layer, page by page (pypdf). A scan without one raises `NoTextLayer`.

Offsets of links refer to the final `Extracted.text`: cleaning happens before offsets are taken.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from typing import Any, TypedDict
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura
from pydantic import BaseModel, ConfigDict, Field
from trafilatura.core import determine_returnstring
from trafilatura.settings import Extractor

from ingest import mediatypes
from ingest.decoding import clean_text, decode_text
from ingest.errors import DecodeError, EmptyDocument, NoTextLayer, UnsupportedContent
from ingest.links import Link
from ingest.markdown_marks import strip_marks
from ingest.markup import limit_attributes
from ingest.textrender import HTML_VOCABULARY, TEI_VOCABULARY, absolute_url, render

__all__ = ["Extracted", "Link", "extract"]

# pypdf logs what it repairs in a damaged file ("EOF marker not found") to stderr; the outcome
# already reaches the user as the page's text or as one DecodeError line.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class Extracted(BaseModel):
    """The main text of one input, with what the page says about itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    title: str | None = None
    site: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when known
    language: str | None = None  # as the document declares it ("en", "de-CH")
    links: list[Link] = Field(default_factory=list)


class _Metadata(TypedDict, total=False):
    title: str | None
    site: str | None
    author: str | None
    published: str | None
    language: str | None


def extract(
    body: bytes,
    content_type: str,
    *,
    charset: str | None = None,
    url: str | None = None,
    name: str | None = None,
) -> Extracted:
    """Extract the main text. `url` (the final URL) resolves relative links; `charset` is a hint;
    `name` is how messages refer to the input (the path or URL the user gave).

    Raises EmptyDocument when there is no text, UnsupportedContent for other types, DecodeError
    for a PDF that cannot be read.
    """
    name = name or url or "the input"
    if content_type in mediatypes.HTML_TYPES:
        result = _from_html(decode_text(body, charset, html=True), url)
    elif content_type in mediatypes.TEXT_TYPES:
        result = _from_plain(decode_text(body, charset), url)
    elif content_type == mediatypes.PDF:
        result = _from_pdf(body, name)
    else:
        raise UnsupportedContent(
            f"{name}: cannot read {content_type}; give an HTML page, a PDF or a text file"
        )
    if not result.text.strip():
        raise EmptyDocument(
            f"{name}: no main text found; if the page builds its text with JavaScript, save it from a "
            "browser (or copy the text) and ingest that file"
        )
    return result


# --- HTML ---------------------------------------------------------------------------------

_SHORT_TEXT = 250  # trafilatura's own MIN_EXTRACTED_SIZE: less is not an article to it
_SHORT_PAGE = 1000  # a body that renders to less than this is shown whole
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
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


def _from_html(html: str, url: str | None) -> Extracted:
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
    if document is None:
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
        title=_clean(getattr(meta, "title", None)),
        site=_clean(getattr(meta, "sitename", None)),
        author=_clean(getattr(meta, "author", None)),
        published=_clean(getattr(meta, "date", None)),
    )


def _tei_metadata(doc: Any, language: str | None) -> _Metadata:
    return {
        "language": language,
        "title": _clean(doc.get("title")),
        "site": _clean(doc.get("sitename")),
        "author": _clean(doc.get("author")),
        "published": _clean(doc.get("date")),
    }


def _html_language(html: str) -> str | None:
    head = html[:20_000]
    match = _LANG.search(head) or _META_LANG.search(head)
    return match.group(1).replace("_", "-") if match else None


# --- plain text and Markdown -------------------------------------------------------------

# [text](url) or [text](<url> "title"); one level of parentheses inside the URL (Wikipedia).
# An image ![alt](src) keeps its alt text and gives no link.
_MD_LINK = re.compile(
    r"""(?P<image>!?)\[(?P<text>[^\[\]\n]*)\]\(\s*<?(?P<url>[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)>?"""
    r"""(?:\s+(?:"[^"\n]*"|'[^'\n]*'))?\s*\)"""
)
_AUTOLINK = re.compile(r"<(?P<url>https?://[^\s<>]+)>", re.I)


def _from_plain(text: str, url: str | None) -> Extracted:
    text = strip_marks(clean_text(text)).strip()
    pieces: list[str] = []
    links: list[Link] = []
    length = 0
    cursor = 0
    matches = sorted([*_MD_LINK.finditer(text), *_AUTOLINK.finditer(text)], key=lambda m: m.start())
    for match in matches:
        if match.start() < cursor:
            continue  # an autolink inside a Markdown link already taken
        before = text[cursor : match.start()]
        pieces.append(before)
        length += len(before)
        groups = match.groupdict()
        anchor = (groups["text"] if "text" in groups else groups["url"]) or ""
        target = absolute_url(match.group("url"), url)
        if anchor and target and not groups.get("image"):
            links.append(Link(start=length, end=length + len(anchor), url=target, text=anchor))
        pieces.append(anchor)
        length += len(anchor)
        cursor = match.end()
    pieces.append(text[cursor:])
    return Extracted(text="".join(pieces), links=links)


# --- PDF -----------------------------------------------------------------------------------


def _from_pdf(body: bytes, name: str) -> Extracted:
    from pypdf import PdfReader  # imported here: only PDF inputs pay for it

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DecodeError(f"{name}: the PDF is password-protected; save an unlocked copy and ingest that")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = _pdf_metadata(reader)
    except DecodeError:
        raise
    except Exception as e:  # pypdf raises many kinds on a broken file; all mean "cannot read it"
        raise DecodeError(f"{name}: the PDF cannot be read ({e}); check the file or save it again") from e
    text = clean_text("\n\n".join(page.strip() for page in pages if page.strip()))
    if not text.strip():
        raise NoTextLayer(
            f"{name}: the PDF has no text layer (a scan?); run OCR on it (e.g. ocrmypdf) and ingest the result"
        )
    return Extracted(text=text, **metadata)


def _pdf_metadata(reader: Any) -> _Metadata:
    info = reader.metadata
    language = reader.trailer["/Root"].get("/Lang")
    try:
        created = info.creation_date if info else None
    except ValueError:  # a malformed date string is common and harmless
        created = None
    return {
        "title": _clean(info.title) if info else None,
        "author": _clean(info.author) if info else None,
        "published": created.date().isoformat() if created else None,
        "language": _clean(language),
    }


# --- helpers -------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(clean_text(str(value)).split())
    return text or None
