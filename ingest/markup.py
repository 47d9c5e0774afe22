"""Bound what an HTML page can make the parsers do, before any of them sees it. Pure, linear.

libxml2 (under lxml, trafilatura, readability and jusText) checks each attribute of an element
against every earlier one, and htmldate reads an element's attributes once per look-up: time
grows with the square of the attributes on one element. 40,000 of them (358 KB) took 29 s, and
a 2.9 MB page did not finish in 25 minutes. No real page puts more than a few dozen attributes
on an element, so `limit_attributes` keeps the first `MAX_ATTRIBUTES` of each start tag and
drops the rest; a page that needs none dropped comes back unchanged (the same string).

Finding tags the way the parser does matters: a tag the scan misses is not bounded, and text
the scan takes for attributes would be lost. So the scan follows the HTML5 tokenizer, which
libxml2 2.14 implements: comments end at `-->`, `--!>` or right away (`<!-->`); `<!...>`,
`<?...>` and `</ ...>` are bogus comments up to the next `>`; a quote opens a value only after
`=`; script, style, xmp, iframe, noembed, noframes, title and textarea hold raw text up to
their end tag, and plaintext to the end of the page.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ATTRIBUTES", "limit_attributes"]

MAX_ATTRIBUTES = 100

# One attribute, from where a name may start: name, then an optional value. A name may start
# with "=" and hold quotes; an unterminated quoted value runs to the end of the page.
_ATTRIBUTE = r"""[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^\s>]*))?"""
# Every alternative ends at ">" or at the end of the page, so a match never fails part-way and
# never backtracks: the scan is linear.
_MARKUP = re.compile(
    rf"""
    <!--(?:-?>|.*?(?:--!?>|\Z))                                    # a comment
    | <(?:!|\?|/(?![A-Za-z]))[^>]*(?:>|\Z)                          # doctype, bogus comment, </>
    | <(?P<end>/?)(?P<name>[A-Za-z][^\s/>]*)
      (?P<attributes>(?:[\s/]*{_ATTRIBUTE})*)[\s/]*(?:>|\Z)        # a start or end tag
    """,
    re.S | re.X,
)
_ONE_ATTRIBUTE = re.compile(rf"[\s/]*{_ATTRIBUTE}", re.S)
_RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "title", "textarea"})
_RAW_END = {name: re.compile(rf"</{name}[\s/>]", re.I) for name in _RAW_TEXT}


def limit_attributes(html: str, most: int = MAX_ATTRIBUTES) -> str:
    """`html` with every start tag cut to its first `most` attributes."""
    pieces: list[str] = []
    kept = 0  # html[:kept] is already in pieces
    pos = 0
    # Each attribute takes at least two characters with its separator: a shorter run cannot
    # hold more than `most`, and most tags are skipped on their length alone.
    shortest = 2 * most
    search = _MARKUP.search
    while (m := search(html, pos)) is not None:
        pos = m.end()
        name = m.group("name")
        if name is None or m.group("end"):
            continue
        start, end = m.span("attributes")
        if end - start > shortest:
            cut = _cut_after(html, start, end, most)
            if cut is not None:
                pieces.append(html[kept:cut])
                kept = end
        if (lowered := name.lower()) in _RAW_TEXT:
            found = _RAW_END[lowered].search(html, pos)
            pos = found.start() if found else len(html)
        elif lowered == "plaintext":
            break
    if not pieces:
        return html
    pieces.append(html[kept:])
    return "".join(pieces)


def _cut_after(html: str, start: int, end: int, most: int) -> int | None:
    """Where the `most`-th attribute in html[start:end] ends, or None when there are no more."""
    for count, m in enumerate(_ONE_ATTRIBUTE.finditer(html, start, end), start=1):
        if count == most:
            return m.end() if m.end() < end else None
    return None
