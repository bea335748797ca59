"""Errors raised by sources/ when a feed, page or local file cannot be read.

Raised at fetch time, inside the flow's network tasks. Every error names the source (its configured
name) and the URL or path, and says in plain words what went wrong, so a failed run can be read
without a traceback. httpx exceptions are translated in exactly one place, `map_httpx_errors`.

The tree:

* SourceError              - base; `.source`, `.url`, `.retryable`; also bad/unsupported URLs
  + FetchTimeout           - connect, read, write or pool timeout
  + ConnectError           - connection refused, DNS failure, TLS handshake failure
  + TransferError          - the connection broke or the server sent a malformed or truncated response
  + HTTPStatusError        - a status other than 2xx or 304; `.status`, `.retry_after`
  + Deferred               - the server asked (Retry-After) to wait longer than the run may: next run
  + TooManyRedirects       - redirect loop, or more redirects than the client allows
  + TooLarge               - the body is over the byte cap; `.cap`, `.size` when known
  + LocalReadError         - a local path is missing or unreadable
  + ArxivQueryError        - the arXiv API answered with an error entry (a bad id or query); `.detail`
  + EmptyPage              - an arXiv page came back empty though its total says more entries exist

`retryable` tells the flow whether trying again later could help (timeouts, broken connections,
429 and 5xx); sources/ itself never retries.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

_RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class SourceError(Exception):
    """Base error: `source` is the source's name, `url` the URL (or file URI/path) being read."""

    retryable: bool = False

    def __init__(self, message: str, *, source: str, url: str) -> None:
        super().__init__(f"source {source!r}: {message}")
        self.source = source
        self.url = url

    def __reduce__(self) -> tuple[Any, ...]:
        # Prefect may pickle a task's exception; keyword-only constructors break the default reduce.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[SourceError], args: tuple[Any, ...], state: dict[str, Any]) -> SourceError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class FetchTimeout(SourceError):
    """The server did not connect, answer or send data within the client's timeout."""

    retryable = True


class ConnectError(SourceError):
    """No connection could be made (refused, unknown host, TLS failure)."""

    retryable = True


class TransferError(SourceError):
    """The connection broke mid-response, or the response was malformed or truncated."""

    retryable = True


class HTTPStatusError(SourceError):
    """The server answered with a status other than 2xx or 304."""

    def __init__(
        self, *, source: str, url: str, status: int, reason: str = "", retry_after: float | None = None
    ) -> None:
        text = f"{url} answered HTTP {status} {reason}".rstrip()
        if retry_after is not None:
            text += f" (Retry-After: {retry_after:g} s)"
        super().__init__(text, source=source, url=url)
        self.status = status
        self.reason = reason
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        return self.status in _RETRYABLE_STATUSES or self.status >= 500


class Deferred(SourceError):
    """The server answered 429/503 with a Retry-After longer than the cap a run waits: the source is left
    for the next run instead of being asked again now. `retry_after`, `cap` in seconds."""

    def __init__(self, error: HTTPStatusError, *, cap: float, key: str) -> None:
        super().__init__(f"deferred to the next run: {error.url} answered HTTP {error.status} and asked to wait "
                         f"{error.retry_after:g} s (Retry-After), more than {key} = {cap:g}",
                         source=error.source, url=error.url)
        self.retry_after, self.cap = error.retry_after, cap


class TooManyRedirects(SourceError):
    """Redirects went round in a loop or exceeded the client's `max_redirects`."""


class TooLarge(SourceError):
    """The body is over the byte cap; `size` is its size when known up front (Content-Length, file size)."""

    def __init__(self, *, source: str, url: str, cap: int, size: int | None = None) -> None:
        how = f"{size:,} bytes" if size is not None else "stopped reading just past the cap"
        super().__init__(f"{url} is larger than the {cap:,}-byte cap ({how})", source=source, url=url)
        self.cap = cap
        self.size = size


class LocalReadError(SourceError):
    """A local file or folder is missing or cannot be read."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _timeout_phase(error: httpx.TimeoutException) -> str:
    phases = {
        httpx.ConnectTimeout: "connecting to",
        httpx.ReadTimeout: "waiting for data from",
        httpx.WriteTimeout: "sending the request to",
        httpx.PoolTimeout: "waiting for a free connection to",
    }
    return next((text for kind, text in phases.items() if isinstance(error, kind)), "fetching")


@contextlib.contextmanager
def map_httpx_errors(source: str, url: str, *, max_redirects: int | None = None) -> Iterator[None]:
    """Translate httpx exceptions raised inside the block into the SourceError tree.

    The only place sources/ catches httpx exceptions. SourceErrors raised inside pass through untouched.
    """
    try:
        yield
    except httpx.TimeoutException as error:
        raise FetchTimeout(f"timed out {_timeout_phase(error)} {url}", source=source, url=url) from error
    except httpx.TooManyRedirects as error:
        limit = f"more than {max_redirects} times" if max_redirects is not None else "too many times"
        message = f"{url} redirected {limit} (a redirect loop?)"
        raise TooManyRedirects(message, source=source, url=url) from error
    except httpx.ConnectError as error:
        raise ConnectError(f"could not connect to {url}: {error}", source=source, url=url) from error
    except httpx.UnsupportedProtocol as error:
        message = f"{url} led to a URL that is not http(s): {error}"
        raise SourceError(message, source=source, url=url) from error
    except (httpx.TransportError, httpx.DecodingError) as error:
        message = f"the response from {url} broke off or was malformed: {error}"
        raise TransferError(message, source=source, url=url) from error
    except httpx.InvalidURL as error:
        raise SourceError(f"{url!r} is not a valid URL: {error}", source=source, url=url) from error


class ArxivQueryError(SourceError):
    """The arXiv API answered with its error feed (HTTP 400, one entry titled "Error"): a bad id or query."""

    def __init__(self, *, source: str, url: str, detail: str) -> None:
        super().__init__(f"arXiv refused {url}: {detail}", source=source, url=url)
        self.detail = detail


class EmptyPage(SourceError):
    """An arXiv result page was empty although the feed's total says more entries exist (a known API flake)."""

    retryable = True
