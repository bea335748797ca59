"""The delivery ledger (the `alerts` table, migration 5) and the paper facts alert rules are matched against.

One row per (channel, alert_key): a paper's arXiv id, or a source-health event. The delivery
orchestrator (flows/pipeline/delivery.py) writes `sending` before it sends and `sent` (with the Slack
ts or email Message-ID) after, each in its own short transaction, so a crash in between leaves
`sending` for the next run to recover. `sent` and `suppressed` rows are never due again. Rows posted
as replies in a Slack thread get the thread's parent ts (`thread_ts`, migration 6) as soon as the
parent is posted, so replies a crash or a failure left unsent go into the same thread later.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa

from records.facts import MentionFact, MetricFact, PaperFacts
from records.ledger import LedgerRow
from storage.db import WriteConflict, one_thread, transaction
from storage.schema import KEYS
from storage.staging import deduplicated, new_keys, staged

STATUSES = ("pending", "sending", "sent", "failed", "suppressed")
TS = pa.timestamp("us", tz="UTC")
PLANNED_SCHEMA = pa.schema([
    ("channel", pa.string()), ("alert_key", pa.string()), ("kind", pa.string()), ("arxiv_id", pa.string()),
    ("rules", pa.list_(pa.string())), ("mode", pa.string()), ("status", pa.string()), ("planned_at", TS),
])
LEDGER_COLUMNS = ("channel, alert_key, kind, arxiv_id, rules, mode, status, attempts, last_error, external_id, "
                  "possible_duplicate, created_at, sending_at, thread_ts")


#: A paper's mentions oldest first, with their item's text and their newsletter's date and ingest mode.
_MENTIONS = """
    SELECT m.arxiv_id, m.source, m.role, i.title, i.text, d.title, d.url, m.url,
           epoch_us(coalesce(d.published_at, d.first_seen_at)), d.ingest_mode
    FROM mentions m JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    LEFT JOIN items i ON i.source = m.source AND i.doc_key = m.doc_key AND i.position = m.position
    ORDER BY m.arxiv_id, coalesce(d.published_at, d.first_seen_at), m.source, m.doc_key, m.position
"""
#: The `paper_code` view's links (those of newsletter documents still stored, and arXiv's own), most cited
#: first, aggregated here from `code_links`: DuckDB 1.4 runs the view's join to `papers` (for a date this
#: does not need) as a nested loop, 0.2 s of a 10k-paper load.
_CODE = """
    SELECT c.arxiv_id, c.repo_url
    FROM code_links c LEFT JOIN documents d ON d.source = c.source AND d.doc_key = c.doc_key
    WHERE c.arxiv_id IS NOT NULL AND (d.doc_key IS NOT NULL OR c.source = 'arxiv')
    GROUP BY c.arxiv_id, c.repo_url
    ORDER BY c.arxiv_id, count(DISTINCT c.source) DESC, count(*) DESC, c.repo_url
"""
_METRICS = """
    SELECT m.arxiv_id, m.name, m.value, m.unit, m.kind, m.qualifier, m.source,
           epoch_us(coalesce(d.published_at, d.first_seen_at)), m.ordinal, m.direction, m.snippet
    FROM metrics m LEFT JOIN documents d ON d.source = m.source AND d.doc_key = m.doc_key
    WHERE m.arxiv_id IS NOT NULL ORDER BY m.arxiv_id, m.source, m.doc_key, m.position, m.ordinal
"""
_PAPERS = """
    SELECT arxiv_id, title, abstract, authors, categories, pdf_url, latest_version, arxiv_ingest_mode
    FROM papers ORDER BY last_seen_at DESC, arxiv_id
