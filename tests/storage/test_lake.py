"""What the DuckLake backend adds over the embedded file: one writer at a time (the writer lock, across
processes), readers that never wait and never block, time travel, conflicts from writers that skip the
lock, the SQLite and DuckDB-file catalogs, and no password in any error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import pytest

from config.storage import StorageSettings
from records.ledger import LedgerRow
from storage.db import DatabaseLocked, StorageError, WriteConflict, open_db, transaction
from storage.lake import extension_directory
from storage.ledger import mark_sending, save_planned
from storage.newsletters import save_extractions, table_counts
from storage.query import run_readonly_query
from storage.schema import KEYS
from tests.backends import new_lake
from tests.postgres import PASSWORD
from tests.storage.sample import extractions

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def lake(postgres, tmp_path) -> StorageSettings:
    return new_lake(postgres.get(), tmp_path)


def settings_code(lake: StorageSettings) -> str:
    return f"StorageSettings(backend='ducklake', catalog={lake.catalog!r}, data_path={lake.data_path!r})"


@contextmanager
def holding(lake: StorageSettings, *, read_only: bool) -> Iterator[subprocess.Popen]:
    """Another process with the lake open (a writer holds the writer lock) until a line reaches its stdin."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from config.storage import StorageSettings
            from storage.db import open_db
            with open_db({settings_code(lake)}, read_only={read_only}) as conn:
                conn.execute("SELECT count(*) FROM papers").fetchall()
                print("held", flush=True)
                sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        if holder.poll() is None:
            holder.communicate("\n", timeout=30)


def test_a_second_writer_is_refused_naming_the_holder_then_gets_its_turn(lake):
    with open_db(lake):
        pass
    with holding(lake, read_only=False) as holder:
        with pytest.raises(DatabaseLocked) as info:
            with open_db(lake):
                pass
        assert info.value.holder_pid == holder.pid
        assert f"paper-radar pid {holder.pid}" in str(info.value) and "writer lock" in str(info.value)
        timer = threading.Timer(1.0, lambda: holder.communicate("\n", timeout=30))
        timer.start()
        started = time.monotonic()
        with open_db(lake, lock_wait_seconds=20) as conn:
            waited = time.monotonic() - started
            save_extractions(conn, extractions(), fetched_at=NOW)
        timer.join()
    assert 0.8 < waited < 15


def test_a_writer_that_closed_has_released_the_writer_lock_already(lake):
    """A poll closes the lake and reopens it at once (its read snapshot), with no wait allowed: the lock
    must be free when open_db returns, not once the server has noticed the lock's connection closed."""
    import psycopg

    with psycopg.connect(lake.catalog_target, password=PASSWORD, autocommit=True) as watcher:
        for _ in range(10):
            with open_db(lake, lock_wait_seconds=0):
                pass
            held = watcher.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                                   ).fetchone()[0]
            assert held == 0


def test_a_reader_holding_the_lake_never_delays_the_writer(lake):
    """The embedded file refuses this writer (tests/storage/test_concurrency.py); a lake does not."""
    with open_db(lake):
        pass
    with holding(lake, read_only=True):
        with open_db(lake, lock_wait_seconds=0) as conn:  # no wait allowed: any lock would fail it
            save_extractions(conn, extractions(), fetched_at=NOW)
        with open_db(lake, read_only=True) as reader:
            assert table_counts(reader)["documents"] == len(extractions())


def test_two_processes_saving_the_same_new_papers_leave_one_row_each(lake):
    """Without the lock both MERGEs would insert the same new keys (DuckLake has no key to stop them)."""
    with open_db(lake):
        pass
    code = textwrap.dedent(f"""
        import sys
        from datetime import UTC, datetime
        from config.storage import StorageSettings
        from storage.db import open_db
        from storage.newsletters import save_extractions
        from tests.storage.sample import extractions
        sys.stdin.readline()
        for _ in range(2):
            with open_db({settings_code(lake)}, lock_wait_seconds=60) as conn:
                save_extractions(conn, extractions(), fetched_at=datetime.now(UTC), replace_unchanged=True)
    """)
    writers = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, text=True) for _ in range(2)]
    for w in writers:
        w.stdin.write("go\n")
        w.stdin.flush()
    assert [w.wait(timeout=240) for w in writers] == [0, 0]
    with open_db(lake, read_only=True) as conn:
        for table, key in KEYS.items():
            total, distinct = conn.execute(f"SELECT count(*), count(DISTINCT ({', '.join(key)})) FROM {table}"
                                           ).fetchone()
            assert total == distinct, table
        assert table_counts(conn)["documents"] == len(extractions())


def test_time_travel_reads_an_earlier_snapshot(lake):
    with open_db(lake) as conn:
        save_extractions(conn, extractions()[:1], fetched_at=NOW)
        before = conn.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0]
        save_extractions(conn, extractions()[1:], fetched_at=NOW)
    _, now_rows = run_readonly_query(lake, "SELECT count(*) FROM documents")
    _, then_rows = run_readonly_query(lake, "SELECT count(*) FROM documents", at=str(before))
    _, then_view = run_readonly_query(lake, "SELECT count(*) FROM papers_overview", at=str(before))
    assert now_rows == [(len(extractions()),)] and then_rows == [(1,)] and then_view[0][0] > 0
    with pytest.raises(StorageError, match="no snapshot 999999"):
        run_readonly_query(lake, "SELECT 1", at="999999")


