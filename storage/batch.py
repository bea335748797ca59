"""Saving a batch of newsletter documents: one set-based write across sources, each source isolated.

A poll hands its documents over in bounded batches (flows/pipeline/newsletters.py), each made of
parts: one source's share, with the fetch attempt to record on its row of `sources` once the documents
are written (none for a part that is not its source's last, so a source's validators are stored only
with its last document). `save_batch` writes a batch in one transaction, whatever the number of sources:

1. every part is staged on its own (storage/rows.py); a part that cannot be staged fails alone;
2. one classification of every staged document against `documents`: new, changed or unchanged (an
   unchanged one is left alone, so saving the same documents twice writes nothing);
3. for the new and changed documents of every part together: a MERGE of the documents from the
   deduplicated batch, INSERTs of their items, mentions, code links and metrics, a MERGE of their
   papers; a changed document's old rows (and papers no longer found anywhere) are deleted first, and
   only when there is one (a new document has no rows yet);
4. every part's fetch attempt (a failed part's with its error) in one MERGE into `sources`.

The same statements run on the embedded file and on a DuckLake (storage/staging.py: MERGE needs no key
constraint). What each part wrote is counted from its staged rows, never by counting tables: rows
added per table (a changed document's new rows less its old ones), papers new to the database (each
credited to the first part naming it). When the batch's transaction fails, each part is written again
in a transaction of its own, so that only the part at fault fails, with its error recorded on its
source; a lock or a write conflict is nobody's part's fault and propagates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from config.faults import fault_point
from records.documents import EXTRACTOR_VERSION, Extraction
from storage.db import DatabaseLocked, StorageError, transaction
from storage.rows import ROW_TABLES, Rows, concat, documents_table, row_tables
from storage.schema import INGEST_MODES
from storage.source_state import SourceAttempt, save_source_attempts
from storage.staging import staged

#: What SaveResult.inserted counts, in the order a document's rows depend on each other.
COUNTED = ("documents", "items", "papers", "mentions", "code_links", "metrics")


@dataclass(frozen=True)
class Part:
    """One source's share of a batch: documents fetched at `fetched_at`, new ones recorded as `ingest_mode`
    (storage.schema.INGEST_MODES), and the attempt to record on `sources` with them (None: nothing)."""

    extractions: Sequence[Extraction]
    fetched_at: datetime
    ingest_mode: str = "poll"
    attempt: SourceAttempt | None = None

    def __post_init__(self) -> None:
        if self.ingest_mode not in INGEST_MODES:
            raise ValueError(f"ingest_mode must be one of {INGEST_MODES}, not {self.ingest_mode!r}")


@dataclass(frozen=True)
class SaveResult:
    """What one part's save changed: documents by fate, and rows added per table; or why it failed."""

    new_documents: int = 0
    changed_documents: int = 0
    unchanged_documents: int = 0
    inserted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED, 0))
    error: str | None = None


def save_batch(conn: duckdb.DuckDBPyConnection, parts: Sequence[Part], *,
               replace_unchanged: bool = False) -> list[SaveResult]:
    """Write `parts` in one transaction (see the module); one result per part, in order.

    `replace_unchanged` replaces unchanged documents' rows too (re-extraction after an extractor change).
    """
    try:
        return _write(conn, parts, replace_unchanged)
    except DatabaseLocked:
        raise
    except StorageError as e:
        if len(parts) > 1:  # find the part at fault: each on its own
            return [r for p in parts for r in save_batch(conn, [p], replace_unchanged=replace_unchanged)]
        return [_failed(conn, parts[0], str(e))]
    finally:
        # The batch's Arrow tables are gone; Arrow's allocator (mimalloc) would keep their pages for the
        # next batch, and a run of bounded batches would hold the largest batch's pages throughout.
        pa.default_memory_pool().release_unused()


def _failed(conn: duckdb.DuckDBPyConnection, part: Part, error: str) -> SaveResult:
    if part.attempt is not None:
        save_source_attempts(conn, [replace(part.attempt, error=error, new_documents=0)])
    return SaveResult(error=error)


@dataclass
class _Staged:
    """The batch as staged: every document (the last copy of a key wins) and each part's fate so far."""

    documents: pa.Table
    owner: dict[tuple[str, str], int]  # (source, doc_key) -> index of the part whose copy is kept
    errors: dict[int, str] = field(default_factory=dict)


