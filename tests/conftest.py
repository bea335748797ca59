"""Fixtures shared by every test folder; loaded by pytest before any test runs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from tests.backends import BACKENDS, Backend, PostgresForTests, new_lake
from tests.httpserver import LocalServer

# Before anything imports prefect: runs and settings go to a throwaway home, and nothing phones home.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="radar-tests-prefect-")
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
for _name in [n for n in os.environ if n.startswith("RADAR_STORAGE__")]:  # a developer's own lake stays out
    os.environ.pop(_name)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A started LocalServer on 127.0.0.1 with no routes; stopped after the test."""
    with LocalServer() as server:
        yield server
    assert not server.errors, f"the test server's handlers raised: {server.errors!r}"


@pytest.fixture(scope="session")
def prefect_test_api() -> Iterator[str]:
    """The session's temporary Prefect API (prefect_test_harness, a real server in a subprocess), started by
    the first test that needs it and shared by every folder (tests/flows uses it for all its tests); its URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    # A loaded 2-core machine can take a while to start the temporary server.
    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresForTests]:
    """The session's PostgreSQL (tests/postgres.py), started by the first test that needs it."""
    servers = PostgresForTests()
    yield servers
    servers.stop()


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, postgres, monkeypatch) -> Backend:
    """Each test twice: on the embedded file, and on a fresh DuckLake (tests/backends.py)."""
    if request.param == "duckdb":
        return Backend("duckdb")
    chosen = Backend("ducklake", new_lake(postgres.get(), tmp_path))
    for name, value in chosen.environment().items():
        monkeypatch.setenv(name, value)
    return chosen
