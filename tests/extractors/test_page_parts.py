"""Which parts of a page are its content, where chrome words in class names would say otherwise: a wrapper
named like chrome around the article, a story card's own footer, a thread whose comments are the content;
and how stories without headings split: a paper table's summary cells, an untitled message's paragraphs that
each open with their own paper, a link whose text is its address. One table per rule, each with differently
worded and differently marked-up examples of its class of input (none copied from a scored fixture)."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document, Item

A, B, C = "2503.00111", "2503.00222", "2503.00333"


def _items(body: str, title: str = "t") -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title=title, body=body, body_type="html"))


def _arxiv(pid: str, text: str | None = None) -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text if text is not None else f"arxiv.org/abs/{pid}"}</a>'


def _papers(items: list[Item]) -> list[str]:
    return [i.papers[0].arxiv_id for i in items]


# --- a chrome-named wrapper around the article is not chrome ------------------------------------------------

ARTICLE_WRAPPERS = [
    pytest.param('<div class="repo-nav-container"><article class="markdown-body entry-content">'
                 f'<h2>Dense retrieval, cheaper</h2><p>Recall rises to 88% with half the index. {_arxiv(A, "Paper")}'
                 '</p></article></div>', id="code-host-wrapper-named-nav"),
    pytest.param('<body><form id="pageForm" action="/post"><div class="shell"><div itemprop="articleBody">'
                 f'<h2>Dense retrieval, cheaper</h2><p>Recall rises to 88% with half the index. {_arxiv(A, "Paper")}'
                 '</p></div></div></form></body>', id="page-wide-form"),
    pytest.param('<div class="layout menu-offset"><div class="post-content"><h2>Dense retrieval, cheaper</h2>'
                 f'<p>Half the index, and recall rises to 88%. {_arxiv(A, "Read it")}</p></div></div>',
                 id="wrapper-named-menu"),
]


@pytest.mark.parametrize("body", ARTICLE_WRAPPERS)
def test_a_wrapper_named_like_chrome_keeps_the_article_inside_it(body: str) -> None:
    items = _items(body)
    assert _papers(items) == [A]
    assert [(m.value, m.unit) for m in items[0].metrics] == [(88, "%")]


@pytest.mark.parametrize("beside", [
    f'<div class="sidebar-nav"><p>Popular: {_arxiv(B, "Old favourite")} with 99% of votes</p></div>',
    f'<div class="related"><div class="post-body">Popular: {_arxiv(B, "Old favourite")}, 99% liked</div></div>',
    f'<div class="wrap" style="display:none"><div class="post-content">{_arxiv(B, "Hidden")} 99%</div></div>',
], ids=["sidebar", "related-posts-with-article-classes", "hidden"])
def test_a_chrome_named_block_beside_the_article_still_goes(beside: str) -> None:
    body = f'<div class="post-content"><h2>Dense retrieval</h2><p>Recall 88%. {_arxiv(A, "Paper")}</p></div>{beside}'
    assert _papers(_items(body)) == [A]


# --- a story card's own header and footer ------------------------------------------------------------------

CARD_FOOTERS = [
    pytest.param(''.join(f'<article class="entry"><h3>{name}</h3><p>{text}</p><div class="entry__footer">'
                         f'{_arxiv(pid, "Paper")}</div></article>'
                         for name, text, pid in [("Sparse mixers", "Cuts compute by 40%.", A),
                                                 ("Long planners", "Plans 3x further ahead.", B)]),
                 id="bem-footer-class"),
    pytest.param(''.join(f'<article><div class="card-header">{_arxiv(pid, name)}</div><p>{text}</p></article>'
                         for name, text, pid in [("Sparse mixers", "Cuts compute by 40%.", A),
                                                 ("Long planners", "Plans 3x further ahead.", B)]),
                 id="header-class-holding-the-title-link"),
    pytest.param(''.join(f'<article class="tile"><h3>{name}</h3><p>{text}</p><footer class="tile-footer">'
                         f'<a class="icon" aria-label="arXiv" href="https://arxiv.org/abs/{pid}"><svg></svg></a>'
                         '</footer></article>'
                         for name, text, pid in [("Sparse mixers", "Cuts compute by 40%.", A),
                                                 ("Long planners", "Plans 3x further ahead.", B)]),
                 id="icon-only-link-in-footer"),
]


@pytest.mark.parametrize("body", CARD_FOOTERS)
def test_a_cards_own_footer_or_header_keeps_its_links(body: str) -> None:
    items = _items(f"<main>{body}<div class='site-footer'>{_arxiv(C, 'Our last issue')}</div></main>")
    assert [(i.papers[0].arxiv_id, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        (A, [(40, "%")]), (B, [(3, "x")])]


# --- a thread whose comments are its content -------------------------------------------------------------

def _thread(cls: str, comments: list[str]) -> str:
    return ("<h1>Which papers changed your year?</h1><p>Reply with links.</p>"
            f"<div class='{cls}-list'>" + "".join(f"<div class='{cls}'>{c}</div>" for c in comments) + "</div>")


_COMMENTS = [f"Sparse mixers, for us. It cut serving cost by 30%.<p>{_arxiv(A)}</p>",
             "Agreed, though we only saw 12% on our own traffic.",
             f"Long planners. Plans stay coherent 3x longer.<p>Paper: {_arxiv(B)}</p>"]
THREADS = [
    pytest.param(_thread("comment", _COMMENTS), id="comment-divs"),
    pytest.param(_thread("comments-item", _COMMENTS), id="comments-item"),
    pytest.param(_thread("topic-comment", _COMMENTS), id="topic-comment"),
]


@pytest.mark.parametrize("body", THREADS)
def test_where_only_comments_link_papers_each_comment_is_a_story(body: str) -> None:
    items = _items(body)
    assert [(i.papers[0].arxiv_id, i.title, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        (A, "Sparse mixers, for us.", [(30, "%")]), (B, "Long planners.", [(3, "x")])]


def test_a_posts_comment_section_beside_its_text_stays_chrome() -> None:
    body = (f"<h2>Sparse mixers</h2><p>It cuts serving cost by 30%. {_arxiv(A, 'Paper')}</p>"
            f"<div class='comments'><div class='comment'>See also {_arxiv(B)}, 12% better.</div></div>")
    items = _items(body)
    assert _papers(items) == [A] and [(m.value, m.unit) for m in items[0].metrics] == [(30, "%")]


# A link aggregator's discussion: a short opening post links one paper, the replies bring papers of their own
# and say more than the post does, so the replies that link a paper are the page's content too, each a story.
_OPENERS = [
    (f"<p>Submitter here: my notes on {_arxiv(A, 'this paper')}.</p>",
     f"Worth reading next to it: the dense baseline they beat, trained on twice the data and scored on every "
     f"public suite we have. {_arxiv(B)}",
     f"Related and older, with a much larger study of where the gains come from: {_arxiv(C)}"),
    (f"<p>Cross-posting {_arxiv(A, 'a preprint')} from the lab channel.</p>",
     f"The follow-up from the same group fixes the memory problem that everyone complained about last spring. "
     f"Paper: {_arxiv(B)}",
     f"If you care about the kernels, this one explains the whole scheduling trick in detail: {_arxiv(C)}"),
    (f"<p>Short one today, {_arxiv(A, 'link')}.</p>",
     f"Counterpoint from people who tried to reproduce the headline claim on their own cluster and could not "
     f"get close: {_arxiv(B)}",
     f"And the survey that puts all of these approaches side by side, with a lot of ablations: {_arxiv(C)}"),
]


@pytest.mark.parametrize(("post", "first", "second"), _OPENERS)
def test_replies_that_say_more_than_a_short_post_are_stories(post: str, first: str, second: str) -> None:
    body = (f"<h2>Thread</h2><div class='story-text'>{post}</div>"
            f"<ol class='comments'><li class='comment'><p>{first}</p></li>"
            "<li class='comment'><p>Ran it on my laptop, about 7x slower than they say but it works.</p></li>"
            f"<li class='comment'><p>{second}</p></li></ol>")
    items = _items(body)
    assert _papers(items) == [A, B, C]  # the paperless reply between them is chrome, its number no paper's
    assert all(m.value != 7 for i in items for m in i.metrics)


# --- a table of papers whose summary is written in a cell ---------------------------------------------------

PROSE_CELLS = [
    pytest.param("<tr><th>Paper</th><th>Links</th></tr>"
                 f"<tr><td>1) Sparse mixers - routes each token to two experts and cuts compute by 40% at equal "
                 f"quality.</td><td>{_arxiv(A, 'Paper')}</td></tr><tr><td>2) Long planners - a planner that stays "
                 f"coherent 3x longer than chain-of-thought.</td><td>{_arxiv(B, 'Paper')}</td></tr>",
                 id="numbered-summary-then-links"),
    pytest.param("<tr><th>Name</th><th>What it does</th><th>Link</th></tr>"
                 "<tr><td>Sparse mixers</td><td>Two experts a token; compute falls by 40% with no loss in quality."
                 f"</td><td>{_arxiv(A, 'arXiv')}</td></tr><tr><td>Long planners</td><td>Its plans stay on track 3x "
                 f"longer than chain-of-thought does.</td><td>{_arxiv(B, 'arXiv')}</td></tr>",
                 id="name-summary-link-columns"),
    pytest.param("<tr><td><b>Summary</b></td><td><b>Source</b></td></tr>"
                 "<tr><td>Sparse mixers route each token to two experts, which cuts compute by 40% overall.</td>"
                 f"<td>{_arxiv(A)}</td></tr><tr><td>Long planners keep a plan coherent 3x longer than a plain "
                 f"chain of thought.</td><td>{_arxiv(B)}</td></tr>", id="bold-header-row"),
]


@pytest.mark.parametrize("rows", PROSE_CELLS)
def test_a_paper_rows_summary_cell_gives_its_numbers(rows: str) -> None:
    items = _items(f"<h2>Papers of the week</h2><table>{rows}</table>")
    assert [(i.papers[0].arxiv_id, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        (A, [(40, "%")]), (B, [(3, "x")])]


# --- an untitled message whose paragraphs each open with their own paper ------------------------------------

def _repo(name: str) -> str:
    return f'<a href="https://github.com/lab/{name}">github.com/lab/{name}</a>'


OPENING_PAPERS = [
    pytest.param(f"<p>Two picks this week.</p><p>Sparse mixers ({_arxiv(A)}) route tokens to two experts. On our "
                 f"traffic, serving cost fell by 40%. Code: {_repo('mixers')}</p><p>Long planners ({_arxiv(B)}) "
                 f"are older. In our tests the plans held up 3x longer. Harness: {_repo('planners')}</p>",
                 id="name-then-link-in-parens"),
    pytest.param(f"<p>Sparse mixers, {_arxiv(A)}, was the big one. The bill dropped by 40% the week we switched, "
                 f"and the repo is {_repo('mixers')}.</p><p>Long planners {_arxiv(B)} came later. Plans "
                 f"survive 3x as many steps; see {_repo('planners')}.</p>", id="link-after-the-name"),
    pytest.param(f"<p>{_arxiv(A, 'Sparse mixers')} route tokens to two experts. Compute falls by 40%. "
                 f"Implementation at {_repo('mixers')}</p><p>{_arxiv(B, 'Long planners')} plan ahead. That "
                 f"holds for 3x more steps. Source: {_repo('planners')}</p>", id="linked-name-opens-the-paragraph"),
]


@pytest.mark.parametrize("body", OPENING_PAPERS)
def test_in_an_untitled_message_a_paragraph_opening_with_its_paper_is_its_story(body: str) -> None:
    items = _items(f"<div class='message'>{body}</div>")
    assert [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], [(m.value, m.unit) for m in i.metrics])
            for i in items] == [(A, "Sparse mixers", ["https://github.com/lab/mixers"], [(40, "%")]),
                                (B, "Long planners", ["https://github.com/lab/planners"], [(3, "x")])]


def test_a_paragraph_that_only_cites_its_paper_after_a_label_does_not_split_the_message() -> None:
    body = (f"<p>Sparse mixers cut compute by 40%.</p><p>Paper: {_arxiv(A)}</p>"
            f"<p>They compare against {_arxiv(B, 'dense baselines')}, which lose 3x more.</p>")
    items = _items(f"<div class='message'>{body}</div>")
    assert _papers(items)[0] == A and (40, "%") in [(m.value, m.unit) for m in items[0].metrics]


# --- a link whose text is its own address names nothing ------------------------------------------------------

URL_TEXTS = [
    pytest.param(f"<p>Sparse mixers. Compute falls by 40%.</p><p>{_arxiv(A, f'https://arxiv.org/abs/{A}')}</p>",
                 "Sparse mixers.", id="full-url"),
    pytest.param(f"<p>Long planners, finally. Plans last 3x longer.</p><p>{_arxiv(A, f'arxiv.org/abs/{A}')}</p>",
                 "Long planners, finally.", id="url-without-scheme"),
    pytest.param(f"<p>Tiny routers help. A 40% cut.</p><p>{_arxiv(A, f'www.arxiv.org/pdf/{A}v2')}</p>",
                 "Tiny routers help.", id="www-pdf-url"),
]


@pytest.mark.parametrize(("body", "title"), URL_TEXTS)
def test_an_untitled_story_linked_by_its_address_is_titled_by_its_first_sentence(body: str, title: str) -> None:
    assert [i.title for i in _items(f"<div class='message'>{body}</div>", title="")] == [title]


# --- a section closed by its paper's line of links is that paper's story --------------------------------------

def _closing(head: str, title: str, body: str, pid: str, links: str) -> str:
    return f"{head.format(title=title)}<p>{body}</p><p>{links.format(paper=_arxiv(pid, 'Paper'))}</p>"


_BOLD_CELL = "<p style='font-size:20px;font-weight:bold'>{title}</p>"
CLOSING_LINKS = [
    pytest.param("<h2>Research</h2>" + _closing(_BOLD_CELL, "Sparse mixers", "Compute falls by 40%.", A,
                                                 "🔗 {paper} · <a href='https://github.com/lab/mixers'>Code</a>")
                 + _closing(_BOLD_CELL, "Long planners", "Plans last 3x longer.", B, "🔗 {paper}"),
                 id="category-then-styled-titles"),
    pytest.param("<h1>This week</h1><h2>Papers</h2>" + _closing("<h3>{title}</h3>", "Sparse mixers",
                                                                  "Compute falls by 40%.", A, "{paper} | Thread")
                 + _closing("<h3>{title}</h3>", "Long planners", "Plans last 3x longer.", B, "{paper} | Thread"),
                 id="h3-under-a-category-h2"),
    pytest.param("<h2>Reading list</h2>" + _closing("<p><strong>{title}</strong></p>", "Sparse mixers",
                                                     "Compute falls by 40%.", A, "→ {paper}")
                 + _closing("<p><strong>{title}</strong></p>", "Long planners", "Plans last 3x longer.", B,
                            "→ {paper}"), id="bold-paragraph-titles"),
]


@pytest.mark.parametrize("body", CLOSING_LINKS)
def test_a_section_closed_by_its_papers_links_is_that_papers_story(body: str) -> None:
    # a later section at the category's level carries a paper too: the titles under the category are below
    # the rank of the page's paper titles, and only their closing links tell that they are papers' stories
    body += f"<h2>Chart of the week: tiny routers</h2><p>Routing error drops by 12%.</p><p>{_arxiv(C, 'Paper')}</p>"
    items = _items(body)
    assert [(i.papers[0].arxiv_id, i.title, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        (A, "Sparse mixers", [(40, "%")]), (B, "Long planners", [(3, "x")]),
        (C, "Chart of the week: tiny routers", [(12, "%")])]


def test_a_sub_heading_inside_a_story_waiting_for_its_links_stays_inside_it() -> None:
    body = (f"<h2>1. Sparse mixers</h2><p>Two experts a token.</p><p><strong>How the routing works</strong></p>"
            f"<p>Compute falls by 40%.</p><p>{_arxiv(A, 'Paper')} · <a href='https://github.com/lab/m'>Code</a></p>"
            f"<h2>2. Long planners</h2><p>Plans last 3x longer.</p><p>{_arxiv(B, 'Paper')}</p>")
    items = _items(body)
    assert [(i.papers[0].arxiv_id, i.title, [(m.value, m.unit) for m in i.metrics]) for i in items] == [
        (A, "1. Sparse mixers", [(40, "%")]), (B, "2. Long planners", [(3, "x")])]