def _stage_documents(parts: Sequence[Part]) -> _Staged:
    owner = {(e.document.source, e.document.key): i for i, p in enumerate(parts) for e in p.extractions}
    tables, errors = [], {}
    for i, part in enumerate(parts):
        docs = [e.document for e in part.extractions if owner[(e.document.source, e.document.key)] == i]
        try:
            tables.append(documents_table(i, list({(d.source, d.key): d for d in docs}.values()), part.fetched_at,
                                          part.ingest_mode))
        except Exception as e:  # one part's bad record must not cost the others their write
            errors[i] = f"its documents cannot be saved: {type(e).__name__}: {e}"
    documents = pa.concat_tables(tables) if tables else documents_table(0, [], datetime.now(UTC), "poll")
    return _Staged(documents, {k: i for k, i in owner.items() if i not in errors}, errors)


def _write(conn: duckdb.DuckDBPyConnection, parts: Sequence[Part], replace_unchanged: bool) -> list[SaveResult]:
    batch = _stage_documents(parts)
    fates: dict[tuple[str, str], str] = {}
    counts: dict[str, Counter] = {t: Counter() for t in COUNTED}
    what = f"saving {batch.documents.num_rows} documents" + (f" of {len(parts)} sources" if len(parts) > 1 else "")
    with transaction(conn, f"{what} failed"), staged(conn, stage_documents=batch.documents):
        if batch.owner:
            fates = _classify(conn)
            todo = [k for k, fate in fates.items() if fate != "unchanged" or replace_unchanged]
            if todo:
                counts = _replace(conn, parts, batch, todo, fates)
        per_part = _fates_per_part(batch, fates)
        attempts = [replace(part.attempt, error=part.attempt.error or batch.errors.get(i),
                            new_documents=0 if i in batch.errors else per_part[i]["new"] + per_part[i]["changed"])
                    for i, part in enumerate(parts) if part.attempt is not None]
        if attempts:  # the sources' state commits with their documents or not at all
            fault_point("newsletters.before_source_state")
        save_source_attempts(conn, attempts)
    return [_result(i, batch, per_part[i], counts) for i in range(len(parts))]


def _fates_per_part(batch: _Staged, fates: dict[tuple[str, str], str]) -> defaultdict[int, Counter]:
    """How many of each part's documents are new, changed and unchanged (one pass over the batch's fates)."""
    per_part: defaultdict[int, Counter] = defaultdict(Counter)
    for k, fate in fates.items():
        part = batch.owner.get(k)
        if part is not None:
            per_part[part][fate] += 1
    return per_part


def _result(i: int, batch: _Staged, fate: Counter, counts: dict[str, Counter]) -> SaveResult:
    if i in batch.errors:
        return SaveResult(error=batch.errors[i])
    return SaveResult(fate["new"], fate["changed"], fate["unchanged"],
                      {t: max(counts[t][i], 0) for t in COUNTED})


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


def _replace(conn: duckdb.DuckDBPyConnection, parts: Sequence[Part], batch: _Staged, todo: list[tuple[str, str]],
             fates: dict[tuple[str, str], str]) -> dict[str, Counter]:
    """Write the `todo` documents and their rows; rows added per table and part."""
    rows = _stage_rows(parts, batch, set(todo))
    kept = [k for k in todo if batch.owner.get(k) is not None]
    wanted = set(kept)
    keys = zip(batch.documents["source"].to_pylist(), batch.documents["doc_key"].to_pylist(), strict=True)
    stage_todo = batch.documents.filter(pa.array([k in wanted for k in keys], pa.bool_()))
    replaced = [k for k in kept if fates[k] != "new"]
    counts = {t: Counter(rows.per_part[t]) for t in ROW_TABLES}
    counts["documents"] = Counter(batch.owner[k] for k in kept if fates[k] == "new")
    old = pa.Table.from_pydict({"source": [k[0] for k in replaced], "doc_key": [k[1] for k in replaced],
                                "part": [batch.owner[k] for k in replaced]},
                               schema=pa.schema([("source", pa.string()), ("doc_key", pa.string()),
                                                 ("part", pa.int32())]))
    with staged(conn, stage_todo=stage_todo, stage_replaced=old, **{f"stage_{t}": rows.tables[t] for t in ROW_TABLES}):
        if replaced:
            for table, part, n in _old_rows(conn):
                counts[table][part] -= n
            _delete_old_rows(conn)
        counts["papers"] = Counter(dict(conn.execute(
            """
            SELECT part, count(*) FROM (SELECT arxiv_id, min(part) AS part FROM stage_mentions GROUP BY arxiv_id)
            ANTI JOIN papers USING (arxiv_id) GROUP BY part
            """
        ).fetchall()))
        _upsert_documents(conn)
        conn.execute("INSERT INTO items SELECT * FROM stage_items")
        conn.execute("INSERT INTO mentions SELECT * EXCLUDE (title, seen_at, part) FROM stage_mentions")
        fault_point("newsletters.mid_write")
        conn.execute("INSERT INTO code_links SELECT * FROM stage_code_links")
        conn.execute("INSERT INTO metrics SELECT * FROM stage_metrics")
        _upsert_papers(conn)
        if replaced:
            for part, n in _delete_dropped_papers(conn):
                counts["papers"][part] -= n
    return counts


