"""Every Cypher statement in kb/ passes Neo4j's own linter: no errors, no deprecations,
no unknown labels, relationship types or property keys."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kb import cypher, models

LINT_DIR = Path(__file__).resolve().parents[1] / "cypher_lint"

RELATIONSHIP_TYPES = [
    "HAS_CLAIM", "SUPERSEDES", "STATES", "INTERVENTION", "OUTCOME", "POPULATION", "CITES",
    "CANDIDATE", "LISTS", "ASSESSED", "FLAGS", "HAS_EVENT", "JUDGES", "ON_WORK",
]  # fmt: skip

# Properties the store derives when writing (beyond the models' own fields).
DERIVED_KEYS = [
    "is_latest", "ingested_at", "claim_count", "cited_count", "search_text", "hedges", "boosters",
    "attribution", "atoms_json", "interventions", "outcomes", "source_title", "rank", "flagged",
    "grade", "score", "overclaim", "version", "updated_at", "key", "labels", "provenance",
    "accepted", "by", "at", "status", "flag_writes", "comparison_json", "directness_json",
    "mismatch_count", "stance_by", "stance_at", "stance_note", "stance_id", "stance_writes", "seq",
]  # fmt: skip


def _property_keys() -> list[str]:
    keys = set(DERIVED_KEYS)
    for model in (models.Source, models.Claim, models.Entity, models.Proposition, models.Work,
                  models.Citation, models.ClaimProposition, models.Assessment, models.Flag, models.FlagEvent,
                  models.StanceEvent):  # fmt: skip
        keys |= set(model.model_fields)
    return sorted(keys)


def all_statements() -> list[tuple[str, str]]:
    """Every statement constant of kb.cypher: strings, tuples of strings and dicts of strings."""
    found: list[tuple[str, str]] = []
    for name, value in vars(cypher).items():
        if not name.isupper():
            continue
        if isinstance(value, str):
            found.append((name, value))
        elif isinstance(value, tuple):
            found += [(f"{name}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str) and " " in v]
        elif isinstance(value, dict):
            found += [(f"{name}[{k}]", v) for k, v in value.items() if isinstance(v, str)]
    return found


def test_every_statement_is_collected() -> None:
    names = {n for n, _ in all_statements()}
    assert "MERGE_SOURCE" in names and "LIST_CLAIMS" in names and "NEIGHBOURS_BY_LABEL[Claim]" in names
    assert len(names) > 40


def test_statements_pass_the_neo4j_linter() -> None:
    node = shutil.which("node")
    if node is None or not (LINT_DIR / "node_modules" / "@neo4j-cypher").is_dir():
        pytest.fail(
            "the Cypher linter is not installed: run `npm ci --prefix tests/cypher_lint` (.ci/run does)"
        )
    schema = {
        "labels": [*cypher.NODE_LABELS, "Uncited", "Meta", "Change"],
        "relationshipTypes": RELATIONSHIP_TYPES,
        "propertyKeys": _property_keys(),
        # Declared so the linter accepts them; an undeclared $name would still be reported.
        "parameters": {p: None for _, q in all_statements() for p in re.findall(r"\$(\w+)", q)},
    }
    payload = json.dumps(
        {"schema": schema, "statements": [{"name": n, "query": q} for n, q in all_statements()]}
    )
    proc = subprocess.run(
        [node, "lint.mjs"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=LINT_DIR,
        timeout=120,
        check=True,
    )
    problems = [
        f"{item['name']}: {d['message']}" for item in json.loads(proc.stdout) for d in item["diagnostics"]
    ]
    assert problems == []


def test_the_linter_catches_mistakes() -> None:
    """Guard against a linter that silently passes everything."""
    node = shutil.which("node")
    assert node is not None
    payload = json.dumps(
        {
            "schema": {"labels": ["Claim"], "propertyKeys": ["id"], "relationshipTypes": []},
            "statements": [
                {"name": "syntax", "query": "MATC (n) RETURN n"},
                {"name": "deprecated", "query": "MATCH (n:Claim) RETURN id(n)"},
                {"name": "unknown_key", "query": "MATCH (n:Claim) RETURN n.idd"},
            ],
        }
    )
    proc = subprocess.run(
        [node, "lint.mjs"], input=payload, capture_output=True, text=True, cwd=LINT_DIR, check=True
    )
    result = {item["name"]: item["diagnostics"] for item in json.loads(proc.stdout)}
    assert all(result[name] for name in ("syntax", "deprecated", "unknown_key"))
