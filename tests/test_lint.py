"""ruff (lint and format) is part of the test suite, configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff")
    assert ruff, "ruff is not installed: pip install -e '.[test]'"
    return subprocess.run([ruff, *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_check() -> None:
    result = _ruff("check", "kb", "ingest", "ui", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _ruff("format", "--check", "kb", "ingest", "ui", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
