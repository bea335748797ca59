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
