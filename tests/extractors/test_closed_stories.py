"""Issue 11, round 5: a story closed by its paper's line of links. After a story's text and the line of links
that ends it ("📄 arxiv.org/abs/… · 💻 github.com/…"), a lower-ranked heading whose section links no paper (a
lab-notes box, events, housekeeping) is a story of its own, not a sub-heading of the paper above; a sub-heading
inside the story, or under a line of links placed right below the title, stays the story's."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_STORY = ("<h2>Kernels closer to the ceiling</h2><p>Fewer non-matmul operations and better work partitioning give "
          "about 2x over the first version, reaching 50-73% of the theoretical peak in the forward pass.</p>"
          "<p>📄 <a href='https://arxiv.org/abs/2307.08691'>arxiv.org/abs/2307.08691</a> · 💻 "
          "<a href='https://github.com/Dao-AILab/flash-attention'>github.com/Dao-AILab/flash-attention</a></p>")


def _metrics(body: str) -> list[tuple[str, list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Letter", body=f"<html><body>{body}</body></html>")
    return [(it.papers[0].arxiv_id, sorted(m.value for m in it.metrics)) for it in extract_items(doc) if it.papers]


@pytest.mark.parametrize(
    "after",
    [
        "<h3>Lab notes</h3><ul><li>512 H100s across 64 nodes came online.</li><li>140 of the 200 seats are gone."
        "</li></ul>",
        "<h4>Events this month</h4><p>Our meetup hosts 120 people on 14 May; tickets are 25 pounds.</p>",
        "<h3>Housekeeping</h3><p>We crossed 4,870 readers and moved to 2 issues a week.</p>",
    ],
)
def test_a_paperless_section_after_a_closed_story_is_not_its_part(after: str) -> None:
    assert _metrics(_STORY + after) == [("2307.08691", [2.0, 50.0, 73.0])]


def test_a_sub_heading_before_the_line_of_links_stays_in_the_story() -> None:
    body = ("<h2>Kernels closer to the ceiling</h2><p>Fewer non-matmul operations and better work partitioning "
            "change how the attention kernel spends its time on the GPU.</p><h3>Numbers</h3><p>About 2x over the "
            "first version.</p><p>📄 <a href='https://arxiv.org/abs/2307.08691'>arxiv.org/abs/2307.08691</a></p>")
    assert _metrics(body) == [("2307.08691", [2.0])]


def test_sections_under_a_line_of_links_right_below_the_title_stay_in_the_story() -> None:
    body = ("<h2>Kernels closer to the ceiling</h2><p>📄 <a href='https://arxiv.org/abs/2307.08691'>arxiv.org/abs/"
            "2307.08691</a> · 💻 <a href='https://github.com/Dao-AILab/flash-attention'>code</a></p>"
            "<h3>What changed</h3><p>Work partitioning gives about 2x over the first version.</p>")
    assert _metrics(body) == [("2307.08691", [2.0])]
