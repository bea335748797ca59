"""The arXiv API, within arXiv's rules: spaced requests, one at a time, patient retries.

Runs inside the arXiv flows' network steps (flows/pipeline/arxiv.py, flows/pipeline/backfill.py). It owns:

* `ArxivClient`: httpx with a timeout, paging through a search (`results`), one request per page
  (`fetch_page`). Every request waits its turn at the process's `RateLimiter` for the API's URL (one
  request at a time, each starting `delay_seconds` after the previous one ended, whichever client
  sends it), then at `wait_turn` when the caller gives one (the Prefect global concurrency limit used
  as a rate limit), then takes `shared_turn` when given, held until the answer is read: the flows
  pass the store's turn (storage/turns.py), which spaces requests across every process sharing the
  store, measured from the end of the previous one. Failed requests are
  retried under the project's retry policy (config/retry.py): exponential backoff with jitter on
  429 (Retry-After honoured; a longer Retry-After than `max_backoff_seconds` fails at once), 5xx,
  timeouts and broken connections.
* Parsing: the Atom response is read with feedparser (`parse_page`) into the `arxiv` package's public
  `arxiv.Result` records (its constructor, `Result.Author`, `Result.Link`); searches are the package's
  public `arxiv.Search`. Nothing private of the package is used.
* Empty pages: an empty first page is an answer; a later empty page is retried only when the feed's
  `opensearch:totalResults` says more entries exist.
* arXiv's error feed (HTTP 400 whose single entry has an `.../api/errors#...` id) becomes
  `ArxivQueryError`; `fetch_by_ids` splits a refused batch to isolate the bad ids.
* What was sent: `client.sent` counts every HTTP request (retries included), those that failed, and
  the last error, so a run whose requests all failed can say how many it tried and why. Each retry
  and each request given up on is logged on the logger the caller passes (a flow run's logger).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from urllib.parse import urlencode

import arxiv
import feedparser
import httpx

from config.arxiv import ArxivSettings
from config.retry import RetryPolicy
from sources.errors import (
    ArxivQueryError,
    EmptyPage,
    HTTPStatusError,
    SourceError,
    TransferError,
    map_httpx_errors,
    parse_retry_after,
)
from sources.http import default_user_agent

log = logging.getLogger(__name__)
Logger = logging.Logger | logging.LoggerAdapter

SOURCE = "arxiv"
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")
_VALID_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})")
_API_ERROR = "arxiv.org/api/errors"


def valid_arxiv_id(arxiv_id: str) -> bool:
    """A version-less arXiv id (`2104.12255`, `hep-th/9901001`, `math.GT/0309136`)?"""
    return bool(_VALID_ID.fullmatch(arxiv_id))


class RateLimiter:
    """One request at a time, each starting at least `delay` seconds after the previous one ended."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self._clock = clock
        self._lock = threading.Lock()
        self._last_end: float | None = None

    @contextmanager
    def slot(self, wait_turn: Callable[[], None] | None = None,
             shared: Callable[[], AbstractContextManager[None]] | None = None) -> Iterator[None]:
        """This process's turn, then `wait_turn()`, then the `shared()` turn held around the request."""
        with self._lock:
            if self._last_end is not None:
                time.sleep(max(0.0, self._last_end + self.delay - self._clock()))
            if wait_turn is not None:
                wait_turn()
            try:
                with shared() if shared is not None else nullcontext():
                    yield
            finally:
                self._last_end = self._clock()


