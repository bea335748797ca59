"""Issue 11, round 6: a label saying why the newsletter picked a story ("Why we care", "Why it's here", "Why I
picked it", "Why you should care"; a pronoun, then at most three words) is a section label, as "Why it matters"
is: a sub-heading inside the current story, whatever its markup, never a story of its own. A heading that opens
with "Why" and names a topic ("Why attention sinks form") is no label."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import LABEL
from extractors.records import Document

_LABELS = ["Why we care", "Why it's here", "Why I picked it", "Why you should care", "Why they matter"]


@pytest.mark.parametrize("text", [*_LABELS, "Why we care:", "WHY IT’S HERE"])
def test_why_labels_are_section_labels(text: str) -> None:
    assert LABEL.match(text)


@pytest.mark.parametrize("text", ["Why attention sinks form", "Why Transformers fail at arithmetic",
                                  "Why this paper changes how we think about scaling laws"])
def test_why_titles_are_not_labels(text: str) -> None:
    assert not LABEL.match(text)


@pytest.mark.parametrize("label", _LABELS)
@pytest.mark.parametrize("markup", ["<h3>{}</h3>", "<p><strong>{}</strong></p>", "<h4>{}:</h4>"])
def test_a_why_label_is_a_sub_heading_of_its_story(label: str, markup: str) -> None:
    page = ('<html><body><h2>Streaming attention</h2><p><a href="https://arxiv.org/abs/2309.17453">StreamingLLM</a>'
            " keeps four sink tokens and a window, and runs on 4M tokens.</p>"
            f"{markup.format(label)}<p>Earlier long-context work (<a href=\"https://arxiv.org/abs/2309.00071\">YaRN"
            '</a>) needs finetuning; this does not. Code: <a href="https://github.com/mit-han-lab/streaming-llm">'
            "mit-han-lab/streaming-llm</a>.</p></body></html>")
    doc = Document(source="t", key="k", url="https://n.example/1", title="Notes", body=page)
    items = extract_items(doc)
    assert [(i.papers[0].arxiv_id, [c.url for c in i.code]) for i in items] == [
        ("2309.17453", ["https://github.com/mit-han-lab/streaming-llm"])]
