"""Copying every table from one store into another: `radar migrate-storage` (embedded file <-> DuckLake).

Both stores are first opened read-write, which migrates each to the current schema (so their columns
are the same), then the destination's connection attaches the source read-only and copies each table
with `INSERT INTO t BY NAME SELECT * FROM source.t`, all in one transaction (a lake gets one snapshot
for the whole copy). Before COMMIT every table is checked: the same row count on both sides, and the
same set of keys (storage/schema.py's KEYS) both ways; a mismatch rolls everything back. The
destination must be empty, or already hold exactly the source's keys and counts (a copy run twice
changes nothing and says so). `schema_version` is not copied: each store records its own migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from config.storage import StorageSettings
from storage.db import StorageError, Target, open_db, transaction
from storage.lake import attach_statement, extension_directory, extensions_for, literal
from storage.schema import KEYS

SOURCE = "copy_source"
#: What is copied: every table with a natural key, but not the record of applied migrations.
COPIED = tuple(t for t in KEYS if t != "schema_version")


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    copied_rows: int
    keys_match: bool


def copy_store(source: Target, destination: Target, *, lock_wait_seconds: float = 0) -> tuple[bool, list[TableCopy]]:
    """Copy every table; return (whether anything was copied, per-table counts). StorageError if not possible."""
    with open_db(source, lock_wait_seconds=lock_wait_seconds):
        pass  # migrated to the current schema, so the columns match the destination's
    with open_db(destination, lock_wait_seconds=lock_wait_seconds) as conn:
        _attach_source(conn, source)
        try:
            before = _counts(conn, None)
            if any(before.values()):
                checked = _check(conn)
                if not all(c.keys_match and c.source_rows == c.copied_rows for c in checked):
                    raise StorageError(f"{destination} already holds rows that are not a copy of {source}: it "
                                       "must be empty (" + _describe(checked) + ")")
                return False, checked
            with transaction(conn, f"copying {source} into {destination} failed"):
                for table in COPIED:
                    conn.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {SOURCE}.{table}")
                checked = _check(conn)
                if not all(c.keys_match and c.source_rows == c.copied_rows for c in checked):
                    raise duckdb.InvalidInputException("the copy does not match the source: " + _describe(checked))
            return True, checked
        finally:
            conn.execute(f"DETACH {SOURCE}")


def _attach_source(conn: duckdb.DuckDBPyConnection, source: Target) -> None:
    try:
        if isinstance(source, StorageSettings):
            conn.execute(f"SET extension_directory = {literal(extension_directory())}")
            conn.execute("SET autoinstall_known_extensions = false")
            for extension in extensions_for(source):
                conn.execute(f"LOAD {extension}")
            conn.execute(attach_statement(source, read_only=True, alias=SOURCE))
        else:
            conn.execute(f"ATTACH {literal(str(Path(source)))} AS {SOURCE} (READ_ONLY)")
    except duckdb.Error as e:
        raise StorageError(f"{source}: cannot be read for the copy: {' '.join(str(e).split())}") from None


def _counts(conn: duckdb.DuckDBPyConnection, database: str | None) -> dict[str, int]:
    prefix = f"{database}." if database else ""
    return {t: conn.execute(f"SELECT count(*) FROM {prefix}{t}").fetchone()[0] for t in COPIED}


def _check(conn: duckdb.DuckDBPyConnection) -> list[TableCopy]:
    source, copied = _counts(conn, SOURCE), _counts(conn, None)
    result = []
    for table in COPIED:
        key = ", ".join(KEYS[table])
        differing = conn.execute(
            f"""
            SELECT (SELECT count(*) FROM (SELECT {key} FROM {SOURCE}.{table} EXCEPT SELECT {key} FROM {table}))
                 + (SELECT count(*) FROM (SELECT {key} FROM {table} EXCEPT SELECT {key} FROM {SOURCE}.{table}))
                 + (SELECT count(*) - count(DISTINCT ({key})) FROM {table})
            """
        ).fetchone()[0]
        result.append(TableCopy(table, source[table], copied[table], differing == 0))
    return result


def _describe(checked: list[TableCopy]) -> str:
    return ", ".join(f"{c.table}: {c.source_rows} in the source, {c.copied_rows} here"
                     + ("" if c.keys_match else ", keys differ") for c in checked
                     if not (c.keys_match and c.source_rows == c.copied_rows))
