"""Exceptions of `ingest`. Every message names the input and says what the user can do.

    KBError                      (kb.errors: the root the CLI prints as one line)
    └── IngestError              anything that stops one input from being read
        ├── InputNotFound        a path that does not exist, or a directory/list with nothing usable
        ├── FetchError           the HTTP request failed; `status` is set for HTTP error statuses
        │   └── BlockedAddress   a private/loopback/link-local/... address, or a non-http(s) URL
        ├── TooLarge             a body or file bigger than the limit (KB_HTTP_MAX_BYTES)
        ├── UnsupportedContent   a content type or file kind we cannot read
        ├── DecodeError          bytes that cannot be parsed (a corrupt PDF, a broken compression)
        └── EmptyDocument        the input holds no main text
            └── NoTextLayer      a PDF whose pages carry no text (scanned images)

One bad input raises for that input only: `ingest.inputs` turns these into per-item results, so
a batch goes on past it.
"""

from __future__ import annotations

import re

from kb.errors import KBError

__all__ = [
    "BlockedAddress",
    "DecodeError",
    "EmptyDocument",
    "FetchError",
    "IngestError",
    "InputNotFound",
    "NoTextLayer",
    "TooLarge",
    "UnsupportedContent",
    "one_line",
]


# Line breaks, terminal escapes, other C0/C1 controls and bidirectional overrides. A message names
# the input, and a file name or URL may hold any of these: printed raw, one error would span
# lines, or recolour, rewrite or reorder the user's terminal.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


# A name longer than this (a 1 MB URL from a list) is cut in messages: the line stays readable
# and the advice after the name is still seen.
MAX_NAME = 200
_LONG_NAME = re.compile(rf"\S{{{MAX_NAME + 2},}}")


def one_line(text: str) -> str:
    """`text` with unprintable characters written as escapes (a newline becomes \\n), lone
    surrogates as `\\udce9`, and every run of more than `MAX_NAME` + 1 non-blank characters cut
    to its first `MAX_NAME` and "…" (and the colon that ended it)."""
    text = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _LONG_NAME.sub(_cut, text)


def _cut(match: re.Match[str]) -> str:
    name = match.group()
    return name[:MAX_NAME] + "…" + (name[-1] if name[-1] in ":;,)" else "")


class IngestError(KBError):
    """Root of every error `ingest` raises on purpose. Its message is always one printable line."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(one_line(str(message)), *args)


class InputNotFound(IngestError):
    pass


class FetchError(IngestError):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BlockedAddress(FetchError):
    pass


class TooLarge(IngestError):
    pass


class UnsupportedContent(IngestError):
    pass


class DecodeError(IngestError):
    pass


class EmptyDocument(IngestError):
    pass


class NoTextLayer(EmptyDocument):
    pass