_limiters: dict[tuple[str, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def limiter_for(api_url: str, delay: float) -> RateLimiter:
    """The process's one limiter for an API URL, shared by every client and thread that calls it."""
    with _limiters_lock:
        return _limiters.setdefault((api_url, delay), RateLimiter(delay))


@dataclass
class Sent:
    """The HTTP requests a client sent (every attempt, retries included) and how many failed."""

    requests: int = 0
    failed: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class Page:
    """One response: its entries and the total the feed says the search has."""

    results: list[arxiv.Result]
    total: int


def parse_page(content: bytes) -> Page:
    """An arXiv API Atom page as `arxiv.Result`s; raises ValueError when it is not an API answer at all.

    Every API answer carries `opensearch:totalResults`: without it (garbage that merely opens a `<feed`,
    an error page) the page is malformed, not an empty answer, which would checkpoint a day as done.
    """
    feed = feedparser.parse(content)
    if feed.bozo and not feed.entries and not feed.get("version"):
        raise ValueError(f"not an Atom feed ({type(feed.get('bozo_exception')).__name__})")
    if not feed.entries and "opensearch_totalresults" not in feed.feed:
        raise ValueError("no entries and no opensearch:totalResults: not an arXiv API answer")
    results = [r for r in (_result(e) for e in feed.entries) if r is not None]
    return Page(results, _int(feed.feed.get("opensearch_totalresults")))


def _result(entry: feedparser.FeedParserDict) -> arxiv.Result | None:
    updated, published = _when(entry.get("updated_parsed")), _when(entry.get("published_parsed"))
    if not entry.get("id") or updated is None or published is None:
        log.warning("arXiv: skipping an entry without id or dates: %s", entry.get("id"))
        return None
    return arxiv.Result(
        entry_id=entry.id, updated=updated, published=published, title=" ".join(entry.get("title", "").split()),
        authors=[arxiv.Result.Author(a.get("name", "")) for a in entry.get("authors", [])],
        summary=entry.get("summary", ""), comment=entry.get("arxiv_comment"),
        journal_ref=entry.get("arxiv_journal_ref"), doi=entry.get("arxiv_doi"),
        primary_category=(entry.get("arxiv_primary_category") or {}).get("term", ""),
        categories=[t["term"] for t in entry.get("tags", []) if t.get("term")],
        links=[arxiv.Result.Link(lk["href"], title=lk.get("title"), rel=lk.get("rel", ""),
                                 content_type=lk.get("type")) for lk in entry.get("links", []) if lk.get("href")],
    )


def _when(parsed: time.struct_time | None) -> datetime | None:
    return datetime(*parsed[:6], tzinfo=UTC) if parsed else None


def _int(text: str | None) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        return 0


def parse_api_error(content: bytes) -> str | None:
    """The message of arXiv's error feed (one entry with an .../api/errors#... id), else None."""
    for entry in feedparser.parse(content).entries:
        if _API_ERROR in entry.get("id", ""):  # a paper may well be titled "Error"; only this id is certain
            return " ".join((entry.get("summary") or entry.id).split())
    return None


def search_url(api_url: str, search: arxiv.Search, start: int, size: int) -> str:
    """The request for one page of `search`, parameters in the order arXiv's own clients send them."""
    query = {"search_query": search.query, "id_list": ",".join(search.id_list), "sortBy": search.sort_by.value,
             "sortOrder": search.sort_order.value, "start": str(start), "max_results": str(size)}
    return f"{api_url}?{urlencode(query)}"


class ArxivClient:
    """Pages of arXiv searches over httpx, spaced and retried; see the module docstring."""

    def __init__(self, settings: ArxivSettings, *, wait_turn: Callable[[], None] | None = None,
                 shared_turn: Callable[[], AbstractContextManager[None]] | None = None,
                 http: httpx.Client | None = None, logger: Logger | None = None) -> None:
        self.settings = settings
        self.wait_turn = wait_turn
        self.shared_turn = shared_turn
        self.limiter = limiter_for(settings.api_url, settings.delay_seconds)
        self.log = logger or log
        self.sent = Sent()
        self.retry = RetryPolicy(attempts=settings.retries + 1, first_wait=settings.backoff_seconds,
                                 max_wait=settings.max_backoff_seconds, honour_retry_after=True)
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds), follow_redirects=True,
            headers={"User-Agent": settings.user_agent or default_user_agent()},
        )

    def results(self, search: arxiv.Search) -> Iterator[arxiv.Result]:
        """The search's entries, page after page, until `search.max_results` (None: all) or the end."""
        limit, start, yielded = search.max_results, 0, 0
        while True:
            page = self.fetch_page(search, self.settings.page_size, start=start)
            for result in page.results:
                if limit is not None and yielded >= limit:
                    return
                yielded += 1
                yield result
            start += len(page.results)
            if not page.results or start >= page.total or (limit is not None and yielded >= limit):
                return

    def fetch_page(self, search: arxiv.Search, size: int, *, start: int = 0) -> Page:
        """One page (one request when all goes well): `size` entries of `search` from `start`."""
        url = search_url(self.settings.api_url, search, start, size)
        tries = 0

        def attempt() -> Page:
            nonlocal tries
            tries += 1
            return self._request(url, start)

        def told(error: BaseException, failed: int, wait: float) -> None:
            self.log.warning("arXiv: %s; retry %d of %d in %.1f s", error, failed, self.settings.retries, wait)

        try:
            return self.retry.call(attempt, on_retry=told,
                                   retry_if=lambda e: isinstance(e, SourceError) and e.retryable)
        except ArxivQueryError:
            raise  # an answer (arXiv refused the query), not a failed request
        except SourceError as e:
            self.log.error("arXiv: request given up after %d attempt%s: %s", tries, "" if tries == 1 else "s", e)
            raise

    def _request(self, url: str, start: int) -> Page:
        self.sent.requests += 1
        try:
            return self._send(url, start)
        except ArxivQueryError:
            raise
        except SourceError as e:
            self.sent.failed += 1
            self.sent.last_error = str(e)
            raise

    def _send(self, url: str, start: int) -> Page:
        with self.limiter.slot(self.wait_turn, self.shared_turn), map_httpx_errors(SOURCE, url):
            response = self._http.get(url)
            content = response.content
        if response.status_code in (200, 400) and (detail := parse_api_error(content)):
            raise ArxivQueryError(source=SOURCE, url=url, detail=detail)
        if response.status_code != 200:
            raise HTTPStatusError(source=SOURCE, url=url, status=response.status_code,
                                  reason=response.reason_phrase,
                                  retry_after=parse_retry_after(response.headers.get("retry-after")))
        try:
            page = parse_page(content)
        except ValueError as e:
            raise TransferError(f"{url} answered a malformed feed: {e}", source=SOURCE, url=url) from None
        if not page.results and start > 0 and page.total > start:
            raise EmptyPage(f"{url}: empty page though {page.total} entries exist", source=SOURCE, url=url)
        return page

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def fetch_newest(client: ArxivClient, search_query: str, *, max_results: int,
                 newer_than: datetime | None) -> list[arxiv.Result]:
    """Entries by last update, newest first, stopping at the first one not newer than `newer_than`."""
    search = arxiv.Search(query=search_query, max_results=max_results,
                          sort_by=arxiv.SortCriterion.LastUpdatedDate, sort_order=arxiv.SortOrder.Descending)
    results = []
    for result in client.results(search):
        if newer_than is not None and result.updated <= newer_than:
            break
        results.append(result)
    return results


