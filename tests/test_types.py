"""mypy is part of the test suite, configured in pyproject.toml: strict on kb/, the default
checks on ingest/, ui/, benchmarks/ and tests/, with the pydantic plugin. Zero errors."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_mypy() -> None:
    assert importlib.util.find_spec("mypy"), "mypy is not installed: pip install -e '.[test]'"
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
