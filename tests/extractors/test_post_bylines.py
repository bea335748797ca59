"""Issue 11, round 9: digests and pages of forum posts whose posts are told apart only by their bylines: a subject
line, then "by" the author and when the post went up ("by Lena Ortiz - Monday, 4 March 2024, 10:20 AM"). Where two
or more such bylines stand alone, each starts a post, a story of its own, titled by the subject line right above
it; the byline is never text. One post's code and numbers never go to the paper of the post before it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_post_byline
from extractors.records import Document

_LORA = ("2106.09685", "https://github.com/microsoft/LoRA")
_RING = ("2310.01889", "https://github.com/lhao499/ringattention")

# (the markup of one post: subject, byline, text; the three bylines of a digest)
_DIGESTS = [
    ('<table class="post"><tr><td><div class="subject">{s}</div><div class="author">{b}</div></td></tr>'
     '<tr><td><p>{t}</p><div><a href="https://forum.example.edu/reply?p=1">Reply</a></div></td></tr></table>',
     ("by <a href='https://forum.example.edu/u/1'>Lena Ortiz</a> - Monday, 4 March 2024, 10:20 AM",
      "by <a href='https://forum.example.edu/u/2'>Tomasz Wr\u00f3bel</a> - Monday, 4 March 2024, 1:05 PM",
      "by <a href='https://forum.example.edu/u/3'>Dr. Amal Haddad</a> - Tuesday, 5 March 2024, 8:40 AM")),
    ('<div class="topic"><div class="title">{s}</div><p class="postinfo">{b}</p><div class="body">{t}</div></div>',
     ("by Kwame » Wed Mar 06, 2024 9:12 am", "by Sofia » Wed Mar 06, 2024 11:30 am",
      "by Kwame » Thu Mar 07, 2024 7:02 pm")),
    ('<p>{s}</p><p>{b}</p><p>{t}</p><p>Permalink · 3 replies</p>',
     ("Posted by Ines Duarte on 8 Mar 2024 at 14:10", "Posted by Jun Park on 8 Mar 2024 at 16:45",
      "Posted by Ines Duarte on 9 Mar 2024 at 09:03")),
]
_POSTS = [
    ("Low-rank adapters for the next session",
     f'I would like us to read <a href="https://arxiv.org/abs/{_LORA[0]}">LoRA</a>: it trains 10,000x fewer '
     f'parameters than full finetuning. Code: <a href="{_LORA[1]}">microsoft/LoRA</a>.'),
    ("Long contexts instead?",
     f'Or <a href="https://arxiv.org/abs/{_RING[0]}">Ring Attention</a>, which spreads a context of 100 million '
     f'tokens over many devices. Repository: <a href="{_RING[1]}">lhao499/ringattention</a>.'),
    ("Room change", "We move to room C2 with 40 seats; the session runs 90 minutes."),
]


@pytest.mark.parametrize(("post", "bylines"), _DIGESTS)
def test_each_byline_starts_a_post_titled_by_its_subject(post: str, bylines: tuple[str, str, str]) -> None:
    body = "".join(post.format(s=s, b=b, t=t) for (s, t), b in zip(_POSTS, bylines, strict=True))
    doc = Document(source="t", key="k", url=None, title="Forum digest", body=f"<html><body>{body}</body></html>")
    assert [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc) if i.papers] == [
        (_LORA[0], "Low-rank adapters for the next session", [_LORA[1]], [10000.0]),
        (_RING[0], "Long contexts instead?", [_RING[1]], [100e6]),
    ]


@pytest.mark.parametrize("text", [
    "by the way - 9:14",  # no name: a phrase
    "by Jane Doe, who wrote the kernel in 2023",
    "Reviewed by Ann Lee on 5 Mar 2024 at 10:02",
])
def test_lines_that_are_not_a_posts_byline(text: str) -> None:
    assert not is_post_byline(text)
