"""The storage layer's errors, in one module that every other storage module may import.

    StorageError            the database could not be opened, migrated or written; names the file or lake
      ├─ DatabaseLocked     another process holds the file or the lake's writer lock
      │    └─ WriteConflict a DuckLake commit met another transaction's change to the same rows
      └─ QueryError         (storage/query.py) an ad-hoc query failed: bad SQL, or it tried to write

`DatabaseLocked` (and so `WriteConflict`) is what the poll answers by spooling its batches for the
next run: in both cases nothing was written and trying again later is right.
"""

from __future__ import annotations


class StorageError(Exception):
    """The database could not be opened, migrated or written. The message names the file or the lake."""


class DatabaseLocked(StorageError):
    """Another process holds the database file (or the lake's writer lock); `holder_pid` when known."""

    def __init__(self, message: str, holder_pid: int | None = None) -> None:
        super().__init__(message)
        self.holder_pid = holder_pid

    def __reduce__(self):  # Prefect pickles task exceptions: keep the PID across the trip
        return (type(self), (str(self), self.holder_pid))


class WriteConflict(DatabaseLocked):
    """A DuckLake commit failed because another transaction changed the same rows (nothing was written).

    Paper Radar's own writers take the writer lock, so this comes from a writer that does not: a
    notebook's UPDATE, or a compaction run by hand.
    """
