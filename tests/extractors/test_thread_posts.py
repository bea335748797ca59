"""Issue 11, round 6: the posts of a thread. A post may carry its number at its end ("... 2/7", "(3/8)") as
well as at its start; either way each numbered post is a story. A post that links a repository and no paper
goes on about the paper of the post before it (a thread posts the paper, then its code and results); a post
that links nothing of a paper's stays a story of its own, and a heading after a post is the page's."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document

_TARGETS = [
    ("2106.09685", "https://github.com/microsoft/LoRA"),
    ("2305.14314", "https://github.com/artidoro/qlora"),
    ("2402.09353", "https://github.com/NVlabs/DoRA"),
]


def _page(posts: list[str]) -> str:
    return ("<html><body><div class='thread'>" + "".join(f"<div class='tweet'>{p}</div>" for p in posts)
            + "</div><h3>More threads by this author</h3><p>My 2023 list in 30 posts</p></body></html>")


def _items(page: str) -> list[tuple[str, str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url="https://threads.example/t/9", title="A thread", body=page)
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], [m.value for m in i.metrics])
            for i in extract_items(doc)]


def _paper(n: int) -> str:
    pid = _TARGETS[n][0]
    return f'<a href="https://arxiv.org/abs/{pid}">arxiv.org/abs/{pid}</a>'


def _code(n: int) -> str:
    url = _TARGETS[n][1]
    return f'<a href="{url}">{url.removeprefix("https://")}</a>'


# Numbers at the end, in three spellings; each thread has three papers.
_CLOSING = {
    "n/total": ["Three adapter papers worth your afternoon 1/8",
                f"LoRA freezes the weights and learns a low-rank update.<br>{_paper(0)} 2/8",
                f"It trains 10,000 times fewer parameters than full finetuning. Repo: {_code(0)} 3/8",
                f"QLoRA quantises the frozen model to 4 bits first.<br>{_paper(1)} 4/8",
                f"DoRA splits each weight into magnitude and direction.<br>{_paper(2)} · {_code(2)} 5/8"],
    "(n/total)": ["Adapters, a short thread (1/6)",
                  f"Low-rank updates on frozen weights: LoRA.<br>{_paper(0)} (2/6)",
                  f"Ten thousand times fewer trainable weights, 3x less memory. {_code(0)} (3/6)",
                  f"Then the 4-bit version, QLoRA.<br>{_paper(1)} (4/6)",
                  f"And DoRA, magnitude apart from direction.<br>{_paper(2)} {_code(2)} (5/6)"],
    "n / total": ["Reading list on cheap finetuning 1 / 5",
                  f"First LoRA: learn only a low-rank delta.<br>{_paper(0)} 2 / 5",
                  f"The code, which most later work forks: {_code(0)} 3 / 5",
                  f"Second QLoRA, which finetunes a 65B model on one GPU.<br>{_paper(1)} 4 / 5",
                  f"Third DoRA, weight decomposition.<br>{_paper(2)} | {_code(2)} 5 / 5"],
}


@pytest.mark.parametrize("spelling", sorted(_CLOSING))
def test_posts_numbered_at_their_end_are_stories(spelling: str) -> None:
    got = _items(_page(_CLOSING[spelling]))
    assert [(pid, code) for pid, _, code, _ in got] == [
        ("2106.09685", ["https://github.com/microsoft/LoRA"]),  # the next post's repository is LoRA's
        ("2305.14314", []),
        ("2402.09353", ["https://github.com/NVlabs/DoRA"]),
    ]
    assert "LoRA" in got[0][1] and "QLoRA" in got[1][1] and "DoRA" in got[2][1]


@pytest.mark.parametrize(
    "aside",
    [
        "A hot take: the optimiser matters less than the data, we lost 3 weeks learning that.",
        "I'm speaking about this at a meetup on May 4, 120 seats, link in bio.",
        "If this helped, my newsletter reaches 4,000 readers every Sunday.",
    ],
)
@pytest.mark.parametrize("where", ["start", "end"])
def test_a_post_that_links_no_papers_work_is_no_part_of_the_one_before(aside: str, where: str) -> None:
    posts = [f"LoRA learns a low-rank update.<br>{_paper(0)} · {_code(0)}", aside,
             f"QLoRA does it in 4 bits.<br>{_paper(1)}"]
    numbered = ([f"{n}/ {p}" for n, p in enumerate(posts, 1)] if where == "start"
                else [f"{p} {n}/3" for n, p in enumerate(posts, 1)])
    got = _items(_page(numbered))
    assert [pid for pid, *_ in got] == ["2106.09685", "2305.14314"]
    assert not {3.0, 120.0, 4000.0} & {v for *_, values in got for v in values}


@pytest.mark.parametrize("closing", ["the last 10 of 12 runs", "about 3/4 of the cost", "saves 2/3"])
def test_one_fraction_at_a_paragraphs_end_is_no_thread(closing: str) -> None:
    page = (f"<html><body><p>LoRA trains few weights. {_paper(0)}</p><p>It matched full finetuning in {closing}"
            f"</p><p>Its repository: {_code(0)}</p></body></html>")
    assert [(pid, code) for pid, _, code, _ in _items(page)] == [("2106.09685", ["https://github.com/microsoft/LoRA"])]
