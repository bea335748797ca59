"""Saving arXiv entries, poll cursors and backfill checkpoints.

Written by the arXiv flows (flows/arxiv.py, flows/backfill.py). A paper is keyed by its version-less
id: an entry updates the row only when its version is at least the stored one, so v1 then v2 is one
row with version 2, and an old listing replayed later never rolls a paper back.

Code links and metrics found in an entry's abstract and comments are stored in `code_links` and
`metrics` like a newsletter's, under source 'arxiv', doc_key = the arXiv id and position 0, with
`arxiv_id` set; they are replaced whenever the entry is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pyarrow as pa

from config.faults import fault_point
from records.arxiv import ArxivEntry
from records.documents import EXTRACTOR_VERSION
from storage.db import transaction
from storage.rows import CODE_SCHEMA, METRIC_SCHEMA, TS
from storage.schema import KEYS
from storage.staging import deduplicated, new_keys

ARXIV_SOURCE = "arxiv"
ARXIV_INGEST_MODES = ("poll", "first_poll", "backfill", "backfill_alert")
PAPER_SCHEMA = pa.schema([
    ("arxiv_id", pa.string()), ("version", pa.int32()), ("title", pa.string()), ("authors", pa.list_(pa.string())),
    ("abstract", pa.string()), ("primary_category", pa.string()), ("categories", pa.list_(pa.string())),
    ("published_at", TS), ("updated_at", TS), ("doi", pa.string()), ("journal_ref", pa.string()),
    ("comments", pa.string()), ("pdf_url", pa.string()),
])


@dataclass(frozen=True)
class ArxivSave:
    new_papers: int
    updated_papers: int
    code_links: int
    metrics: int


def save_arxiv_entries(
    conn: duckdb.DuckDBPyConnection, entries: Sequence[ArxivEntry], *, at: datetime, ingest_mode: str | None
) -> ArxivSave:
    """Upsert papers (latest version wins) and replace their arXiv code links and metrics, in one transaction.

    `ingest_mode` is recorded on papers arXiv polling brings in (None for enrichment of papers
    newsletters named): see ARXIV_INGEST_MODES; it is never changed afterwards.
    """
    if ingest_mode is not None and ingest_mode not in ARXIV_INGEST_MODES:
        raise ValueError(f"ingest_mode must be one of {ARXIV_INGEST_MODES} or None, not {ingest_mode!r}")
    latest: dict[str, ArxivEntry] = {}
    for e in entries:
        kept = latest.get(e.paper.arxiv_id)
        if kept is None or (e.paper.version, e.paper.updated) >= (kept.paper.version, kept.paper.updated):
            latest[e.paper.arxiv_id] = e
    if not latest:
        return ArxivSave(0, 0, 0, 0)
    try:
        with transaction(conn, f"saving {len(latest)} arXiv papers failed"):
            conn.register("stage_arxiv", _papers_table(latest.values()))
            fresh = _fresh_ids(conn)
            new = new_keys(conn, "stage_arxiv", "papers", KEYS["papers"])
            _upsert_papers(conn, at, ingest_mode)
            fault_point("arxiv_save.mid_write")
            code, metrics = _replace_extracted(conn, [latest[i] for i in fresh])
    finally:
        conn.unregister("stage_arxiv")
    return ArxivSave(new, len(fresh) - new, code, metrics)


def _fresh_ids(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Staged papers that are new, or at least as recent as what is stored: these replace it."""
    rows = conn.execute(
        """
        SELECT s.arxiv_id FROM stage_arxiv s LEFT JOIN papers p USING (arxiv_id)
        WHERE p.arxiv_id IS NULL OR p.arxiv_status IS DISTINCT FROM 'ok' OR p.updated_at IS NULL
           OR (coalesce(p.latest_version, 0), p.updated_at) <= (s.version, s.updated_at)
        ORDER BY s.arxiv_id
        """
    ).fetchall()
    return [r[0] for r in rows]


