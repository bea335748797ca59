"""Pipeline `backfill`: a past date range, from arXiv and from newsletters, without flooding alerts.

arXiv: one window per GMT day and configured query (`submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`),
one step per day; each finished day is checkpointed (backfill_checkpoints), so an interrupted
backfill resumes at the first day not done. Newsletters: stored raw documents dated in the range are
re-extracted; an archive (a folder of .html/.eml files, or a text file listing post URLs) is fetched
and ingested under one configured source. Extraction runs with the database closed; only the
writes hold it. Everything is idempotent: running a backfill twice adds nothing. What it ingests is
marked `backfill` (or `backfill_alert` with `alert=True`), so regular delivery never sends it unless asked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from config.arxiv import ArxivQuery
from config.faults import fault_point
from config.settings import ConfigError, Settings
from extractors.arxiv_entries import extract_entry
from flows.pipeline.arxiv import arxiv_client
from flows.pipeline.extract import extract_documents, parse_any
from flows.pipeline.newsletters import reextract
from flows.pipeline.report import DayResult, render_backfill_report
from flows.pipeline.runtime import Runtime, open_writer
from flows.progress import listening, report
from sources.arxiv import ArxivClient, fetch_day
from sources.errors import SourceError
from sources.http import Fetched, fetch_url, make_client
from sources.local import read_path
from storage.arxiv import load_done_days, save_arxiv_entries, save_checkpoint
from storage.newsletters import save_extractions

ARXIV = "arxiv"
#: Papers are announced a day or more after submission (three over a weekend): a day's window is only
#: checkpointed once it is this many days old, so a backfill reaching today fetches recent days again.
SETTLE_DAYS = 3


def backfill_day(settings: Settings, runtime: Runtime, client: ArxivClient, query: ArxivQuery, day: date,
                 mode: str) -> DayResult:
    """One query's entries submitted on one day: fetched, saved, and the day checkpointed once settled."""
    entries = [e for r in fetch_day(client, query.search_query, day) if (e := extract_entry(r))]
    fault_point("backfill.after_fetch")
    now = datetime.now(UTC)
    with open_writer(settings, runtime) as conn:
        saved = save_arxiv_entries(conn, entries, at=now, ingest_mode=mode)
        fault_point("backfill.before_checkpoint")
        if day <= now.date() - timedelta(days=SETTLE_DAYS):  # a recent day may still grow: fetch it again
            save_checkpoint(conn, search_query=query.search_query, query_name=query.name, day=day,
                            entries=len(entries), at=now)
    return DayResult(query.name, day, len(entries), saved.new_papers)


def backfill_arxiv(settings: Settings, runtime: Runtime, queries: list[ArxivQuery], days: list[date],
                   mode: str) -> tuple[list[DayResult], list[str]]:
    """Every query's days, and the failures: a query that fails stops at that day (the next run resumes
    it there) and the other queries go on, so one bad query never blocks the others' backfill."""
    with open_writer(settings, runtime) as conn:
        done = {q.name: load_done_days(conn, q.search_query) for q in queries}
    results, failures = [], []
    with arxiv_client(settings, runtime) as client:
        for query in queries:
            for n, day in enumerate(days):
                if day in done[query.name]:
                    results.append(DayResult(query.name, day, done[query.name][day], 0, skipped=True))
                    report("arXiv days", 1)
                    continue
                try:
                    step = runtime.step(backfill_day, f"backfill-arxiv-{query.name}-{day}")
                    results.append(day_done := step(settings, runtime, client, query, day, mode))
                    fault_point("backfill.after_day")
                except SourceError as e:  # finished days are checkpointed: the next run resumes at this one
                    runtime.log.warning("arXiv backfill of query %s stopped at %s: %s", query.name, day, e)
                    failures.append(f"arXiv query {query.name}, {day}: {e}")
                    report("arXiv days", len(days) - n)
                    break
                runtime.log.info("arXiv query %s, %s: %d entries, %d new papers", query.name, day,
                                 day_done.entries, day_done.new_papers)
                report("arXiv days", 1)
    return results, failures


