"""The two storage backends, for tests that must hold on both (the storage, flow and SQL suites).

The `backend` fixture (tests/conftest.py) is parametrized `duckdb` and `ducklake`. For `ducklake` it
makes a fresh lake per test: a new database on the session's PostgreSQL (tests/postgres.py) as the
catalog and a folder under the test's tmp_path as the data path, and it sets `RADAR_STORAGE__*` so
that every config file the test writes (and every `radar` process it starts) uses that lake: the
documented environment override, with no test's TOML edited. `store(path)` is what to open for a
database path a test names: the path itself, or the lake.

Without PostgreSQL or the `[lake]` extra the `ducklake` cases are skipped, except under CI (`CI`
set), where they fail: CI must run both.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.storage import StorageSettings
from storage.db import Connection, Target, open_db
from tests.postgres import PASSWORD, PostgresServer, postgres_bindir

BACKENDS = ("duckdb", "ducklake")
_names = itertools.count()


def lake_missing() -> str | None:
    """Why a lake cannot be tested here, or None."""
    if importlib.util.find_spec("duckdb_ext") is None or importlib.util.find_spec("psycopg") is None:
        return "the [lake] extra is not installed (pip install -e '.[test,lake]')"
    if postgres_bindir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    return None


def skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must test the DuckLake backend: {reason}")
    pytest.skip(reason)


class PostgresForTests:
    """The session's server, started on first use; PGPASSWORD set for the session (libpq reads it)."""

    def __init__(self) -> None:
        self.server: PostgresServer | None = None
        self._saved: str | None = None

    def get(self) -> PostgresServer:
        if self.server is None:
            reason = lake_missing()
            if reason:
                skip_or_fail(reason)
            self.server = PostgresServer()
            self._saved = os.environ.get("PGPASSWORD")
            os.environ["PGPASSWORD"] = PASSWORD
        return self.server

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
            if self._saved is None:
                os.environ.pop("PGPASSWORD", None)
            else:
                os.environ["PGPASSWORD"] = self._saved


def new_lake(pg: PostgresServer, folder: Path) -> StorageSettings:
    """An empty lake: a new catalog database, its data in `folder`/lake-data/."""
    dsn = pg.create_database(f"lake_{os.getpid()}_{next(_names)}")
    return StorageSettings(backend="ducklake", catalog=dsn, data_path=f"{folder / 'lake-data'}/")


@dataclass
class Backend:
    name: str
    lake: StorageSettings | None = None

    def store(self, database: Path) -> Target:
        """What to open for a test's database path: that file, or this test's lake."""
        return self.lake if self.lake is not None else Path(database)

    @contextmanager
    def read(self, database: Path) -> Iterator[Connection]:
        with open_db(self.store(database), read_only=True) as conn:
            yield conn

    def query(self, database: Path, sql: str, params=None) -> list[tuple]:
        with self.read(database) as conn:
            return conn.execute(sql, params).fetchall() if params is not None else conn.execute(sql).fetchall()

    def environment(self) -> dict[str, str]:
        """RADAR_STORAGE__* for this backend (none for the embedded file)."""
        if self.lake is None:
            return {}
        return {"RADAR_STORAGE__BACKEND": "ducklake", "RADAR_STORAGE__CATALOG": self.lake.catalog or "",
                "RADAR_STORAGE__DATA_PATH": self.lake.data_path or ""}