def test_lakes_open_at_once_in_one_process_each_see_their_own_state_and_detach_when_closed(lake, tmp_path, postgres):
    """One DuckDB engine per process holds every open lake, each under its own alias."""
    other = new_lake(postgres.get(), tmp_path / "other")
    with open_db(lake) as writer:
        save_extractions(writer, extractions()[:1], fetched_at=NOW)
        first = writer.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0]
        with open_db(lake, read_only=True) as reader, open_db(other) as elsewhere:
            save_extractions(writer, extractions()[1:], fetched_at=NOW)
            assert table_counts(reader)["documents"] == len(extractions())  # a new statement, a new snapshot
            assert table_counts(elsewhere)["documents"] == 0
            with open_db(lake, read_only=True, snapshot=first) as then:
                assert table_counts(then)["documents"] == 1
            names = {reader.execute("SELECT current_database()").fetchone()[0],
                     elsewhere.execute("SELECT current_database()").fetchone()[0]}
            assert len(names | {"lake"}) == 3
    with open_db(lake, read_only=True) as again:
        attached = {r[0] for r in again.execute("SELECT database_name FROM duckdb_databases() WHERE type = 'ducklake'"
                                                ).fetchall()}
        assert attached == {"lake"}  # the others were detached on close; the name is free again


def outside_writer(lake: StorageSettings) -> duckdb.DuckDBPyConnection:
    """A notebook's read-write connection: it attaches the lake itself and takes no writer lock."""
    conn = duckdb.connect(config={"extension_directory": extension_directory(), "autoinstall_known_extensions": False})
    conn.execute("LOAD ducklake")
    conn.execute(f"ATTACH 'ducklake:postgres:{lake.catalog_target}' AS lake; USE lake")
    return conn


class CommitsFirst:
    """A connection whose COMMIT lets `other` commit first: the interleaving that makes a conflict."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, other: duckdb.DuckDBPyConnection) -> None:
        self.conn, self.other = conn, other

    def execute(self, sql: str, *args):
        if sql == "COMMIT":
            self.other.execute("COMMIT")
        return self.conn.execute(sql, *args)


def test_a_commit_that_meets_an_outside_writers_change_claims_nothing(lake):
    row = LedgerRow("c", "2401.00001", "paper", "2401.00001", ("r",), "instant", "pending")
    with open_db(lake) as conn:
        save_planned(conn, [row], NOW)
    outsider = outside_writer(lake)
    try:
        with open_db(lake) as writer:
            outsider.execute("BEGIN; UPDATE alerts SET last_error = 'touched by hand'")
            with pytest.raises(WriteConflict, match="another transaction changed the same rows"):
                with transaction(CommitsFirst(writer, outsider)):
                    writer.execute("UPDATE alerts SET attempts = attempts + 1")
            outsider.execute("BEGIN; UPDATE alerts SET last_error = 'again'")
            assert mark_sending(CommitsFirst(writer, outsider), "c", ["2401.00001"], NOW) is False
    finally:
        outsider.close()
    with open_db(lake, read_only=True) as conn:
        assert conn.execute("SELECT status, attempts, last_error FROM alerts").fetchall() == [("pending", 0, "again")]


def test_an_empty_catalog_says_to_poll_first(lake):
    with pytest.raises(StorageError, match="no lake there yet"):
        run_readonly_query(lake, "SELECT 1")


def test_no_password_reaches_an_error(lake, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "Wrong-Secret-0815")
    for read_only in (False, True):
        with pytest.raises(StorageError) as info:
            with open_db(lake, read_only=read_only):
                pass
        assert "password authentication failed" in str(info.value)
        assert "Wrong-Secret-0815" not in str(info.value) and PASSWORD not in str(info.value)


def test_a_sqlite_catalog_admits_one_writer_at_a_time_across_processes(tmp_path):
    lake = StorageSettings(backend="ducklake", catalog=f"sqlite:{tmp_path / 'catalog.sqlite'}",
                           data_path=f"{tmp_path / 'data'}/")
    with open_db(lake) as conn:
        save_extractions(conn, extractions()[:1], fetched_at=NOW)
    with holding(lake, read_only=False) as holder:
        with pytest.raises(DatabaseLocked) as info:
            with open_db(lake):
                pass
        assert info.value.holder_pid == holder.pid and "catalog.sqlite.radar-lock" in str(info.value)
        with open_db(lake, read_only=True) as reader:  # readers still read
            assert table_counts(reader)["documents"] == 1
    with open_db(lake, lock_wait_seconds=5) as conn:
        save_extractions(conn, extractions(), fetched_at=NOW)
        assert table_counts(conn)["documents"] == len(extractions())


def test_a_duckdb_file_catalog_admits_a_writer_or_readers_never_both(tmp_path):
    lake = StorageSettings(backend="ducklake", catalog=f"duckdb:{tmp_path / 'catalog.ducklake'}",
                           data_path=f"{tmp_path / 'data'}/")
    with open_db(lake) as conn:
        save_extractions(conn, extractions(), fetched_at=NOW)
    with holding(lake, read_only=True) as holder:
        assert run_readonly_query(lake, "SELECT count(*) FROM documents")[1] == [(len(extractions()),)]
        with pytest.raises(DatabaseLocked) as info:
            with open_db(lake):
                pass
        assert info.value.holder_pid == holder.pid and "never both" in str(info.value)
    with holding(lake, read_only=False) as holder:
        with pytest.raises(DatabaseLocked) as info:
            run_readonly_query(lake, "SELECT 1")
        assert info.value.holder_pid == holder.pid
    assert not os.path.exists(f"{tmp_path / 'catalog.ducklake'}.radar-lock")
