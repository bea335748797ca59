"""A plain-text issue whose section headings name no paper ("THIS WEEK IN CACHES") and whose links are addresses
written out: the story's first paragraph opens with its paper's name (a title or a coined word), which follows
the heading in the item's title (extractors/item_links.py `story_name`). Each example is worded differently,
none copied from a scored fixture."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document

A = "2505.00141"


def _title(body: str) -> str:
    (item,) = extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type="text"))
    return item.title


NAMED = [
    pytest.param("SMALLER CACHES, SAME ANSWERS\n\nAttention Sinks Are All You Keep shows that a 7B model keeps "
                 f"its accuracy with 20% of the cache.\n\nPaper: https://arxiv.org/abs/{A}\n",
                 "SMALLER CACHES, SAME ANSWERS — Attention Sinks Are All You Keep", id="caps-heading-title-case"),
    pytest.param("On the bench this week\n======================\n\nRouteLM-3B picks the cheaper of two models and "
                 f"saves 40% of the calls.\nhttps://arxiv.org/pdf/{A}\n",
                 "On the bench this week — RouteLM-3B", id="setext-heading-coined-name"),
    pytest.param("## Reading group, week 12\n\nTowards Faithful Chain-of-Thought: A Study of Rationales, read by six "
                 f"of us, holds up: 64% of its rationales were faithful (arXiv:{A}).\n",
                 "Reading group, week 12 — Towards Faithful Chain-of-Thought: A Study of Rationales",
                 id="markdown-heading-colon-title"),
]


@pytest.mark.parametrize(("body", "title"), NAMED)
def test_a_plain_text_story_is_titled_by_the_name_its_paragraph_opens_with(body: str, title: str) -> None:
    assert _title(body) == title


PROSE = [
    pytest.param("SMALLER CACHES\n\nThe authors keep 20% of the cache and lose nothing.\n"
                 f"Paper: https://arxiv.org/abs/{A}\n", id="article-opener"),
    pytest.param("SMALLER CACHES\n\nA Lean 4 prover that keeps 20% of the cache.\n"
                 f"Paper: https://arxiv.org/abs/{A}\n", id="article-then-capitals"),
    pytest.param("SMALLER CACHES\n\nAuthors: Ada Park, Ben Lee. It keeps 20% of the cache.\n"
                 f"Paper: https://arxiv.org/abs/{A}\n", id="field-line"),
]


@pytest.mark.parametrize("body", PROSE)
def test_a_paragraph_that_opens_with_prose_adds_no_name(body: str) -> None:
    assert _title(body) == "SMALLER CACHES"
