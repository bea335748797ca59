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
import pyarrow as pa

from storage.db import transaction
from storage.schema import KEYS
from storage.staging import deduplicated, staged

WARNING_SCHEMA = pa.schema([("subject", pa.string()), ("kind", pa.string()), ("message", pa.string())])


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
    """Open or refresh `warnings`; resolve open warnings among `checked` (subject, kind) that are not in it.

    One transaction: a MERGE of the warnings (a resolved one reopened starts a new `first_seen_at`),
    then one UPDATE for the resolved ones.
    """
    found = pa.Table.from_pylist([{"subject": w.subject, "kind": w.kind, "message": w.message} for w in warnings],
                                 schema=WARNING_SCHEMA)
    active = {(w.subject, w.kind) for w in warnings}
    resolved = pa.Table.from_pylist([{"subject": s, "kind": k, "message": ""} for s, k in checked
                                     if (s, k) not in active], schema=WARNING_SCHEMA)
    with transaction(conn, "saving source-health warnings failed"), staged(conn, stage_found=found,
                                                                           stage_resolved=resolved):
        conn.execute(
            f"""
            MERGE INTO source_health_warnings AS w
            USING {deduplicated("stage_found", KEYS["source_health_warnings"], "message")} AS s
            ON w.subject = s.subject AND w.kind = s.kind
            WHEN MATCHED THEN UPDATE SET
                message = s.message, last_seen_at = $at, resolved_at = NULL,
                first_seen_at = CASE WHEN w.resolved_at IS NULL THEN w.first_seen_at ELSE $at END
            WHEN NOT MATCHED THEN INSERT VALUES (s.subject, s.kind, s.message, $at, $at, NULL)
            """,
            {"at": at},
        )
        conn.execute(
            """
            UPDATE source_health_warnings SET resolved_at = $at
            WHERE resolved_at IS NULL AND (subject, kind) IN (SELECT subject, kind FROM stage_resolved)
            """,
            {"at": at},
        )
