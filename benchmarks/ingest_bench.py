"""Ingest throughput: bare trafilatura, our extraction alone, and end to end into the graph.

    python -m benchmarks.ingest_bench --articles 300 [--workers 2] [--json out.json]

Generates the seeded corpus (benchmarks/corpus.py) in a temporary directory, then times, on the
same files:

1. baseline: trafilatura's main-text extraction alone (the HTML library we build on), one process;
   and, alternating with it in the same process, our text-extraction stage alone
   (`ingest.extract.extract`: the file's bytes to the main text, its links and metadata, as
   `kb ingest` reads a file, before any analysis); each the median of `rounds` passes;
2. extraction only: our whole analysis (extract, claims, cues, atoms, citations, entities), no
   graph: once in one process (the per-core cost, comparable with the baseline) and once with
   `--workers` processes, the way `kb ingest` runs a large batch;
3. end to end: `ui.workflows.ingest_batch` into a fresh embedded engine (offline: no work
   lookups), with the same workers; also the peak memory of this process, of the worker
   processes and of the engine, and the engine's heap setting.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import trafilatura

from benchmarks.corpus import generate
from ingest import mediatypes
from ingest.errors import IngestError
from ingest.extract import extract
from ingest.pipeline import Analysis, analyse_inputs
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore
from ui.workflows import ingest_batch


def baseline(paths: list[Path]) -> float:
    """Seconds for trafilatura alone (HTML) and reading the text files."""
    began = time.perf_counter()
    for path in paths:
        if path.suffix == ".html":
            trafilatura.extract(path.read_bytes().decode("utf-8", "replace"), include_links=True)
        else:
            path.read_text(errors="replace")
    return time.perf_counter() - began


def extract_stage(paths: list[Path]) -> float:
    """Seconds for our text extraction alone: each file's bytes and type, as `kb ingest` reads a
    file, through `ingest.extract.extract` (main text, link spans, metadata). A file `kb ingest`
    would refuse (binary junk) is skipped after sniffing; one with no main text counts its time."""
    began = time.perf_counter()
    for path in paths:
        body = path.read_bytes()
        content_type = mediatypes.effective_type(mediatypes.type_for_suffix(path.suffix), body[:2048])
        if content_type in mediatypes.DOCUMENT_TYPES:
            with contextlib.suppress(IngestError):
                extract(body, content_type, name=str(path))
    return time.perf_counter() - began


def baseline_and_stage(paths: list[Path], rounds: int = 3) -> tuple[float, float]:
    """Median seconds of `baseline` and of `extract_stage` over `rounds` alternating passes, after
    one warm-up pass of each over a few files (imports, compiled patterns)."""
    baseline(paths[:20])
    extract_stage(paths[:20])
    base, stage = [], []
    for _ in range(max(1, rounds)):
        base.append(baseline(paths))
        stage.append(extract_stage(paths))
    return statistics.median(base), statistics.median(stage)


def extract_only(paths: list[Path], settings: Settings, workers: int = 1) -> dict[str, float]:
    """Our analysis of every file, no graph: seconds, documents and claims (junk counts in the time)."""
    docs = claims = 0
    began = time.perf_counter()
    for _, outcome in analyse_inputs([str(p) for p in paths], settings, workers=workers):
        if isinstance(outcome, Analysis):
            docs += 1
            claims += len(outcome.document.claims)
    return {"seconds": time.perf_counter() - began, "documents": docs, "claims": claims}


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a running process (Linux VmHWM), MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def end_to_end(paths: list[Path], home: Path, workers: int = 1) -> dict[str, Any]:
    """`ingest_batch` of every file into a fresh embedded engine under `home`, offline."""
    settings = Settings(home=home, offline=True)
    store = GraphStore.connect(settings)
    try:
        began = time.perf_counter()
        report = ingest_batch(store, settings, [str(p) for p in paths], progress=False, workers=workers)
        seconds = time.perf_counter() - began
        state = engine.read_state(settings)
        engine_peak = peak_rss_mb(state.pid) if state else None
        claims_in_graph = store.counts().nodes.get("Claim", 0)
    finally:
        store.close()
        engine.stop(settings)
    totals = report.totals()
    return {
        "seconds": seconds,
        "documents": totals["documents"],
        "claims": totals["claims"],
        "claims_in_graph": claims_in_graph,
        "failed": totals["failed"],
        "engine_peak_rss_mb": engine_peak,
        "engine_heap": settings.engine_heap,
    }


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KB on Linux


def run(
    articles: int,
    *,
    seed: int = 7,
    workers: int | None = None,
    work_dir: Path | None = None,
    rounds: int = 3,
) -> dict[str, Any]:
    """All three measurements on a corpus of `articles` files; `rounds` passes of the baseline and
    of our text-extraction stage."""
    workers = workers or max(1, os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        paths = generate(Path(tmp) / "corpus", articles, seed)
        settings = Settings(home=Path(tmp) / "home", offline=True)
        base_s, stage_s = baseline_and_stage(paths, rounds)
        single = extract_only(paths, settings, workers=1)
        parallel = extract_only(paths, settings, workers=workers) if workers > 1 else single
        e2e = end_to_end(paths, Path(tmp) / "home", workers=workers)
    docs, claims = single["documents"], single["claims"]
    return {
        "articles": articles,
        "workers": workers,
        "rounds": rounds,
        "documents": docs,
        "claims": claims,
        "baseline_s": round(base_s, 2),
        "extract_stage_s": round(stage_s, 2),
        "extract_1p_s": round(single["seconds"], 2),
        "extract_s": round(parallel["seconds"], 2),
        "end_to_end_s": round(e2e["seconds"], 2),
        "baseline_docs_per_s": round(docs / base_s, 1),
        "extract_stage_docs_per_s": round(docs / stage_s, 1),
        "extract_1p_docs_per_s": round(docs / single["seconds"], 1),
        "extract_docs_per_s": round(docs / parallel["seconds"], 1),
        "extract_claims_per_s": round(claims / parallel["seconds"], 1),
        "end_to_end_docs_per_s": round(e2e["documents"] / e2e["seconds"], 1),
        "end_to_end_claims_per_s": round(e2e["claims"] / e2e["seconds"], 1),
        "extract_stage_over_baseline": round(stage_s / base_s, 2),
        "extract_1p_over_baseline": round(single["seconds"] / base_s, 2),
        # against the faster extraction-only run: on a busy machine more processes can be slower
        "end_to_end_share_of_extract": round(min(single["seconds"], parallel["seconds"]) / e2e["seconds"], 3),
        "seconds_per_document": round(e2e["seconds"] / max(1, articles), 4),
        "claims_in_graph": e2e["claims_in_graph"],
        "failed": e2e["failed"],
        "peak_rss_mb": _rss_mb(resource.RUSAGE_SELF),
        "children_peak_rss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
        "engine_peak_rss_mb": e2e["engine_peak_rss_mb"],
        "engine_heap": e2e["engine_heap"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, help="analysis processes (default: one per core)")
    ap.add_argument("--rounds", type=int, default=3, help="passes of baseline and stage")
    ap.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = ap.parse_args()
    r = run(args.articles, seed=args.seed, workers=args.workers, rounds=args.rounds)
    print(json.dumps(r, indent=2))
    if args.json:
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
