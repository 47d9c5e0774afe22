"""Labelled pages for the claim finder: read, cut into sentences, each sentence given its gold tier.

Three sets, each a folder of `<name>.gold.json` files (the format of `../shared/eval`):
- `train`: `../shared/eval/train` (30 real pages; texts in its `docs/`);
- `dev`: `../shared/eval/dev` (the two sample articles; texts in `../shared/inputs/seeds/`);
- `fixtures`: `tests/fixtures/claims` (the project's own short articles).
The shared sets are read from `../shared` at training or evaluation time and never copied here.

A sentence takes the tier of the gold item it matches the way `score_claims.py` matches a claim
(word sets: Jaccard >= 0.6, or one holds >= 90% of the other's words); "primary" wins over
"optional", then "background", then "citing"; a sentence matching nothing is "none". A line of at
most six words that matches only because a longer gold sentence holds all its words (the heading
"Rapid Relief" inside "...providing rapid relief, addressing...") is "partial": not a label of
that line, so the model is not fitted on it. The pages
are read as `kb extract` reads them (`ingest.inputs`, `ingest.extract`), so the model learns from
exactly the sentences it will see.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.claimfinder import ScoredSentence, sentence_table
from ingest.extract import extract
from ingest.inputs import read_all
from kb.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "tests" / "fixtures" / "claims"
TIERS = ("primary", "optional", "background", "citing")
_PARTIAL_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass
class LabelledPage:
    name: str
    group: str  # train, dev or fixtures
    path: Path
    gold: dict[str, Any]
    rows: list[ScoredSentence]
    tiers: list[str]  # one per row


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower().replace("’", "'")))


def same_sentence(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    inter = len(wa & wb)
    return inter / len(wa | wb) >= 0.6 or inter / len(wa) >= 0.9 or inter / len(wb) >= 0.9


def _contained_only(text: str, gold: str) -> bool:
    """`text` matches `gold` only because its few words all occur in the longer gold sentence."""
    wa, wb = words(text), words(gold)
    inter = len(wa & wb)
    return not (inter / len(wa | wb) >= 0.6 or inter / len(wb) >= 0.9)


def tier_of(text: str, items: list[dict[str, Any]]) -> str:
    matched = [it for it in items if same_sentence(text, it["text"])]
    found = {it["tier"] for it in matched}
    tier = next((t for t in TIERS if t in found), "none")
    # A heading such as "Rapid Relief" matches a summary sentence that holds both words: the scorer
    # counts that, but it is not a label of the heading, so the fit leaves the line out.
    short = len(words(text)) <= _PARTIAL_WORDS
    if tier != "none" and short and all(_contained_only(text, it["text"]) for it in matched):
        return "partial"
    return tier


def set_folders(shared: Path = SHARED) -> dict[str, tuple[Path, list[Path]]]:
    """Each set's gold folder and the folders its texts are in."""
    return {
        "train": (shared / "eval" / "train" / "gold", [shared / "eval" / "train" / "docs"]),
        "dev": (shared / "eval" / "dev", [shared / "inputs" / "seeds"]),
        "fixtures": (FIXTURES, [FIXTURES]),
    }


def read_page(path: Path, settings: Settings) -> tuple[str, str | None]:
    """The text and title `kb extract` would read from `path`."""
    [result] = list(read_all([str(path)], settings))
    if result.fetched is None:
        raise RuntimeError(f"{path}: {result.error}")
    fetched = result.fetched
    extracted = extract(fetched.body, fetched.content_type, charset=fetched.encoding, name=str(path))
    return extracted.text, extracted.title


def load_set(group: str, shared: Path = SHARED, settings: Settings | None = None) -> list[LabelledPage]:
    gold_dir, doc_dirs = set_folders(shared)[group]
    settings = settings or Settings(offline=True)
    pages: list[LabelledPage] = []
    for gold_file in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = next((d / gold["document"] for d in doc_dirs if (d / gold["document"]).exists()), None)
        if path is None:
            raise FileNotFoundError(f"{gold['document']} not found in {[str(d) for d in doc_dirs]}")
        text, title = read_page(path, settings)
        _, rows, _ = sentence_table(text, title)
        tiers = [tier_of(r.sentence.text, gold["items"]) for r in rows]
        pages.append(LabelledPage(gold["document"], group, path, gold, rows, tiers))
    return pages


def available_sets(shared: Path = SHARED) -> list[str]:
    return [g for g, (gold_dir, _) in set_folders(shared).items() if gold_dir.is_dir()]
