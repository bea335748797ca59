"""Source-health warnings: the silent-miss guard's findings, kept until the problem goes away.

Written at the end of each arXiv poll (flows/arxiv.py); the alerts side turns open warnings into
messages. One row per (subject, kind): `arxiv:<query>` / `arxiv_silent` for a query that usually
returns entries and has returned none for several consecutive weekday polls, `<source>` /
`feed_stalled` for a newsletter whose newest document is older than several times its usual interval.
A warning that no longer holds gets `resolved_at`; if it comes back, the row is reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb


@dataclass(frozen=True)
class HealthWarning:
    subject: str
    kind: str
    message: str


def stalled_feeds(conn: duckdb.DuckDBPyConnection, *, factor: float, now: datetime) -> list[HealthWarning]:
    """Sources with at least four documents whose newest is older than `factor` times their median gap."""
    rows = conn.execute(
        """
        WITH dated AS (
            SELECT source, coalesce(published_at, first_seen_at) AS dated_at FROM documents
        ), gaps AS (
            SELECT source, dated_at,
                   date_diff('second', lag(dated_at) OVER (PARTITION BY source ORDER BY dated_at), dated_at) AS gap
            FROM dated
        ), usual AS (
            SELECT source, max(dated_at) AS newest, median(gap) FILTER (WHERE gap > 0) AS gap, count(*) AS n
            FROM gaps GROUP BY source
        )
        SELECT source, newest, gap FROM usual
        WHERE n >= 4 AND gap > 0 AND date_diff('second', newest, CAST($now AS TIMESTAMPTZ)) > $factor * gap
        ORDER BY source
        """,
        {"now": now, "factor": factor},
    ).fetchall()
    return [
        HealthWarning(source, "feed_stalled",
                      f"source {source!r}: newest document is from {newest:%Y-%m-%d}, more than {factor:g} times "
                      f"its usual interval of {gap / 86400:.1f} days")
        for source, newest, gap in rows
    ]


def save_health(
    conn: duckdb.DuckDBPyConnection, warnings: list[HealthWarning], *, checked: list[tuple[str, str]], at: datetime
) -> None:
    """Open or refresh `warnings`; resolve open warnings among `checked` (subject, kind) that are not in it."""
    for w in warnings:
        conn.execute(
            """
            INSERT INTO source_health_warnings VALUES (?, ?, ?, ?, ?, NULL)
            ON CONFLICT (subject, kind) DO UPDATE SET
                message = excluded.message, last_seen_at = excluded.last_seen_at, resolved_at = NULL,
                first_seen_at = CASE WHEN source_health_warnings.resolved_at IS NULL
                                     THEN source_health_warnings.first_seen_at ELSE excluded.first_seen_at END
            """,
            [w.subject, w.kind, w.message, at, at],
        )
    active = {(w.subject, w.kind) for w in warnings}
    for subject, kind in checked:
        if (subject, kind) not in active:
            conn.execute(
                """
                UPDATE source_health_warnings SET resolved_at = ?
                WHERE subject = ? AND kind = ? AND resolved_at IS NULL
                """,
                [at, subject, kind],
            )
