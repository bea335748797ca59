"""Pipeline `poll-newsletters`: every enabled newsletter source, fetched, extracted and saved; and the
re-extraction of stored documents (`radar reextract`, and a backfill's stored newsletters).

Every source's fetch starts at once (`[fetch] concurrency` at a time, on threads of this process, retried
under the fetch settings' retry policy, Retry-After honoured up to a cap; one HTTP client for the run, none
when every source is on disk). A fetch is not a step of its own: on a Prefect server a task per source
cost more than the fetches of a poll where nothing changed (50 feeds answering 304); each source's
result or error still gets its line in the run's log. Their
documents are then cut into bounded batches across sources (flows/pipeline/batches.py): each batch is
extracted (one step) and written in one transaction (one step), so a run holds one batch at a time
whatever its sources hold. A source that fails (network, bad feed) is recorded with its error in the
`sources` table and the run report; the other sources go on; a bad file of a folder is skipped and
named. The run's log gets one line per source: its result, or its error (expected errors without a
traceback: the fetch returns them rather than raise).

The read snapshot is published when the poll wrote documents (or there is none yet): a poll where
nothing changed writes the sources' fetch state and nothing else. Re-extraction streams the stored
documents the same way, a batch at a time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import copy_context
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from config.faults import fault_point
from config.retry import RetryPolicy
from config.settings import FetchSettings, Settings, SourceConfig
from extractors.errors import ExtractError
from flows.pipeline.batches import BATCH_DOCUMENTS, Chunk, SourceRun, cut_batches
from flows.pipeline.extract import extract_documents, parse_fetched
from flows.pipeline.report import poll_summary, render_poll_report
from flows.pipeline.runtime import Logger, Runtime, open_writer
from records.documents import Document, Extraction
from sources.errors import Deferred, HTTPStatusError, SourceError
from sources.fetch import stream_source
from sources.http import Fetched, make_client
from storage.batch import save_batch
from storage.compact import compact_if_grown
from storage.db import DatabaseLocked, StorageError
from storage.newsletters import load_documents, save_extractions, table_counts
from storage.snapshot import has_snapshot, publish_snapshot, snapshot_dir_for
from storage.source_state import SourceState, load_source_states
from storage.spool import save_spooled, spool_batch, spool_dir_for

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


def fetch_source(source: SourceConfig, fetch: FetchSettings, state: SourceState | None, client: httpx.Client | None,
                 log: Logger) -> Iterator[Fetched]:
    """Network (or disk) only: the source's bytes, or nothing new when the server says 304.

    A feed or page is downloaded here (within `fetch.deadline`); a folder is listed here (its files
    checked against `fetch.local_roots`) and its files read as the iteration reaches them. Timeouts,
    broken connections, 429 and 5xx are tried again (`fetch.retries` times, `retry_delay_seconds` apart,
    or after the Retry-After the server asks for); a 404 or a body over the cap is not. A Retry-After
    longer than `max_retry_after_seconds` is not waited for here: the source is `Deferred` to the next run.
    """
    def once() -> Iterator[Fetched]:
        return stream_source(client, name=source.name, url_or_path=source.url or source.path,
                             etag=state.etag if state else None,
                             last_modified=state.last_modified if state else None, max_bytes=fetch.max_bytes,
                             deadline=fetch.deadline, roots=fetch.local_roots)

    def told(error: BaseException, failed: int, wait: float) -> None:
        log.warning("%s; retry %d of %d in %.1f s", error, failed, fetch.retries, wait)

    policy = RetryPolicy(attempts=fetch.retries + 1, first_wait=fetch.retry_delay_seconds,
                         max_wait=fetch.retry_delay_seconds, jitter=False, honour_retry_after=True,
                         max_retry_after=fetch.max_retry_after_seconds)
    try:
        return policy.call(once, retry_if=lambda e: isinstance(e, SourceError) and e.retryable, on_retry=told)
    except HTTPStatusError as e:
        if policy.gives_up_on(e):
            raise Deferred(e, cap=fetch.max_retry_after_seconds, key="fetch.max_retry_after_seconds") from e
        raise


def returning_errors(fn: Callable[..., T]) -> Callable[..., T | SourceError | ExtractError]:
    """`fn`, with the errors a source is expected to have (HTTP errors, timeouts, malformed feeds) returned
    rather than raised: they are one line in the run's log, written by flows/pipeline/batches.py, never a
    traceback. Bugs still raise, traceback and all."""
    @functools.wraps(fn)
    def call(*args: Any) -> T | SourceError | ExtractError:
        try:
            return fn(*args)
        except (SourceError, ExtractError) as e:
            return e

    return call


@contextmanager
def fetching_sources(sources: list[SourceConfig], fetch: FetchSettings, states: dict[str, SourceState],
                     client: httpx.Client | None, log: Logger) -> Iterator[dict[str, Future]]:
    """Every source's fetch, started at once, `fetch.concurrency` at a time: a future per source of its
    answers or its expected error (see `returning_errors`). Each runs in a copy of the caller's context,
    so what it logs reaches the run's log. Leaving waits for the fetches still running."""
    fetch_one = returning_errors(fetch_source)
    with ThreadPoolExecutor(max_workers=max(1, min(fetch.concurrency, len(sources))),
                            thread_name_prefix="radar-fetch") as pool:
        yield {s.name: pool.submit(copy_context().run, fetch_one, s, fetch, states.get(s.name), client, log)
               for s in sources}


