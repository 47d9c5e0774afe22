"""`ingest.inputs`: arguments to items to `Fetched`; one bad item never stops the batch."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import LocalServer, html_page

from ingest.errors import InputNotFound, TooLarge, UnsupportedContent
from ingest.extract import extract
from ingest.inputs import InputKind, expand_inputs, read_all, read_input
from kb.settings import Settings

HTML = (
    "<html><body><article><h1>Ketamine</h1><p>Ketamine may reduce cravings for alcohol within days, "
    "a claim that rests on a <a href='https://doi.org/10.5555/kb-inputs-1'>single small trial</a> "
    "without a placebo arm, run over a few weeks with forty adults who had tried other treatments.</p>"
    "</article></body></html>"
)
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "b.html").write_text(HTML, encoding="utf-8")
    (folder / "a.txt").write_text("Ketamine cures addiction.", encoding="utf-8")
    (folder / "c.md").write_text("See [a trial](https://doi.org/10.5555/kb-inputs-2).", encoding="utf-8")
    (folder / "d.pdf").write_bytes(PDF)
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.txt").write_text("secret", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.txt").write_text("not read", encoding="utf-8")
    return folder


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer({"/article": html_page(HTML)}) as s:
        yield s


# --- expansion ----------------------------------------------------------------------------


def test_urls_files_and_stdin(corpus: Path) -> None:
    items = expand_inputs(["https://example.org/a", "HTTP://Example.org/B", str(corpus / "a.txt"), "-"])
    assert [item.kind for item in items] == [InputKind.URL, InputKind.URL, InputKind.FILE, InputKind.STDIN]
    assert items[2].path == corpus / "a.txt"
    assert all(item.error is None for item in items)


def test_directory_gives_its_supported_files_sorted(corpus: Path) -> None:
    items = expand_inputs([str(corpus)])
    assert [Path(item.locator).name for item in items] == ["a.txt", "b.html", "c.md", "d.pdf"]
    assert {item.origin for item in items} == {str(corpus)}


def test_directory_without_supported_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"")
    [item] = expand_inputs([str(tmp_path)])
    assert item.kind is InputKind.INVALID
    assert isinstance(item.error, InputNotFound)
    assert "no .htm, .html, .markdown, .md, .pdf, .txt, .xhtml files" in str(item.error)


def test_unsupported_file_is_refused_with_a_clear_message(corpus: Path) -> None:
    [item] = expand_inputs([str(corpus / "notes.docx")])
    assert isinstance(item.error, UnsupportedContent)
    assert str(item.error).startswith(str(corpus / "notes.docx"))
    assert ".docx files are not supported" in str(item.error)


def test_missing_path_and_a_bare_host_get_hints(tmp_path: Path) -> None:
    missing, host = expand_inputs([str(tmp_path / "nope.html"), "clinic.example.com/ketamine"])
    assert isinstance(missing.error, InputNotFound) and "check the path" in str(missing.error)
    assert "did you mean https://clinic.example.com/ketamine?" in str(host.error)


def test_other_schemes_are_refused() -> None:
    [item] = expand_inputs(["ftp://example.org/page.html"])
    assert isinstance(item.error, UnsupportedContent) and "http://" in str(item.error)


def test_list_file_by_suffix(tmp_path: Path, corpus: Path) -> None:
    listing = tmp_path / "batch.list"
    listing.write_text(
        "# articles to check\n"
        "\n"
        "https://example.org/one  # the first\n"
        "https://example.org/two#section\n"
        "corpus/a.txt\n"
        f"{corpus / 'b.html'}\n",
        encoding="utf-8",
    )
    items = expand_inputs([str(listing)])
    assert [item.locator for item in items] == [
        "https://example.org/one",
        "https://example.org/two#section",  # a fragment is not a comment
        "corpus/a.txt",
        str(corpus / "b.html"),
    ]
    assert items[2].path == tmp_path / "corpus" / "a.txt"  # relative to the list's folder
    assert {item.origin for item in items} == {str(listing)}


def test_urls_suffix_and_as_list_flag(tmp_path: Path) -> None:
    (tmp_path / "feed.urls").write_text("https://example.org/a\n", encoding="utf-8")
    (tmp_path / "feed.txt").write_text("https://example.org/b\nhttps://example.org/c\n", encoding="utf-8")
    assert [i.locator for i in expand_inputs([str(tmp_path / "feed.urls")])] == ["https://example.org/a"]
    assert [i.kind for i in expand_inputs([str(tmp_path / "feed.txt")])] == [InputKind.FILE]
    listed = expand_inputs([str(tmp_path / "feed.txt")], as_list=True)
    assert [i.locator for i in listed] == ["https://example.org/b", "https://example.org/c"]


def test_bad_lines_in_a_list_are_errors_of_their_own(tmp_path: Path) -> None:
    listing = tmp_path / "mixed.list"
    listing.write_text("https://example.org/ok\n-\nmissing.html\nhttps://example.org/ok2\n", encoding="utf-8")
    items = expand_inputs([str(listing)])
    assert [item.kind for item in items] == [
        InputKind.URL,
        InputKind.INVALID,
        InputKind.INVALID,
        InputKind.URL,
    ]
    assert "standard input" in str(items[1].error)
    assert "listed in" in str(items[2].error)


def test_empty_list_and_list_cycles_stop(tmp_path: Path) -> None:
    (tmp_path / "empty.list").write_text("# nothing\n", encoding="utf-8")
    (tmp_path / "a.list").write_text("b.list\n", encoding="utf-8")
    (tmp_path / "b.list").write_text("a.list\n", encoding="utf-8")
    [empty] = expand_inputs([str(tmp_path / "empty.list")])
    assert "names no inputs" in str(empty.error)
    [cycle] = expand_inputs([str(tmp_path / "a.list")])
    assert "a cycle?" in str(cycle.error)


def test_duplicates_are_read_once(corpus: Path) -> None:
    items = expand_inputs(
        [str(corpus / "a.txt"), str(corpus), "https://example.org/x", "https://example.org/x"]
    )
    assert [Path(item.locator).name for item in items] == ["a.txt", "b.html", "c.md", "d.pdf", "x"]


# --- reading ------------------------------------------------------------------------------


def test_files_read_with_their_type(corpus: Path, cfg: Settings) -> None:
    results = {Path(r.item.locator).name: r for r in read_all([str(corpus)], cfg)}
    assert all(r.ok for r in results.values())
    types = {name: r.fetched.content_type for name, r in results.items() if r.fetched}
    assert types == {
        "a.txt": "text/plain",
        "b.html": "text/html",
        "c.md": "text/markdown",
        "d.pdf": "application/pdf",
    }
    fetched = results["a.txt"].fetched
    assert fetched is not None
    assert fetched.body == b"Ketamine cures addiction."
    assert fetched.final_url == (corpus / "a.txt").resolve().as_uri()
    assert fetched.status is None


def test_file_whose_content_contradicts_its_name(tmp_path: Path, cfg: Settings) -> None:
    (tmp_path / "paper.txt").write_bytes(PDF)
    (tmp_path / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    paper, photo = read_all([str(tmp_path / "paper.txt"), str(tmp_path / "photo.html")], cfg)
    assert paper.fetched is not None and paper.fetched.content_type == "application/pdf"
    assert isinstance(photo.error, UnsupportedContent) and "image/png" in str(photo.error)


def test_file_over_the_size_limit(corpus: Path, cfg: Settings) -> None:
    small = cfg.model_copy(update={"http_max_bytes": 10})
    [result] = read_all([str(corpus / "b.html")], small)
    assert isinstance(result.error, TooLarge) and "KB_HTTP_MAX_BYTES" in str(result.error)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (HTML.encode(), "text/html"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "text/html"),
        (PDF, "application/pdf"),
        (b"Ketamine cures addiction.\n", "text/plain"),
    ],
)
def test_standard_input_is_sniffed(cfg: Settings, data: bytes, content_type: str) -> None:
    [item] = expand_inputs(["-"])
    fetched = read_input(item, cfg, stdin=io.BytesIO(data))
    assert (fetched.url, fetched.content_type, fetched.body) == ("-", content_type, data)


def test_standard_input_over_the_limit(cfg: Settings) -> None:
    [item] = expand_inputs(["-"])
    with pytest.raises(TooLarge, match="standard input"):
        read_input(item, cfg.model_copy(update={"http_max_bytes": 4}), stdin=io.BytesIO(b"0123456789"))


def test_urls_and_files_read_alike(tmp_path: Path, cfg: Settings, server: LocalServer) -> None:
    saved = tmp_path / "saved.html"
    saved.write_text(HTML, encoding="utf-8")
    from_url, from_file = read_all([server.url("/article"), str(saved)], cfg)
    assert from_url.fetched is not None and from_file.fetched is not None
    assert from_url.fetched.content_type == from_file.fetched.content_type == "text/html"
    web = extract(from_url.fetched.body, from_url.fetched.content_type, url=from_url.fetched.final_url)
    disk = extract(from_file.fetched.body, from_file.fetched.content_type, url=from_file.fetched.final_url)
    assert web.text == disk.text
    assert web.links == disk.links  # absolute links resolve the same from either place


def test_a_bad_item_does_not_stop_the_batch(tmp_path: Path, corpus: Path, server: LocalServer) -> None:
    guarded = Settings(home=tmp_path / "home2", http_retries=0)  # private addresses refused
    results = list(
        read_all([str(corpus / "a.txt"), str(tmp_path / "missing.md"), server.url("/article"), "-"], guarded,
                 stdin=io.BytesIO(b"pasted text"))
    )  # fmt: skip
    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, InputNotFound)
    assert "KB_ALLOW_PRIVATE_NETWORK" in str(results[2].error)
    assert results[3].fetched is not None and results[3].fetched.body == b"pasted text"
    assert server.hits["/article"] == 0
