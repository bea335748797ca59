"""Prefect flows `poll-arxiv` and `enrich-arxiv`: new arXiv submissions for the configured queries, and
arXiv metadata for the papers newsletters named.

poll-arxiv: each enabled query, newest update first, stops at the query's stored cursor (the newest
`updated` it saw); papers are upserted by version-less id, latest version winning; the first poll of
a new query is marked `first_poll` so its backlog never alerts. Then the silent-miss guard records
source-health warnings. enrich-arxiv: papers without arXiv metadata, looked up by `id_list` in
batches of at most 100. One task per query or per chunk of batches; arXiv requests go through the
process's one client (sources/arxiv.py), which spaces and retries them, so the tasks have no retries.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from config.arxiv import ArxivQuery, ArxivSettings
from config.settings import Settings, load_settings
from extractors.arxiv_entries import extract_entry
from flows.common import open_writer
from flows.progress import report
from radar.setup import arxiv_rate_limit
from records.arxiv import ArxivEntry
from sources.arxiv import fetch_by_ids, fetch_newest, shared_client
from sources.errors import SourceError
from storage.arxiv import ArxivCursor, load_cursors, load_ids_to_enrich, mark_unknown, save_arxiv_entries, save_cursor
from storage.db import Connection
from storage.health import HealthWarning, save_health, stalled_feeds

#: Enrichment saves after this many id_list batches, so an interrupted run keeps what it fetched.
BATCHES_PER_TASK = 10


@dataclass(frozen=True)
class QueryReport:
    query: str
    status: str  # "ok" | "failed"
    fetched: int = 0
    new_papers: int = 0
    updated_papers: int = 0
    code_links: int = 0
    metrics: int = 0
    error: str | None = None


@task(task_run_name="fetch-arxiv-{query.name}", cache_policy=NO_CACHE)
def fetch_query(settings: ArxivSettings, query: ArxivQuery, cursor: ArxivCursor | None,
                prefect_limit: str | None) -> list[ArxivEntry]:
    """Network: the query's entries updated since its cursor, newest first (a changed query starts over)."""
    newer_than = cursor.newest_updated_at if cursor and cursor.search_query == query.search_query else None
    results = fetch_newest(shared_client(settings, prefect_limit=prefect_limit), query.search_query,
                           max_results=settings.max_results_per_poll, newer_than=newer_than)
    if newer_than is not None and len(results) == settings.max_results_per_poll:
        get_run_logger().warning("arXiv query %s: %d entries since the last poll, the cap, and the cursor was not "
                                 "reached: entries may be missing; run `radar backfill` for the gap", query.name,
                                 len(results))
    return [e for r in results if (e := extract_entry(r))]


@dataclass(frozen=True)
class QueryBatch:
    """What one query yielded this run, or the error that stopped it."""

    query: ArxivQuery
    entries: list[ArxivEntry]
    first_poll: bool = False  # the query was never polled: what it brings is its backlog
    error: str | None = None


@task(cache_policy=NO_CACHE)
def save_and_guard(settings: Settings, batches: list[QueryBatch]) -> tuple[list[QueryReport], list[HealthWarning]]:
    """One write: every query's papers and cursor, then the silent-miss guard over the updated state."""
    now = datetime.now(UTC)
    with open_writer(settings) as conn:
        reports = [save_batch(conn, b, now) for b in batches]
        warnings = find_silent_misses(conn, settings, now)
    for w in warnings:
        get_run_logger().warning("source health: %s", w.message)
    return reports, warnings


def save_batch(conn: Connection, batch: QueryBatch, now: datetime) -> QueryReport:
    if batch.error is not None:
        return QueryReport(batch.query.name, "failed", error=batch.error)
    entries = batch.entries
    saved = save_arxiv_entries(conn, entries, at=now, ingest_mode="first_poll" if batch.first_poll else "poll")
    save_cursor(conn, query_name=batch.query.name, search_query=batch.query.search_query, polled_at=now,
                newest=max((e.paper.updated for e in entries), default=None), entries=len(entries))
    return QueryReport(batch.query.name, "ok", len(entries), saved.new_papers, saved.updated_papers,
                       saved.code_links, saved.metrics)


def find_silent_misses(conn: Connection, settings: Settings, now: datetime) -> list[HealthWarning]:
    """Queries gone quiet on weekdays, feeds whose newest document stopped advancing; saved as warnings."""
    cursors = load_cursors(conn)
    threshold = settings.arxiv.empty_weekday_polls_warning
    warnings = [
        HealthWarning(f"arxiv:{c.query_name}", "arxiv_silent",
                      f"arXiv query {c.query_name!r} returned nothing for {c.consecutive_empty_weekday_polls} "
                      f"weekday polls in a row (last entries {c.last_entries_at:%Y-%m-%d})")
        for c in cursors.values()
        if c.polls_with_entries > 0 and c.consecutive_empty_weekday_polls >= threshold
    ]
    warnings += stalled_feeds(conn, factor=settings.arxiv.stale_feed_factor, now=now)
    checked = [(f"arxiv:{name}", "arxiv_silent") for name in cursors]
    checked += [(s.name, "feed_stalled") for s in settings.sources]
    save_health(conn, warnings, checked=checked, at=now)
    return warnings


