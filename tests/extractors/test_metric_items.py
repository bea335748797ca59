"""Metrics at the item level: a number belongs to the paper whose section it is in, and what is not a
paper's result (dates, versions, list numbering, sponsor prices, text outside any paper item) is not one."""

from __future__ import annotations

from extractors import extract_items
from extractors.records import Document, Item


def _items(body: str, body_type: str = "html") -> list[Item]:
    return extract_items(Document(source="test", key="k", url=None, title="t", body=body, body_type=body_type))


def _values(item: Item) -> list[tuple[float, str]]:
    return [(m.value, m.unit) for m in item.metrics]


def test_numbers_stay_with_the_paper_their_clause_names():
    body = """
    <h2><a href="https://arxiv.org/abs/2501.00001">FastKV: cache compression</a></h2>
    <p>FastKV cuts the KV cache by 75% and reaches 56% on HellaSwag. It builds on
    <a href="https://arxiv.org/abs/2309.06180">PagedAttention</a>, which reported 2-4x higher throughput.</p>
    <hr>
    <h2><a href="https://arxiv.org/abs/2501.00002">TinyLM</a></h2>
    <p>A 1.7B-parameter model trained on 10B unique tokens.</p>
    """
    first, mentioned, second = _items(body)
    assert [(p.arxiv_id, p.role) for p in first.papers] == [("2501.00001", "primary")]
    assert _values(first) == [(75, "%"), (56, "%")]
    # the passing mention's own numbers are its own, on an item where it stays a mention
    assert [(p.arxiv_id, p.role) for p in mentioned.papers] == [("2309.06180", "mention")]
    assert _values(mentioned) == [(2, "x"), (4, "x")]
    assert mentioned.title == "PagedAttention"
    assert [p.arxiv_id for p in second.papers] == ["2501.00002"]
    assert _values(second) == [(1.7e9, "params"), (10e9, "tokens")]


def test_dates_versions_and_list_numbers_are_not_metrics():
    body = """
    <h2><a href="https://arxiv.org/abs/2501.00003">Context Engineering 2.0</a></h2>
    <p>Published January 20, 2025 (IMO 2025 edition). Built on Qwen2.5 and Llama 3.1, version 2.0.</p>
    <ol><li>1. Setup</li><li>2. Results: 41.2% on IMO-AnswerBench</li></ol>
    """
    (item,) = _items(body)
    assert _values(item) == [(41.2, "%")]
    assert item.metrics[0].name == "IMO-AnswerBench"


def test_sponsor_prices_and_text_outside_paper_items_give_nothing():
    body = """
    <p>Welcome to issue #42 of 2025! 3 papers this week, read by 20,000 subscribers.</p>
    <h2>Sponsored by GPUCloud</h2>
    <p>H100s at $2.49/hour, 30% off for 3 months, 8x faster provisioning.</p>
    <h2><a href="https://arxiv.org/abs/2501.00004">Small Model</a></h2>
    <p>It reaches 71.5% on GPQA Diamond.</p>
    <h2>Job board</h2>
    <p>We are hiring 5 engineers; 2x the pay.</p>
    """
    (item,) = _items(body)
    assert _values(item) == [(71.5, "%")]


def test_plain_text_items_carry_their_own_metrics():
    body = (
        "1. FastKV https://arxiv.org/abs/2501.00001\n"
        "   Cuts the KV cache by 75%.\n\n"
        "2. TinyLM https://arxiv.org/abs/2501.00002\n"
        "   A 1.7B model.\n"
    )
    first, second = _items(body, "text")
    assert _values(first) == [(75, "%")]
    assert _values(second) == [(1.7e9, "params")]