@contextmanager
def run_client(settings: Settings) -> Iterator[httpx.Client | None]:
    """The run's one HTTP client (its TLS context built once, not per source), or None when no source needs it."""
    if not any(s.url for s in settings.enabled_sources):
        yield None
        return
    fetch = settings.fetch
    with make_client(timeout=fetch.timeout_seconds, user_agent=fetch.user_agent,
                     max_redirects=fetch.max_redirects) as client:
        yield client


def extract_batch(batch: list[Chunk], log: Logger) -> list[Chunk]:
    """Pure: every chunk's documents extracted, in one pass over the batch (see flows/pipeline/extract.py)."""
    extractions = iter(extract_documents([d for c in batch for d in c.documents], log).extractions)
    for chunk in batch:
        chunk.extractions = [next(extractions) for _ in chunk.documents]
        chunk.documents = []
    return batch


@dataclass
class Writer:
    """Writes a poll's batches, one transaction each, holding the database only while it writes.

    When the database stays locked past `lock_wait_seconds`, that batch and every later one is spooled
    to disk (written first thing next run) without waiting again, and `locked` keeps the error for the
    run to fail with, naming the lock holder.
    """

    settings: Settings
    runtime: Runtime
    runs: dict[str, SourceRun]
    locked: DatabaseLocked | None = None
    written: int = 0  # documents added or changed

    def write(self, batch: list[Chunk]) -> None:
        if self.locked is None:
            fault_point("poll.before_save")
            try:
                with open_writer(self.settings, self.runtime) as conn:
                    results = save_batch(conn, [c.part() for c in batch])
            except DatabaseLocked as e:
                self.locked = e
            else:
                for chunk, result in zip(batch, results, strict=True):
                    self.runs[chunk.source.name].add(result)
                    self.written += result.new_documents + result.changed_documents
                    if chunk.error is None and chunk.state.complete:
                        fault_point("poll.after_source")  # the source's documents and state are committed
                return
        for chunk in batch:
            if chunk.error is None:
                spool_batch(spool_dir_for(self.settings.database), chunk.source.name, chunk.extractions, chunk.state)


def save_batch_of(writer: Writer, batch: list[Chunk]) -> None:
    """One batch written (the step's unit of work; see Writer)."""
    writer.write(batch)


def compact_store(settings: Settings, runtime: Runtime, written_documents: int) -> None:
    """The embedded file rewritten compact after a run that wrote a large share of it (storage/compact.py)."""
    try:
        with open_writer(settings, runtime) as conn:
            compact_if_grown(conn, settings.store, written_documents)
    except (StorageError, OSError) as e:  # the data is saved; a larger file is not worth failing the run
        runtime.log.warning("database not compacted: %s", e)


