"""Prefect for flow tests: the session's temporary local API (tests/conftest.py), PREFECT_HOME in a temp dir."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def prefect_api(prefect_test_api):
    yield prefect_test_api
