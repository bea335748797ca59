"""Saving and loading newsletter documents and what was extracted from them.

Writes are set-based: each batch is staged as Arrow tables and merged in one transaction
(storage/staging.py: a MERGE on the key from a deduplicated batch, the same text on the embedded
file and on a DuckLake). Every write is idempotent: a document whose content is unchanged is not
touched, so polling the same feed twice inserts nothing. A new or changed document (or any document,
when re-extracting) has its items, mentions, code links and metrics replaced wholesale, so an
extractor fix also removes the rows it used to get wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from config.faults import fault_point
from records.documents import EXTRACTOR_VERSION, Document, Extraction, Item
from storage.db import transaction
from storage.schema import INGEST_MODES, KEYS, TABLES
from storage.staging import deduplicated

TS = pa.timestamp("us", tz="UTC")
DOC_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("url", pa.string()), ("title", pa.string()),
    ("author", pa.string()), ("published_at", TS), ("body", pa.string()), ("body_type", pa.string()),
    ("content_hash", pa.string()), ("fetched_at", TS),
])
ITEM_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()), ("title", pa.string()),
    ("text", pa.string()), ("links", pa.list_(pa.string())),
])
MENTION_SCHEMA = pa.schema([
    ("arxiv_id", pa.string()), ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()),
    ("role", pa.string()), ("version", pa.int32()), ("url", pa.string()), ("title", pa.string()),
    ("seen_at", TS),
])
CODE_SCHEMA = pa.schema([
    ("repo_url", pa.string()), ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()),
    ("arxiv_id", pa.string()), ("host", pa.string()), ("path", pa.string()),
])
METRIC_SCHEMA = pa.schema([
    ("source", pa.string()), ("doc_key", pa.string()), ("position", pa.int32()), ("ordinal", pa.int32()),
    ("arxiv_id", pa.string()), ("name", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
    ("kind", pa.string()), ("qualifier", pa.string()), ("direction", pa.string()), ("subject", pa.string()),
    ("snippet", pa.string()), ("extractor_version", pa.string()),
])


@dataclass(frozen=True)
class SaveResult:
    """What one save changed: documents by fate, and rows inserted per table."""

    new_documents: int
    changed_documents: int
    unchanged_documents: int
    inserted: dict[str, int]


def content_hash(doc: Document) -> str:
    h = hashlib.sha256()
    for part in (doc.title, doc.url or "", doc.body_type, doc.body):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def table_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
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
    in_transaction: Callable[[int], None] | None = None,
) -> SaveResult:
    """Merge documents and their extracted rows in one transaction.

    Unchanged documents are skipped unless `replace_unchanged` (re-extraction after an extractor
    change), in which case their rows are replaced too. `ingest_mode` (see storage.schema.INGEST_MODES)
    is recorded on documents new to the database. `in_transaction(n)` runs inside that transaction
    after the merge, with n the number of new or changed documents: a source's fetch state
    (storage/spool.py), which must commit with its documents or not at all.
    """
    if ingest_mode not in INGEST_MODES:
        raise ValueError(f"ingest_mode must be one of {INGEST_MODES}, not {ingest_mode!r}")
    latest = {(e.document.source, e.document.key): e for e in extractions}  # last copy of a key wins
    before = table_counts(conn)
    try:
        with transaction(conn, f"saving {len(latest)} documents failed"):
            conn.register("stage_documents", _documents_table(latest.values(), fetched_at))
            fates = _classify(conn)
            todo = [e for k, e in latest.items() if fates.get(k) in ("new", "changed") or replace_unchanged]
            _replace_rows(conn, todo, fetched_at, ingest_mode)
            if in_transaction is not None:
                in_transaction(sum(1 for f in fates.values() if f in ("new", "changed")))
    finally:
        conn.unregister("stage_documents")
    after = table_counts(conn)
    counts = [sum(1 for f in fates.values() if f == fate) for fate in ("new", "changed", "unchanged")]
    return SaveResult(*counts, inserted={t: max(after[t] - before[t], 0) for t in TABLES if t != "sources"})


def _classify(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    rows = conn.execute(
        """
        SELECT s.source, s.doc_key,
               CASE WHEN d.doc_key IS NULL THEN 'new'
                    WHEN d.content_hash <> s.content_hash THEN 'changed' ELSE 'unchanged' END
        FROM stage_documents s LEFT JOIN documents d USING (source, doc_key)
        """
    ).fetchall()
    return {(src, key): fate for src, key, fate in rows}


def _replace_rows(
    conn: duckdb.DuckDBPyConnection, todo: list[Extraction], fetched_at: datetime, ingest_mode: str
) -> None:
    if not todo:
        return
    conn.register("stage_todo", _documents_table(todo, fetched_at))
    conn.register("stage_items", _items_table(todo))
    conn.register("stage_mentions", _mentions_table(todo, fetched_at))
    conn.register("stage_code", _code_table(todo))
    conn.register("stage_metrics", _metrics_table(todo))
    try:
        conn.execute(
            """
            CREATE OR REPLACE TEMP TABLE dropped_papers AS
            SELECT DISTINCT arxiv_id FROM mentions WHERE (source, doc_key) IN (SELECT source, doc_key FROM stage_todo)
            """
        )
        for table in ("items", "mentions", "code_links", "metrics"):
            conn.execute(
                f"DELETE FROM {table} WHERE (source, doc_key) IN (SELECT source, doc_key FROM stage_todo)"
            )
        _upsert_documents(conn, ingest_mode)
        conn.execute("INSERT INTO items SELECT * FROM stage_items")
        conn.execute("INSERT INTO mentions SELECT * EXCLUDE (title, seen_at) FROM stage_mentions")
        fault_point("newsletters.mid_write")
        conn.execute("INSERT INTO code_links SELECT * FROM stage_code")
        conn.execute("INSERT INTO metrics SELECT * FROM stage_metrics")
        _upsert_papers(conn)
    finally:
        for name in ("stage_todo", "stage_items", "stage_mentions", "stage_code", "stage_metrics"):
            conn.unregister(name)


def _upsert_documents(conn: duckdb.DuckDBPyConnection, ingest_mode: str) -> None:
    # ingest_mode is set on insert only: how a document first came in decides its alerts.
    conn.execute(
        f"""
        MERGE INTO documents AS d
        USING {deduplicated("stage_todo", KEYS["documents"], "fetched_at DESC")} AS s
        ON d.source = s.source AND d.doc_key = s.doc_key
        WHEN MATCHED THEN UPDATE SET
            url = s.url, title = s.title, author = s.author, published_at = s.published_at, body = s.body,
            body_type = s.body_type, content_hash = s.content_hash,
            fetched_at = CASE WHEN d.content_hash <> s.content_hash THEN s.fetched_at ELSE d.fetched_at END,
            extracted_at = now(), extractor_version = $version
        WHEN NOT MATCHED THEN INSERT (source, doc_key, url, title, author, published_at, body, body_type,
                                      content_hash, first_seen_at, fetched_at, extracted_at, extractor_version,
                                      ingest_mode)
            VALUES (s.source, s.doc_key, s.url, s.title, s.author, s.published_at, s.body, s.body_type,
                    s.content_hash, s.fetched_at, s.fetched_at, now(), $version, $mode)
        """,
        {"version": EXTRACTOR_VERSION, "mode": ingest_mode},
    )


def _upsert_papers(conn: duckdb.DuckDBPyConnection) -> None:
    # The batch grouped to one row per paper: its newest version, its primary mention's title.
    conn.execute(
        """
        MERGE INTO papers AS p
        USING (SELECT arxiv_id, max(version) AS latest_version, arg_min(title, (role <> 'primary', seen_at)) AS title,
                      min(seen_at) AS first_seen_at, max(seen_at) AS last_seen_at
               FROM stage_mentions GROUP BY arxiv_id) AS s
        ON p.arxiv_id = s.arxiv_id
        WHEN MATCHED THEN UPDATE SET
            latest_version = greatest(p.latest_version, s.latest_version),
            title = coalesce(p.title, s.title),
            first_seen_at = least(p.first_seen_at, s.first_seen_at),
            last_seen_at = greatest(p.last_seen_at, s.last_seen_at)
        WHEN NOT MATCHED THEN INSERT (arxiv_id, latest_version, title, first_seen_at, last_seen_at)
            VALUES (s.arxiv_id, s.latest_version, s.title, s.first_seen_at, s.last_seen_at)
        """
    )
    # A paper that an extractor fix no longer finds anywhere goes too (unless arXiv polling found it).
    conn.execute(
        """
        DELETE FROM papers WHERE arxiv_id IN (SELECT arxiv_id FROM dropped_papers)
          AND arxiv_id NOT IN (SELECT arxiv_id FROM mentions) AND arxiv_ingest_mode IS NULL
        """
    )


def _documents_table(extractions, fetched_at: datetime) -> pa.Table:
    rows = [
        {"source": d.source, "doc_key": d.key, "url": d.url, "title": d.title, "author": d.author,
         "published_at": d.published, "body": d.body, "body_type": d.body_type,
         "content_hash": content_hash(d), "fetched_at": fetched_at}
        for d in (e.document for e in extractions)
    ]
    return pa.Table.from_pylist(rows, schema=DOC_SCHEMA)


def _items_table(todo: list[Extraction]) -> pa.Table:
    rows = [
        {"source": e.document.source, "doc_key": e.document.key, "position": i.position, "title": i.title,
         "text": i.text, "links": list(i.links)}
        for e in todo for i in _unique_positions(e.items)
    ]
    return pa.Table.from_pylist(rows, schema=ITEM_SCHEMA)


def _mentions_table(todo: list[Extraction], fetched_at: datetime) -> pa.Table:
    rows = []
    for e in todo:
        seen_at = e.document.published or fetched_at
        for item in _unique_positions(e.items):
            for ref in {p.arxiv_id: p for p in reversed(item.papers)}.values():
                rows.append({
                    "arxiv_id": ref.arxiv_id, "source": e.document.source, "doc_key": e.document.key,
                    "position": item.position, "role": ref.role, "version": ref.version, "url": ref.url,
                    "title": item.title if ref.role == "primary" else None, "seen_at": seen_at,
                })
    return pa.Table.from_pylist(rows, schema=MENTION_SCHEMA)


def _code_table(todo: list[Extraction]) -> pa.Table:
    rows = [
        {"repo_url": c.url, "source": e.document.source, "doc_key": e.document.key, "position": item.position,
         "arxiv_id": _primary(item), "host": c.host, "path": c.path}
        for e in todo for item in _unique_positions(e.items)
        for c in {c.url: c for c in reversed(item.code)}.values()
    ]
    return pa.Table.from_pylist(rows, schema=CODE_SCHEMA)


def _metrics_table(todo: list[Extraction]) -> pa.Table:
    rows = [
        {"source": e.document.source, "doc_key": e.document.key, "position": item.position, "ordinal": n,
         "arxiv_id": _primary(item), "name": m.name, "value": float(m.value), "unit": m.unit, "kind": m.kind,
         "qualifier": m.qualifier, "direction": m.direction, "subject": m.subject, "snippet": m.text,
         "extractor_version": EXTRACTOR_VERSION}
        for e in todo for item in _unique_positions(e.items) for n, m in enumerate(item.metrics)
    ]
    return pa.Table.from_pylist(rows, schema=METRIC_SCHEMA)


def _unique_positions(items: Sequence[Item]) -> list[Item]:
    return list({i.position: i for i in items}.values())


def _primary(item: Item) -> str | None:
    primary = [p.arxiv_id for p in item.papers if p.role == "primary"]
    return primary[0] if primary else (item.papers[0].arxiv_id if item.papers else None)


def load_documents(conn: duckdb.DuckDBPyConnection, source: str | None = None) -> list[Document]:
    """Stored documents (all, or one source's), rebuilt as records for re-extraction."""
    rows = conn.execute(
        """
        SELECT source, doc_key, url, title, body, body_type, published_at, author FROM documents
        WHERE ? IS NULL OR source = ? ORDER BY source, doc_key
        """,
        [source, source],
    ).fetchall()
    return [
        Document(source=s, key=k, url=u, title=t or "", body=b, body_type=bt, published=p, author=a)
        for s, k, u, t, b, bt, p, a in rows
    ]
