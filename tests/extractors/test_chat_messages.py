"""Issue 11, round 6: chat and channel exports. An element that carries a message's or a post's id
(`data-message-id`: Discord exports; `data-post`: Telegram's web preview) is a message, and each message is a
story of its own, as an `h-entry` post is: a reply, a quote of another message or a side remark never leaks
into the paper of the message before it. A message's header, its sender and time stamp ("kenji 03/07/2024
7:18 PM", "ana · Today at 14:02", "7:06 PM"), is a meta line: never a title, never text."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_meta_line
from extractors.records import Document


def _message(attr: str, n: int, header: str, text: str) -> str:
    return (f'<div class="msg" {attr}="{n}"><div class="head">{header}</div>'
            f'<div class="body"><span>{text}</span></div></div>')


_MESSAGES = [
    ("ravi 04/11/2024 9:02 PM", 'FlashAttention <a href="https://arxiv.org/abs/2205.14135">https://arxiv.org/abs/'
     '2205.14135</a> tiles attention to stay in SRAM and runs GPT-2 training 3x faster. Code: <a href="https://'
     'github.com/Dao-AILab/flash-attention">https://github.com/Dao-AILab/flash-attention</a>'),
    ("mei · Today at 21:05", "@ravi tiles attention... we got 40% on our own cluster, took 6 hours to set up"),
    ("9:09 PM", "side note: the reading room has 25 seats this week"),
    ("olu 04/11/2024 9:14 PM", 'Ring Attention <a href="https://arxiv.org/abs/2310.01889">https://arxiv.org/abs/'
     '2310.01889</a> spreads blocks over devices for contexts of 100 million tokens.'),
]


@pytest.mark.parametrize("attr", ["data-message-id", "data-post"])
@pytest.mark.parametrize("wrapper", ["<div class='log'>{}</div>", "<main>{}</main>", "<section>{}</section>"])
def test_each_message_is_a_story(attr: str, wrapper: str) -> None:
    body = "".join(_message(attr, n, h, t) for n, (h, t) in enumerate(_MESSAGES, 1))
    page = f"<html><body>{wrapper.format(body)}</body></html>"
    doc = Document(source="t", key="k", url="https://chat.example/c/1", title="#papers", body=page)
    got = [(i.papers[0].arxiv_id, i.title, [m.value for m in i.metrics]) for i in extract_items(doc)]
    assert [pid for pid, _, _ in got] == ["2205.14135", "2310.01889"]
    assert got[0][2] == [3.0]  # not the reply's 40% or 6 hours, nor the room's seats
    assert got[0][1].startswith("FlashAttention") and got[1][1].startswith("Ring Attention")


@pytest.mark.parametrize("line", ["kenji 03/07/2024 7:18 PM", "priya_k MOD 03/07/2024 7:02 PM", "7:06 PM",
                                  "ana · Today at 14:02", "bob 10:42", "lee_s Yesterday at 9:30 AM"])
def test_a_sender_and_time_stamp_is_a_meta_line(line: str) -> None:
    assert is_meta_line(line)


@pytest.mark.parametrize("line", ["The talk starts at 14:00", "Aspect ratio 16:9", "Results: 7:3 for the new model",
                                  "Genesis 1:3"])
def test_a_sentence_with_a_time_is_no_meta_line(line: str) -> None:
    assert not is_meta_line(line)
