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
                                      "There were 40 of them in the room.",
                                      "Version 7B of the form is not about any model."])
def test_no_unit_where_the_words_after_are_no_modifiers(sentence: str) -> None:
    assert [m.unit for m in extract_metrics(sentence) if m.unit in ("count", "params")] == []
