"""Issue 11, round 8: a post written as text with line breaks numbers its stories on a line of their own ("2)
Scaling the reward model<br>The authors ..."). That first line, numbered ("1.", "2)", "(3)", a keycap digit
"1️⃣") and not a sentence, is the story's heading (html_blocks._numbered_heading), so each story has its title
and its text is its own; a numbered first line that is a sentence stays in its paragraph."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_A = ("2106.09685", "https://github.com/microsoft/LoRA")
_B = ("2305.14314", "https://github.com/artidoro/qlora")


def _post(lines: list[str]) -> str:
    return ("<html><body><div class='post-text'>A few notes from this week's reading group.<br><br>"
            + "<br><br>".join(lines) + "</div></body></html>")


def _items(page: str) -> list[tuple[str, str, list[str]]]:
    doc = Document(source="t", key="k", url="https://feed.example/p/7", title="Notes", body=page)
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code]) for i in extract_items(doc)]


def _links(pid: str, repo: str) -> str:
    return f"paper <a href='https://arxiv.org/abs/{pid}'>arxiv.org/abs/{pid}</a><br>code <a href='{repo}'>{repo}</a>"


_POSTS = {
    "number and dot": ([f"1. Low-rank adapters<br>They train a small update on a frozen model.<br>{_links(*_A)}",
                        f"2. Four-bit finetuning<br>They quantize the frozen model first.<br>{_links(*_B)}"],
                       ["1. Low-rank adapters", "2. Four-bit finetuning"]),
    "keycap digits": ([f"1️⃣ 저랭크 어댑터 (LoRA)<br>고정된 모델 위에 작은 갱신만 학습합니다.<br>{_links(*_A)}",
                       f"2️⃣ 4비트 미세조정<br>먼저 모델을 4비트로 양자화합니다.<br>{_links(*_B)}"],
                      ["1️⃣ 저랭크 어댑터 (LoRA)", "2️⃣ 4비트 미세조정"]),
    "number in brackets": ([f"(1) Adapters that stay small<br>Only the update matrices are trained here.<br>"
                            f"{_links(*_A)}",
                            f"(2) Quantize, then adapt<br>The base weights are stored in four bits.<br>{_links(*_B)}"],
                           ["(1) Adapters that stay small", "(2) Quantize, then adapt"]),
}


@pytest.mark.parametrize("shape", sorted(_POSTS))
def test_a_numbered_first_line_is_the_story_heading(shape: str) -> None:
    lines, titles = _POSTS[shape]
    assert _items(_post(lines)) == [(_A[0], titles[0], [_A[1]]), (_B[0], titles[1], [_B[1]])]


@pytest.mark.parametrize("line", [
    "1. We read the adapter paper first, and it holds up.",
    "2) Nobody expected this; the update is tiny",
    "3. It is small. The code is short too",
])
def test_a_numbered_sentence_is_not_a_heading(line: str) -> None:
    items = _items(_post([f"{line}<br>They train a small update on a frozen model.<br>{_links(*_A)}"]))
    assert [(pid, code) for pid, _, code in items] == [(_A[0], [_A[1]])]
    assert items[0][1] != line
