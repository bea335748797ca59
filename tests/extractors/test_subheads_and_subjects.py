"""Sub-leads under a section heading that each close with their paper's link; sentences whose subject is the
story's own work named generically; Korean compound numbers with units after the last magnitude."""

from __future__ import annotations

import pytest

from extractors import extract_items
from extractors.numbers import find_quantities
from extractors.records import Document


def _items(html: str) -> list[tuple[str, list[str], list[float]]]:
    doc = Document(source="t", key="k", url=None, title="Letter", body=f"<html><body>{html}</body></html>")
    return [(it.title, [p.arxiv_id for p in it.papers], [m.value for m in it.metrics])
            for it in extract_items(doc) if it.papers]


def _link(pid: str, text: str) -> str:
    return f"<a href='https://arxiv.org/abs/{pid}'>{text}</a>"


@pytest.mark.parametrize(
    "link_texts",
    [("논문 보기", "논문 보기", "논문 바로가기"), ("Read the paper", "Paper", "PDF"), ("arXiv", "원문", "paper →")],
)
def test_sub_leads_that_close_with_their_papers_link_are_stories(link_texts: tuple[str, str, str]) -> None:
    a, b, c = link_texts
    html = ("<h2>Three Korean-language papers</h2>"
            "<div><b>📏 A benchmark from exams</b></div>"
            f"<div>45 subjects and 35,030 questions; the best model got 50.5%. {_link('2402.11548', a)}</div>"
            "<div><b>💸 A small bilingual model</b></div>"
            f"<div>Only 10% of its 2T training tokens are multilingual. {_link('2504.15431', b)}</div>"
            "<div><b>🧠 Two modes in one model</b></div>"
            f"<div>A 32B model with a 128K context. {_link('2507.11407', c)} · "
            "<a href='https://github.com/lab/model'>GitHub</a></div>")
    got = _items(html)
    assert [(t[2:5], p) for t, p, _ in got] == [("A b", ["2402.11548"]), ("A s", ["2504.15431"]),
                                                 ("Two", ["2507.11407"])]
    assert 50.5 in got[0][2] and 10.0 in got[1][2] and 128000.0 in got[2][2]


def test_a_paragraph_citing_a_paper_in_prose_does_not_split_its_story() -> None:
    html = (f"<h2>Speculative decoding, revisited</h2><p>{_link('2211.17192', 'The paper')} gets 2x-3x on T5.</p>"
            "<p><b>A caveat</b></p><p>Acceptance drops on code, as the "
            f"{_link('2302.01318', 'chunked sampling work')} found.</p>")
    assert [p for _, p, _ in _items(html)][0][0] == "2211.17192"
    assert len(_items(html)) == 1 or _items(html)[1][0] != "A caveat"


@pytest.mark.parametrize(
    "sentence",
    [
        "The model has 48B parameters, 3B of them active per token.",
        "Their final model has 48B parameters, 3B of them active per token.",
        "모델은 총 480억 파라미터 중 토큰당 30억 개만 활성화됩니다.",
        "이 모델의 파라미터는 480억 개이고 토큰당 30억 개만 활성화됩니다.",
    ],
)
def test_a_sentence_about_the_model_is_about_the_storys_paper_not_the_last_mention(sentence: str) -> None:
    html = (f"<h2>Kimi Linear</h2><p>Kimi Linear ({_link('2510.26692', 'paper')}) mixes linear and full "
            f"attention 3:1. Its KDA layer refines {_link('2412.06464', 'Gated DeltaNet')} with finer gates. "
            f"{sentence}</p>")
    got = {p[0]: m for _, p, m in _items(html)}
    assert {48e9, 3e9} <= set(got["2510.26692"])
    assert not {48e9, 3e9} & set(got.get("2412.06464", []))


