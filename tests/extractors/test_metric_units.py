"""Stage 2 of the metric reader (extractors/metric_units.py): the unit written after a number (or said
before it), its kind and measured noun, and what written after a number makes it no metric at all."""

from __future__ import annotations

import pytest

from extractors.metric_units import Reading, read_unit, read_unit_before
from extractors.numbers import find_quantities


def _read(text: str, number: str) -> Reading:
    q = next(q for q in find_quantities(text) if q.start == text.index(number))
    return read_unit_before(text, q, read_unit(text, q))


# (text, the number, unit, kind, measured noun)
UNITS = [
    ("It reaches 56% on HellaSwag.", "56", "%", "score", None),
    ("It reaches 88.9 percent of them.", "88.9", "%", "score", None),
    ("Accuracy rises 3.2 percentage points.", "3.2", "pp", "relative", None),
    ("정확도가 5.2%p 높아졌습니다.", "5.2", "pp", "relative", None),
    ("It is 6x faster.", "6", "x", "relative", None),
    ("It is 3 times faster.", "3", "x", "relative", None),
    ("It is 3.5배 빠릅니다.", "3.5", "x", "relative", None),
    # "by N times" after a verb of change, however long the object between them
    ("The method reduces the count of weights updated in each step by 1,000 times over full tuning.", "1,000", "x",
     "relative", None),
    ("The trick shrinks the memory footprint of the whole KV cache by 4 times.", "4", "x", "relative", None),
    ("It raises the throughput of the serving stack on one node by 2.5 times, they say.", "2.5", "x", "relative",
     None),
    ("It trains 8x H100 nodes.", "8", "count", "count", "H100"),
    ("A 1.7B parameters model.", "1.7B", "params", "size", "parameters"),
    ("It saw 2.3T pre-training tokens.", "2.3T", "tokens", "size", "pre-training tokens"),
    ("It runs at 45 tokens per second.", "45", "tokens/s", "size", None),
    ("A 7B model.", "7B", "params", "size", "parameters"),
    ("It ships with a 32k context.", "32k", "tokens", "size", "context"),
    ("It fits on a 48GB GPU.", "48", "GB", "size", None),
    ("It took 2.788M H800 GPU hours.", "2.788M", "GPU hours", "size", None),
    ("Training took 3 epochs.", "3", "epochs", "count", "epochs"),
    ("It gets 41.2 BLEU.", "41.2", "BLEU", "score", None),
    ("It used 16 H100 GPUs.", "16", "count", "count", "H100 GPUs"),
    ("An Elo rating of 2,029.", "2,029", "Elo", "score", None),
    ("A speedup of 2.3 on average.", "2.3", "x", "relative", None),
    ("It scores 8.9 on MT-Bench.", "8.9", "score", "score", None),
    ("MMLU 70.1, GSM8K 80.2.", "70.1", "score", "score", None),
    ("6710억 개의 매개변수", "6710억", "params", "size", "매개변수"),
    ("8개의 전문가로 바꿨습니다.", "8", "count", "count", "전문가"),
    ("10억 파라미터와", "10억", "params", "size", "파라미터"),
    ("128K 컨텍스트를 지원합니다.", "128K", "tokens", "size", "컨텍스트"),
    ("MT-Bench에서 8.9점을 받았습니다.", "8.9", "points", "score", "점"),
]

# (text, the number): what is written after the number says it is no metric
EXCLUDED = [
    ("Readers get 20% off the next cohort.", "20"),
    ("수강료를 15% 할인받을 수 있습니다.", "15"),
    ("by Theo · 11 min read", "11"),
    ("posted 3 days ago", "3"),
    ("It took 3 years.", "3"),
    ("2024년 12월 3일", "12"),
    ("a 3-part series", "3"),
    ("a 3D scene", "3"),
    ("구독자 2만 명", "2만"),
]


@pytest.mark.parametrize(("text", "number", "unit", "kind", "noun"), UNITS, ids=[u[0][:40] for u in UNITS])
def test_the_unit_after_or_before_a_number(text: str, number: str, unit: str, kind: str, noun: str | None) -> None:
    r = _read(text, number)
    assert (r.unit, r.kind, r.noun) == (unit, kind, noun)
    assert not r.excluded


@pytest.mark.parametrize(("text", "number"), EXCLUDED, ids=[e[0][:40] for e in EXCLUDED])
def test_what_makes_a_number_no_metric(text: str, number: str) -> None:
    assert _read(text, number).excluded


def test_a_bare_number_has_no_unit() -> None:
    r = _read("Version 3 of the model is out.", "3")
    assert r.unit is None and not r.excluded
