"""Rebuild the claim finder's model: `ingest/data/claim_model.json`.

    python -m benchmarks.claims_train [--shared ../shared] [--explain]

Trains a logistic regression (scikit-learn, L2, balanced classes, lbfgs: deterministic for the
same data) on every sentence of the labelled pages (`benchmarks/claimdata.py`: the 30 training
pages, the two sample articles and the project's fixtures). The target is "a primary claim";
optional sentences are left out (the guideline does not decide them); background, citing and
unlabelled sentences are "not a claim". The weights are written as JSON, which the finder reads
without scikit-learn. `--explain` prints the weights, largest first.

The same `fit()` builds every fold of the cross-validation (benchmarks/claims_cv.py), so what
the CV measures is exactly how this model is made.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.claimdata import SHARED, LabelledPage, available_sets, load_set
from ingest.claimmodel import MODEL_FILE, ClaimModel

REPO = Path(__file__).resolve().parents[1]
MODEL_PATH = REPO / "ingest" / "data" / MODEL_FILE

C = 0.3  # inverse regularization strength: chosen by cross-validation on the training pages
THRESHOLD = 0.3  # probability from which a sentence is a claim: likewise
TARGETS = {"primary": 1, "background": 0, "citing": 0, "none": 0}  # optional: left out
# A background fact shown as a claim is noise to a clinician (the strict score): such sentences
# count this much more than other non-claims in the fit.
BACKGROUND_WEIGHT = 1.0


def examples(pages: list[LabelledPage]) -> tuple[list[dict[str, float]], list[int], list[float]]:
    """Features, targets and sample weights of every sentence with a target."""
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    weights: list[float] = []
    for page in pages:
        for row, tier in zip(page.rows, page.tiers, strict=True):
            if tier in TARGETS:
                xs.append(row.features)
                ys.append(TARGETS[tier])
                weights.append(BACKGROUND_WEIGHT if tier == "background" else 1.0)
    return xs, ys, weights


def fit(pages: list[LabelledPage], *, c: float = C, threshold: float = THRESHOLD) -> ClaimModel:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    xs, ys, weights = examples(pages)
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(xs)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", fit_intercept=True)
    clf.fit(matrix, ys, sample_weight=weights)
    names = vectorizer.get_feature_names_out()
    coefficients = {str(name): float(w) for name, w in zip(names, clf.coef_[0], strict=True)}
    trained_on = ", ".join(
        sorted({f"{p.group}: {sum(q.group == p.group for q in pages)} pages" for p in pages})
    )
    return ClaimModel(
        weights=coefficients, bias=float(clf.intercept_[0]), threshold=threshold, trained_on=trained_on
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared folder (eval sets)")
    ap.add_argument("--explain", action="store_true", help="print the weights, largest first")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    sets = available_sets(args.shared)
    if "train" not in sets:
        raise SystemExit(f"the training pages are not at {args.shared}/eval/train; give --shared")
    pages = [page for group in sets for page in load_set(group, args.shared)]
    model = fit(pages)
    model.save(args.out)
    _, ys, _ = examples(pages)
    print(
        f"wrote {args.out}: {len(model.weights)} weights from {len(ys)} sentences ({sum(ys)} claims) of {len(pages)} pages"
    )
    if args.explain:
        for name, weight in sorted(model.weights.items(), key=lambda kv: -abs(kv[1]))[:60]:
            print(f"{weight:+.3f}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
