"""How strongly one sentence asserts a relationship: no relationship, correlational, conditional
causal or direct causal (the scale of `kb.comparison.Strength`). Pure, offline, deterministic.

The decision is two logistic regressions kept as JSON (`ingest/data/strength_model.json`, read
without scikit-learn), over the sentence's named features (`features`):

    A: p(none), p(correlational), p(causal)  = softmax(bias_A + Σ weight_A[f] · value[f])
    B: p(direct | causal)                    = 1 / (1 + exp(-(bias_B + Σ weight_B[f] · value[f])))
    p(conditional) = p(causal) · (1 - B),  p(direct) = p(causal) · B;  strength = the likeliest

A first asks whether the sentence relates two things and how (association or effect); B asks only
whether an effect is hedged ("may reduce") or stated ("reduces"). Split this way each question is
learned from the examples that bear on it, which scored higher in cross-validation than one
four-way model (docs/rubric.md). Features are the words (lower case, lightly stemmed), word pairs
and triples, and the same sequences with each word of a class in `ingest/data/strength_words.json`
replaced by its class (a modal, an association word, an effect verb, a negation, a risk word, a
number, a comparison), so "might lower" and "may reduce" share a feature. Features the model has
no weight for count zero.

`python -m benchmarks.strength_train` rebuilds the model (the train split of Yu et al.'s annotated
sentences, and the project's own page sentences); `python -m benchmarks.strength_eval` scores it.
A sentence costs about 0.15 ms; loading the model, 0.04 s (once).

`null_finding` and `is_negated` say whether a sentence reports no effect or denies one: the scale
itself does not ("did not reduce" is direct causal), the comparison does (`ingest.comparison`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ingest.lexicons import load_lexicon
from kb.comparison import Strength, StrengthReading

__all__ = [
    "MODEL_FILE",
    "StrengthModel",
    "classify_strength",
    "default_model",
    "features",
    "is_negated",
    "null_finding",
]

MODEL_FILE = "strength_model.json"
_TOKEN = re.compile(r"[a-z]+(?:['-][a-z]+)*|\d+(?:[.,]\d+)*%?")
_SUFFIXES = ("ingly", "edly", "ations", "ation", "ings", "ing", "ed", "es", "s", "ly")
_SENTENCE_END = (".", "!", "?", '"', "'")
# Longer text is a paragraph, not a sentence: it is read up to here (a sentence's features grow
# with its length; a conclusion of several sentences fits well within).
MAX_CHARS = 3_000


@dataclass(frozen=True)
class _Words:
    classes: tuple[tuple[str, frozenset[str]], ...]  # (class, words) in class order, effect excluded
    order: tuple[str, ...]
    effect: re.Pattern[str]
    null_findings: re.Pattern[str]
    negated_claim: re.Pattern[str]


@cache
def _words() -> _Words:
    raw = load_lexicon("strength_words.json")
    lists = {
        "RSK": raw["risk"],
        "MOD": raw["modal"],
        "COR": raw["correlational"],
        "NEG": raw["negation"],
        "CMP": raw["comparison"],
    }
    order = tuple(raw["class_order"])
    return _Words(
        classes=tuple((name, frozenset(lists[name])) for name in order if name in lists),
        order=order,
        effect=re.compile("(?:" + "|".join(sorted(raw["effect_stems"], key=len, reverse=True)) + ")"),
        null_findings=re.compile("|".join(f"(?:{p})" for p in raw["null_findings"])),
        negated_claim=re.compile("|".join(f"(?:{p})" for p in raw["negated_claim"])),
    )


def _stem(word: str) -> str:
    if word[0].isdigit():
        return "NUM"
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@cache
def _class_of(word: str) -> str | None:
    """The word's class (first in class order), or None."""
    lex = _words()
    for name in lex.order:
        if name == "CAU":
            if lex.effect.match(word):
                return "CAU"
        elif name == "NUM":
            if word[0].isdigit():
                return "NUM"
        elif word in dict(lex.classes)[name]:
            return name
    return None


def _grams(seq: list[str], n: int, prefix: str, out: dict[str, float]) -> None:
    for i in range(len(seq) - n + 1):
        out[prefix + "_".join(seq[i : i + n])] = 1.0


