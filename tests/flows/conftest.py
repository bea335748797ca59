"""Prefect for flow tests: one temporary local API for the session, PREFECT_HOME in a temp dir."""

from __future__ import annotations

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session", autouse=True)
def prefect_api():
    # A loaded 2-core machine can take a while to start the temporary server.
    with prefect_test_harness(server_startup_timeout=120):
        yield
