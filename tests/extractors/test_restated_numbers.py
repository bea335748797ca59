"""Issue 11, round 7: a number restated right after it in brackets, another writing of the same value ("60억(6B)
파라미터", "five million (5M) tokens", "1.25조(1.25T) 토큰"), is one number (numbers.find_quantities): the unit after
the bracket is its unit, and the restatement is no number of its own. A bracket with another value is left alone."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics
from extractors.numbers import find_quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("기본 모델은 90억(9B) 파라미터 하나다.", [(9e9, "params")]),
        ("두 모델은 각각 20억(2B)과 270억(27B) 파라미터다.", [(2e9, "params"), (27e9, "params")]),
        ("It was pretrained on three trillion (3T) tokens of web text.", [(3e12, "tokens")]),
        ("Each run used 8 million (8M) tokens per batch.", [(8e6, "tokens")]),
        ("말뭉치는 2.4조（2.4T） 토큰 규모다.", [(2.4e12, "tokens")]),
    ],
    ids=["ko-one", "ko-two", "en-word", "en-digits", "fullwidth"],
)
def test_a_number_restated_in_brackets_is_one_number_with_the_unit_after_it(
        text: str, expected: list[tuple[float, str]]) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == expected


@pytest.mark.parametrize(
    "text",
    ["It reaches 81.5% (0.815) on the held-out split.", "The 8B (13B in the appendix) model is faster.",
     "We trained 3 (4) models."],
    ids=["other-scale", "other-value", "two-counts"],
)
def test_a_bracket_with_another_value_or_scale_is_left_alone(text: str) -> None:
    assert len(find_quantities(text)) == 2