def features(sentence: str) -> dict[str, float]:
    """The sentence's named features, each 1.0 when present (see the module docstring)."""
    low = sentence[:MAX_CHARS].lower().replace("’", "'")
    words = _TOKEN.findall(low)
    stems = [_stem(w) for w in words]
    classes = [_class_of(w) for w in words]
    out: dict[str, float] = {}
    for w in stems:
        out["w:" + w] = 1.0
    for w in words:
        out["r:" + w] = 1.0
    _grams(stems, 2, "b:", out)
    _grams(stems, 3, "t:", out)
    abstracted = [c or s for c, s in zip(classes, stems, strict=True)]
    _grams(abstracted, 2, "ab:", out)
    _grams(abstracted, 3, "at:", out)
    seq = [c for c in classes if c]
    for i, name in enumerate(seq):
        out["k:" + name] = 1.0
        if i + 1 < len(seq):
            out[f"kk:{name}>{seq[i + 1]}"] = 1.0
    relations = [c for c in seq if c in ("COR", "CAU", "RSK")]
    out[("firstrel:" + relations[0]) if relations else "norel"] = 1.0
    for i, c in enumerate(classes):
        if c == "MOD":
            for later in classes[i + 1 : i + 5]:
                if later in ("CAU", "COR"):
                    out["mod_before_" + later] = 1.0
            if i + 1 < len(words):
                out[f"m:{words[i]}_{classes[i + 1] or stems[i + 1]}"] = 1.0
    if not sentence.strip().endswith(_SENTENCE_END):
        out["headline"] = 1.0  # a title or heading: no closing punctuation
    return out


@dataclass(frozen=True)
class StrengthModel:
    """Weights of A (three classes) and B (direct vs conditional), by feature name."""

    weights_a: dict[str, tuple[float, float, float]]
    bias_a: tuple[float, float, float]
    weights_b: dict[str, float]
    bias_b: float
    trained_on: str = ""

    def probabilities(self, feats: dict[str, float]) -> list[float]:
        """p(none), p(correlational), p(conditional causal), p(direct causal)."""
        z = list(self.bias_a)
        zb = self.bias_b
        for name, value in feats.items():
            if w := self.weights_a.get(name):
                z[0] += w[0] * value
                z[1] += w[1] * value
                z[2] += w[2] * value
            zb += self.weights_b.get(name, 0.0) * value
        top = max(z)
        exp = [math.exp(v - top) for v in z]
        total = sum(exp)
        none, corr, causal = (e / total for e in exp)
        direct = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, zb))))
        return [none, corr, causal * (1.0 - direct), causal * direct]

    def to_json(self) -> dict[str, object]:
        names = sorted(set(self.weights_a) | set(self.weights_b))
        return {
            "about": "Two logistic regressions over ingest/strength.py's features; "
            "rebuild: python -m benchmarks.strength_train",
            "trained_on": self.trained_on,
            "bias": [*(round(b, 4) for b in self.bias_a), round(self.bias_b, 4)],
            # feature -> [A none, A correlational, A causal, B direct]
            "weights": {
                n: [
                    *(round(w, 4) for w in self.weights_a.get(n, (0.0, 0.0, 0.0))),
                    round(self.weights_b.get(n, 0.0), 4),
                ]
                for n in names
            },
        }

    @classmethod
    def from_json(cls, raw: dict[str, object]) -> StrengthModel:
        bias = raw["bias"]
        weights = raw["weights"]
        assert isinstance(bias, list) and isinstance(weights, dict)
        return cls(
            weights_a={str(k): (float(v[0]), float(v[1]), float(v[2])) for k, v in weights.items()},
            bias_a=(float(bias[0]), float(bias[1]), float(bias[2])),
            weights_b={str(k): float(v[3]) for k, v in weights.items() if v[3]},
            bias_b=float(bias[3]),
            trained_on=str(raw.get("trained_on", "")),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":"), ensure_ascii=False) + "\n", "utf-8")


@cache
def default_model() -> StrengthModel:
    raw = resources.files("ingest.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return StrengthModel.from_json(json.loads(raw))


def null_finding(text: str) -> str | None:
    """The phrase saying no effect or difference was found ("no significant difference"), or None."""
    m = _words().null_findings.search(text[:MAX_CHARS].lower().replace("’", "'"))
    return " ".join(m.group().split()) if m else None


def is_negated(text: str) -> bool:
    """The sentence itself denies an effect ("does not cure", "no link")."""
    return bool(_words().negated_claim.search(text[:MAX_CHARS].lower().replace("’", "'")))


def classify_strength(text: str, model: StrengthModel | None = None) -> StrengthReading:
    """The strength `text` asserts, with the probability of each level."""
    probs = (model or default_model()).probabilities(features(text))
    best = max(range(4), key=lambda i: probs[i])
    return StrengthReading(
        strength=Strength.at(best),
        probabilities=[round(p, 4) for p in probs],
        text=text,
        null_finding=null_finding(text),
        negated=is_negated(text),
    )
