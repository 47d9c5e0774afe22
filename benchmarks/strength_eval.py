"""Score the sentence-strength classifier and the page-vs-study strength check on outside data.

    python -m benchmarks.strength_eval [--shared ../shared] [--tune]

Prints one summary line per set:

- `claim_strength`: the shipped model (`ingest/data/strength_model.json`) on the **test split**
  of Yu et al.'s sentences (`benchmarks/strength_data.py`; the model was fitted on the train
  split only): four-way macro-F1, and per origin (abstract conclusions, press releases).
- `exaggeration`: InSciOut's **test** pairs (`insciout_test.jsonl`): each press-release
  conclusion read as the page's claim, each abstract conclusion as the study's, through the same
  `ingest.comparison.compare_strength` that compares a claim with its cited study; "exaggerated"
  is its `mismatch`. Precision, recall and F1 of "exaggerated", and the classifier's macro-F1 on
  the pairs' sentences (their strengths use the same 0..3 scale).

`--tune` also prints the exaggeration score on the **train** pairs for each candidate margin, the
numbers `ingest.comparison.STRENGTH_MARGIN` was chosen by. `../shared` is read at run time;
nothing from it is copied into the project. The project's own fixtures
(`tests/fixtures/strength`) are scored with `--fixtures`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.strength_data import (
    SHARED,
    LabelledSentence,
    Pair,
    exaggeration_available,
    read_pairs,
    strength_available,
    strength_split,
)
from benchmarks.strength_train import macro_f1
from ingest.comparison import STRENGTH_MARGIN, compare_strength
from ingest.strength import StrengthModel, classify_strength, default_model
from kb.comparison import Strength, Verdict

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "strength"
MARGINS = (0.0, 0.25, 0.5, 0.75)


def strength_scores(rows: list[LabelledSentence], model: StrengthModel | None = None) -> dict[str, float]:
    """Macro-F1 over all rows and per origin; `n` the number of rows."""
    predicted = [classify_strength(r.text, model).strength for r in rows]
    out = {"macro_F1": macro_f1([r.strength for r in rows], predicted), "n": float(len(rows))}
    for origin in sorted({r.origin for r in rows}):
        pick = [i for i, r in enumerate(rows) if r.origin == origin]
        out[f"{origin}_F1"] = macro_f1([rows[i].strength for i in pick], [predicted[i] for i in pick])
    return out


def exaggeration_scores(
    pairs: list[Pair], model: StrengthModel | None = None, margin: float = STRENGTH_MARGIN
) -> dict[str, float]:
    """P, R, F1 of "exaggerated" through `compare_strength`, and strength macro-F1 on the pairs."""
    tp = fp = fn = 0
    gold: list[Strength] = []
    predicted: list[Strength] = []
    for pair in pairs:
        release = classify_strength(pair.release, model)
        abstract = classify_strength(pair.abstract, model)
        said = compare_strength(release, abstract, margin=margin).verdict is Verdict.MISMATCH
        tp += said and pair.exaggerates
        fp += said and not pair.exaggerates
        fn += pair.exaggerates and not said
        gold += [pair.release_strength, pair.abstract_strength]
        predicted += [release.strength, abstract.strength]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "P": p,
        "R": r,
        "F1": f1,
        "n": float(len(pairs)),
        "exaggerated": float(tp + fn),
        "strength_F1": macro_f1(gold, predicted),
    }


def line(name: str, scores: dict[str, float], where: str) -> str:
    """`name: key=value ... (where)`, counts as integers, scores to three decimals."""
    parts = [f"{k}={int(v)}" if k in ("n", "exaggerated") else f"{k}={v:.3f}" for k, v in scores.items()]
    return f"{name}: {' '.join(parts)} ({where})"


def fixture_sets() -> tuple[list[LabelledSentence], list[Pair]]:
    """The project's own labelled sentences and pairs (tests/fixtures/strength), made up here."""
    rows = []
    for raw in _jsonl(FIXTURES / "sentences.jsonl"):
        rows.append(LabelledSentence(raw["text"], Strength(raw["strength"]), raw["origin"], raw["text"]))
    pairs = [
        Pair(raw["page"], raw["study"], Strength(raw["page_strength"]), Strength(raw["study_strength"]))
        for raw in _jsonl(FIXTURES / "pairs.jsonl")
    ]
    return rows, pairs


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(s) for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]


def shared_lines(shared: Path = SHARED) -> list[str]:
    """One line per outside set found under `shared` (none when it is not there)."""
    out = []
    model = default_model()
    if strength_available(shared):
        _, test = strength_split(shared)
        out.append(line("claim_strength", strength_scores(test, model), "Yu et al., test split"))
    if exaggeration_available(shared):
        scores = exaggeration_scores(read_pairs("test", shared), model)
        out.append(line("exaggeration", scores, "InSciOut, insciout_test.jsonl"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (eval sets)")
    ap.add_argument("--tune", action="store_true", help="print the train-split scores of each margin")
    ap.add_argument("--fixtures", action="store_true", help="score the project's fixtures instead")
    args = ap.parse_args(argv)
    if args.fixtures:
        rows, pairs = fixture_sets()
        print(line("claim_strength", strength_scores(rows), "tests/fixtures/strength/sentences.jsonl"))
        print(line("exaggeration", exaggeration_scores(pairs), "tests/fixtures/strength/pairs.jsonl"))
        return 0
    lines = shared_lines(args.shared)
    if not lines:
        raise SystemExit(f"no outside set under {args.shared}/eval/external; give --shared, or --fixtures")
    print("\n".join(lines))
    if args.tune and exaggeration_available(args.shared):
        train = read_pairs("train", args.shared)
        for margin in MARGINS:
            print(
                line(
                    f"exaggeration margin {margin}",
                    exaggeration_scores(train, margin=margin),
                    "insciout_train",
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
