"""Query latency: every read the app makes, p50/p95 over repeated runs, on a graph of N claims.

    python -m benchmarks.query_bench --claims 100000 [--home DIR] [--repeat 20] [--json out.json]

The graph is loaded with made-up documents (benchmarks/synthetic.py) through
`GraphStore.write_documents`, a batch of documents per transaction; with `--home` pointing at a
graph that already holds enough claims, loading is skipped (so a 1M-claim graph is loaded once).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.synthetic import INTERVENTIONS, documents
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore
from kb.views import ClaimFilter

CLAIMS_PER_DOCUMENT = 20
DOCUMENTS_PER_BATCH = 50


def load(store: GraphStore, claims: int, *, progress: bool = False) -> dict[str, float]:
    """Fill the graph up to `claims` claims; returns what was written and how fast."""
    have_docs = store.counts().nodes.get("Source", 0)
    want_docs = claims // CLAIMS_PER_DOCUMENT
    began = time.perf_counter()
    written = 0
    for first in range(have_docs, want_docs, DOCUMENTS_PER_BATCH):
        count = min(DOCUMENTS_PER_BATCH, want_docs - first)
        store.write_documents(list(documents(first, count, CLAIMS_PER_DOCUMENT)))
        written += count
        if progress and (first // DOCUMENTS_PER_BATCH) % 20 == 19:
            rate = written * CLAIMS_PER_DOCUMENT / (time.perf_counter() - began)
            print(
                f"  loaded {(first + count) * CLAIMS_PER_DOCUMENT:,} claims ({rate:,.0f} claims/s)",
                flush=True,
            )
    seconds = time.perf_counter() - began
    return {
        "load_s": round(seconds, 1),
        "loaded_claims": written * CLAIMS_PER_DOCUMENT,
        "load_claims_per_s": round(written * CLAIMS_PER_DOCUMENT / seconds, 1) if written else 0.0,
    }


def percentiles(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2), "runs": len(ordered)}


def _timed(
    fn: Callable[[int], object], repeat: int, before: Callable[[], None] | None = None
) -> dict[str, float]:
    fn(0)  # warm-up: the first run compiles the statement and fills the engine's caches
    times = []
    for i in range(repeat):
        if before is not None:
            before()
        began = time.perf_counter()
        fn(i + 1)
        times.append((time.perf_counter() - began) * 1000)
    return percentiles(times)


def reads(store: GraphStore, seed: int = 7) -> dict[str, Callable[[int], object]]:
    """Every read the app makes, each a function of the run number (so runs vary their input)."""
    rng = random.Random(seed)
    sources = store.list_sources(page=0, page_size=200)
    claim_ids = [c.id for c in store.claims_page(limit=500)]
    source_ids = [s.id for s in sources]
    picks = [rng.randrange(10**6) for _ in range(1000)]

    def claim(i: int) -> str:
        return claim_ids[picks[i] % len(claim_ids)]

    def source(i: int) -> str:
        return source_ids[picks[i] % len(source_ids)]

    def page(flt: ClaimFilter, number: int = 0) -> Callable[[int], object]:
        return lambda i: store.list_claims(flt, page=number, page_size=50)

    return {
        "claims list, no filter": page(ClaimFilter()),
        "claims list, page 20": page(ClaimFilter(), 20),
        "claims list, status": page(ClaimFilter(status="missing")),
        "claims list, grade": page(ClaimFilter(grade="low")),
        "claims list, intervention": lambda i: store.list_claims(
            ClaimFilter(intervention=INTERVENTIONS[i % len(INTERVENTIONS)]), page_size=50
        ),
        "claims list, status + intervention": lambda i: store.list_claims(
            ClaimFilter(status="missing", intervention=INTERVENTIONS[i % len(INTERVENTIONS)]), page_size=50
        ),
        "claims list, source": lambda i: store.list_claims(ClaimFilter(source_id=source(i)), page_size=50),
        "full-text search, common word": page(ClaimFilter(search="outcome 7")),
        "full-text search, rare phrase": lambda i: store.list_claims(
            ClaimFilter(search=f"article {picks[i] % 1000}, claim"), page_size=50
        ),
        "claim detail": lambda i: store.get_claim(claim(i)),
        "article view": lambda i: store.get_source(source(i)),
        "two-hop neighbourhood of a claim": lambda i: store.neighbourhood(claim(i), hops=2, limit=200),
        "editor queue": lambda i: store.editor_queue(page=0, page_size=50),
        "worklist: cited, study does not match": lambda i: store.study_mismatches(page=0, page_size=50),
        "dashboard counts": lambda i: store.counts(),
        "top unsupported propositions": lambda i: store.top_unsupported_propositions(10),
        "sources list": lambda i: store.list_sources(page=0, page_size=50),
    }


def measure(store: GraphStore, repeat: int = 20) -> dict[str, dict[str, float]]:
    """p50/p95 of each read twice: with the graph unchanged since the last read (what paging and
    re-reading cost: the store keeps sorted ids and counts until the graph changes), and *cold*,
    as the first read after a write (nothing kept)."""
    timings = {}
    for name, fn in reads(store).items():
        cold = _timed(fn, repeat, before=store.forget_kept_reads)
        timings[name] = {**_timed(fn, repeat), "cold_p50_ms": cold["p50_ms"], "cold_p95_ms": cold["p95_ms"]}
    return timings


def run(claims: int, *, home: Path | None = None, repeat: int = 20, progress: bool = False) -> dict[str, Any]:
    """Load (or reuse) a graph of `claims` claims and time every read."""
    temporary = home is None
    home = home or Path(tempfile.mkdtemp(prefix="kb-query-bench-"))
    settings = Settings(home=home, offline=True)
    store = GraphStore.connect(settings)
    try:
        loaded = load(store, claims, progress=progress)
        total = store.counts().nodes.get("Claim", 0)
        return {"claims": total, **loaded, "reads": measure(store, repeat)}
    finally:
        store.close()
        engine.stop(settings)  # a kept graph (`home`) starts again in seconds next time
        if temporary:
            shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=10_000)
    ap.add_argument("--home", type=Path, help="KB_HOME holding (or to hold) the graph; kept afterwards")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = ap.parse_args()
    result = run(args.claims, home=args.home, repeat=args.repeat, progress=True)
    print(f"{result['claims']:,} claims")
    print(f"  {'read':<38}{'p50 ms':>9}{'p95 ms':>9}{'cold p50':>10}{'cold p95':>10}")
    for name, r in result["reads"].items():
        print(
            f"  {name:<38}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['cold_p50_ms']:>10.1f}{r['cold_p95_ms']:>10.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
