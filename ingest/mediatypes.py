"""Media types of the documents we read: header parsing, file suffixes, and sniffing.

Servers and file names lie about what they hold. The first bytes decide when they can (a PDF is
a PDF whatever the header says; a PNG labelled text/html is refused), and the declared type is
trusted otherwise. Shared by `ingest.http` (responses), `ingest.inputs` (files, standard input)
and `ingest.extract`.
"""

from __future__ import annotations

import re

from ingest.decoding import utf16_without_bom

HTML = "text/html"
XHTML = "application/xhtml+xml"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PDF = "application/pdf"
OCTET_STREAM = "application/octet-stream"

#: What an article can arrive as. Markdown is plain text with link syntax, so it counts as text.
DOCUMENT_TYPES: frozenset[str] = frozenset({HTML, XHTML, TEXT, MARKDOWN, PDF})
HTML_TYPES: frozenset[str] = frozenset({HTML, XHTML})
TEXT_TYPES: frozenset[str] = frozenset({TEXT, MARKDOWN})

#: Labels that say "I don't know": the body is sniffed instead of refused.
GENERIC_TYPES: frozenset[str] = frozenset(
    {
        OCTET_STREAM,
        "binary/octet-stream",
        "application/x-download",
        "application/force-download",
        "application/unknown",
    }
)

_ALIASES = {"text/x-markdown": MARKDOWN, "application/x-pdf": PDF, "text/xhtml": XHTML}

SUFFIX_TYPES: dict[str, str] = {
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": XHTML,
    ".txt": TEXT,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".pdf": PDF,
}

# Magic numbers of formats that are never an article; seeing one means the label lied.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x7fELF", "application/x-executable"),
    (b"OggS", "application/ogg"),
    (b"\x1aE\xdf\xa3", "video/webm"),
)

# WHATWG "tags that mean HTML" for unlabelled bodies; a labelled text/plain needs the strong ones.
_HTML_STRONG = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_HTML_WEAK = re.compile(
    rb"^<(?:head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|meta|link)[\s>/]", re.I
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """Split a Content-Type header into (media type in lower case, charset or None)."""
    if not header:
        return None, None
    label, _, params = header.partition(";")
    label = label.strip().lower()
    mime = _ALIASES.get(label, label) or None
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return mime, charset


def type_for_suffix(suffix: str) -> str | None:
    return SUFFIX_TYPES.get(suffix.lower())


def sniff(head: bytes) -> str | None:
    """The type the first bytes prove, or None when they prove nothing."""
    # PDF readers accept junk before the header, so look a little way in.
    if b"%PDF-" in head[:1024]:
        return PDF
    for magic, mime in _BINARY_MAGIC:
        if head.startswith(magic):
            return mime
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    text = _strip_bom(head).lstrip()
    if _HTML_STRONG.match(text):
        return XHTML if text.startswith(b"<?xml") else HTML
    if _HTML_WEAK.match(text):
        return HTML
    return None


def effective_type(declared: str | None, head: bytes) -> str:
    """Decide what a body is from its declared type and its first bytes.

    Magic numbers win over the label; an unlabelled or generic body is sniffed; text/plain that
    opens like a full HTML document is HTML (servers mislabel pages far more often than they
    serve HTML source as text on purpose).
    """
    sniffed = sniff(head)
    if sniffed is not None and sniffed not in HTML_TYPES:
        return sniffed
    if declared is None or declared in GENERIC_TYPES:
        if sniffed is not None:
            return sniffed
        return TEXT if looks_textual(head) else (declared or OCTET_STREAM)
    if declared in TEXT_TYPES and _HTML_STRONG.match(_strip_bom(head).lstrip()):
        return HTML
    if declared in TEXT_TYPES | HTML_TYPES and sniffed is None and not looks_textual(head):
        return OCTET_STREAM  # binary bytes behind a text label: a misnamed file, not an article
    return declared


def looks_textual(head: bytes) -> bool:
    """True when the bytes read as text: no NULs (bar UTF-16, with or without a byte-order mark)
    and few control characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(head):
        return True
    if not head:
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def _strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data
