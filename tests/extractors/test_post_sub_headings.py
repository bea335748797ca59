"""Issue 11, round 9: a post's one story whose paper is linked by a word that names nothing ("the paper",
"arXiv", "논문") and whose sub-headings label its parts ("Data it learned from", "On my laptop") is titled by
the post (items rule 8), as where the link's text names the paper: a sub-heading inside the story that does not
name the paper is no title. One that names it ("Running LLaVA on a laptop") stays the story's title."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_HEADLINE = "What I learned running an open vision chat model"


def _title(body: str) -> str:
    doc = Document(source="t", key="k", url="https://blog.example/p/9", title=_HEADLINE,
                   body=f"<html><body>{body}</body></html>")
    (item,) = extract_items(doc)
    return item.title


_POSTS = [
    ('<p>Over the holidays I read <a href="https://arxiv.org/abs/2304.08485">the paper</a> and then tried it.</p>'
     "<h2>Data it learned from</h2><p>GPT-4 wrote 158K multimodal instruction samples for it.</p>"
     "<h2>On my laptop</h2><p>Answers arrive in under two seconds with the smaller checkpoint.</p>"),
    ('<p>In one line: a projection joins a CLIP encoder to a chat model '
     '(<a href="https://arxiv.org/abs/2304.08485">arXiv</a>).</p>'
     "<h3>What I did not expect</h3><p>Its ScienceQA accuracy reaches 92.53% together with GPT-4.</p>"),
    ('<p>지난주에 <a href="https://arxiv.org/abs/2304.08485">논문</a>을 읽고 데모까지 띄워 봤습니다.</p>'
     "<h2>데이터 구성</h2><p>GPT-4로 만든 멀티모달 지시 데이터 15만 8천 개를 씁니다.</p>"
     "<h2>써 본 느낌</h2><p>작은 체크포인트로도 답이 금방 나옵니다.</p>"),
]


@pytest.mark.parametrize("body", _POSTS)
def test_sub_headings_that_do_not_name_the_paper_leave_the_post_its_title(body: str) -> None:
    assert _title(body) == _HEADLINE


def test_a_sub_heading_that_names_the_paper_stays_the_title() -> None:
    body = ('<p>Over the holidays I read <a href="https://arxiv.org/abs/2304.08485">the paper</a>; the code is at '
            '<a href="https://github.com/haotian-liu/LLaVA">github.com/haotian-liu/LLaVA</a>.</p>'
            "<h2>Running LLaVA on a laptop</h2><p>Answers arrive in under two seconds.</p>")
    assert _title(body) == "Running LLaVA on a laptop"
