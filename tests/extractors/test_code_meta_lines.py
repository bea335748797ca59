"""Issue 11, round 6: a meta line that carries a paper's code ("venue · code", "💻 repo: github.com/x/y ·
★ 1.2k") is where a digest links the repository: it is kept (its counters left out) and belongs to the paper
of its story, never a story of its own. A meta line with neither a paper nor a repository is still chrome."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_REPO = "https://github.com/state-spaces/mamba"


def _items(page: str) -> list[tuple[str, list[str]]]:
    doc = Document(source="t", key="k", url="https://digest.example/w/3", title="Digest", body=page)
    return [(i.papers[0].arxiv_id, [c.url for c in i.code]) for i in extract_items(doc)]


@pytest.mark.parametrize(
    "meta",
    [
        f'<div class="note-meta">preprint · <a href="{_REPO}">code</a></div>',
        '<p class="byline">💻 repo: github.com/state-spaces/mamba</p>',
        f'<div class="entry-meta"><span>Official implementation</span> · <a href="{_REPO}">GitHub</a></div>',
        f'<p>💻 <a href="{_REPO}">github.com/state-spaces/mamba</a> · ★ 12.4k · 🍴 1.1k</p>',
        f'<div class="post-meta">Code: <a href="{_REPO}">state-spaces/mamba</a> · 3 min read</div>',
    ],
    ids=["venue-code", "written-out-byline", "implementation-link", "counters-no-class", "reading-time"],
)
@pytest.mark.parametrize("where", ["under the title", "after the text"])
def test_a_meta_line_with_only_code_gives_its_paper_the_repository(meta: str, where: str) -> None:
    title = '<h2><a href="https://arxiv.org/abs/2312.00752">Mamba: Linear-Time Sequence Modeling</a></h2>'
    text = "<p>A selective state space model that matches Transformers twice its size.</p>"
    body = title + (meta + text if where == "under the title" else text + meta)
    nxt = ('<h2><a href="https://arxiv.org/abs/2405.21060">Transformers are SSMs</a></h2>'
           "<p>Mamba-2 recasts the layer as structured matrices.</p>")
    assert _items(f"<html><body>{body}{nxt}</body></html>") == [("2312.00752", [_REPO]), ("2405.21060", [])]


@pytest.mark.parametrize(
    "meta",
    [
        '<div class="post-meta">Posted by ana · 3 min read · 12 comments</div>',
        '<p class="byline">by <a href="https://github.com/ana-k">ana-k</a> · 4 min read</p>',
        '<p>★ 12.4k · 🍴 1.1k · 41 watching</p>',
    ],
    ids=["byline", "profile-link", "counters"],
)
def test_a_meta_line_without_code_stays_chrome(meta: str) -> None:
    page = ('<html><body><h2><a href="https://arxiv.org/abs/2312.00752">Mamba</a></h2>'
            f"<p>A selective state space model.</p>{meta}</body></html>")
    doc = Document(source="t", key="k", url="https://digest.example/w/3", title="Digest", body=page)
    (item,) = extract_items(doc)
    assert item.code == () and not any(m.value in (12.0, 4.0, 3.0, 41.0) for m in item.metrics)
