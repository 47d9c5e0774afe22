"""What the user names on the command line, expanded into input items and read into `Fetched`.

An argument is one of:

- an http(s) URL;
- a file: .html/.htm/.xhtml, .txt, .md/.markdown or .pdf;
- "-" for standard input (HTML, PDF or text, told apart by its first bytes);
- a directory: its supported files, sorted by name (not recursive; hidden files skipped);
- a list of inputs, one per line (blank lines and `#` comments skipped, relative paths taken
  from the list's folder): a file named `*.list` or `*.urls`, or any file when `as_list` is set.

What a folder or a list yields stays inside it. A folder gives only the regular files in it: a
symbolic link whose target is outside the folder, one that loops or leads nowhere, a pipe, a
device or a socket is skipped with an error line saying so (a link to a file inside is read). A
list names URLs and files in its own folder or below it: an entry that leaves the folder ("../",
an absolute path elsewhere, a link out) is refused. Only a path named on the command line
itself may be anywhere. So a folder or list from someone else cannot make `kb` store
`/etc/passwd` or `/proc/self/status` as an article every user of the app can read.

A bad argument becomes an item that carries its error, and `read_all` reports it for that item
alone, so one typo does not stop a batch; so does an unexpected exception while reading one.
Locators are printable: bytes of a file name that are not UTF-8 are shown as `\xe9`.
"""

from __future__ import annotations

import errno
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
    identity: tuple[int, int] | None = None  # (device, inode) a folder listed: read only that file


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
    return _read_file(item.locator, item.path, settings.http_max_bytes, item.identity)


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
        except Exception as e:  # a bug or a library's surprise stays this item's error
            yield ReadResult(item, error=unexpected(item.locator, "reading it", e))


def unexpected(locator: str, doing: str, error: BaseException) -> IngestError:
    """One line for an exception nobody planned for, naming the input it happened to."""
    if isinstance(error, MemoryError):  # the process's memory budget (KB_INPUT_MAX_MEMORY) ran out
        return IngestError(
            f"{locator}: {doing} needed more memory than KB_INPUT_MAX_MEMORY allows; "
            "raise it if the page is genuinely that large"
        )
    return IngestError(f"{locator}: unexpected error while {doing}: {type(error).__name__}: {error}")


def printable(text: str) -> str:
    """`text` that can be encoded: a file name's bytes that are not UTF-8 (which Python holds as
    lone surrogates) written as `\\xe9`. Printing, storing or sending the raw name would fail."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that no file name decoding made
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


# --- expansion ----------------------------------------------------------------------------


def _expand(
    raw: str, *, as_list: bool, origin: str | None, depth: int, base: Path | None
) -> Iterator[InputItem]:
    arg = printable(raw)  # how the item is named; `raw` is what is opened
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
    path = Path(raw).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        if base is not None and not _inside(path, base):
            yield _invalid(arg, _outside_list(arg, origin, base), origin)
            return
        is_dir, is_file = path.is_dir(), path.is_file()
        entries = _directory_entries(path, arg) if is_dir else []
    except (OSError, ValueError, RuntimeError) as e:  # no permission, a NUL byte, a link loop...
        yield _invalid(
            arg,
            InputNotFound(
                f"{arg}: cannot be opened ({printable(str(e))}); check the path and its permissions"
            ),
            origin,
        )
        return
    if is_dir:
        yield from _expand_directory(arg, entries, origin)
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


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, links followed, is `folder` or below it."""
    return path.resolve().is_relative_to(folder.resolve())


def _outside_list(arg: str, origin: str | None, base: Path) -> IngestError:
    return UnsupportedContent(
        f"{arg}: listed in {origin}, but outside the list's folder {printable(str(base))}; a list may "
        "name URLs and files in its own folder or below it: move the file there or name it on the "
        "command line"
    )


def _directory_entries(folder: Path, arg: str) -> list[InputItem]:
    """The folder's files with a supported suffix, sorted by name; each one that is not a regular
    file inside the folder is an invalid item saying why it was skipped. Subfolders are not read."""
    root = folder.resolve(strict=True)
    with os.scandir(folder) as scan:
        names = sorted(entry.name for entry in scan)
    items = []
    for name in names:
        if name.startswith(".") or not mediatypes.type_for_suffix(Path(name).suffix):
            continue
        path = folder / name
        shown = printable(str(path))
        try:
            info = os.stat(path, follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                target = path.resolve(strict=True)
                if not target.is_relative_to(root):
                    items.append(
                        _skipped(shown, f"a symbolic link to {printable(str(target))}, outside {arg}", arg)
                    )
                    continue
                info = os.stat(target)
        except RuntimeError:  # Python 3.11 reports a link loop this way
            items.append(_skipped(shown, "a symbolic link that loops", arg))
            continue
        except FileNotFoundError:
            items.append(_skipped(shown, "a symbolic link to nothing", arg))
            continue
        except OSError as e:
            reason = (
                "a symbolic link that loops" if e.errno == errno.ELOOP else f"cannot be opened ({e.strerror})"
            )
            items.append(_skipped(shown, reason, arg))
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        if not stat.S_ISREG(info.st_mode):
            items.append(_skipped(shown, "not a regular file (a pipe, device or socket)", arg))
            continue
        items.append(
            InputItem(shown, InputKind.FILE, path=path, origin=arg, identity=(info.st_dev, info.st_ino))
        )
    return items


def _skipped(shown: str, why: str, folder: str) -> InputItem:
    error = UnsupportedContent(
        f"{shown}: skipped: {why}; a folder gives only the regular files inside it (copy the file into "
        "the folder, or name it on the command line)"
    )
    return InputItem(shown, InputKind.INVALID, error=error, origin=folder)


def _expand_directory(arg: str, entries: list[InputItem], origin: str | None) -> Iterator[InputItem]:
    if not entries:
        error = InputNotFound(f"{arg}: the directory has no {_supported()} files; name the files to read")
        yield _invalid(arg, error, origin)
        return
    yield from entries


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


def _read_file(locator: str, path: Path, max_bytes: int, identity: tuple[int, int] | None = None) -> Fetched:
    too_large = f"over the {max_bytes:,} byte limit; raise KB_HTTP_MAX_BYTES"
    try:
        # Non-blocking, so a file swapped for a pipe since it was listed cannot hang the batch;
        # the size is checked on what was opened, and the read is capped (a file may still grow).
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnsupportedContent(f"{locator}: not a regular file (a pipe, device or socket)")
            if identity is not None and (info.st_dev, info.st_ino) != identity:
                raise UnsupportedContent(
                    f"{locator}: replaced by another file since its folder was listed; ingest the folder again"
                )
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
