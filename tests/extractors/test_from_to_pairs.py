"""Issue 11, round 6: a from-to pair keeps its own benchmark. The benchmark named in the few words right before
the "from" ("took SVAMP from 63.7% to 79.3%", "pass@1 on HumanEval from 48.1%") names both numbers of the pair,
even where the sentence names another benchmark after it; an unseen name written like a benchmark (a capital
or digit inside) counts there too, a model's name does not. Where nothing is named before the "from", the
benchmark of the pair's clause names it as before ("from 45.1% to 61.3% on GSM8K")."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _named(sentence: str) -> list[tuple[float, str | None]]:
    return [(m.value, m.name) for m in extract_metrics(sentence) if m.unit == "%"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zero-shot prompting took SVAMP from 63.7% to 79.3% and AQuA from 22.4% to 33.5% on the same model.",
         [(63.7, "SVAMP"), (79.3, "SVAMP"), (22.4, "AQuA"), (33.5, "AQuA")]),
        ("It lifts pass@1 on HumanEval from 48.1% to 67.0% while MBPP stays at 70.2%.",
         [(48.1, "HumanEval"), (67.0, "HumanEval"), (70.2, "MBPP")]),
        ("Self-refinement moves MATH accuracy from 17.7% to 32.4%, and GSM8K reaches 81.0%.",
         [(17.7, "MATH"), (32.4, "MATH"), (81.0, "GSM8K")]),
        ("The planner took WebShop from 28.7% to 35.1% and ALFWorld from 45.0% to 71.2%.",
         [(28.7, "WebShop"), (35.1, "WebShop"), (45.0, "ALFWorld"), (71.2, "ALFWorld")]),
    ],
    ids=["known-then-known", "known-then-other", "benchmark-accuracy-from", "unseen-names"],
)
def test_the_benchmark_before_from_names_both_numbers(sentence: str, expected: list[tuple[float, str]]) -> None:
    assert _named(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # nothing before "from": the clause's benchmark, after the pair
        ("Accuracy goes from 45.1% to 61.3% on GSM8K and from 17.7% to 32.4% on MATH.",
         [(45.1, "GSM8K"), (61.3, "GSM8K"), (17.7, "MATH"), (32.4, "MATH")]),
        # a model before "from" is what improved, not where: the benchmark after names the pair
        ("Distillation moved Llama-2 from 45.1% to 61.3% on GSM8K.", [(45.1, "GSM8K"), (61.3, "GSM8K")]),
        # a benchmark behind a comma is another clause's
        ("We also report MMLU, and accuracy from 40.2% to 44.9% on ARC-Challenge.",
         [(40.2, "ARC-Challenge"), (44.9, "ARC-Challenge")]),
    ],
    ids=["clause-after", "model-before-from", "comma-between"],
)
def test_without_a_benchmark_before_from_the_clause_names_the_pair(sentence: str,
                                                                  expected: list[tuple[float, str]]) -> None:
    assert _named(sentence) == expected
