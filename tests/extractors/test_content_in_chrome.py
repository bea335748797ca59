"""Issue 11, round 8: chrome never holds a page's main text. A page whose text sits inside a tag that looks like
chrome (a page-wide wrapper whose class names its navigation pane, a forum post's body inside an edit <form>,
a note inside an <aside>) kept none of its papers; where no paper link is left outside the dropped chrome, the
prose tag around the most paper links is the content (html_chrome.keep_content). A box that is only a list of
links, a hidden block, or a page whose own text links a paper keep their chrome as before."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_A = ("2106.09685", "https://github.com/microsoft/LoRA")
_B = ("2305.14314", "https://github.com/artidoro/qlora")


def _story(n: int, pid: str, repo: str) -> str:
    return (f"<h2>{n}. Adapter paper number {n}</h2><p>The authors freeze the base model and train a small update "
            f"on top of it, which cuts the memory bill by a wide margin on every task they try. "
            f"<a href='https://arxiv.org/abs/{pid}'>Paper</a> and <a href='{repo}'>code</a>.</p>")


_STORIES = _story(1, *_A) + _story(2, *_B)

# Three differently shaped pages whose text is inside something named or tagged like chrome.
_PAGES = {
    # a notes site: the whole page sits in a wrapper whose class says it has a navigation pane
    "page-wide wrapper": ("<html><body><div class='app-shell with-sidebar has-navigation'>"
                          "<div class='nav-pane'><a href='/a'>Home</a> <a href='/b'>Index</a></div>"
                          f"<div class='note-view'><h1>My adapter notes</h1>{_STORIES}</div></div></body></html>"),
    # a forum: the post's body is inside the form that edits it, its buttons beside it
    "post in a form": ("<html><body><div id='main-thread'><div class='post-frame'>"
                       "<p class='post-title'>[R] Two adapter papers</p>"
                       f"<form action='#' class='editable-text'><input type='hidden' name='id' value='9'>"
                       f"<div class='rendered'>{_STORIES}</div></form>"
                       "<ul class='post-actions'><li><a href='#'>save</a></li></ul></div></div></body></html>"),
    # a blog whose theme puts the post in an <aside> beside an empty main column, inside a "sidebar" box
    "post in a sidebar box": ("<html><body><main></main><div class='sidebar-layout'>"
                              f"<aside class='reading-pane'><h1>Adapters, briefly</h1>{_STORIES}</aside>"
                              "</div></body></html>"),
}


def _items(page: str) -> list[tuple[str, list[str]]]:
    doc = Document(source="t", key="k", url="https://notes.example/p/1", title="Notes", body=page)
    return [(i.papers[0].arxiv_id, [c.url for c in i.code]) for i in extract_items(doc)]


@pytest.mark.parametrize("shape", sorted(_PAGES))
def test_the_text_inside_chrome_is_the_content(shape: str) -> None:
    assert _items(_PAGES[shape]) == [(_A[0], [_A[1]]), (_B[0], [_B[1]])]


# Chrome that stays chrome: a list of links, a hidden block, a related box beside a text that links a paper.
_CHROME = {
    "a box that only lists links": (
        "<html><body><article><h1>Our office moved</h1><p>We have a new address and a bigger kitchen, and the "
        "lunch talks resume next month in the new room on the second floor.</p></article>"
        "<div class='sidebar'><h3>Popular</h3><ul>"
        f"<li><a href='https://arxiv.org/abs/{_A[0]}'>Low-rank adaptation of large language models</a></li>"
        f"<li><a href='https://arxiv.org/abs/{_B[0]}'>Efficient finetuning of quantized models</a></li>"
        "</ul></div></body></html>", []),
    "a hidden block": (
        "<html><body><p>Nothing to read this week, we are on holiday until the new year begins.</p>"
        f"<div class='promo' style='display:none'>{_STORIES}</div></body></html>", []),
    "related box beside a text that links a paper": (
        f"<html><body><article>{_story(1, *_A)}</article>"
        f"<div class='related'><p>Also worth a look, since it applies the same update to a quantized model "
        f"and runs on one card: <a href='https://arxiv.org/abs/{_B[0]}'>this one</a>.</p></div></body></html>",
        [(_A[0], [_A[1]])]),
}


@pytest.mark.parametrize("shape", sorted(_CHROME))
def test_chrome_that_is_not_the_content_stays_dropped(shape: str) -> None:
    page, expected = _CHROME[shape]
    assert _items(page) == expected
