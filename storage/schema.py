"""The DuckDB schema as an ordered list of forward migrations.

`storage.db.open_db` (through `storage.db.migrate`) applies the ones a database has not seen, each in
its own transaction, and records them in `schema_version`. Never edit a released migration: append a new one.

Keys are natural: a source by its name, a document by (source, doc_key) where doc_key is the feed
GUID / canonical URL / Message-ID, an item by its document and position, a paper by its version-less
arXiv id, a code link by its item and repository URL.

Migration 2 adds the views and macros for ad-hoc SQL; their text lives in storage/views.py. Every
table, view and column is documented in docs/schema.md.

Migration 9 takes the PRIMARY KEYs off the tables of a document's rows (items, mentions, code_links,
metrics): each document's rows are only ever replaced whole (deleted, then inserted from a batch
staged one row per key, storage/rows.py), so the key indexes checked nothing the write does not
already hold, and cost a poll more than its statements: DuckDB maintains an ART index per key on every
insert and writes each one out whole at every checkpoint (1,000 documents saved as a poll saves
them, two batches of 31k rows in all: 4.7-5.3 s with them, 1.9-3.2 s without, in one run). The
tables whose rows are upserted (documents, papers, sources, the ledger, cursors) keep their keys. A
lake never had keys, so on a lake this migration is recorded and not run (`FILE_ONLY`); the tests
hold every table's KEYS unique on both backends.
"""

from __future__ import annotations

from storage.ledger_schema import ALERTS_THREADS_V6, ALERTS_V5
from storage.views import (
    METRICS_BY_BENCHMARK_V7,
    PAPER_CODE_V4,
    PAPERS_OVERVIEW_V4,
    VIEWS_V1,
    VIEWS_WITHOUT_MACROS_V8,
)

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "newsletter tables",
        """
        CREATE TABLE sources (
            name VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            location VARCHAR NOT NULL,
            etag VARCHAR,
            last_modified VARCHAR,
            last_attempt_at TIMESTAMPTZ,
            last_success_at TIMESTAMPTZ,
            last_new_document_at TIMESTAMPTZ,
            last_error VARCHAR,
            consecutive_failures INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE documents (
            source VARCHAR NOT NULL,
            doc_key VARCHAR NOT NULL,
            url VARCHAR,
            title VARCHAR,
            author VARCHAR,
            published_at TIMESTAMPTZ,
            body VARCHAR NOT NULL,
            body_type VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            fetched_at TIMESTAMPTZ NOT NULL,
            extracted_at TIMESTAMPTZ,
            extractor_version VARCHAR,
            PRIMARY KEY (source, doc_key)
        );
        CREATE TABLE items (
            source VARCHAR NOT NULL,
            doc_key VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            title VARCHAR,
            text VARCHAR,
            links VARCHAR[],
            PRIMARY KEY (source, doc_key, position)
        );
        CREATE TABLE papers (
            arxiv_id VARCHAR PRIMARY KEY,
            latest_version INTEGER,
            title VARCHAR,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE mentions (
            arxiv_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            doc_key VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            role VARCHAR NOT NULL,
            version INTEGER,
            url VARCHAR,
            PRIMARY KEY (arxiv_id, source, doc_key, position)
        );
        CREATE TABLE code_links (
            repo_url VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            doc_key VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            arxiv_id VARCHAR,
            host VARCHAR NOT NULL,
            path VARCHAR,
            PRIMARY KEY (repo_url, source, doc_key, position)
        );
        CREATE TABLE metrics (
            source VARCHAR NOT NULL,
            doc_key VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            ordinal INTEGER NOT NULL,
            arxiv_id VARCHAR,
            name VARCHAR,
            value DOUBLE NOT NULL,
            unit VARCHAR NOT NULL,
            kind VARCHAR,
            qualifier VARCHAR,
            direction VARCHAR,
            subject VARCHAR,
            snippet VARCHAR,
            extractor_version VARCHAR NOT NULL,
            PRIMARY KEY (source, doc_key, position, ordinal)
        );
        """,
    ),
    (2, "views and macros for ad-hoc SQL", VIEWS_V1),
    (
        3,
        "ingest modes (alert suppression) and arXiv metadata on papers",
        """
        ALTER TABLE documents ADD COLUMN ingest_mode VARCHAR DEFAULT 'poll';
        ALTER TABLE papers ADD COLUMN arxiv_ingest_mode VARCHAR;
        ALTER TABLE papers ADD COLUMN authors VARCHAR[];
        ALTER TABLE papers ADD COLUMN abstract VARCHAR;
        ALTER TABLE papers ADD COLUMN primary_category VARCHAR;
        ALTER TABLE papers ADD COLUMN categories VARCHAR[];
        ALTER TABLE papers ADD COLUMN published_at TIMESTAMPTZ;
        ALTER TABLE papers ADD COLUMN updated_at TIMESTAMPTZ;
        ALTER TABLE papers ADD COLUMN doi VARCHAR;
        ALTER TABLE papers ADD COLUMN journal_ref VARCHAR;
        ALTER TABLE papers ADD COLUMN comments VARCHAR;
        ALTER TABLE papers ADD COLUMN pdf_url VARCHAR;
        ALTER TABLE papers ADD COLUMN arxiv_status VARCHAR;
        ALTER TABLE papers ADD COLUMN arxiv_checked_at TIMESTAMPTZ;
        """,
    ),
    (
        4,
        "arXiv cursors, backfill checkpoints, source-health warnings; arXiv code and metadata in the views",
        """
        CREATE TABLE arxiv_cursors (
            query_name VARCHAR PRIMARY KEY,
            search_query VARCHAR NOT NULL,
            newest_updated_at TIMESTAMPTZ,
            last_poll_at TIMESTAMPTZ,
            last_entries_at TIMESTAMPTZ,
            polls_with_entries INTEGER NOT NULL DEFAULT 0,
            consecutive_empty_weekday_polls INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE backfill_checkpoints (
            search_query VARCHAR NOT NULL,
            day DATE NOT NULL,
            query_name VARCHAR NOT NULL,
            entries INTEGER NOT NULL,
            completed_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (search_query, day)
        );
        CREATE TABLE source_health_warnings (
            subject VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL,
            last_seen_at TIMESTAMPTZ NOT NULL,
            resolved_at TIMESTAMPTZ,
            PRIMARY KEY (subject, kind)
        );
        """ + PAPER_CODE_V4 + PAPERS_OVERVIEW_V4,
    ),
    (5, "alert delivery ledger and the alerts_log view", ALERTS_V5),
    (6, "the Slack thread of alerts delivered as thread replies", ALERTS_THREADS_V6),
    (7, "arXiv abstracts' scores in metrics_by_benchmark, with their origin", METRICS_BY_BENCHMARK_V7),
    (8, "trending and papers_overview without macros: every view one text on both backends",
     VIEWS_WITHOUT_MACROS_V8),
    (9, "no PRIMARY KEY on a document's rows (items, mentions, code_links, metrics): replaced whole, never upserted",
     "".join(f"""
        CREATE TABLE {table}_unkeyed ({columns});
        INSERT INTO {table}_unkeyed SELECT * FROM {table};
        DROP TABLE {table};
        ALTER TABLE {table}_unkeyed RENAME TO {table};
        """ for table, columns in (
         ("items", "source VARCHAR NOT NULL, doc_key VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR, "
                   "text VARCHAR, links VARCHAR[]"),
         ("mentions", "arxiv_id VARCHAR NOT NULL, source VARCHAR NOT NULL, doc_key VARCHAR NOT NULL, "
                      "position INTEGER NOT NULL, role VARCHAR NOT NULL, version INTEGER, url VARCHAR"),
         ("code_links", "repo_url VARCHAR NOT NULL, source VARCHAR NOT NULL, doc_key VARCHAR NOT NULL, "
                        "position INTEGER NOT NULL, arxiv_id VARCHAR, host VARCHAR NOT NULL, path VARCHAR"),
         ("metrics", "source VARCHAR NOT NULL, doc_key VARCHAR NOT NULL, position INTEGER NOT NULL, "
                     "ordinal INTEGER NOT NULL, arxiv_id VARCHAR, name VARCHAR, value DOUBLE NOT NULL, "
                     "unit VARCHAR NOT NULL, kind VARCHAR, qualifier VARCHAR, direction VARCHAR, subject VARCHAR, "
                     "snippet VARCHAR, extractor_version VARCHAR NOT NULL"),
     ))),
]

