"""One entry point for every configured source, whether it is a URL or a path on disk.

Called by the poll's fetches (flows/pipeline/newsletters.py) with a source's name, location and stored
validators; it picks `sources.http.fetch_url` for http(s) URLs and `sources.local.iter_path` for file://
URLs and plain paths, and answers with `Fetched` either way so the poll handles both the same:
`stream_source` a file at a time, `fetch_source` as a list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from sources.errors import SourceError
from sources.http import DEFAULT_MAX_BYTES, Fetched, fetch_url
from sources.local import iter_path


def fetch_source(
    client: httpx.Client | None,
    *,
    name: str,
    url_or_path: str | Path,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float | None = None,
    roots: Sequence[Path] | None = None,
) -> list[Fetched]:
    """Fetch one source. Local sources use only `last_modified` (see sources/local.py) and are read only
    under `roots` when given; `deadline` bounds an HTTP fetch's whole time (see `fetch_url`)."""
    return list(stream_source(client, name=name, url_or_path=url_or_path, etag=etag, last_modified=last_modified,
                              max_bytes=max_bytes, deadline=deadline, roots=roots))


def stream_source(
    client: httpx.Client | None,
    *,
    name: str,
    url_or_path: str | Path,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float | None = None,
    roots: Sequence[Path] | None = None,
) -> Iterator[Fetched]:
    """`fetch_source`, a file at a time: a URL is fetched (within `deadline`) and a folder listed when this
    is called, each file read only when the iteration reaches it (sources.local.iter_path), and refused
    when it lies outside `roots`. Local sources need no client."""
    if isinstance(url_or_path, Path):
        return iter_path(url_or_path, source=name, last_modified=last_modified, max_bytes=max_bytes, roots=roots)
    scheme = urlsplit(url_or_path).scheme.lower()
    if scheme in ("http", "https"):
        if client is None:
            raise ValueError(f"source {name!r}: fetching {url_or_path} needs an HTTP client")
        fetched = fetch_url(
            client, url_or_path, source=name, etag=etag, last_modified=last_modified, max_bytes=max_bytes,
            deadline=deadline,
        )
        return iter([fetched])
    if scheme == "file" or not scheme:
        path = file_url_to_path(url_or_path, source=name) if scheme else Path(url_or_path)
        return iter_path(path, source=name, last_modified=last_modified, max_bytes=max_bytes, roots=roots)
    raise SourceError(f"{url_or_path!r} is neither an http(s) URL nor a local path", source=name, url=url_or_path)


def file_url_to_path(url: str, *, source: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise SourceError(f"{url!r} names a remote host; only local file:// URLs can be read", source=source, url=url)
    return Path(url2pathname(parts.path))
