"""Per-source fetch state: conditional-GET validators, last success, consecutive failures.

The flow loads it before fetching (so an unchanged feed costs a 304) and saves one row per source
after each attempt, whether it succeeded or failed, so that a source that keeps failing is visible:
a poll records every source of a batch in one MERGE (`save_source_attempts`), in the transaction
that writes the batch's documents (storage/batch.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from storage.staging import staged


@dataclass(frozen=True)
class SourceState:
    name: str
    etag: str | None = None
    last_modified: str | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None


def load_source_states(conn: duckdb.DuckDBPyConnection) -> dict[str, SourceState]:
    rows = conn.execute(
        "SELECT name, etag, last_modified, last_success_at, consecutive_failures, last_error FROM sources"
    ).fetchall()
    return {r[0]: SourceState(*r) for r in rows}


@dataclass(frozen=True)
class SourceAttempt:
    """One fetch attempt of a source, as `sources` records it (see `save_source_attempts`).

    `warning` is what a successful attempt left out (a bad file of a folder, a cut-off entry): kept in
    `last_error`, so `source_health` shows it, without counting as a failure. An `unchanged` success (a
    304, an untouched folder) keeps the warning of the success before it: the same content is still there.
    """

    name: str
    kind: str
    location: str
    at: datetime
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_documents: int = 0
    warning: str | None = None
    unchanged: bool = False


ATTEMPT_SCHEMA = pa.schema([
    ("name", pa.string()), ("kind", pa.string()), ("location", pa.string()), ("at", pa.timestamp("us", tz="UTC")),
    ("error", pa.string()), ("etag", pa.string()), ("last_modified", pa.string()), ("new_documents", pa.int64()),
    ("warning", pa.string()), ("unchanged", pa.bool_()),
])


def save_source_attempt(conn: duckdb.DuckDBPyConnection, *, name: str, kind: str, location: str, at: datetime,
                        error: str | None = None, etag: str | None = None, last_modified: str | None = None,
                        new_documents: int = 0, warning: str | None = None, unchanged: bool = False) -> None:
    """Record one fetch attempt (see `SourceAttempt` and `save_source_attempts`)."""
    save_source_attempts(conn, [SourceAttempt(name, kind, location, at, error, etag, last_modified, new_documents,
                                              warning, unchanged)])


def save_source_attempts(conn: duckdb.DuckDBPyConnection, attempts: Sequence[SourceAttempt]) -> None:
    """Record fetch attempts, one statement for all. A failure keeps the old validators (none for a new
    source, whatever it was given); a success replaces them. A source attempted twice keeps its last attempt.
    A success's `warning` goes to `last_error` (an `unchanged` one keeps the warning already there).
    `last_new_document_at` is the attempt's time when it added documents; otherwise, when not yet set, the
    time the source's newest stored document was first seen: a run stopped after writing part of a source
    (its fetch state goes only with the last part) leaves documents the next run finds unchanged."""
    if not attempts:
        return
    latest = list({a.name: a for a in attempts}.values())
    table = pa.Table.from_pylist([dataclasses.asdict(a) for a in latest], schema=ATTEMPT_SCHEMA)
    with staged(conn, stage_attempts=table):
        conn.execute(
            """
            MERGE INTO sources AS t
            USING (SELECT a.*, a.error IS NULL AS ok, coalesce(a.error, a.warning) AS reported, d.newest
                   FROM stage_attempts a
                   LEFT JOIN (SELECT source, max(first_seen_at) AS newest FROM documents
                              WHERE source IN (SELECT name FROM stage_attempts) GROUP BY source) d
                   ON d.source = a.name) AS s
            ON t.name = s.name
            WHEN MATCHED THEN UPDATE SET
                kind = s.kind, location = s.location,
                etag = CASE WHEN s.ok THEN s.etag ELSE t.etag END,
                last_modified = CASE WHEN s.ok THEN s.last_modified ELSE t.last_modified END,
                last_attempt_at = s.at,
                last_success_at = CASE WHEN s.ok THEN s.at ELSE t.last_success_at END,
                last_new_document_at = CASE WHEN s.new_documents > 0 THEN s.at
                                            ELSE coalesce(t.last_new_document_at, s.newest) END,
                last_error = CASE WHEN s.ok AND s.unchanged AND t.consecutive_failures = 0 THEN t.last_error
                                  ELSE s.reported END,
                consecutive_failures = CASE WHEN s.ok THEN 0 ELSE t.consecutive_failures + 1 END
            WHEN NOT MATCHED THEN INSERT (name, kind, location, etag, last_modified, last_attempt_at, last_success_at,
                                          last_new_document_at, last_error, consecutive_failures)
                VALUES (s.name, s.kind, s.location, CASE WHEN s.ok THEN s.etag END,
                        CASE WHEN s.ok THEN s.last_modified END, s.at, CASE WHEN s.ok THEN s.at END,
                        CASE WHEN s.new_documents > 0 THEN s.at ELSE s.newest END, s.reported,
                        CASE WHEN s.ok THEN 0 ELSE 1 END)
            """
        )
