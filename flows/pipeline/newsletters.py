"""Pipeline `poll-newsletters`: every enabled newsletter source, fetched, extracted and saved; and the
re-extraction of stored documents (`radar reextract`, and a backfill's stored newsletters).

One step per source and stage (never per item): each source's fetch (started concurrently, retried
under the fetch settings' retry policy), its extraction, then one write for every source's batch
(one transaction each) and the read snapshot. A source that fails (network, bad feed) is recorded
with its error in the `sources` table and the run report; the other sources go on. The run's log
gets one line per source: its result, or its error (expected errors without a traceback: the fetch and
extract steps return them rather than raise, so a Prefect task logs no "Task run failed").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from config.faults import fault_point
from config.retry import RetryPolicy
from config.settings import FetchSettings, Settings, SourceConfig
from extractors.errors import ExtractError, ParseError
from flows.pipeline.extract import extract_documents, local_name, parse_fetched, plausible_dates
from flows.pipeline.report import SourceReport, poll_summary, render_poll_report
from flows.pipeline.runtime import Logger, Runtime, open_writer
from records.documents import Document, Extraction
from sources.errors import Deferred, HTTPStatusError, SourceError
from sources.fetch import fetch_source as fetch_source_bytes
from sources.http import Fetched, make_client
from storage.db import Connection, DatabaseLocked, StorageError
from storage.newsletters import load_documents, save_extractions, table_counts
from storage.snapshot import publish_snapshot, snapshot_dir_for
from storage.source_state import SourceState, load_source_states, save_source_attempt
from storage.spool import FetchState, save_source_batch, save_spooled, spool_batch, spool_dir_for

T = TypeVar("T")


def fetch_source(source: SourceConfig, fetch: FetchSettings, state: SourceState | None, log: Logger) -> list[Fetched]:
    """Network (or disk) only: the source's bytes, or nothing new when the server says 304.

    Timeouts, broken connections, 429 and 5xx are tried again (`fetch.retries` times, `retry_delay_seconds`
    apart, or after the Retry-After the server asks for); a 404 or a body over the cap is not. A Retry-After
    longer than `max_retry_after_seconds` is not waited for here: the source is `Deferred` to the next run.
    """
    def once() -> list[Fetched]:
        with make_client(timeout=fetch.timeout_seconds, user_agent=fetch.user_agent,
                         max_redirects=fetch.max_redirects) as client:
            return fetch_source_bytes(client, name=source.name, url_or_path=source.url or source.path,
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
    rather than raised: a Prefect task that raises logs "Task run failed" with a traceback, and these are
    one line in the run's log, written by `collect`. Bugs still raise, traceback and all."""
    @functools.wraps(fn)
    def call(*args: Any) -> T | SourceError | ExtractError:
        try:
            return fn(*args)
        except (SourceError, ExtractError) as e:
            return e

    return call


def _raised(outcome: T | BaseException) -> T:
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


@dataclass(frozen=True)
class SourceExtraction:
    """A source's extractions, and what was left out or changed on the way (each line names the file or entry)."""

    extractions: list[Extraction]
    warnings: list[str]


def extract_source(source: SourceConfig, fetched: list[Fetched], max_entries: int, log: Logger) -> SourceExtraction:
    """Documents and their items from the fetched bytes (see flows/pipeline/extract.py).

    A file of a folder that cannot be parsed (an empty or broken .eml) is skipped and named, and the
    other files go on; only when every file fails does the source fail. Cut-off entries, implausible
    dates and entries past `max_entries` are left out, each logged and kept as a warning for the run's
    report.
    """
    files = [f for f in fetched if not f.not_modified]
    documents, warnings, errors = [], [], []
    for f in files:
        try:
            parsed = parse_fetched(source, f)
        except ExtractError as e:
            if len(files) == 1:
                raise
            errors.append(e)
            warnings.append(f"{str(e).replace(f.url, local_name(f))} (file skipped)")
            continue
        documents += parsed.documents[:max_entries]
        if len(parsed.documents) > max_entries:  # the feed's older entries are not read: say so
            warnings.append(f"{local_name(f)}: {len(parsed.documents)} entries, only the first {max_entries} "
                            "taken (fetch.max_entries_per_feed)")
        warnings += parsed.problems
    if errors and len(errors) == len(files):
        raise ParseError(f"every file failed: {'; '.join(warnings)}")
    dated = plausible_dates(documents, datetime.now(UTC))
    warnings += dated.problems
    for warning in warnings:
        log.warning("source %s: %s", source.name, warning)
    return SourceExtraction(extract_documents(dated.documents, log).extractions, warnings)


@dataclass(frozen=True)
class SourceBatch:
    """What one source yielded this run: its fetched bytes and extractions, or the error that stopped it."""

    source: SourceConfig
    fetched: list[Fetched]
    extractions: list[Extraction]
    error: str | None = None
    first_poll: bool = False  # the source never succeeded before: what it brings is its archive
    deferred: bool = False  # the server asked to wait past the cap: not failed, left for the next run
    warnings: tuple[str, ...] = ()  # files and entries skipped, dates dropped: the source still succeeded