def _upsert_papers(conn: duckdb.DuckDBPyConnection, at: datetime, ingest_mode: str | None) -> None:
    newer = """p.arxiv_status IS DISTINCT FROM 'ok' OR p.updated_at IS NULL
               OR (coalesce(p.latest_version, 0), p.updated_at) <= (s.version, s.updated_at)"""
    updated = ", ".join(
        f"{c} = CASE WHEN {newer} THEN s.{c} ELSE p.{c} END"
        for c in ("title", "authors", "abstract", "primary_category", "categories", "published_at", "updated_at",
                  "doi", "journal_ref", "comments", "pdf_url")
    )
    conn.execute(
        f"""
        MERGE INTO papers AS p
        USING {deduplicated("stage_arxiv", KEYS["papers"], "version DESC, updated_at DESC")} AS s
        ON p.arxiv_id = s.arxiv_id
        WHEN MATCHED THEN UPDATE SET
            {updated},
            latest_version = greatest(p.latest_version, s.version),
            arxiv_ingest_mode = coalesce(p.arxiv_ingest_mode, $mode),
            arxiv_status = 'ok', arxiv_checked_at = $at
        WHEN NOT MATCHED THEN INSERT (arxiv_id, latest_version, title, first_seen_at, last_seen_at, arxiv_ingest_mode,
                                      authors, abstract, primary_category, categories, published_at, updated_at, doi,
                                      journal_ref, comments, pdf_url, arxiv_status, arxiv_checked_at)
            VALUES (s.arxiv_id, s.version, s.title, $at, $at, $mode, s.authors, s.abstract, s.primary_category,
                    s.categories, s.published_at, s.updated_at, s.doi, s.journal_ref, s.comments, s.pdf_url, 'ok', $at)
        """,
        {"at": at, "mode": ingest_mode},
    )


def _replace_extracted(conn: duckdb.DuckDBPyConnection, todo: list[ArxivEntry]) -> tuple[int, int]:
    if not todo:
        return 0, 0
    code = pa.Table.from_pylist([
        {"repo_url": c.url, "source": ARXIV_SOURCE, "doc_key": e.paper.arxiv_id, "position": 0,
         "arxiv_id": e.paper.arxiv_id, "host": c.host, "path": c.path}
        for e in todo for c in {c.url: c for c in reversed(e.code)}.values()
    ], schema=CODE_SCHEMA)
    metrics = pa.Table.from_pylist([
        {"source": ARXIV_SOURCE, "doc_key": e.paper.arxiv_id, "position": 0, "ordinal": n,
         "arxiv_id": e.paper.arxiv_id, "name": m.name, "value": float(m.value), "unit": m.unit, "kind": m.kind,
         "qualifier": m.qualifier, "direction": m.direction, "subject": m.subject, "snippet": m.text,
         "extractor_version": EXTRACTOR_VERSION}
        for e in todo for n, m in enumerate(e.metrics)
    ], schema=METRIC_SCHEMA)
    ids = pa.table({"doc_key": [e.paper.arxiv_id for e in todo]})
    conn.register("stage_arxiv_ids", ids)
    conn.register("stage_arxiv_code", code)
    conn.register("stage_arxiv_metrics", metrics)
    try:
        for table in ("code_links", "metrics"):
            conn.execute(f"DELETE FROM {table} WHERE source = ? AND doc_key IN (SELECT doc_key FROM stage_arxiv_ids)",
                         [ARXIV_SOURCE])
        conn.execute("INSERT INTO code_links SELECT * FROM stage_arxiv_code")
        conn.execute("INSERT INTO metrics SELECT * FROM stage_arxiv_metrics")
    finally:
        for name in ("stage_arxiv_ids", "stage_arxiv_code", "stage_arxiv_metrics"):
            conn.unregister(name)
    return code.num_rows, metrics.num_rows


def _papers_table(entries) -> pa.Table:
    rows = [
        {"arxiv_id": p.arxiv_id, "version": p.version, "title": p.title, "authors": list(p.authors),
         "abstract": p.abstract, "primary_category": p.primary_category, "categories": list(p.categories),
         "published_at": p.published, "updated_at": p.updated, "doi": p.doi, "journal_ref": p.journal_ref,
         "comments": p.comments, "pdf_url": p.pdf_url}
        for p in (e.paper for e in entries)
    ]
    return pa.Table.from_pylist(rows, schema=PAPER_SCHEMA)


# --- enrichment ---------------------------------------------------------------------------------------

def load_ids_to_enrich(conn: duckdb.DuckDBPyConnection, *, now: datetime, recheck_unknown_days: int) -> list[str]:
    """Papers never looked up on arXiv, and unknown ones whose last look-up is older than the recheck period."""
    rows = conn.execute(
        """
        SELECT arxiv_id FROM papers
        WHERE arxiv_status IS NULL
           OR (arxiv_status = 'unknown' AND (arxiv_checked_at IS NULL OR arxiv_checked_at < ?))
        ORDER BY arxiv_id
        """,
        [now - timedelta(days=recheck_unknown_days)],
    ).fetchall()
    return [r[0] for r in rows]


