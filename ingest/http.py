"""The one HTTP session factory, and bounded downloads. Only fetch and lookup modules use it.

`make_session` gives a `requests.Session` with:

- an on-disk cache (requests-cache, SQLite under `settings.cache_dir`) that honours
  Cache-Control and otherwise keeps pages for `CACHE_EXPIRY`; pages read from private addresses
  go to a separate cache file, so a later guarded session never gets them from the cache;
- retries with exponential backoff on 429/500/502/503/504 and connection errors (urllib3
  `Retry`), honouring Retry-After up to `RETRY_AFTER_MAX` seconds (a server asking for a longer
  wait gets its error reported at once: urllib3 alone would wait the maximum and ask again);
- the User-Agent from settings, default connect/read timeouts, a redirect limit;
- no proxies, .netrc or CA bundle from the environment (settings are the only configuration,
  and a proxy would connect on our behalf where the address guard cannot see);
- the address guard of `ingest.netguard` on every connection unless private addresses are
  allowed, and refusal of anything but http(s).

`get_bounded` downloads one URL with a size cap on the decoded body (so a gzip bomb stops at the
cap), an overall deadline (so a trickling server cannot hold us) and a content-type allowlist
checked against the first bytes as well as the header.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import socket
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from ingest import mediatypes
from ingest.errors import BlockedAddress, DecodeError, FetchError, IngestError, TooLarge, UnsupportedContent
from ingest.netguard import pool_classes
from kb.settings import Settings

__all__ = [
    "CACHE_EXPIRY",
    "DEFAULT_DEADLINE",
    "DOCUMENT_TYPES",
    "BoundedResponse",
    "get_bounded",
    "make_session",
]

DOCUMENT_TYPES = mediatypes.DOCUMENT_TYPES
CACHE_EXPIRY = timedelta(days=1)  # articles change rarely; Cache-Control overrides this
RETRY_STATUSES = (429, 500, 502, 503, 504)
RETRY_AFTER_MAX = 60  # seconds; a server asking for longer gets its error reported instead
BACKOFF_FACTOR = 0.5  # waits 0, 1, 2, 4... seconds between retries
BACKOFF_MAX = 10.0
DEFAULT_DEADLINE = 120.0  # seconds for a whole download, redirects included
_CHUNK = 64 * 1024
_SCHEMES = ("http", "https")


class _RedactKeys(logging.Filter):
    """Blanks API keys out of the URLs urllib3 and requests-cache log at DEBUG level: whoever turns
    debug logging on must not find the NCBI key in their logs."""

    _KEY = re.compile(r"((?:api_key|apikey|access_token)=)[^&\s\"'#]+", re.I)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._KEY.search(message):
            record.msg, record.args = self._KEY.sub(r"\1***", message), ()
        return True


def _redact_http_logs() -> None:
    # A logger's filter sees only the records logged on that very logger, so each one gets it;
    # requests_cache's loggers exist only once it is imported (`make_session`), so it is run again.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith(("urllib3", "requests_cache")):
            logger = logging.getLogger(name)
            if not any(isinstance(f, _RedactKeys) for f in logger.filters):
                logger.addFilter(_RedactKeys())


_redact_http_logs()


class _Retry(Retry):
    """urllib3's Retry, except that a Retry-After beyond `retry_after_max` ends the retries."""

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        if response is not None and self.respect_retry_after_header:
            wait = _retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None and wait > self.retry_after_max:
                # With raise_on_status=False the pool hands back this response: its status is reported.
                raise urllib3.exceptions.MaxRetryError(_pool, url or "", reason=None)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _Adapter(HTTPAdapter):
    """HTTPAdapter with default timeouts, the address guard, and an offline switch."""

    def __init__(self, *, allow_private: bool, timeout: float, retries: Retry, offline: bool) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.offline = offline
        super().__init__(max_retries=retries)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = pool_classes(self.allow_private)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if not self.allow_private:
            raise BlockedAddress(
                f"proxy {proxy}: the private-address guard cannot check where a proxy connects; "
                "fetch without a proxy, or allow private addresses"
            )
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, timeout: Any = None, **kwargs: Any
    ) -> requests.Response:
        if self.offline:
            raise FetchError(f"{request.url}: offline mode is on (KB_OFFLINE); unset it to fetch pages")
        _check_scheme(request.url or "")
        return super().send(request, timeout=timeout or (self.timeout, self.timeout), **kwargs)


