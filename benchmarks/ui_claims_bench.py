"""How fast the Claims explorer renders over a large graph.

    python -m benchmarks.ui_claims_bench --claims 10000 [--per-source 20] [--home DIR] [--json out.json]

Writes N made-up claims (benchmarks/synthetic.py: documents of `--per-source` claims each, with
entities, propositions, a cited work, some graded) into a separate KB_HOME
through `store.write_document`, then times

1. `store.list_claims()` (first page of 50, worst first, with its total), unfiltered and filtered;
2. the Claims explorer page rendered by Streamlit's `AppTest` (first render with empty caches,
   a cached rerun, and a rerun after choosing a filter).

With `--home` pointing at a graph that already holds the claims, writing is skipped.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.synthetic import documents
from kb import engine
from kb.settings import Settings
from kb.store import GraphStore
from kb.views import ClaimFilter

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"


def fill(store: GraphStore, claims: int, per_source: int) -> float:
    have = store.counts().nodes.get("Source", 0) * per_source
    if have >= claims:
        print(f"graph already holds {have:,} claims; not writing")
        return 0.0
    began = time.perf_counter()
    for n, doc in enumerate(documents(have // per_source, (claims - have) // per_source, per_source)):
        store.write_document(doc)
        if (n + 1) % 250 == 0:
            rate = (n + 1) * per_source / (time.perf_counter() - began)
            print(f"  wrote {(n + 1) * per_source:,} claims ({rate:,.0f} claims/s)", flush=True)
    return time.perf_counter() - began


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, float]:
    """(first call, median of the next `repeat`) in milliseconds."""
    times = []
    for _ in range(repeat + 1):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return times[0], statistics.median(times[1:])


def render_times() -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.run()  # the default page; also connects
    out: dict[str, float] = {}
    began = time.perf_counter()
    at.switch_page("app_pages/claims.py").run()
    out["explorer_first_render_ms"] = (time.perf_counter() - began) * 1000
    assert not at.exception, [e.value for e in at.exception]
    began = time.perf_counter()
    at.run()
    out["explorer_cached_rerun_ms"] = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    at.selectbox(key="claims-status").set_value("missing").run()
    out["explorer_filter_status_ms"] = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    at.text_input(key="claims-search").input("outcome 7").run()
    out["explorer_filter_search_ms"] = (time.perf_counter() - began) * 1000
    pages = [p for p in at.pagination]
    if pages and pages[0].num_pages > 3:
        began = time.perf_counter()
        pages[0].set_value(3).run()
        out["explorer_page_3_ms"] = (time.perf_counter() - began) * 1000
    assert not at.exception, [e.value for e in at.exception]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_000, help="how many claims the graph should hold")
    parser.add_argument("--per-source", type=int, default=20, help="claims per synthetic article")
    parser.add_argument("--home", type=Path, help="KB_HOME to use (default: a new temporary directory)")
    parser.add_argument("--keep", action="store_true", help="leave the engine running afterwards")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="kb-ui-bench-"))
    os.environ["KB_HOME"] = str(home)  # the app under AppTest reads its settings from here
    os.environ["KB_OFFLINE"] = "true"
    settings = Settings(home=home)
    store = GraphStore.connect(settings)
    try:
        write_s = fill(store, args.claims, args.per_source)
        total = store.counts().nodes["Claim"]
        results: dict[str, float | int | str] = {
            "claims": total,
            "home": str(home),
            "write_s": round(write_s, 1),
        }
        for name, flt in (
            ("list_claims", ClaimFilter()),
            ("list_claims_missing", ClaimFilter(status="missing")),
            ("list_claims_search", ClaimFilter(search="outcome 7")),
            ("list_claims_intervention", ClaimFilter(intervention="zorblax 3")),
        ):
            first, warm = timed(functools.partial(store.list_claims, flt, page=0, page_size=50))
            results[f"{name}_first_ms"], results[f"{name}_warm_ms"] = round(first, 1), round(warm, 1)
        results.update({k: round(v, 1) for k, v in render_times().items()})
    finally:
        store.close()
        if not args.keep:
            engine.stop(settings)
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
