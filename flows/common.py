"""What every flow shares: how a flow opens the DuckDB file for writing.

Writers are serialised twice over: across processes and deployments by a Prefect global concurrency
limit of one slot (created by `radar setup`; where it does not exist, e.g. a local run without a
server, this is a no-op), and by DuckDB's own file lock, which `open_db` waits on for
`lock_wait_seconds` (a notebook holding the file, say).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect.concurrency.sync import concurrency

from radar.settings import Settings
from storage.db import Connection, open_db

DB_WRITER_LIMIT = "paper-radar-duckdb-writer"


@contextmanager
def open_writer(settings: Settings) -> Iterator[Connection]:
    """The database for one short write, holding the writer slot meanwhile."""
    with concurrency(DB_WRITER_LIMIT, occupy=1, strict=False):
        with open_db(settings.database, lock_wait_seconds=settings.lock_wait_seconds) as conn:
            yield conn
