"""Issue 11, round 7: a part of the same whole again with its noun left out ("10 of the 23 tasks, and 17 of the
23 with a code model") counts the same items as the part before it in its sentence (metric_drafts._elided_part):
it is a result as "17 of the 23 tasks" is, and the whole is no result of its own. A whole with a noun of its own
after it ("52 of 80 runs"), or one in another sentence or clause, is left to the other rules."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _counts(text: str) -> list[tuple[float, str | None]]:
    return [(m.value, m.name) for m in extract_metrics(text) if m.unit == "count"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("With hints the prover closes 31 of the 50 theorems, and 38 of the 50 after a second pass.",
         [(31.0, "theorems"), (38.0, "theorems")]),
        ("The agent finishes 41 of 80 problems alone and 52 of 80 with tools.",
         [(41.0, "problems"), (52.0, "problems")]),
        ("Greedy decoding gets 9 out of 30 puzzles right, beam search 14 out of 30.",
         [(9.0, "puzzles"), (14.0, "puzzles")]),
    ],
    ids=["of-the", "with-a-preposition", "out-of"],
)
def test_a_part_of_the_same_whole_again_counts_the_same_items(text: str, expected: list[tuple[float, str]]) -> None:
    assert _counts(text) == expected


@pytest.mark.parametrize(
    ("text", "other"),
    [("It solves 41 of 80 problems, and 52 of 80 runs time out.", 52.0),
     ("It solves 41 of 80 problems. Then 52 of 80 users agree.", 52.0),
     ("The model wins 12 of the 30 games; the baseline 7 of the 30 when it plays first.", 7.0)],
    ids=["own-noun", "next-sentence", "other-clause"],
)
def test_a_whole_with_its_own_noun_or_in_another_clause_is_left_alone(text: str, other: float) -> None:
    assert other not in [value for value, _ in _counts(text)]
