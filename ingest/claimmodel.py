"""The claim finder's learned weights: a logistic regression kept as JSON (pure; no numpy).

    p(claim | sentence) = 1 / (1 + exp(-(bias + Σ weight[f] · value[f])))

over the named features of `ingest.claimfeatures`; a sentence is a claim when p ≥ `threshold`.
Features the model has no weight for count zero. The file, `ingest/data/claim_model.json`, is
written by `python -m benchmarks.claims_train` from the labelled pages (the training set, the two
sample articles and the project's own fixtures) and says what it was trained on; nothing is
downloaded or fitted at run time, and the same sentence always gets the same score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

MODEL_FILE = "claim_model.json"


@dataclass(frozen=True)
class ClaimModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    trained_on: str = ""

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "about": "Logistic regression over ingest/claimfeatures.py; rebuild: python -m benchmarks.claims_train",
            "trained_on": self.trained_on,
            "threshold": self.threshold,
            "bias": round(self.bias, 6),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-6},
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> ClaimModel:
        weights = raw["weights"]
        assert isinstance(weights, dict)
        return cls(
            weights={str(k): float(v) for k, v in weights.items()},
            bias=float(str(raw["bias"])),
            threshold=float(str(raw["threshold"])),
            trained_on=str(raw.get("trained_on", "")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def default_model() -> ClaimModel:
    raw = resources.files("ingest.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return ClaimModel.from_json(json.loads(raw))
