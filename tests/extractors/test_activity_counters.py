"""Issue 11, round 6 (issue 11's class 4, chrome counters): a line that only says how often a forum's or a
tracker's users took a thing up ("Cited by 5 submissions this month", "Discussed in 2 threads", "Viewed 3,402
times") is page chrome like a like or reply counter, never a paper's result; a sentence that reports a count
as part of what it says is not such a line."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_counter
from extractors.records import Document

_ACTIVITY = [
    "Cited by 5 submissions this month",
    "Discussed in 2 threads",
    "Mentioned in 14 posts so far",
    "Referenced by 1.2k repositories",
    "Viewed 3,402 times",
    "Bookmarked by 57 readers today",
]


@pytest.mark.parametrize("line", _ACTIVITY)
def test_an_activity_line_is_a_counter(line: str) -> None:
    assert is_counter(line)


@pytest.mark.parametrize("line", ["3 submissions", "Cited by 3 of the 8 benchmarks", "trained on 2 trillion tokens",
                                  "Discussed in 2 submissions and rejected by both", "It was cited by 40 papers."])
def test_a_sentence_with_a_count_is_no_counter(line: str) -> None:
    assert not is_counter(line)


@pytest.mark.parametrize("line", _ACTIVITY)
@pytest.mark.parametrize("markup", ['<div class="summary"><span>{}</span></div>', "<p>{}</p>", "<p><em>{}</em></p>"])
def test_an_activity_line_gives_its_paper_no_metric(line: str, markup: str) -> None:
    page = ('<html><body><h2><a href="https://arxiv.org/abs/2210.03629">ReAct</a></h2><p>Reasoning traces '
            f"interleaved with actions lift ALFWorld success by 34%.</p>{markup.format(line)}"
            '<h2><a href="https://arxiv.org/abs/2303.11366">Reflexion</a></h2><p>Verbal feedback reaches 91% '
            "on HumanEval.</p></body></html>")
    doc = Document(source="t", key="k", url="https://forum.example/w/7", title="Digest", body=page)
    assert [[m.value for m in i.metrics] for i in extract_items(doc)] == [[34.0], [91.0]]


# Long runs of digits and separators, which a counter pattern could try as every split into several counts
# (two 19-digit numbers took minutes): each is answered at once, and none of them is a counter line.
_LONG_NUMBERS = [
    "1,000,000,000,000,000 1,000,000,000,000,000 ≥ x faster",
    "3.141.592.653.589.793.238.462.643 / 2.718.281.828.459.045.235 tokens?",
    "12,345,678,901,234,567,890 · 98,765,432,109,876,543,210 · 5 comments, sorted by date",
]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("line", _LONG_NUMBERS)
def test_a_line_of_long_numbers_is_answered_at_once(line: str) -> None:
    assert not is_counter(line) and not is_counter(line * 2)
