"""Reading sources that live on disk: a saved feed, a page, or a folder of exported emails.

Runs in the same flow tasks as the HTTP fetches and returns the same `Fetched` records, so the
extractors cannot tell a file from a download. It owns the known file types, the per-file byte cap
and the local stand-in for a conditional GET.

A folder is read non-recursively: every regular file directly inside it whose extension is known
(see `CONTENT_TYPES`), hidden files skipped, in name order. A file named directly is read whatever
its extension.

Local "conditional GET": every `Fetched` from one call carries the same `last_modified` token, a
digest of (name, mtime in ns, size) of every file read. Store it like an HTTP Last-Modified and pass
it back: when nothing was added, removed, touched or resized, the call returns a single 304-like
`Fetched` (status 304, no content) without reading any file.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sources.errors import LocalReadError, TooLarge
from sources.http import DEFAULT_MAX_BYTES, Fetched

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".eml": "message/rfc822",
}

_File = tuple[Path, os.stat_result]


def read_path(
    path: Path, *, source: str, last_modified: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
) -> list[Fetched]:
    """Read a file (one `Fetched`) or a folder (one per known file); an empty folder gives `[]`.

    Raises `LocalReadError` for a missing or unreadable path, or one that (symbolic links followed) lies
    outside `roots` when they are given, and `TooLarge` if any file is over `max_bytes` (a folder fails
    as a whole so the oversized file or the escaping link is noticed, not silently skipped).
    """
    return list(iter_path(path, source=source, last_modified=last_modified, max_bytes=max_bytes, roots=roots))


def iter_path(
    path: Path, *, source: str, last_modified: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
    roots: Sequence[Path] | None = None,
) -> Iterator[Fetched]:
    """`read_path`, a file at a time: the folder is listed (and its change token taken) when this is
    called, so a missing path, or one of its files outside `roots`, raises here before any file is read;
    each file is read only when the iteration reaches it, so an archive of thousands of files is never
    held in memory at once."""
    path = Path(path).expanduser().absolute()
    files = list_files(path, source=source)
    if roots is not None:
        refuse_outside(path, files, roots, source=source)
    token = change_token(files)
    at = datetime.now(UTC)
    if last_modified == token:
        return iter([_local_fetched(path, path, b"", source=source, status=304, token=token, at=at)])
    return (
        _local_fetched(file, path, _read_capped(file, stat, source, max_bytes), source=source, token=token, at=at)
        for file, stat in files
    )


def list_files(path: Path, *, source: str) -> list[_File]:
    """The files `read_path` would read, each with its stat, sorted by name."""
    try:
        stat = path.stat()
        if path.is_file():
            return [(path, stat)]
        if not path.is_dir():
            raise LocalReadError(f"{path} is neither a file nor a folder", source=source, url=str(path))
        children = sorted(child for child in path.iterdir() if _is_known(child))
        return [(child, child.stat()) for child in children if child.is_file()]
    except FileNotFoundError as error:
        missing = error.filename or path
        raise LocalReadError(f"{missing} does not exist", source=source, url=str(missing)) from error
    except OSError as error:
        raise LocalReadError(f"cannot read {path}: {error.strerror}", source=source, url=str(path)) from error


def refuse_outside(path: Path, files: list[_File], roots: Sequence[Path], *, source: str) -> None:
    """LocalReadError for the first of `path` and its files whose real path is in none of `roots`."""
    real_roots = [Path(r).resolve() for r in roots]
    for candidate in [path, *(file for file, _ in files)]:
        real = candidate.resolve()
        if not any(real.is_relative_to(root) for root in real_roots):
            link = f" (a link to {real})" if real != candidate else ""
            where = ", ".join(str(r) for r in roots)
            raise LocalReadError(f"{candidate}{link} lies outside the local roots ({where}): refused",
                                 source=source, url=str(candidate))


def change_token(files: list[_File]) -> str:
    """An opaque validator that changes when any file is added, removed, touched or resized."""
    digest = hashlib.sha256()
    for file, stat in files:
        digest.update(f"{file.name}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return f"local:{digest.hexdigest()[:32]}"


def guess_content_type(path: Path) -> str | None:
    known = CONTENT_TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0]


def _is_known(child: Path) -> bool:
    return not child.name.startswith(".") and child.suffix.lower() in CONTENT_TYPES


def _read_capped(file: Path, stat: os.stat_result, source: str, max_bytes: int) -> bytes:
    if stat.st_size > max_bytes:
        raise TooLarge(source=source, url=str(file), cap=max_bytes, size=stat.st_size)
    try:
        with file.open("rb") as handle:
            content = handle.read(max_bytes + 1)
    except OSError as error:
        raise LocalReadError(f"cannot read {file}: {error.strerror}", source=source, url=str(file)) from error
    if len(content) > max_bytes:  # the file grew after it was listed
        raise TooLarge(source=source, url=str(file), cap=max_bytes)
    return content


def _local_fetched(
    file: Path, requested: Path, content: bytes, *, source: str, token: str, at: datetime, status: int = 200
) -> Fetched:
    content_type = guess_content_type(file) if status == 200 else None
    return Fetched(
        source=source,
        url=file.as_uri(),
        requested_url=requested.as_uri(),
        status=status,
        content=content,
        content_type=content_type,
        headers={"content-type": content_type} if content_type else {},
        etag=None,
        last_modified=token,
        fetched_at=at,
    )
