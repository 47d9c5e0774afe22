"""What a folder or a list may make `kb ingest` read: only what is inside it.

A folder someone hands over (or a list in it) must not make `kb` store `/etc/passwd`,
`/proc/self/status` or a file next to the folder as articles every user of the app can read,
nor hang on a pipe, nor go round a link loop; each such entry is skipped with one line saying
why, and the rest of the folder is ingested. (Found by a red-team pass: links out of the folder
were followed and stored, loops and pipes skipped without a word.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rel_helpers import GOOD_ARTICLE, error_lines, run_kb, summary

from ingest.inputs import InputKind, expand_inputs
from kb.settings import Settings
from kb.store import GraphStore

OUTSIDE = "Outside notes: zorblax drops reduce brain fog in adults, say the notes kept next to the folder."
INSIDE = "Inside notes: Studies show that zorblax drops reduce brain fog in adults."
SECRET_MARKERS = ("root:x:0:0", "VmRSS", "Outside notes")


@pytest.fixture
def handed_over(tmp_path: Path) -> Path:
    """A folder as someone might hand it over: two articles and everything that is not one."""
    (tmp_path / "outside.txt").write_text(OUTSIDE)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "article.txt").write_text(GOOD_ARTICLE.read_text())
    (folder / "notes.txt").write_text(INSIDE)
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.txt").write_text(INSIDE)
    links = {
        "also-notes.txt": "notes.txt",  # a link inside the folder: read, once (notes.txt is the same file)
        "neighbour.txt": "../outside.txt",
        "passwd.txt": "/etc/passwd",
        "status.txt": "/proc/self/status",
        "null.txt": "/dev/null",
        "loop.html": "loop.html",
        "nowhere.md": "missing.md",
        "deep.txt": "sub/deeper.txt",  # inside, below: read
    }
    for name, target in links.items():
        (folder / name).symlink_to(target)
    os.mkfifo(folder / "pipe.html")
    return folder


SKIPPED = {
    "neighbour.txt": "outside",
    "passwd.txt": "a symbolic link to /etc/passwd, outside",
    "status.txt": "outside",
    "null.txt": "outside",
    "loop.html": "loops",
    "nowhere.md": "a symbolic link to nothing",
    "pipe.html": "not a regular file",
}
READ = ["also-notes.txt", "article.txt", "deep.txt"]


def test_a_folder_yields_only_the_files_inside_it(handed_over: Path) -> None:
    items = expand_inputs([str(handed_over)])
    files = sorted(Path(i.locator).name for i in items if i.kind is InputKind.FILE)
    assert files == READ
    skipped = {Path(i.locator).name: str(i.error) for i in items if i.kind is InputKind.INVALID}
    assert set(skipped) == set(SKIPPED)
    for name, why in SKIPPED.items():
        assert why in skipped[name], skipped[name]
        assert skipped[name].startswith(f"{handed_over / name}: skipped: ")


def test_ingesting_a_handed_over_folder_stores_nothing_from_outside(
    handed_over: Path, store: GraphStore, settings: Settings
) -> None:
    run = run_kb("ingest", "--offline", "-q", str(handed_over), home=settings.home, timeout=120)
    assert run.returncode == 1, run.stderr  # some entries were refused
    errors = error_lines(run.stderr)
    assert sorted(Path(line.split(": ", 2)[1]).name for line in errors) == sorted(SKIPPED)
    assert "Traceback" not in run.stderr
    documents, _, failed = summary(run.stdout)
    assert (documents, failed) == (len(READ), len(SKIPPED))
    for row in store.list_sources(latest_only=False, page_size=100):
        text = store.get_source(row.id).source.text
        for marker in SECRET_MARKERS:
            assert marker not in text, f"{row.locator}: {marker!r} stored"


def test_a_list_names_only_urls_and_files_in_its_own_folder(handed_over: Path, tmp_path: Path) -> None:
    listing = handed_over / "batch.list"
    listing.write_text(
        "notes.txt\n"
        f"{handed_over / 'article.txt'}\n"  # absolute, but inside: fine
        "sub/deeper.txt\n"
        "https://example.org/article\n"
        "../outside.txt\n"
        "/etc/passwd\n"
        "/proc/self/status\n"
        "neighbour.txt\n"  # inside by name, outside by its link
        f"{tmp_path}\n"  # a folder holding the list's folder
    )
    items = expand_inputs([str(listing)])
    ok = [i.locator for i in items if i.kind is not InputKind.INVALID]
    assert ok == [
        "notes.txt",
        str(handed_over / "article.txt"),
        "sub/deeper.txt",
        "https://example.org/article",
    ]
    refused = [i for i in items if i.kind is InputKind.INVALID]
    assert [i.locator for i in refused] == [
        "../outside.txt",
        "/etc/passwd",
        "/proc/self/status",
        "neighbour.txt",
        str(tmp_path),
    ]
    for item in refused:
        assert f"listed in {listing}, but outside the list's folder" in str(item.error)


def test_a_path_named_on_the_command_line_is_the_users_choice(handed_over: Path) -> None:
    """What the user types is read wherever it is; only what a folder or list names is confined."""
    [item] = expand_inputs([str(handed_over.parent / "outside.txt")])
    assert item.kind is InputKind.FILE
