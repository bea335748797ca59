"""A store loaded with the sample week (tests/storage/sample.py), per backend, shared by read-only tests."""

from __future__ import annotations

import pytest

from storage.db import Target
from tests.backends import BACKENDS, new_lake
from tests.storage.sample import make_sample_db


@pytest.fixture(scope="session", params=BACKENDS)
def sample_db(request, tmp_path_factory, postgres) -> Target:
    """Read it only: it is shared by every test in the session (the file, or a lake's settings)."""
    folder = tmp_path_factory.mktemp("sample")
    target = folder / "radar.duckdb" if request.param == "duckdb" else new_lake(postgres.get(), folder)
    return make_sample_db(target)
