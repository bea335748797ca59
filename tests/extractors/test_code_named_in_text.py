"""Issue 11, round 5: code named without a link to it, and repositories that are not the paper's code. A
repository written as its owner/name slug beside the word GitHub is a link to it; a paragraph or list item
titled by a repository's own link (a list of trending repositories) is an entry about that repository, not
the code of the paper above it."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import text_urls
from extractors.records import Document


def _items(body: str) -> list[tuple[list[str], list[str]]]:
    doc = Document(source="t", key="k", url=None, title="Letter", body=f"<html><body>{body}</body></html>")
    return [([p.arxiv_id for p in it.papers], [c.url for c in it.code]) for it in extract_items(doc) if it.papers]


@pytest.mark.parametrize(
    ("text", "repo"),
    [
        ("Code: yizhongw/self-instruct on GitHub.", "yizhongw/self-instruct"),
        ("The harness is on GitHub: tatsu-lab/alpaca_eval, with 805 prompts.", "tatsu-lab/alpaca_eval"),
        ("They released the GitHub repo openai/evals alongside the paper.", "openai/evals"),
        ("Weights and code live at GitHub - huggingface/alignment-handbook.", "huggingface/alignment-handbook"),
    ],
)
def test_a_slug_beside_the_word_github_is_the_repository(text: str, repo: str) -> None:
    assert [href for _, _, href in text_urls(text)] == [f"https://github.com/{repo}"]


@pytest.mark.parametrize(
    "text",
    [
        "Input/output pairs are hosted on GitHub Pages.",
        "It handles and/or queries; see GitHub for more.",
        "GitHub stars grew by 1.2k/day after launch.",
        "Code: github.com/yizhongw/self-instruct (also on GitHub as a mirror)",
    ],
)
def test_other_slashes_near_github_are_no_repository(text: str) -> None:
    assert [href for _, _, href in text_urls(text)] in ([], ["https://github.com/yizhongw/self-instruct"])


def test_a_paper_story_takes_its_code_from_a_slug() -> None:
    body = ("<h2>Self-Instruct: instructions from the model itself</h2><p>52k instructions, a 33% gain. "
            "<a href='https://arxiv.org/abs/2212.10560'>Paper</a> · Code: yizhongw/self-instruct on GitHub</p>")
    assert _items(body) == [(["2212.10560"], ["https://github.com/yizhongw/self-instruct"])]


@pytest.mark.parametrize(
    "entries",
    [
        "<p><a href='https://github.com/google-gemini/gemini-cli'><strong>gemini-cli</strong></a> ☆ 38k stars<br>"
        "A terminal agent, 1,000 free requests a day.</p><p><a href='https://github.com/unslothai/unsloth'><b>unsloth"
        "</b></a><br>Fine-tune 2x faster with 70% less memory.</p>",
        "<ul><li><a href='https://github.com/huggingface/lerobot'><strong>lerobot</strong></a> — robot learning "
        "in PyTorch, with a $100 arm.</li><li><a href='https://github.com/unslothai/unsloth'><strong>unsloth</strong>"
        "</a> — 2x faster fine-tuning.</li></ul>",
        "<p><strong><a href='https://github.com/ggml-org/llama.cpp'>llama.cpp</a></strong>: now runs 4-bit models "
        "on phones at 20 tokens/s.</p>",
    ],
)
def test_entries_titled_by_a_repository_are_not_the_papers_code(entries: str) -> None:
    body = ("<h3>A mixture of experts, openly trained</h3><p>It activates 14B of its 142B parameters. "
            "<a href='https://arxiv.org/abs/2506.05767'>Read paper</a> <a href='https://github.com/rednote-hilab/"
            f"dots.llm1'>GitHub</a></p><p>TOP REPOS</p>{entries}")
    assert _items(body) == [(["2506.05767"], ["https://github.com/rednote-hilab/dots.llm1"])]


def test_a_repository_entry_named_by_the_story_title_stays_its_code() -> None:
    body = ("<h3>OLMoE: open mixture of experts</h3><p>1B active of 7B. <a href='https://arxiv.org/abs/2409.02060'>"
            "Paper</a></p><p><a href='https://github.com/allenai/OLMoE'><strong>OLMoE</strong></a><br>Training code "
            "and checkpoints.</p>")
    assert _items(body) == [(["2409.02060"], ["https://github.com/allenai/OLMoE"])]


@pytest.mark.parametrize(
    "sentence",
    [
        "No code from the authors; <a href='https://github.com/lucidrains/RETRO-pytorch'>lucidrains/RETRO-pytorch</a>"
        " is the reimplementation most people use.",
        "<a href='https://github.com/lucidrains/RETRO-pytorch'>This repository</a> is an unofficial PyTorch version.",
        "Try <a href='https://github.com/lucidrains/RETRO-pytorch'>RETRO-pytorch</a>, a community port to PyTorch.",
    ],
)
def test_a_repository_called_unofficial_after_its_link_is_not_code(sentence: str) -> None:
    body = ("<h3>RETRO: retrieval at pretraining scale</h3><p>25x fewer parameters than GPT-3. "
            f"<a href='https://arxiv.org/abs/2112.04426'>Paper</a>.</p><p>{sentence}</p>")
    assert _items(body) == [(["2112.04426"], [])]


def test_an_unofficial_port_named_in_the_next_clause_leaves_the_official_code() -> None:
    body = ("<h3>RETRO: retrieval at pretraining scale</h3><p>25x fewer parameters. <a href='https://arxiv.org/abs/"
            "2112.04426'>Paper</a>. Code: <a href='https://github.com/google-deepmind/retro'>google-deepmind/retro</a>"
            ", and an unofficial port at <a href='https://github.com/lucidrains/RETRO-pytorch'>RETRO-pytorch</a>.</p>")
    assert _items(body) == [(["2112.04426"], ["https://github.com/google-deepmind/retro"])]