@flow(name="poll-arxiv", log_prints=False)
def poll_arxiv(config: str | None = None) -> dict:
    """Fetch what is new for every enabled arXiv query, save it, and check sources for silent misses."""
    settings = load_settings(config)
    prefect_limit = arxiv_rate_limit(settings.arxiv)
    with open_writer(settings) as conn:
        cursors = load_cursors(conn)
    batches = []
    for query in settings.arxiv.enabled_queries:
        cursor = cursors.get(query.name)
        try:
            batches.append(QueryBatch(query, fetch_query(settings.arxiv, query, cursor, prefect_limit),
                                      first_poll=cursor is None))
        except SourceError as e:  # one query's failure must not cost the others
            get_run_logger().warning("arXiv query %s failed: %s", query.name, e)
            batches.append(QueryBatch(query, [], error=str(e)))
        report("arXiv queries", 1)
    reports, warnings = save_and_guard(settings, batches)
    summary = {"database": str(settings.database), "queries": [asdict(r) for r in reports],
               "warnings": [asdict(w) for w in warnings],
               "failures": [{"query": r.query, "error": r.error} for r in reports if r.status == "failed"]}
    create_markdown_artifact(key="poll-arxiv-summary", markdown=render_poll_markdown(summary),
                             description="What this arXiv poll fetched and saved, per query")
    return summary


def render_poll_markdown(summary: dict) -> str:
    lines = ["| query | status | fetched | new papers | updated | code links | metrics |",
             "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {q['query']} | {q['status']} | {q['fetched']} | {q['new_papers']} | {q['updated_papers']} | "
              f"{q['code_links']} | {q['metrics']} |" for q in summary["queries"]]
    lines += [f"- **failed** `{f['query']}`: {f['error']}" for f in summary["failures"]]
    lines += [f"- **warning** {w['message']}" for w in summary["warnings"]]
    return "\n".join(lines)


@task(task_run_name="lookup-arxiv-ids-{chunk_no}", cache_policy=NO_CACHE)
def lookup_and_save(settings: Settings, ids: list[str], chunk_no: int, prefect_limit: str | None) -> dict:
    """Network, then one write: up to BATCHES_PER_TASK id_list batches."""
    client = shared_client(settings.arxiv, prefect_limit=prefect_limit)
    lookup = fetch_by_ids(client, ids, batch_size=settings.arxiv.id_batch_size)
    entries = [e for r in lookup.results if (e := extract_entry(r))]
    now = datetime.now(UTC)
    with open_writer(settings) as conn:
        saved = save_arxiv_entries(conn, entries, at=now, ingest_mode=None)
        mark_unknown(conn, lookup.unknown, at=now)
    return {"asked": len(ids), "found": len(entries), "unknown": len(lookup.unknown), "requests": lookup.requests,
            "code_links": saved.code_links, "metrics": saved.metrics}


@flow(name="enrich-arxiv", log_prints=False)
def enrich_arxiv(config: str | None = None) -> dict:
    """arXiv metadata for papers newsletters named; ids arXiv does not know are marked and rested."""
    settings = load_settings(config)
    prefect_limit = arxiv_rate_limit(settings.arxiv)
    with open_writer(settings) as conn:
        ids = load_ids_to_enrich(conn, now=datetime.now(UTC), recheck_unknown_days=settings.arxiv.recheck_unknown_days)
    chunk = settings.arxiv.id_batch_size * BATCHES_PER_TASK
    report("arXiv ids", 0, total=len(ids))
    totals = {"asked": 0, "found": 0, "unknown": 0, "requests": 0, "code_links": 0, "metrics": 0}
    failures = []
    for n, start in enumerate(range(0, len(ids), chunk)):
        try:
            done = lookup_and_save(settings, ids[start:start + chunk], n, prefect_limit)
        except SourceError as e:  # what earlier chunks saved stays; the rest is asked next run
            failures.append(str(e))
            break
        totals = {k: totals[k] + done[k] for k in totals}
        report("arXiv ids", done["asked"])
    summary = {"database": str(settings.database), **totals, "failures": failures}
    create_markdown_artifact(key="enrich-arxiv-summary", description="arXiv look-ups of newsletter papers",
                             markdown="\n".join(f"- {k}: {v}" for k, v in summary.items() if k != "database"))
    return summary
