"""Extraction stays fast: the dev corpus through `extract_items`, next to BeautifulSoup's own `get_text()`
on the same documents (benchmarks/extract_speed.py; issue 3 asks for at most 2x at 100 repetitions).

Only ratios are checked, never seconds: both sides are timed in the same run, interleaved, so that a busy
machine slows both alike."""

from __future__ import annotations

import statistics

import pytest

from benchmarks.extract_speed import Timing, measure
from tests.corpus import corpus_dir

# Where the extractor stands (benchmarks/extract_speed.py, this 2-core machine): (a) extract_items alone
# 1.75-1.9x get_text, (b) with parse_document_bytes about 2.8x. The regression bounds catch a gross slowdown
# (BeautifulSoup's tree walk in html_blocks was 4x and 5.8x) on any runner.
_REGRESSION_BOUND = 4.0
_FULL_REGRESSION_BOUND = 5.5
_BAR = 2.0  # issue 3


@pytest.fixture(scope="module")
def timings() -> list[Timing]:
    """Three runs of 20 repetitions: one run of a few seconds can land on a busy moment of a shared runner
    (single runs of 10 repetitions ranged 1.6-2.0x here), the middle one of three rarely does."""
    return [measure(20, corpus_dir() / "dev") for _ in range(3)]


def test_extraction_is_not_grossly_slower_than_get_text(timings):
    assert all(t.ratio <= _REGRESSION_BOUND for t in timings), timings


def test_parse_and_extraction_are_not_grossly_slower_than_get_text(timings):
    assert all(t.full_ratio <= _FULL_REGRESSION_BOUND for t in timings), timings


def test_extraction_takes_at_most_twice_get_text(timings):
    assert statistics.median(t.ratio for t in timings) <= _BAR, timings
