"""Issue 11, round 6: a difference in points said with how it is counted ("15 absolute points", "4 full points",
"2 additional points") is a score difference in points, named by its benchmark, as "15 points" is; the word
makes nothing else a unit ("3 absolute models" is no count of models)."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value", "name"),
    [
        ("Routing through a verifier beats the plain sampler on GSM8K by 15 absolute points.", 15.0, "GSM8K"),
        ("That is 7 absolute points better on ARC-Challenge than the 13B baseline.", 7.0, "ARC-Challenge"),
        ("We see an improvement of 3.1 absolute points on HumanEval after the rewrite.", 3.1, "HumanEval"),
        ("The distilled student gains 4 full points on MMLU.", 4.0, "MMLU"),
        ("Curriculum ordering adds 2 additional points on BBH.", 2.0, "BBH"),
    ],
    ids=["absolute-by", "absolute-better", "absolute-improvement", "full", "additional"],
)
def test_counted_points_are_a_score_difference(sentence: str, value: float, name: str) -> None:
    assert [(m.value, m.unit, m.name) for m in extract_metrics(sentence)] == [(value, "points", name)]


@pytest.mark.parametrize("sentence", ["We trained 3 absolute beginners' models on it.",
                                      "It was 2 absolute disasters in a row.",
                                      "They logged 4 absolute errors per page."])
def test_the_counting_word_alone_makes_no_unit(sentence: str) -> None:
    assert [m for m in extract_metrics(sentence) if m.unit == "points" or m.unit == "count"] == []
