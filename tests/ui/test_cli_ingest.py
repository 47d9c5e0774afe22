"""`kb extract`, `kb ingest`, `kb claims`, `kb sources`, `kb cues` on the real engine."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.settings import get_settings
from kb.store import GraphStore
from ui.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


Invoke = Callable[..., Result]


@pytest.fixture
def run(store: GraphStore) -> Iterator[Invoke]:
    """Invoke the CLI in-process against the test session's engine (KB_HOME from conftest)."""
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str, stdin: str | bytes | None = None) -> Result:
        return runner.invoke(cli, list(args), input=stdin, catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_extract_json_has_text_claims_spans_and_citations(run: Invoke) -> None:
    result = run("extract", str(EXAMPLES / "000_f39786077406e4d9.txt"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["claims"], "the sample article has claims"
    for claim in data["claims"]:
        assert data["text"][claim["start"] : claim["end"]] == claim["text"]
        assert claim["citation_status"] in {"cited", "vague", "missing"}
        assert set(claim["cues"]) == {"hedges", "boosters", "attribution"}
        assert isinstance(claim["citations"], list)
        assert claim["grade"] is None or isinstance(claim["grade"], str)


def test_extract_json_carries_the_claim_beside_its_study(run: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "clinic.txt"
    page.write_text(
        "Ketamine Clinic Notes\n\nKetamine infusions reduce alcohol cravings in adults [1].\n\n"
        "References\n1. Doe J, Roe R. Ketamine reduces alcohol seeking in mice: a randomized trial. "
        "J Fake Med. 2020;1:1-2. doi:10.5555/kb.extract.001\n"
    )
    result = run("extract", str(page), "--json")
    assert result.exit_code == 0, result.output
    [claim] = json.loads(result.output)["claims"]
    [study] = claim["citations"][0]["studies"]
    assert (study["key"], study["status"]) == ("doi:10.5555/kb.extract.001", "pending")
    axes = {a["axis"]: a for a in study["comparison"]["axes"]}
    assert list(axes) == ["who", "what", "outcome", "design and size", "strength"]
    assert axes["who"] == {
        "axis": "who",
        "verdict": "mismatch",
        "claim_says": "adults",
        "study_did": "mice",
        "reason": "claim about adults; study in mice",
    }
    assert axes["strength"]["verdict"] == "not stated"  # no abstract: never a match
    assert study["comparison"]["matches_study"] is False and claim["study_mismatch"] is True
    assert "who: claim about adults; study in mice" in " ".join(claim["reasons"])


def test_extract_of_a_missing_file_is_one_line(run: Invoke) -> None:
    result = run("extract", "no-such-file.txt")
    assert result.exit_code == 1
    assert "no-such-file.txt" in result.output and "Traceback" not in result.output


def test_ingest_examples_then_again_creates_nothing(run: Invoke, store: GraphStore) -> None:
    first = run("ingest", "--offline", "-q", str(EXAMPLES))
    assert first.exit_code == 0, first.output
    assert "2 documents (2 new), 0 failed" in first.output
    counts = store.counts()
    assert counts.nodes["Source"] == 2 and counts.nodes["Claim"] > 20
    again = run("ingest", "--offline", "-q", str(EXAMPLES))
    assert "2 documents (0 new)" in again.output
    assert store.counts() == counts


def test_a_bad_item_does_not_stop_the_batch(run: Invoke, store: GraphStore, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "blob.html"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run(
        "ingest", "--offline", "-q", str(empty), str(binary), str(EXAMPLES / "001_b750dc06294786e6.txt")
    )
    assert result.exit_code == 1
    assert "1 documents (1 new), 2 failed" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and "empty.txt" in errors[0] and "blob.html" in errors[1]
    assert store.counts().nodes["Source"] == 1


def test_ingest_from_stdin_and_list_claims(run: Invoke) -> None:
    text = "Zorblax drops\n\nStudies show that zorblax drops cure insomnia in one night.\n"
    result = run("ingest", "--offline", "-q", "-", stdin=text.encode())
    assert result.exit_code == 0, result.output
    listed = json.loads(run("claims", "--json", "--status", "vague").output)
    assert listed["total"] == 1
    [claim] = listed["claims"]
    assert "cure" in " ".join(claim["boosters"]) and claim["grade"] == "none"
    assert "Zorblax drops" in run("sources").output


def test_cues_reads_lines_and_prints_json_lines(run: Invoke) -> None:
    result = run("cues", stdin="This may help.\nIt is clinically proven.\n\n")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 3
    assert any("may" in h for h in lines[0]["hedges"])
    assert lines[1]["boosters"]
    assert lines[2] == {"hedges": [], "boosters": [], "attribution": None}


def test_claims_json_carries_grade_score_and_reasons(run: Invoke) -> None:
    run("ingest", "--offline", "-q", str(EXAMPLES / "000_f39786077406e4d9.txt"))
    listed = json.loads(run("claims", "--json", "--page-size", "5").output)
    for claim in listed["claims"]:
        assert claim["grade"] in {"high", "moderate", "low", "very low", "none"}
        assert claim["score"] is not None
        assert claim["reasons"] and claim["rubric_version"]


def test_a_page_with_no_claim_found_is_said_to_be_so(run: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "contact.txt"
    page.write_text("Contact Us\n\nOur office is open Monday to Friday.\n\nCall 555-0100 to book a visit.\n")
    result = run("ingest", "--offline", "-q", str(page))
    assert result.exit_code == 0, result.output
    assert "no claim found in 1 document (" in result.output and "contact.txt" in result.output
    assert "not a clean page" in result.output
