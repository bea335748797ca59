"""Link cards are links titled by the card (extractors/cards.py), in every engine's markup; reaction
counters in page chrome are never text, so never metrics (html_blocks, text_blocks, blocks.is_counter)."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_counter
from extractors.html_blocks import html_blocks
from records.documents import Document

ARXIV = "https://arxiv.org/abs/2405.14333"
ABSTRACT = "Proof assistants like Lean verify proofs; we reach 46.3% on miniF2F."
TITLE = "DeepSeek-Prover: Advancing Theorem Proving in LLMs"

CARDS = [
    pytest.param(  # Discourse onebox: site header, thumbnail, title in <h3>, abstract
        f'<aside class="onebox allowlistedgeneric" data-onebox-src="{ARXIV}"><header class="source">'
        f'<img class="site-icon" src="i.png"><a href="{ARXIV}">arXiv.org</a></header><article class="onebox-body">'
        f'<img class="thumbnail" src="t.png"><h3><a href="{ARXIV}">[2405.14333] {TITLE}</a></h3>'
        "<p>Proof assistants like Lean verify proofs; we reach 46.3% on miniF2F.</p></article>"
        '<div class="onebox-metadata"></div></aside>', id="discourse-onebox"),
    pytest.param(  # Ghost bookmark card: the whole card is the link
        f'<figure class="kg-card kg-bookmark-card"><a class="kg-bookmark-container" href="{ARXIV}">'
        f'<div class="kg-bookmark-content"><div class="kg-bookmark-title">{TITLE}</div>'
        f'<div class="kg-bookmark-description">{ABSTRACT}</div>'
        '<div class="kg-bookmark-metadata"><img class="kg-bookmark-icon" src="i.png"><span class="kg-bookmark-author">'
        'arXiv.org</span></div></div><div class="kg-bookmark-thumbnail"><img src="t.png"></div></a></figure>',
        id="ghost-bookmark"),
    pytest.param(  # Substack embedded post: the URL only in data-attrs, counters in its meta line
        f'<div class="embedded-post-wrap" data-attrs=\'{{"url": "{ARXIV}", "title": "x"}}\'><div class="embedded-post">'
        '<div class="embedded-post-header"><span class="embedded-post-publication-name">Proof Weekly</span></div>'
        f'<div class="embedded-post-title-wrapper"><div class="embedded-post-title">{TITLE}</div></div>'
        '<div class="embedded-post-body">Proof assistants like Lean verify proofs; we reach 46.3% on miniF2F.</div>'
        '<div class="embedded-post-meta">3 years ago · 12 likes · 4 comments</div></div></div>', id="substack-embed"),
    pytest.param(  # Tistory / Kakao open-graph box
        f'<figure data-ke-type="opengraph"><a href="{ARXIV}" data-source-url="{ARXIV}"><div class="og-image"></div>'
        f'<div class="og-text"><p class="og-title">{TITLE}</p>'
        '<p class="og-desc">Proof assistants like Lean verify proofs; we reach 46.3% on miniF2F.</p>'
        '<p class="og-host">arxiv.org</p></div></a></figure>', id="tistory-opengraph"),
    pytest.param(  # DEV (Forem) embed: the title is an <h2>, which must not read as a heading of the post
        '<div class="crayons-card c-embed text-styles"><div class="c-embed__content"><div class="c-embed__body">'
        f'<h2 class="fs-xl"><a href="{ARXIV}" class="c-link">{TITLE}</a></h2><p class="truncate-at-3">{ABSTRACT}</p>'
        '<div class="color-secondary fs-s">arxiv.org</div></div></div></div>', id="forem-c-embed"),
    pytest.param(  # Mastodon preview card: the <a> is the card, its title a <strong>
        f'<a class="status-card compact" href="{ARXIV}"><div class="status-card__image"></div>'
        f'<div class="status-card__content"><strong class="status-card__title">{TITLE}</strong>'
        f'<span class="status-card__description">{ABSTRACT}</span><span class="status-card__host">arxiv.org'
        '</span></div></a>', id="mastodon-status-card"),
    pytest.param(  # an editor's own embed block, named "...-embed": an <a> wrapping title and description
        f'<a class="link-embed" href="{ARXIV}"><div class="link-embed__body"><div class="link-embed__title">{TITLE}'
        f'</div><div class="link-embed__desc">{ABSTRACT}</div><div class="link-embed__url">arxiv.org</div></div></a>',
        id="editor-link-embed"),
]


@pytest.mark.parametrize("card", CARDS)
def test_a_link_card_is_a_link_titled_by_the_card(card: str) -> None:
    blocks = html_blocks(f"<article><p>Intro.</p>{card}</article>")
    (link,) = [b for b in blocks if b.card]
    assert link.text == TITLE and [a.href for a in link.anchors] == [ARXIV]
    assert all("likes" not in b.text and "arXiv.org" not in b.text for b in blocks)
    doc = Document(source="t", key="k", url=None, title="t", body=f"<article>{card}</article>")
    (item,) = extract_items(doc)
    assert item.title == TITLE and item.papers[0].arxiv_id == "2405.14333"
    assert [(m.value, m.unit) for m in item.metrics] == [(46.3, "%")]


REPO_CARDS = [
    pytest.param(  # DEV's GitHub embed: "owner / repo" in its <h2>, a README excerpt, a button
        '<div class="ltag-github-readme-tag"><div class="readme-overview"><h2><img src="gh.svg" alt="GitHub logo">'
        '<a href="https://github.com/deepseek-ai">deepseek-ai</a> / <a href="https://github.com/deepseek-ai/'
        'DeepSeek-Prover-V1.5">DeepSeek-Prover-V1.5</a></h2><h3>Prover for Lean 4</h3></div><div class="ltag-github-'
        'body"><pre><code>pip install -r requirements.txt</code></pre></div></div>', id="forem-github-readme"),
    pytest.param(  # a generic embed whose first link is the owner's profile
        '<div class="wp-block-embed"><p><a href="https://github.com/deepseek-ai">@deepseek-ai</a> released '
        '<a href="https://github.com/deepseek-ai/DeepSeek-Prover-V1.5">the prover</a></p></div>', id="owner-first"),
    pytest.param(  # a bookmark card whose header links the site before the repository
        '<div class="notion-bookmark-block"><a href="https://github.com/">GitHub</a><a href="https://github.com/'
        'deepseek-ai/DeepSeek-Prover-V1.5"><div class="bookmark-title">DeepSeek-Prover-V1.5</div></a></div>',
        id="site-first"),
]


@pytest.mark.parametrize("card", REPO_CARDS)
def test_a_repository_card_links_the_repository_not_its_owner(card: str) -> None:
    body = f'<article><h2><a href="{ARXIV}">{TITLE}</a></h2><p>{ABSTRACT}</p>{card}</article>'
    (item,) = extract_items(Document(source="t", key="k", url=None, title="t", body=body))
    assert [c.url for c in item.code] == ["https://github.com/deepseek-ai/DeepSeek-Prover-V1.5"]
    assert item.title == TITLE


def test_an_iframe_embed_is_a_link_to_its_source() -> None:
    for src, title in [("https://huggingface.co/papers/2405.14333?embed=true", "Paper page"),
                       ("https://arxiv.org/pdf/2405.14333", "PDF"),
                       ("https://github.com/deepseek-ai/DeepSeek-Prover-V1.5", "")]:
        (block,) = html_blocks(f'<div><iframe src="{src}" title="{title}" width="600"></iframe></div>')
        assert block.card and block.anchors[0].href == src


COUNTER_TEXTS = ["12 likes", "댓글 3개", "3개의 댓글", "공감 27", "조회수 1,204", "❤️ 42 · 💬 7",
                 "Like (12) · Comment · Restack", "1.2K claps", "341 upvotes", "💬 9", "1,204 views · 12 comments",
                 "좋아요 17개", "답글 2개"]
NOT_COUNTERS = ["56% on MMLU", "2x faster", "3 papers this week", "1.7B parameters", "Share", "12 layers"]


@pytest.mark.parametrize("text", COUNTER_TEXTS)
def test_reaction_counters_are_recognised(text: str) -> None:
    assert is_counter(text)


@pytest.mark.parametrize("text", NOT_COUNTERS)
def test_results_and_plain_words_are_not_counters(text: str) -> None:
    assert not is_counter(text)


CHROME = [
    pytest.param('<div class="post-ufi"><div class="like-button-container"><div class="label">42</div></div>'
                 '<a class="post-ufi-comment-button"><div class="label">12</div></a></div>', id="substack-ufi"),
    pytest.param('<div class="container_postbtn"><span class="txt_like uoc-count">27</span></div>'
                 '<div class="tt-comment-cont"><p>댓글 3개</p></div>', id="tistory-like-and-comments"),
    pytest.param('<div><span class="pw-multi-vote-count">2.3K</span></div><h4>3개의 댓글</h4>', id="medium-velog"),
    pytest.param('<div class="post-likes">17 Likes</div><span class="views" title="views">1.2k views</span>',
                 id="discourse-likes-views"),
    pytest.param("<p>❤️ 58 · 💬 12 · 🔁 9</p>", id="emoji-reaction-bar"),
]


@pytest.mark.parametrize("chrome", CHROME)
def test_chrome_counters_give_no_text_and_no_metric(chrome: str) -> None:
    body = (f'<article><h2><a href="{ARXIV}">DeepSeek-Prover</a></h2><p>It reaches 46.3% on miniF2F.</p>{chrome}'
            "</article>")
    (item,) = extract_items(Document(source="t", key="k", url=None, title="t", body=body))
    assert [(m.value, m.unit) for m in item.metrics] == [(46.3, "%")]
    assert item.text == "It reaches 46.3% on miniF2F."


def test_counter_lines_in_a_plain_text_email_are_dropped() -> None:
    body = ("1. DeepSeek-Prover https://arxiv.org/abs/2405.14333\n   It reaches 46.3% on miniF2F.\n\n"
            "12 likes · 3 comments\n\n❤️ 58\n")
    (item,) = extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type="text"))
    assert [(m.value, m.unit) for m in item.metrics] == [(46.3, "%")]
