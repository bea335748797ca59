"""Pipelines `poll-arxiv` and `enrich-arxiv`: new arXiv submissions for the configured queries, and
arXiv metadata for the papers newsletters named.

poll-arxiv: each enabled query, newest update first, stops at the query's stored cursor (the newest
`updated` it saw); papers are upserted by version-less id, latest version winning; the first poll of
a new query is marked `first_poll` so its backlog never alerts. Then the silent-miss guard records
source-health warnings. enrich-arxiv: papers without arXiv metadata, looked up by `id_list` in
batches of at most 100. One step per query or per chunk of batches; every request goes through the
run's one `ArxivClient` (sources/arxiv.py), which spaces and retries them, so the steps have no retries.

Nothing is sent that the config does not ask for: without enabled `[[arxiv.queries]]` a poll fetches
nothing, and without `[arxiv] enrich = true` enrichment asks nothing; the run says "arXiv not
configured" in its log and report instead. A run with work to do that got none of it done (every
query failed, or no lookup succeeded) has status "failed", with the requests it sent and the last
error in its report; the Prefect flows end such a run Failed (flows/arxiv.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from config.arxiv import ArxivQuery, ArxivSettings
from config.faults import fault_point
from config.settings import Settings
from extractors.arxiv_entries import extract_entry
from flows.pipeline.report import (
    NOT_CONFIGURED,
    QueryReport,
    render_arxiv_poll_report,
    render_enrich_report,
)
from flows.pipeline.runtime import Logger, Runtime, open_writer
from flows.progress import report
from records.arxiv import ArxivEntry
from sources.arxiv import ArxivClient, Sent, fetch_by_ids, fetch_newest
from sources.errors import SourceError
from storage.arxiv import ArxivCursor, load_cursors, load_ids_to_enrich, mark_unknown, save_arxiv_entries, save_cursor
from storage.db import Connection
from storage.health import HealthWarning, save_health, stalled_feeds
from storage.turns import shared_turn

#: Enrichment saves after this many id_list batches, so an interrupted run keeps what it fetched.
BATCHES_PER_TASK = 10


def arxiv_client(settings: Settings, runtime: Runtime) -> ArxivClient:
    """The run's client: this process's limiter, the runtime's rate limit when there is one, and the store's
    turn, which holds arXiv to one request at a time `delay_seconds` apart across every process and worker
    that shares the store (storage/turns.py)."""
    turn = shared_turn(settings.store, "arxiv", settings.arxiv.delay_seconds) if settings.arxiv.delay_seconds else None
    return ArxivClient(settings.arxiv, wait_turn=runtime.arxiv_turn(settings.arxiv), shared_turn=turn,
                       logger=runtime.log)


def fetch_query(client: ArxivClient, settings: ArxivSettings, query: ArxivQuery, cursor: ArxivCursor | None,
                log: Logger) -> list[ArxivEntry]:
    """Network: the query's entries updated since its cursor, newest first (a changed query starts over)."""
    newer_than = cursor.newest_updated_at if cursor and cursor.search_query == query.search_query else None
    results = fetch_newest(client, query.search_query, max_results=settings.max_results_per_poll,
                           newer_than=newer_than)
    if newer_than is not None and len(results) == settings.max_results_per_poll:
        log.warning("arXiv query %s: %d entries since the last poll, the cap, and the cursor was not reached: "
                    "entries may be missing; run `radar backfill` for the gap", query.name, len(results))
    return [e for r in results if (e := extract_entry(r))]


@dataclass(frozen=True)
class QueryBatch:
    """What one query yielded this run, or the error that stopped it."""

    query: ArxivQuery
    entries: list[ArxivEntry]
    first_poll: bool = False  # the query was never polled: what it brings is its backlog
    error: str | None = None


def save_and_guard(settings: Settings, runtime: Runtime,
                   batches: list[QueryBatch]) -> tuple[list[QueryReport], list[HealthWarning]]:
    """One write: every query's papers and cursor, then the silent-miss guard over the updated state."""
    now = datetime.now(UTC)
    with open_writer(settings, runtime) as conn:
        reports = [save_query_batch(conn, b, now) for b in batches]
        fault_point("arxiv.before_health")
        warnings = find_silent_misses(conn, settings, now)
    for w in warnings:
        runtime.log.warning("source health: %s", w.message)
    return reports, warnings


def save_query_batch(conn: Connection, batch: QueryBatch, now: datetime) -> QueryReport:
    if batch.error is not None:
        return QueryReport(batch.query.name, "failed", error=batch.error)
    entries = batch.entries
    saved = save_arxiv_entries(conn, entries, at=now, ingest_mode="first_poll" if batch.first_poll else "poll")
    fault_point("arxiv.before_cursor")
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


def requests_sent(sent: Sent) -> dict:
    """The summary's account of what the run's arXiv client sent (every attempt counts)."""
    return {"requests": sent.requests, "failed_requests": sent.failed, "last_error": sent.last_error}


def not_configured(settings: Settings, runtime: Runtime, missing: str) -> str:
    """Say, in the run's log, that arXiv was not asked because the config does not ask it to."""
    message = f"arXiv not configured: {missing} in {settings.config_file}; no request sent"
    runtime.log.info("%s", message)
    return message


