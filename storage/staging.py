"""Staged batches: how every write of the storage layer reaches its table, on both backends.

A write registers its rows as Arrow tables (`staged`), then runs set-based SQL on them: DELETE/INSERT
for rows replaced wholesale, and for upserts one `MERGE INTO target USING <deduplicated batch> ON
<key>`. MERGE needs no key constraint, so it is the one upsert that runs on the embedded file and on
a DuckLake alike (DuckLake has neither PRIMARY KEY nor `INSERT ... ON CONFLICT`). A MERGE that meets
a new key twice in its batch inserts it twice (and an existing key twice is updated by either row),
so the batch is always deduplicated first (`deduplicated`). MERGE has no RETURNING on a lake: which
keys are new is read before it, in the same transaction (`new_keys`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa


@contextmanager
def staged(conn: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """The Arrow tables registered under their keyword names for the block, unregistered after."""
    try:
        for name, table in tables.items():
            conn.register(name, table)
        yield
    finally:
        for name in tables:
            conn.unregister(name)


def deduplicated(batch: str, key: Sequence[str], preferred_first: str) -> str:
    """A subquery of `batch` with one row per `key`: the first in `preferred_first` order."""
    return (f"(SELECT * FROM {batch} QUALIFY row_number() OVER "
            f"(PARTITION BY {', '.join(key)} ORDER BY {preferred_first}) = 1)")


def new_keys(conn: duckdb.DuckDBPyConnection, batch: str, target: str, key: Sequence[str]) -> int:
    """How many distinct keys of `batch` `target` does not hold yet (read before the MERGE)."""
    columns = ", ".join(key)
    return conn.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT {columns} FROM {batch}) ANTI JOIN {target} USING ({columns})"
    ).fetchone()[0]
