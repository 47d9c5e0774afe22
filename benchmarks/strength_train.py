"""Rebuild the sentence-strength model: `ingest/data/strength_model.json`.

    python -m benchmarks.strength_train [--shared ../shared] [--cv] [--explain]

Fits the two logistic regressions of `ingest.strength` (scikit-learn, L2, balanced classes,
lbfgs: the same data give the same weights) on the **train split** of Yu et al.'s annotated
sentences (`benchmarks/strength_data.py`; the test split is never read here) and the project's
own page-register sentences (`benchmarks/data/strength_pages.jsonl`):

    A  none / correlational / causal      on every training sentence       C = C_A
    B  direct vs conditional causal       on the causal training sentences C = C_B

A feature is kept when at least MIN_DF training sentences have it (rarer ones are one sentence's
words, which a model cannot learn from) and when every word it names is one of the project's own
(`project_vocabulary`): the shipped file carries no word only the outside sets contain.
The weights are written as JSON, read at run time without scikit-learn.

`--cv` prints the grouped five-fold cross-validated macro-F1 on the train split, the number
C_A, C_B and MIN_DF were chosen by (each fold fitted exactly as here, the page sentences in every
fold's training and never scored). `--explain` prints the
largest weights.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from benchmarks.strength_data import (
    SHARED,
    LabelledSentence,
    page_examples,
    strength_available,
    strength_split,
)
from ingest.strength import MODEL_FILE, StrengthModel, features
from kb.comparison import Strength

REPO = Path(__file__).resolve().parents[1]
MODEL_PATH = REPO / "ingest" / "data" / MODEL_FILE
LEXICON = REPO / "ingest" / "data" / "strength_words.json"
PAGE_EXAMPLES = REPO / "benchmarks" / "data" / "strength_pages.jsonl"
STRENGTH_FIXTURES = REPO / "tests" / "fixtures" / "strength"

C_A = 0.2  # chosen by --cv among 0.2, 0.5, 1 (0.768, 0.762, 0.760), the project's words only
C_B = 0.5  # among 0.5, 1 (0.784, 0.782 with C_A 0.3, before the vocabulary was restricted)
MIN_DF = 3  # among 2, 3 (0.768, 0.768); 3 keeps the file smaller
_A_CLASS = {Strength.NONE: 0, Strength.CORRELATIONAL: 1, Strength.CONDITIONAL: 2, Strength.CAUSAL: 2}


def fit(
    rows: list[LabelledSentence], *, c_a: float = C_A, c_b: float = C_B, min_df: int = MIN_DF
) -> StrengthModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = [features(r.text) for r in rows]
    counts = Counter(name for f in feats for name in f)
    words = project_vocabulary()
    kept = [
        {k: v for k, v in f.items() if counts[k] >= min_df and _only_project_words(k, words)} for f in feats
    ]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept)
    names = [str(n) for n in vectorizer.get_feature_names_out()]

    y_a = [_A_CLASS[r.strength] for r in rows]
    model_a = LogisticRegression(C=c_a, max_iter=5000, class_weight="balanced")
    model_a.fit(matrix, y_a)

    causal = [i for i, r in enumerate(rows) if r.strength in (Strength.CONDITIONAL, Strength.CAUSAL)]
    y_b = [int(rows[i].strength is Strength.CAUSAL) for i in causal]
    model_b = LogisticRegression(C=c_b, max_iter=5000, class_weight="balanced")
    model_b.fit(matrix[causal], y_b)

    by_origin = Counter(r.origin for r in rows)
    return StrengthModel(
        weights_a={
            n: (float(a), float(b), float(c)) for n, a, b, c in zip(names, *model_a.coef_, strict=True)
        },
        bias_a=(float(model_a.intercept_[0]), float(model_a.intercept_[1]), float(model_a.intercept_[2])),
        weights_b={n: float(w) for n, w in zip(names, model_b.coef_[0], strict=True)},
        bias_b=float(model_b.intercept_[0]),
        trained_on="sentences: "
        + ", ".join(f"{k} {v}" for k, v in sorted(by_origin.items()))
        + " (Yu et al.'s train split; benchmarks/data/strength_pages.jsonl)"
        + f"; C_A={c_a}, C_B={c_b}, min_df={min_df}",
    )


def project_vocabulary() -> frozenset[str]:
    """Every word (and its stem) of the project's own texts: the strength lexicon and the
    sentences the project wrote (benchmarks/data/strength_pages.jsonl, tests/fixtures/strength).
    A feature naming any other word is left out of the model, so the shipped file holds no word
    that only the outside data sets contain (their licences allow evaluation only; their text is
    never copied into the project), only weights fitted on their train split."""
    import json

    from ingest.strength import _TOKEN, _stem

    texts = [LEXICON.read_text(encoding="utf-8")]
    for path in (PAGE_EXAMPLES, *sorted(STRENGTH_FIXTURES.glob("*.jsonl"))):
        texts += [
            json.dumps(json.loads(line))
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    found = {w for t in texts for w in _TOKEN.findall(t.lower().replace("\\u2019", "'"))}
    return frozenset(found | {_stem(w) for w in found})


def _only_project_words(name: str, words: frozenset[str]) -> bool:
    """Whether every word a feature names is a class label (upper case) or in `words`."""
    body = name.split(":", 1)[1] if ":" in name else name
    tokens = [t for part in body.split(">") for t in part.split("_") if t]
    return all(t.isupper() or t in words for t in tokens)


def macro_f1(gold: list[Strength], predicted: list[Strength]) -> float:
    """Mean over the four levels of F1 (a level never gold nor predicted counts 0)."""
    scores = []
    for level in Strength:
        tp = sum(g is level and p is level for g, p in zip(gold, predicted, strict=True))
        fp = sum(g is not level and p is level for g, p in zip(gold, predicted, strict=True))
        fn = sum(g is level and p is not level for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def predict(model: StrengthModel, texts: list[str]) -> list[Strength]:
    out = []
    for text in texts:
        probs = model.probabilities(features(text))
        out.append(Strength.at(max(range(4), key=lambda i: probs[i])))
    return out


def cross_validate(
    rows: list[LabelledSentence], extra: Sequence[LabelledSentence] = (), folds: int = 5, **params: float
) -> float:
    """Grouped k-fold macro-F1 on `rows` (groups never straddle folds; deterministic); `extra`
    joins every fold's training and is never scored."""
    from sklearn.model_selection import GroupKFold

    gold: list[Strength] = []
    predicted: list[Strength] = []
    groups = [r.group for r in rows]
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(rows, groups=groups):
        model = fit([rows[i] for i in train_idx] + list(extra), **params)  # type: ignore[arg-type]
        gold += [rows[i].strength for i in test_idx]
        predicted += predict(model, [rows[i].text for i in test_idx])
    return macro_f1(gold, predicted)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (eval sets)")
    ap.add_argument("--cv", action="store_true", help="print the cross-validated macro-F1 on the train split")
    ap.add_argument("--explain", action="store_true", help="print the largest weights")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    if not strength_available(args.shared):
        raise SystemExit(f"the claim-strength files are not in {args.shared}/eval/external; give --shared")
    train, _ = strength_split(args.shared)
    pages = page_examples()
    if args.cv:
        print(f"claim_strength train split, grouped 5-fold CV: macro-F1 {cross_validate(train, pages):.4f}")
    model = fit(train + pages)
    model.save(args.out)
    print(
        f"wrote {args.out}: {len(model.weights_a)} features from {len(train) + len(pages)} training sentences"
    )
    if args.explain:
        ranked = sorted(model.weights_a.items(), key=lambda kv: -max(abs(w) for w in kv[1]))
        for name, (none, corr, causal) in ranked[:40]:
            b = model.weights_b.get(name, 0.0)
            print(f"none {none:+.2f} corr {corr:+.2f} causal {causal:+.2f} direct {b:+.2f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