"""


def load_paper_facts(conn: duckdb.DuckDBPyConnection) -> list[PaperFacts]:
    """Every paper with its mentions (and their documents' ingest modes), code links and metrics.

    Read column by column (Arrow, then a Python list per column: half the time of `fetchall`'s rows at 10k
    papers), on one DuckDB thread (`one_thread`), and grouped by paper from the queries' order. The records
    hold no reference cycles, so the cyclic garbage collector is paused while they are built: at 10k papers
    (60k records) its passes over the young records, and the full passes their number sets off, were a fifth
    of the load."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with one_thread(conn):
            return _read_facts(conn)
    finally:
        if collecting:
            gc.enable()


def _read_facts(conn: duckdb.DuckDBPyConnection) -> list[PaperFacts]:
    mentions = _by_paper(conn, _MENTIONS, MentionFact, dated=7)
    code = _by_paper(conn, _CODE, None)
    metrics = _by_paper(conn, _METRICS, MetricFact, dated=6)
    ids, titles, abstracts, authors, categories, pdf_urls, versions, modes = _read_columns(conn, _PAPERS)
    none = ()
    return [PaperFacts(a, t, ab, tuple(au or none), tuple(c or none), pdf, v, mode, mentions.get(a, none),
                       code.get(a, none), metrics.get(a, none))
            for a, t, ab, au, c, pdf, v, mode in zip(ids, titles, abstracts, authors, categories, pdf_urls, versions,
                                                     modes, strict=True)]


def _read_columns(conn: duckdb.DuckDBPyConnection, sql: str) -> list[list]:
    return [column.to_pylist() for column in conn.execute(sql).fetch_arrow_table().columns]


def _by_paper(conn: duckdb.DuckDBPyConnection, sql: str, record: type | None, dated: int | None = None
              ) -> dict[str, tuple]:
    """Each paper's records (built from the columns after the first, its id; column `dated` read as epoch
    microseconds), in the query's order, which sorts by paper first. No `record`: the second column's values."""
    ids, *values = _read_columns(conn, sql)
    if dated is not None:
        values[dated] = _utc_column(values[dated])
    records = values[0] if record is None else [record(*row) for row in zip(*values, strict=True)]
    grouped: dict[str, tuple] = {}
    start = 0
    for end in range(1, len(ids) + 1):
        if end == len(ids) or ids[end] != ids[start]:
            grouped[ids[start]] = tuple(records[start:end])
            start = end
    return grouped


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc_column(epochs_us: list[int | None]) -> list[datetime | None]:
    """Timestamps read as microseconds since the epoch, each distinct one converted once: DuckDB's own
    TIMESTAMPTZ conversion looks the session's zone up in pytz for every value."""
    converted = {us: None if us is None else _EPOCH + timedelta(microseconds=us) for us in set(epochs_us)}
    return [converted[us] for us in epochs_us]


def has_ledger(conn: duckdb.DuckDBPyConnection) -> bool:
    """False for a file opened read-only before migration 5 ran on it (a dry run never migrates)."""
    return bool(conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND table_name = 'alerts'"
    ).fetchall()[0][0])


def load_ledger(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], LedgerRow]:
    if not has_ledger(conn):
        return {}
    rows = conn.execute(f"SELECT {_columns(conn)} FROM alerts").fetchall()
    return {(r[0], r[1]): _row(r) for r in rows}


def load_due(conn: duckdb.DuckDBPyConnection, max_attempts: int) -> list[LedgerRow]:
    """Rows still to deliver: pending, left `sending` by a crash, or failed with attempts to spare."""
    if not has_ledger(conn):
        return []
    rows = conn.execute(
        f"""
        SELECT {_columns(conn)} FROM alerts
        WHERE status IN ('pending', 'sending') OR (status = 'failed' AND attempts < ?)
        ORDER BY channel, created_at, alert_key
        """,
        [max_attempts],
    ).fetchall()
    return [_row(r) for r in rows]


def _columns(conn: duckdb.DuckDBPyConnection) -> str:
    """The ledger's columns; a file a dry run opened read-only before migration 6 has no thread_ts yet."""
    has_threads = conn.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = current_database() AND table_name = 'alerts' "
        "AND column_name = 'thread_ts'").fetchall()[0][0]
    return LEDGER_COLUMNS if has_threads else LEDGER_COLUMNS.replace("thread_ts", "NULL AS thread_ts")


def _row(r: Sequence) -> LedgerRow:
    return LedgerRow(r[0], r[1], r[2], r[3], tuple(r[4] or ()), *r[5:])


