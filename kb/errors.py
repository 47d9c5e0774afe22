"""Exceptions of the knowledge base. Every message says what went wrong and what to do.

KBError
├── ConfigError          a setting is missing or invalid
├── EngineError          the embedded engine could not be started, reached or stopped
├── StoreError           the graph database refused or failed an operation
│   ├── NotFound         an id that is not in the graph
│   └── StanceRefused    an editor's stance that cannot be recorded (no name, a candidate not accepted)
└── QueryRefused         a console query tried to write or broke a limit
"""

from __future__ import annotations


class KBError(Exception):
    """Root of every error `kb` raises on purpose; the CLI prints these as one line."""


class ConfigError(KBError):
    pass


class EngineError(KBError):
    pass


class StoreError(KBError):
    pass


class NotFound(StoreError):
    pass


class StanceRefused(StoreError):
    pass


class QueryRefused(KBError):
    pass
