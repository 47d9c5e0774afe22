"""`kb extract` analyses its one input in its own process (no worker: start-up stays under a
second) and holds that process to the same budgets a worker has: KB_INPUT_TIMEOUT and
KB_INPUT_MAX_MEMORY. Run as a real command, since running out of time ends the process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def extract(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "extract", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


def big_page(tmp_path: Path) -> Path:
    page = tmp_path / "long.txt"
    page.write_text("Zorvexam reduces cravings in adults. " * 150_000)  # 5.5 MB of claims
    return page


def test_past_its_time_budget_extract_stops_with_one_line(tmp_path: Path) -> None:
    began = time.monotonic()
    result = extract(big_page(tmp_path), KB_INPUT_TIMEOUT="1")
    assert result.returncode == 1
    assert time.monotonic() - began < 30
    [line] = result.stderr.strip().splitlines()
    assert "long.txt" in line and "KB_INPUT_TIMEOUT" in line


def test_past_its_memory_budget_extract_fails_with_one_line(tmp_path: Path) -> None:
    # Analysing the page's first 20,000 sentences (where claim finding stops) takes about 45 MB
    # more than start-up, measured with /usr/bin/time; a 10 MB budget is well short of that.
    result = extract(big_page(tmp_path), KB_INPUT_MAX_MEMORY="10", KB_INPUT_TIMEOUT="0")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "long.txt" in line and "KB_INPUT_MAX_MEMORY" in line


def test_within_its_budgets_extract_answers(tmp_path: Path) -> None:
    page = tmp_path / "short.txt"
    page.write_text("Zorvexam\n\nStudies have shown that Zorvexam can improve memory in older adults.\n")
    result = extract(page)
    assert result.returncode == 0, result.stderr
    assert '"claims"' in result.stdout
