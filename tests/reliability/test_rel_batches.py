"""A batch goes on past whatever goes wrong with one of its items, and says so on one line.

Found by a red-team pass: a file name that is not UTF-8 ended a whole `kb ingest` of its folder
with "unexpected error: UnicodeEncodeError" and nothing written (the driver could not send the
name); a write that failed with anything but a `KBError` skipped the one-by-one fallback; a
1 MB host name ended the batch the same way; a 1 MB URL was repeated whole in its "one-line"
error; `kb check | head` ended in BrokenPipeError.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rel_helpers import GOOD_ARTICLE, REPO, error_lines, kb_env, run_kb, summary

from ingest import evidence
from ingest.errors import IngestError
from ingest.pipeline import analyse_inputs
from kb.settings import Settings
from kb.store import GraphStore
from ui import workflows
from ui.workflows import ItemReport

CLAIM = "Studies show that zorblax drops reduce brain fog in adults."


def test_a_file_name_that_is_not_utf8_is_ingested_with_the_rest(
    tmp_path: Path, store: GraphStore, settings: Settings
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "caf\udce9.txt").write_text(CLAIM)  # the bytes b"caf\xe9.txt": Latin-1, not UTF-8
    (folder / "good.txt").write_text(GOOD_ARTICLE.read_text())
    run = run_kb("ingest", "--offline", "-q", str(folder), home=settings.home)
    assert run.returncode == 0, run.stderr
    assert summary(run.stdout) == (2, 2, 0)
    locators = sorted(s.locator or "" for s in store.list_sources())
    assert locators == [str(folder / "caf\\xe9.txt"), str(folder / "good.txt")]  # shown, not lost
    assert store.check() == {}


def test_a_write_the_driver_refuses_falls_back_to_one_by_one(tmp_path: Path, store: GraphStore) -> None:
    cfg = Settings(home=tmp_path, input_timeout=0, input_max_memory=0)
    paths = []
    for i, outcome in enumerate(["brain fog", "fatigue", "insomnia"]):
        paths.append(tmp_path / f"article-{i}.txt")
        paths[-1].write_text(f"Studies show that zorblax drops reduce {outcome} in adults.")
    pending = []
    for locator, analysis in analyse_inputs([str(p) for p in paths], cfg):
        assert not isinstance(analysis, IngestError)
        pending.append((ItemReport(locator=locator), evidence.complete(analysis.document, cfg, offline=True)))
    # A value no driver can send (a lone surrogate): the real driver raises UnicodeEncodeError,
    # not a KBError, while the batch of three is written.
    item, doc = pending[1]
    pending[1] = (item, doc.model_copy(update={"source": doc.source.model_copy(update={"title": "x\udce9"})}))
    reports = workflows._write_all(store, pending)
    assert [r.error is None for r in reports] == [True, False, True]
    error = reports[1].error or ""
    assert error.startswith(f"{paths[1]}: unexpected error: UnicodeEncodeError:")
    assert "\n" not in error
    assert sorted(s.locator or "" for s in store.list_sources()) == [str(paths[0]), str(paths[2])]
    assert store.check() == {}


def test_an_unexpected_error_reading_one_input_is_its_own_and_its_name_is_cut(
    tmp_path: Path, store: GraphStore, settings: Settings
) -> None:
    listing = tmp_path / "huge-names.list"
    host = "https://" + "b" * 1_000_000 + ".example/"  # a host name no resolver takes (IDNA fails)
    loopback = "http://127.0.0.1/" + "a" * 1_000_000  # refused before connecting
    listing.write_text(f"{host}\n{loopback}\n")
    run = run_kb("ingest", "--offline", "-q", str(listing), str(GOOD_ARTICLE), home=settings.home)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    errors = error_lines(run.stderr)
    assert len(errors) == 2, [e[:300] for e in errors]
    for line, name in zip(errors, (host, loopback), strict=True):
        assert line.startswith(f"error: {name[:200]}…:"), line[:300]
        assert len(line) < 500
    assert "unexpected error while reading it" in errors[0]
    assert "KB_ALLOW_PRIVATE_NETWORK" in errors[1]
    assert summary(run.stdout)[0] == 1
    assert [s.locator for s in store.list_sources()] == [str(GOOD_ARTICLE)]


def test_output_into_a_closed_pipe_ends_quietly(settings: Settings) -> None:
    """`kb check | head -1` when head has gone: no traceback, no error line, SIGPIPE's status."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before kb writes a byte
    try:
        run = subprocess.run(
            [sys.executable, "-m", "ui.cli", "check"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=kb_env(settings.home),
            cwd=REPO,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert run.stderr == ""
    assert run.returncode == 141
