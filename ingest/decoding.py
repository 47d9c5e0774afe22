"""Bytes to clean text: pick the encoding, never crash on bad bytes, normalize what is left.

The encoding is chosen in the order browsers use: a byte-order mark, then the HTTP charset, then
an HTML <meta> charset, then valid UTF-8, then UTF-16 without a byte-order mark (recognised by its
zero bytes), then charset-normalizer's guess. Undecodable bytes become U+FFFD instead of an
error, so a page with one bad byte still reads.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["clean_text", "decode_text", "utf16_without_bom"]

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

# C0/C1 controls except tab and newline; invisible characters that only break words apart (soft
# hyphen, zero-width space, word joiner and invisible operators, BOM); bidirectional embeddings,
# overrides and isolates, which only change how text is shown, and can show a claim reordered
# ("Trojan Source"); and the noncharacters U+FFFE, U+FFFF. Zero-width (non-)joiners and the
# left-to-right/right-to-left marks stay: scripts and emoji need them.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufffe\uffff]"
)


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
    if utf16 := utf16_without_bom(data[:4096]):
        return data.decode(utf16, errors="replace")
    best = from_bytes(data[:200_000]).best()  # a sample is enough to guess and keeps it fast
    encoding = best.encoding if best is not None else "cp1252"
    return data.decode(encoding, errors="replace")


def utf16_without_bom(head: bytes) -> str | None:
    """The codec ("utf-16-le" or "-be") when `head` reads as UTF-16 text with no byte-order mark.

    Mostly-Latin UTF-16 has a zero byte in every other position (odd ones in little-endian);
    ASCII, UTF-8 and legacy encodings have none, and binary formats have them scattered.
    """
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even, odd = head[0 : pairs * 2 : 2], head[1 : pairs * 2 : 2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * pairs and other.count(0) <= 0.02 * pairs:
            return codec
    return None


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
