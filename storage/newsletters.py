"""Saving and loading newsletter documents and what was extracted from them.

Writes are set-based: documents are staged as Arrow tables (storage/rows.py) and merged in one
transaction per batch (storage/batch.py: a MERGE on the key from a deduplicated batch, the same text
on the embedded file and on a DuckLake). Every write is idempotent: a document whose content is
unchanged is not touched, so polling the same feed twice inserts nothing. A new or changed document
(or any document, when re-extracting) has its items, mentions, code links and metrics replaced
wholesale, so an extractor fix also removes the rows it used to get wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import duckdb

from records.documents import Document, Extraction
from storage.batch import Part, SaveResult, save_batch
from storage.db import StorageError
from storage.schema import TABLES

__all__ = ["SaveResult", "load_documents", "save_extractions", "table_counts"]


def table_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table: a full count of every table, for reports that need it (never on a poll's path)."""
    # One statement: on a lake each statement pays a round trip to the catalog.
    counts = conn.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES)).fetchone()
    return dict(zip(TABLES, counts, strict=True))


def save_extractions(
    conn: duckdb.DuckDBPyConnection,
    extractions: Sequence[Extraction],
    *,
    fetched_at: datetime,
    replace_unchanged: bool = False,
    ingest_mode: str = "poll",
) -> SaveResult:
    """Merge documents and their extracted rows in one transaction (one batch of one part).

    Unchanged documents are skipped unless `replace_unchanged` (re-extraction after an extractor
    change), in which case their rows are replaced too. `ingest_mode` (see storage.schema.INGEST_MODES)
    is recorded on documents new to the database. A failed write raises StorageError.
    """
    [result] = save_batch(conn, [Part(extractions, fetched_at, ingest_mode)], replace_unchanged=replace_unchanged)
    if result.error is not None:
        raise StorageError(result.error)
    return result


def _documents(rows) -> list[Document]:
    return [
        Document(source=s, key=k, url=u, title=t or "", body=b, body_type=bt, published=p, author=a)
        for s, k, u, t, b, bt, p, a in rows
    ]


DOCUMENT_COLUMNS = "source, doc_key, url, title, body, body_type, published_at, author"


def load_documents(conn: duckdb.DuckDBPyConnection, source: str | None = None, *,
                   after: tuple[str, str] | None = None, limit: int | None = None) -> list[Document]:
    """Stored documents (all, or one source's), rebuilt as records for re-extraction, in key order.

    `after` (a (source, doc_key)) and `limit` read them a page at a time (keyset paging: a page starts
    after the last key of the one before, so documents added between pages are not read twice).
    """
    after_source, after_key = after or (None, None)
    rows = conn.execute(
        f"""
        SELECT {DOCUMENT_COLUMNS} FROM documents
        WHERE ($source IS NULL OR source = $source)
          AND ($after_source IS NULL OR source > $after_source OR (source = $after_source AND doc_key > $after_key))
        ORDER BY source, doc_key LIMIT $limit
        """,
        {"source": source, "after_source": after_source, "after_key": after_key, "limit": limit},
    ).fetchall()
    return _documents(rows)
