"""A database loaded with the sample week (tests/storage/sample.py), shared by read-only tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.storage.sample import make_sample_db


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """Read it only: it is shared by every test in the session."""
    return make_sample_db(tmp_path_factory.mktemp("sample") / "radar.duckdb")