def _stage_rows(parts: Sequence[Part], batch: _Staged, todo: set[tuple[str, str]]) -> Rows:
    staged_parts = []
    for i, part in enumerate(parts):
        if i in batch.errors:
            continue
        mine = [e for e in part.extractions if batch.owner.get((e.document.source, e.document.key)) == i
                and (e.document.source, e.document.key) in todo]
        latest = list({(e.document.source, e.document.key): e for e in mine}.values())
        try:
            staged_parts.append(row_tables(i, latest, part.fetched_at))
        except Exception as e:  # one part's bad record must not cost the others their write
            batch.errors[i] = f"its extracted rows cannot be saved: {type(e).__name__}: {e}"
            batch.owner = {k: p for k, p in batch.owner.items() if p != i}
    return concat(staged_parts) if staged_parts else row_tables(0, [], datetime.now(UTC))


def _old_rows(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """(table, part, rows) that the replaced documents hold now: what their replacement takes away."""
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS t, r.part FROM {t} JOIN stage_replaced r USING (source, doc_key)" for t in ROW_TABLES)
    return conn.execute(f"SELECT t, part, count(*) FROM ({union}) GROUP BY ALL").fetchall()


def _delete_old_rows(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        """
        CREATE OR REPLACE TEMP TABLE dropped_papers AS
        SELECT m.arxiv_id, min(r.part) AS part FROM mentions m JOIN stage_replaced r USING (source, doc_key)
        GROUP BY m.arxiv_id
        """
    )
    for table in ROW_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE (source, doc_key) IN (SELECT source, doc_key FROM stage_replaced)")


def _upsert_documents(conn: duckdb.DuckDBPyConnection) -> None:
    # ingest_mode is set on insert only: how a document first came in decides its alerts. stage_todo holds
    # one row per key already (_stage_documents keeps the last copy of a key), so it needs no QUALIFY here.
    conn.execute(
        """
        MERGE INTO documents AS d
        USING stage_todo AS s
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
                    s.content_hash, s.fetched_at, s.fetched_at, now(), $version, s.ingest_mode)
        """,
        {"version": EXTRACTOR_VERSION},
    )


def _upsert_papers(conn: duckdb.DuckDBPyConnection) -> None:
    # One row per paper: its newest version; its title from the first part (source) that gives one, so a
    # batch spanning sources keeps the title that saving them one after another would keep.
    conn.execute(
        """
        MERGE INTO papers AS p
        USING (SELECT arxiv_id, max(version) AS latest_version,
                      arg_min(title, (part, role <> 'primary', seen_at)) AS title,
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


def _delete_dropped_papers(conn: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    """Papers a replacement no longer finds anywhere (unless arXiv polling found them): deleted; (part, n)."""
    orphans = """
        SELECT arxiv_id, part FROM dropped_papers
        WHERE arxiv_id NOT IN (SELECT arxiv_id FROM mentions)
          AND arxiv_id IN (SELECT arxiv_id FROM papers WHERE arxiv_ingest_mode IS NULL)
    """
    gone = conn.execute(f"SELECT part, count(*) FROM ({orphans}) GROUP BY part").fetchall()
    if gone:
        conn.execute(f"DELETE FROM papers WHERE arxiv_id IN (SELECT arxiv_id FROM ({orphans}))")
    return gone
