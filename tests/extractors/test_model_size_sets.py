"""Issue 11, round 11: two bare sizes or more, listed or as a range, right after or before a noun for models or
for a series of them, are the models' parameter counts ("dense models from 0.5B to 72B", "the Qwen series (7B,
14B and 72B)", "0.5B부터 72B까지의 밀집 모델", "Qwen 시리즈(7B·14B)"); one bare size still names a model
("LLaMA3 8B"), and bare sizes far from such a noun are left alone. The Korean middle dot joins a list."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _params(sentence: str) -> list[float]:
    return [m.value for m in extract_metrics(sentence) if m.unit == "params"]


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("The release covers checkpoints from 1.8B to 34B, all under one license.", [1.8e9, 34e9]),
        ("Their open family (3B, 8B and 70B) ships with an instruct variant each.", [3e9, 8e9, 70e9]),
        ("이번에 공개된 모델군(2B·9B·27B)은 모두 같은 토크나이저를 씁니다.", [2e9, 9e9, 27e9]),
        ("연구진은 1.3B부터 13B까지의 언어 모델을 비교했습니다.", [1.3e9, 13e9]),
        ("It comes as a lineup of 7B-70B, trained on the same mix.", [7e9, 70e9]),
    ],
    ids=["checkpoints-range", "family-parens", "ko-series-dots", "ko-range-models", "lineup-dash"],
)
def test_bare_sizes_of_a_set_of_models_are_parameter_counts(sentence: str, values: list[float]) -> None:
    assert _params(sentence) == values


@pytest.mark.parametrize(
    "sentence",
    [
        "It beats Llama 2 7B and 13B on every reasoning set.",  # (sizes inside model names)
        "Models trained on 300B to 1T got steadily better.",  # (no noun right before the sizes: maybe tokens)
        "The new Mistral 7B is small.",
    ],
    ids=["model-names", "noun-too-far", "one-size"],
)
def test_other_bare_sizes_stay_bare(sentence: str) -> None:
    assert _params(sentence) == []
