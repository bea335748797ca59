"""Issue 11, round 7: which paper a model's name speaks of, and when a heading names a paper.

- In a story that names two papers, a model's name with its size glued on by a hyphen ("Orca-13B", "Orca-7b")
  names the paper of that model: the clause "and Orca-13B gets 44%" is about Orca, not about the paper named
  last before it.
- A heading that only shares words with a paper's title ("Exact attention, faster" over "FlashAttention:
  Fast and Memory-Efficient Exact Attention ...") does not name a paper that has a short name before its
  colon: the item's title gets the paper's name appended. A heading that holds the short name, or is a piece
  of the title itself, names it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_OWN = '<a href="https://arxiv.org/abs/2306.02707">Orca: Progressive Learning from Complex Explanation Traces</a>'
_OTHER = '<a href="https://arxiv.org/abs/2306.05685">Vicuna</a>'


def _owners(paragraph: str, heading: str = "Imitation, revisited") -> dict[str, list[float]]:
    page = (f"<html><body><h2>{heading}</h2><p>{_OWN} learns from step-by-step traces.</p><p>{paragraph}</p>"
            "</body></html>")
    doc = Document(source="t", key="k", url="https://notes.example/p/2", title="Notes", body=page)
    return {i.papers[0].arxiv_id: sorted(m.value for m in i.metrics) for i in extract_items(doc)}


@pytest.mark.parametrize(
    "paragraph",
    [
        f"Orca-7B reaches 33% on AGIEval where {_OTHER} reached 20%, and Orca-13B gets 44% on it.",
        f"{_OTHER} scored 20% in the same run, and Orca-13B climbed to 44% with more traces.",
        f"{_OTHER} sits at 20% here, but Orca-13b gets 44% and Orca-7b 33%.",
    ],
    ids=["where-other", "other-first", "lower-case-b"],
)
def test_a_model_name_with_its_size_names_its_paper(paragraph: str) -> None:
    got = _owners(paragraph)
    assert 44.0 in got["2306.02707"] and 44.0 not in got.get("2306.05685", [])


_FLASH = ('<a href="https://arxiv.org/abs/2205.14135">FlashAttention: Fast and Memory-Efficient Exact Attention'
          ' with IO-Awareness</a>')


def _title(heading: str) -> str:
    page = (f"<html><body><h2>{heading}</h2><p>{_FLASH} tiles attention so that it stays in SRAM, 3x faster on"
            " GPT-2.</p></body></html>")
    doc = Document(source="t", key="k", url="https://notes.example/p/3", title="Notes", body=page)
    return extract_items(doc)[0].title


@pytest.mark.parametrize("heading", ["Exact attention, faster", "Memory-efficient attention on GPUs",
                                     "Fast attention, exact results"])
def test_a_heading_sharing_words_does_not_name_a_paper_with_a_short_name(heading: str) -> None:
    assert _title(heading) == f"{heading} — FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness"


@pytest.mark.parametrize("heading", ["FlashAttention, tiled", "Fast and Memory-Efficient Exact Attention",
                                     "Why FlashAttention is fast"])
def test_a_heading_with_the_short_name_or_a_piece_of_the_title_names_it(heading: str) -> None:
    assert _title(heading) == heading
