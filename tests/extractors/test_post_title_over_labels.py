"""Issue 11, round 6: a post's one story whose only title in the body is a run-in lead or a sub-heading that
does not name its paper ("Scale — ...", "Needle in a haystack", "Grammar from one book:") is titled by the post, as an
untitled post's one story is: the lead labels a part of the story. A lead that names the paper stays its title."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_PAPER = '<a href="https://arxiv.org/abs/2403.05530">Gemini 1.5: Unlocking multimodal understanding</a>'


def _title(body: str, headline: str = "Issue 3: a model that reads ten books at once") -> str:
    doc = Document(source="t", key="k", url="https://mag.example/a/3", title=headline,
                   body=f"<html><body>{body}</body></html>")
    (item,) = extract_items(doc)
    return item.title


@pytest.mark.parametrize(
    "part",
    [
        "<h4>Needle in a haystack</h4><p>It finds a planted sentence in 10M tokens 99% of the time.</p>",
        "<p><strong>Scale</strong> — the context reaches 10 million tokens in research tests.</p>",
        "<p><b>Grammar from one book:</b> it translates a language with under 200 speakers.</p>",
    ],
    ids=["sub-heading", "dash-lead", "colon-lead"],
)
def test_a_lead_that_does_not_name_the_paper_leaves_the_post_its_title(part: str) -> None:
    body = f"<p>The report {_PAPER} leads with context length.</p>{part}"
    assert _title(body) == "Issue 3: a model that reads ten books at once"


@pytest.mark.parametrize(
    "lead",
    ["<p><strong>Gemini 1.5</strong> — the context reaches 10 million tokens.</p>",
     "<p><b>Gemini 1.5 Pro:</b> recall stays above 99% up to 10M tokens.</p>",
     "<h4>Gemini 1.5 in numbers</h4><p>Recall stays above 99% up to 10M tokens.</p>"],
    ids=["dash", "colon", "sub-heading"],
)
def test_a_lead_that_names_the_paper_stays_the_title(lead: str) -> None:
    body = f"{lead}<p>The report {_PAPER} leads with context length.</p>"
    assert _title(body).startswith("Gemini 1.5")
