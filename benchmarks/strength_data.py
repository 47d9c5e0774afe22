"""Outside data for the strength classifier and the exaggeration check, read from `../shared`.

Nothing here is copied into the project: the files are read at training or evaluation time from
`../shared/eval/external/` (their licences allow evaluation; see that folder's README).

**claim_strength** (Yu et al. 2019, 2020): `annotated_pubmed.csv` (conclusion sentences of
abstracts) and `annotated_eureka.csv` (headlines and first sentences of press releases). The
shared README warns that the two files may number the classes differently; the origin's README
(junwang4/correlation-to-causation-exaggeration) gives one numbering for both, "0 not claim,
1 correlational, 2 conditional causal, 3 direct causal", and the data agree: in each file the
sentences saying "associated with" are mostly 1 and those with "may <verb>" mostly 2
(`check_numbering` verifies this every time the files are read, so a renumbered file stops the
run instead of silently scrambling the labels). `LABELS` maps each file's numbers explicitly.

There is no published split, so a deterministic one is made: a sentence is in the test split
when the SHA-1 of its group, as a number, is divisible by 5 (about 20%). The group of a press
release sentence is its release (the `sentId` without its last two parts: the headline and the
first sentences of one release share words and stay together); of an abstract sentence, the
sentence itself (lower-cased, words only). A test sentence whose words equal a training
sentence's is dropped from the test split.

**exaggeration** (InSciOut, Wright & Augenstein 2021): `insciout_train.jsonl` (100 pairs, for
tuning) and `insciout_test.jsonl` (563 pairs, for the reported score); each pair is a press
release's conclusion and the abstract's, each with a strength 0..3 on the same scale;
"exaggerates" exactly when the release's is higher.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kb.comparison import Strength

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PAGE_EXAMPLES = REPO / "benchmarks" / "data" / "strength_pages.jsonl"
EXTERNAL = Path("eval") / "external"
STRENGTH_DIR = EXTERNAL / "claim_strength"
EXAGGERATION_DIR = EXTERNAL / "exaggeration"
TEST_BUCKETS = 5  # one group in five is test

_BY_LEVEL = {0: Strength.NONE, 1: Strength.CORRELATIONAL, 2: Strength.CONDITIONAL, 3: Strength.CAUSAL}
LABELS: dict[str, dict[int, Strength]] = {
    "annotated_pubmed.csv": dict(_BY_LEVEL),
    "annotated_eureka.csv": dict(_BY_LEVEL),
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    strength: Strength
    origin: str  # "pubmed" (abstract conclusions) or "eureka" (press releases)
    group: str


@dataclass(frozen=True)
class Pair:
    """An InSciOut pair: a press release's conclusion beside its paper's abstract conclusion."""

    release: str
    abstract: str
    release_strength: Strength
    abstract_strength: Strength

    @property
    def exaggerates(self) -> bool:
        return self.release_strength.level > self.abstract_strength.level


def normalized(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def in_test(group: str) -> bool:
    return int(hashlib.sha1(group.encode("utf-8")).hexdigest(), 16) % TEST_BUCKETS == 0


def strength_available(shared: Path = SHARED) -> bool:
    return all((shared / STRENGTH_DIR / name).is_file() for name in LABELS)


def exaggeration_available(shared: Path = SHARED) -> bool:
    return all((shared / EXAGGERATION_DIR / f"insciout_{s}.jsonl").is_file() for s in ("train", "test"))


def read_strength_file(path: Path) -> list[LabelledSentence]:
    labels = LABELS[path.name]
    origin = "eureka" if "eureka" in path.name else "pubmed"
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text = " ".join(row["sentence"].split())
            if not text:
                continue
            sent_id = row.get("sentId")
            group = sent_id.rsplit("-", 2)[0] if sent_id else normalized(text)
            out.append(LabelledSentence(text, labels[int(row["label"])], origin, f"{origin}:{group}"))
    check_numbering(out, path.name)
    return out


def check_numbering(rows: list[LabelledSentence], name: str) -> None:
    """Stop when a file's numbers do not mean what `LABELS` says (see the module docstring)."""
    said = {
        Strength.CORRELATIONAL: re.compile(r"\bassociated with\b", re.I),
        Strength.CONDITIONAL: re.compile(
            r"\b(?:may|might) (?:reduce|increase|improve|lower|help|affect)\b", re.I
        ),
    }
    for expected, pattern in said.items():
        found = Counter(r.strength for r in rows if pattern.search(r.text))
        if found and found.most_common(1)[0][0] is not expected:
            raise SystemExit(
                f"{name}: sentences matching {pattern.pattern!r} are mostly {found.most_common(1)[0][0].value}, "
                f"not {expected.value}: the file numbers its labels differently; fix LABELS in {__file__}"
            )


def strength_split(shared: Path = SHARED) -> tuple[list[LabelledSentence], list[LabelledSentence]]:
    """(train, test) of both files, deterministic (see the module docstring)."""
    rows = [r for name in LABELS for r in read_strength_file(shared / STRENGTH_DIR / name)]
    train = [r for r in rows if not in_test(r.group)]
    seen = {normalized(r.text) for r in train}
    test = [r for r in rows if in_test(r.group) and normalized(r.text) not in seen]
    return train, test


def page_examples(path: Path = PAGE_EXAMPLES) -> list[LabelledSentence]:
    """The project's own sentences in the register of health pages (written here, not taken from
    any data set): Yu et al.'s sentences come from abstracts and press releases, where "cures",
    "heals" or "has been proven to" are rare, so a model fitted on them alone reads a marketing
    claim as stating nothing."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            raw = json.loads(line)
            out.append(LabelledSentence(raw["text"], Strength(raw["strength"]), "pages", f"pages:{i}"))
    return out


def read_pairs(split: str, shared: Path = SHARED) -> list[Pair]:
    path = shared / EXAGGERATION_DIR / f"insciout_{split}.jsonl"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        pair = Pair(
            release=raw["press_release_conclusion"],
            abstract=raw["abstract_conclusion"],
            release_strength=Strength.at(int(raw["press_release_strength"])),
            abstract_strength=Strength.at(int(raw["abstract_strength"])),
        )
        if pair.exaggerates != (raw["exaggeration_label"] == "exaggerates"):
            raise SystemExit(f"{path}: a pair's label does not follow its strengths; the format changed")
        pairs.append(pair)
    return pairs