def save_planned(conn: duckdb.DuckDBPyConnection, rows: Iterable[LedgerRow], at: datetime) -> int:
    """Insert new ledger rows; a row not yet delivered gains the rules that matched it since. Idempotent."""
    planned = {(r.channel, r.alert_key): r for r in rows}
    if not planned:
        return 0
    table = pa.Table.from_pylist(
        [{"channel": r.channel, "alert_key": r.alert_key, "kind": r.kind, "arxiv_id": r.arxiv_id,
          "rules": list(r.rules), "mode": r.mode, "status": r.status, "planned_at": at} for r in planned.values()],
        schema=PLANNED_SCHEMA,
    )
    with transaction(conn, f"saving {table.num_rows} planned alerts failed"), staged(conn, stage_alerts=table):
        new = new_keys(conn, "stage_alerts", "alerts", KEYS["alerts"])
        conn.execute(
            f"""
            MERGE INTO alerts AS a
            USING {deduplicated("stage_alerts", KEYS["alerts"], "planned_at DESC")} AS s
            ON a.channel = s.channel AND a.alert_key = s.alert_key
            WHEN MATCHED AND a.status IN ('pending', 'failed') THEN UPDATE SET
                rules = list_sort(list_distinct(list_concat(a.rules, s.rules)))
            WHEN NOT MATCHED THEN INSERT (channel, alert_key, kind, arxiv_id, rules, mode, status, created_at,
                                          updated_at)
                VALUES (s.channel, s.alert_key, s.kind, s.arxiv_id, s.rules, s.mode, s.status, s.planned_at,
                        s.planned_at)
            """
        )
    return new


def mark_sending(
    conn: duckdb.DuckDBPyConnection, channel: str, keys: Sequence[str], at: datetime, *,
    unchanged_since: datetime | None = None,
) -> bool:
    """Claim a message's rows before its send (committed, so a crash after it leaves the evidence).

    All or nothing: only when every row is still due and (with `unchanged_since`) untouched since
    then, so a run that planned earlier cannot send what another run has claimed or sent. Returns
    whether it claimed. The check and the update are one step across processes because writers are
    one at a time: the embedded file's lock, or a lake's writer lock (storage/lake.py), is held by
    whoever opened the database to write. The claim counts distinct keys, so it needs no key
    constraint; and a lake commit that meets another transaction's change to these rows (a writer that
    skipped the lock) claims nothing.
    """
    where = """channel = $channel AND list_contains($keys, alert_key) AND status IN ('pending', 'sending', 'failed')
               AND ($since IS NULL OR updated_at <= $since)"""
    params = {"channel": channel, "keys": list(keys), "since": unchanged_since}
    try:
        with transaction(conn):
            due = conn.execute(f"SELECT count(DISTINCT alert_key) FROM alerts WHERE {where}", params).fetchall()[0][0]
            if due != len(set(keys)):
                return False
            conn.execute(f"UPDATE alerts SET status = 'sending', attempts = attempts + 1, sending_at = $at, "
                         f"updated_at = $at WHERE {where}", {**params, "at": at})
    except WriteConflict:
        return False
    return True


def mark_sent(
    conn: duckdb.DuckDBPyConnection, channel: str, keys: Sequence[str], external_id: str | None, at: datetime,
    *, possible_duplicate: bool = False, thread_ts: str | None = None,
) -> None:
    """Delivered: the Slack ts or Message-ID, and the thread it was posted in (a reply keeps its thread)."""
    conn.execute(
        """
        UPDATE alerts SET status = 'sent', external_id = ?, sent_at = ?, updated_at = ?, last_error = NULL,
                          possible_duplicate = possible_duplicate OR ?, thread_ts = coalesce(?, thread_ts)
        WHERE channel = ? AND list_contains(?, alert_key)
        """,
        [external_id, at, at, possible_duplicate, thread_ts, channel, list(keys)],
    )


def mark_threaded(conn: duckdb.DuckDBPyConnection, channel: str, keys: Sequence[str], thread_ts: str
                  ) -> None:
    """The parent message that lists these rows is posted: their replies go in its thread, now or after a
    crash. Not a status change, so `updated_at` stays (the ledger claim of the run sending them holds)."""
    conn.execute("UPDATE alerts SET thread_ts = ? WHERE channel = ? AND list_contains(?, alert_key)",
                 [thread_ts, channel, list(keys)])


def mark_failed(conn: duckdb.DuckDBPyConnection, channel: str, keys: Sequence[str], error: str, at: datetime) -> None:
    conn.execute(
        """
        UPDATE alerts SET status = 'failed', last_error = ?, updated_at = ?
        WHERE channel = ? AND list_contains(?, alert_key)
        """,
        [error[:2000], at, channel, list(keys)],
    )


def status_counts(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(conn.execute("SELECT status, count(*) FROM alerts GROUP BY status").fetchall())


def load_source_health(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    """Each newsletter source's health (the `source_health` view) as dicts."""
    result = conn.execute(
        "SELECT name, status, consecutive_failures, last_error, last_success_at, last_new_document_at"
        " FROM source_health"
    )
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
