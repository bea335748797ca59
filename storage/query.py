"""Ad-hoc read-only SQL against the live database file, for `radar sql` (radar/sql.py).

The file is opened read-only, so a query can never change it, and only for the one query: a
read-only connection left open would stop the scheduled writer (DuckDB allows one writer or many
readers, never both). Timestamps come back in UTC whatever the machine's time zone, so output is
the same everywhere. DuckDB's errors become `QueryError`, one line naming the problem and the query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from storage.db import StorageError, open_db

Rows = list[tuple[Any, ...]]


class QueryError(StorageError):
    """The query failed: bad SQL, a missing table or column, a runtime error, or it tried to write."""


def run_readonly_query(
    db_path: Path, sql: str, *, params: Sequence[Any] | dict[str, Any] | None = None, lock_wait_seconds: float = 0
) -> tuple[list[str], Rows]:
    """Run `sql` (one or more statements; the last one's result is returned) on a read-only connection."""
    if not sql.strip():
        raise QueryError("empty query: give a SELECT statement")
    with open_db(db_path, read_only=True, lock_wait_seconds=lock_wait_seconds) as conn:
        try:
            conn.execute("SET TimeZone = 'UTC'")
            result = conn.execute(sql, params) if params is not None else conn.execute(sql)
            if result.description is None:  # SET, PRAGMA and the like return nothing
                return [], []
            return [d[0] for d in result.description], result.fetchall()
        except duckdb.Error as e:
            raise QueryError(describe_error(e, sql)) from None


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