def collect(settings: Settings, runtime: Runtime, source: SourceConfig, fetching: Future,
            state: SourceState | None) -> SourceBatch:
    """Wait for one source's fetch, then extract it; any error becomes part of its batch."""
    try:
        fetched = _raised(fetching.result())
        fault_point("poll.after_fetch")
        extract = runtime.step(returning_errors(extract_source), f"extract-{source.name}")
        extracted = _raised(extract(source, fetched, settings.fetch.max_entries_per_feed, runtime.log))
        first_poll = state is None or state.last_success_at is None
        return SourceBatch(source, fetched, extracted.extractions, first_poll=first_poll,
                           warnings=tuple(extracted.warnings))
    except Deferred as e:
        runtime.log.warning("source %s %s", source.name, str(e).removeprefix(f"source {source.name!r}: "))
        return SourceBatch(source, [], [], str(e), deferred=True)
    except (SourceError, ExtractError) as e:
        runtime.log.warning("source %s failed: %s", source.name, e)
        return SourceBatch(source, [], [], str(e))
    except Exception as e:  # a bug on one source's input must not stop the others
        runtime.log.exception("source %s failed unexpectedly", source.name)
        return SourceBatch(source, [], [], f"unexpected {type(e).__name__}: {e}")


def save_batches(settings: Settings, runtime: Runtime, batches: list[SourceBatch]) -> list[SourceReport]:
    """Write every source's batch (one transaction each) while holding the database briefly.

    When the database stays locked past `lock_wait_seconds`, every fetched batch is spooled to disk
    and written first thing next run, and the run fails with a message naming the lock holder.
    """
    try:
        with open_writer(settings, runtime) as conn:
            return [save_source(conn, b) for b in batches]
    except DatabaseLocked:
        for b in batches:
            if b.error is None:
                spool_batch(spool_dir_for(settings.database), b.source.name, b.extractions, fetch_state(b))
        raise


def save_source(conn: Connection, batch: SourceBatch) -> SourceReport:
    source, state = batch.source, fetch_state(batch)
    if batch.error is not None:
        save_source_attempt(conn, name=source.name, kind=source.kind, location=source.location,
                            at=state.fetched_at, error=batch.error)
        if batch.deferred:
            return SourceReport(source.name, "deferred", error=batch.error)
        return SourceReport.failed(source.name, batch.error)
    result = save_source_batch(conn, source.name, batch.extractions, state)
    fault_point("poll.after_source")
    not_modified = bool(batch.fetched) and all(f.not_modified for f in batch.fetched)
    return SourceReport.from_save(source.name, "unchanged" if not_modified else "ok", len(batch.extractions),
                                  result, batch.warnings)


def fetch_state(batch: SourceBatch) -> FetchState:
    last = batch.fetched[-1] if batch.fetched else None
    return FetchState(kind=batch.source.kind, location=batch.source.location,
                      fetched_at=last.fetched_at if last else datetime.now(UTC),
                      etag=last.etag if last else None, last_modified=last.last_modified if last else None,
                      ingest_mode="first_poll" if batch.first_poll else "poll",
                      warning="; ".join(batch.warnings) or None,
                      unchanged=bool(batch.fetched) and all(f.not_modified for f in batch.fetched))


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
        save_spooled(conn, spool_dir_for(settings.database))  # what a locked run could not write
        states = load_source_states(conn)
    fault_point("poll.before_fetch")
    fetching = {s.name: runtime.submit(returning_errors(fetch_source), f"fetch-{s.name}", s, settings.fetch,
                                       states.get(s.name), runtime.log) for s in settings.enabled_sources}
    batches = [collect(settings, runtime, s, fetching[s.name], states.get(s.name)) for s in settings.enabled_sources]
    fault_point("poll.before_save")
    reports = runtime.step(save_batches, "save-batches")(settings, runtime, batches)
    for r in reports:
        if r.status not in ("failed", "deferred"):  # those were logged with their error when they happened
            runtime.log.info("source %s: %s, %d documents (%d new, %d changed), %d items, %d papers, %d code links, "
                             "%d metrics", r.source, r.status, r.fetched, r.new_documents, r.changed_documents,
                             r.items, r.papers, r.code_links, r.metrics)
    summary = poll_summary(reports, settings.store)
    fault_point("poll.before_publish")
    runtime.step(publish, "publish-snapshot")(settings, runtime)
    runtime.artifact("poll-newsletters-summary", render_poll_report(summary),
                     "What this poll fetched and saved, per source")
    return summary


def reextract(settings: Settings, runtime: Runtime, sources: list[str] | None = None,
              keep: Callable[[Document], bool] | None = None) -> dict:
    """Re-run extraction on stored documents (of `sources`, else all; those `keep` accepts) and replace
    their rows: after an extractor fix. Reads, then extracts with the database closed, then writes.

    Returns how many documents, the row counts per table before and after, and the documents kept
    without items because extraction failed on them.
    """
    with open_writer(settings, runtime) as conn:
        documents = [d for name in (sources if sources is not None else [None])
                     for d in load_documents(conn, name) if keep is None or keep(d)]
    extracted = extract_documents(documents, runtime.log)
    with open_writer(settings, runtime) as conn:
        before = table_counts(conn)
        save_extractions(conn, extracted.extractions, fetched_at=datetime.now(UTC), replace_unchanged=True)
        after = table_counts(conn)
    return {"documents": len(documents), "before": before, "after": after, "failed": extracted.failed}
