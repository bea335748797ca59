"""Issue 11, round 11: in a post without headings (a video's description, a forum post, a plain-text mail), a
paragraph closed by its one paper's links ("... 85.2%. Paper https://… | Code https://…", "… on KITTI (paper,
code)") is that paper's story, titled by what it says before its first colon ("Part 2, RAFT: …"); the story
ends with its links, so the paragraphs after it (the chapters, the next event) are not that paper's. A plain-text
list's last one-line bullet is the list's item, not a title over the paragraph after the list."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document
from extractors.text_blocks import text_blocks

_A, _B = ("2201.00101", "https://github.com/ex/alpha"), ("2202.00202", "https://github.com/ex/beta")


def _items(body: str, body_type: str) -> list[tuple[str, str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Club replay", body=body, body_type=body_type)
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc) if i.papers]


_TEXT = (
    "Replay of the reading club, two papers this time.\n\n"
    "Part 1, SparseMix (Sparse attention for long inputs): attention over 64 selected blocks instead of all of them. "
    "It keeps 97.5% of the dense model's accuracy.\n"
    f"Paper https://arxiv.org/abs/{_A[0]} | Code {_A[1]}\n\n"
    "Part 2, DistilRank (Distilled retrievers): a student retriever trained on the teacher's rankings. It is 4.2x "
    "faster at query time.\n"
    f"Paper https://arxiv.org/abs/{_B[0]} | Code {_B[1]}\n\n"
    "Next club: 3 March, 30 seats.\n"
)
_HTML_PARENS = (
    "<html><body><p>Two things I read on the train this week.</p>"
    "<p>SparseMix: sparse attention over selected blocks of the input, which keeps 97.5% of the dense accuracy on "
    f'long documents (<a href="https://arxiv.org/abs/{_A[0]}">paper</a>, <a href="{_A[1]}">code</a>).</p>'
    "<p>DistilRank: a student retriever that learns from the teacher's rankings and answers queries 4.2x faster "
    f'(<a href="https://arxiv.org/abs/{_B[0]}">paper</a>, <a href="{_B[1]}">code</a>)</p>'
    "<p>Both are on my list for the next meetup, which has 30 seats.</p></body></html>"
)
_HTML_TRAILING = (
    "<html><body><p>Quick notes from the lab meeting.</p>"
    "<p>SPAX — the sparse attention paper. Attention only goes to selected blocks and it holds 97.5% of the dense "
    f'accuracy. <a href="https://arxiv.org/abs/{_A[0]}">arXiv</a> · <a href="{_A[1]}">GitHub</a></p>'
    "<p>DR-2 — the retriever distillation paper. The student is 4.2x faster at query time than its teacher. "
    f'<a href="https://arxiv.org/abs/{_B[0]}">arXiv</a> · <a href="{_B[1]}">GitHub</a></p>'
    "<p>We meet again on 3 March; 30 seats are left.</p></body></html>"
)


@pytest.mark.parametrize(
    ("body", "body_type", "titles"),
    [
        (_TEXT, "text", ("Part 1, SparseMix (Sparse attention for long inputs)",
                         "Part 2, DistilRank (Distilled retrievers)")),
        (_HTML_PARENS, "html", ("SparseMix", "DistilRank")),
        (_HTML_TRAILING, "html", ("SPAX", "DR-2")),
    ],
)
def test_a_paragraph_closed_by_its_papers_links_is_that_papers_story(
        body: str, body_type: str, titles: tuple[str, str]) -> None:
    got = _items(body, body_type)
    assert [(pid, code) for pid, _, code, _ in got] == [(_A[0], [_A[1]]), (_B[0], [_B[1]])]
    assert 97.5 in got[0][3] and 4.2 in got[1][3]
    assert not [v for _, _, _, values in got for v in values if v in (3.0, 30.0)]  # not the paragraph after's
    assert all(want in title for want, (_, title, _, _) in zip(titles, got, strict=True))


@pytest.mark.parametrize(
    "text",
    [
        "Numbers from the paper:\n- CIFAR: error 2.1%\n- SVHN: error 1.4%\n- it trains in 3 hours on one GPU\n\n"
        "Links\nhttps://arxiv.org/abs/2201.00101\n",
        "What they report:\n* 71% pass@1\n* 12 languages\n* a 40% smaller model than the baseline\n\n"
        "Paper: https://arxiv.org/abs/2201.00101\n",
        "결과 요약:\n• 정확도 88%\n• 추론 속도 2배\n• 메모리 30% 절감\n\n링크\nhttps://arxiv.org/abs/2201.00101\n",
    ],
)
def test_a_lists_last_one_line_bullet_is_no_title(text: str) -> None:
    assert [b.kind for b in text_blocks(text)][1:4] == ["li", "li", "li"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Our notes on the paper:\n- CIFAR: error 2.1%\n- it needs only 18 function evaluations per sample\n\n"
         "Paper: https://arxiv.org/abs/2201.00101\n", 18.0),
        ("What they report:\n* 71% pass@1 on the test split\n* a model 40% smaller than the baseline\n\n"
         "https://arxiv.org/abs/2201.00101\n", 40.0),
        ("결과 요약:\n• 정확도 88% 달성\n• 추론 속도는 2.5배 빨라짐\n\n논문: https://arxiv.org/abs/2201.00101\n", 2.5),
    ],
)
def test_a_one_line_bullets_number_is_read(text: str, value: float) -> None:
    assert value in _items(text, "text")[0][3]
