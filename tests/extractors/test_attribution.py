"""Numbers and code links inside one paragraph or bullet go to the paper their own clause is about
(extractors/attribution.py), or to none when that cannot be decided; never to every paper of the paragraph."""

from __future__ import annotations

import pytest

from extractors import extract_items
from records.documents import Document, Item

A, B = "2501.00011", "2501.00022"
GH_A, GH_B = "https://github.com/lab-a/fastkv", "https://github.com/lab-b/tinylm"


def _items(body: str) -> list[Item]:
    return extract_items(Document(source="t", key="k", url=None, title="t", body=body, body_type="html"))


def _owned(items: list[Item]) -> dict[str, tuple[list[tuple[float, str]], list[str]]]:
    return {i.papers[0].arxiv_id: ([(m.value, m.unit) for m in i.metrics], [c.url for c in i.code]) for i in items}


def _a(pid: str, text: str) -> str:
    return f'<a href="https://arxiv.org/abs/{pid}">{text}</a>'


def _gh(url: str, text: str = "code") -> str:
    return f'<a href="{url}">{text}</a>'


TWO_IN_ONE = [
    pytest.param(f"<li><strong>Two cache papers.</strong> {_a(A, 'FastKV')} cuts the cache by 75% ({_gh(GH_A)}). "
                 f"{_a(B, 'TinyLM')} runs 3x faster on phones ({_gh(GH_B)}).</li>", id="sentence-each"),
    pytest.param(f"<p>{_a(A, 'FastKV')} cuts the cache by 75%, while {_a(B, 'TinyLM')} runs 3x faster; code: "
                 f"{_gh(GH_A, 'FastKV repo')} and {_gh(GH_B, 'TinyLM repo')}.</p>", id="while-clauses"),
    pytest.param(f"<li>{_a(A, 'FastKV')} ({_gh(GH_A, 'GitHub')}) reports a 75% smaller cache; its successor "
                 f"{_a(B, 'TinyLM')} ({_gh(GH_B, 'GitHub')}) is 3x faster.</li>", id="links-in-parentheses"),
    pytest.param(f"<p>Two picks. First, {_a(A, 'FastKV')}: 75% less cache memory ({_gh(GH_A, 'repo')}). "
                 f"Second, {_a(B, 'TinyLM')}, 3x faster decoding ({_gh(GH_B, 'repo')}).</p>", id="first-second"),
]


@pytest.mark.parametrize("body", TWO_IN_ONE)
def test_each_number_and_code_link_goes_to_the_paper_its_clause_names(body: str) -> None:
    assert _owned(_items(f"<ul>{body}</ul>" if body.startswith("<li>") else body)) == {
        A: ([(75, "%")], [GH_A]), B: ([(3, "x")], [GH_B])}


BASELINES = [
    f"<p>{_a(A, 'FastKV')} is 3x faster than {_a(B, 'PagedAttention')} and cuts memory by 75%.</p>",
    f"<p>{_a(A, 'FastKV')} improves on {_a(B, 'H2O')} by 75% in memory and 3x in speed.</p>",
    f"<p>Compared with {_a(B, 'StreamingLLM')}, {_a(A, 'FastKV')} is 3x faster and 75% smaller.</p>",
    f"<p>{_a(A, 'FastKV')}는 {_a(B, 'H2O')}보다 3배 빠르고 메모리를 75% 줄였습니다.</p>",
]


@pytest.mark.parametrize("body", BASELINES)
def test_a_paper_named_as_the_baseline_does_not_take_the_numbers(body: str) -> None:
    (item,) = _items(body)
    assert [p.arxiv_id for p in item.papers] == [A, B]
    assert sorted((m.value, m.unit) for m in item.metrics) == [(3, "x"), (75, "%")]


JOINT = [
    f"<p>{_a(A, 'FastKV')} and {_a(B, 'TinyLM')} both reach 75% on LongBench.</p>",
    f"<p>Together, {_a(A, 'FastKV')} & {_a(B, 'TinyLM')} gave a 75% memory saving in our test.</p>",
    f"<p>{_a(A, 'FastKV')}, {_a(B, 'TinyLM')}: the pair reach 75% on LongBench.</p>",
    f"<p>{_a(A, 'FastKV')} prunes keys; {_a(B, 'TinyLM')} prunes layers. In our test the pair gave a 75% saving.</p>",
    f"<p>{_a(A, 'FastKV')} quantises, {_a(B, 'TinyLM')} distils. Between them, memory falls by 75%.</p>",
    f"<p>{_a(A, 'FastKV')}는 키를, {_a(B, 'TinyLM')}은 층을 줄입니다. 두 방법 모두 메모리를 75% 줄였습니다.</p>",
]


@pytest.mark.parametrize("body", JOINT)
def test_a_number_of_two_papers_together_goes_to_neither(body: str) -> None:
    items = _items(body)
    assert [m for i in items for m in i.metrics] == []


def test_a_number_said_to_be_for_a_mentioned_paper_is_its_own() -> None:
    for phrase in ("versus 21% for", "against 21% reported by", "next to the 21% from"):
        body = f"<h2>{_a(A, 'FastKV')}</h2><p>It solves 62% of tasks, {phrase} {_a(B, 'a PaLM-E baseline')}.</p>"
        first, second = _items(body)
        assert [(m.value, m.unit) for m in first.metrics] == [(62, "%")], phrase
        assert [(m.value, m.unit) for m in second.metrics] == [(21, "%")], phrase
        assert [(p.arxiv_id, p.role) for p in second.papers] == [(B, "mention")], phrase


def test_a_paper_alone_in_its_story_takes_every_number() -> None:
    body = f"<h2>{_a(A, 'FastKV')}</h2><p>It is 3x faster than the baseline. Memory falls by 75%.</p>"
    assert _owned(_items(body)) == {A: ([(3, "x"), (75, "%")], [])}
