"""Content-derived identifiers.

The same input always yields the same id, which is what makes re-ingesting idempotent: the
store MERGEs on these ids. Ids are short hex digests with a readable prefix ("clm_", "src_").
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

_DIGEST_CHARS = 20  # 80 bits: collisions are not a practical concern at millions of nodes


def _digest(*parts: object) -> str:
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def content_hash(text: str) -> str:
    """Hash of a text after Unicode normalization, so invisible re-encodings are not new versions."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def source_id(key: str, text_hash: str) -> str:
    return "src_" + _digest(key, text_hash)


def claim_id(source_id: str, start: int, end: int) -> str:
    return "clm_" + _digest(source_id, start, end)


def entity_id(kind: str, name: str) -> str:
    return "ent_" + _digest(kind, name.casefold())


def proposition_id(intervention_id: str, effect: str, outcome_id: str) -> str:
    return "prp_" + _digest(intervention_id, effect.casefold(), outcome_id)


def work_id(key: str) -> str:
    return "wrk_" + _digest(key.casefold())


def citation_id(claim_id: str, work_id: str, candidate: bool) -> str:
    return "cit_" + _digest(claim_id, work_id, "candidate" if candidate else "cites")


def new_flag_id() -> str:
    """Flags are judgements made by people, not content: each gets a fresh id."""
    return "flg_" + uuid.uuid4().hex[:20]
