"""The benchmark suite in one command: ingest throughput, the write path, query latency, scaling.

    python -m benchmarks [--sizes 1000,10000] [--claims 10000,100000] [--scale 100000] [--json out.json]

For each corpus size in `--sizes` (benchmarks/ingest_bench.py): bare trafilatura and our
text-extraction stage alone (ingest.extract), our whole analysis without the graph (one process
and `--workers` processes), end to end into a fresh embedded engine, peak memory, seconds per
document. Once: batched against per-row writes (benchmarks/writes_bench.py).
For each graph size in `--claims` (benchmarks/query_bench.py): p50/p95 of every read the app makes.
With `--scale N` (benchmarks/scale_bench.py): one `kb ingest` of N articles, sampled every five
minutes (seconds and CPU per document as the graph grows; about 45 minutes for 100,000).
It prints a table and, with `--json`, writes every number. docs/performance.md has the results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import ingest_bench, query_bench, scale_bench, writes_bench
from kb.settings import Settings


def _sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.split(",") if s.strip()]


def machine() -> dict[str, Any]:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(pages / 2**30, 1),
        "python": platform.python_version(),
        "engine": f"arcadedb-embedded {metadata.version('arcadedb-embedded')}",
        "neo4j_driver": metadata.version("neo4j"),
        "trafilatura": metadata.version("trafilatura"),
        "engine_heap": Settings().engine_heap,
    }


def run(
    sizes: list[int],
    claims: list[int],
    *,
    workers: int | None = None,
    repeat: int = 20,
    write_documents: int = 50,
    query_home: Path | None = None,
    scale: int = 0,
    save: Callable[[dict[str, Any]], None] = lambda result: None,
) -> dict[str, Any]:
    """Every measurement; `save` is called with the results so far after each one (a long run
    that is stopped keeps what it measured)."""
    out: dict[str, Any] = {"machine": machine(), "ingest": [], "queries": []}
    for n in sizes:
        print(f"ingest: {n:,} articles …", flush=True)
        out["ingest"].append(ingest_bench.run(n, workers=workers))
        print(json.dumps(out["ingest"][-1]), flush=True)
        save(out)
    if write_documents:
        print(f"write path: {write_documents} documents …", flush=True)
        out["writes"] = writes_bench.run(write_documents)
        print(json.dumps(out["writes"]), flush=True)
        save(out)
    for n in claims:
        print(f"queries: {n:,} claims …", flush=True)
        home = query_home / f"claims-{n}" if query_home else None
        out["queries"].append(query_bench.run(n, home=home, repeat=repeat, progress=True))
        save(out)
    if scale:
        print(f"scale: {scale:,} articles in one ingest …", flush=True)
        out["scale"] = scale_bench.run(scale)
        save(out)
    return out


def table(result: dict[str, Any]) -> str:
    lines = [", ".join(f"{k}: {v}" for k, v in result["machine"].items()), ""]
    if result["ingest"]:
        lines.append(
            f"{'articles':>9}{'docs':>7}{'claims':>8}{'trafil. s':>10}{'stage s':>9}{'ratio':>7}"
            f"{'extract 1p s':>13}{'ratio':>7}{'extract s':>10}{'e2e s':>8}{'docs/s':>8}{'claims/s':>9}"
            f"{'e2e/extr':>9}{'s/doc':>8}{'RSS MB':>8}"
        )
        for r in result["ingest"]:
            lines.append(
                f"{r['articles']:>9,}{r['documents']:>7,}{r['claims']:>8,}{r['baseline_s']:>10.1f}"
                f"{r['extract_stage_s']:>9.1f}{r['extract_stage_over_baseline']:>6.1f}x"
                f"{r['extract_1p_s']:>13.1f}{r['extract_1p_over_baseline']:>6.1f}x{r['extract_s']:>10.1f}"
                f"{r['end_to_end_s']:>8.1f}{r['end_to_end_docs_per_s']:>8.1f}{r['end_to_end_claims_per_s']:>9.0f}"
                f"{r['end_to_end_share_of_extract']:>8.0%} {r['seconds_per_document']:>8.4f}{r['peak_rss_mb']:>8.0f}"
            )
        lines.append(
            "stage: our text extraction alone (ingest.extract); extract: the whole analysis; "
            "ratio: against trafilatura"
        )
        lines.append("")
    if "writes" in result:
        w = result["writes"]
        lines += [
            f"writes: {w['rows']:,} rows: batched {w['batched_s']:.2f} s, one statement per row "
            f"{w['per_row_s']:.2f} s ({w['speedup']:.1f}x), one transaction per row "
            f"{w['per_row_tx_s']:.2f} s ({w['speedup_tx']:.1f}x)",
            "",
        ]
    for q in result["queries"]:
        lines.append(f"queries on {q['claims']:,} claims (loaded at {q['load_claims_per_s']:,.0f} claims/s)")
        lines.append(f"  {'read':<38}{'p50 ms':>9}{'p95 ms':>9}{'cold p50':>10}{'cold p95':>10}")
        for name, r in q["reads"].items():
            lines.append(
                f"  {name:<38}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['cold_p50_ms']:>10.1f}{r['cold_p95_ms']:>10.1f}"
            )
        lines.append(
            "  cold: the first read after a write (nothing kept); the others: the graph unchanged since"
        )
        lines.append("")
    if "scale" in result:
        lines += [
            f"scale: one ingest of {result['scale']['articles']:,} articles",
            scale_bench.table(result["scale"]),
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=_sizes, default=[1000, 10000], help="corpus sizes, articles (0: none)")
    ap.add_argument(
        "--claims", type=_sizes, default=[10000, 100000], help="graph sizes for the query latencies"
    )
    ap.add_argument("--workers", type=int, help="analysis processes (default: one per core)")
    ap.add_argument("--repeat", type=int, default=20, help="runs of each read")
    ap.add_argument("--write-documents", type=int, default=50, help="documents for the write-path comparison")
    ap.add_argument("--query-home", type=Path, help="keep the query graphs here and reuse them next time")
    ap.add_argument("--scale", type=int, default=0, help="articles for the scaling run (0: none)")
    ap.add_argument("--json", type=Path, help="also write every number to this file")
    args = ap.parse_args(argv)
    began = time.perf_counter()

    def save(result: dict[str, Any]) -> None:
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))

    result = run(
        [n for n in args.sizes if n],
        [n for n in args.claims if n],
        workers=args.workers,
        repeat=args.repeat,
        write_documents=args.write_documents,
        query_home=args.query_home,
        scale=args.scale,
        save=save,
    )
    result["suite_s"] = round(time.perf_counter() - began, 1)
    print(table(result))
    save(result)


if __name__ == "__main__":
    main()
