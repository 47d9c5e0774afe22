"""Bytes and a content type in, the article's main text out. Pure: no I/O, no network.

- HTML: `ingest.extract_html` (trafilatura finds the main text; loaded only for HTML inputs).
- Plain text and Markdown stay as they are, except that Markdown links `[text](url)` become
  their text plus a `Link`, and Markdown marks (`####`, `**bold**`) are removed.
- PDF: the text layer, page by page (pypdf). A scan without one raises `NoTextLayer`.

Offsets of links refer to the final `Extracted.text`: cleaning happens before offsets are taken.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from ingest import mediatypes
from ingest.decoding import clean_text, decode_text
from ingest.errors import DecodeError, EmptyDocument, NoTextLayer, UnsupportedContent
from ingest.hyperlinks import Link
from ingest.markdown_marks import strip_marks
from ingest.textrender import absolute_url

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


class Metadata(TypedDict, total=False):
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
        from ingest.extract_html import from_html  # trafilatura and lxml: only HTML pays for them

        result = from_html(decode_text(body, charset, html=True), url)
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


def _pdf_metadata(reader: Any) -> Metadata:
    info = reader.metadata
    language = reader.trailer["/Root"].get("/Lang")
    try:
        created = info.creation_date if info else None
    except ValueError:  # a malformed date string is common and harmless
        created = None
    return {
        "title": clean_field(info.title) if info else None,
        "author": clean_field(info.author) if info else None,
        "published": created.date().isoformat() if created else None,
        "language": clean_field(language),
    }


# --- helpers -------------------------------------------------------------------------------


def clean_field(value: Any) -> str | None:
    """A metadata value as one line of clean text, or None."""
    if value is None:
        return None
    text = " ".join(clean_text(str(value)).split())
    return text or None
