"""Per-source fetch state: conditional-GET validators, last success, consecutive failures.

The flow loads it before fetching (so an unchanged feed costs a 304) and saves one row per source
after each attempt, whether it succeeded or failed, so that a source that keeps failing is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


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


def save_source_attempt(
    conn: duckdb.DuckDBPyConnection,
    *,
    name: str,
    kind: str,
    location: str,
    at: datetime,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    new_documents: int = 0,
    warning: str | None = None,
    unchanged: bool = False,
) -> None:
    """Record one fetch attempt. A failure keeps the old validators; a success replaces them.

    `warning` is what a successful attempt left out (a bad file of a folder, a cut-off entry): kept in
    `last_error`, so `source_health` shows it, without counting as a failure. An `unchanged` success (a
    304, an untouched folder) keeps the warning of the success before it: the same content is still there.
    """
    ok = error is None
    conn.execute(
        """
        MERGE INTO sources AS t
        USING (SELECT $name AS name, $kind AS kind, $location AS location) AS s
        ON t.name = s.name
        WHEN MATCHED THEN UPDATE SET
            kind = s.kind, location = s.location,
            etag = CASE WHEN $ok THEN $etag ELSE t.etag END,
            last_modified = CASE WHEN $ok THEN $lm ELSE t.last_modified END,
            last_attempt_at = $at,
            last_success_at = CASE WHEN $ok THEN CAST($at AS TIMESTAMPTZ) ELSE t.last_success_at END,
            last_new_document_at = CASE WHEN $new > 0 THEN CAST($at AS TIMESTAMPTZ) ELSE t.last_new_document_at END,
            last_error = CASE WHEN $ok AND $unchanged AND t.consecutive_failures = 0 THEN t.last_error
                              ELSE $error END,
            consecutive_failures = CASE WHEN $ok THEN 0 ELSE t.consecutive_failures + 1 END
        WHEN NOT MATCHED THEN INSERT (name, kind, location, etag, last_modified, last_attempt_at, last_success_at,
                                      last_new_document_at, last_error, consecutive_failures)
            VALUES (s.name, s.kind, s.location, $etag, $lm, $at, CASE WHEN $ok THEN CAST($at AS TIMESTAMPTZ) END,
                    CASE WHEN $new > 0 THEN CAST($at AS TIMESTAMPTZ) END, $error, CASE WHEN $ok THEN 0 ELSE 1 END)
        """,
        {"name": name, "kind": kind, "location": location, "etag": etag, "lm": last_modified, "at": at,
         "ok": ok, "new": new_documents, "error": error if error is not None else warning,
         "unchanged": unchanged},
    )