def ingest_archive(settings: Settings, runtime: Runtime, source: str, archive: str, start: date, end: date,
                   mode: str) -> dict:
    """Documents of an archive (folder of .html/.eml files, or a file of post URLs) dated in the range."""
    docs = parse_any(_read_archive(settings, source, archive), source)
    kept = [d for d in docs if _in_range(d.published, start, end)]
    extracted = extract_documents(kept, runtime.log)
    with open_writer(settings, runtime) as conn:
        saved = save_extractions(conn, extracted.extractions, fetched_at=datetime.now(UTC), ingest_mode=mode)
    return {"documents": len(docs), "in_range": len(kept), "new_documents": saved.new_documents}


def _read_archive(settings: Settings, source: str, archive: str) -> list[Fetched]:
    path = Path(archive)
    if path.is_dir():
        return read_path(path, source=source, max_bytes=settings.fetch.max_bytes)
    urls = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    with make_client(timeout=settings.fetch.timeout_seconds, user_agent=settings.fetch.user_agent) as client:
        return [fetch_url(client, u, source=source, max_bytes=settings.fetch.max_bytes,
                          deadline=settings.fetch.deadline) for u in urls]


def _in_range(when: datetime | None, start: date, end: date) -> bool:
    """Undated documents count as in range: the archive was chosen for the period."""
    return when is None or start <= when.astimezone(UTC).date() <= end


def days_between(start: date, end: date) -> list[date]:
    if end < start:
        raise ConfigError(f"backfill: --to {end} is before --from {start}")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def split_targets(settings: Settings, sources: list[str] | None) -> tuple[list[ArxivQuery], list[str]]:
    """`sources` names: "arxiv" (every enabled query), "arxiv:<query>", or newsletter sources. None: all."""
    if not sources:
        return settings.arxiv.enabled_queries, [s.name for s in settings.enabled_sources]
    queries, newsletters = [], []
    for name in sources:
        if name == ARXIV:
            queries += settings.arxiv.enabled_queries
        elif name.startswith(ARXIV + ":"):
            try:
                queries.append(settings.arxiv.query(name.split(":", 1)[1]))
            except KeyError:
                raise ConfigError(f"{settings.config_file}: no arXiv query named {name[6:]!r}") from None
        else:
            newsletters.append(settings.source(name).name)
    return list({q.name: q for q in queries}.values()), list(dict.fromkeys(newsletters))


def backfill(settings: Settings, runtime: Runtime, start: date, end: date, sources: list[str] | None = None,
             alert: bool = False, archive: str | None = None) -> dict:
    """Backfill [start, end] (GMT days, inclusive) from arXiv and newsletters; see the module docstring."""
    mode = "backfill_alert" if alert else "backfill"
    days = days_between(start, end)
    queries, newsletters = split_targets(settings, sources)
    if archive and len(newsletters) != 1:
        raise ConfigError("backfill: --archive needs exactly one newsletter --source to store it under")
    progress = runtime.progress(f"arXiv days backfilled, {start} to {end}")
    with listening(progress):
        report("arXiv days", 0, total=len(days) * len(queries))
        arxiv_days, failures = backfill_arxiv(settings, runtime, queries, days, mode)
        progress.finish()
    fault_point("backfill.before_newsletters")
    archived = (runtime.step(ingest_archive, "ingest-archive")(settings, runtime, newsletters[0], archive, start, end,
                                                             mode) if archive else None)
    reextracted = 0
    if newsletters and not archive:
        done = runtime.step(reextract, "reextract-stored")(settings, runtime, newsletters,
                                                          lambda d: _in_range(d.published, start, end))
        reextracted = done["documents"]
    summary = {
        "database": str(settings.store), "from": start.isoformat(), "to": end.isoformat(), "ingest_mode": mode,
        "arxiv": [{"query": d.query, "day": d.day.isoformat(), "entries": d.entries, "new_papers": d.new_papers,
                   "skipped": d.skipped} for d in arxiv_days],
        "reextracted_documents": reextracted, "archive": archived, "failures": failures,
    }
    runtime.artifact("backfill-summary", render_backfill_report(summary), "What this backfill fetched and saved")
    return summary