def publish(settings: Settings, runtime: Runtime) -> None:
    """A consistent read snapshot (Parquet + views.sql) for long-lived readers; see docs/schema.md."""
    try:
        with open_writer(settings, runtime) as conn:
            publish_snapshot(conn, settings.store, snapshot_dir_for(settings.database))
    except (StorageError, OSError) as e:  # the data is saved; a stale snapshot is not worth failing the run
        runtime.log.warning("read snapshot not published: %s", e)


def poll_newsletters(settings: Settings, runtime: Runtime) -> dict:
    """Fetch every enabled source, extract papers, code links and metrics, and save them to DuckDB."""
    with open_writer(settings, runtime) as conn:
        spooled = save_spooled(conn, spool_dir_for(settings.database))  # what a locked run could not write
        states = load_source_states(conn)
    sources = settings.enabled_sources
    runs = {s.name: SourceRun(s) for s in sources}
    writer = Writer(settings, runtime, runs, written=sum(r.new_documents + r.changed_documents for _, r in spooled))
    fault_point("poll.before_fetch")
    with run_client(settings) as client, fetching_sources(sources, settings.fetch, states, client,
                                                          runtime.log) as fetching:
        batches = cut_batches(sources, fetching, states, runs, parse_fetched, settings.fetch.max_entries_per_feed,
                              runtime.log, size=settings.fetch.batch_documents)
        for n, batch in enumerate(batches, 1):
            if any(c.documents for c in batch):
                batch = runtime.step(extract_batch, f"extract-batch-{n}")(batch, runtime.log)
            runtime.step(save_batch_of, f"save-batch-{n}")(writer, batch)
    if writer.locked is not None:
        raise writer.locked
    reports = [runs[s.name].report() for s in sources]
    for r in reports:
        if r.status not in ("failed", "deferred"):  # those were logged with their error when they happened
            runtime.log.info("source %s: %s, %d documents (%d new, %d changed), %d items, %d papers, %d code links, "
                             "%d metrics", r.source, r.status, r.fetched, r.new_documents, r.changed_documents,
                             r.items, r.papers, r.code_links, r.metrics)
    summary = poll_summary(reports, settings.store)
    if writer.written:
        runtime.step(compact_store, "compact-database")(settings, runtime, writer.written)
    if writer.written or not has_snapshot(snapshot_dir_for(settings.database)):
        fault_point("poll.before_publish")
        runtime.step(publish, "publish-snapshot")(settings, runtime)
    runtime.artifact("poll-newsletters-summary", render_poll_report(summary),
                     "What this poll fetched and saved, per source")
    return summary


def reextract(settings: Settings, runtime: Runtime, sources: list[str] | None = None,
              keep: Callable[[Document], bool] | None = None) -> dict:
    """Re-run extraction on stored documents (of `sources`, else all; those `keep` accepts) and replace
    their rows: after an extractor fix. A batch at a time: each is read, extracted with the database
    closed, then written. The write and the next read are separate connections, so the checkpoint that
    closes a write runs with no page of documents held beside it.

    Returns how many documents, the row counts per table before and after, and the documents kept
    without items because extraction failed on them.
    """
    done, failed = 0, []
    pending: list[Extraction] = []
    with open_writer(settings, runtime) as conn:
        before = table_counts(conn)
    for name in sources if sources is not None else [None]:
        after: tuple[str, str] | None = None
        while True:
            if pending:
                with open_writer(settings, runtime) as conn:
                    save_extractions(conn, pending, fetched_at=datetime.now(UTC), replace_unchanged=True)
                pending = []
            with open_writer(settings, runtime) as conn:
                page = load_documents(conn, name, after=after, limit=BATCH_DOCUMENTS)
            if not page:
                break
            after = (page[-1].source, page[-1].key)
            extracted = extract_documents([d for d in page if keep is None or keep(d)], runtime.log)
            pending, done, failed = extracted.extractions, done + len(extracted.extractions), failed + extracted.failed
            if len(page) < BATCH_DOCUMENTS:
                break
    with open_writer(settings, runtime) as conn:
        if pending:
            save_extractions(conn, pending, fetched_at=datetime.now(UTC), replace_unchanged=True)
        after_counts = table_counts(conn)
    compact_store(settings, runtime, done)
    return {"documents": done, "before": before, "after": after_counts, "failed": failed}
