"""Stage 1 of the metric reader (extractors/numbers.py): the numbers in running text and their values, and
the digits that are part of something else."""

from __future__ import annotations

import pytest

from extractors.numbers import find_quantities, korean_value

# (text, the numbers found as (as written, value, scale, unit the word carries))
NUMBERS = [
    ("It has 1,000 questions and 2,048 GPUs.", [("1,000", 1000, 1, None), ("2,048", 2048, 1, None)]),
    ("A 1.7B model, 32k context, 5bn tokens.", [("1.7B", 1.7e9, 1e9, None), ("32k", 32e3, 1e3, None),
                                                ("5bn", 5e9, 1e9, None)]),
    ("Jamba has 52 billion parameters and 1.5 thousand experts.",
     [("52 billion", 52e9, 1e9, None), ("1.5 thousand", 1.5e3, 1e3, None)]),
    ("A 7 B parameter model.", [("7 B", 7e9, 1e9, None)]),
    ("6710억 개, 278.8만 시간, 1조 2000억 토큰", [("6710억", 671e9, 1e8, None), ("278.8만", 2.788e6, 1e4, None),
                                           ("1조 2000억", 1.2e12, 1e12, None)]),
    ("Compute was 3.8 × 10^25 FLOPs or 3.8e25.", [("3.8 × 10^25", 3.8e25, 1, None), ("3.8e25", 3.8e25, 1, None)]),
    ("It improves by .5% here.", [(".5", 0.5, 1, None)]),
    ("It is two times faster, a threefold gain, twice as fast.",
     [("two", 2, 1, None), ("threefold", 3, 1, "x"), ("twice", 2, 1, "x")]),
    ("처리량은 두 배로 늘었습니다.", [("두", 2, 1, None)]),
]

# digits inside names, versions, times, ids and prices
NOT_NUMBERS = [
    "It ran on an H100 with Qwen2.5 and GPT-3.",
    "Published at 3:12, see pass@1 and issue #118.",
    "The id is arXiv:2401.15077 and the price $5M.",
    "Models s1-32B and Llama-3-8B.",
    "QLoRA uses double quantization.",
]


@pytest.mark.parametrize(("text", "expected"), NUMBERS, ids=[t[:40] for t, _ in NUMBERS])
def test_numbers_and_their_values(text: str, expected: list[tuple[str, float, float, str | None]]) -> None:
    got = [(text[q.start : q.end], q.value, q.scale, q.unit_hint) for q in find_quantities(text)]
    assert [(w, pytest.approx(v), s, u) for w, v, s, u in expected] == got


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_digits_inside_something_else_are_no_numbers(text: str) -> None:
    assert find_quantities(text) == []


def test_korean_magnitudes_compose() -> None:
    assert korean_value(1, "조 2000억") == (1.2e12, 1e12)
    assert korean_value(6710, "억") == (671e9, 1e8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scores 72.1/80.3% on both splits", ["72.1", "80.3"]),
        ("BLEU of 28.4 / 41.0 on the pair", ["28.4", "41.0"]),
        ("WER 1.8/3.3 and 4.8/8.2 later", ["1.8", "3.3", "4.8", "8.2"]),
    ],
)
def test_two_decimals_split_by_a_slash_are_two_numbers_and_no_digit_of_them_is_one(text: str,
                                                                                  expected: list[str]) -> None:
    assert [text[q.start : q.end] for q in find_quantities(text)] == expected


@pytest.mark.parametrize("text", ["on 12/25 at noon", "of them, 3/4 held", "ratio 1/2.5 held", "v2.1/3 was out"])
def test_fractions_and_dates_with_a_slash_stay_out(text: str) -> None:
    assert [text[q.start : q.end] for q in find_quantities(text)] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("학습 데이터 ‘Proof-Pile-2’(550억 토큰)도 배포", "550억"),
        ("the corpus RedPajama-V2(30T tokens) is open", "30T"),
        ("Mixtral-8x7B[47B total] was the baseline", "47B"),
    ],
)
def test_a_bracket_after_a_name_opens_a_number_of_its_own(text: str, number: str) -> None:
    assert number in [text[q.start : q.end] for q in find_quantities(text)]
