"""Issue 11, round 5: the titles of stories that have no heading. A post that opens with its paper's name and
a colon is titled by that name; a paper's link text followed by its short name in brackets keeps the short
name; a post's one story titled only by its paper's link text puts the post's own headline first."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.records import Document


def _titles(body: str, title: str = "Posts") -> list[tuple[str, str]]:
    doc = Document(source="t", key="k", url=None, title=title, body=f"<html><body>{body}</body></html>")
    return [(it.papers[0].arxiv_id, it.title) for it in extract_items(doc) if it.papers]


_CARD = ('<a class="status-card" href="https://arxiv.org/abs/2212.10496"><strong class="status-card__title">'
         'Precise Zero-Shot Dense Retrieval without Relevance Labels</strong></a>')


@pytest.mark.parametrize(
    ("opening", "name"),
    [
        ("3/ HyDE: write a fake answer, embed it, retrieve near it.", "HyDE"),
        ("Dr. GRPO: drop the length normalisation and the bias goes.", "Dr. GRPO"),
        ("(2/5) ColBERTv2: late interaction with residual compression.", "ColBERTv2"),
    ],
)
def test_a_post_opening_with_its_papers_name_is_titled_by_it(opening: str, name: str) -> None:
    assert _titles(f'<div class="post"><p>{opening} It beats the baseline by 4 points.</p>{_CARD}</div>') == [
        ("2212.10496", name)]


def test_a_post_opening_with_a_plain_word_and_a_colon_keeps_the_cards_title() -> None:
    got = _titles(f"<div><p>Today: a fake answer, embedded, retrieves real ones.</p>{_CARD}</div>")
    assert got == [("2212.10496", "Precise Zero-Shot Dense Retrieval without Relevance Labels")]


@pytest.mark.parametrize(
    ("after", "short"),
    [
        (" (Dr. GRPO) argues that the loss is biased", "Dr. GRPO"),
        (" (HyDE) writes a hypothetical document first", "HyDE"),
        (" (SBERT) fine-tunes siamese networks", "SBERT"),
    ],
)
def test_a_short_name_in_brackets_after_the_papers_link_joins_its_title(after: str, short: str) -> None:
    body = (f"<p>Two posts this week.</p><p><a href='https://arxiv.org/abs/2503.20783'>Understanding Zero-Like "
            f"Training</a>{after}; it reaches 43.3% in 27 hours.</p>")
    assert _titles(body, "") == [("2503.20783", f"Understanding Zero-Like Training ({short})")]


def test_words_in_brackets_are_no_short_name() -> None:
    body = ("<p>Two posts.</p><p><a href='https://arxiv.org/abs/2503.20783'>Understanding Zero-Like Training</a> "
            "(see the appendix) reaches 43.3%.</p>")
    assert _titles(body, "") == [("2503.20783", "Understanding Zero-Like Training")]


@pytest.mark.parametrize(
    ("headline", "label"),
    [
        ("GN⁺: Whisper, 68만 시간의 음성으로 학습한 인식 모델", "원문:"),
        ("Whisper — speech recognition from weak labels", "Source:"),
        ("[R] Whisper: robust speech recognition at scale", "Paper:"),
    ],
)
def test_a_posts_one_story_titled_by_its_link_puts_the_headline_first(headline: str, label: str) -> None:
    body = (f"<p>{label} <a href='https://arxiv.org/abs/2212.04356'>Robust Speech Recognition via Large-Scale Weak "
            "Supervision</a></p><ul><li>680,000 hours of audio</li><li>96 other languages</li><li>Code: "
            "<a href='https://github.com/openai/whisper'>https://github.com/openai/whisper</a></li></ul>")
    assert _titles(body, headline) == [
        ("2212.04356", f"{headline} — Robust Speech Recognition via Large-Scale Weak Supervision")]


def test_a_headline_that_does_not_name_the_paper_stays_out_of_its_title() -> None:
    body = ("<p>Paper: <a href='https://arxiv.org/abs/2212.04356'>Robust Speech Recognition via Large-Scale Weak "
            "Supervision</a></p><ul><li>680,000 hours of audio</li><li>Code: <a href='https://github.com/openai/"
            "whisper'>https://github.com/openai/whisper</a></li></ul>")
    assert _titles(body, "Weekly links #12") == [
        ("2212.04356", "Robust Speech Recognition via Large-Scale Weak Supervision")]


def test_a_headline_that_is_the_link_text_is_not_repeated() -> None:
    body = ("<p>Paper: <a href='https://arxiv.org/abs/2212.04356'>Robust Speech Recognition via Large-Scale Weak "
            "Supervision</a></p><p>680,000 hours of audio.</p>")
    assert _titles(body, "Robust Speech Recognition via Large-Scale Weak Supervision") == [
        ("2212.04356", "Robust Speech Recognition via Large-Scale Weak Supervision")]
