"""Opening the database: creation, forward migrations, waiting for the lock, and error mapping.

The only module (with its siblings in storage/) that imports duckdb. A writer opens the database for
the duration of one write and closes it, so that readers get their turn between runs.

Two backends, one interface: `open_db(target)` opens the embedded DuckDB file when `target` is a
path, and the DuckLake of `[storage]` (storage/lake.py) when it is the `StorageSettings`
(`Settings.store` gives the right one). Every query and write above this module is the same text on
both.

DuckDB allows one read-write process or many read-only ones, never both: a notebook holding a
read-only connection stops the writer. A lake admits one writer (its writer lock) and any number of
readers, who never wait. `open_db(..., lock_wait_seconds=N)` therefore retries a lock conflict under
the project's retry policy (config/retry.py: short waits doubling to a second, with jitter) for up to
N seconds before giving up with `DatabaseLocked`, whose message names the process holding the file
or the lock. While it waits it says so on the logger it is given (a flow run's logger), at once and then every
LOCK_LOG_SECONDS: "waiting for the database lock on FILE held by PID n, 12 s of 120 s".
`transaction` is the one way a multi-statement write is made atomic.

Migrations: the embedded file runs storage/schema.py's MIGRATIONS in order, as released. A new lake
starts from storage/lake_schema.py's baseline (the schema of the migrations DuckLake cannot run as
written, consolidated) and runs the later ones as written; tests/storage/test_lake_schema.py holds
the two schemas equal column for column.

Error tree: storage/errors.py (`StorageError`, `DatabaseLocked`, `WriteConflict`; `QueryError` in
storage/query.py).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from config.retry import RetryPolicy
from config.storage import StorageSettings
from storage.errors import DatabaseLocked, StorageError, WriteConflict
from storage.lake import Opened, connect_lake
from storage.lake_schema import LAKE_BASELINE_VERSION, lake_baseline
from storage.schema import FILE_ONLY, MIGRATIONS

__all__ = ["Connection", "DatabaseLocked", "StorageError", "Target", "WriteConflict", "backend_of", "migrate",
           "open_db", "schema_version", "transaction"]

#: The connection type, for annotations outside storage/ (which never import duckdb themselves).
Connection = duckdb.DuckDBPyConnection
#: What `open_db` opens: the embedded file's path, or a DuckLake's settings.
Target = Path | StorageSettings

#: Files stay readable by DuckDB 1.4+ clients (CLI, DBeaver, notebooks); duckdb 2.0's default is not.
STORAGE_COMPATIBILITY = "v1.4.0"

#: Backoff between lock attempts: starts short (a writer's transaction is usually brief), doubles,
#: and is capped so that a released lock is noticed within about a second.
FIRST_RETRY_DELAY = 0.05
MAX_RETRY_DELAY = 1.0
#: How often a writer waiting for the lock says so.
LOCK_LOG_SECONDS = 10.0

log = logging.getLogger(__name__)
Logger = logging.Logger | logging.LoggerAdapter


@contextmanager
def open_db(
    target: Target, *, read_only: bool = False, lock_wait_seconds: float = 0,
    snapshot: int | str | None = None, logger: Logger | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating and migrating if needed) the database at `target`; close it on exit.

    A lock held by another process is waited for, up to `lock_wait_seconds`, then `DatabaseLocked`;
    the wait is logged on `logger` (default: this module's). `snapshot` (a lake, read-only) opens the
    lake as it was at that snapshot id or timestamp.
    """
    target = target if isinstance(target, StorageSettings) else Path(target)
    opened = _connect_waiting(target, read_only=read_only, lock_wait_seconds=lock_wait_seconds, snapshot=snapshot,
                              logger=logger or log)
    try:
        if not read_only:
            migrate(opened.conn, target)
        yield opened.conn
    finally:
        opened.conn.close()
        opened.release()


def _connect_waiting(target: Target, *, read_only: bool, lock_wait_seconds: float,
                     snapshot: int | str | None, logger: Logger) -> Opened:
    policy = RetryPolicy(deadline=lock_wait_seconds, first_wait=FIRST_RETRY_DELAY, max_wait=MAX_RETRY_DELAY)
    started = time.monotonic()
    next_report = 0.0

    def waiting(error: BaseException, failed: int, wait: float) -> None:
        nonlocal next_report
        waited = time.monotonic() - started
        if waited >= next_report:
            pid = getattr(error, "holder_pid", None)
            logger.warning("waiting for the database lock on %s held by %s, %d s of %g s", target,
                           f"PID {pid}" if pid else "another process", waited, lock_wait_seconds)
            next_report = waited + LOCK_LOG_SECONDS

    try:
        return policy.call(lambda: _connect(target, read_only=read_only, snapshot=snapshot), on_retry=waiting,
                           retry_if=lambda e: isinstance(e, DatabaseLocked))
    except DatabaseLocked as e:
        raise _gave_up(e, lock_wait_seconds) from None


