"""A new lake's starting schema: migrations 1 to LAKE_BASELINE_VERSION in one text DuckLake can run.

The released migrations stay as they are (existing embedded files ran them), but DuckLake cannot run
four of them as written: 1, 4 and 5 declare PRIMARY KEYs (DuckLake has no key constraints), 2
creates macros (it stores no functions), 5 has `DEFAULT false` (only literals: `'false'` works) and
the views of 2 and 4 call the macros. So a lake is created from this baseline instead, and runs
every later migration as written: a migration after LAKE_BASELINE_VERSION must run on both backends
(no keys, literal defaults, no macros, views without macro calls), and the suite runs them on both;
the one kind a lake records without running is a change to key constraints only (storage.schema.FILE_ONLY).

The baseline is the released migrations consolidated, not a second copy of them: they are run on a
scratch in-memory DuckDB, and each table is written out from its catalog, column by column in
order, with its type, NOT NULL (a key's columns are NOT NULL on the embedded file too) and its
default as a literal, but no key: keys are upheld by every write being a MERGE on the key (KEYS in
storage/schema.py). Each view is the text of its newest definition in those migrations (migration 8
took the macro calls out of the last two), so both backends' views are the same text.
tests/storage/test_lake_schema.py holds a lake equal to an embedded file column for column.
"""

from __future__ import annotations

import re
from functools import cache

import duckdb

from storage.schema import MIGRATIONS

LAKE_BASELINE_VERSION = 8

_VIEW = re.compile(r"^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)", re.I | re.M)


def released_views(up_to: int) -> list[str]:
    """Each view's newest definition in migrations 1..`up_to`, in the order the views were first created."""
    newest: dict[str, str] = {}
    for version, _, sql in MIGRATIONS:
        if version > up_to:
            break
        for statement in duckdb.extract_statements(sql):
            match = _VIEW.search(statement.query)
            if match:
                newest[match.group(1)] = statement.query.strip()
    return list(newest.values())


def released_tables(up_to: int) -> list[str]:
    """CREATE TABLE statements for the tables of migrations 1..`up_to`: no keys, literal defaults."""
    with duckdb.connect() as scratch:
        for version, _, sql in MIGRATIONS:
            if version <= up_to:
                scratch.execute(sql)
        columns = scratch.execute(
            """
            SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default
            FROM duckdb_columns() c JOIN duckdb_tables() t ON t.table_oid = c.table_oid
            ORDER BY t.table_oid, c.column_index
            """
        ).fetchall()
        tables: dict[str, list[str]] = {}
        for table, column, data_type, nullable, default in columns:
            text = f'"{column}" {data_type}' + ("" if nullable else " NOT NULL")
            if default is not None:
                text += " DEFAULT " + _literal(scratch.execute(f"SELECT CAST({default} AS {data_type})").fetchone()[0])
            tables.setdefault(table, []).append(text)
    return [f'CREATE TABLE "{name}" (\n    ' + ",\n    ".join(cols) + "\n);" for name, cols in tables.items()]


def _literal(value: object) -> str:
    """DuckLake takes only literals as defaults: `'false'` for a boolean, not `false`."""
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ValueError(f"a default DuckLake cannot store: {value!r}")


@cache
def lake_baseline() -> str:
    """The tables, then the views, of migrations 1..LAKE_BASELINE_VERSION, as one script for a new lake."""
    return "\n".join(released_tables(LAKE_BASELINE_VERSION)
                     + [f"{view};" for view in released_views(LAKE_BASELINE_VERSION)]) + "\n"
