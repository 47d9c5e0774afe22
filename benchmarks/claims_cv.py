"""Leave-one-page-out cross-validation of the claim finder on the 30 training pages.

    python -m benchmarks.claims_cv [--shared ../shared] [--verbose] [--sites]

For each training page, a model is fitted (benchmarks/claims_train.py `fit`) on every other
labelled page (the other training pages, the two sample articles, the project's fixtures) and
the page is analysed with it exactly as `kb extract --json` analyses a file. The outputs are then
scored by the shared scorer, `../shared/eval/score_claims.py`, so the last line is in its format
and every number is for pages the model that read them was not fitted to. With `--sites`, a
fold leaves out every page of the held-out page's site (the train pages have one per site, so
the two agree there; the option is for sets that do not).

The dev set (the two sample articles) is then scored with the shipped model.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path


def _emit(outputs: Path, path: str) -> int:
    """Print the saved analysis of one page (what the scorer's --cmd runs)."""
    sys.stdout.write((outputs / (Path(path).name + ".json")).read_text(encoding="utf-8"))
    return 0


def analyse_file(path: Path, model: object) -> dict[str, object]:
    """`kb extract PATH --json`, with the given model."""
    from ingest import evidence
    from ingest.analysis_json import analysis_json
    from ingest.claimfinder import LearnedClaimDetector
    from ingest.claimmodel import ClaimModel
    from ingest.pipeline import analyse_inputs
    from kb.settings import Settings

    assert isinstance(model, ClaimModel)
    settings = Settings(offline=True)
    [(_, outcome)] = list(analyse_inputs([str(path)], settings, detector=LearnedClaimDetector(model)))
    if isinstance(outcome, Exception):
        raise outcome
    doc = evidence.complete(outcome.document, settings, offline=True)
    return analysis_json(outcome, doc.assessments)


def score(gold_dir: Path, docs: Path, outputs: Path, shared: Path, verbose: bool) -> str:
    """Run the shared scorer over saved outputs; return its summary line."""
    emit = (
        f"{shlex.quote(sys.executable)} -m benchmarks.claims_cv --emit {shlex.quote(str(outputs))} {{path}}"
    )
    argv = [
        sys.executable,
        str(shared / "eval" / "score_claims.py"),
        str(gold_dir),
        "--docs",
        str(docs),
        "--cmd",
        emit,
    ]
    if verbose:
        argv.append("--verbose")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run(argv, capture_output=True, text=True, check=True, env=env)
    if verbose:
        print(proc.stdout, end="")
    return proc.stdout.strip().splitlines()[-1]


def cross_validate(shared: Path, *, verbose: bool = False, by_site: bool = False) -> str:
    """The cross-validated summary line of the training pages."""
    from benchmarks.claimdata import available_sets, load_set
    from benchmarks.claims_train import fit

    pages = [page for group in available_sets(shared) for page in load_set(group, shared)]
    train = [p for p in pages if p.group == "train"]
    with tempfile.TemporaryDirectory(prefix="claims-cv-") as tmp:
        outputs = Path(tmp)
        for held in train:
            site = _site(held.name) if by_site else None
            others = [p for p in pages if p is not held and (site is None or _site(p.name) != site)]
            result = analyse_file(held.path, fit(others))
            (outputs / (held.path.name + ".json")).write_text(json.dumps(result), encoding="utf-8")
        return score(
            shared / "eval" / "train" / "gold", shared / "eval" / "train" / "docs", outputs, shared, verbose
        )


def dev_score(shared: Path, *, verbose: bool = False) -> str:
    """The shipped model on the two sample articles."""
    from ingest.claimmodel import default_model

    gold = shared / "eval" / "dev"
    with tempfile.TemporaryDirectory(prefix="claims-dev-") as tmp:
        outputs = Path(tmp)
        for gold_file in sorted(gold.glob("*.gold.json")):
            name = json.loads(gold_file.read_text(encoding="utf-8"))["document"]
            result = analyse_file(shared / "inputs" / "seeds" / name, default_model())
            (outputs / (name + ".json")).write_text(json.dumps(result), encoding="utf-8")
        return score(gold, shared / "inputs" / "seeds", outputs, shared, verbose)


def _site(name: str) -> str:
    return name.rsplit("_", 1)[-1].split(".")[0]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--emit"]:
        return _emit(Path(args[1]), args[2])
    from benchmarks.claimdata import SHARED

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--verbose", action="store_true", help="per-page rows and every miss")
    ap.add_argument("--sites", action="store_true", help="leave out every page of the held-out page's site")
    parsed = ap.parse_args(args)
    print(
        f"train (leave-one-{'site' if parsed.sites else 'page'}-out): {cross_validate(parsed.shared, verbose=parsed.verbose, by_site=parsed.sites)}"
    )
    print(f"dev (shipped model): {dev_score(parsed.shared, verbose=parsed.verbose)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
