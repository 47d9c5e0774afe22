"""Time and memory in proportion to the input, and a budget per input whatever the input.

Found by a red-team pass: an HTML element with 40,000 attributes (358 KB) took 28.8 s to read
and a 2.9 MB one had not finished after 25 minutes (libxml2 and htmldate take time in the square
of one element's attributes); "[1]" a million times in a 3 MB file took 2.6 GB; and nothing
stopped an input that took long, in a batch or in the app. Each test runs the work in a
process of its own with a deadline, so the code before the fix fails it quickly too.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from rel_helpers import GOOD_ARTICLE, REPO, error_lines, kb_env, run_kb, stderr_lines, summary

from ingest.errors import IngestError
from kb.settings import Settings
from kb.store import GraphStore
from ui import workflows

CLAIM = "Studies show that zorblax drops reduce brain fog in adults."
OUTCOMES = ["anxiety", "brain fog", "fatigue", "insomnia", "joint pain", "migraines"]


def _claims(n: int) -> str:
    """`n` distinct claim sentences, one per line."""
    return "\n".join(
        f"Studies show that zorblax drops reduce {OUTCOMES[i % 6]} in adults within {i + 2} days."
        for i in range(n)
    )


def _attributes(n: int) -> str:
    attributes = " ".join(f"a{i}=x" for i in range(n))
    return f"<html><body><p>{CLAIM}</p><div {attributes}>{CLAIM}</div><p>{CLAIM}</p></body></html>"


# A script that analyses one file in its own process, without budgets (the parse itself is
# measured), and prints seconds, peak memory in MB, claims and the cut note.
ANALYSE = """
import resource, sys, time
from ingest.fetch import Fetched
from ingest.pipeline import analyse_fetched
path, kind = sys.argv[1], sys.argv[2]
began = time.perf_counter()
analysis = analyse_fetched(Fetched(url=path, final_url="-", content_type=kind, body=open(path, "rb").read()))
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{seconds:.2f} {peak} {len(analysis.document.claims)} {getattr(analysis, 'cut', None)}")
"""


def _analyse_alone(path: Path, kind: str, *, deadline: float) -> tuple[float, int, int, str]:
    try:
        run = subprocess.run(
            [sys.executable, "-c", ANALYSE, str(path), kind],
            capture_output=True,
            text=True,
            env={**kb_env(path.parent)},
            cwd=REPO,
            timeout=deadline,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: still analysing after {deadline:.0f} s")
    assert run.returncode == 0, run.stderr[-2000:]
    seconds, peak, claims, cut = run.stdout.strip().split(" ", 3)
    return float(seconds), int(peak), int(claims), cut


# --- item 7: time -------------------------------------------------------------------------------


@pytest.mark.parametrize(("attributes", "size"), [(40_000, "358 KB"), (320_000, "2.9 MB")])
def test_an_element_with_many_attributes_is_read_in_linear_time(
    tmp_path: Path, attributes: int, size: str
) -> None:
    page = tmp_path / f"attributes-{attributes}.html"
    page.write_text(_attributes(attributes))
    seconds, _, claims, _ = _analyse_alone(page, "text/html", deadline=20)
    print(f"\n{attributes:,} attributes ({size}): {seconds:.2f} s")  # before: 28.8 s, > 25 min
    assert seconds < 5
    assert claims >= 1  # the text around the element is still read


def test_an_input_past_its_time_budget_fails_alone_and_the_batch_goes_on(
    tmp_path: Path, store: GraphStore, settings: Settings
) -> None:
    slow = tmp_path / "fourteen-thousand-claims.txt"  # about 30 s of analysis with no cap
    slow.write_text(_claims(14_000))
    began = time.monotonic()
    run = run_kb(
        "ingest", "--offline", "-q", str(slow), str(GOOD_ARTICLE),
        home=settings.home,
        env={"KB_INPUT_TIMEOUT": "2", "KB_MAX_CLAIMS": "1000000"},
        timeout=60,
    )  # fmt: skip
    took = time.monotonic() - began
    print(f"\nbatch with an input over a 2 s budget: {took:.1f} s")
    assert run.returncode == 1
    [line] = error_lines(run.stderr)
    assert line.startswith(f"error: {slow}: analysing it took more than 2 s, so it was stopped;")
    assert "KB_INPUT_TIMEOUT" in line
    assert summary(run.stdout)[:1] == (1,)
    assert [s.locator for s in store.list_sources()] == [str(GOOD_ARTICLE)]
    assert took < 30


def test_the_apps_check_is_held_to_the_same_budget(store: GraphStore, settings: Settings) -> None:
    budget = settings.model_copy(update={"input_timeout": 2.0, "max_claims": 1_000_000, "offline": True})
    began = time.monotonic()
    with pytest.raises(IngestError, match=r"^pasted text: analysing it took more than 2 s"):
        workflows.check_article(store, budget, text=_claims(14_000))
    assert time.monotonic() - began < 20
    assert store.list_sources() == []


# --- item 8: memory -------------------------------------------------------------------------------


def test_repeated_citation_markers_take_memory_in_proportion(tmp_path: Path) -> None:
    markers = tmp_path / "a-million-markers.txt"
    markers.write_text(CLAIM[:-1] + " " + "[1]" * 1_000_000 + ".\n")  # 3 MB
    seconds, peak, _, cut = _analyse_alone(markers, "text/plain", deadline=90)
    print(f"\n'[1]' x 1,000,000 (3 MB): {seconds:.2f} s, peak RSS {peak} MB")  # before: 35 s, 2,411 MB
    assert peak < 500
    assert "cut: claims and citations were read from its first" in cut
    assert "KB_MAX_CITATIONS" in cut


def test_a_cut_document_is_stored_and_announced(
    tmp_path: Path, store: GraphStore, settings: Settings
) -> None:
    many = tmp_path / "hundred-claims.txt"
    many.write_text(_claims(100))
    run = run_kb("ingest", "--offline", "-q", str(many), home=settings.home, env={"KB_MAX_CLAIMS": "20"})
    assert run.returncode == 0, run.stderr
    [warning] = stderr_lines(run.stderr)
    assert warning.startswith(f"warning: {many}: cut: claims and citations were read from its first ")
    assert "20 claims (KB_MAX_CLAIMS)" in warning and "the whole text is stored" in warning
    [source] = store.list_sources()
    assert source.claim_count == 20
    assert len(store.get_source(source.id).source.text) == len(many.read_text())
    assert store.check() == {}


def test_an_input_over_its_memory_budget_fails_alone(
    tmp_path: Path, store: GraphStore, settings: Settings
) -> None:
    markers = tmp_path / "a-million-markers.txt"
    markers.write_text(CLAIM[:-1] + " " + "[1]" * 1_000_000 + ".\n")
    run = run_kb(
        "ingest", "--offline", "-q", str(markers), str(GOOD_ARTICLE),
        home=settings.home,
        env={"KB_INPUT_MAX_MEMORY": "300", "KB_MAX_CITATIONS": "100000000"},  # no cut: 2.4 GB needed
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    [line] = error_lines(run.stderr)
    assert line.startswith(f"error: {markers}: analysing it needed more than 300 MB of memory")
    assert [s.locator for s in store.list_sources()] == [str(GOOD_ARTICLE)]
