"""Opening the DuckDB file: creation, forward migrations and error mapping.

The only module (with its siblings in storage/) that imports duckdb. A writer opens the file for
the duration of one write and closes it, so that readers get their turn between runs.

Error tree (this layer's `errors`):

    StorageError            the database could not be opened, migrated or written; names the file
      └─ DatabaseLocked     another process holds the file (DuckDB allows one writer or many readers)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from storage.schema import MIGRATIONS

#: Files stay readable by DuckDB 1.4+ clients (CLI, DBeaver, notebooks); duckdb 2.0's default is not.
STORAGE_COMPATIBILITY = "v1.4.0"


class StorageError(Exception):
    """The database could not be opened, migrated or written. The message names the file."""


class DatabaseLocked(StorageError):
    """Another process holds the database file."""


@contextmanager
def open_db(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open (creating and migrating if needed) the database at `path`; close it on exit."""
    conn = _connect(Path(path), read_only=read_only)
    try:
        if not read_only:
            migrate(conn, path)
        yield conn
    finally:
        conn.close()


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
    text = str(error)
    if "lock" in text.lower():
        holder = re.search(r"PID (\d+)", text)
        who = f"process {holder.group(1)}" if holder else "another process"
        return DatabaseLocked(f"{path}: the database is locked by {who} (close other DuckDB connections): {text}")
    return StorageError(f"{path}: cannot open the database: {text}")


def schema_version(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not row or row[0] == 0:
        return 0
    current = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(current[0] or 0) if current else 0


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
        try:
            conn.execute("BEGIN TRANSACTION")
            conn.execute(sql)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now(UTC)]
            )
            conn.execute("COMMIT")
        except duckdb.Error as e:
            conn.execute("ROLLBACK")
            raise StorageError(f"{path}: migration {version} ({description}) failed: {e}") from None
        current = version
    return current
