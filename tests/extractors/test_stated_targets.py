"""Issue 11, round 6: a link whose own attributes write out where it goes (an expanded t.co link on a thread
reader, a link preview's `data-full-url`, a script's `data-href` behind `href="#"`) goes there
(`links.stated_target`); an attribute that only describes a link that already says where it goes changes
nothing."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.links import stated_target
from extractors.records import Document


@pytest.mark.parametrize(
    ("href", "attrs", "expected"),
    [
        ("https://t.co/x1Y2z3", {"data-expanded-url": "https://github.com/karpathy/nanoGPT"},
         "https://github.com/karpathy/nanoGPT"),
        ("https://lnkd.in/eQ4rT", {"data-full-url": " https://arxiv.org/abs/2106.09685 "},
         "https://arxiv.org/abs/2106.09685"),
        ("https://bit.ly/3abcD", {"data-url": "https://arxiv.org/abs/2305.14314"}, "https://arxiv.org/abs/2305.14314"),
        ("#", {"data-href": "https://github.com/artidoro/qlora"}, "https://github.com/artidoro/qlora"),
        ("javascript:void(0)", {"data-url": "https://arxiv.org/pdf/2106.09685"}, "https://arxiv.org/pdf/2106.09685"),
        ("", {"data-href": "https://github.com/huggingface/peft"}, "https://github.com/huggingface/peft"),
        ("https://buff.ly/9Zq", {"title": "https://github.com/microsoft/LoRA"}, "https://github.com/microsoft/LoRA"),
    ],
    ids=["expanded-t.co", "full-url-lnkd.in", "data-url-bit.ly", "data-href-fragment", "data-url-javascript",
         "data-href-no-href", "title-buff.ly"],
)
def test_an_attribute_that_writes_out_the_target_is_the_target(href: str, attrs: dict[str, str],
                                                              expected: str) -> None:
    assert stated_target(href, {"href": href, **attrs}) == expected


@pytest.mark.parametrize(
    ("href", "attrs"),
    [
        # a real address is not overridden by a script's attribute or a title
        ("https://github.com/karpathy/minGPT", {"data-url": "https://example.com/share?u=1"}),
        ("https://arxiv.org/abs/2106.09685", {"title": "https://arxiv.org/abs/2106.09685v2 (PDF)"}),
        # a title that is prose, not an address, on a shortener
        ("https://t.co/Ab12", {"title": "Read the LoRA paper"}),
        # an attribute that holds no address at all
        ("https://bit.ly/3abcD", {"data-url": "not-a-url"}),
    ],
    ids=["real-href-data-url", "real-href-title", "prose-title", "no-address"],
)
def test_an_href_that_says_where_it_goes_stays(href: str, attrs: dict[str, str]) -> None:
    assert stated_target(href, {"href": href, **attrs}) == href


@pytest.mark.parametrize(
    "anchor",
    [
        '<a href="https://t.co/q9W8e7" data-expanded-url="https://github.com/artidoro/qlora">github.com/artidoro/ql…</a>',
        '<a href="https://bit.ly/4Lm2Xp" title="https://github.com/artidoro/qlora">the repo</a>',
        '<a href="#" class="ext" data-href="https://github.com/artidoro/qlora">code here</a>',
    ],
    ids=["expanded", "title", "script"],
)
def test_a_paper_gets_the_code_its_shortened_link_states(anchor: str) -> None:
    page = ("<html><body><h2>Finetuning in four bits</h2><p>QLoRA "
            '(<a href="https://arxiv.org/abs/2305.14314">arxiv.org/abs/2305.14314</a>) finetunes a 65B model on one '
            f"48GB GPU. Code: {anchor}</p></body></html>")
    doc = Document(source="t", key="k", url="https://threads.example/t/1", title="A thread", body=page)
    items = extract_items(doc)
    assert [(i.papers[0].arxiv_id, [c.url for c in i.code]) for i in items] == [
        ("2305.14314", ["https://github.com/artidoro/qlora"])]
