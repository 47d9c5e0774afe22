"""Exceptions of the lookup clients. A resolver turns each into an `unresolved_reason`, never a crash.

    IngestError                  (ingest.errors)
    └── ResolveError             a lookup service could not give an answer
        ├── ServiceUnavailable   transport failure or HTTP error status after the session's retries
        └── MalformedResponse    the service answered with a body we cannot read

Expected absence is not an error: a DOI Crossref does not know is `None`, an empty search is `[]`.
"""

from __future__ import annotations

from ingest.errors import IngestError

__all__ = ["MalformedResponse", "ResolveError", "ServiceUnavailable"]


class ResolveError(IngestError):
    """Root of the errors a lookup client raises on purpose."""


class ServiceUnavailable(ResolveError):
    pass


class MalformedResponse(ResolveError):
    pass
