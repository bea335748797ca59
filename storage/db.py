"""Opening the DuckDB file: creation, forward migrations, waiting for the lock, and error mapping.

The only module (with its siblings in storage/) that imports duckdb. A writer opens the file for
the duration of one write and closes it, so that readers get their turn between runs.

DuckDB allows one read-write process or many read-only ones, never both: a notebook holding a
read-only connection stops the writer. `open_db(..., lock_wait_seconds=N)` therefore retries a lock
conflict under the project's retry policy (config/retry.py: short waits doubling to a second, with
jitter) for up to N seconds before giving up with `DatabaseLocked`, whose message names the process
holding the file. While it waits it says so on the logger it is given (a flow run's logger), at once
and then every LOCK_LOG_SECONDS: "waiting for the database lock on FILE held by PID n, 12 s of 120 s".
`transaction` is the one way a multi-statement write is made atomic.

Error tree (this layer's `errors`):

    StorageError            the database could not be opened, migrated or written; names the file
      ├─ DatabaseLocked     another process holds the file (DuckDB allows one writer or many readers)
      └─ QueryError         (storage/query.py) an ad-hoc query failed: bad SQL, or it tried to write
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
from storage.schema import MIGRATIONS

#: The connection type, for annotations outside storage/ (which never import duckdb themselves).
Connection = duckdb.DuckDBPyConnection

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


class StorageError(Exception):
    """The database could not be opened, migrated or written. The message names the file."""


class DatabaseLocked(StorageError):
    """Another process holds the database file; `holder_pid` is its PID when DuckDB says it."""

    def __init__(self, message: str, holder_pid: int | None = None) -> None:
        super().__init__(message)
        self.holder_pid = holder_pid

    def __reduce__(self):  # Prefect pickles task exceptions: keep the PID across the trip
        return (type(self), (str(self), self.holder_pid))


@contextmanager
def open_db(
    path: Path, *, read_only: bool = False, lock_wait_seconds: float = 0, logger: Logger | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating and migrating if needed) the database at `path`; close it on exit.

    A lock held by another process is waited for, up to `lock_wait_seconds`, then `DatabaseLocked`;
    the wait is logged on `logger` (default: this module's).
    """
    path = Path(path)
    conn = _connect_waiting(path, read_only=read_only, lock_wait_seconds=lock_wait_seconds, logger=logger or log)
    try:
        if not read_only:
            migrate(conn, path)
        yield conn
    finally:
        conn.close()


def _connect_waiting(path: Path, *, read_only: bool, lock_wait_seconds: float,
                     logger: Logger) -> duckdb.DuckDBPyConnection:
    policy = RetryPolicy(deadline=lock_wait_seconds, first_wait=FIRST_RETRY_DELAY, max_wait=MAX_RETRY_DELAY)
    started = time.monotonic()
    next_report = 0.0

    def waiting(error: BaseException, failed: int, wait: float) -> None:
        nonlocal next_report
        waited = time.monotonic() - started
        if waited >= next_report:
            pid = getattr(error, "holder_pid", None)
            logger.warning("waiting for the database lock on %s held by %s, %d s of %g s", path,
                           f"PID {pid}" if pid else "another process", waited, lock_wait_seconds)
            next_report = waited + LOCK_LOG_SECONDS

    try:
        return policy.call(lambda: _connect(path, read_only=read_only), on_retry=waiting,
                           retry_if=lambda e: isinstance(e, DatabaseLocked))
    except DatabaseLocked as e:
        raise _gave_up(e, lock_wait_seconds) from None


def _gave_up(error: DatabaseLocked, waited: float) -> DatabaseLocked:
    if waited <= 0:
        return error
    return DatabaseLocked(f"{error} (gave up after waiting {waited:g} s; see lock_wait_seconds)", error.holder_pid)


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
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


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not row or row[0] == 0:
        return 0
    current = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(current[0] or 0) if current else 0


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection, failure: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT around the block, ROLLBACK when it raises.

    With `failure`, a DuckDB error inside becomes `StorageError(f"{failure}: {error}")`; without it the
    DuckDB error itself propagates (the caller maps it). Any other exception rolls back and propagates.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        yield conn
        conn.execute("COMMIT")
    except duckdb.Error as e:
        conn.execute("ROLLBACK")
        if failure is None:
            raise
        raise StorageError(f"{failure}: {e}") from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def migrate(conn: duckdb.DuckDBPyConnection, path: Path | str = "") -> int:
    """Apply the migrations this database has not seen; return the resulting version."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version"
        " (version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ)"
    )
    current = schema_version(conn)
    for version, description, sql in MIGRATIONS:
        if version <= current:
            continue
        with transaction(conn, f"{path}: migration {version} ({description}) failed"):
            conn.execute(sql)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now(UTC)])
        current = version
    return current
