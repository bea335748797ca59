"""Issue 11, round 5: papers lost to the page around them. Citations by key resolved in the page's BibTeX
bibliography (Distill's `<d-cite>`), a page-wide element whose class names chrome (`<body class="fixed-top-
nav">`), an address shown as a link's text over an email service's own tracker, and ad slots."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.links import visible_target
from extractors.records import Document


def _items(page: str) -> list[tuple[str, list[str], list[str]]]:
    doc = Document(source="t", key="k", url="https://blog.example.org/post/", title="A post", body=page)
    return [(it.title, [p.arxiv_id for p in it.papers], [c.url for c in it.code])
            for it in extract_items(doc) if it.papers]


# --- citations by key ----------------------------------------------------------------------------------

_BIB = {
    "url field": "@article{kv2023,\n  title={Paged {KV} caches},\n  url={https://arxiv.org/abs/2309.06180},\n}\n"
                 "@inproceedings{fa2,\n  title={Better kernels},\n  url={https://arxiv.org/abs/2307.08691},\n}\n",
    "id in the journal": "@article{kv2023,\n  title={Paged KV caches},\n  journal={arXiv preprint arXiv:2309.06180},"
                         "\n  year={2023}\n}\n@misc{fa2,\n  title={Better kernels},\n"
                         "  journal={arXiv preprint arXiv:2307.08691},\n}\n",
    "eprint and a non-paper url": "@misc{kv2023, title = \"Paged KV caches\",\n eprint = {2309.06180},\n"
                                  " archivePrefix = {arXiv},\n url = {https://vllm.example.com/blog}\n}\n"
                                  "@misc{fa2, title = {Better kernels},\n eprint = {2307.08691},\n"
                                  " archivePrefix = {arXiv}\n}\n",
}


@pytest.mark.parametrize("bib", sorted(_BIB))
@pytest.mark.parametrize("where", ["script", "element"])
def test_a_citation_key_cites_its_bibliography_entry(bib: str, where: str) -> None:
    bibliography = (f'<script type="text/bibliography">{_BIB[bib]}</script>' if where == "script"
                    else f"<d-bibliography>{_BIB[bib]}</d-bibliography>")
    page = ("<html><body><d-article><h2>Serving with pages</h2><p>Blocks of cache shared between sequences"
            '<d-cite key="kv2023"></d-cite> lift throughput 2-4x.</p>'
            "<h2>Kernels, again</h2><p>Splitting the work between warps<d-cite key=\"other, fa2\"></d-cite> gives "
            "about 2x.</p></d-article>" + bibliography + "</body></html>")
    got = _items(page)
    assert [(t.split(" — ")[0], p) for t, p, _ in got] == [
        ("Serving with pages", ["2309.06180"]), ("Kernels, again", ["2307.08691"])]


def test_a_key_without_an_entry_cites_nothing() -> None:
    page = ('<html><body><h2>Serving with pages</h2><p>Shared blocks<d-cite key="missing"></d-cite>.</p>'
            f'<script type="text/bibliography">{_BIB["url field"]}</script></body></html>')
    assert _items(page) == []


# --- page-wide elements named like chrome --------------------------------------------------------------

@pytest.mark.parametrize(
    "opening",
    [
        '<body class="fixed-top-nav">',
        '<body class="has-sidebar menu-collapsed"><main class="nav-offset">',
        '<body id="share-target" class="post">',
    ],
)
def test_a_page_wide_element_is_not_chrome_by_its_class(opening: str) -> None:
    page = (f"<html>{opening}<nav class=\"navbar\"><a href=\"/\">home</a></nav><h2>Sampling in fewer steps</h2>"
            "<p>A non-Markovian sampler, 10x to 50x faster: <a href=\"https://arxiv.org/abs/2010.02502\">paper</a>."
            "</p></body></html>")
    assert [p for _, p, _ in _items(page)] == [["2010.02502"]]


def test_a_chrome_named_block_inside_the_page_still_goes() -> None:
    page = ('<html><body class="fixed-top-nav"><h2>Sampling in fewer steps</h2><p>Faster sampling: '
            '<a href="https://arxiv.org/abs/2010.02502">paper</a>.</p><div class="sidebar"><p>Also read '
            '<a href="https://arxiv.org/abs/2006.11239">this</a>.</p></div></body></html>')
    assert [p for _, p, _ in _items(page)] == [["2010.02502"]]


# --- an address shown over a tracker -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("href", "text", "target"),
    [
        ("https://brief.createsend1.com/t/r-l-abcdef-l-r/", "arxiv.org/abs/2312.00752",
         "https://arxiv.org/abs/2312.00752"),
        ("https://go.letters.example.net/x/Q2xpY2s", "github.com/state-spaces/mamba",
         "https://github.com/state-spaces/mamba"),
        ("https://news.example.com/t/9f8e7d?sub=42", "https://arxiv.org/pdf/2309.06180v2",
         "https://arxiv.org/pdf/2309.06180v2"),
    ],
)
def test_an_address_shown_over_another_hosts_link_is_where_it_goes(href: str, text: str, target: str) -> None:
    assert visible_target(href, text) == target


@pytest.mark.parametrize(
    ("href", "text"),
    [
        ("https://huggingface.co/papers/2312.00752", "arxiv.org/abs/2312.00752"),  # the href names the paper
        ("https://github.com/state-spaces/mamba/tree/main", "github.com/state-spaces/mamba"),  # the same host
        ("https://blog.example.org/a-post", "blog.example.org/a-post"),  # shows no paper and no repository
    ],
)
def test_a_link_that_names_its_own_target_keeps_it(href: str, text: str) -> None:
    assert visible_target(href, text) == href


def test_a_tracked_email_reads_its_papers_and_code_from_the_shown_addresses() -> None:
    page = ("<html><body><h2>State spaces</h2><p>Five times the throughput.</p><p>📄 "
            '<a href="https://x.createsend1.com/t/r-l-aa/">arxiv.org/abs/2312.00752</a> · 💻 '
            '<a href="https://x.createsend1.com/t/r-l-ab/">github.com/state-spaces/mamba</a></p>'
            "<h2>Paged caches</h2><p>Four per cent waste.</p><p>"
            '<a href="https://x.createsend1.com/t/r-l-ac/">arxiv.org/abs/2309.06180</a></p></body></html>')
    assert _items(page) == [("State spaces", ["2312.00752"], ["https://github.com/state-spaces/mamba"]),
                            ("Paged caches", ["2309.06180"], [])]


# --- ad slots ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "slot",
    [
        '<div class="ad-container"><div class="ad-label">Advertisement</div><div id="div-gpt-ad-1"></div></div>',
        '<ins class="adsbygoogle" data-ad-slot="123">Advertisement</ins>',
        '<div class="post-ad"><p>Advertisement</p><a href="https://shop.example.com">Buy GPUs</a></div>',
    ],
)
def test_an_ad_slot_between_posts_is_chrome(slot: str) -> None:
    page = ("<html><body><p>1/ Chunked actions. <a href=\"https://arxiv.org/abs/2304.13705\">arxiv.org/abs/2304.13705"
            f"</a></p>{slot}<p>2/ A wheeled base. <a href=\"https://arxiv.org/abs/2401.02117\">arxiv.org/abs/2401.02117"
            "</a></p></body></html>")
    found = {pid for _, papers, _ in _items(page) for pid in papers}
    assert found == {"2304.13705", "2401.02117"}


# --- numbered posts of a thread ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "third"),
    [
        ("1/ Chunked actions. A policy that predicts whole chunks", "2/ Wheels under the arms, and co-training",
         "3/ A side note on cables, nothing to read"),
        ("(1/4) Chunked actions: predict the next fifty steps at once", "(2/4) Wheels under the arms",
         "(3/4) Cables matter more than you think"),
        ("1/n Chunked actions first", "2/n Then the wheeled version", "3/n My own rig, for what it is worth"),
    ],
)
def test_each_numbered_post_of_a_thread_is_a_story(first: str, second: str, third: str) -> None:
    page = ("<html><body><div>Robot papers for new students 🧵</div>"
            f"<div>{first}, 80% success.<br><br>📄 <a href=\"https://arxiv.org/abs/2304.13705\">arxiv.org/abs/2304.13705"
            "</a> 💻 <a href=\"https://github.com/tonyzhaozh/act\">github.com/tonyzhaozh/act</a></div>"
            f"<div>{second}, 90% on mobile tasks.<br><br><a href=\"https://arxiv.org/abs/2401.02117\">"
            "arxiv.org/abs/2401.02117</a> · <a href=\"https://github.com/MarkFzp/mobile-aloha\">github.com/MarkFzp/"
            f"mobile-a…</a></div><div>{third}: 3 months, 4 points.</div></body></html>")
    got = _items(page)
    assert [(p, c) for _, p, c in got] == [(["2304.13705"], ["https://github.com/tonyzhaozh/act"]),
                                          (["2401.02117"], ["https://github.com/MarkFzp/mobile-aloha"])]
    assert got[0][0].startswith("Chunked actions") and got[1][0].startswith(("Wheels", "Then"))


@pytest.mark.parametrize("opening", ["1/2 of the runs", "1/ of the runs", "(1/3) of the runs"])
def test_one_numbered_paragraph_is_no_thread(opening: str) -> None:
    page = (f"<html><body><p>{opening} failed. <a href=\"https://arxiv.org/abs/2304.13705\">ACT</a> and "
            "<a href=\"https://github.com/tonyzhaozh/act\">its code</a>.</p><p>It learns from 10 minutes of demos."
            "</p></body></html>")
    assert [(p, c) for _, p, c in _items(page)] == [(["2304.13705"], ["https://github.com/tonyzhaozh/act"])]


@pytest.mark.parametrize(
    "second",
    [
        'RT-2 (<a href="https://arxiv.org/abs/2307.15818">arxiv.org/abs/2307.15818</a>) goes from 32% to 62%.',
        '<a href="https://arxiv.org/abs/2307.15818">RT-2</a> instead emits actions as text and reaches 62%.',
        'Its successor RT-2 (arXiv:2307.15818) reaches 62% on unseen objects.',
    ],
)
def test_in_an_untitled_post_a_paragraph_opening_with_another_paper_is_its_own(second: str) -> None:
    page = ("<html><body><p>RT-1 (<a href=\"https://arxiv.org/abs/2212.06817\">arxiv.org/abs/2212.06817</a>) was "
            "trained on 130k episodes. Code: <a href=\"https://github.com/google-research/robotics_transformer\">"
            f"github.com/google-research…</a></p><p>{second}</p></body></html>")
    got = {p[0]: (c, t) for t, p, c in _items(page)}
    assert got["2212.06817"][0] == ["https://github.com/google-research/robotics_transformer"]
    assert got["2307.15818"][0] == []
