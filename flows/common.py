"""What every flow shares: how a flow opens the DuckDB file for writing.

Writers are serialised twice over: across processes and deployments by a Prefect global concurrency
limit of one slot (created by `radar setup`; where it does not exist, e.g. a local run without a
server, this is a no-op), and by DuckDB's own file lock, which `open_db` waits on for
`lock_wait_seconds` (a notebook holding the file, say).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache

from prefect.concurrency.sync import concurrency

from config.settings import Settings
from storage.db import Connection, open_db

DB_WRITER_LIMIT = "paper-radar-duckdb-writer"


@contextmanager
def open_writer(settings: Settings) -> Iterator[Connection]:
    """The database for one short write, holding the writer slot meanwhile."""
    slot = concurrency(DB_WRITER_LIMIT, occupy=1, strict=True) if writer_limit_exists() else nullcontext()
    with slot:
        with open_db(settings.database, lock_wait_seconds=settings.lock_wait_seconds) as conn:
            yield conn


@cache
def writer_limit_exists() -> bool:
    """Asked once per process: Prefect's `concurrency(strict=False)` on a missing limit costs ~1 s
    and a warning on every call, and without `radar setup` there is no other writer to wait for."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(DB_WRITER_LIMIT)
    except ObjectNotFound:
        return False
    return True
