"""Issue 11, round 9: a question's answers and a thread's comments marked by schema.org microdata
(`itemprop="acceptedAnswer"`, `"suggestedAnswer"`, `"comment"`: Q&A engines, forum threads) are posts, each a
story of its own, as an `h-entry` is (items rule 9): a heading inside one answer never takes in the next answer,
so the next answer's papers and numbers stay out of the story that heading titles."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_A = "2401.00001"
_B = "2402.00002"
_FIRST = (f'<h3>Block-sparse kernels</h3><p>The usual citation is <a href="https://arxiv.org/abs/{_A}">this '
          "paper</a>: its kernels skip empty tiles and run 3.5x faster than dense ones.</p>")
_SECOND = (f'<p>I would rather point to <a href="https://arxiv.org/abs/{_B}">a later one</a>, whose draft heads '
           "decode 2.7x faster.</p><p>On our own cluster the switch cut serving cost by 40%.</p>")

_PAGES = [
    ('<div itemprop="acceptedAnswer" itemscope itemtype="https://schema.org/Answer"><div class="body">{a}</div>'
     '</div><div itemprop="suggestedAnswer" itemscope itemtype="https://schema.org/Answer"><div class="body">{b}'
     "</div></div>"),
    ('<article itemprop="comment" itemscope><div class="cooked">{a}</div></article>'
     '<article itemprop="comment" itemscope><div class="cooked">{b}</div></article>'),
    ('<section><div itemprop="suggestedAnswer"><div>{a}</div><div class="votes">12</div></div>'
     '<div itemprop="suggestedAnswer"><div>{b}</div><div class="votes">4</div></div></section>'),
]


@pytest.mark.parametrize("page", _PAGES)
def test_each_marked_answer_or_comment_is_a_story_of_its_own(page: str) -> None:
    body = page.format(a=_FIRST, b=_SECOND)
    doc = Document(source="t", key="k", url=None, title="Which paper first did this?",
                   body=f"<html><body><h1>Which paper first did this?</h1>{body}</body></html>")
    found = {i.papers[0].arxiv_id: (i.title, sorted(m.value for m in i.metrics)) for i in extract_items(doc)}
    assert found[_A] == ("Block-sparse kernels", [3.5])
    assert found[_B][0] != "Block-sparse kernels" and 40.0 not in found[_A][1]
