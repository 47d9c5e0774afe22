"""Ingest throughput: extraction alone, extraction + graph writes, and the bare HTML baseline.

    python -m benchmarks.ingest_bench --articles 300 [--json out.json]

Generates the seeded corpus (benchmarks/corpus.py) in a temporary directory, then times, on the
same files:

1. baseline: trafilatura's main-text extraction alone (the HTML library we build on);
2. extraction only: our whole analysis (extract, claims, cues, atoms, citations), no graph;
3. end to end: the same plus one write transaction per document into a fresh embedded engine
   (offline: no work lookups).

It prints a table (documents/s, claims/s, ratios) and can write the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import trafilatura

from benchmarks.corpus import generate
from ingest.errors import IngestError
from ingest.inputs import expand_inputs, read_input
from ingest.pipeline import analyse_fetched
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore


def _baseline(paths: list[Path]) -> float:
    began = time.perf_counter()
    for path in paths:
        if path.suffix == ".html":
            trafilatura.extract(path.read_bytes().decode("utf-8", "replace"), include_links=True)
        else:
            path.read_text(errors="replace")
    return time.perf_counter() - began


def _extract_all(paths: list[Path], settings: Settings) -> tuple[float, list, int]:
    docs, claims = [], 0
    began = time.perf_counter()
    for item in expand_inputs([str(p) for p in paths]):
        try:
            analysis = analyse_fetched(read_input(item, settings))
        except IngestError:
            continue  # junk pages: counted in the time, as they are in a real batch
        docs.append(analysis.document)
        claims += len(analysis.document.claims)
    return time.perf_counter() - began, docs, claims


def run(articles: int, seed: int = 7) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        paths = generate(corpus, articles, seed)
        settings = Settings(home=Path(tmp) / "home", offline=True)
        baseline = _baseline(paths)
        extract_s, docs, claims = _extract_all(paths, settings)
        store = GraphStore.connect(settings)
        try:
            began = time.perf_counter()
            extract_again, docs2, _ = _extract_all(paths, settings)
            for doc in docs2:
                store.write_document(doc)
            e2e_s = time.perf_counter() - began
        finally:
            store.close()
            engine.stop(settings)
    n = len(docs)
    return {
        "articles": articles,
        "documents": n,
        "claims": claims,
        "baseline_s": baseline,
        "extract_s": extract_s,
        "end_to_end_s": e2e_s,
        "extract_docs_per_s": n / extract_s,
        "extract_claims_per_s": claims / extract_s,
        "end_to_end_docs_per_s": n / e2e_s,
        "end_to_end_claims_per_s": claims / e2e_s,
        "extract_over_baseline": extract_s / baseline,
        "end_to_end_share_of_extract": extract_s / e2e_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = ap.parse_args()
    r = run(args.articles, args.seed)
    print(f"{r['documents']} documents, {r['claims']} claims (from {r['articles']} files)")
    print(f"{'stage':<28}{'seconds':>9}{'docs/s':>9}{'claims/s':>10}")
    print(
        f"{'baseline (trafilatura)':<28}{r['baseline_s']:>9.2f}{r['documents'] / r['baseline_s']:>9.1f}{'':>10}"
    )
    print(
        f"{'extraction only':<28}{r['extract_s']:>9.2f}{r['extract_docs_per_s']:>9.1f}{r['extract_claims_per_s']:>10.0f}"
    )
    print(
        f"{'extraction + graph writes':<28}{r['end_to_end_s']:>9.2f}{r['end_to_end_docs_per_s']:>9.1f}{r['end_to_end_claims_per_s']:>10.0f}"
    )
    print(f"extraction / baseline time: {r['extract_over_baseline']:.2f}x")
    print(f"end-to-end throughput as a share of extraction-only: {r['end_to_end_share_of_extract']:.0%}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
