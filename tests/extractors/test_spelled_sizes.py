"""Issue 11, round 6: a size spelled with a number word and a magnitude ("five trillion tokens", "seven billion
parameters", "two thousand GPUs") is read as the same size written in digits is; a number word alone is still
only a multiplier ("ten times"), never a count."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("After filtering, the crawl still yields five trillion tokens of English.", 5e12, "tokens"),
        ("The released checkpoint has seven billion parameters.", 7e9, "params"),
        ("Pretraining ran on two thousand GPUs for a month.", 2e3, "count"),
        ("The corpus holds twelve million documents after deduplication.", 12e6, "count"),
    ],
    ids=["trillion-tokens", "billion-params", "thousand-gpus", "million-documents"],
)
def test_a_spelled_size_is_a_size(sentence: str, value: float, unit: str) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(sentence)] == [(value, unit)]


@pytest.mark.parametrize("sentence", ["We read five papers on it.", "Two heads are better than one.",
                                      "It took three weeks of tuning."])
def test_a_number_word_alone_is_no_size(sentence: str) -> None:
    assert extract_metrics(sentence) == []
