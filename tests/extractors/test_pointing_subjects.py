"""Issue 11, round 6: in a story about several papers, a sentence whose subject points back at another paper
("That paper gathers 5.85 billion pairs (arXiv:…)", "The latter reaches 62%", "That model is 3x faster")
speaks of the one paper it names, else of the one named last before it, not of the story's own paper; "That
is ..." points at no paper, and a sentence about the story's own work ("The model ...") stays with it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_OWN = '<a href="https://arxiv.org/abs/2101.00027">The Pile: A Dataset of Diverse Text</a>'
_OTHER = '<a href="https://arxiv.org/abs/2210.08402">LAION-5B</a>'


def _owners(second: str) -> dict[str, list[float]]:
    page = (f"<html><body><h2>Re-reading old corpora</h2><p>{_OWN} assembles 825 GiB of English text.</p>"
            f"<p>{second}</p></body></html>")
    doc = Document(source="t", key="k", url="https://notes.example/p/1", title="Notes", body=page)
    return {i.papers[0].arxiv_id: [m.value for m in i.metrics] for i in extract_items(doc)}


@pytest.mark.parametrize(
    "second",
    [
        "Our older note covered images. That paper gathers 5.85 billion image-text pairs "
        '(<a href="https://arxiv.org/abs/2210.08402">arXiv:2210.08402</a>).',
        f"For images there is {_OTHER}. That dataset holds 5.85 billion filtered pairs.",
        f"Compare it with {_OTHER} and its captions. The latter has 5.85 billion pairs, most of them noisy.",
    ],
    ids=["that-paper-linked-after", "that-dataset-named-before", "the-latter"],
)
def test_a_sentence_pointing_back_at_another_paper_is_that_papers(second: str) -> None:
    got = _owners(second)
    assert got.get("2210.08402") == [5.85e9] and 5.85e9 not in got["2101.00027"]


@pytest.mark.parametrize(
    "second",
    [f"For images there is {_OTHER}. That is 5.85 billion pairs fewer than we need.",
     f"For images there is {_OTHER}. The model trained on the text reaches 42.1% on LAMBADA."],
    ids=["that-is", "own-work"],
)
def test_a_sentence_pointing_at_no_other_paper_stays_with_the_story(second: str) -> None:
    got = _owners(second)
    assert not got.get("2210.08402")
