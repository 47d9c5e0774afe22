"""Polite request pacing per service: a small thread-safe limiter shared by every lookup client.

Each service has a rate in requests per second; `wait(service)` reserves the next free slot under
a lock and sleeps outside it, so threads resolving works in parallel queue up fairly and never
burst past the rate. The defaults are what each service asks of anonymous or identified clients:

    ncbi            3/s, 10/s with an API key      (E-utilities and the PMC ID converter)
    crossref        5/s, 10/s in the polite pool (with a contact address)
    openalex        10/s
    clinicaltrials  1/s                            (no published limit; its robots.txt asks 1 s)
    europepmc       5/s                            (no published limit; kept modest)
    web             1/s                            (journal pages read for their meta tags)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from kb.settings import Settings

__all__ = ["RateLimiter"]


class RateLimiter:
    """Space request starts per service; a service without a rate is not limited."""

    def __init__(
        self,
        rates: Mapping[str, float] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for service, rate in (rates or {}).items():
            if rate <= 0:
                raise ValueError(f"rate for {service} must be positive, got {rate}")
        self.rates = dict(rates or {})
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> RateLimiter:
        polite = bool(settings.contact_email)
        return cls(
            {
                "ncbi": 10.0 if settings.ncbi_api_key else 3.0,
                "crossref": 10.0 if polite else 5.0,
                "openalex": 10.0,
                "clinicaltrials": 1.0,
                "europepmc": 5.0,
                "web": 1.0,
            }
        )

    @classmethod
    def unlimited(cls) -> RateLimiter:
        return cls({})

    def wait(self, service: str) -> float:
        """Block until `service` may be called again; returns the seconds waited."""
        rate = self.rates.get(service)
        if rate is None:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(service, now))
            self._next[service] = slot + 1.0 / rate
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay
