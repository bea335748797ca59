"""Retrieval, ranking and detection scores written after their number ("81.3 nDCG@5", "87.3 top-1"): read as
scores in their own unit, named by the benchmark after them."""

from __future__ import annotations

import pytest

from extractors.metric_units import is_score_unit
from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On ViDoRe it reaches 81.3 nDCG@5, far ahead of text pipelines.", (81.3, "nDCG@5")),
        ("The retriever gets 39.7 MRR@10 after distillation.", (39.7, "MRR@10")),
        ("Dense passages give 72.1 Recall@100 here.", (72.1, "Recall@100")),
        ("Swin-L reaches 87.3 top-1 on ImageNet-1K.", (87.3, "top-1")),
        ("Detection improves to 58.7 box AP on COCO test-dev.", (58.7, "box AP")),
        ("It gets 52.4 AP50 with one stage.", (52.4, "AP50")),
        ("The coder model solves 48.1 pass@1 of the problems.", (48.1, "pass@1")),
        ("Sampling more helps: 72.4 Pass@10 after filtering.", (72.4, "Pass@10")),
        ("With a verifier it climbs to 90.2 pass@100.", (90.2, "pass@100")),
    ],
)
def test_a_ranking_or_detection_score_after_a_number_is_its_unit(text: str, expected: tuple[float, str]) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == [expected]
    assert is_score_unit(expected[1])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Swin-L reaches 87.3 top-1 on ImageNet.", ("top-1", "ImageNet")),
     ("The small coder gets 61.0 pass@1 on MBPP+, close to far larger ones.", ("pass@1", "MBPP+")),
     ("It reports 35.4 pass@1 on DS-1000 without retrieval.", ("pass@1", "DS-1000"))],
)
def test_the_benchmark_after_the_score_names_it(text: str, expected: tuple[str, str]) -> None:
    assert [(m.unit, m.name) for m in extract_metrics(text)] == [expected]


@pytest.mark.parametrize("text", ["We list the top-5 results in 3 tables.", "Email us at team@2024 or call 5.",
                                  "It ranks p@k style lists.", "Scores on AIME 2024 pass@1 rise.",
                                  "The LiveCodeBench 2405 pass@1 split is harder."])
def test_words_like_the_units_elsewhere_are_not_scores(text: str) -> None:
    assert all(not is_score_unit(m.unit) or m.unit in ("%", "score") for m in extract_metrics(text))