def _connect(target: Target, *, read_only: bool, snapshot: int | str | None) -> Opened:
    if isinstance(target, StorageSettings):
        if target.backend != "ducklake":
            raise ValueError("open_db: give the database path for the embedded backend")
        return connect_lake(target, read_only=read_only, snapshot=snapshot)
    if snapshot is not None:
        raise StorageError(f"{target}: the embedded file keeps no snapshots to open (time travel needs a DuckLake)")
    return Opened(_connect_file(target, read_only=read_only), lambda: None)


def _gave_up(error: DatabaseLocked, waited: float) -> DatabaseLocked:
    if waited <= 0:
        return error
    return DatabaseLocked(f"{error} (gave up after waiting {waited:g} s; see lock_wait_seconds)", error.holder_pid)


def _connect_file(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise StorageError(f"{path}: no database yet (run `radar poll` first)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        config = {} if read_only else {"storage_compatibility_version": STORAGE_COMPATIBILITY}
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as e:
        raise _map_io_error(path, e) from None
    except (duckdb.Error, OSError) as e:
        raise StorageError(f"{path}: cannot open the database: {e}") from None


def _map_io_error(path: Path, error: Exception) -> StorageError:
    text = " ".join(str(error).split())
    if "lock" in text.lower():
        holder = re.search(r"PID (\d+)", text)
        who = f"process {holder.group(1)}" if holder else "another process"
        return DatabaseLocked(
            f"{path}: the database is locked by {who} (close other DuckDB connections): {text}",
            int(holder.group(1)) if holder else None,
        )
    return StorageError(f"{path}: cannot open the database: {text}")


def backend_of(conn: duckdb.DuckDBPyConnection) -> str:
    """'ducklake' for a lake connection, 'duckdb' for the embedded file."""
    row = conn.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return "ducklake" if row and row[0] == "ducklake" else "duckdb"


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM duckdb_tables()"
        " WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'schema_version'"
    ).fetchone()
    if not row or row[0] == 0:
        return 0
    current = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(current[0] or 0) if current else 0


@contextmanager
def one_thread(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB on one thread for the block, then as it was. For a snapshot's export, memory is one row group,
    not one per thread (on 10,000 documents, 470 MiB at peak with the defaults, 190 MiB so; and no slower);
    for `ledger.load_paper_facts`' queries of some 10k-60k rows each, a second thread costs more in
    coordination than it saves (0.61 s vs 0.76 s for the whole load of 10k papers on 2 busy cores)."""
    threads = conn.execute("SELECT current_setting('threads')").fetchone()[0]
    conn.execute("SET threads = 1")
    try:
        yield
    finally:
        conn.execute(f"SET threads = {int(threads)}")


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection, failure: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT around the block, ROLLBACK when it raises.

    With `failure`, a DuckDB error inside becomes `StorageError(f"{failure}: {error}")`; without it the
    DuckDB error itself propagates (the caller maps it). Any other exception rolls back and propagates.
    A DuckLake commit that conflicts with another transaction raises `WriteConflict` either way (the
    commit already rolled everything back; trying again later is right).
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
    except duckdb.Error as e:
        conn.execute("ROLLBACK")
        if failure is None:
            raise
        raise StorageError(f"{failure}: {e}") from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except duckdb.TransactionException as e:
        raise WriteConflict(f"{failure or 'the write'}: another transaction changed the same rows, nothing was "
                            f"written: {' '.join(str(e).split())}") from None
    except duckdb.Error as e:
        if failure is None:
            raise
        raise StorageError(f"{failure}: {e}") from None


#: The embedded file's table of applied migrations, as released; a lake's has no key (DuckLake has none).
SCHEMA_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version"
                        " (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ)")
LAKE_SCHEMA_VERSION_TABLE = ("CREATE TABLE IF NOT EXISTS schema_version"
                             " (version INTEGER NOT NULL, description VARCHAR, applied_at TIMESTAMPTZ)")


def migrate(conn: duckdb.DuckDBPyConnection, path: Path | str | StorageSettings = "") -> int:
    """Apply the migrations this database has not seen; return the resulting version.

    A lake is written only under its writer lock (open_db holds it), so `schema_version` needs no key:
    no two processes migrate at once. A lake records the migrations that only change key constraints
    (storage.schema.FILE_ONLY) without running them.
    """
    lake = backend_of(conn) == "ducklake"
    current = schema_version(conn)
    if current == 0:
        with transaction(conn, f"{path}: creating the schema failed"):
            conn.execute(LAKE_SCHEMA_VERSION_TABLE if lake else SCHEMA_VERSION_TABLE)
            if lake:
                conn.execute(lake_baseline())
                now = datetime.now(UTC)
                for version, description, _ in MIGRATIONS[:LAKE_BASELINE_VERSION]:
                    conn.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, now])
                current = LAKE_BASELINE_VERSION
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        with transaction(conn, f"{path}: migration {version} ({description}) failed"):
            if not (lake and version in FILE_ONLY):
                conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now(UTC)])
        current = version
    return current
