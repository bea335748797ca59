"""The word lists of the metric reader (extractors/metric_words.py): each list is defined once, holds no
word twice, and reaches the patterns built from it."""

from __future__ import annotations

import pytest

from extractors import metric_words as words
from extractors.metric_benchmarks import is_known_benchmark_name
from extractors.metric_words import BENCHMARKS, CASED_BENCHMARKS, alternation


def test_no_benchmark_is_listed_twice() -> None:
    names = [name.lower() for name in (*BENCHMARKS, *CASED_BENCHMARKS)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", [*BENCHMARKS, *CASED_BENCHMARKS, "Science QA", "AIME 2025", "SWE-bench Verified"])
def test_every_curated_benchmark_is_read_as_one(name: str) -> None:
    assert is_known_benchmark_name(name)


def test_alternation_tries_longer_phrases_first_and_spaces_match_any_whitespace() -> None:
    pattern = alternation(["more", "more than", "at least"])
    assert pattern.index("more\\s+than") < pattern.index("|more") and "at\\s+least" in pattern


def test_change_verbs_give_their_forms_by_direction_and_object() -> None:
    assert "improves" in words.change_verb_forms("increase", takes="object")
    assert "outperforms" in words.change_verb_forms("increase")
    assert "outperforms" not in words.change_verb_forms(takes="object")  # its object is a baseline
    assert "outperformed" in words.BASELINE_WORDS and "beat" in words.BASELINE_WORDS
    assert "cuts" in words.change_verb_forms("reduction") and "cuts" not in words.change_verb_forms("increase")


def test_counters_have_their_plurals() -> None:
    assert words.plural("reply") == "replies" and words.plural("comment") == "comments"
    assert {"likes", "replies", "restacks"} <= words.NOT_COUNTED
