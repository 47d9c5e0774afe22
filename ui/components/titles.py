"""What to call an article (pure): its title, else its first heading, else its address or file name.

The graph stores what the page gave. A page's own label ("Title: …") is not part of the title,
and a title that ingest made from the first line of text (a sentence shortened with "…") is no
title at all: the first heading of the text reads better, and failing that the address or the
file name says which article it is. Nothing here cuts a sentence mid-word.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from kb.views import SourceRecord, SourceRow

_LABEL = re.compile(r"^\s*(?:page\s+)?title\s*[:\-–—|]\s*", re.IGNORECASE)
_HEADING_MAX_WORDS = 14
_HEADING_MAX_CHARS = 110


def clean_title(title: object) -> str:
    """The title without a page's "Title:" label and with its spaces normalized."""
    text = " ".join(str(title or "").split())
    return _LABEL.sub("", text).strip()


def _cut(title: str) -> bool:
    """Not a title: shortened with "…" (ingest's first-line fallback, or a cut page title), or a
    whole paragraph (the first line of a text that has no title)."""
    return title.endswith(("…", "...")) or len(title) > 150 or len(title.split()) > 24


def first_heading(text: str | None) -> str | None:
    """The first line that reads as a heading: short, on its own, not ending like a sentence."""
    for line in (text or "").splitlines()[:400]:
        line = " ".join(line.split()).lstrip("#").strip()
        if not line:
            continue
        words = line.split()
        if (
            len(words) <= _HEADING_MAX_WORDS
            and len(line) <= _HEADING_MAX_CHARS
            and not line.endswith((".", ",", ";", ":"))
            and any(c.isalpha() for c in line)
        ):
            return clean_title(line) or None
    return None


def place_name(locator: object, key: object = None) -> str:
    """The address (host and path) or the file name an article came from."""
    where = str(locator or "").strip()
    if where.startswith(("http://", "https://")):
        parts = urlsplit(where)
        path = unquote(parts.path).rstrip("/")
        return (parts.hostname or "") + (path if path else "")
    if where and where not in ("-", "pasted text"):
        return PurePosixPath(where.removeprefix("file://")).name or where
    key_text = str(key or "")
    if key_text.startswith("text:"):
        return "Pasted text"
    return key_text or "Untitled article"


def display_title(source: SourceRow, text: str | None = None) -> str:
    """The name to show for a source; its first heading is looked for in `text`, or in its own
    text when it is a `SourceRecord`."""
    if text is None and isinstance(source, SourceRecord):
        text = source.text
    title = clean_title(source.title)
    if title and not _cut(title):
        return title
    return first_heading(text) or place_name(source.locator, source.key)
