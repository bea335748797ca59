"""Where a paper or its code is named without an ordinary link: an address written out in the text (with or
without a scheme, on a host of papers or code), a paper's meta line that page chrome would otherwise take, and a
feed entry that is itself a paper's page (its link is the paper, its body the abstract)."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import text_urls
from records.documents import Document


def _items(body: str, body_type: str = "html", url: str | None = None, title: str = "t") -> list:
    return extract_items(Document(source="t", key="k", url=url, title=title, body=body, body_type=body_type))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The code is available at github.com/acme-lab/fast-rope.", ["https://github.com/acme-lab/fast-rope"]),
        ("weights and code (see gitlab.com/group/sub/proj) soon", ["https://gitlab.com/group/sub/proj"]),
        ("demo: huggingface.co/spaces/acme/demo, paper arxiv.org/abs/2305.18290v2;",
         ["https://huggingface.co/spaces/acme/demo", "https://arxiv.org/abs/2305.18290v2"]),
        ("Repo -> https://codeberg.org/owner/repo!", ["https://codeberg.org/owner/repo"]),
        ("Read it at www.example.org/post.", ["https://www.example.org/post"]),
        # not addresses: other bare domains, an e-mail address, a host inside a longer name, a bare host
        ("our site example.com/papers has more", []),
        ("write to team@github.com/x for access", []),
        ("see mygithub.com/o/r and notgithub.com/o/r", []),
        ("hosted on github.com, as usual", []),
    ],
)
def test_text_urls_finds_written_addresses_on_paper_and_code_hosts(text: str, expected: list[str]) -> None:
    assert [href for _, _, href in text_urls(text)] == expected


PAPER = "https://arxiv.org/abs/2402.19427"
WRITTEN_CODE = [
    pytest.param(f'<h2><a href="{PAPER}">Griffin</a></h2><p>Gated linear recurrences with local attention. '
                 "Code: github.com/google-deepmind/recurrentgemma</p>", "html", id="html-label-colon"),
    pytest.param(f'<h2><a href="{PAPER}">Griffin</a></h2><p>Gated linear recurrences; the authors released '
                 "their implementation at https://github.com/google-deepmind/recurrentgemma (JAX).</p>", "html",
                 id="html-sentence-with-scheme"),
    pytest.param(f"GRIFFIN\n{PAPER}\nGated linear recurrences with local attention.\n"
                 "Implementation: github.com/google-deepmind/recurrentgemma\n", "text", id="plain-text-line"),
]


@pytest.mark.parametrize(("body", "body_type"), WRITTEN_CODE)
def test_a_repository_written_out_in_the_text_is_the_papers_code(body: str, body_type: str) -> None:
    items = _items(body, body_type)
    assert [(i.papers[0].arxiv_id, [c.url for c in i.code]) for i in items] == [
        ("2402.19427", ["https://github.com/google-deepmind/recurrentgemma"])]


def test_a_paper_written_out_without_a_scheme_is_found() -> None:
    items = _items("<h3>Recurrent models, again</h3><p>Griffin mixes recurrences with local attention "
                   "(arxiv.org/abs/2402.19427) and matches Llama-2 with 6 times fewer training tokens.</p>")
    assert [i.papers[0].arxiv_id for i in items] == ["2402.19427"]


META_LINES = [
    pytest.param('<div class="paper-meta">Lee et al. · ICML 2024 · arXiv 2402.19427 · Cited by 311</div>',
                 id="meta-with-id-in-text"),
    pytest.param(f'<p class="byline">De et al. · <a href="{PAPER}">PDF</a> · 1.2k views</p>',
                 id="byline-with-pdf-link"),
    pytest.param('<span class="post-meta">Google DeepMind · 2024 · <a href="https://huggingface.co/papers/2402.19427">'
                 "HF page</a></span>", id="meta-with-hf-papers-link"),
]


@pytest.mark.parametrize("meta", META_LINES)
def test_a_meta_line_that_names_the_paper_keeps_its_paper_and_loses_its_counters(meta: str) -> None:
    body = (f"<h4>Griffin: Mixing Gated Linear Recurrences with Local Attention</h4>{meta}"
            "<p>It matches Llama-2 with over 6 times fewer training tokens.</p>")
    items = _items(body)
    assert [i.papers[0].arxiv_id for i in items] == ["2402.19427"]
    assert sorted((m.value, m.unit) for m in items[0].metrics) == [(6.0, "x")]


def test_a_meta_line_without_a_paper_is_still_chrome() -> None:
    body = (f'<h4><a href="{PAPER}">Griffin</a></h4><div class="paper-meta">De et al. · 4 min read · 312 likes</div>'
            "<p>It matches Llama-2 with over 6 times fewer training tokens.</p>")
    assert "likes" not in _items(body)[0].text


ENTRIES = [
    pytest.param("https://huggingface.co/papers/2402.19427", id="hugging-face-papers-page"),
    pytest.param("http://arxiv.org/abs/2402.19427v1", id="arxiv-rss-entry"),
    pytest.param("https://www.alphaxiv.org/overview/2402.19427", id="alphaxiv-page"),
]


@pytest.mark.parametrize("link", ENTRIES)
def test_an_entry_whose_link_is_a_paper_page_is_that_papers_item(link: str) -> None:
    body = ("<p>Griffin mixes gated linear recurrences with local attention. It matches Llama-2 with over 6 times "
            "fewer training tokens. Code: https://github.com/google-deepmind/recurrentgemma</p>"
            "<p>▲ 57 upvotes · 💬 3 comments</p>")
    items = _items(body, url=link, title="Griffin: Mixing Gated Linear Recurrences")
    assert [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code]) for i in items] == [
        ("2402.19427", "Griffin: Mixing Gated Linear Recurrences", ["https://github.com/google-deepmind/recurrentgemma"])]
    assert sorted((m.value, m.unit) for m in items[0].metrics) == [(6.0, "x")]


def test_an_entry_linking_elsewhere_or_naming_its_own_paper_keeps_the_body_s_reading() -> None:
    news = "<p>The lab raised $40M and hired 12 people.</p>"
    assert _items(news, url="https://news.example.com/griffin") == []
    own = '<p>See <a href="https://arxiv.org/abs/2305.18290">DPO</a>: no reward model needed.</p>'
    items = _items(own, url="https://huggingface.co/papers/2402.19427")
    assert [i.papers[0].arxiv_id for i in items] == ["2305.18290"]
