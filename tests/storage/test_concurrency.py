"""A second process holding the file (read-only, like a notebook) while the writer opens it.

DuckDB allows one writer or many readers: the writer must wait for the reader, give up after
`lock_wait_seconds` naming the reader's PID, and lose nothing it fetched (the spool).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from storage.db import DatabaseLocked, open_db
from storage.newsletters import save_extractions, table_counts
from storage.spool import FetchState, load_spooled, save_spooled, spool_batch
from tests.storage.sample import extractions


@contextmanager
def reader_process(path) -> Iterator[subprocess.Popen]:
    """A process holding a read-only connection until a line arrives on its stdin."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, duckdb
            conn = duckdb.connect({str(path)!r}, read_only=True)
            print("held", flush=True)
            sys.stdin.readline()
            conn.close()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        release(holder)
        holder.wait(timeout=10)


def release(holder: subprocess.Popen) -> None:
    if holder.poll() is None and not holder.stdin.closed:
        holder.stdin.write("\n")
        holder.stdin.close()


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "radar.duckdb"
    with open_db(path):
        pass
    return path


def test_writer_waits_for_a_reader_that_lets_go(db_path):
    with reader_process(db_path) as holder:
        timer = threading.Timer(1.0, release, [holder])
        timer.start()
        started = time.monotonic()
        with open_db(db_path, lock_wait_seconds=10) as conn:
            waited = time.monotonic() - started
            save_extractions(conn, extractions(), fetched_at=datetime.now(UTC))
        timer.join()
    assert 0.8 < waited < 5
    with open_db(db_path, read_only=True) as conn:
        assert table_counts(conn)["documents"] == len(extractions())


def test_writer_gives_up_naming_the_holder(db_path):
    with reader_process(db_path) as holder:
        started = time.monotonic()
        with pytest.raises(DatabaseLocked) as info:
            with open_db(db_path, lock_wait_seconds=1.5):
                pass
        waited = time.monotonic() - started
    assert 1.5 <= waited < 4
    assert info.value.holder_pid == holder.pid
    assert f"process {holder.pid}" in str(info.value) and "1.5 s" in str(info.value) and str(db_path) in str(info.value)


def test_nothing_fetched_is_lost_when_the_writer_gives_up(db_path, tmp_path):
    """The run that cannot write spools its batch; the next run writes it first: same rows as a direct save."""
    spool = tmp_path / "spool"
    fetched_at = datetime(2025, 11, 5, 12, tzinfo=UTC)
    state = FetchState(kind="feed", location="https://import-ai.example.org/feed", fetched_at=fetched_at, etag='"v2"')
    with reader_process(db_path):
        with pytest.raises(DatabaseLocked):
            with open_db(db_path, lock_wait_seconds=0.5):
                pass
        spool_batch(spool, "import-ai", extractions(), state)
    with open_db(db_path, lock_wait_seconds=10) as conn:  # the next run
        (batch, result), = save_spooled(conn, spool)
        assert result.new_documents == len(extractions())
        counts = table_counts(conn)
        etag = conn.execute("SELECT etag FROM sources WHERE name = 'import-ai'").fetchone()[0]
    with open_db(tmp_path / "direct.duckdb") as conn:
        save_extractions(conn, extractions(), fetched_at=fetched_at)
        assert table_counts(conn) | {"sources": 1} == counts
    assert etag == '"v2"' and load_spooled(spool) == []
