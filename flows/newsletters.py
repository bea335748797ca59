"""Prefect flow `poll-newsletters`: every enabled newsletter source, fetched, extracted and saved.

One task per source and stage (never per item). A source that fails (network, bad feed) is recorded
with its error in the `sources` table and the run summary; the other sources go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture

from config.settings import FetchSettings, Settings, SourceConfig, load_settings
from extractors import extract_items, parse_email, parse_feed, parse_page
from extractors.errors import ExtractError
from flows.common import open_writer
from radar.summary import SourceReport, render_markdown, summarise
from records.documents import Document
from sources.errors import SourceError
from sources.fetch import fetch_source as fetch_source_bytes
from sources.http import Fetched, make_client
from storage.db import Connection, DatabaseLocked, StorageError
from storage.newsletters import Extraction
from storage.snapshot import publish_snapshot, snapshot_dir_for
from storage.source_state import SourceState, load_source_states, save_source_attempt
from storage.spool import FetchState, save_batch, save_spooled, spool_batch, spool_dir_for


def _retry_transient(task, task_run, state) -> bool:
    """Retry timeouts, broken connections, 429 and 5xx; not a 404 or a body over the cap."""
    try:
        state.result()
    except SourceError as e:
        return e.retryable
    except Exception:
        return False
    return False


@task(task_run_name="fetch-{source.name}", cache_policy=NO_CACHE, retry_condition_fn=_retry_transient)
def fetch_source(source: SourceConfig, fetch: FetchSettings, state: SourceState | None) -> list[Fetched]:
    """Network (or disk) only: the source's bytes, or nothing new when the server says 304."""
    with make_client(timeout=fetch.timeout_seconds, user_agent=fetch.user_agent,
                     max_redirects=fetch.max_redirects) as client:
        return fetch_source_bytes(client, name=source.name, url_or_path=source.url or source.path,
                                  etag=state.etag if state else None,
                                  last_modified=state.last_modified if state else None, max_bytes=fetch.max_bytes)


@task(task_run_name="extract-{source.name}", cache_policy=NO_CACHE)
def extract_source(source: SourceConfig, fetched: list[Fetched], max_entries: int) -> list[Extraction]:
    """Pure: documents and their items from the fetched bytes.

    An entry the extractor chokes on is kept with no items (its raw body is stored, so
    `radar reextract` can redo it after a fix) and logged; the other entries go on.
    """
    logger = get_run_logger()
    extractions = []
    for f in fetched:
        if f.not_modified:
            continue
        for doc in parse_fetched(source, f)[:max_entries]:
            try:
                extractions.append(Extraction(doc, tuple(extract_items(doc))))
            except Exception as e:  # one entry's bug must not cost the source its other entries
                logger.warning("source %s: entry %s kept without items, extraction failed (%s): %s",
                               source.name, doc.key, type(e).__name__, e)
                extractions.append(Extraction(doc, ()))
    return extractions


def parse_fetched(source: SourceConfig, fetched: Fetched) -> list[Document]:
    """The configured kind decides the parser: an HTML error page served as a feed is a bad feed."""
    if source.kind == "feed":
        return parse_feed(fetched.content, fetched.url, fetched.parser_headers, source=source.name)
    if source.kind == "page":
        return [parse_page(fetched.content, fetched.url, source=source.name)]
    return [parse_email(fetched.content, fetched.url, source=source.name)]


@dataclass(frozen=True)
class SourceBatch:
    """What one source yielded this run: its fetched bytes and extractions, or the error that stopped it."""

    source: SourceConfig
    fetched: list[Fetched]
    extractions: list[Extraction]
    error: str | None = None
    first_poll: bool = False  # the source never succeeded before: what it brings is its archive


def collect(
    settings: Settings, source: SourceConfig, fetching: PrefectFuture, state: SourceState | None
) -> SourceBatch:
    """Wait for one source's fetch, then extract it; any error becomes part of its batch."""
    logger = get_run_logger()
    try:
        fetched = fetching.result()
        extractions = extract_source(source, fetched, settings.fetch.max_entries_per_feed)
        first_poll = state is None or state.last_success_at is None
        return SourceBatch(source, fetched, extractions, first_poll=first_poll)
    except (SourceError, ExtractError) as e:
        logger.warning("source %s failed: %s", source.name, e)
        return SourceBatch(source, [], [], str(e))
    except Exception as e:  # a bug on one source's input must not stop the others
        logger.exception("source %s failed unexpectedly", source.name)
        return SourceBatch(source, [], [], f"unexpected {type(e).__name__}: {e}")


@task(cache_policy=NO_CACHE)
def save_batches(settings: Settings, batches: list[SourceBatch]) -> list[SourceReport]:
    """Write every source's batch (one transaction each) while holding the database briefly.

    When the database stays locked past `lock_wait_seconds`, every fetched batch is spooled to disk
    and written first thing next run, and the run fails with a message naming the lock holder.
    """
    try:
        with open_writer(settings) as conn:
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
        return SourceReport.failed(source.name, batch.error)
    result = save_batch(conn, source.name, batch.extractions, state)
    not_modified = bool(batch.fetched) and all(f.not_modified for f in batch.fetched)
    return SourceReport.from_save(source.name, "unchanged" if not_modified else "ok", len(batch.extractions),
                                  result)


def fetch_state(batch: SourceBatch) -> FetchState:
    last = batch.fetched[-1] if batch.fetched else None
    return FetchState(kind=batch.source.kind, location=batch.source.location,
                      fetched_at=last.fetched_at if last else datetime.now(UTC),
                      etag=last.etag if last else None, last_modified=last.last_modified if last else None,
                      ingest_mode="first_poll" if batch.first_poll else "poll")


@task(cache_policy=NO_CACHE)
def publish(settings: Settings) -> None:
    """A consistent read snapshot (Parquet + views.sql) for long-lived readers; see docs/schema.md."""
    try:
        with open_writer(settings) as conn:
            publish_snapshot(conn, settings.database, snapshot_dir_for(settings.database))
    except (StorageError, OSError) as e:  # the data is saved; a stale snapshot is not worth failing the run
        get_run_logger().warning("read snapshot not published: %s", e)


@flow(name="poll-newsletters", log_prints=False)
def poll_newsletters(config: str | None = None) -> dict:
    """Fetch every enabled source, extract papers, code links and metrics, and save them to DuckDB."""
    settings = load_settings(config)
    with open_writer(settings) as conn:
        save_spooled(conn, spool_dir_for(settings.database))  # what a locked run could not write
        states = load_source_states(conn)
    fetch = fetch_source.with_options(retries=settings.fetch.retries,
                                      retry_delay_seconds=settings.fetch.retry_delay_seconds)
    fetching = {s.name: fetch.submit(s, settings.fetch, states.get(s.name)) for s in settings.enabled_sources}
    batches = [collect(settings, s, fetching[s.name], states.get(s.name)) for s in settings.enabled_sources]
    summary = summarise(save_batches(settings, batches), settings.database)
    publish(settings)
    create_markdown_artifact(key="poll-newsletters-summary", markdown=render_markdown(summary),
                             description="What this poll fetched and saved, per source")
    return summary
