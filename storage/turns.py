"""Turns shared by every process that uses one store: arXiv's "one request every 3 s" across workers.

Called by the arXiv pipelines (flows/pipeline/arxiv.py) around each arXiv request. A process's own
limiter (sources/arxiv.py's `RateLimiter`) spaces the requests of its threads; this spaces those of
every process that shares the store, wherever it runs, measured where it matters: a turn is taken
before a request is sent and held until its answer is read, and the next turn begins `delay` seconds
after the previous request ended, whichever process sent it. So arXiv sees one connection at a time
and a gap of at least `delay` between them, however many workers there are.

- A lake with a PostgreSQL catalog: a session advisory lock (`TURN_LOCK`, beside the writer lock of
  storage/lake.py) on a connection of its own, and the last request's end in a one-row-per-name
  table `paper_radar_turns` of the catalog's database, stamped with PostgreSQL's clock (one clock for
  every machine). PostgreSQL drops the lock when its holder dies.
- The embedded file, and the SQLite and DuckDB-file catalogs (one machine): `flock` on
  `<store>.turn-<name>`, the last end written in it (this machine's wall clock).

A turn not had within `wait_seconds` raises `TurnTimeout`, naming who holds it.
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from config.storage import StorageSettings
from storage.errors import StorageError
from storage.lake import advisory_lock_holder, catalog_connection

#: pg_try_advisory_lock(int4, int4): "RADR", 2 (the writer lock is "RADR", 1).
TURN_LOCK = (0x52414452, 2)
#: How often a process waiting for the turn asks again.
POLL_SECONDS = 0.05

Turn = Callable[[], AbstractContextManager[None]]


class TurnTimeout(StorageError):
    """The turn was not had within the wait allowed (another process holds it)."""


def shared_turn(store: Path | StorageSettings, name: str, delay: float, *, wait_seconds: float = 600) -> Turn:
    """`turn()`: a context manager held around one request; see the module."""
    if not re.fullmatch(r"[a-z0-9-]{1,40}", name):
        raise ValueError(f"a turn's name is lowercase letters, digits and dashes, not {name!r}")
    if isinstance(store, StorageSettings) and store.catalog_kind == "postgres":
        return lambda: _postgres_turn(store, name, delay, wait_seconds)
    if isinstance(store, StorageSettings):
        path = Path(store.catalog_target)
    else:
        path = Path(store)
    return lambda: _file_turn(path.with_name(f"{path.name}.turn-{name}"), delay, wait_seconds)


@contextmanager
def _postgres_turn(settings: StorageSettings, name: str, delay: float, wait_seconds: float) -> Iterator[None]:
    conn = catalog_connection(settings, f"the {name} turn")
    with conn:
        deadline = time.monotonic() + wait_seconds
        while not conn.execute("SELECT pg_try_advisory_lock(%s, %s)", TURN_LOCK).fetchone()[0]:
            if time.monotonic() > deadline:
                raise TurnTimeout(f"{settings}: the {name} turn is held by {_pg_holder(conn)} "
                                  f"(waited {wait_seconds:g} s)")
            time.sleep(POLL_SECONDS)
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS paper_radar_turns (name text PRIMARY KEY, last_end timestamptz)")
            row = conn.execute("SELECT extract(epoch FROM clock_timestamp() - last_end) FROM paper_radar_turns"
                               " WHERE name = %s", [name]).fetchone()
            if row and row[0] is not None:
                time.sleep(max(0.0, delay - float(row[0])))
            try:
                yield
            finally:
                conn.execute("INSERT INTO paper_radar_turns VALUES (%s, clock_timestamp())"
                             " ON CONFLICT (name) DO UPDATE SET last_end = excluded.last_end", [name])
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", TURN_LOCK)


def _pg_holder(conn) -> str:
    row = advisory_lock_holder(conn, TURN_LOCK)
    return (row[0] if row else None) or "another process"


@contextmanager
def _file_turn(path: Path, delay: float, wait_seconds: float) -> Iterator[None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StorageError(f"cannot open the turn file {path}: {e}") from None
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TurnTimeout(f"the turn {path} is held by another process (waited {wait_seconds:g} s)"
                                      ) from None
                time.sleep(POLL_SECONDS)
        last = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        if re.fullmatch(r"\d+(\.\d+)?", last):
            time.sleep(max(0.0, float(last) + delay - time.time()))
        try:
            yield
        finally:
            stamp = f"{time.time():.6f}".encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, stamp, 0)
    finally:
        os.close(fd)  # drops the flock
