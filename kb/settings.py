"""The one settings object. Nothing else in the project reads the environment.

Every field is documented in README.md's configuration table (a test checks it).
Environment variables use the `KB_` prefix, except the three Neo4j ones, which keep the names
every Neo4j tool uses.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("evidence-kb", appauthor=False))


def default_engine_heap(memory_bytes: int | None = None) -> str:
    """A quarter of the machine's memory, at least 512 MB and at most 2 GB.

    The engine keeps index and record pages in a cache of a quarter of its heap. With 512 MB it
    spent a third of its CPU in garbage collection by 50,000 articles and the cost per document
    grew with the graph; 2 GB keeps it flat to 100,000 (docs/performance.md). The JVM takes only
    what it uses, so the bound costs a small graph nothing."""
    if memory_bytes is None:
        memory_bytes = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    quarter_mb = memory_bytes // 4 // 2**20
    return f"{min(2048, max(512, quarter_mb))}m"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    home: Path = Field(
        default_factory=_default_home, description="Data directory (engine data, password, HTTP cache)."
    )
    engine_heap: str = Field(
        default_factory=default_engine_heap,
        description="Maximum JVM heap of the embedded engine (`1g`, `4096m`).",
    )
    engine_start_timeout: float = Field(
        90.0, description="Seconds to wait for the embedded engine to accept connections."
    )
    engine_stop_timeout: float = Field(
        30.0, description="Seconds `kb engine stop` waits for a clean shutdown before it kills the engine."
    )
    database: str = Field("kb", description="Database name inside the embedded engine.")
    graph_timeout: float = Field(
        120.0,
        gt=0,
        description="Seconds a request to the graph may go unanswered before `kb` gives up on it.",
    )

    neo4j_uri: str | None = Field(
        None,
        repr=False,  # may hold a password; shown only through `redact_uri`
        validation_alias=AliasChoices("NEO4J_URI"),
        description="Use this Neo4j/AuraDB server instead of the embedded engine.",
    )
    neo4j_user: str = Field(
        "neo4j",
        validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"),
        description="User for NEO4J_URI.",
    )
    neo4j_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("NEO4J_PASSWORD"), description="Password for NEO4J_URI."
    )
    neo4j_database: str | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_DATABASE"),
        description="Database on NEO4J_URI (server default when unset).",
    )

    console_row_limit: int = Field(1000, description="Most rows the read-only Cypher console returns.")
    console_timeout: float = Field(10.0, description="Seconds before a console query is cut off.")
    console_max_bytes: int = Field(
        10_000_000, description="Most bytes of values the console keeps from one result."
    )
    neo4j_console_user: str | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_CONSOLE_USER"),
        description="Read-only Neo4j user the Cypher console runs as (NEO4J_USER when unset).",
    )
    neo4j_console_password: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("NEO4J_CONSOLE_PASSWORD"),
        description="Password of NEO4J_CONSOLE_USER.",
    )

    user_agent: str = Field(
        "evidence-kb/0.1 (evidence-claim knowledge base; python-requests)",
        description="User-Agent sent with every HTTP request.",
    )
    contact_email: str | None = Field(
        None, description="Contact address for Crossref/OpenAlex polite pools and NCBI."
    )
    ncbi_api_key: SecretStr | None = Field(
        None, description="NCBI E-utilities key (10 requests/s instead of 3)."
    )
    http_timeout: float = Field(15.0, description="Connect/read timeout of one HTTP request, seconds.")
    http_max_bytes: int = Field(20_000_000, description="Largest response body accepted, bytes.")
    http_max_redirects: int = Field(5, description="Most redirects followed for one request.")
    http_retries: int = Field(3, description="Retries on 429/5xx and connection errors, with backoff.")
    allow_private_network: bool = Field(
        False, description="Allow fetching URLs on loopback/private/link-local addresses."
    )
    offline: bool = Field(False, description="Never use the network (citations stay unresolved).")

    input_timeout: float = Field(
        120.0,
        description="Seconds the analysis of one input may take before it fails (0: no limit).",
    )
    input_max_memory: int = Field(
        2048,
        description="Megabytes of memory the analysis of one input may add before it fails (0: no limit).",
    )
    max_claims: int = Field(
        5000, description="Most claims read from one document; the rest of its text is kept unread."
    )
    max_citations: int = Field(
        10000, description="Most citations read from one document; the rest of its text is kept unread."
    )

    @property
    def engine_dir(self) -> Path:
        return self.home / "engine"

    @property
    def cache_dir(self) -> Path:
        return self.home / "http-cache"

    @property
    def uses_neo4j(self) -> bool:
        return bool(self.neo4j_uri)

    @property
    def neo4j_uri_shown(self) -> str:
        """NEO4J_URI as it may be printed: see `redact_uri`."""
        return redact_uri(self.neo4j_uri or "")


def redact_uri(uri: str) -> str:
    """`uri` with its user part, if any, replaced by `***`, and control characters escaped, so it
    can go into a one-line message: `neo4j+s://***@db.example.org`.

    A password may hold any character, `/`, `?`, `#` and `@` included, which a URL parser takes
    for the end of the user part; so everything from the scheme to the *last* `@` is the user
    part. A URI with an `@` after its host (in a query) loses its host too: better than printing
    a secret."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        scheme, rest = "", uri
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    shown = scheme + sep + rest
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in shown)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
