"""The benchmark suite's code path on a tiny corpus, so it cannot rot (benchmarks are not tests:
this checks that every stage runs and reports sane numbers, not how fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.__main__ import main


@pytest.mark.timeout(300)
def test_suite_runs_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    args = ["--sizes", "30", "--claims", "200", "--repeat", "2", "--write-documents", "3", "--workers", "2"]
    args += ["--scale", "40"]
    main([*args, "--json", str(out)])
    result = json.loads(out.read_text())
    ingest = result["ingest"][0]
    assert ingest["documents"] > 25 and ingest["claims"] > 300
    assert ingest["failed"] > 0  # the corpus has junk pages, reported and skipped
    assert ingest["claims_in_graph"] == ingest["claims"]
    # the text-extraction stage alone: measured beside the baseline, a part of the whole analysis
    assert 0 < ingest["extract_stage_s"] < ingest["extract_1p_s"]
    assert ingest["extract_stage_over_baseline"] > 0
    assert result["writes"]["rows"] > 0 and result["writes"]["speedup"] > 0
    reads = result["queries"][0]["reads"]
    assert result["queries"][0]["claims"] == 200
    assert {"claim detail", "article view", "dashboard counts", "editor queue"} <= set(reads)
    assert all(r["p95_ms"] >= r["p50_ms"] > 0 for r in reads.values())
    assert result["scale"]["documents"] > 30
    printed = capsys.readouterr().out
    assert "queries on 200 claims" in printed
    assert "scale: one ingest of 40 articles" in printed
    assert "stage s" in printed


@pytest.mark.timeout(300)
def test_scale_run_samples_cpu_per_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import scale_bench

    out = tmp_path / "scale.json"
    scale_bench.main(
        ["--articles", "60", "--every", "0.5", "--home", str(tmp_path / "home"), "--json", str(out)]
    )
    result = json.loads(out.read_text())
    assert result["documents"] > 50 and not result["stopped_early"]
    assert result["intervals"], "no interval was sampled while the ingest ran"
    first = result["intervals"][0]
    assert first["docs_per_s"] > 0 and first["s_per_doc"] > 0
    assert first["engine_cpu_ms_per_doc"] is not None and first["engine_cpu_ms_per_doc"] > 0
    assert result["engine_peak_rss_mb"] > 0
    assert "CPU per document" in capsys.readouterr().out
