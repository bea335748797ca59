"""A paragraph that tells of two papers, each closed by its own group of links ("… 75% (paper, code). … 3x
(paper, code)."): what comes before a paper's group, since the group before it, is that paper's
(extractors/attribution.py rule 7), also where the text names the papers in words no link gives. Each example is
worded and marked up differently, none copied from a scored fixture."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document, Item

A, B = "2504.00121", "2504.00232"
GH_A, GH_B = "https://github.com/north-lab/kvprune", "https://github.com/south-lab/pocketlm"


def _items(body: str, body_type: str = "html") -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type=body_type))


def _owned(items: list[Item]) -> dict[str, tuple[list[tuple[float, str]], list[str]]]:
    return {i.papers[0].arxiv_id: ([(m.value, m.unit) for m in i.metrics], [c.url for c in i.code]) for i in items}


def _a(href: str, text: str) -> str:
    return f'<a href="{href}">{text}</a>'


CLOSED = [
    pytest.param(  # HTML, the groups in parentheses, the papers named by titles no link carries
        "<h2>Two on caches</h2><p>Pruning Caches by Attention Mass trims the cache of a 7B model by 75% "
        f"({_a(f'https://arxiv.org/abs/{A}', 'paper')}, {_a(GH_A, 'code')}). Pocket Models for Phones decodes "
        f"3x faster on a phone CPU ({_a(f'https://arxiv.org/abs/{B}', 'paper')}, {_a(GH_B, 'code')}).</p>",
        "html", id="html-parenthesised-paper-code"),
    pytest.param(  # plain text, each sentence followed by its labelled addresses
        "CACHES\n\nOne group trims the cache of a 7B model by 75% with attention mass. "
        f"Paper: https://arxiv.org/abs/{A} | Code: {GH_A} . Another decodes 3x faster on a phone CPU. "
        f"Paper: https://arxiv.org/pdf/{B} | Code: {GH_B} .\n",
        "text", id="plain-text-labelled-addresses"),
    pytest.param(  # Korean, the groups glued to the sentence's verb, a slash between the links
        "<h3>캐시 논문 두 편</h3><p>어텐션 질량으로 캐시를 자르는 방법은 7B 모델의 캐시를 75% 줄였습니다"
        f"({_a(f'https://arxiv.org/abs/{A}', '논문')} / {_a(GH_A, '코드')}). 휴대폰용 소형 모델은 휴대폰 CPU에서 "
        f"3배 빠르게 디코딩합니다({_a(f'https://arxiv.org/abs/{B}', '논문')} / {_a(GH_B, '코드')}).</p>",
        "html", id="korean-slash-groups"),
    pytest.param(  # a list item whose clauses end at a semicolon, bracketed link labels
        "<ul><li>Attention-mass pruning trims the cache of a 7B model by 75% "
        f"{_a(f'https://arxiv.org/abs/{A}', '[arXiv]')} {_a(GH_A, '[GitHub]')}; a pocket model decodes 3x faster "
        f"on a phone CPU {_a(f'https://arxiv.org/abs/{B}', '[arXiv]')} {_a(GH_B, '[GitHub]')}</li></ul>",
        "html", id="list-item-bracketed-labels"),
]


@pytest.mark.parametrize(("body", "body_type"), CLOSED)
def test_what_comes_before_a_papers_closing_links_is_that_papers(body: str, body_type: str) -> None:
    assert _owned(_items(body, body_type)) == {A: ([(7e9, "params"), (75, "%")], [GH_A]), B: ([(3, "x")], [GH_B])}


def test_links_right_after_a_name_do_not_close_its_text() -> None:
    body = (f"<p>KVPrune ({_a(f'https://arxiv.org/abs/{A}', 'paper')}, {_a(GH_A, 'code')}) trims the cache by 75%. "
            f"PocketLM ({_a(f'https://arxiv.org/abs/{B}', 'paper')}, {_a(GH_B, 'code')}) decodes 3x faster.</p>")
    assert _owned(_items(body)) == {A: ([(75, "%")], [GH_A]), B: ([(3, "x")], [GH_B])}


def _titles(items: list[Item]) -> dict[str, str]:
    return {i.papers[0].arxiv_id: i.title for i in items}


NAMED = [
    pytest.param(  # HTML, each stretch opening with a paper's title, one with a colon
        "<h2>Mixtures, twice</h2><p>Both came out in spring. SparseMix: Routing Experts by Cost lowers the "
        f"compute of a 8B model by 40% ({_a(f'https://arxiv.org/abs/{A}', 'arXiv')}, {_a(GH_A, 'repo')}). "
        "Dense Experts Beat Sparse Ones at Scale then reports 2.1 points more on MMLU "
        f"({_a(f'https://arxiv.org/abs/{B}', 'arXiv')}, {_a(GH_B, 'repo')}).</p>",
        "html", ("Mixtures, twice — SparseMix: Routing Experts by Cost", "Dense Experts Beat Sparse Ones at Scale"),
        id="html-titles-in-prose"),
    pytest.param(  # plain text, the stretches opening with coined names
        "ON DEVICE\n\nKVPrune-7B keeps 60% of its cache on a phone. "
        f"Paper: https://arxiv.org/abs/{A} , code: {GH_A} . PocketLM is 3x faster on the same phone. "
        f"Paper: https://arxiv.org/abs/{B} , code: {GH_B} .\n",
        "text", ("ON DEVICE — KVPrune-7B", "ON DEVICE — PocketLM"), id="plain-text-coined-names"),
    pytest.param(  # Korean, the titles followed by a particle
        "<h3>라우팅 논문 두 편</h3><p>HyperRoute: Routing Tokens by Their Cost 는 연산량을 40% 줄였습니다"
        f"({_a(f'https://arxiv.org/abs/{A}', '논문')}, {_a(GH_A, '코드')}). Learned Token Dropping for Long "
        f"Inputs 는 긴 입력에서 2배 빠릅니다({_a(f'https://arxiv.org/abs/{B}', '논문')}, {_a(GH_B, '코드')}).</p>",
        "html", ("HyperRoute: Routing Tokens by Their Cost", "Learned Token Dropping for Long Inputs"),
        id="korean-titles-before-particles"),
]


@pytest.mark.parametrize(("body", "body_type", "names"), NAMED)
def test_a_stretch_that_opens_with_its_papers_name_titles_its_item(body: str, body_type: str,
                                                                   names: tuple[str, str]) -> None:
    titles = _titles(_items(body, body_type))
    assert names[0] in titles[A] and names[1] in titles[B]


def test_a_stretch_that_opens_with_prose_keeps_the_heading() -> None:
    body = (f"<h2>Two on caches</h2><p>One group trims the cache by 75% ({_a(f'https://arxiv.org/abs/{A}', 'paper')}"
            f"). Another decodes 3x faster on a phone ({_a(f'https://arxiv.org/abs/{B}', 'paper')}).</p>")
    assert _titles(_items(body)) == {A: "Two on caches", B: "Two on caches"}
