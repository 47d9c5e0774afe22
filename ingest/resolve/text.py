"""Small pure helpers the parsers share: whitespace, markup in titles and abstracts, identifiers."""

from __future__ import annotations

import html
import re

from ingest.references import normalize_doi

__all__ = ["as_int", "clean", "doi_or_none", "pmcid_or_none", "pmid_or_none", "strip_markup"]

_TAG = re.compile(r"<[^>]+>")


def clean(text: object) -> str | None:
    """Single-spaced text, or None when nothing is left or the value is not text at all."""
    if not isinstance(text, str):
        return None
    squashed = " ".join(text.split())
    return squashed or None


def strip_markup(text: object) -> str | None:
    """Crossref abstracts are JATS XML and titles may carry <i>/<sub>: keep the words only."""
    if not isinstance(text, str):
        return None
    return clean(html.unescape(_TAG.sub(" ", text)))


def doi_or_none(value: object) -> str | None:
    """A normalized DOI ("10.5555/x", lower case) from a bare DOI or a doi.org URL."""
    if not isinstance(value, str) or "10." not in value:
        return None
    doi = normalize_doi(value)
    return doi if re.match(r"^10\.\d{4,9}/\S+$", doi) else None


def pmid_or_none(value: object) -> str | None:
    """Digits of a PMID given as a number, a string, or a pubmed.ncbi.nlm.nih.gov URL."""
    if isinstance(value, bool) or value is None:
        return None
    m = re.search(r"(\d{1,9})/?$", str(value).strip())
    return (m.group(1).lstrip("0") or None) if m else None


def pmcid_or_none(value: object) -> str | None:
    """ "PMC" + digits, from "PMC123", "123" or a PMC article URL."""
    if value is None or isinstance(value, bool):
        return None
    m = re.search(r"(?:PMC)?(\d{1,9})/?$", str(value).strip(), re.IGNORECASE)
    return f"PMC{m.group(1)}" if m else None


def as_int(value: object) -> int | None:
    """An int from an int or a digit string; anything else is None (never a guess)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
