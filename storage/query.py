"""Ad-hoc read-only SQL, for `radar sql` (radar/sql.py): the live database, or a past state of it.

The embedded file is opened read-only, so a query can never change it, and only for the one query:
a read-only connection left open would stop the scheduled writer (DuckDB allows one writer or many
readers, never both). A lake is attached READ_ONLY; its readers never hold the writer up. A lake
stores no macros, so `format_metric` and `trending_since` are created for the query's connection
(`MACROS_SQL`); the embedded file has them in it. Timestamps come back in UTC whatever the
machine's time zone, so output is the same everywhere. DuckDB's errors become `QueryError`, one
line naming the problem and the query.

Time travel (`at`): on a lake, a snapshot id (`radar sql --snapshots` lists them) or a timestamp,
attached as that snapshot (DuckLake keeps every commit until its snapshots are expired). The
embedded file keeps no history, but each poll publishes a read snapshot (storage/snapshot.py) and
the retained generations can be queried by name (`snapshot-20261201T...Z`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from config.storage import StorageSettings
from storage.db import StorageError, Target, open_db
from storage.lake import attach_statement, extension_directory, extensions_for, list_snapshots, literal
from storage.snapshot import connect_generation, list_generations, snapshot_dir_for
from storage.views import MACROS_SQL

Rows = list[tuple[Any, ...]]


class QueryError(StorageError):
    """The query failed: bad SQL, a missing table or column, a runtime error, or it tried to write."""


def run_readonly_query(
    target: Target, sql: str, *, params: Sequence[Any] | dict[str, Any] | None = None, lock_wait_seconds: float = 0,
    at: str | None = None,
) -> tuple[list[str], Rows]:
    """Run `sql` (one or more statements; the last one's result is returned) on a read-only connection.

    `at` reads a past state: a lake's snapshot id or timestamp, or an embedded file's read-snapshot generation.
    """
    if not sql.strip():
        raise QueryError("empty query: give a SELECT statement")
    if isinstance(target, StorageSettings):
        with open_db(target, read_only=True, snapshot=parse_lake_snapshot(at),
                     lock_wait_seconds=lock_wait_seconds) as conn:
            conn.execute(MACROS_SQL)
            return _run(conn, sql, params)
    if at is not None:
        with connect_generation(snapshot_dir_for(Path(target)), at) as conn:
            return _run(conn, sql, params)
    with open_db(Path(target), read_only=True, lock_wait_seconds=lock_wait_seconds) as conn:
        return _run(conn, sql, params)


def _run(conn: duckdb.DuckDBPyConnection, sql: str, params) -> tuple[list[str], Rows]:
    try:
        conn.execute("SET TimeZone = 'UTC'")
        result = conn.execute(sql, params) if params is not None else conn.execute(sql)
        if result.description is None:  # SET, PRAGMA and the like return nothing
            return [], []
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as e:
        raise QueryError(describe_error(e, sql)) from None


def parse_lake_snapshot(at: str | None) -> int | str | None:
    """A snapshot id (digits) as an int, an ISO timestamp as text; QueryError for anything else."""
    if at is None:
        return None
    text = at.strip()
    if text.isdigit():
        return int(text)
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(f"--at {at!r}: give a snapshot id (see `radar sql --snapshots`) or a timestamp "
                         "such as 2026-12-01T09:00:00+00:00") from None
    return text


def load_snapshots(target: Target) -> tuple[list[str], Rows]:
    """What `--at` can name: a lake's snapshots, or the embedded file's retained read-snapshot generations."""
    if isinstance(target, StorageSettings):
        with open_db(target, read_only=True) as conn:
            conn.execute("SET TimeZone = 'UTC'")
            return list_snapshots(conn)
    return list_generations(snapshot_dir_for(Path(target)))


def reader_script(target: Target) -> str:
    """DuckDB statements that open the store read-only in any DuckDB 1.4.4 session (a notebook, the CLI).

    For a lake: the extensions from the installed wheels, the lake attached READ_ONLY and in use, and
    the two macros for that session (a lake stores none). For the embedded file: the file attached
    read-only and in use; hold it briefly, since a reader keeps the writer out.
    """
    if not isinstance(target, StorageSettings):
        return f"ATTACH {literal(str(target))} AS radar (READ_ONLY);\nUSE radar;\n"
    lines = [f"SET extension_directory = {literal(extension_directory())};",
             "SET autoinstall_known_extensions = false;", "SET autoload_known_extensions = false;"]
    lines += [f"LOAD {extension};" for extension in extensions_for(target)]
    lines += [attach_statement(target, read_only=True) + ";", "USE lake;"]
    return "\n".join(lines) + "\n" + MACROS_SQL


def describe_error(error: duckdb.Error, sql: str) -> str:
    """One line: DuckDB's message without its caret diagram, then the start of the query."""
    text = str(error)
    message = " ".join(text.split("\n\nLINE ")[0].split())
    where = re.search(r"\n\nLINE (\d+):", text)
    written = re.search(r'Cannot execute statement of type "(\w+)"', text)
    if written:
        message = f"read-only: `radar sql` cannot change the database ({written.group(1)} refused)"
    at = f" at line {where.group(1)}" if where else ""
    return f"{message}{at} in query: {_first_line(sql)}"


def _first_line(sql: str, width: int = 80) -> str:
    line = next((s.strip() for s in sql.splitlines() if s.strip() and not s.strip().startswith("--")), sql.strip())
    return line if len(line) <= width else line[: width - 1] + "…"