def day_window(day: date) -> str:
    """arXiv's date filter for one GMT day: `submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    end = start + timedelta(days=1) - timedelta(minutes=1)
    return f"submittedDate:[{start:%Y%m%d%H%M} TO {end:%Y%m%d%H%M}]"


def fetch_day(client: ArxivClient, search_query: str, day: date) -> list[arxiv.Result]:
    """Every entry of `search_query` submitted on `day` (GMT), oldest first; ceil(n / page_size) requests."""
    search = arxiv.Search(query=f"({search_query}) AND {day_window(day)}", max_results=None,
                          sort_by=arxiv.SortCriterion.SubmittedDate, sort_order=arxiv.SortOrder.Ascending)
    return list(client.results(search))


@dataclass(frozen=True)
class IdLookup:
    """What arXiv said about a list of ids: the entries it has, and the ids it does not know."""

    results: list[arxiv.Result]
    unknown: list[str]
    requests: int


def fetch_by_ids(client: ArxivClient, ids: Sequence[str], *, batch_size: int = 100) -> IdLookup:
    """Look ids up in `id_list` batches of at most `batch_size` (one request each when all is well).

    Ids that fail local validation are unknown without asking. A batch arXiv refuses (its error feed)
    is split in halves until the bad ids are isolated; an id arXiv leaves out of its answer is unknown.
    """
    valid = list(dict.fromkeys(i for i in ids if valid_arxiv_id(i)))
    unknown = [i for i in dict.fromkeys(ids) if not valid_arxiv_id(i)]
    results: list[arxiv.Result] = []
    requests = 0
    pending = [valid[i:i + batch_size] for i in range(0, len(valid), batch_size)]
    while pending:
        batch = pending.pop(0)
        requests += 1
        try:
            page = client.fetch_page(arxiv.Search(id_list=batch, max_results=len(batch)), len(batch))
        except ArxivQueryError as e:
            if len(batch) == 1:
                client.log.warning("arXiv does not know %s: %s", batch[0], e.detail)
                unknown.append(batch[0])
            else:
                half = len(batch) // 2
                pending[:0] = [batch[:half], batch[half:]]
            continue
        results += page.results
        known = {short_id(r.entry_id) for r in page.results}
        unknown += [i for i in batch if i not in known]
    return IdLookup(results, unknown, requests)


def short_id(entry_id: str) -> str | None:
    """`http://arxiv.org/abs/2104.12255v1` -> `2104.12255`; None for anything else (an error entry)."""
    m = _ENTRY_ID.search(entry_id)
    return m.group("id") if m else None
