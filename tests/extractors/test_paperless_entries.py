"""Issue 11, round 9: entries titled like the papers' entries but about no paper. Where titled paragraphs (bold
run-in leads, link cards) title the stories inside a story, a title without a paper starts a story too: a price
tracker, a job post or an event between two papers is an entry of its own, and its numbers go to no paper. The
paper named in the text under such a title (a card of a project page over "arXiv 2308.04079") is that title's
story's; an entry that links only a repository (the code bookmarked after its paper) is the code of the paper
before it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_A = ("2303.01469", "https://github.com/openai/consistency_models")
_B = ("2201.05989", "https://github.com/NVlabs/instant-ngp")


def _items(body: str) -> list[tuple[str, str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Saved links", body=f"<html><body>{body}</body></html>")
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc) if i.papers]


# (run-in leads: the first and last paragraphs each link a paper, the middle one none)
_RUN_IN = [
    [f'<p><b>One-step samplers.</b> <a href="https://arxiv.org/abs/{_A[0]}">Consistency models</a> reach an FID of '
     f'3.55 on CIFAR-10 in one step; <a href="{_A[1]}">code</a>.</p>',
     "<p><b>GPU rental prices.</b> Spot prices across 9 clouds fell 12% this month, to $2.10 an hour.</p>",
     f'<p><b>Hash grids for NeRF.</b> <a href="https://arxiv.org/abs/{_B[0]}">Instant NGP</a> trains a scene in '
     f'5 seconds; <a href="{_B[1]}">code</a>.</p>'],
    [f'<p><strong>■ 한 번에 샘플링:</strong> <a href="https://arxiv.org/abs/{_A[0]}">Consistency Models</a>는 '
     f'CIFAR-10에서 한 단계만에 FID 3.55를 냅니다(<a href="{_A[1]}">코드</a>).</p>',
     "<p><strong>■ 채용 공고:</strong> 저희 팀은 연구 엔지니어 3명을 뽑고, 연봉은 20% 올렸습니다.</p>",
     f'<p><strong>■ 해시 그리드:</strong> <a href="https://arxiv.org/abs/{_B[0]}">Instant NGP</a>는 장면 하나를 '
     f'기존보다 5배 빠르게 학습합니다(<a href="{_B[1]}">코드</a>).</p>'],
    [f'<p><b>Paper 1 —</b> <a href="https://arxiv.org/abs/{_A[0]}">arXiv:{_A[0]}</a> samples in a single step, '
     f'FID 3.55 on CIFAR-10. Repo: <a href="{_A[1]}">openai/consistency_models</a>.</p>',
     "<p><b>Meetup —</b> 80 seats for the 14 June session, 25 already taken.</p>",
     f'<p><b>Paper 2 —</b> <a href="https://arxiv.org/abs/{_B[0]}">arXiv:{_B[0]}</a> fits a NeRF in 5 seconds. '
     f'Repo: <a href="{_B[1]}">NVlabs/instant-ngp</a>.</p>'],
]


@pytest.mark.parametrize("paragraphs", _RUN_IN)
def test_a_paperless_titled_entry_between_papers_gives_its_numbers_to_none(paragraphs: list[str]) -> None:
    found = {pid: (code, values) for pid, _, code, values in _items("".join(paragraphs))}
    assert found == {_A[0]: ([_A[1]], [3.55]), _B[0]: ([_B[1]], [5.0])}


# link cards of three engines (the card's title links a page; the reader's note follows it)
_CARDS = [
    '<figure class="kg-bookmark-card"><a class="kg-bookmark-container" href="{href}"><div class="kg-bookmark-content">'
    '<div class="kg-bookmark-title">{title}</div></div></a></figure><p>{note}</p>',
    '<a class="link-preview" href="{href}"><div><p class="link-preview__title">{title}</p></div></a><p>{note}</p>',
    '<div class="og-card"><a href="{href}"><span class="og-card-title">{title}</span></a></div><p>{note}</p>',
]
_SAVED = [
    (f"https://arxiv.org/abs/{_A[0]}", "Consistency Models", "Single-step sampling, FID 3.55 on CIFAR-10."),
    (_A[1], "openai/consistency_models: official code", "The authors' release of the paper saved above."),
    ("https://deals.example.net/gpus", "Cloud GPU price board", "Across 9 clouds prices fell 12% this month."),
    ("https://nvlabs.example.io/instant-ngp/", "Instant Neural Graphics Primitives",
     f"Project page; the paper is arXiv {_B[0]}. A scene trains in 5 seconds."),
    ("https://arxiv.org/abs/2302.05543", "Adding Conditional Control to Text-to-Image Diffusion Models",
     "Zero-initialised convolutions attach a trainable copy of the encoder."),
]


@pytest.mark.parametrize("card", _CARDS)
def test_saved_link_cards_are_entries_of_their_own(card: str) -> None:
    body = "".join(card.format(href=href, title=title, note=note) for href, title, note in _SAVED)
    found = {pid: (title, code, values) for pid, title, code, values in _items(body)}
    assert found[_A[0]] == ("Consistency Models", [_A[1]], [3.55])  # its code's card after it; not the prices
    assert found[_B[0]][0] == "Instant Neural Graphics Primitives" and found[_B[0]][2] == [5.0]
