"""The segmentation model of extractors/items.py, one table per rule: where a story starts and ends, what is a
sub-heading inside it, what stands above it and still belongs to it, and when two sections are one paper.
Each table holds differently worded and differently marked-up examples of one class of input."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document, Item

A, B, C = "2501.00011", "2501.00022", "2501.00033"


def _items(body: str, body_type: str = "html") -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type=body_type))


def _by_paper(items: list[Item]) -> dict[str, list[tuple[float, str]]]:
    return {i.papers[0].arxiv_id: [(m.value, m.unit) for m in i.metrics] for i in items}


def _arxiv(pid: str, text: str = "paper") -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text}</a>'


# --- sub-headings stay inside the story --------------------------------------------------------------

SUBHEADED = [
    pytest.param(  # Substack: bold-only paragraphs as sub-headings, the paper link at the end
        f"<h2>1. FastKV</h2><p>It compresses the cache.</p><p><strong>What they changed</strong></p>"
        f"<p>Keys are quantised per channel.</p><p><strong>Key results</strong></p><p>The cache shrinks by 75%.</p>"
        f"<p>{_arxiv(A)}</p><hr><h2>2. TinyLM</h2><p>A 1.7B-parameter model.</p><p>{_arxiv(B)}</p>",
        id="bold-only-subheads"),
    pytest.param(  # <h4> sub-headings under an <h2> per paper, the link first
        f"<h2>{_arxiv(A, 'FastKV')}</h2><h4>How it works</h4><p>Keys are quantised.</p><h4>Numbers</h4>"
        f"<p>The cache shrinks by 75%.</p><h2>{_arxiv(B, 'TinyLM')}</h2><p>A 1.7B-parameter model.</p>",
        id="h4-subheads"),
    pytest.param(  # Korean labelled parts, headed like titles
        f"<h3>FastKV: 캐시 압축</h3><p><strong>논문 소개</strong></p><p>KV 캐시를 75% 줄였습니다.</p>"
        f"<p><strong>논문 링크</strong></p><p>{_arxiv(A, 'https://arxiv.org/abs/' + A)}</p><hr>"
        f"<h3>TinyLM</h3><p><strong>논문 소개</strong></p><p>1.7B-parameter 모델입니다.</p>"
        f"<p><strong>논문 링크</strong></p><p>{_arxiv(B)}</p>",
        id="korean-labels"),
    pytest.param(  # labels in words no list holds: known as labels because every story repeats them
        f"<h2>FastKV</h2><p><b>The skinny</b></p><p>The cache shrinks by 75%.</p><p><b>Where to look</b></p>"
        f"<p>{_arxiv(A)}</p><h2>TinyLM</h2><p><b>The skinny</b></p><p>A 1.7B-parameter model.</p>"
        f"<p><b>Where to look</b></p><p>{_arxiv(B)}</p>",
        id="repeated-unknown-labels"),
]


@pytest.mark.parametrize("body", SUBHEADED)
def test_a_sub_heading_without_a_paper_stays_inside_its_story(body: str) -> None:
    items = _items(body)
    assert _by_paper(items) == {A: [(75, "%")], B: [(1.7e9, "params")]}
    assert "FastKV" in items[0].title and "TinyLM" in items[1].title


NEWS_BETWEEN = [
    pytest.param(f"<h2>{_arxiv(A, 'FastKV')}</h2><p>The cache shrinks by 75%.</p><h2>Funding news</h2>"
                 f"<p>A startup raised $40M and grew 3x.</p><h2>{_arxiv(B, 'TinyLM')}</h2><p>A 1.7B model.</p>",
                 id="h2-news"),
    pytest.param(f"<p><strong>FastKV</strong> {_arxiv(A)}</p><p>The cache shrinks by 75%.</p>"
                 f"<p><strong>Chip prices fell again</strong></p><p>H100 rentals are 30% cheaper.</p>"
                 f"<p><strong>TinyLM</strong> {_arxiv(B)}</p><p>A 1.7B model.</p>", id="bold-title-news"),
    pytest.param(f"FastKV\n======\n{'https://arxiv.org/abs/' + A}\nThe cache shrinks by 75%.\n\n"
                 "In other news\n=============\nThe conference moved; attendance grew 20%.\n\n"
                 f"TinyLM\n======\n{'https://arxiv.org/abs/' + B}\nA 1.7B model.\n", id="plain-text-news"),
]


@pytest.mark.parametrize("body", NEWS_BETWEEN)
def test_a_title_at_the_stories_rank_without_a_paper_is_a_news_item_of_its_own(body: str) -> None:
    body_type = "text" if "<" not in body else "html"
    assert _by_paper(_items(body, body_type)) == {A: [(75, "%")], B: [(1.7e9, "params")]}


FACTS_ABOVE = [
    pytest.param(f"<h2>{_arxiv(A, 'FastKV')}</h2><p>It shrinks the cache by 75%.</p><hr>"
                 f"<ul><li>Size: 1.7B parameters</li><li>Context: 128K tokens</li></ul>"
                 f"<h2>TinyLM</h2><p>A small model. {_arxiv(B)}</p>", id="size-and-context"),
    pytest.param(f"<h2>{_arxiv(A, 'FastKV')}</h2><p>It shrinks the cache by 75%.</p><hr>"
                 f"<ul><li>1.7B parameters in all</li><li>Trained on 128K-token windows</li></ul>"
                 f"<h3>{_arxiv(B, 'TinyLM')}</h3><p>A small model.</p>", id="dash-facts-deeper-heading"),
    pytest.param(f"<h2>{_arxiv(A, 'FastKV')}</h2><p>It shrinks the cache by 75%.</p><hr>"
                 f"<ol><li>1.7B params</li><li>a 128K-token context</li></ol>"
                 f"<p><strong>TinyLM</strong></p><p>A small model: {_arxiv(B)}.</p>", id="numbered-facts-bold-title"),
]


@pytest.mark.parametrize("body", FACTS_ABOVE)
def test_a_facts_list_right_above_a_paper_heading_belongs_to_that_paper(body: str) -> None:
    assert _by_paper(_items(body)) == {A: [(75, "%")], B: [(1.7e9, "params"), (128e3, "tokens")]}


STUBS_ABOVE = [
    pytest.param("".join(f'<div><a href="/papers/{p}"><img src="t.png"></a><div class="v">{n}</div>'
                         f'<h3><a href="/papers/{p}">{t}</a></h3><p>{s}</p></div>'
                         for p, n, t, s in [(A, 61, "FastKV", "It cuts the cache by 75%."),
                                            (B, 104, "TinyLM", "A 1.7B model.")]), id="hf-cards"),
    pytest.param("".join(f'<p><a href="https://arxiv.org/abs/{p}"><img src="x.png"></a></p><p>{n}</p>'
                         f'<h2>{t}</h2><p>{s} {_arxiv(p)}</p>'
                         for p, n, t, s in [(A, "▲ 12", "FastKV", "It cuts the cache by 75%."),
                                            (B, "▲ 9", "TinyLM", "A 1.7B model.")]), id="thumbnails-and-votes"),
    pytest.param("".join(f'<p><a href="https://arxiv.org/abs/{p}"> </a></p><p>{n}</p><h4>{t}</h4><p>{s}</p>'
                         for p, n, t, s in [(A, "7", "FastKV", "It cuts the cache by 75%."),
                                            (B, "3", "TinyLM", "A 1.7B model.")]), id="empty-links-and-counts"),
]


@pytest.mark.parametrize("body", STUBS_ABOVE)
def test_wordless_blocks_above_a_title_go_with_it_and_bare_counts_are_not_numbers(body: str) -> None:
    base = "https://huggingface.co/papers"
    items = extract_items(Document(source="t", key="k", url=base, title="t", body=body, body_type="html"))
    assert _by_paper(items) == {A: [(75, "%")], B: [(1.7e9, "params")]}
    assert [i.title for i in items] == ["FastKV", "TinyLM"]


SECOND_SECTION = [
    pytest.param("<h2>In brief</h2><ul><li><strong>Differential Transformer</strong> cancels attention noise "
                 f"({_arxiv(A)}).</li></ul><h2>Deep dive: Differential Transformer</h2>"
                 "<p>It matches the loss with 38% fewer tokens. "
                 '<a href="https://github.com/microsoft/unilm">Code</a></p>', id="deep-dive"),
    pytest.param(f"<h3>{_arxiv(A, 'FastKV: compressing the KV cache')}</h3><p>Short note.</p>"
                 "<h3>More on FastKV</h3><p>The cache shrinks by 38%. "
                 '<a href="https://github.com/microsoft/unilm">code</a></p>', id="more-on"),
    pytest.param(f"<p><b>QLoRA</b>: finetuning on one GPU ({_arxiv(A, 'arXiv')}).</p><hr>"
                 "<h2>Why QLoRA matters</h2><p>Memory falls by 38%. "
                 '<a href="https://github.com/microsoft/unilm">GitHub</a></p>', id="why-it-matters"),
]


@pytest.mark.parametrize("body", SECOND_SECTION)
def test_a_section_titled_by_a_papers_name_is_that_papers_second_section(body: str) -> None:
    (item,) = _items(body)
    assert item.papers[0].arxiv_id == A and item.papers[0].url is not None
    assert [c.url for c in item.code] == ["https://github.com/microsoft/unilm"]
    assert (38, "%") in [(m.value, m.unit) for m in item.metrics]


RELATED = [
    pytest.param(f"<h2>FastKV</h2><p>It cuts the cache by 75%.</p><p>{_arxiv(A)}</p><h4>Further reading</h4>"
                 f"<p>{_arxiv(B, 'An older method')} and "
                 '<a href="https://github.com/someone/kv-notes">notes on KV caches</a></p>', id="further-reading"),
    pytest.param(f"<h2>FastKV</h2><p>캐시를 75% 줄였습니다.</p><p><strong>논문 링크</strong></p><p>{_arxiv(A)}</p>"
                 f"<p><strong>더 읽어보기</strong></p><p>{_arxiv(B, '이전 연구')}</p>"
                 '<p><a href="https://github.com/someone/kv-notes">정리 글</a></p>', id="korean-read-more"),
    pytest.param(f"<h2>FastKV</h2><p>It cuts the cache by 75%. {_arxiv(A)}</p><p><b>See also:</b></p>"
                 f"<ul><li>{_arxiv(B, 'PagedAttention')}</li>"
                 '<li><a href="https://github.com/someone/kv-notes">an explainer</a></li></ul>', id="see-also"),
]


@pytest.mark.parametrize("body", RELATED)
def test_links_under_a_related_reading_label_are_mentions_not_the_papers_code(body: str) -> None:
    (item,) = _items(body)
    assert [(p.arxiv_id, p.role) for p in item.papers] == [(A, "primary"), (B, "mention")]
    assert item.code == ()
    assert [(m.value, m.unit) for m in item.metrics] == [(75, "%")]


def test_a_repository_under_a_related_reading_label_named_like_the_paper_is_its_code() -> None:
    for label in ("더 읽어보기", "Further reading", "Related links"):
        body = (f"<h2>OLMoE: open mixture of experts</h2><p>{_arxiv(A)}</p><p><strong>{label}</strong></p>"
                '<p><a href="https://github.com/allenai/OLMoE">GitHub - allenai/OLMoE</a></p>')
        (item,) = _items(body)
        assert [c.url for c in item.code] == ["https://github.com/allenai/OLMoE"], label


ENTRY_PAGES = [
    pytest.param(  # a Mastodon thread: statuses, each a paper's post, the card after the text
        '<div class="entry h-entry"><div class="status__content"><p>1/ Griffin mixes recurrences with local attention '
        'and needs 6x fewer tokens. code: https://github.com/google-deepmind/recurrentgemma</p></div>'
        '<a class="status-card" href="https://arxiv.org/abs/2402.19427"><strong class="status-card__title">Griffin'
        '</strong></a></div><div class="entry h-entry"><div class="status__content"><p>2/ DPO drops the reward model; '
        'it trains 3x faster. Repo: https://github.com/eric-mitchell/direct-preference-optimization</p></div>'
        '<a class="status-card" href="https://arxiv.org/abs/2305.18290"><strong class="status-card__title">DPO'
        '</strong></a></div>', id="mastodon-statuses"),
    pytest.param(  # an IndieWeb blog's front page: each post's text first, its paper linked at its end
        '<div class="post h-entry"><p class="e-content">Needs 6x fewer tokens; code '
        'github.com/google-deepmind/recurrentgemma.</p><p><a href="https://arxiv.org/abs/2402.19427">Griffin</a></p>'
        '</div><div class="post h-entry"><p class="e-content">Trains 3x faster; code '
        'github.com/eric-mitchell/direct-preference-optimization.</p><p><a href="https://arxiv.org/abs/2305.18290">'
        'DPO</a></p></div>', id="indieweb-posts"),
    pytest.param(  # a static-site list of notes, microformats on <section>, the source cited last
        '<section class="note h-entry"><div>It needs 6x fewer tokens, code at github.com/google-deepmind/'
        'recurrentgemma.</div><div>Source: arXiv:2402.19427</div></section><section class="note h-entry"><div>It '
        'trains 3x faster, code at github.com/eric-mitchell/direct-preference-optimization.</div><div>Source: '
        'arXiv:2305.18290</div></section>', id="notes-sections"),
]


@pytest.mark.parametrize("page", ENTRY_PAGES)
def test_each_post_of_a_page_of_posts_is_a_story_of_its_own(page: str) -> None:
    items = extract_items(Document(source="t", key="k", url=None, title="t", body=f"<main>{page}</main>"))
    got = [(i.papers[0].arxiv_id, [c.url for c in i.code], [(m.value, m.unit) for m in i.metrics]) for i in items]
    assert got == [
        ("2402.19427", ["https://github.com/google-deepmind/recurrentgemma"], [(6.0, "x")]),
        ("2305.18290", ["https://github.com/eric-mitchell/direct-preference-optimization"], [(3.0, "x")]),
    ]
