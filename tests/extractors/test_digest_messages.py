"""Issue 11, round 7: digests of a forum's or a mailing list's messages (a group's topic summary, a list's daily
digest, a reply over the message it answers). Each message opens with its header, its sender with an address and
when it was sent ("Ann Lee <ann@lab.example>: Mar 04 09:12AM -0800"); that header starts a post of its own, as a
thread's numbered post does (extract_items, rule 9): the papers, code and numbers of one message never go to the
paper of the message before it, a message that only links a repository goes on about the paper of the message
above it, and the header itself is never text."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_message_header
from extractors.records import Document

_A = ("2305.14314", "https://github.com/artidoro/qlora", "QLoRA: Efficient Finetuning of Quantized LLMs")
_B = ("2106.09685", "https://github.com/microsoft/LoRA", "LoRA: Low-Rank Adaptation of Large Language Models")


def _items(body: str, kind: str = "html") -> dict[str, tuple[list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Digest: 2 updates in 1 topic", body=body, body_type=kind)
    return {i.papers[0].arxiv_id: ([c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc)}


_FIRST = (f'Next week: <a href="https://arxiv.org/abs/{_A[0]}">{_A[2]}</a>. It finetunes a 65B model on one 48GB '
          f'GPU and keeps 99.3% of ChatGPT\'s score on Vicuna. Code: <a href="{_A[1]}">{_A[1][8:]}</a>.')
_SECOND = (f'Worth reading the older one first: <a href="https://arxiv.org/abs/{_B[0]}">{_B[2]}</a>. It trains '
           f'10,000x fewer parameters than full finetuning. Their code is <a href="{_B[1]}">{_B[1][8:]}</a>.')
_EXPECTED = {_A[0]: ([_A[1]], [48.0, 99.3, 65e9]), _B[0]: ([_B[1]], [10000.0])}

_LAYOUTS = {
    "group-table": ("<table><tr><td><div>{h}</div><div><p>{t}</p><p>See you then.</p></div></td></tr></table>"),
    "list-divs": '<div class="msg"><p class="from">{h}</p><p>{t}</p></div>',
    "plain-paragraphs": "<p>{h}</p><p>{t}</p><p>-- sent from the list</p>",
}
_HEADERS = [
    ("Ann Lee &lt;ann@lab.example&gt;: Mar 04 09:12AM -0800", "Bo Chen &lt;bo@uni.example&gt;: Mar 04 11:47AM -0800"),
    ("From: ann@lab.example · 4 Mar 2024 09:12", "From: bo@uni.example · 4 Mar 2024 11:47"),
    ("이수진 (sj@lab.example) — 2024. 3. 4. 오전 9:12", "Bo Chen (bo@uni.example) — 2024. 3. 4. 오전 11:47"),
]


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("headers", _HEADERS, ids=["group", "list", "ko"])
def test_each_message_of_a_topic_keeps_its_own_paper(layout: str, headers: tuple[str, str]) -> None:
    topic = '<h3><a href="https://groups.example/t/1">Finetuning session: adapters</a></h3>'
    body = topic + "".join(_LAYOUTS[layout].format(h=h, t=t) for h, t in zip(headers, (_FIRST, _SECOND), strict=True))
    assert _items(f"<html><body>{body}</body></html>") == _EXPECTED


def test_a_message_that_only_links_code_goes_on_about_the_paper_above() -> None:
    first = _FIRST.split(" Code:")[0]
    body = (f"<p>{_HEADERS[0][0]}</p><p>{first}</p><p>{_HEADERS[0][1]}</p>"
            f'<p>The repository is <a href="{_A[1]}">here</a> if you want to try it.</p>')
    assert _items(f"<html><body>{body}</body></html>") == {_A[0]: ([_A[1]], [48.0, 99.3, 65e9])}


def test_plain_text_digest_messages_are_posts_too() -> None:
    text = (f"Ann Lee <ann@lab.example> wrote on Mon, Mar 4, 2024 at 9:12 AM:\nNext week: {_A[2]} "
            f"https://arxiv.org/abs/{_A[0]} finetunes a 65B model on one 48GB GPU.\nCode: {_A[1]}\n\n"
            f"Bo Chen <bo@uni.example> wrote on Mon, Mar 4, 2024 at 11:47 AM:\nOlder and shorter: {_B[2]} "
            f"https://arxiv.org/abs/{_B[0]} trains 10,000x fewer parameters.\nCode: {_B[1]}\n")
    assert _items(text, "text") == {_A[0]: ([_A[1]], [48.0, 65e9]), _B[0]: ([_B[1]], [10000.0])}


@pytest.mark.parametrize(
    "line",
    ["Ann Lee <ann@lab.example>: Mar 04 09:12AM -0800", "From: bo@uni.example · 5 Mar 2024 10:02",
     "김민 (kim@lab.example) — 2024. 3. 5. 오후 2:02",
     "Ann Lee <ann@lab.example> wrote on Tue, Mar 5, 2024 at 9:30 AM:",
     "Posted by: R. Gupta <rg@dept.example> Tue Mar 5, 2024 10:15 pm", "Ana <ana@x.example> on 2024-03-05 14:02"],
)
def test_a_sender_with_an_address_and_a_time_is_a_message_header(line: str) -> None:
    assert is_message_header(line)


@pytest.mark.parametrize(
    "line",
    ["Email me at ann@lab.example on Mar 5", "Write to <ann@lab.example> by Mar 5 with 3 questions",
     "Contact ann@lab.example for the 5 datasets", "Ann Lee: Mar 04 09:12AM -0800",
     "Ann Lee <ann@lab.example> says the model is 3x faster"],
)
def test_other_lines_with_an_address_or_a_date_are_not(line: str) -> None:
    assert not is_message_header(line)
