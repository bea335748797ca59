"""Issue 11, round 11: a post whose numbered sections ("1. LoRA", "2) Prefix tuning") name no paper, and that
closes with a list of bare paper links, one per section (a board post's "related links", a seminar's "Papers"
list, a plain-text mail's addresses at the end): the n-th link is the n-th section's paper, so each section is
its paper's story, its numbers and code included. Counts of clicks and downloads beside such links ("14 clicks",
"19회 다운로드") are page chrome, never a paper's result."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.blocks import is_counter
from extractors.records import Document

_IDS = ("2401.00011", "2402.00022", "2403.00033")


def _items(body: str, body_type: str = "html") -> list[tuple[str, str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Reading group notes", body=body, body_type=body_type)
    return [(i.papers[0].arxiv_id, i.title, [c.url for c in i.code], sorted(m.value for m in i.metrics))
            for i in extract_items(doc) if i.papers]


_HTML_BOLD = (
    "<html><body><p>Notes from this week's session. The papers are linked at the bottom, in order.</p>"
    "<p><b>1. Low-rank adapters</b></p><p>Only two small matrices per layer are trained and the rest stays "
    "frozen. It keeps 98% of full fine-tuning quality. Code: https://github.com/ex/lowrank</p>"
    "<p><b>2. Soft prompts</b></p><p>A few learned vectors go in front of the input; the model is untouched and "
    "it still reaches 91.2% on SuperGLUE at the largest size.</p>"
    "<p><b>3. Scaled activations</b></p><p>Learned vectors rescale the activations, and the method beats "
    "in-context learning by 6 points. The repository is https://github.com/ex/scaled</p>"
    "<h3>Related links</h3><ul>"
    + "".join(f'<li><a href="https://arxiv.org/abs/{i}">https://arxiv.org/abs/{i}</a> <span class="cnt">'
              f"{n} clicks</span></li>" for n, i in zip((14, 9, 6), _IDS, strict=True))
    + "</ul></body></html>"
)
_HTML_HEADINGS = (
    "<html><body><h2>Seminar, week 4</h2><p>We read three papers on sparse models this week.</p>"
    "<h3>1) Expert routing</h3><p>Tokens go to the top 2 of 8 experts, so only 13B of the 47B parameters are "
    "active for each token.</p>"
    "<h3>2) Token dropping</h3><p>Dropping 30% of the tokens in the middle layers costs almost nothing.</p>"
    "<h3>3) Shared experts</h3><p>One shared expert next to the routed ones gives a 2.5x speedup.</p>"
    "<h3>Papers</h3><ol>"
    + "".join(f'<li><a href="https://arxiv.org/abs/{i}">arxiv.org/abs/{i}</a></li>' for i in _IDS)
    + "</ol></body></html>"
)
_TEXT = (
    "Hi all, a summary of Tuesday's talk.\n\n"
    "## 1. Draft models\n\nA small model proposes 4 tokens and the large one checks them at once, a 2.8x speedup.\n\n"
    "## 2. Tree drafts\n\nSeveral drafts share one verification pass; acceptance rises to 71%.\n\n"
    "## 3. Early exits\n\nEasy tokens leave early, cutting latency by 38%. Code at https://github.com/ex/exits\n\n"
    "Papers, in the order above:\n"
    + "".join(f"[{n}] https://arxiv.org/abs/{i}\n" for n, i in enumerate(_IDS, start=1))
)


@pytest.mark.parametrize(
    ("body", "body_type", "expected"),
    [
        (_HTML_BOLD, "html", [
            (_IDS[0], "1. Low-rank adapters", ["https://github.com/ex/lowrank"], [98.0]),
            (_IDS[1], "2. Soft prompts", [], [91.2]),
            (_IDS[2], "3. Scaled activations", ["https://github.com/ex/scaled"], [6.0]),
        ]),
        (_HTML_HEADINGS, "html", [
            (_IDS[0], "1) Expert routing", [], [13e9, 47e9]),
            (_IDS[1], "2) Token dropping", [], [30.0]),
            (_IDS[2], "3) Shared experts", [], [2.5]),
        ]),
        (_TEXT, "text", [
            (_IDS[0], "1. Draft models", [], [2.8, 4.0]),
            (_IDS[1], "2. Tree drafts", [], [71.0]),
            (_IDS[2], "3. Early exits", ["https://github.com/ex/exits"], [38.0]),
        ]),
    ],
)
def test_the_nth_bare_link_at_the_end_is_the_nth_numbered_sections_paper(
        body: str, body_type: str, expected: list[tuple[str, str, list[str], list[float]]]) -> None:
    got = _items(body, body_type)
    assert [(pid, title, code) for pid, title, code, _ in got] == [(p, t, c) for p, t, c, _ in expected]
    for (_, _, _, values), (_, _, _, want) in zip(got, expected, strict=True):
        assert set(want) <= set(values)


def test_a_list_that_does_not_match_the_sections_one_to_one_stays_where_it_is() -> None:
    body = _HTML_BOLD.replace(f'<li><a href="https://arxiv.org/abs/{_IDS[2]}">https://arxiv.org/abs/{_IDS[2]}</a>'
                              ' <span class="cnt">6 clicks</span></li>', "")
    assert [pid for pid, _, _, _ in _items(body)] == [_IDS[0]]  # two links for three sections: not lent


def test_a_section_with_a_paper_of_its_own_lends_nothing() -> None:
    body = _HTML_HEADINGS.replace("<h3>2) Token dropping</h3>",
                                  '<h3>2) <a href="https://arxiv.org/abs/2404.00044">Token dropping</a></h3>')
    assert "2404.00044" in [pid for pid, _, _, _ in _items(body)]
    assert _IDS[2] not in [pid for pid, _, _, _ in _items(body)][:2]


@pytest.mark.parametrize("line", ["14 clicks", "19회 다운로드", "7회 연결", "1.2k downloads", "Clicks: 31", "클릭 12"])
def test_a_click_or_download_count_is_a_counter(line: str) -> None:
    assert is_counter(line)


@pytest.mark.parametrize("line", ["downloaded by 40% of users", "a 12-click workflow", "3 downloads failed twice"])
def test_a_sentence_about_clicks_or_downloads_is_no_counter(line: str) -> None:
    assert not is_counter(line)
