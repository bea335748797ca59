"""The corpus scorer, run exactly as a user runs it, must meet the bars (papers and code: the foundation
issue; metrics: issue 3)."""

from __future__ import annotations

from tests.corpus import assert_scorer_meets_bars


def test_dev_corpus_meets_the_bars():
    assert_scorer_meets_bars()
