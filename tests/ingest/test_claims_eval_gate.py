"""Evaluation gate: the claim finder scored against hand-labelled gold, with floors that only rise.

Which set it runs on, and says so (in the test's output and its `eval_set` property):
- with `../shared` beside the repository: the 30 training pages, **cross-validated** leave one
  page out (`benchmarks/claims_cv.py`: every page is analysed by a model fitted without it, and
  scored by the shared scorer), and the two sample articles with the shipped model;
- without it (a fresh clone, CI): the project's own fixtures (tests/fixtures/claims) with the
  shipped model. They are part of its training data, so there the gate guards against
  regressions; it does not measure generalization.

The fixtures are scored here like `score_claims.py` scores (a claim matches a gold item when their
word sets overlap enough: Jaccard >= 0.6, or one holds >= 90% of the other's words; an atom is
found when a matched claim has one sharing a content word with the gold intervention and with
one of the gold outcomes, of at most six content words). When the finder gets better, raise the
floors to the new numbers; never lower them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.claimdata import FIXTURES, SHARED, same_sentence, tier_of
from ingest.claimfinder import LearnedClaimDetector
from ingest.extract import extract
from ingest.pipeline import analyse
from kb.models import CitationStatus, Claim

TRAIN = SHARED / "eval" / "train"
DEV = SHARED / "eval" / "dev"
TIERS = {"primary", "optional", "background", "citing"}
STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "with",
        "by",
        "is",
        "are",
        "be",
        "can",
        "may",
        "this",
        "that",
        "it",
        "its",
        "their",
        "as",
        "at",
        "from",
        "into",
    ]
)
MAX_OUTCOME_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")

# Measured when set. Train, cross-validated (python -m benchmarks.claims_cv): P 0.91 (0.905), R 0.95
# (0.952), F1 0.93, atoms 0.82, boosters 1.00, vague 0.90, cited 0.96, strict P 0.80, strict F1 0.87.
# Dev (shipped model): P 0.98, R 1.00, F1 0.99, atoms/boosters/vague 1.00, strict F1 0.89. Fixtures
# (shipped model): P 0.99, R 1.00, atoms 0.92, boosters/vague 1.00.
TRAIN_FLOORS = {"P": 0.89, "R": 0.94, "F1": 0.92, "atoms_R": 0.80, "boosters_R": 0.98, "vague_R": 0.88,
                "cited_R": 0.94, "strict_F1": 0.86}  # fmt: skip
DEV_FLOORS = {"P": 0.95, "R": 0.95, "F1": 0.95, "atoms_R": 0.95, "boosters_R": 0.95, "vague_R": 0.95}
FIXTURE_FLOORS = {"P": 0.97, "R": 0.95, "atoms_R": 0.90, "boosters_R": 0.95, "vague_R": 0.95}


def summary_numbers(line: str) -> dict[str, float]:
    """`claims: P=0.87 R=0.95 ... false_cited=0 ...` as numbers."""
    return {k: float(v) for k, v in re.findall(r"(\w+)=([0-9.]+)", line)}


def content(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower().replace("’", "'")))
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in STOP}


def atom_found(gold: dict[str, str], claims: list[Claim]) -> bool:
    g_int = content(gold["intervention"])
    alternatives = [content(alt) for alt in gold["outcome"].split("|")]
    for atom in (a for c in claims for a in c.atoms):
        p_out = content(atom.outcome)
        if (
            g_int & content(atom.intervention)
            and len(p_out) <= MAX_OUTCOME_WORDS
            and any(alt & p_out for alt in alternatives)
        ):
            return True
    return False


def ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score_fixtures() -> dict[str, float]:
    """The shipped model on tests/fixtures/claims, through the same analysis as `kb extract`."""
    n_pred = tp = n_prim = found = false_cited = 0
    atoms, boosters, vague = [0, 0], [0, 0], [0, 0]
    for gold_file in sorted(FIXTURES.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = FIXTURES / gold["document"]
        extracted = extract(path.read_bytes(), "text/plain", name=str(path))
        doc = analyse(
            extracted, key=f"file:{path}", locator=str(path), detector=LearnedClaimDetector()
        ).document
        claims, items = doc.claims, gold["items"]
        cited_ok = [it["text"] for it in items if it.get("cited")]
        n_pred += len(claims)
        tp += sum(
            any(same_sentence(c.text, it["text"]) for it in items if it["tier"] != "citing") for c in claims
        )
        false_cited += sum(
            c.citation_status == CitationStatus.CITED and not any(same_sentence(c.text, t) for t in cited_ok)
            for c in claims
        )
        for it in (it for it in items if it["tier"] == "primary"):
            matches = [c for c in claims if same_sentence(c.text, it["text"])]
            n_prim += 1
            found += bool(matches)
            for gold_atom in it["atoms"]:
                atoms[0] += atom_found(gold_atom, matches)
                atoms[1] += 1
            if it["cues"].get("booster"):
                boosters[0] += any(c.cues.boosters for c in matches)
                boosters[1] += 1
            if it["cues"].get("attribution") == "vague":
                vague[0] += any(c.cues.attribution == "vague" for c in matches)
                vague[1] += 1
    return {
        "P": ratio(tp, n_pred),
        "R": ratio(found, n_prim),
        "atoms_R": ratio(*atoms),
        "boosters_R": ratio(*boosters),
        "vague_R": ratio(*vague),
        "false_cited": false_cited,
    }


def check(got: dict[str, float], floors: dict[str, float], where: str) -> None:
    assert got["false_cited"] == 0, f"{where}: a claim was called cited where the page cites nothing"
    low = {k: (got[k], floor) for k, floor in floors.items() if got[k] < floor}
    assert not low, f"{where}: below the floor (got, floor): {low}"


def test_fixture_gold_files_are_well_formed() -> None:
    golds = sorted(FIXTURES.glob("*.gold.json"))
    assert len(golds) >= 6
    for gold_file in golds:
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = (FIXTURES / gold["document"]).read_text(encoding="utf-8")
        for it in gold["items"]:
            assert it["tier"] in TIERS
            assert text[it["start"] : it["start"] + len(it["text"])] == it["text"]
            assert all({"intervention", "effect", "outcome"} <= set(a) for a in it["atoms"])


def test_gate_on_our_fixtures(record_property: Callable[[str, object], None]) -> None:
    record_property("eval_set", "tests/fixtures/claims (shipped model)")
    got = score_fixtures()
    print(f"eval gate ran on tests/fixtures/claims with the shipped model: {got}")
    check(got, FIXTURE_FLOORS, "fixtures")


def test_gate_cross_validated_on_the_training_pages(
    record_property: Callable[[str, object], None], capsys: pytest.CaptureFixture[str]
) -> None:
    """The 30 training pages, each read by a model fitted without it; without ../shared, the
    fixtures instead, said out loud rather than skipped."""
    if not (TRAIN / "gold").is_dir() or not (SHARED / "eval" / "score_claims.py").is_file():
        where = (
            f"tests/fixtures/claims: {SHARED} is not beside this clone, so the training pages are not here"
        )
        record_property("eval_set", where)
        with capsys.disabled():
            print(f"\neval gate ran on {where}")
        check(score_fixtures(), FIXTURE_FLOORS, where)
        return
    from benchmarks.claims_cv import cross_validate

    line = cross_validate(SHARED)
    record_property("eval_set", "../shared/eval/train, leave-one-page-out")
    with capsys.disabled():
        print(f"\neval gate ran on ../shared/eval/train, leave-one-page-out: {line}")
    check(summary_numbers(line), TRAIN_FLOORS, "train (cross-validated)")


def test_gate_on_the_shared_dev_set(
    record_property: Callable[[str, object], None], capsys: pytest.CaptureFixture[str]
) -> None:
    if not DEV.is_dir():
        where = f"tests/fixtures/claims: {DEV} is not beside this clone"
        record_property("eval_set", where)
        with capsys.disabled():
            print(f"\neval gate ran on {where}")
        check(score_fixtures(), FIXTURE_FLOORS, where)
        return
    from benchmarks.claims_cv import dev_score

    line = dev_score(SHARED)
    record_property("eval_set", "../shared/eval/dev (shipped model)")
    with capsys.disabled():
        print(f"\neval gate ran on ../shared/eval/dev with the shipped model: {line}")
    check(summary_numbers(line), DEV_FLOORS, "dev")


def test_the_shipped_model_is_the_one_the_training_script_builds() -> None:
    """Rebuilding the model from the same pages gives the committed file (when they are here)."""
    if not (TRAIN / "gold").is_dir():
        from ingest.claimmodel import default_model

        assert default_model().weights, "the committed model has no weights"
        return
    from benchmarks.claimdata import available_sets, load_set
    from benchmarks.claims_train import MODEL_PATH, fit

    pages = [p for group in available_sets() for p in load_set(group)]
    rebuilt: dict[str, Any] = fit(pages).to_json()
    shipped = json.loads(Path(MODEL_PATH).read_text(encoding="utf-8"))
    assert rebuilt["weights"].keys() == shipped["weights"].keys()
    assert all(abs(rebuilt["weights"][k] - v) < 1e-4 for k, v in shipped["weights"].items())


def test_a_heading_inside_a_longer_gold_sentence_is_not_a_label_for_the_fit() -> None:
    """The scorer matches "Rapid Relief" with "...providing rapid relief, addressing ..." (all its
    words are there); the fit leaves such a line out rather than learn that headings are claims."""
    items = [
        {"tier": "primary", "text": "By acting fast, providing rapid relief and lasting calm, it helps."}
    ]
    assert tier_of("Rapid Relief", items) == "partial"
    assert tier_of("By acting fast, providing rapid relief, it helps.", items) == "primary"
    assert tier_of("Reduces swelling.", [{"tier": "primary", "text": "Reduces swelling."}]) == "primary"
    assert tier_of("Book today", items) == "none"
