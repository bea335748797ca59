"""Issue 11, round 7: a social post embeds the page it links as a link card under its text, the card's title often
marked up as a heading. In a thread of numbered posts, a heading that links a paper right after the text of a
post that links none is that post's card: the paper the post is about, with the post's code and numbers (before,
"a heading after a post is the page's" made the card a story of its own and left the post's text without a
paper, its code and numbers lost or given to the post before)."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_CARDS = {
    "h3-card": '<h3><a href="https://arxiv.org/abs/{pid}">{title}</a></h3><p>{blurb}</p>',
    "h4-card-with-host": '<h4><a href="https://arxiv.org/abs/{pid}">{title}</a></h4><p><a href="https://arxiv.org/'
                         'abs/{pid}">arxiv.org</a></p>',
    "linked-card": '<a href="https://arxiv.org/abs/{pid}"><h3>{title}</h3><p>{blurb}</p></a>',
}
_POSTS = [
    ("1/ A short thread on cheaper finetuning, one paper per post.", None),
    ("2/ Adapters as two low-rank matrices: 10,000x fewer trainable parameters than full finetuning. Code: "
     '<a href="https://github.com/microsoft/LoRA">github.com/microsoft/LoRA</a>',
     ("2106.09685", "LoRA: Low-Rank Adaptation of Large Language Models")),
    ("3/ Then quantize the frozen base to 4 bits and finetune a 65B model on one GPU. Repo: "
     '<a href="https://github.com/artidoro/qlora">github.com/artidoro/qlora</a>',
     ("2305.14314", "QLoRA: Efficient Finetuning of Quantized LLMs")),
]


@pytest.mark.parametrize("card", sorted(_CARDS))
def test_a_heading_under_a_posts_text_is_its_card(card: str) -> None:
    parts = []
    for text, paper in _POSTS:
        parts.append(f"<p>{text}</p>")
        if paper:
            parts.append(_CARDS[card].format(pid=paper[0], title=paper[1], blurb="We propose a method that ..."))
    doc = Document(source="t", key="k", url=None, title="A thread", body=f"<html><body>{''.join(parts)}</body></html>")
    got = {i.papers[0].arxiv_id: ([c.url for c in i.code], sorted(m.value for m in i.metrics))
           for i in extract_items(doc)}
    assert got == {"2106.09685": (["https://github.com/microsoft/LoRA"], [10000.0]),
                   "2305.14314": (["https://github.com/artidoro/qlora"], [4.0, 65e9])}