def poll_arxiv(settings: Settings, runtime: Runtime) -> dict:
    """Fetch what is new for every enabled arXiv query, save it, and check sources for silent misses."""
    queries = settings.arxiv.enabled_queries
    with open_writer(settings, runtime) as conn:
        cursors = load_cursors(conn)
    batches = []
    summary: dict = {"database": str(settings.store), "api_url": settings.arxiv.api_url}
    if not queries:
        summary |= {"status": NOT_CONFIGURED, "message": not_configured(settings, runtime, "no [[arxiv.queries]]")}
    else:
        with arxiv_client(settings, runtime) as client:
            for query in queries:
                batches.append(poll_query(runtime, client, settings, query, cursors.get(query.name)))
                report("arXiv queries", 1)
        failed = all(b.error is not None for b in batches)
        summary |= {"status": "failed" if failed else "ok", **requests_sent(client.sent)}
    reports, warnings = runtime.step(save_and_guard, "save-and-guard")(settings, runtime, batches)
    summary |= {"queries": [asdict(r) for r in reports], "warnings": [asdict(w) for w in warnings],
                "failures": [{"query": r.query, "error": r.error} for r in reports if r.status == "failed"]}
    runtime.artifact("poll-arxiv-summary", render_arxiv_poll_report(summary),
                     "What this arXiv poll fetched and saved, per query")
    return summary


def poll_query(runtime: Runtime, client: ArxivClient, settings: Settings, query: ArxivQuery,
               cursor: ArxivCursor | None) -> QueryBatch:
    try:
        entries = runtime.step(fetch_query, f"fetch-arxiv-{query.name}")(
            client, settings.arxiv, query, cursor, runtime.log)
    except SourceError as e:  # one query's failure must not cost the others
        runtime.log.warning("arXiv query %s failed: %s", query.name, e)
        return QueryBatch(query, [], error=str(e))
    fault_point("arxiv.after_fetch")
    runtime.log.info("arXiv query %s: %d entries since the last poll", query.name, len(entries))
    return QueryBatch(query, entries, first_poll=cursor is None)


def lookup_and_save(settings: Settings, runtime: Runtime, client: ArxivClient, ids: list[str]) -> dict:
    """Network, then one write: up to BATCHES_PER_TASK id_list batches."""
    lookup = fetch_by_ids(client, ids, batch_size=settings.arxiv.id_batch_size)
    entries = [e for r in lookup.results if (e := extract_entry(r))]
    fault_point("enrich.after_lookup")
    now = datetime.now(UTC)
    with open_writer(settings, runtime) as conn:
        saved = save_arxiv_entries(conn, entries, at=now, ingest_mode=None)
        fault_point("enrich.before_mark_unknown")
        mark_unknown(conn, lookup.unknown, at=now)
    return {"asked": len(ids), "found": len(entries), "unknown": len(lookup.unknown), "code_links": saved.code_links,
            "metrics": saved.metrics}


def enrich_arxiv(settings: Settings, runtime: Runtime) -> dict:
    """arXiv metadata for papers newsletters named; ids arXiv does not know are marked and rested."""
    totals = {"asked": 0, "found": 0, "unknown": 0, "code_links": 0, "metrics": 0}
    summary: dict = {"database": str(settings.store), "api_url": settings.arxiv.api_url}
    if not settings.arxiv.enrich:
        message = not_configured(settings, runtime, "no `enrich = true` under [arxiv]")
        summary |= {"status": NOT_CONFIGURED, "message": message, "to_look_up": 0, **totals, "requests": 0,
                    "failures": []}
        runtime.artifact("enrich-arxiv-summary", render_enrich_report(summary), "arXiv look-ups of newsletter papers")
        return summary
    with open_writer(settings, runtime) as conn:
        ids = load_ids_to_enrich(conn, now=datetime.now(UTC), recheck_unknown_days=settings.arxiv.recheck_unknown_days)
    chunk = settings.arxiv.id_batch_size * BATCHES_PER_TASK
    report("arXiv ids", 0, total=len(ids))
    failures = []
    with arxiv_client(settings, runtime) as client:
        for n, start in enumerate(range(0, len(ids), chunk)):
            try:
                done = runtime.step(lookup_and_save, f"lookup-arxiv-ids-{n}")(
                    settings, runtime, client, ids[start:start + chunk])
            except SourceError as e:  # what earlier chunks saved stays; the rest is asked next run
                runtime.log.warning("arXiv enrichment stopped after %d of %d ids: %s", totals["asked"], len(ids), e)
                failures.append(str(e))
                break
            fault_point("enrich.after_chunk")
            totals = {k: totals[k] + done[k] for k in totals}
            runtime.log.info("arXiv ids %d-%d: %d found, %d unknown", start + 1, start + done["asked"],
                             done["found"], done["unknown"])
            report("arXiv ids", done["asked"])
    failed = bool(failures) and totals["asked"] == 0
    summary |= {"status": "failed" if failed else "ok", "to_look_up": len(ids), **totals,
                **requests_sent(client.sent), "failures": failures}
    runtime.artifact("enrich-arxiv-summary", render_enrich_report(summary), "arXiv look-ups of newsletter papers")
    return summary
