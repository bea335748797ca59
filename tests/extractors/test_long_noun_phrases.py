"""Issue 11, round 7: a number's noun may come after three modifiers ("11 large open-weight instruction models",
"40 diverse real-world coding tasks"), and a size's model noun after two ("a 7B Korean legal model"), as it
may after fewer; a number whose next words are no modifiers still gets no unit."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The study spans 11 large open-weight instruction models.", 11.0),
        ("It covers 40 diverse real-world coding tasks in six languages.", 40.0),
        ("We annotate 250 short multi-turn support dialogues.", 250.0),
    ],
    ids=["instruction-models", "coding-tasks", "dialogues"],
)
def test_a_count_after_three_modifiers(sentence: str, value: float) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(sentence) if m.value == value] == [(value, "count")]


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Merging gives a 7B Korean legal model that holds its own.", 7e9),
        ("They release a 1.3B open multilingual model under Apache 2.0.", 1.3e9),
        ("The team trains a 3B small code model on permissive data only.", 3e9),
    ],
    ids=["two-modifiers", "decimal", "small-code-model"],
)
def test_a_size_before_a_model_noun_past_two_words(sentence: str, value: float) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(sentence)] == [(value, "params")]


@pytest.mark.parametrize("sentence", ["We met 13 times in the last quarter of the year.",
                                      "There were 40 of the usual kind in the room.",
                                      "Version 7B of the form is not about any model."])
def test_no_unit_where_the_words_after_are_no_modifiers(sentence: str) -> None:
    assert [m.unit for m in extract_metrics(sentence) if m.unit in ("count", "params")] == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("두 모델을 섞어 얻은 7B 한국어 법률 모델이 기존 모델을 앞섰습니다.", 7e9),
        ("공개된 13B 대화 모델은 누구나 내려받을 수 있습니다.", 13e9),
        ("연구진은 1.5B 소형 코드 모델도 함께 내놓았다.", 1.5e9),
        ("그 팀의 3B 일반 대화 모델이 가장 가볍다.", 3e9),
    ],
    ids=["two-nouns", "one-noun", "decimal", "word-opening-with-il"],
)
def test_a_korean_size_before_a_model_noun_past_nouns(sentence: str, value: float) -> None:
    """"7B 한국어 법률 모델": one or two nouns say what kind of model, and "일" opening a word after the size
    ("3B 일반") is no date."""
    assert [(m.value, m.unit) for m in extract_metrics(sentence)] == [(value, "params")]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("17억 개 파라미터 규모의 소형 언어 모델을 공개했다.", 1.7e9, "params"),
        ("1200억 토큰 학습 모델을 따로 만들었다.", 1.2e11, "tokens"),
    ],
    ids=["counter-then-unit", "unit-noun-first"],
)
def test_a_korean_unit_before_the_model_noun_keeps_its_reading(sentence: str, value: float, unit: str) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(sentence)] == [(value, unit)]


def test_a_korean_size_with_a_particle_before_the_model_noun_is_no_model_size() -> None:
    found = extract_metrics("7B 규칙은 이 글과 관계가 없고 모델도 아닙니다.")
    assert [m.unit for m in found if m.unit == "params"] == []