@pytest.mark.parametrize(
    ("text", "value"),
    [("H100 5만 9,400시간", 59400.0), ("GPU 1만 2,000장", 12000.0), ("문서 3만 500개", 30500.0),
     ("토큰 1억 2천만 개", 120000000.0)],
)
def test_units_after_a_korean_magnitude_are_part_of_the_number(text: str, value: float) -> None:
    assert [q.value for q in find_quantities(text)] == [value]


@pytest.mark.parametrize("text", ["토큰 1만 2024년", "1만 20000개"])
def test_a_year_or_a_larger_number_after_a_magnitude_is_not_its_units(text: str) -> None:
    assert find_quantities(text)[0].value == 10000.0


@pytest.mark.parametrize(
    "passing",
    [
        "The system builds on {m}, the low-communication recipe.",
        "A study from the lab looks closely at {m}, the ranking everyone quotes.",
        "Its training loop borrows the outer optimiser of {m} almost unchanged.",
    ],
)
def test_numbers_after_a_paper_named_in_passing_stay_with_the_storys_paper(passing: str) -> None:
    mention = _link("2311.08105", "DiLoCo")
    html = (f"<h2>Training across continents</h2><p>{_link('2412.01152', 'INTELLECT-1')} is a 10B model. "
            f"{passing.format(m=mention)} It cut synchronisation bandwidth by 400x. Utilisation stayed at 96%.</p>")
    got = {p[0]: m for _, p, m in _items(html)}
    assert {400.0, 96.0} <= set(got["2412.01152"])
    assert not {400.0, 96.0} & set(got.get("2311.08105", []))


def test_numbers_after_a_paper_that_is_its_sentences_topic_go_to_it() -> None:
    html = (f"<h2>Training across continents</h2><p>{_link('2412.01152', 'INTELLECT-1')} is a 10B model. "
            f"{_link('2311.08105', 'DiLoCo')} came first. It cut communication by 500x.</p>")
    got = {p[0]: m for _, p, m in _items(html)}
    assert 500.0 in got["2311.08105"] and 500.0 not in got["2412.01152"]


@pytest.mark.parametrize(
    "sentence",
    [
        "For chat quality I use {m}, which distils 500 hard prompts from crowd traffic.",
        "Lately we lean on {m} (2024), which grades answers with an LLM judge.",
        "The most useful thing this month was {m}, whose judge tracks human rankings.",
    ],
)
def test_a_mention_elaborated_by_a_relative_clause_is_what_the_next_sentence_is_about(sentence: str) -> None:
    html = (f"<h2>Evals I trust</h2><p>{_link('2311.12022', 'GPQA')} is hard for experts too. "
            f"{sentence.format(m=_link('2406.11939', 'Arena-Hard'))} Its pipeline is open source as "
            "<a href='https://github.com/lmarena/arena-hard-auto'>arena-hard-auto</a>.</p>")
    doc = Document(source="t", key="k", url=None, title="L", body=f"<html><body>{html}</body></html>")
    code = {it.papers[0].arxiv_id: [c.url for c in it.code] for it in extract_items(doc) if it.papers}
    assert code.get("2406.11939") == ["https://github.com/lmarena/arena-hard-auto"]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["Mamba (arXiv:2312.00752): 5x higher throughput.", "RWKV (arXiv:2305.13048): 14B parameters."],
        ["Mamba, arXiv 2312.00752, reaches 5x the throughput.", "RWKV, arXiv 2305.13048, scales to 14B parameters."],
        ["arXiv:2312.00752 (Mamba) gives 5x throughput.", "arXiv:2305.13048 (RWKV) has 14B parameters."],
    ],
)
def test_untitled_paragraphs_that_open_with_a_written_out_id_are_stories(paragraphs: list[str]) -> None:
    doc = Document(source="t", key="k", url=None, title="Picks", body="\n\n".join(paragraphs), body_type="text")
    got = [([p.arxiv_id for p in it.papers], [m.value for m in it.metrics]) for it in extract_items(doc)]
    assert got == [(["2312.00752"], [5.0]), (["2305.13048"], [14e9])]
