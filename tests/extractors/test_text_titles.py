"""Plain-text and Markdown bodies: a one-line paragraph is a title only if it is not prose (no sentence ends
inside it), so a story's one-line summary with its numbers and code link stays in the story."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document
from extractors.text_blocks import _looks_like_title


def _items(text: str) -> list[tuple[str, list[str], list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="T", body=text, body_type="text")
    return [(it.title, [p.arxiv_id for p in it.papers], [c.url for c in it.code], [m.value for m in it.metrics])
            for it in extract_items(doc) if it.papers]


@pytest.mark.parametrize(
    "summary",
    [
        "Selective state spaces; 5x higher throughput than Transformers. Code: "
        "[mamba](https://github.com/state-spaces/mamba)",
        "Linear-time decoding at 5x the throughput. Repo https://github.com/state-spaces/mamba",
        "It keeps quality and runs 5x faster! github.com/state-spaces/mamba",
    ],
)
def test_a_one_line_summary_with_a_sentence_break_is_not_a_title(summary: str) -> None:
    text = f"# Notes\n\n## [Mamba](https://arxiv.org/abs/2312.00752)\n\n{summary}\n\n## RWKV\n\nSee arXiv:2305.13048.\n"
    got = _items(text)
    assert got[0][1:] == (["2312.00752"], ["https://github.com/state-spaces/mamba"], [5.0])


@pytest.mark.parametrize(
    "title",
    ["GPT-4 vs. Claude on coding", "Smith et al. revisit scaling", "Dr. GRPO: fixing the bias", "Part 1. The start"],
)
def test_abbreviations_and_numbered_parts_stay_titles(title: str) -> None:
    assert _looks_like_title(title)


@pytest.mark.parametrize(
    ("record", "title"),
    [
        ("arXiv:2309.12307\nDate: Thu, 21 Sep 2023\n\nTitle: LongLoRA: Efficient Fine-tuning of Long-Context\n"
         "  Large Language Models\nAuthors: Yukang Chen, Shengju Qian\nCategories: cs.CL cs.AI\n\n"
         "  It extends context to 100k tokens.\n",
         "LongLoRA: Efficient Fine-tuning of Long-Context Large Language Models"),
        ("Paper title: LongLoRA\nKeywords: long context, LoRA\nLink: https://arxiv.org/abs/2309.12307\n\n"
         "It extends context to 100k tokens.\n", "LongLoRA"),
        ("제목: LongLoRA 긴 문맥 미세조정\n저자: Yukang Chen 외\n분야: cs.CL\n링크: https://arxiv.org/abs/2309.12307\n\n"
         "문맥을 100k 토큰까지 늘립니다.\n", "LongLoRA 긴 문맥 미세조정"),
    ],
)
def test_a_records_title_field_is_its_title_and_its_other_fields_are_not(record: str, title: str) -> None:
    other = ("Title: Mixtral of Experts\nAuthors: Albert Jiang\nCategories: cs.LG\n\narXiv:2401.04088 A sparse "
             "mixture of experts.\n")
    got = _items("------\n" + record + "\n------\n" + other)
    assert [(t, p) for t, p, _, _ in got] == [(title, ["2309.12307"]), ("Mixtral of Experts", ["2401.04088"])]
    assert 100000.0 in got[0][3]


@pytest.mark.parametrize(
    "title",
    ["SWE-bench: Can Language Models Resolve Real-World GitHub Issues? (20 MINUTE READ) [13]",
     "Is scale all you need? Maybe not", "Faster decoding, finally! (5 MINUTE READ)"],
)
def test_a_question_or_an_exclamation_in_a_title_keeps_it_a_title(title: str) -> None:
    assert _looks_like_title(title)
