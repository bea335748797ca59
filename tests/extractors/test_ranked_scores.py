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
    ],
)
def test_a_ranking_or_detection_score_after_a_number_is_its_unit(text: str, expected: tuple[float, str]) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == [expected]
    assert is_score_unit(expected[1])


def test_the_benchmark_after_the_score_names_it() -> None:
    assert [(m.unit, m.name) for m in extract_metrics("Swin-L reaches 87.3 top-1 on ImageNet.")] == [
        ("top-1", "ImageNet")]


@pytest.mark.parametrize("text", ["We list the top-5 results in 3 tables.", "Email us at team@2024 or call 5.",
                                  "It ranks p@k style lists."])
def test_words_like_the_units_elsewhere_are_not_scores(text: str) -> None:
    assert all(not is_score_unit(m.unit) or m.unit in ("%", "score") for m in extract_metrics(text))
