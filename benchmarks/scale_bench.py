"""Seconds per document as the graph grows: one `kb ingest` of a large corpus, sampled as it runs.

    python -m benchmarks.scale_bench --articles 100000 [--every 300] [--stop-after 5400]
        [--corpus DIR] [--home DIR] [--json out.json]

Generates the seeded corpus (benchmarks/corpus.py; or reuses `--corpus`), starts
`kb ingest --offline -q CORPUS` into a fresh embedded engine, and every `--every` seconds records
the documents in the graph and the CPU seconds used so far by the ingest process, its analysis
workers and the engine. Each interval's row gives documents/s, seconds per document, and CPU
milliseconds per document of each process: the wall-clock rate depends on whatever else runs on
the machine, the CPU per document much less, so a cost that grows with the graph shows in the
column of the process that pays it. Flat columns from the first interval to the last mean no step
grows with the graph. A 100,000-article run takes about 45 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate
from benchmarks.ingest_bench import peak_rss_mb
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (Linux /proc), None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def sample(store: GraphStore, ingest_pid: int, engine_pid: int, began: float) -> dict[str, Any]:
    ingest_cpu = cpu_seconds(ingest_pid)
    workers = [cpu_seconds(k) for k in _children(ingest_pid) if k != engine_pid]
    return {
        "t": round(time.monotonic() - began, 1),
        "documents": store.node_counts().get("Source", 0),  # a label count: sampling costs nothing
        "ingest_cpu_s": ingest_cpu,
        # the workers end with the ingest process: their CPU is unknown once it is gone
        "workers_cpu_s": round(sum(w for w in workers if w is not None), 2)
        if ingest_cpu is not None
        else None,
        "engine_cpu_s": cpu_seconds(engine_pid),
        "ingest_peak_rss_mb": peak_rss_mb(ingest_pid),
        "engine_peak_rss_mb": peak_rss_mb(engine_pid),
    }


def intervals(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per interval between two samples: rate, seconds per document, CPU ms per document.
    A process's CPU can only be differenced while it was alive at both ends."""
    rows = []
    for a, b in itertools.pairwise(samples):
        docs = b["documents"] - a["documents"]
        if docs <= 0:
            continue
        seconds = b["t"] - a["t"]
        row = {"documents": b["documents"], "docs_per_s": round(docs / seconds, 1)}
        row["s_per_doc"] = round(seconds / docs, 4)
        for who in ("ingest", "workers", "engine"):
            x, y = a[f"{who}_cpu_s"], b[f"{who}_cpu_s"]
            row[f"{who}_cpu_ms_per_doc"] = round(1000 * (y - x) / docs, 1) if x is not None and y else None
        rows.append(row)
    return rows


def run(
    articles: int,
    *,
    every: float = 300,
    stop_after: float | None = None,
    corpus: Path | None = None,
    home: Path | None = None,
    seed: int = 7,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            generate(corpus, articles, seed)
        home = home or Path(tmp) / "home"
        settings = Settings(home=home, offline=True)
        store = GraphStore.connect(settings)  # starts the engine before the clock
        state = engine.read_state(settings)
        if state is None:
            raise SystemExit("the benchmark measures the embedded engine: unset NEO4J_URI")
        began = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "ingest", "--offline", "-q", str(corpus)],
            env={**os.environ, "KB_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        samples = [sample(store, proc.pid, state.pid, began)]
        stopped = False
        try:
            while proc.poll() is None:
                deadline = time.monotonic() + every
                while proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.2)
                if proc.poll() is None:
                    samples.append(sample(store, proc.pid, state.pid, began))
                    print(json.dumps(intervals(samples[-2:])[-1:] or samples[-1]), flush=True)
                if stop_after and time.monotonic() - began > stop_after and not stopped:
                    proc.terminate()
                    stopped = True
            proc.wait()
            last = sample(store, proc.pid, state.pid, began)  # the ingest process is gone: documents only
            samples.append(last)
        finally:
            store.close()
            engine.stop(settings)
    seconds = samples[-1]["t"]
    return {
        "articles": articles,
        "documents": samples[-1]["documents"],
        "seconds": seconds,
        "stopped_early": stopped,
        "seconds_per_document": round(seconds / max(1, samples[-1]["documents"]), 4),
        "ingest_peak_rss_mb": max((s["ingest_peak_rss_mb"] or 0) for s in samples),
        "engine_peak_rss_mb": max((s["engine_peak_rss_mb"] or 0) for s in samples),
        "engine_heap": settings.engine_heap,
        "intervals": intervals(samples),
        "samples": samples,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{'documents':>10}{'docs/s':>8}{'s/doc':>8}{'ingest ms':>11}{'workers ms':>12}{'engine ms':>11}"
        "   (CPU per document)"
    ]
    for r in result["intervals"]:
        cells = [r[f"{who}_cpu_ms_per_doc"] for who in ("ingest", "workers", "engine")]
        lines.append(
            f"{r['documents']:>10,}{r['docs_per_s']:>8.1f}{r['s_per_doc']:>8.4f}"
            + "".join(f"{'-' if c is None else c:>{w}}" for c, w in zip(cells, (11, 12, 11), strict=True))
        )
    lines.append(
        f"{result['documents']:,} documents in {result['seconds']:,.0f} s "
        f"({result['seconds_per_document']:.4f} s/doc); peak RSS ingest {result['ingest_peak_rss_mb']} MB, "
        f"engine {result['engine_peak_rss_mb']} MB (heap {result['engine_heap']})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.scale_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--every", type=float, default=300, help="seconds between samples")
    ap.add_argument("--stop-after", type=float, help="stop the ingest after this many seconds")
    ap.add_argument("--corpus", type=Path, help="an existing corpus directory (default: generate one)")
    ap.add_argument("--home", type=Path, help="data directory for the engine (default: temporary)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, help="also write every number to this file")
    args = ap.parse_args(argv)
    result = run(
        args.articles,
        every=args.every,
        stop_after=args.stop_after,
        corpus=args.corpus,
        home=args.home,
        seed=args.seed,
    )
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
