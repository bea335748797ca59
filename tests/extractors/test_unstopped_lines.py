"""Issue 11, round 8: a story's list of results is often written without full stops ("MMLU 정확도 71.2%",
"HellaSwag accuracy 85.1 (up 2.3)"). Each block still ends its sentence: the blocks of a story are joined with a
line break after a block that ends without a stop (items._join_blurbs), so the metric reader names each number
by the benchmark of its own line, never by the line before or after it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document


def _page(lines: list[str]) -> str:
    items = "".join(f"<li>{line}</li>" for line in lines)
    return ("<html><body><h2>An instruction-tuned model</h2><p>Paper: "
            "<a href='https://arxiv.org/abs/2310.06825'>arxiv.org/abs/2310.06825</a></p>"
            f"<h3>Results</h3><ul>{items}</ul></body></html>")


def _metrics(page: str) -> list[tuple[str | None, float, str]]:
    doc = Document(source="t", key="k", url="https://docs.example/b/3", title="Notes", body=page)
    (item,) = extract_items(doc)
    return [(m.name, m.value, m.unit) for m in item.metrics]


_LISTS = {
    "benchmark, measure, score": (["MMLU 정확도 71.2%", "HellaSwag 정확도 85.1%", "ARC 정확도 60.3%"],
                                  [("MMLU", 71.2, "%"), ("HellaSwag", 85.1, "%"), ("ARC", 60.3, "%")]),
    "score with a note in brackets": (["GSM8K accuracy 52.2% (from 35.4%)", "MATH accuracy 13.1% (from 9.9%)",
                                       "HumanEval pass@1 30.5%"],
                                      [("GSM8K", 52.2, "%"), ("MATH", 13.1, "%"), ("HumanEval", 30.5, "%")]),
    "score unit before the number": (["TriviaQA EM 69.9", "Natural Questions EM 28.2", "SQuAD F1 88.4"],
                                     [("TriviaQA", 69.9, "EM"), ("Natural Questions", 28.2, "EM"),
                                      ("SQuAD", 88.4, "F1")]),
}


@pytest.mark.parametrize("shape", sorted(_LISTS))
def test_each_unstopped_line_names_its_own_number(shape: str) -> None:
    lines, expected = _LISTS[shape]
    found = _metrics(_page(lines))
    for metric in expected:
        assert metric in found, (metric, found)


def test_a_sentence_that_runs_over_two_lines_of_a_paragraph_is_unchanged() -> None:
    page = ("<html><body><h2>An instruction-tuned model</h2><p>It reaches 71.2% on MMLU "
            "(<a href='https://arxiv.org/abs/2310.06825'>paper</a>), above the larger baseline.</p></body></html>")
    assert ("MMLU", 71.2, "%") in _metrics(page)