#: Migrations that only change key constraints: a lake has none, so it records them without running them.
FILE_ONLY = frozenset({9})

#: How a document or an arXiv entry came in, which decides whether it may be alerted on:
#: "poll" (a regular poll), "first_poll" (a newly added source's first poll: its archive),
#: "backfill" (a backfill without --alert) and "backfill_alert" (a backfill with --alert).
#: Only "poll" and "backfill_alert" may alert.
INGEST_MODES = ("poll", "first_poll", "backfill", "backfill_alert")
ALERTABLE_INGEST_MODES = ("poll", "backfill_alert")

#: Every table the pipeline writes, in the order a document's rows depend on each other.
TABLES = ("sources", "documents", "items", "papers", "mentions", "code_links", "metrics")

#: Every table's natural key: what its MERGE matches on, what `radar migrate-storage` compares, and what
#: the tests hold unique (count(*) = count(DISTINCT key)) on both backends. The embedded file also has
#: them as PRIMARY KEYs (migrations 1, 4 and 5), except on a document's rows (storage.rows.ROW_TABLES, since
#: migration 9), which the write replaces whole from a batch staged one row per key; a lake has no key
#: constraints at all, so there the writes uphold every key.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("name",),
    "documents": ("source", "doc_key"),
    "items": ("source", "doc_key", "position"),
    "papers": ("arxiv_id",),
    "mentions": ("arxiv_id", "source", "doc_key", "position"),
    "code_links": ("repo_url", "source", "doc_key", "position"),
    "metrics": ("source", "doc_key", "position", "ordinal"),
    "arxiv_cursors": ("query_name",),
    "backfill_checkpoints": ("search_query", "day"),
    "source_health_warnings": ("subject", "kind"),
    "alerts": ("channel", "alert_key"),
    "schema_version": ("version",),
}
