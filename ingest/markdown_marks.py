"""Markdown's marks out of a plain-text page, its words kept (pure).

Pages are often saved or pasted as Markdown: `#### Benefits` headings, `**bold**` and `*italic*`
emphasis, `` `code` ``. The marks are not the article's words: left in, a heading reads as a
sentence starting with "####" and a claim is stored as "**Piracetam** can improve...". They are
removed before anything takes an offset (links are found afterwards), so every span still points
into the text that is stored. List markers ("1.", "-", "*") stay: the sentence splitter reads
them as list items.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# One * or _ around words, not inside a word (snake_case, 2*3) and not a list marker.
_EMPHASIS = re.compile(r"(?<![\w*\\])([*_])(?=[^\s*_])([^*_\n]+?)(?<=[^\s*_])\1(?![\w*])")
_CODE = re.compile(r"`([^`\n]+)`")


def strip_marks(text: str) -> str:
    """`text` without Markdown headings' #, emphasis and code marks, and horizontal rules."""
    if not any(mark in text for mark in "#*_`"):
        return text
    text = _RULE.sub("", text)
    text = _HEADING.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    return _CODE.sub(r"\1", text)
