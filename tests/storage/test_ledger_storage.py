"""The alert ledger's writes: idempotent on (channel, alert_key), and the status transitions."""

from __future__ import annotations

from datetime import UTC, datetime

from records.ledger import LedgerRow
from storage.db import open_db
from storage.ledger import load_due, load_ledger, mark_failed, mark_sending, mark_sent, save_planned, status_counts

AT = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def row(channel: str, key: str, rules=("a",), status: str = "pending") -> LedgerRow:
    return LedgerRow(channel, key, "paper", key, tuple(rules), "instant", status)


def test_saving_planned_rows_twice_changes_nothing_and_merges_rules_until_sent(backend, tmp_path):
    with open_db(backend.store(tmp_path / "r.duckdb")) as conn:
        planned = [row("c", "1"), row("c", "2"), row("d", "1"), row("c", "1")]  # a key twice in one batch
        assert save_planned(conn, planned, AT) == 3
        assert save_planned(conn, planned, AT) == 0
        assert len(load_ledger(conn)) == 3

        save_planned(conn, [row("c", "1", ("b",))], AT)
        assert load_ledger(conn)[("c", "1")].rules == ("a", "b")
        mark_sending(conn, "c", ["1"], AT)
        mark_sent(conn, "c", ["1"], "1764320000.000001", AT)
        save_planned(conn, [row("c", "1", ("z",))], AT)
        sent = load_ledger(conn)[("c", "1")]
        assert (sent.status, sent.rules, sent.attempts) == ("sent", ("a", "b"), 1)
        assert sent.external_id == "1764320000.000001"


def test_due_rows_are_pending_crashed_or_failed_with_attempts_left(backend, tmp_path):
    with open_db(backend.store(tmp_path / "r.duckdb")) as conn:
        save_planned(conn, [row("c", k) for k in "12345"] + [row("c", "6", status="suppressed")], AT)
        mark_sending(conn, "c", ["2"], AT)  # a crash left it here
        for _ in range(2):
            mark_sending(conn, "c", ["3"], AT)
            mark_failed(conn, "c", ["3"], "slack channel c: invalid_auth", AT)
        mark_sending(conn, "c", ["4"], AT)
        mark_failed(conn, "c", ["4"], "boom", AT)
        mark_sending(conn, "c", ["5"], AT)
        mark_sent(conn, "c", ["5"], None, AT, possible_duplicate=True)
        due = {r.alert_key: (r.status, r.attempts) for r in load_due(conn, max_attempts=2)}
        assert due == {"1": ("pending", 0), "2": ("sending", 1), "4": ("failed", 1)}
        assert status_counts(conn) == {"pending": 1, "sending": 1, "failed": 2, "sent": 1, "suppressed": 1}
        assert load_ledger(conn)[("c", "5")].possible_duplicate is True
        assert not mark_sending(conn, "c", ["1", "5"], AT)  # all or nothing: 5 is sent
        assert load_ledger(conn)[("c", "1")].status == "pending"
