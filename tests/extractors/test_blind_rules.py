"""The general rules the blind set (tests/extractors/blind/) called for, each on a minimal input: tracking
links that carry their target percent-encoded in the path, opaque trackers whose link text is the URL,
relative links on web pages, and plain-text digests that put each summary under a one-line numbered title."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from extractors.html_blocks import html_blocks
from extractors.items import extract_items
from extractors.links import unwrap_redirect, visible_target
from extractors.records import Document
from extractors.text_blocks import text_blocks


@pytest.mark.parametrize("target", [
    "https://arxiv.org/pdf/2302.04761.pdf",
    "https://arxiv.org/abs/2305.10601?utm_source=digest",
    "https://github.com/princeton-nlp/tree-of-thought-llm",
])
@pytest.mark.parametrize("encode", [
    lambda u: quote(u, safe=""),  # https%3A%2F%2F...
    lambda u: quote(u, safe=":"),  # https:%2F%2F...
])
def test_a_target_encoded_in_the_path_ends_at_the_first_literal_slash(target: str, encode) -> None:
    url = f"https://tracking.example-news.com/CL0/{encode(target)}/1/0100018c4f2a0004-7e3b9d21-000000/Vq8Zt1=330"
    assert unwrap_redirect(url) == target


def test_a_target_in_a_plain_path_keeps_its_own_path() -> None:
    assert unwrap_redirect("https://t.example.com/r/https://arxiv.org/abs/2305.10601") == (
        "https://arxiv.org/abs/2305.10601")


OPAQUE = "https://link.mail.beehiiv.com/ss/c/u001.hIc1oqcCOJ8R4y0b8LK6x7Qn0z8s/4a3/sQ2kX9bHRnOQ1i/h12/9dF0mK3LrTq"


@pytest.mark.parametrize(("href", "text", "expected"), [
    (OPAQUE, "arxiv.org/abs/2305.18290", "https://arxiv.org/abs/2305.18290"),
    (OPAQUE, "https://github.com/eric-mitchell/direct-preference-optimization.",
     "https://github.com/eric-mitchell/direct-preference-optimization"),
    (OPAQUE, "Read the paper", OPAQUE),  # nothing to read off: the tracker stays opaque
    (OPAQUE, "arxiv.org", OPAQUE),  # a bare domain names no page
    ("https://github.com/a/b", "github.com/c/d", "https://github.com/a/b"),  # a real link wins over its text
])
def test_an_opaque_tracker_goes_where_its_text_says(href: str, text: str, expected: str) -> None:
    assert visible_target(href, text) == expected


def test_html_anchors_with_a_url_as_text_behind_an_opaque_tracker_name_the_paper() -> None:
    html = f'<p>Paper: <a href="{OPAQUE}">arxiv.org/abs/2305.18290</a></p>'
    assert html_blocks(html)[0].paper_ids == ["2305.18290"]


def test_relative_links_resolve_against_the_page_url_or_its_base_tag() -> None:
    html = '<ul><li><a href="/papers/2408.00714">SAM 2</a></li><li><a href="/papers/2406.09414">DA V2</a></li></ul>'
    assert [b.paper_ids for b in html_blocks(html, "https://huggingface.co/papers")] == [["2408.00714"], ["2406.09414"]]
    assert [b.paper_ids for b in html_blocks(html)] == [[], []]  # no base: nothing to resolve against
    based = '<html><head><base href="https://huggingface.co/"></head><body>' + html + "</body></html>"
    assert [b.paper_ids for b in html_blocks(based)] == [["2408.00714"], ["2406.09414"]]


def test_a_list_of_relative_paper_links_splits_into_one_item_per_entry() -> None:
    cards = "".join(
        f'<li><h3><a href="/papers/{pid}">{title}</a></h3><p>{text}</p>'
        f'<div><span>{votes} upvotes</span> <a href="https://github.com/{repo}">GitHub</a></div></li>'
        for pid, title, text, votes, repo in [
            ("2408.00714", "SAM 2: Segment Anything in Images and Videos", "It is 6x faster than SAM.", 341,
             "facebookresearch/sam2"),
            ("2402.14905", "MobileLLM: Sub-billion Parameter Language Models", "A 2.7% accuracy boost.", 94,
             "facebookresearch/MobileLLM"),
        ])
    doc = Document(source="t", key="k", url="https://huggingface.co/papers", title="Daily Papers",
                   body=f"<main><ul>{cards}</ul></main>", body_type="html")
    items = extract_items(doc)
    assert [[p.arxiv_id for p in i.papers] for i in items] == [["2408.00714"], ["2402.14905"]]
    assert [[c.url for c in i.code] for i in items] == [
        ["https://github.com/facebookresearch/sam2"], ["https://github.com/facebookresearch/MobileLLM"]]


DIGEST = """RESEARCH

1. Tree of Thoughts (22 MINUTE READ) (https://arxiv.org/abs/2305.10601)

Lets a model explore and backtrack. Code is on GitHub (https://github.com/princeton-nlp/tree-of-thought-llm).

2. Self-Consistency (11 MINUTE READ) (https://arxiv.org/abs/2203.11171)

Sample several reasoning paths and take a majority vote.

That's all for today.
"""


def test_numbered_titles_each_over_their_paragraph_take_the_paragraph() -> None:
    entries = [b for b in text_blocks(DIGEST) if b.kind == "li"]
    assert [b.lead for b in entries] == ["Tree of Thoughts (22 MINUTE READ)", "Self-Consistency (11 MINUTE READ)"]
    assert "backtrack" in entries[0].body and "majority vote" in entries[1].body
    assert "That's all" not in entries[1].text


def test_a_tight_list_of_titles_does_not_swallow_the_paragraph_after_it() -> None:
    tight = ("1. Tree of Thoughts (https://arxiv.org/abs/2305.10601)\n"
             "2. Self-Consistency (https://arxiv.org/abs/2203.11171)\n\nThanks for reading, see you next week.\n")
    blocks = text_blocks(tight)
    assert [b.kind for b in blocks] == ["li", "li", "para"]


def test_a_digest_entry_keeps_its_summary_code_and_a_title_without_reading_time() -> None:
    doc = Document(source="t", key="k", url=None, title="Digest", body=DIGEST, body_type="text")
    items = extract_items(doc)
    assert [i.title for i in items] == ["Tree of Thoughts", "Self-Consistency"]
    assert [c.url for c in items[0].code] == ["https://github.com/princeton-nlp/tree-of-thought-llm"]
    assert "majority vote" in items[1].text
