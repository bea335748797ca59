"""The arXiv API, within arXiv's rules: one shared client per process, spaced requests, patient retries.

Runs inside the arXiv flows' network tasks (flows/arxiv.py, flows/backfill.py). It owns:

* `ArxivClient`, an `arxiv.Client` whose page fetch is replaced: httpx with a timeout (the package
  sets none), one request at a time spaced `delay_seconds` from the end of the previous one (in this
  process always; across processes through a Prefect global concurrency limit used as a rate limit
  when one is configured), and retries with exponential backoff and jitter on 429 (honouring
  Retry-After), 5xx, timeouts and broken connections. The package's own paging (`Client.results`)
  and Atom parser (namespaced `arxiv:`/`opensearch:` elements into `arxiv.Result`) are kept.
* Empty pages: an empty first page is an answer; a later empty page is retried only when the feed's
  `opensearch:totalResults` says more entries exist.
* arXiv's error feed (HTTP 400 whose single entry is titled "Error") becomes `ArxivQueryError`;
  `fetch_by_ids` splits a refused batch to isolate the bad ids.
* Results come back as the package's `arxiv.Result`s; extractors/arxiv_entries.py turns them into
  records.

The package is pinned to 4.x: `_parse_feed` (the hook overridden here) and `arxiv._feed.parse` are
its internals.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import arxiv
import httpx
from arxiv import _feed
from lxml import etree

from config.arxiv import ArxivSettings
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

SOURCE = "arxiv"
_ATOM = "{http://www.w3.org/2005/Atom}"
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v\d+)?$")
_VALID_ID = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})")


def valid_arxiv_id(arxiv_id: str) -> bool:
    """A version-less arXiv id (`2104.12255`, `hep-th/9901001`, `math.GT/0309136`)?"""
    return bool(_VALID_ID.fullmatch(arxiv_id))


class RateLimiter:
    """One request at a time, each starting at least `delay` seconds after the previous one ended.

    With `prefect_limit`, each request also takes a slot of that Prefect global concurrency limit
    (a rate limit with slot decay), which spaces requests across processes.
    """

    def __init__(self, delay: float, prefect_limit: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.prefect_limit = prefect_limit
        self._clock = clock
        self._lock = threading.Lock()
        self._last_end: float | None = None

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._last_end is not None:
                time.sleep(max(0.0, self._last_end + self.delay - self._clock()))
            if self.prefect_limit:
                from prefect.concurrency.sync import rate_limit

                rate_limit(self.prefect_limit, timeout_seconds=600)
            try:
                yield
            finally:
                self._last_end = self._clock()


class ArxivClient(arxiv.Client):
    """`arxiv.Client` with a timeout, a shared rate limiter and backoff; see the module docstring."""

    def __init__(self, settings: ArxivSettings, *, prefect_limit: str | None = None,
                 http: httpx.Client | None = None) -> None:
        super().__init__(page_size=settings.page_size, delay_seconds=settings.delay_seconds,
                         num_retries=settings.retries)
        self.query_url_format = settings.api_url + "?{}"
        self.settings = settings
        self.limiter = RateLimiter(settings.delay_seconds, prefect_limit)
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(settings.timeout_seconds), follow_redirects=True,
            headers={"User-Agent": settings.user_agent or default_user_agent()},
        )

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> _feed.ParsedFeed:
        """Fetch and parse one page, retrying what may pass (the package's hook for every page)."""
        for attempt in range(self.num_retries + 1):
            try:
                return self._fetch_page(url, first_page)
            except SourceError as e:
                if not e.retryable or attempt == self.num_retries:
                    raise
                wait = self._backoff(attempt, e)
                log.warning("arXiv: %s; retry %d of %d in %.1f s", e, attempt + 1, self.num_retries, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, error: SourceError) -> float:
        s = self.settings
        wait = min(s.max_backoff_seconds, s.backoff_seconds * 2**attempt) * random.uniform(0.5, 1.0)
        asked = getattr(error, "retry_after", None)
        if asked is not None:
            if asked > s.max_backoff_seconds:
                raise error  # waiting that long belongs to the next scheduled run, not this one
            wait = max(wait, asked)
        return wait

    def _fetch_page(self, url: str, first_page: bool) -> _feed.ParsedFeed:
        with self.limiter.slot(), map_httpx_errors(SOURCE, url):
            response = self._http.get(url)
            content = response.content
        if response.status_code in (200, 400) and (detail := parse_api_error(content)):
            raise ArxivQueryError(source=SOURCE, url=url, detail=detail)
        if response.status_code != 200:
            raise HTTPStatusError(source=SOURCE, url=url, status=response.status_code,
                                  reason=response.reason_phrase,
                                  retry_after=parse_retry_after(response.headers.get("retry-after")))
        feed = _feed.parse(content)
        if feed.malformed:
            raise TransferError(f"{url} answered a malformed feed: {feed.error}", source=SOURCE, url=url)
        if not feed.results and not first_page and feed.header.total_results > _start(url):
            raise EmptyPage(f"{url}: empty page though {feed.header.total_results} entries exist",
                            source=SOURCE, url=url)
        return feed

    def fetch_page(self, search: arxiv.Search, size: int) -> _feed.ParsedFeed:
        """Exactly one request: the first `size` results of `search`."""
        return self._parse_feed(self._format_url(search, 0, size), first_page=True)

    def close(self) -> None:
        self._http.close()


def _start(url: str) -> int:
    values = parse_qs(urlsplit(url).query).get("start", ["0"])
    return int(values[0]) if values[0].isdigit() else 0


def parse_api_error(content: bytes) -> str | None:
    """The message of arXiv's error feed (one entry titled "Error", id .../api/errors#...), else None."""
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    for entry in root.iterfind(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id") or ""
        if "arxiv.org/api/errors" in entry_id:  # a paper may well be titled "Error"; only this id is certain
            return " ".join((entry.findtext(f"{_ATOM}summary") or entry_id).split())
    return None


_clients: dict[tuple, ArxivClient] = {}
_clients_lock = threading.Lock()


def shared_client(settings: ArxivSettings, *, prefect_limit: str | None = None) -> ArxivClient:
    """The process's one client for these settings, so every task in the process shares its limiter."""
    key = (settings.model_dump_json(), prefect_limit)
    with _clients_lock:
        if key not in _clients:
            _clients[key] = ArxivClient(settings, prefect_limit=prefect_limit)
        return _clients[key]


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
            feed = client.fetch_page(arxiv.Search(id_list=batch, max_results=len(batch)), len(batch))
        except ArxivQueryError as e:
            if len(batch) == 1:
                log.warning("arXiv does not know %s: %s", batch[0], e.detail)
                unknown.append(batch[0])
            else:
                half = len(batch) // 2
                pending[:0] = [batch[:half], batch[half:]]
            continue
        results += feed.results
        known = {short_id(r.entry_id) for r in feed.results}
        unknown += [i for i in batch if i not in known]
    return IdLookup(results, unknown, requests)


def short_id(entry_id: str) -> str | None:
    """`http://arxiv.org/abs/2104.12255v1` -> `2104.12255`; None for anything else (an error entry)."""
    m = _ENTRY_ID.search(entry_id)
    return m.group("id") if m else None
