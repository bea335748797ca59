"""Issue 11, round 7: a bound said by negating its opposite ("no more than 7B", "not more than 5%", "no fewer than
12", "no less than 3x") qualifies its number as the bound it says, not as the phrase inside it ("more than" in
"no more than"): the longest qualifier phrase before a number wins (metric_context.qualifier)."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Every variant stays at no more than 3B parameters.", "up to"),
        ("The draft uses not more than 8% of the original tokens.", "up to"),
        ("Its memory is no larger than 24 GB on one card.", "up to"),
        ("The agent completes no fewer than 40 tasks in the suite.", "at least"),
        ("Decoding is no less than 2x faster than the baseline.", "at least"),
        ("Decoding is more than 2x faster than the baseline.", "at least"),
        ("It keeps fewer than 30 tasks unsolved.", "up to"),
    ],
    ids=["no-more", "not-more", "no-larger", "no-fewer", "no-less", "more-alone", "fewer-alone"],
)
def test_a_negated_bound_qualifies_as_the_bound_it_says(text: str, expected: str) -> None:
    assert [m.qualifier for m in extract_metrics(text)] == [expected]
