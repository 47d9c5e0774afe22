"""Bytes to clean text: pick the encoding, never crash on bad bytes, normalize what is left.

The encoding is chosen in the order browsers use: a byte-order mark, then the HTTP charset, then
an HTML <meta> charset, then valid UTF-8, then charset-normalizer's guess. Undecodable bytes
become U+FFFD instead of an error, so a page with one bad byte still reads.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["clean_text", "decode_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_SCAN = 4096  # browsers look for the <meta> charset in the first 1024 bytes; be lenient
# Browsers read these labels as windows-1252 (WHATWG Encoding); servers send them for cp1252 text.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "ascii", "us-ascii", "l1", "cp819"}

# C0/C1 controls except tab and newline, plus invisible characters that only break words apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\ufeff\ufffe]")


def decode_text(data: bytes, charset: str | None = None, *, html: bool = False) -> str:
    """Decode `data` to str; `charset` is the declared (HTTP) one, a hint that may be wrong."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    declared = _usable(charset)
    if declared is None and html:
        match = _META_CHARSET.search(data[:_META_SCAN])
        declared = _usable(match.group(1).decode("ascii"), from_meta=True) if match else None
    if declared is not None:
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()  # a sample is enough to guess and keeps it fast
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


def clean_text(text: str) -> str:
    """Normalize newlines and drop control and invisible characters (tab and newline stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROL.sub("", text)


def _usable(label: str | None, *, from_meta: bool = False) -> str | None:
    """A Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A <meta> cannot be read at all if the page really were UTF-16, so the label is wrong
    # (WHATWG: treat it as UTF-8).
    if from_meta and name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name
