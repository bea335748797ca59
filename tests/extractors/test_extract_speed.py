"""Extraction is not grossly slower than it was: the dev corpus through `extract_items`, next to
BeautifulSoup's own `get_text()` on the same documents (benchmarks/extract_speed.py).

Issue 3's bar (extraction within 2x get_text) is a benchmark's number, reported from
`python -m benchmarks.extract_speed` in the notes, never a test: on a loaded runner one 2-core run read 2.05
with no code change. These tests hold only generous regression bounds, which catch a gross slowdown (the
BeautifulSoup tree walk html_blocks once had was 4x and 5.8x) on any runner. Only ratios are checked, never
seconds: both sides are timed in the same run, interleaved, so that a busy machine slows both alike."""

from __future__ import annotations

import statistics

import pytest

from benchmarks.extract_speed import Timing, measure
from tests.corpus import corpus_dir

# Where the extractor stands (`python -m benchmarks --only extract`, this 2-core machine, load 9-12): (a)
# extract_items alone about 2.2x get_text, (b) with parse_document_bytes about 2.6x (parsing the raw files
# costs about 0.35x get_text since plain RSS is read without feedparser). Both bounds are issue 11's generous 4x.
_REGRESSION_BOUND = 4.0
_FULL_REGRESSION_BOUND = 4.0


@pytest.fixture(scope="module")
def timings() -> list[Timing]:
    """Three runs of 20 repetitions, judged by the middle one: a run of a few seconds can land on a busy
    moment of a shared runner, the middle one of three rarely does."""
    return [measure(20, corpus_dir() / "dev") for _ in range(3)]


def test_extraction_is_not_grossly_slower_than_get_text(timings):
    assert statistics.median(t.ratio for t in timings) <= _REGRESSION_BOUND, timings


def test_parse_and_extraction_are_not_grossly_slower_than_get_text(timings):
    assert statistics.median(t.full_ratio for t in timings) <= _FULL_REGRESSION_BOUND, timings
