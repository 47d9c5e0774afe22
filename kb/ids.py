"""Content-derived identifiers, and the prefix that says what each id names.

The same input always yields the same id, which is what makes re-ingesting idempotent: the
store MERGEs on these ids. Ids are short hex digests with a readable prefix ("clm_", "src_");
`LABEL_BY_PREFIX` is the one table of prefixes, so the label of any node id is read from it.
Flags, their events and editors' stances are judgements made by people, not content: each gets
a fresh id.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid

_DIGEST_CHARS = 20  # 80 bits: collisions are not a practical concern at millions of nodes

# The prefix of each node label's ids, in the order the docs list the labels.
PREFIX_BY_LABEL: dict[str, str] = {
    "Source": "src", "Claim": "clm", "Entity": "ent", "Proposition": "prp",
    "Work": "wrk", "Assessment": "asm", "Flag": "flg", "FlagEvent": "fev", "StanceEvent": "stv",
}  # fmt: skip
LABEL_BY_PREFIX = {prefix: label for label, prefix in PREFIX_BY_LABEL.items()}
CITATION_PREFIX = "cit"  # a CITES or CANDIDATE edge, not a node


def label_of(node_id: str) -> str | None:
    """The label of the node an id names ("clm_…" -> "Claim"), or None for no kb id."""
    prefix, sep, _ = node_id.partition("_")
    return LABEL_BY_PREFIX.get(prefix) if sep else None


def _digest(*parts: object) -> str:
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]


def _made(label: str, *parts: object) -> str:
    return f"{PREFIX_BY_LABEL[label]}_{_digest(*parts)}"


def _fresh(label: str) -> str:
    return f"{PREFIX_BY_LABEL[label]}_{uuid.uuid4().hex[:_DIGEST_CHARS]}"


def content_hash(text: str) -> str:
    """Hash of a text after Unicode normalization, so invisible re-encodings are not new versions."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()


def source_id(key: str, text_hash: str) -> str:
    return _made("Source", key, text_hash)


def claim_id(source_id: str, start: int, end: int) -> str:
    return _made("Claim", source_id, start, end)


def entity_id(kind: str, name: str) -> str:
    return _made("Entity", kind, name.casefold())


def proposition_id(intervention_id: str, effect: str, outcome_id: str) -> str:
    return _made("Proposition", intervention_id, effect.casefold(), outcome_id)


def work_id(key: str) -> str:
    return _made("Work", key.casefold())


def assessment_id(claim_id: str) -> str:
    """A claim has one assessment, graded again in place: its id follows the claim's."""
    claim_part = claim_id.removeprefix(PREFIX_BY_LABEL["Claim"] + "_")
    return f"{PREFIX_BY_LABEL['Assessment']}_{claim_part}"


def citation_id(claim_id: str, work_id: str, candidate: bool) -> str:
    return f"{CITATION_PREFIX}_" + _digest(claim_id, work_id, "candidate" if candidate else "cites")


def new_flag_id() -> str:
    return _fresh("Flag")


def new_flag_event_id() -> str:
    return _fresh("FlagEvent")


def new_stance_event_id() -> str:
    return _fresh("StanceEvent")