def make_session(
    settings: Settings, *, allow_private: bool | None = None, cache: bool = True
) -> requests.Session:
    """The session every HTTP call of the project goes through (see the module docstring)."""
    if allow_private is None:
        allow_private = settings.allow_private_network
    session: requests.Session
    if cache:
        # Private: it holds what was fetched, intranet pages too when those are allowed.
        settings.cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings.cache_dir.chmod(0o700)
        name = "http-private" if allow_private else "http"
        import requests_cache  # half a second to import: only when a cached session is made

        _redact_http_logs()

        session = requests_cache.CachedSession(
            str(settings.cache_dir / name),
            backend="sqlite",
            expire_after=CACHE_EXPIRY,
            cache_control=True,
            allowable_codes=(200,),
            allowable_methods=("GET", "HEAD"),
        )
    else:
        session = requests.Session()
    session.trust_env = False
    session.max_redirects = settings.http_max_redirects
    user_agent = settings.user_agent
    if settings.contact_email:
        user_agent = f"{user_agent} (mailto:{settings.contact_email})"
    session.headers["User-Agent"] = user_agent
    retries = _Retry(
        total=settings.http_retries,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=BACKOFF_MAX,
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,  # hand back the last response so the error names its status
        redirect=False,  # requests follows redirects itself, each hop through the adapter
    )
    adapter = _Adapter(
        allow_private=allow_private, timeout=settings.http_timeout, retries=retries, offline=settings.offline
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class BoundedResponse:
    """A fully read, size-checked response."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str  # effective type: the header corrected by the first bytes
    charset: str | None  # from the Content-Type header
    body: bytes  # decoded from any Content-Encoding
    headers: Mapping[str, str] = field(default_factory=dict)
    from_cache: bool = False

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise DecodeError(f"{self.final_url}: the response is not valid JSON ({e})") from e


def compressed_body_complete(raw: Any) -> bool:
    """False when a gzip or deflate body stopped before its end marker. zlib decodes a cut-off
    stream without complaint, so a page truncated in transit (with a Content-Length that matches
    what was sent) would otherwise be read as a shorter page. Looks into urllib3's decoders; a
    response without them (brotli, zstd, a cached one) counts as complete."""
    decoder = getattr(raw, "_decoder", None)
    for part in getattr(decoder, "_decoders", None) or [decoder]:  # "gzip, deflate": one each
        stream = getattr(part, "_obj", None)
        # Garbage after a complete gzip member is tolerated (as browsers do): urllib3 then swallows it.
        swallowed = getattr(part, "_state", None) == urllib3.response.GzipDecoderState.SWALLOW_DATA
        zlib_based = isinstance(part, urllib3.response.GzipDecoder | urllib3.response.DeflateDecoder)
        if zlib_based and not swallowed and not getattr(stream, "eof", True):
            return False
    return True


def get_bounded(
    session: requests.Session,
    url: str,
    *,
    max_bytes: int,
    allowed_types: Collection[str] = DOCUMENT_TYPES,
    deadline: float = DEFAULT_DEADLINE,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> BoundedResponse:
    """GET `url` and read at most `max_bytes` of decoded body within `deadline` seconds.

    Raises FetchError for transport failures and HTTP error statuses, BlockedAddress for a refused
    target (also after a redirect), TooLarge, UnsupportedContent when the effective type is not in
    `allowed_types`, DecodeError for a broken Content-Encoding.
    """
    _check_scheme(url)
    guard = _BodyGuard(url, max_bytes=max_bytes, allowed_types=allowed_types, deadline=deadline)
    request_headers = {"Accept": _accept_header(allowed_types), **(headers or {})}
    try:
        response = session.get(
            url, params=params, headers=request_headers, stream=True, hooks={"response": [guard]}
        )
    except BlockedAddress as e:
        # The guard names the host it refused; say which input led there (maybe via redirects).
        if str(e).startswith(url):
            raise
        raise BlockedAddress(f"{url}: {e}") from e
    except IngestError:
        raise
    except requests.exceptions.RequestException as e:
        raise _wrap_request_error(url, e, session) from e
    with response:
        if response.status_code >= 400:
            raise _status_error(url, response)
        body = response.content  # already read, within the cap, by the hook
        declared, charset = mediatypes.parse_content_type(response.headers.get("Content-Type"))
        content_type = mediatypes.effective_type(declared, body[:2048])
        if content_type not in allowed_types:
            raise _unsupported(url, content_type, declared, allowed_types)
        return BoundedResponse(
            url=url,
            final_url=response.url,
            status=response.status_code,
            content_type=content_type,
            charset=charset,
            body=body,
            headers=CaseInsensitiveDict(response.headers),
            from_cache=bool(getattr(response, "from_cache", False)),
        )


class _BodyGuard:
    """A response hook: reads each response (redirect hops too) within the size cap and deadline.

    It runs before requests-cache stores the response; requests-cache would otherwise read the
    whole body, unbounded, to store it.
    """

    def __init__(self, url: str, *, max_bytes: int, allowed_types: Collection[str], deadline: float) -> None:
        self.url = url
        self.max_bytes = max_bytes
        self.allowed_types = allowed_types
        self.stop_at = time.monotonic() + deadline
        self.deadline = deadline

    def __call__(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        # `_content`/`_content_consumed` are how requests itself marks a body as read.
        if getattr(response, "_content_consumed", False):  # a cache hit, read when it was stored
            if len(response.content) > self.max_bytes:
                raise self._too_large()
            return response
        if response.status_code >= 400:
            return response  # left unread: get_bounded reports the status, and errors are not cached
        try:
            self._refuse_early(response)
            response._content = self._read(response)
        except BaseException:
            response.close()
            raise
        response._content_consumed = True
        return response

    def _refuse_early(self, response: requests.Response) -> None:
        """Refuse without downloading when the headers already say no."""
        length = response.headers.get("Content-Length", "")
        # Compressed or not, a body that arrives bigger than the cap decodes bigger still.
        if length.isdigit() and int(length) > self.max_bytes:
            raise self._too_large(int(length))
        if not 200 <= response.status_code < 300:
            return  # redirect hops and 304s: only the final page's type matters
        declared, _ = mediatypes.parse_content_type(response.headers.get("Content-Type"))
        # A specific type we cannot read is trusted: no need to download a video to refuse it.
        # Generic labels and document types are checked again against the first bytes.
        if declared and declared not in self.allowed_types and declared not in mediatypes.GENERIC_TYPES:
            raise _unsupported(self.url, declared, declared, self.allowed_types)

    def _read(self, response: requests.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while chunk := self._read1(response):
            size += len(chunk)  # decoded bytes: the cap applies to what a gzip bomb expands to
            if size > self.max_bytes:
                raise self._too_large()
            chunks.append(chunk)
            if time.monotonic() > self.stop_at:
                raise FetchError(
                    f"{self.url}: the server is sending too slowly (no complete response within "
                    f"{self.deadline:g} s); try again later"
                )
        if chunks and not compressed_body_complete(response.raw):
            raise DecodeError(
                f"{self.url}: the compressed body ends early (the download was cut off); try again later"
            )
        return b"".join(chunks)

    def _read1(self, response: requests.Response) -> bytes:
        # read1 returns what one socket read brings; read()/iter_content wait for a full chunk,
        # which lets a server sending a byte at a time hold us far past the deadline.
        try:
            return bytes(response.raw.read1(_CHUNK, decode_content=True))
        except urllib3.exceptions.DecodeError as e:
            raise DecodeError(
                f"{self.url}: the server sent a broken compressed body ({e}); try again later"
            ) from e
        except urllib3.exceptions.ReadTimeoutError as e:
            raise FetchError(f"{self.url}: timed out while reading (KB_HTTP_TIMEOUT); try again later") from e
        except (urllib3.exceptions.HTTPError, OSError) as e:
            raise FetchError(
                f"{self.url}: the connection broke off mid-download ({e}); try again later"
            ) from e

    def _too_large(self, length: int | None = None) -> TooLarge:
        said = f" (Content-Length {length:,})" if length is not None else ""
        return TooLarge(
            f"{self.url}: the response is larger than {self.max_bytes:,} bytes{said}; raise "
            "KB_HTTP_MAX_BYTES, or save the page and ingest the file"
        )


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise BlockedAddress(
            f"{url}: only http:// and https:// URLs are fetched; give a local file as a path"
        )


def _accept_header(allowed_types: Collection[str]) -> str:
    return ", ".join([*sorted(allowed_types), "*/*;q=0.1"])


def _unsupported(
    url: str, content_type: str, declared: str | None, allowed: Collection[str]
) -> UnsupportedContent:
    said = f" (the server said {declared})" if declared and declared != content_type else ""
    return UnsupportedContent(
        f"{url}: the content is {content_type}{said}, not one of {', '.join(sorted(allowed))}; "
        "give the address of the article page itself"
    )


def _status_error(url: str, response: requests.Response) -> FetchError:
    status = response.status_code
    reason = f" {response.reason}" if response.reason else ""
    if status == 429:
        hint = "the server is rate-limiting us; try again later"
    elif status >= 500:
        hint = "the server failed; try again later"
    elif status in (401, 403):
        hint = "the page needs a login or blocks robots; save it from a browser and ingest the file"
    else:
        hint = "check the address"
    return FetchError(f"{url}: HTTP {status}{reason} from {response.url}; {hint}", status=status)


def _wrap_request_error(
    url: str, e: requests.exceptions.RequestException, session: requests.Session
) -> IngestError:
    """One message per kind of transport failure, naming the URL and the way out."""
    exc = requests.exceptions
    causes = list(_causes(e))
    if isinstance(e, exc.TooManyRedirects):
        return FetchError(
            f"{url}: more than {session.max_redirects} redirects (a redirect loop?); open it in a browser "
            "and give the final address"
        )
    if isinstance(e, exc.InvalidSchema | exc.MissingSchema | exc.InvalidURL):
        return BlockedAddress(f"{url}: not a fetchable http(s) URL ({e}); check the address")
    if isinstance(e, exc.ContentDecodingError):
        return DecodeError(f"{url}: the server sent a broken compressed body ({e}); try again later")
    if isinstance(e, exc.SSLError):
        return FetchError(
            f"{url}: the site's TLS certificate did not verify ({causes[-1]}); check the address"
        )
    if isinstance(e, exc.Timeout) or any(_is_timeout(c) for c in causes):
        return FetchError(f"{url}: timed out (KB_HTTP_TIMEOUT); try again later or raise the timeout")
    if any(isinstance(c, urllib3.exceptions.NameResolutionError | socket.gaierror) for c in causes):
        return FetchError(f"{url}: the host name does not resolve; check the address and your connection")
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return FetchError(f"{url}: the server reset the connection; try again later")
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return FetchError(f"{url}: the server refused the connection; check the address or try again later")
    if malformed := next((c for c in causes if isinstance(c, http.client.HTTPException)), None):
        # Not a status line (another protocol on that port), or headers past the client's limits.
        return FetchError(f"{url}: the server's answer is not valid HTTP ({malformed}); check the address")
    if isinstance(e, exc.ConnectionError):
        return FetchError(f"{url}: could not connect ({causes[-1]}); check the address and your connection")
    return FetchError(f"{url}: request failed ({e}); try again later")


def _causes(e: BaseException) -> Iterator[BaseException]:
    """The chain of wrapped errors, outermost first (requests wraps urllib3 wraps socket errors)."""
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        nested = [getattr(current, "reason", None), current.__cause__, current.__context__, *current.args]
        todo.extend(n for n in nested if isinstance(n, BaseException))


def _is_timeout(e: BaseException) -> bool:
    # urllib3 files "connection refused" under ConnectTimeoutError too; that is not a timeout.
    if isinstance(e, urllib3.exceptions.NewConnectionError):
        return False
    return isinstance(e, urllib3.exceptions.TimeoutError | TimeoutError)
