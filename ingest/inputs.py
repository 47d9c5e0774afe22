"""What the user names on the command line, expanded into input items and read into `Fetched`.

An argument is one of:

- an http(s) URL;
- a file: .html/.htm/.xhtml, .txt, .md/.markdown or .pdf;
- "-" for standard input (HTML, PDF or text, told apart by its first bytes);
- a directory: its supported files, sorted by name (not recursive; hidden files skipped);
- a list of inputs, one per line (blank lines and `#` comments skipped, relative paths taken
  from the list's folder): a file named `*.list` or `*.urls`, or any file when `as_list` is set.

A bad argument becomes an item that carries its error, and `read_all` reports it for that item
alone, so one typo does not stop a batch.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

import requests

from ingest import mediatypes
from ingest.errors import IngestError, InputNotFound, TooLarge, UnsupportedContent
from ingest.fetch import Fetched, fetch
from kb.settings import Settings

__all__ = ["InputItem", "InputKind", "ReadResult", "expand_inputs", "read_all", "read_input"]

LIST_SUFFIXES = frozenset({".list", ".urls"})
STDIN = "-"
_URL = re.compile(r"^https?://", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_OTHER_URL = re.compile(r"^(?:data|javascript|vbscript|mailto|about|blob|file|tel):", re.I)
_LOOKS_LIKE_HOST = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|$)", re.I)
_MAX_LIST_DEPTH = 5  # lists may name lists; a cycle or a deep chain stops here


class InputKind(StrEnum):
    URL = "url"
    FILE = "file"
    STDIN = "stdin"
    INVALID = "invalid"  # the argument could not be used; `error` says why


@dataclass(frozen=True)
class InputItem:
    locator: str  # as the user (or the list) wrote it; a directory's files as full paths
    kind: InputKind
    path: Path | None = None  # for files
    error: IngestError | None = None  # for invalid items
    origin: str | None = None  # the list or directory it came from


@dataclass(frozen=True)
class ReadResult:
    item: InputItem
    fetched: Fetched | None = None
    error: IngestError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def expand_inputs(args: Iterable[str], *, as_list: bool = False) -> list[InputItem]:
    """Expand arguments into items, in order, without duplicates. Never raises for a bad item."""
    items: list[InputItem] = []
    seen: set[str] = set()
    for arg in args:
        for item in _expand(arg.strip(), as_list=as_list, origin=None, depth=0, base=None):
            key = str(item.path.resolve()) if item.path is not None else item.locator
            if item.kind is InputKind.INVALID or key not in seen:
                seen.add(key)
                items.append(item)
    return items


def read_input(
    item: InputItem,
    settings: Settings,
    *,
    session: requests.Session | None = None,
    stdin: BinaryIO | None = None,
) -> Fetched:
    """Read one item into a `Fetched`; raises the item's IngestError."""
    if item.error is not None:
        raise item.error
    if item.kind is InputKind.URL:
        return fetch(item.locator, settings, session)
    if item.kind is InputKind.STDIN:
        return _read_stdin(stdin if stdin is not None else sys.stdin.buffer, settings.http_max_bytes)
    assert item.path is not None
    return _read_file(item.locator, item.path, settings.http_max_bytes)


