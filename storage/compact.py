"""Keeping the embedded file compact: after a run that wrote a large share of the database, a fresh copy.

DuckDB's file never shrinks by itself, and with this project's settings it does not compact either: a
file kept readable by DuckDB 1.4 clients (storage.db.STORAGE_COMPATIBILITY) with PRIMARY KEYs is
skipped by checkpoint vacuuming, and every commit's checkpoint appends its rows as small segments of
their own. Saved as a poll saves them (a transaction per batch), 5,000 documents added to 5,000 made a
file 1.3-1.5x the size of one bulk load of the same 10,000. DuckDB's documented remedy is a copy
(`COPY FROM DATABASE`), which costs about as much as writing the database once, so it is made only
when a run wrote at least `COMPACT_SHARE` of the documents the database holds (an archive, a big
backfill) or the file's free blocks reach that share (and at least `MIN_FREE_BLOCKS`).

The copy is made while the writer holds the database: CHECKPOINT, copy into `<file>.compacting`
(same storage version), then an atomic rename over the file. Whoever opens the path afterwards gets
the copy; the old file, still open by the writer, goes when the writer closes it, leaving the path's
write-ahead log alone (it is empty after the checkpoint). A lake (DuckLake) is not touched.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

from storage.db import STORAGE_COMPATIBILITY, StorageError, backend_of

log = logging.getLogger(__name__)

#: DuckDB's memory limit for the copy (it spills to its temporary folder beyond it).
COPY_MEMORY = "128MB"
#: The share of the database's documents a run must have written (or of its blocks be free) to compact it.
COMPACT_SHARE = 0.2
#: Free blocks that never justify a copy, whatever their share (64 of DuckDB's 256 KiB blocks: 16 MiB): a
#: checkpoint reuses free blocks, and in a file of a few MiB a handful of them (its first write's checkpoint
#: leaves about four) is a fifth of the file.
MIN_FREE_BLOCKS = 64


def compact_if_grown(conn: duckdb.DuckDBPyConnection, path: Path | object, written_documents: int) -> bool:
    """Compact the embedded file at `path` (open on `conn`, the writer) if the run grew it enough; True if it did.

    As with `compact`, this must be the last use of `conn`.
    """
    if not isinstance(path, Path) or backend_of(conn) != "duckdb" or written_documents <= 0:
        return False
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    total, free = conn.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()"
                               " WHERE database_name = current_database()").fetchone()
    if written_documents < COMPACT_SHARE * documents and (free < COMPACT_SHARE * total or free < MIN_FREE_BLOCKS):
        return False
    compact(conn, path)
    return True


def compact(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Replace the file at `path` by a compact copy of it (see the module).

    This must be the last use of `conn`: what it wrote afterwards would go to the file being replaced.
    """
    copy = path.with_name(path.name + ".compacting")
    for leftover in (copy, copy.with_name(copy.name + ".wal")):
        leftover.unlink(missing_ok=True)
    database = conn.execute("SELECT current_database()").fetchone()[0]
    try:
        conn.execute("CHECKPOINT")
        # One thread and a bounded buffer: with the defaults the copy of a 10,000-document file peaked at
        # 370 MiB over what the process held, so 140 MiB (conn is closed right after: nothing to restore).
        conn.execute(f"SET threads = 1; SET memory_limit = '{COPY_MEMORY}'")
        conn.execute(f"ATTACH '{_quoted(copy)}' AS compacting (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')")
        try:
            conn.execute(f'COPY FROM DATABASE "{database}" TO compacting')
        finally:
            conn.execute("DETACH compacting")
        with open(copy, "rb") as f:
            os.fsync(f.fileno())
        before = path.stat().st_size
        os.replace(copy, path)
    except (duckdb.Error, OSError) as e:
        copy.unlink(missing_ok=True)
        raise StorageError(f"{path}: compacting the database failed (it is unchanged): {e}") from None
    log.info("compacted %s: %.1f MiB to %.1f MiB", path, before / 2**20, path.stat().st_size / 2**20)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
