"""Fetch one article URL into a `Fetched`: the bytes and what we know about them.

`Fetched` is also what `ingest.inputs` makes of local files and standard input, so
`ingest.extract` handles every input alike.
"""

from __future__ import annotations

import requests
from pydantic import BaseModel, ConfigDict

from ingest.http import DOCUMENT_TYPES, get_bounded, make_session
from kb.settings import Settings

__all__ = ["Fetched", "fetch"]

# A whole download may take a few read timeouts: enough for a slow page, not for a trickle.
DEADLINE_TIMEOUTS = 4


class Fetched(BaseModel):
    """Raw content of one input, before extraction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str  # what was asked: a URL, a path as given, or "-" for standard input
    final_url: str  # after redirects; a file:// URI for local files
    content_type: str  # effective media type (header or suffix corrected by the first bytes)
    body: bytes
    encoding: str | None = None  # charset the server or caller declared, a hint only
    status: int | None = None  # HTTP status; None for files and standard input
    from_cache: bool = False


def fetch(url: str, settings: Settings, session: requests.Session | None = None) -> Fetched:
    """Download an article page or PDF. Raises an `IngestError` subclass naming the URL."""
    own_session = session is None
    active = make_session(settings) if session is None else session
    try:
        got = get_bounded(
            active,
            url,
            max_bytes=settings.http_max_bytes,
            allowed_types=DOCUMENT_TYPES,
            deadline=settings.http_timeout * DEADLINE_TIMEOUTS,
        )
    finally:
        if own_session:
            active.close()
    return Fetched(
        url=url,
        final_url=got.final_url,
        content_type=got.content_type,
        body=got.body,
        encoding=got.charset,
        status=got.status,
        from_cache=got.from_cache,
    )