def read_all(
    args: Iterable[str],
    settings: Settings,
    *,
    as_list: bool = False,
    session: requests.Session | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[ReadResult]:
    """Expand and read every argument; each result carries its content or its own error."""
    for item in expand_inputs(args, as_list=as_list):
        try:
            yield ReadResult(item, fetched=read_input(item, settings, session=session, stdin=stdin))
        except IngestError as e:
            yield ReadResult(item, error=e)


# --- expansion ----------------------------------------------------------------------------


def _expand(
    arg: str, *, as_list: bool, origin: str | None, depth: int, base: Path | None
) -> Iterator[InputItem]:
    if arg == STDIN:
        if origin is not None:
            yield _invalid(
                arg,
                InputNotFound(f"{origin}: '-' (standard input) can only be given on the command line"),
                origin,
            )
        else:
            yield InputItem(STDIN, InputKind.STDIN)
        return
    if _URL.match(arg):
        yield InputItem(arg, InputKind.URL, origin=origin)
        return
    if _SCHEME.match(arg):
        error = UnsupportedContent(
            f"{arg}: only http:// and https:// URLs can be fetched; give a local file as a path"
        )
        yield _invalid(arg, error, origin)
        return
    path = Path(arg).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
        files = _directory_files(path) if is_dir else []
    except (OSError, ValueError) as e:  # no permission, a NUL byte in the name...
        yield _invalid(
            arg, InputNotFound(f"{arg}: cannot be opened ({e}); check the path and its permissions"), origin
        )
        return
    if is_dir:
        yield from _expand_directory(arg, files, origin)
    elif is_file:
        if as_list or path.suffix.lower() in LIST_SUFFIXES:
            yield from _expand_list(arg, path, depth)
        else:
            yield _file_item(arg, path, origin)
    elif _exists(path):
        error = UnsupportedContent(
            f"{arg}: not a regular file (a pipe, device or socket); save its content to a file and give that"
        )
        yield _invalid(arg, error, origin)
    elif _OTHER_URL.match(arg):  # "data:...", "javascript:...": a URL, not a missing file
        yield _invalid(
            arg, UnsupportedContent(f"{arg}: only http:// and https:// URLs can be fetched"), origin
        )
    else:
        hint = f"; did you mean https://{arg}?" if _LOOKS_LIKE_HOST.match(arg) else "; check the path"
        where = f" (listed in {origin})" if origin else ""
        yield _invalid(arg, InputNotFound(f"{arg}: no such file or directory{where}{hint}"), origin)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _directory_files(path: Path) -> list[Path]:
    return sorted(
        p
        for p in path.iterdir()
        if p.is_file() and not p.name.startswith(".") and mediatypes.type_for_suffix(p.suffix)
    )


def _expand_directory(arg: str, files: list[Path], origin: str | None) -> Iterator[InputItem]:
    if not files:
        error = InputNotFound(f"{arg}: the directory has no {_supported()} files; name the files to read")
        yield _invalid(arg, error, origin)
        return
    for file in files:
        yield InputItem(str(file), InputKind.FILE, path=file, origin=arg)


def _expand_list(arg: str, path: Path, depth: int) -> Iterator[InputItem]:
    if depth >= _MAX_LIST_DEPTH:
        yield _invalid(
            arg, InputNotFound(f"{arg}: lists nested more than {_MAX_LIST_DEPTH} deep (a cycle?)"), None
        )
        return
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError as e:
        yield _invalid(
            arg, InputNotFound(f"{arg}: cannot read the list ({e.strerror}); check its permissions"), None
        )
        return
    entries = [entry for entry in (_strip_comment(line) for line in lines) if entry]
    if not entries:
        yield _invalid(
            arg, InputNotFound(f"{arg}: the list names no inputs (one URL or path per line)"), None
        )
        return
    for entry in entries:
        yield from _expand(entry, as_list=False, origin=arg, depth=depth + 1, base=path.parent)


def _strip_comment(line: str) -> str:
    line = line.strip()
    if line.startswith("#"):
        return ""
    # "url  # note": a comment needs whitespace before it, since a URL may hold a #fragment.
    return re.split(r"\s+#", line, maxsplit=1)[0].strip()


def _file_item(arg: str, path: Path, origin: str | None) -> InputItem:
    if mediatypes.type_for_suffix(path.suffix) is None:
        kind = f"{path.suffix} files" if path.suffix else "files without a suffix"
        error = UnsupportedContent(
            f"{arg}: {kind} are not supported; save it as one of {_supported()} (or name it *.list if it lists inputs)"
        )
        return _invalid(arg, error, origin)
    return InputItem(arg, InputKind.FILE, path=path, origin=origin)


def _invalid(arg: str, error: IngestError, origin: str | None) -> InputItem:
    return InputItem(arg, InputKind.INVALID, error=error, origin=origin)


def _supported() -> str:
    return ", ".join(sorted(mediatypes.SUFFIX_TYPES))


# --- reading ------------------------------------------------------------------------------


def _read_file(locator: str, path: Path, max_bytes: int) -> Fetched:
    too_large = f"over the {max_bytes:,} byte limit; raise KB_HTTP_MAX_BYTES"
    try:
        # Non-blocking, so a file swapped for a pipe since it was listed cannot hang the batch;
        # the size is checked on what was opened, and the read is capped (a file may still grow).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnsupportedContent(f"{locator}: not a regular file (a pipe, device or socket)")
            if info.st_size > max_bytes:
                raise TooLarge(f"{locator}: the file is {info.st_size:,} bytes, {too_large}")
            body = f.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise TooLarge(f"{locator}: the file grew while it was read, {too_large}")
    except FileNotFoundError as e:
        raise InputNotFound(f"{locator}: no such file; check the path") from e
    except OSError as e:
        raise InputNotFound(f"{locator}: cannot read the file ({e.strerror}); check its permissions") from e
    declared = mediatypes.type_for_suffix(path.suffix)
    content_type = mediatypes.effective_type(declared, body[:2048])
    if content_type not in mediatypes.DOCUMENT_TYPES:
        raise UnsupportedContent(
            f"{locator}: the file holds {content_type}, not what its name says; give an HTML, text or PDF file"
        )
    return Fetched(url=locator, final_url=path.resolve().as_uri(), content_type=content_type, body=body)


def _read_stdin(stream: BinaryIO, max_bytes: int) -> Fetched:
    body = stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise TooLarge(
            f"standard input: more than {max_bytes:,} bytes; raise KB_HTTP_MAX_BYTES or give a file"
        )
    content_type = mediatypes.effective_type(None, body[:2048])
    if content_type not in mediatypes.DOCUMENT_TYPES:
        raise UnsupportedContent(f"standard input: the data is {content_type}; pipe in HTML, text or a PDF")
    return Fetched(url=STDIN, final_url=STDIN, content_type=content_type, body=body)
