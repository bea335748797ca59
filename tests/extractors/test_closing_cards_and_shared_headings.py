"""Issue 11, round 9: which story a post's closing link card and a paper sharing a heading belong to.

A social or career post draws one preview card for a link after its text. Where the card's paper is linked
nowhere else, the story it closes has papers of its own, and exactly one story beside it (a title of the same
rank) has none, the card is that story's paper: its text said where the link went ("see the card"). A paper split
off from a story it shares with another paper, with no name in its links (its address written out), is titled by
the story's heading."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_CARD = ('<a class="link-preview" href="https://arxiv.org/abs/{id}"><div class="link-preview__text">'
         '<p class="link-preview__title">{title}</p><p class="link-preview__desc">From the abstract.</p></div></a>')


def _items(body: str) -> list[tuple[str, str, list[float]]]:
    doc = Document(source="t", key="k", url=None, title="A post", body=f"<html><body>{body}</body></html>")
    return [(i.papers[0].arxiv_id, i.title, sorted(m.value for m in i.metrics)) for i in extract_items(doc)
            if i.papers]


def _post(sections: list[tuple[str, str]], card: tuple[str, str], shape: str = "{h}<br>{b}") -> str:
    text = "<br><br>".join(shape.format(h=head, b=body) for head, body in sections)
    return f'<div class="post-text">{text}</div>' + _CARD.format(id=card[0], title=card[1])


# (the markup of a section; its sections, one of them paperless; the closing card)
_POSTS = [
    ("{h}<br>{b}",
     [("1) Scaling laws for data (Chinchilla)", "Training on 4x more tokens with a smaller model wins at equal "
       "compute; the link is in the preview below."),
      ("2) Sparse experts", 'Routing each token to 2 of 8 experts, as in <a href="https://arxiv.org/abs/2401.04088">'
       "arxiv.org/abs/2401.04088</a>, keeps inference cheap.")],
     ("2203.15556", "Training Compute-Optimal Large Language Models")),
    ("<p><b>{h}</b></p><p>{b}</p>",
     [("🔹 Tiny reasoning models", 'A 1.5B model distilled from a larger one, see <a href="https://arxiv.org/abs/'
       '2501.12948">arxiv.org/abs/2501.12948</a>, solves 28% more problems.'),
      ("🔹 Prompt caching without pain", "Reusing the cached prefix cuts latency by 3.2x in their serving tests; "
       "paper card at the end of this post."),
      ("🔹 Longer contexts", 'Position interpolation, <a href="https://arxiv.org/abs/2306.15595">arxiv.org/abs/'
       '2306.15595</a>, extends the window to 32768 tokens.')],
     ("2309.06180", "Efficient Memory Management for Large Language Model Serving")),
    ("<h3>{h}</h3><p>{b}</p>",
     [("[A] Sequence models without attention", "A selective state space layer gives 5x higher throughput than a "
       "Transformer of the same size (card below)."),
      ("[B] Long context by rings", 'Blockwise attention across devices, <a href="https://arxiv.org/abs/2310.01889">'
       "arxiv.org/abs/2310.01889</a>, reaches 100 million tokens.")],
     ("2312.00752", "Linear-Time Sequence Modeling with Selective State Spaces")),
]


@pytest.mark.parametrize(("shape", "sections", "card"), _POSTS)
def test_a_closing_card_is_the_paper_of_the_one_story_without_one(
        shape: str, sections: list[tuple[str, str]], card: tuple[str, str]) -> None:
    found = {pid: (title, values) for pid, title, values in _items(_post(sections, card, shape))}
    paperless = next(head for head, body in sections if "arxiv.org" not in body)
    title, values = found[card[0]]
    assert title.startswith(paperless)
    numbers = {"2203.15556": [4.0], "2309.06180": [3.2], "2312.00752": [5.0]}[card[0]]
    assert values == numbers


def test_a_closing_card_with_two_paperless_stories_beside_it_goes_to_neither() -> None:
    sections = [("1) Notes from the meetup", "About 120 people came and we ran 3 talks."),
                ("2) Scaling laws for data", "Training on 4x more tokens with a smaller model wins at equal compute."),
                ("3) Sparse experts", 'Routing to 2 of 8 experts, <a href="https://arxiv.org/abs/2401.04088">'
                 "arxiv.org/abs/2401.04088</a>.")]
    found = _items(_post(sections, ("2203.15556", "Training Compute-Optimal Large Language Models")))
    assert all(not title.startswith(("1)", "2)")) for pid, title, _ in found if pid == "2203.15556")


# (heading, paragraph: two papers, the second linked by its written-out address)
_SHARED = [
    ("Pruning in one shot: SparseGPT and Wanda",
     'SparseGPT prunes to 50% sparsity (<a href="https://arxiv.org/abs/2301.00774">arxiv.org/abs/2301.00774</a>, '
     'code <a href="https://github.com/IST-DASLab/sparsegpt">github.com/IST-DASLab/sparsegpt</a>). Wanda needs no '
     'weight update at all (<a href="https://arxiv.org/abs/2306.11695">arxiv.org/abs/2306.11695</a>, code '
     '<a href="https://github.com/locuslab/wanda">github.com/locuslab/wanda</a>).'),
    ("Adapters, plain and quantised",
     'LoRA trains 10,000x fewer parameters (<a href="https://arxiv.org/abs/2106.09685">https://arxiv.org/abs/'
     '2106.09685</a>; <a href="https://github.com/microsoft/LoRA">https://github.com/microsoft/LoRA</a>), and its '
     'follow-up fits 65B on one card (<a href="https://arxiv.org/abs/2305.14314">https://arxiv.org/abs/2305.14314'
     '</a>; <a href="https://github.com/artidoro/qlora">https://github.com/artidoro/qlora</a>).'),
    ("정렬 두 가지: RLHF와 DPO",
     'RLHF는 보상 모델을 씁니다(<a href="https://arxiv.org/abs/2203.02155">arxiv.org/abs/2203.02155</a>). DPO는 보상 '
     '모델 없이 학습합니다(<a href="https://arxiv.org/abs/2305.18290">arxiv.org/abs/2305.18290</a>, 코드 '
     '<a href="https://github.com/eric-mitchell/direct-preference-optimization">github.com/eric-mitchell/'
     'direct-preference-optimization</a>).'),
]


@pytest.mark.parametrize(("heading", "paragraph"), _SHARED)
def test_a_paper_split_off_under_a_shared_heading_is_titled_by_it(heading: str, paragraph: str) -> None:
    body = f"<h2>{heading}</h2><p>{paragraph}</p><h2>Elsewhere</h2><p>Nothing else this week.</p>"
    titles = [title for _, title, _ in _items(body)]
    assert len(titles) == 2 and all(title == heading for title in titles)