def mark_unknown(conn: duckdb.DuckDBPyConnection, ids: Sequence[str], *, at: datetime) -> None:
    """arXiv said it does not know these ids: remember that, so they are not asked again on every run."""
    if ids:
        conn.execute(
            """
            UPDATE papers SET arxiv_status = 'unknown', arxiv_checked_at = ?
            WHERE arxiv_id IN (SELECT unnest(?::VARCHAR[])) AND arxiv_status IS DISTINCT FROM 'ok'
            """,
            [at, list(ids)],
        )


# --- poll cursors and backfill checkpoints ----------------------------------------------------------

@dataclass(frozen=True)
class ArxivCursor:
    query_name: str
    search_query: str
    newest_updated_at: datetime | None = None
    last_poll_at: datetime | None = None
    last_entries_at: datetime | None = None
    polls_with_entries: int = 0
    consecutive_empty_weekday_polls: int = 0


def load_cursors(conn: duckdb.DuckDBPyConnection) -> dict[str, ArxivCursor]:
    rows = conn.execute(
        """
        SELECT query_name, search_query, newest_updated_at, last_poll_at, last_entries_at, polls_with_entries,
               consecutive_empty_weekday_polls FROM arxiv_cursors
        """
    ).fetchall()
    return {r[0]: ArxivCursor(*r) for r in rows}


def save_cursor(
    conn: duckdb.DuckDBPyConnection, *, query_name: str, search_query: str, newest: datetime | None,
    polled_at: datetime, entries: int,
) -> ArxivCursor:
    """Record one successful poll: the newest `updated` seen, and the run of empty weekday polls."""
    weekday = polled_at.weekday() < 5
    conn.execute(
        """
        MERGE INTO arxiv_cursors AS c
        USING (SELECT $name AS query_name, $query AS search_query, CAST($newest AS TIMESTAMPTZ) AS newest) AS s
        ON c.query_name = s.query_name
        WHEN MATCHED THEN UPDATE SET
            search_query = s.search_query,
            newest_updated_at = CASE WHEN c.search_query = s.search_query
                                     THEN greatest(c.newest_updated_at, s.newest) ELSE s.newest END,
            last_poll_at = $at,
            last_entries_at = coalesce(CASE WHEN $n > 0 THEN CAST($at AS TIMESTAMPTZ) END, c.last_entries_at),
            polls_with_entries = c.polls_with_entries + CASE WHEN $n > 0 THEN 1 ELSE 0 END,
            consecutive_empty_weekday_polls = CASE WHEN $n > 0 THEN 0
                WHEN $weekday THEN c.consecutive_empty_weekday_polls + 1
                ELSE c.consecutive_empty_weekday_polls END
        WHEN NOT MATCHED THEN INSERT VALUES (s.query_name, s.search_query, s.newest, $at,
                                             CASE WHEN $n > 0 THEN CAST($at AS TIMESTAMPTZ) END,
                                             CASE WHEN $n > 0 THEN 1 ELSE 0 END,
                                             CASE WHEN $n = 0 AND $weekday THEN 1 ELSE 0 END)
        """,
        {"name": query_name, "query": search_query, "newest": newest, "at": polled_at, "n": entries,
         "weekday": weekday},
    )
    return load_cursors(conn)[query_name]


def load_done_days(conn: duckdb.DuckDBPyConnection, search_query: str) -> dict[date, int]:
    """Days a backfill finished for this query, with the number of entries each had."""
    rows = conn.execute("SELECT day, entries FROM backfill_checkpoints WHERE search_query = ?",
                        [search_query]).fetchall()
    return dict(rows)


def save_checkpoint(
    conn: duckdb.DuckDBPyConnection, *, search_query: str, query_name: str, day: date, entries: int, at: datetime
) -> None:
    conn.execute(
        """
        MERGE INTO backfill_checkpoints AS b
        USING (SELECT ? AS search_query, CAST(? AS DATE) AS day, ? AS query_name, ? AS entries,
                      CAST(? AS TIMESTAMPTZ) AS completed_at) AS s
        ON b.search_query = s.search_query AND b.day = s.day
        WHEN MATCHED THEN UPDATE SET query_name = s.query_name, entries = s.entries, completed_at = s.completed_at
        WHEN NOT MATCHED THEN INSERT VALUES (s.search_query, s.day, s.query_name, s.entries, s.completed_at)
        """,
        [search_query, day, query_name, entries, at],
    )
