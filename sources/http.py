"""Fetching feeds and pages over HTTP: the only module that sends network requests.

Runs inside the flow's network tasks, once per source per poll. It owns the HTTP client set-up
(timeouts, User-Agent, redirects), conditional GETs (ETag / Last-Modified), the streamed size cap,
and `Fetched`, the bytes-plus-metadata record every source returns. It never retries (that is the
flow's job) and never decodes or parses the body: extractors get the bytes and the headers, e.g.
``feedparser.parse(f.content, response_headers=f.parser_headers)``.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from sources.errors import (
    FetchTimeout,
    HTTPStatusError,
    SourceError,
    TooLarge,
    map_httpx_errors,
    parse_retry_after,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: A fetch's whole deadline, when none is given: this many times the client's read timeout.
DEADLINE_FACTOR = 3
PROJECT_URL = "https://github.com/paper-radar/paper-radar"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class Fetched:
    """One response (or one local file): the body as bytes, untouched, plus what is needed to parse it.

    `url` is the final URL after redirects (a file:// URI for local files), `requested_url` what was
    asked for. `status` is the HTTP status (any 2xx, or 304 with `content == b""`). `headers` are the
    response headers with lowercased keys; `content` is already decoded from any Content-Encoding
    (gzip), so ignore `content-encoding` / `content-length` there. `etag` and `last_modified` are the
    validators to store and send back next time; on a 304 that omits them, the ones sent are kept.
    """

    source: str
    url: str
    requested_url: str
    status: int
    content: bytes
    content_type: str | None
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    fetched_at: datetime

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def redirected(self) -> bool:
        return self.url != self.requested_url

    @property
    def parser_headers(self) -> dict[str, str]:
        """Headers for `feedparser.parse(content, response_headers=...)`: type, base URL, language."""
        headers = {"content-location": self.url}
        if self.content_type:
            headers["content-type"] = self.content_type
        if "content-language" in self.headers:
            headers["content-language"] = self.headers["content-language"]
        return headers


def default_user_agent() -> str:
    try:
        package_version = version("paper-radar")
    except PackageNotFoundError:
        package_version = "0"
    return f"paper-radar/{package_version} (+{PROJECT_URL})"


def make_client(*, timeout: float = 20.0, user_agent: str | None = None, max_redirects: int = 5) -> httpx.Client:
    """An httpx client for feeds and pages; `timeout` applies to each of connect, read, write and pool.

    The read timeout bounds each wait for data, not the whole download: `fetch_url`'s `deadline` does.
    """
    return httpx.Client(
        follow_redirects=True,
        max_redirects=max_redirects,
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent or default_user_agent(), "Accept": ACCEPT},
    )


def fetch_url(
    client: httpx.Client,
    url: str,
    *,
    source: str,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float | None = None,
) -> Fetched:
    """GET `url` (conditionally when a validator is given), reading at most `max_bytes` of body, all of it
    (connect, redirects, headers, body) within `deadline` seconds (default: DEADLINE_FACTOR times the
    client's read timeout), however slowly the server trickles.

    Raises a `sources.errors.SourceError` subclass for anything but a 2xx or 304 answer.
    """
    require_http_url(url, source=source)
    request_headers = conditional_headers(etag=etag, last_modified=last_modified)
    seconds = deadline if deadline is not None else DEADLINE_FACTOR * (client.timeout.read or 20.0)
    with Deadline(seconds) as cutoff:
        try:
            with map_httpx_errors(source, url, max_redirects=client.max_redirects):
                with client.stream("GET", url, headers=request_headers, extensions={"trace": cutoff.trace}) as response:
                    cutoff.watch(response.extensions.get("network_stream"))
                    if response.status_code == 304:
                        content = b""
                    else:
                        raise_for_status(response, source=source, url=url)
                        content = read_capped(response, source=source, url=url, max_bytes=max_bytes)
        except SourceError as e:
            if cutoff.expired:
                raise cutoff.error(source, url) from e
            raise
        if cutoff.expired:  # a body that ends at the close is cut short, not complete
            raise cutoff.error(source, url)
    return _to_fetched(response, content, source=source, requested_url=url, etag=etag, last_modified=last_modified)


class Deadline:
    """A fetch's whole-time limit: when it passes, every connection the request opened is shut down, which
    wakes a read blocked on a trickling server at once. httpx has per-read timeouts only; httpcore's `trace`
    extension hands over each connection as it is made (redirects included)."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.expired = seconds, False
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event.endswith(("connect_tcp.complete", "start_tls.complete")):
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        if stream is None:
            return
        with self._lock:
            self._streams.append(stream)
            expired = self.expired
        if expired:
            _shut(stream)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            streams = list(self._streams)
        for stream in streams:
            _shut(stream)

    def error(self, source: str, url: str) -> FetchTimeout:
        return FetchTimeout(f"{url} did not finish within the {self.seconds:g}-second deadline "
                            "(fetch.deadline_seconds)", source=source, url=url)


def _shut(stream: Any) -> None:
    sock = stream.get_extra_info("socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass


def require_http_url(url: str, *, source: str) -> None:
    """Refuse anything but an absolute http(s) URL before any connection is made."""
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest:
        raise SourceError(f"{url!r} is not an http(s) URL; only http and https can be fetched", source=source, url=url)


def conditional_headers(*, etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def raise_for_status(response: httpx.Response, *, source: str, url: str) -> None:
    if 200 <= response.status_code < 300:
        return
    raise HTTPStatusError(
        source=source,
        url=url,
        status=response.status_code,
        reason=response.reason_phrase,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def read_capped(response: httpx.Response, *, source: str, url: str, max_bytes: int) -> bytes:
    """Read a streamed body, stopping as soon as it is known to be over `max_bytes`.

    Content-Length is checked first so an honest huge body is refused unread; the count while
    streaming catches a missing or lying Content-Length and gzip bodies that inflate past the cap.
    """
    declared = _declared_length(response)
    if declared is not None and declared > max_bytes:
        raise TooLarge(source=source, url=url, cap=max_bytes, size=declared)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(source=source, url=url, cap=max_bytes)
    return bytes(body)


def _declared_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["content-length"])
    except (KeyError, ValueError):
        return None


def _to_fetched(
    response: httpx.Response,
    content: bytes,
    *,
    source: str,
    requested_url: str,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    headers = {key.lower(): value for key, value in response.headers.items()}
    not_modified = response.status_code == 304
    return Fetched(
        source=source,
        url=str(response.url),
        requested_url=requested_url,
        status=response.status_code,
        content=content,
        content_type=headers.get("content-type"),
        headers=headers,
        etag=headers.get("etag") or (etag if not_modified else None),
        last_modified=headers.get("last-modified") or (last_modified if not_modified else None),
        fetched_at=datetime.now(UTC),
    )
