"""Issue 11, round 11: numbers whose unit is not written next to them. A bare decimal pair a benchmark changes
from and to is a pair of scores on it ("lifts MultiArith from 78.7 to 82.0"), not where a measure opens the
pair ("FID from 18.65 to 1.73", read by the measure); a loss is a measure said before its number ("a training
loss of 1.70"); and a size after "to" with nothing after it takes the unit of the last size of its magnitude in
the sentence ("from 4k to 100k tokens, or the 70B model to 32k")."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _read(sentence: str) -> list[tuple[str | None, float, str]]:
    return [(m.name, m.value, m.unit) for m in extract_metrics(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The new prompt moves SVAMP from 69.9 to 74.8 and ASDiv from 71.2 to 75.0.",
         [("SVAMP", 69.9, "score"), ("SVAMP", 74.8, "score"), ("ASDiv", 71.2, "score"), ("ASDiv", 75.0, "score")]),
        ("Distillation takes HellaSwag from 76.1 to 79.4 at the same size.",
         [("HellaSwag", 76.1, "score"), ("HellaSwag", 79.4, "score")]),
        ("It raises the correlation with Chatbot Arena from 0.91 to 0.97.",
         [("Chatbot Arena", 0.91, "score"), ("Chatbot Arena", 0.97, "score")]),
    ],
    ids=["two-pairs", "one-pair", "correlation"],
)
def test_a_bare_pair_a_benchmark_changes_is_a_pair_of_scores(sentence: str, expected: list) -> None:
    assert _read(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    ["Revenue went from 2.5 to 3.1 million.", "The team moved from 3.5 to 4.0 last year."],
    ids=["no-benchmark", "no-benchmark-2"],
)
def test_a_bare_pair_with_no_benchmark_is_no_score(sentence: str) -> None:
    assert _read(sentence) == []


def test_a_measure_before_a_pair_stays_the_unit() -> None:
    assert [u for _, _, u in _read("It cuts FID from 18.65 to 1.73.")][:1] == ["FID"]


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The small model reaches a training loss of 2.04 after one epoch.", 2.04),
        ("Its final validation loss of 1.93 matches the dense baseline.", 1.93),
        ("With the new schedule the loss of 3.11 comes 20% sooner.", 3.11),
    ],
    ids=["training-loss", "validation-loss", "bare-loss"],
)
def test_a_loss_said_before_its_number(sentence: str, value: float) -> None:
    assert (value, "loss") in [(v, u) for _, v, u in _read(sentence)]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("The recipe takes the 7B model from 4k to 64k tokens, and the 34B one to 16k.", 16000.0, "tokens"),
        ("It extends the window from 8K to 128K tokens and the small model to 64K.", 64000.0, "tokens"),
        ("The 27B saw 13T tokens and the 9B went to 8T.", 8e12, "tokens"),
    ],
    ids=["second-model", "small-model", "trillions"],
)
def test_a_size_after_to_takes_the_unit_of_its_magnitude(sentence: str, value: float, unit: str) -> None:
    assert (value, unit) in [(v, u) for _, v, u in _read(sentence)]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("The sparse variant is 2.1x faster on Long Range Arena.", "Long Range Arena"),
        ("On Game of 24 the search solves 61% of the games.", "Game of 24"),
        ("MultiNLI 정확도는 84.9%입니다.", "MultiNLI"),
        ("It reaches 91.2% on MultiArith zero-shot.", "MultiArith"),
    ],
    ids=["lra", "game-of-24", "multinli", "multiarith"],
)
def test_more_curated_benchmarks(sentence: str, name: str) -> None:
    assert name in [n for n, _, _ in _read(sentence)]
