"""What every lookup client shares: the service addresses, and one guarded GET.

`Lookup` bundles the injected `requests.Session` (from `ingest.http.make_session`: timeouts,
retries with backoff honouring Retry-After, cache, address guard), the settings, the rate
limiter and the `Endpoints`. Tests point `Endpoints` at a server on 127.0.0.1.

`Lookup.get` is the only place the clients touch the network. It maps outcomes the same way for
every service: a body -> bytes, 404 -> None (expected absence), anything else -> `ResolveError`
whose message never carries the NCBI API key.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from ingest.errors import FetchError, IngestError
from ingest.http import get_bounded
from ingest.resolve.errors import MalformedResponse, ServiceUnavailable
from ingest.resolve.ratelimit import RateLimiter
from kb.settings import Settings

__all__ = ["JSON_TYPES", "TOOL", "XML_TYPES", "Endpoints", "Lookup"]

TOOL = "evidence-kb"  # the `tool` parameter NCBI asks every E-utilities client to send
JSON_TYPES = frozenset({"application/json", "text/json", "text/plain", "application/vnd.api+json"})
XML_TYPES = frozenset({"text/xml", "application/xml", "text/plain"})
# A lookup reads a few kilobytes; a whole download may take this many read timeouts.
DEADLINE_TIMEOUTS = 4


@dataclass(frozen=True)
class Endpoints:
    """Base URLs of the services (no trailing slash)."""

    crossref: str = "https://api.crossref.org"
    openalex: str = "https://api.openalex.org"
    eutils: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    idconv: str = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles"
    clinicaltrials: str = "https://clinicaltrials.gov/api/v2"
    europepmc: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"

    @classmethod
    def under(cls, root: str) -> Endpoints:
        """Every service under one server, as `root/crossref`, `root/eutils`... (tests, mirrors)."""
        root = root.rstrip("/")
        return cls(**{name: f"{root}/{name}" for name in cls.__dataclass_fields__})


@dataclass
class Lookup:
    session: requests.Session
    settings: Settings
    limiter: RateLimiter = field(default_factory=RateLimiter.unlimited)
    endpoints: Endpoints = field(default_factory=Endpoints)

    def ncbi_params(self) -> dict[str, str]:
        """`tool`, `email` and `api_key`, as NCBI asks of E-utilities and ID-converter clients."""
        params = {"tool": TOOL}
        if self.settings.contact_email:
            params["email"] = self.settings.contact_email
        if self.settings.ncbi_api_key:
            params["api_key"] = self.settings.ncbi_api_key.get_secret_value()
        return params

    def polite_params(self) -> dict[str, str]:
        """`mailto` for the Crossref and OpenAlex polite pools."""
        return {"mailto": self.settings.contact_email} if self.settings.contact_email else {}

    def get(
        self, service: str, url: str, params: Mapping[str, str] | None, *, types: Collection[str]
    ) -> bytes | None:
        """The body of a GET, None on 404; raises ServiceUnavailable or MalformedResponse."""
        self.limiter.wait(service)
        try:
            got = get_bounded(
                self.session,
                url,
                max_bytes=self.settings.http_max_bytes,
                allowed_types=types,
                deadline=self.settings.http_timeout * DEADLINE_TIMEOUTS,
                params=params,
            )
        except FetchError as e:
            if e.status in (404, 410):
                return None
            raise ServiceUnavailable(self._scrub(str(e))) from e
        except IngestError as e:  # too large, wrong content type, broken compression
            raise MalformedResponse(self._scrub(str(e))) from e
        return got.body

    def get_json(self, service: str, url: str, params: Mapping[str, str] | None = None) -> Any | None:
        body = self.get(service, url, params, types=JSON_TYPES)
        if body is None:
            return None
        try:
            return json.loads(body)
        except ValueError as e:
            raise MalformedResponse(f"{url}: the response is not valid JSON ({e})") from e

    def _scrub(self, message: str) -> str:
        # Error messages may quote the final URL, query string included: never store the key.
        key = self.settings.ncbi_api_key
        return message.replace(key.get_secret_value(), "***") if key else message
