"""Render an element tree (trafilatura's XML or plain HTML) as text with link spans.

Blocks (paragraphs, headings, quotes) are separated by a blank line, list items and table rows
by a newline, table cells by " | "; whitespace inside a block collapses to single spaces, as a
browser shows it. Separators are only written before the next text, so a link's span never
includes them. Iterative, so a deeply nested page cannot exhaust the stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from ingest.decoding import clean_text
from ingest.hyperlinks import Link

__all__ = ["HTML_VOCABULARY", "TEI_VOCABULARY", "Vocabulary", "absolute_url", "render"]

PARAGRAPH, LINE, CELL, BREAK = "\n\n", "\n", " | ", "\n"
_RANK = {"": 0, " ": 1, CELL: 2, LINE: 3, PARAGRAPH: 4}


@dataclass(frozen=True)
class Vocabulary:
    """How the tags of one tree kind map to layout."""

    paragraphs: frozenset[str]
    lines: frozenset[str]
    cells: frozenset[str]
    breaks: frozenset[str]
    skip: frozenset[str]
    link_tag: str
    link_attribute: str


# trafilatura's XML (TEI-like): <head> is a heading here, not the document head.
TEI_VOCABULARY = Vocabulary(
    paragraphs=frozenset({"p", "head", "quote", "code", "list", "table", "div", "main", "doc"}),
    lines=frozenset({"item", "row"}),
    cells=frozenset({"cell"}),
    breaks=frozenset({"lb"}),
    skip=frozenset({"graphic", "del", "comments", "note"}),
    link_tag="ref",
    link_attribute="target",
)

HTML_VOCABULARY = Vocabulary(
    paragraphs=frozenset(
        {
            "p",
            "div",
            "section",
            "article",
            "main",
            "blockquote",
            "pre",
            "ul",
            "ol",
            "dl",
            "table",
            "figure",
            "figcaption",
            "hr",
            "address",
            "details",
            "summary",
            "center",
            "body",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        }
    ),
    lines=frozenset({"li", "tr", "dt", "dd", "caption"}),
    cells=frozenset({"td", "th"}),
    breaks=frozenset({"br"}),
    skip=frozenset(
        {
            "head",
            "script",
            "style",
            "noscript",
            "template",
            "svg",
            "math",
            "iframe",
            "object",
            "embed",
            "nav",
            "header",
            "footer",
            "aside",
            "form",
            "button",
            "select",
            "textarea",
            "input",
            "canvas",
            "video",
            "audio",
            "picture",
            "img",
            "map",
            "dialog",
        }
    ),
    link_tag="a",
    link_attribute="href",
)


def render(root: Any, vocabulary: Vocabulary, *, base_url: str | None = None) -> tuple[str, list[Link]]:
    """Text of the tree under `root` (an lxml element) and the links in it."""
    out = _Builder()
    skip, breaks, link_tag = vocabulary.skip, vocabulary.breaks, vocabulary.link_tag
    names: dict[Any, str | None] = {}  # element.tag -> its name here, looked up once per tag
    # Each element is on the stack twice: entering (separator None), then leaving (with the
    # separator it opened with, and whether it is a link). A skipped element adds only its tail.
    stack: list[tuple[Any, str | None, bool]] = [(root, None, False)]
    while stack:
        element, separator, is_link = stack.pop()
        if separator is not None:
            if is_link:
                out.close_link()
            if separator != CELL:
                out.separate(separator)
            if element is not root:
                out.add(element.tail)
            continue
        raw = element.tag
        tag = names[raw] if raw in names else names.setdefault(raw, _name(raw))
        if tag is None or tag in skip:
            if element is not root:
                out.add(element.tail)
            continue
        separator = _separator(tag, vocabulary, element)
        out.separate(separator)
        if tag in breaks:
            out.separate(BREAK, force=True)
        is_link = tag == link_tag
        if is_link:
            out.open_link(absolute_url(element.get(vocabulary.link_attribute), base_url))
        out.add(element.text)
        stack.append((element, separator, is_link))
        stack.extend([(child, None, False) for child in reversed(element)])
    return out.finish()


def _tag(element: Any) -> str | None:
    return _name(element.tag)


def _name(tag: Any) -> str | None:
    """A tag without its namespace, in lower case; None for comments and processing instructions."""
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _separator(tag: str | None, vocabulary: Vocabulary, element: Any) -> str:
    if tag in vocabulary.paragraphs:
        # A block inside a list item (a nested list) stays in the list's rhythm of lines.
        parent = element.getparent()
        return LINE if parent is not None and _tag(parent) in vocabulary.lines else PARAGRAPH
    if tag in vocabulary.lines:
        return LINE
    if tag in vocabulary.cells:
        return CELL
    return ""


def absolute_url(target: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, or None: javascript:, mailto: and the like are not links to works."""
    if not target:
        return None
    try:
        resolved = urljoin(base, target.strip()) if base else target.strip()
        scheme = urlsplit(resolved).scheme.lower()
    except ValueError:  # "http://[bad": one malformed link must not fail the whole page
        return None
    return resolved if scheme in ("http", "https") else None


class _Builder:
    """Accumulates text; separators wait until text follows, so none leads or trails."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._pending = ""
        self._open: list[tuple[str | None, int | None]] = []  # (url, start) of open links
        self._spans: list[tuple[int, int, str]] = []

    def separate(self, separator: str, *, force: bool = False) -> None:
        if not separator:
            return
        if force and self._pending == separator and self._length:
            # Two <br> in a row are a paragraph break.
            self._pending = PARAGRAPH
        elif _RANK[separator] > _RANK[self._pending]:
            self._pending = separator

    def add(self, raw: str | None) -> None:
        if not raw:
            return
        text = clean_text(raw)
        if not text:
            return
        # Whitespace runs collapse to one space (str.split() splits where `\s` matches).
        if text[0].isspace():
            self.separate(" ")
        core = " ".join(text.split())
        if not core:
            return
        if self._pending and self._length:
            self._emit(self._pending)
        self._pending = ""
        if self._open:  # a link starts at its first visible character
            self._open = [(url, self._length if start is None else start) for url, start in self._open]
        self._emit(core)
        if text[-1].isspace():
            self.separate(" ")

    def open_link(self, url: str | None) -> None:
        self._open.append((url, None))

    def close_link(self) -> None:
        if not self._open:
            return
        url, start = self._open.pop()
        if url is not None and start is not None and start < self._length:
            self._spans.append((start, self._length, url))

    def finish(self) -> tuple[str, list[Link]]:
        text = "".join(self._parts)
        links = [Link(start=s, end=e, url=url, text=text[s:e]) for s, e, url in sorted(self._spans)]
        return text, links

    def _emit(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)
