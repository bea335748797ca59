"""sources.errors: the tree survives pickling (Prefect may pickle a task's exception)."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from sources.errors import (
    FetchTimeout,
    HTTPStatusError,
    LocalReadError,
    SourceError,
    TooLarge,
    parse_retry_after,
)


@pytest.mark.parametrize(
    "error",
    [
        FetchTimeout("timed out connecting to http://x/", source="s", url="http://x/"),
        HTTPStatusError(source="s", url="http://x/", status=503, reason="Service Unavailable", retry_after=30),
        TooLarge(source="s", url="http://x/", cap=10, size=20),
        LocalReadError("/tmp/x does not exist", source="s", url="/tmp/x"),
    ],
)
def test_errors_round_trip_through_pickle(error: SourceError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (str(copy), copy.source, copy.url, copy.retryable) == (str(error), error.source, error.url, error.retryable)
    assert copy.__dict__ == error.__dict__


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 11, 5, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("30", now=now) == 30.0
    assert parse_retry_after("Wed, 05 Nov 2025 08:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None
