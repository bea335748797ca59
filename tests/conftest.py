"""Fixtures shared by every test folder; loaded by pytest before any test runs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest

from tests.httpserver import LocalServer

# Before anything imports prefect: runs and settings go to a throwaway home, and nothing phones home.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="radar-tests-prefect-")
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A started LocalServer on 127.0.0.1 with no routes; stopped after the test."""
    with LocalServer() as server:
        yield server
    assert not server.errors, f"the test server's handlers raised: {server.errors!r}"
