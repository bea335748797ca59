"""Issue 11, round 7: digests of chat messages (a channel's activity email, a pasted chat log, in HTML or plain
text). Each message stands under its own header, its sender and time stamp and nothing else ("Maya Chen
8:14 AM", "tomas · 17:40"): where two or more such headers stand alone, each starts a message, and each message
is a story of its own. Its code links and numbers are its own paper's (never every paper's of the digest), a
message that names no paper gives its numbers to none, and a button or a footer after the last message never
titles it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

# (sender, time stamp, message): three differently worded digests' messages
_DIGESTS = [
    [
        ("Maya Chen", "8:14 AM", 'Worth a look before Friday: <a href="https://arxiv.org/abs/2205.14135">'
         'FlashAttention: Fast and Memory-Efficient Exact Attention</a>. Training GPT-2 runs 3x faster on A100s. Code: '
         '<a href="https://github.com/Dao-AILab/flash-attention">https://github.com/Dao-AILab/flash-attention</a>'),
        ("Ola Berg", "8:40 AM", "Booked room B for the session, it seats 25 people and we have 19 sign-ups."),
        ("Maya Chen", "9:05 AM", 'Second pick: <a href="https://arxiv.org/abs/2310.01889">Ring Attention with '
         'Blockwise Transformers</a> handles contexts of 100 million tokens. Repo at '
         '<a href="https://github.com/lhao499/ringattention">https://github.com/lhao499/ringattention</a>'),
    ],
    [
        ("tomas", "· 17:40", 'dropping this here <a href="https://arxiv.org/abs/2106.09685">LoRA: Low-Rank Adaptation '
         'of Large Language Models</a> - cuts trainable parameters by 10000x, impl is '
         '<a href="https://github.com/microsoft/LoRA">https://github.com/microsoft/LoRA</a>'),
        ("priya_k", "· 17:52", 'and the quantised follow-up <a href="https://arxiv.org/abs/2305.14314">QLoRA: '
         'Efficient Finetuning of Quantized LLMs</a> fine-tunes a 65B model on one 48 GB GPU, see '
         '<a href="https://github.com/artidoro/qlora">https://github.com/artidoro/qlora</a>'),
        ("tomas", "· 18:03", "lol our cluster took 6 hours to queue my job today"),
    ],
    [
        ("Dr. Ade", "2:10 PM", "Nobody has claimed the 12 slots for next month yet."),
        ("Ines Duarte", "2:31 PM", 'For the vision crowd: <a href="https://arxiv.org/abs/2304.07193">DINOv2: Learning '
         'Robust Visual Features without Supervision</a> trains a 1 billion parameter ViT. Weights and code: '
         '<a href="https://github.com/facebookresearch/dinov2">https://github.com/facebookresearch/dinov2</a>'),
        ("Ines Duarte", "2:33 PM", 'Plus <a href="https://arxiv.org/abs/2304.02643">Segment Anything</a>, whose SA-1B '
         'set has 11 million images: <a href="https://github.com/facebookresearch/segment-anything">'
         'https://github.com/facebookresearch/segment-anything</a>'),
    ],
]

# what each digest's papers must carry, in order: (arXiv id, code, values, title start)
_EXPECTED = [
    [("2205.14135", ["https://github.com/Dao-AILab/flash-attention"], [3.0], "FlashAttention"),
     ("2310.01889", ["https://github.com/lhao499/ringattention"], [100e6], "Ring Attention")],
    [("2106.09685", ["https://github.com/microsoft/LoRA"], [10000.0], "LoRA"),
     ("2305.14314", ["https://github.com/artidoro/qlora"], [65e9, 48.0], "QLoRA")],
    [("2304.07193", ["https://github.com/facebookresearch/dinov2"], [1e9], "DINOv2"),
     ("2304.02643", ["https://github.com/facebookresearch/segment-anything"], [11e6], "Segment Anything")],
]


def _html_digest(messages: list[tuple[str, str, str]]) -> str:
    rows = "".join(f'<tr><td><p style="margin:0"><b>{sender}</b> <span style="color:#616061">{stamp}</span></p>'
                   f'<p style="margin:4px 0">{text}</p><p style="font-size:12px">:eyes: 2</p></td></tr>'
                   for sender, stamp, text in messages)
    return (f'<html><body><table><tr><td><h1>You have {len(messages)} new messages in #reading</h1></td></tr>'
            f'<table>{rows}</table><tr><td><a href="https://team.example/archives/C1"><b>Open the channel</b>'
            f'</a></td></tr></table></body></html>')


def _got(doc: Document) -> list[tuple[str, list[str], list[float], str]]:
    return [(i.papers[0].arxiv_id, [c.url for c in i.code], [m.value for m in i.metrics], i.title)
            for i in extract_items(doc)]


def _check(got: list[tuple[str, list[str], list[float], str]], expected: list) -> None:
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    assert all(g[3].startswith(e[3]) for g, e in zip(got, expected, strict=True)), got


@pytest.mark.parametrize("n", range(len(_DIGESTS)))
def test_each_message_of_an_html_digest_is_a_story(n: int) -> None:
    doc = Document(source="t", key="k", url=None, title="[Chat] New messages in #reading", body=_html_digest(
        _DIGESTS[n]))
    _check(_got(doc), _EXPECTED[n])


def _plain(text: str) -> str:
    """The message as a plain-text part writes it: links as their addresses."""
    return (text.replace('<a href="', "").replace('">', " ").replace("</a>", "")
            .replace("https://github.com", " https://github.com").replace("  ", " "))


@pytest.mark.parametrize("n", range(len(_DIGESTS)))
def test_each_message_of_a_plain_text_digest_is_a_story(n: int) -> None:
    lines = [f"You have {len(_DIGESTS[n])} new messages in #reading", ""]
    for sender, stamp, text in _DIGESTS[n]:
        lines += [f"{sender}  {stamp}", _plain(text), ""]
    lines += ["Open the channel: https://team.example/archives/C1"]
    doc = Document(source="t", key="k", url=None, title="New messages", body="\n".join(lines), body_type="text")
    got = _got(doc)
    assert [g[:3] for g in got] == [e[:3] for e in _EXPECTED[n]]


def test_one_stamp_line_is_no_digest() -> None:
    """A single "sender time" line (a post's byline) does not cut the post in two."""
    body = ("<html><body><h1>Attention, tiled</h1><p>Maya Chen 8:14 AM</p>"
            '<p><a href="https://arxiv.org/abs/2205.14135">FlashAttention</a> runs GPT-2 training 3x faster.</p>'
            '<p>Code: <a href="https://github.com/Dao-AILab/flash-attention">repo</a>, and it needs 10x less'
            " memory.</p></body></html>")
    doc = Document(source="t", key="k", url=None, title="Attention, tiled", body=body)
    assert _got(doc) == [("2205.14135", ["https://github.com/Dao-AILab/flash-attention"], [3.0, 10.0],
                          "Attention, tiled")]


# A reply in a thread that names no paper speaks of its thread's paper: the thread of the last message before
# it that is not a reply. The same words in a message that is not marked as a reply, or in a reply whose
# thread names no paper, belong to no paper.
_THREAD = ("Lena Fox", "10:02 AM", 'Reading <a href="https://arxiv.org/abs/2401.04088">Mixtral of Experts</a> '
           "tonight: 8 experts per layer, 2 active per token.")
_ASIDE = ("Omar", "10:20 AM", "Unrelated: the coffee machine on floor 3 is fixed after 14 days.")
_REPLIES = [
    ("Sam Ito replied to a thread", "10:31 AM", 'weights and inference code: <a href="https://github.com/'
     'mistralai/mistral-src">https://github.com/mistralai/mistral-src</a>'),
    ("↳ sam_i ·", "10:31", 'the repo is <a href="https://github.com/mistralai/mistral-src">mistralai/mistral-src'
     "</a> if you want to run it"),
    ("sam (in thread)", "10:31", 'code lives at <a href="https://github.com/mistralai/mistral-src">'
     "github.com/mistralai/mistral-src</a>, Apache-2.0"),
]
_MISTRAL = "https://github.com/mistralai/mistral-src"


def _codes(messages: list[tuple[str, str, str]]) -> list[tuple[str, list[str]]]:
    doc = Document(source="t", key="k", url=None, title="[Chat] #reading", body=_html_digest(messages))
    return [(g[0], g[1]) for g in _got(doc)]


@pytest.mark.parametrize("n", range(len(_REPLIES)))
def test_a_reply_that_names_no_paper_is_about_its_threads_paper(n: int) -> None:
    assert _codes([_ASIDE, _THREAD, _REPLIES[n]]) == [("2401.04088", [_MISTRAL])]


@pytest.mark.parametrize("n", range(len(_REPLIES)))
def test_a_reply_to_a_thread_without_a_paper_is_no_papers(n: int) -> None:
    assert _codes([_THREAD, _ASIDE, _REPLIES[n]]) == [("2401.04088", [])]


@pytest.mark.parametrize("n", range(len(_REPLIES)))
def test_a_message_that_names_no_paper_and_is_no_reply_is_no_papers(n: int) -> None:
    sender = _REPLIES[n][0].replace(" replied to a thread", "").replace("↳ ", "").replace(" (in thread)", "")
    assert _codes([_ASIDE, _THREAD, (sender, _REPLIES[n][1], _REPLIES[n][2])]) == [("2401.04088", [])]


@pytest.mark.parametrize("n", range(len(_REPLIES)))
def test_a_plain_text_reply_is_about_its_threads_paper(n: int) -> None:
    lines = []
    for sender, stamp, text in [_ASIDE, _THREAD, _REPLIES[n]]:
        lines += [f"{sender} {stamp}", _plain(text), ""]
    doc = Document(source="t", key="k", url=None, title="#reading", body="\n".join(lines), body_type="text")
    assert [(g[0], g[1]) for g in _got(doc)] == [("2401.04088", [_MISTRAL])]
