"""Fixtures shared by every test folder; loaded by pytest before any test runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.httpserver import LocalServer


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A started LocalServer on 127.0.0.1 with no routes; stopped after the test."""
    with LocalServer() as server:
        yield server
    assert not server.errors, f"the test server's handlers raised: {server.errors!r}"
