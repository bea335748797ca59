"""Stage 3 of the metric reader (extractors/metric_drafts.py): ranges paired, bare sizes given the unit of
their neighbours, and what only looks like a metric dropped."""

from __future__ import annotations

import pytest

from extractors.metric_drafts import read_drafts
from extractors.metric_spans import sentences
from extractors.numbers import find_quantities


def _drafts(text: str) -> list[tuple[float, str, str | None]]:
    return [(round(d.value, 6), d.unit, d.role) for d in read_drafts(text, find_quantities(text), sentences(text))]


# (text, drafts as (value, unit, range role))
DRAFTS = [
    # ranges: both ends share the unit written after the high end
    ("Kernels reach 50-73% of peak.", [(50, "%", "range-low"), (73, "%", "range-high")]),
    ("It is between 2.2 and 3.6 times faster.", [(2.2, "x", "range-low"), (3.6, "x", "range-high")]),
    ("They trained on 5 to 500 billion tokens.", [(5e9, "tokens", "range-low"), (500e9, "tokens", "range-high")]),
    ("2.7배에서 최대 3.5배 빠릅니다.", [(2.7, "x", "range-low"), (3.5, "x", "range-high")]),
    # a falling pair is two numbers, not a range
    ("Loss fell from 9% to 3%.", [(9, "%", None), (3, "%", None)]),
    # bare sizes take the unit of the size they are listed with or part of
    ("We release 7B, 13B and 70B parameters checkpoints.",
     [(7e9, "params", None), (13e9, "params", None), (70e9, "params", None)]),
    ("It has 52B total parameters, of which only 12B are active.", [(52e9, "params", None), (12e9, "params", None)]),
    ("DeepSeek-V3 (671B) is the base.", [(671e9, "params", None)]),
    # a bare size written as the part of the size after it, or after a capitalised model name in brackets
    ("The router activates 14B of its 142B parameters.", [(14e9, "params", None), (142e9, "params", None)]),
    ("Each token uses 37B out of 671B total parameters.", [(37e9, "params", None), (671e9, "params", None)]),
    ("Only 1.2B of the 7B parameters are tuned.", [(1.2e9, "params", None), (7e9, "params", None)]),
    ("The smaller Magistral Small (24B) ships under Apache 2.0.", [(24e9, "params", None)]),
    ("Our compact Falcon Mamba (7B) runs on one GPU.", [(7e9, "params", None)]),
    ("About 3B of its budget went unspent.", []),
    # two decimals split by a slash: two results sharing the unit after the second
    ("It reaches 1.8/3.3 WER on the clean and other splits.", [(1.8, "WER", None), (3.3, "WER", None)]),
    ("Accuracy is 72.1/80.3% on the two test sets.", [(72.1, "%", None), (80.3, "%", None)]),
    ("Scores of 61.5 / 70.2 points before and after tuning.", [(61.5, "points", None), (70.2, "points", None)]),
    ("It solved 3/4 of them on 12/25, and Qwen2.5/3.0 models too.", []),
    # a bare size between an article and a model family: that model's size
    ("They fine-tune a 65B LLaMA on a thousand prompts.", [(65e9, "params", None)]),
    ("Even the 1.3B Phi beats it on code.", [(1.3e9, "params", None)]),
    ("We distil into one 7B Qwen checkpoint.", [(7e9, "params", None)]),
    ("The 27B model saw 13 trillion tokens and the 9B model 8 trillion.",
     [(27e9, "params", None), (13e12, "tokens", None), (9e9, "params", None), (8e12, "tokens", None)]),
    ("6710억 개의 매개변수 중 370억 개만 씁니다.", [(671e9, "params", None), (37e9, "params", None)]),
    # a Korean count said to be the active part (activated, or used per token) of the size before it
    ("모두 합쳐 900억 개의 파라미터를 갖지만 그중 110억 개만 활성화됩니다.",
     [(90e9, "params", None), (11e9, "params", None)]),
    ("전체 70억 개 파라미터 중 입력 토큰당 10억 개만 사용한다.", [(7e9, "params", None), (1e9, "params", None)]),
    ("총 4천억 개 중에서 토큰마다 170억 개씩 쓰는 구조다.", [(400e9, "params", None), (17e9, "params", None)]),
    ("사과 12개만 사용했다.", [(12, "count", None)]),
    # Korean sizes counted with 개 and listed: all take the unit the last one names
    ("70억 개와 340억 개 파라미터 두 종을 공개했다.", [(7e9, "params", None), (34e9, "params", None)]),
    ("10억 개, 30억 개와 70억 개 파라미터 모델이 있다.",
     [(1e9, "params", None), (3e9, "params", None), (7e9, "params", None)]),
    ("작은 모델은 20억 개 및 90억 개 매개변수로 나뉜다.", [(2e9, "params", None), (9e9, "params", None)]),
    # a size inside a model's name, a year, a label, a price: none is a metric
    ("Llama 2 70B and LLaMA3 8B were the baselines.", []),
    ("Mistral 7B beats Llama 2 13B.", []),
    ("In 2024 papers got longer; see Table 4 results and the top 10 papers.", []),
    ("Training cost $5.6M, or about €5 million.", []),
]


@pytest.mark.parametrize(("text", "expected"), DRAFTS, ids=[t[:40] for t, _ in DRAFTS])
def test_drafts(text: str, expected: list[tuple[float, str, str | None]]) -> None:
    assert _drafts(text) == [(round(float(v), 6), u, r) for v, u, r in expected]
