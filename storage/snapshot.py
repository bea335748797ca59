"""Read snapshots: every table as Parquet plus a `views.sql`, published atomically after each run.

Which to use when:
- A long-lived reader (a notebook, a dashboard, anything left open) reads the snapshot. It never
  holds the database file, so it cannot keep the scheduled writer out, and it is never half-written.
  DuckDB: `.read <snapshot_dir>/current/views.sql`; pandas/polars/pyarrow: the Parquet files (resolve
  `current` once, then read every file from that folder, for tables from one and the same run).
- A quick question between runs (`radar sql`, the DuckDB CLI with `-readonly`) reads the live file:
  it is always up to date, and a read-only connection closed after the query costs the writer nothing.

Layout of `snapshot_dir` (by default `radar.snapshot/` beside `radar.duckdb`):

    snapshot-<UTC time>/     one complete generation: <table>.parquet, views.sql, manifest.json
    current -> snapshot-...  a relative symlink, swapped with one atomic rename

A generation is written into a hidden staging folder and renamed into place only once every file
is written and fsynced, and `current` is switched after that. Files never change once published.

`views.sql` defines one view per table over its own generation's Parquet files (absolute paths),
then the database's own macros and views, copied from its catalog. It pins that generation: to see
a newer run, `.read .../current/views.sql` again (every statement is CREATE OR REPLACE). Paths are
pinned because DuckDB opens a file more than once per query: read through a symlink that moves, a
query can combine two generations' bytes and fail ("Invalid data"). A replaced generation is kept
for `retain_hours` (default 24) and the previous one always, so a session that refreshes daily never
loses its files.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from config.faults import fault_point
from storage.db import StorageError, Target, one_thread, schema_version
from storage.views import catalog_definitions

log = logging.getLogger(__name__)

CURRENT = "current"
PREFIX = "snapshot-"
STAGING_PREFIX = ".staging-"
STAMP = "%Y%m%dT%H%M%S%fZ"
#: Rows per Parquet row group: the writer holds one row group in memory (DuckDB's default, 122,880 rows,
#: is every document's body at once on a 10,000-issue database).
ROW_GROUP_ROWS = 2048
#: A staging folder this old is left over from a crashed publish, not one in progress.
STALE_STAGING_SECONDS = 3600


def snapshot_dir_for(db_path: Path) -> Path:
    """The default snapshot folder: `radar.snapshot/` beside `radar.duckdb`."""
    return Path(db_path).with_suffix(".snapshot")


def publish_snapshot(
    conn: duckdb.DuckDBPyConnection, db_path: Target, snapshot_dir: Path, *, retain_hours: float = 24
) -> Path:
    """Export every table and the views to a new generation, point `current` at it; return its folder.

    Call it with the writer's connection after a successful run. Generations replaced more than
    `retain_hours` ago are deleted, except the previous one (a reader may have just resolved it).
    """
    snapshot_dir = Path(snapshot_dir).resolve()
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime(STAMP)
    staging = snapshot_dir / f"{STAGING_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}"
    final = snapshot_dir / f"{PREFIX}{stamp}"
    try:
        staging.mkdir()
        rows = _export_tables(conn, staging)
        statements = _ordered_definitions(conn, staging, list(rows))
        (staging / "views.sql").write_text(render_views_sql(final, list(rows), statements))
        _write_manifest(staging, conn, db_path, rows, stamp)
        _fsync_tree(staging)
        fault_point("snapshot.before_rename")
        os.rename(staging, final)
        fault_point("snapshot.before_current")
        _point_current(snapshot_dir, final.name)
    except (duckdb.Error, OSError) as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise StorageError(f"{snapshot_dir}: publishing the snapshot failed: {e}") from None
    _prune(snapshot_dir, retain_seconds=retain_hours * 3600)
    return final


def _export_tables(conn: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        """
        SELECT table_name FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
        ORDER BY table_name
        """
    ).fetchall()]
    rows = {}
    with one_thread(conn):  # the export's memory is one row group, not one per thread (db.one_thread)
        for table in tables:
            target = folder / f"{table}.parquet"
            conn.execute(f'COPY (SELECT * FROM "{table}") TO {_literal(target)} '
                         f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            rows[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            fault_point("snapshot.mid_export")
    return rows


def _ordered_definitions(conn: duckdb.DuckDBPyConnection, folder: Path, tables: list[str]) -> list[str]:
    """The catalog's macros and views in an order that creates cleanly, tried against the new files.

    A view replaced by a later migration is newer than the views built on it, so catalog order is not
    enough: create what can be created, retry the rest, and fail if a pass makes no progress.
    """
    pending = [statement for _, statement in catalog_definitions(conn)]
    ordered: list[str] = []
    with duckdb.connect() as scratch:
        scratch.execute(render_views_sql(folder, tables, []))
        while pending:
            failed = []
            for statement in pending:
                try:
                    scratch.execute(statement)
                    ordered.append(statement)
                except duckdb.Error:
                    failed.append(statement)
            if len(failed) == len(pending):
                scratch.execute(failed[0])  # raises the real error for the message
            pending = failed
    return ordered


def render_views_sql(folder: Path, tables: list[str], statements: list[str]) -> str:
    """A DuckDB script: a view per table over `folder/<table>.parquet`, then `statements`."""
    header = [
        "-- Paper Radar read snapshot. In DuckDB: .read this file; tables and views then read the Parquet",
        f"-- files in {folder}. Read .../current/views.sql again for a newer run. Columns: docs/schema.md.",
    ]
    table_views = [
        f'CREATE OR REPLACE VIEW "{t}" AS SELECT * FROM read_parquet({_literal(folder / f"{t}.parquet")});'
        for t in tables
    ]
    return "\n".join(header + table_views + statements) + "\n"


def _write_manifest(
    folder: Path, conn: duckdb.DuckDBPyConnection, db_path: Target, rows: dict[str, int], stamp: str
) -> None:
    manifest = {
        "created_at": stamp,
        "database": str(db_path),
        "schema_version": schema_version(conn),
        "duckdb_version": duckdb.__version__,
        "tables": rows,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def _fsync_tree(folder: Path) -> None:
    # Without this a crash right after the rename could leave `current` pointing at empty files.
    for file in folder.iterdir():
        with open(file, "rb") as f:
            os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _point_current(snapshot_dir: Path, target: str) -> None:
    link = snapshot_dir / f".{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(target, link)
    os.replace(link, snapshot_dir / CURRENT)  # rename(2) over the old link: readers see old or new
    _fsync_dir(snapshot_dir)


def _prune(snapshot_dir: Path, *, retain_seconds: float) -> None:
    generations = sorted(p for p in snapshot_dir.glob(f"{PREFIX}*") if p.is_dir())
    current = (snapshot_dir / CURRENT).resolve()
    # A generation was replaced when the next one was published; the newest two always stay.
    for old, successor in zip(generations[:-2], generations[1:-1], strict=True):
        if old != current and time.time() - _published_at(successor) > retain_seconds:
            shutil.rmtree(old, ignore_errors=True)
    for staging in snapshot_dir.glob(f"{STAGING_PREFIX}*"):
        try:
            stale = time.time() - staging.stat().st_mtime > STALE_STAGING_SECONDS
        except FileNotFoundError:  # another publisher just finished with it
            continue
        if stale:
            log.warning("removing %s, left over from a publish that did not finish", staging)
            shutil.rmtree(staging, ignore_errors=True)


def _published_at(generation: Path) -> float:
    try:
        return datetime.strptime(generation.name.removeprefix(PREFIX), STAMP).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return math.inf  # not a name we write: never delete it


def list_generations(snapshot_dir: Path) -> tuple[list[str], list[tuple]]:
    """The retained generations, newest first: name, when published, rows per table (for `radar sql --at`)."""
    rows = []
    for generation in sorted(Path(snapshot_dir).glob(f"{PREFIX}*"), reverse=True):
        try:
            manifest = json.loads((generation / "manifest.json").read_text())
        except (OSError, ValueError):
            continue  # not one we published whole
        published = datetime.strptime(manifest["created_at"], STAMP).replace(tzinfo=UTC)
        rows.append((generation.name, published, manifest.get("tables", {})))
    return ["snapshot", "published_at", "tables"], rows


@contextmanager
def connect_generation(snapshot_dir: Path, name: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB over one retained generation (`snapshot-<stamp>`, or the stamp alone)."""
    generation = Path(snapshot_dir) / (name if name.startswith(PREFIX) else PREFIX + name)
    if not (generation.is_dir() and (generation / "views.sql").is_file()) or "/" in name:
        raise StorageError(f"{snapshot_dir}: no read snapshot {name!r} (`radar sql --snapshots` lists them)")
    conn = duckdb.connect()
    try:
        conn.execute((generation / "views.sql").read_text())
        yield conn
    finally:
        conn.close()


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def has_snapshot(snapshot_dir: Path) -> bool:
    """Whether a generation has been published in `snapshot_dir` (its `current` link exists)."""
    return (Path(snapshot_dir) / CURRENT).exists()
