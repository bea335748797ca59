"""Issue 11, round 11: a list of scores, each written right after a name of its own ("Cora 81.5%, Citeseer 70.3%
and Pubmed 79.0%"), names each score by the name before it, where every score of the list has one and the names
are written like benchmarks (a list of models, "GPT-4o 53.6%, o1 83.3%", names no benchmark). A Korean data
set's noun after a name written like a benchmark makes it one ("PPI 데이터셋에서")."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _named(sentence: str) -> list[tuple[str | None, float]]:
    return [(m.name, m.value) for m in extract_metrics(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On the citation graphs it scores Arxiv 71.2%, Products 80.1% and Proteins 77.4%.",
         [("Arxiv", 71.2), ("Products", 80.1), ("Proteins", 77.4)]),
        ("노드 분류 정확도는 Flickr 52.3%, Yelp 63.9%로 기존 방법을 넘었습니다.", [("Flickr", 52.3), ("Yelp", 63.9)]),
        ("Graph classification: MUTAG 89.0%, PTC-MR 64.6%, NCI1 82.7%.",
         [("MUTAG", 89.0), ("PTC-MR", 64.6), ("NCI1", 82.7)]),
        ("Retrieval gets Quora 0.81 nDCG@10 and Touche 0.36 nDCG@10.", [("Quora", 0.81), ("Touche", 0.36)]),
    ],
    ids=["english-and", "korean-commas", "capital-acronyms", "ranked-unit"],
)
def test_each_score_takes_the_name_before_it(sentence: str, expected: list[tuple[str, float]]) -> None:
    assert _named(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "On the reasoning set, GPT-4o gets 53.6%, Qwen2-72B 49.1% and Llama-3-70B 44.0%.",
        "Fine-tuned on the same data, RoBERTa 83.2%, DeBERTa 86.8%.",  # (models in CamelCase)
        "Accuracy is 71.2% overall, 80.1% on easy items.",  # (one name only: no list of names)
    ],
    ids=["models-listed", "camel-case-models", "one-name"],
)
def test_no_list_of_benchmark_names_names_nothing(sentence: str) -> None:
    names = {name for name, _ in _named(sentence)}
    assert not names & {"GPT-4o", "Qwen2-72B", "Llama-3-70B", "RoBERTa", "DeBERTa", "Accuracy"}


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("유도 설정의 OGBN-Arxiv 데이터셋에서 정확도 72.1%를 얻었습니다.", "OGBN-Arxiv"),
        ("MovieLens 데이터셋에서 Recall@20 0.31을 기록했습니다.", "MovieLens"),
        ("새로 모은 PPI 데이터셋 기준 micro-F1 0.95를 냈습니다.", "PPI"),
    ],
    ids=["hyphenated", "camel-case", "acronym"],
)
def test_a_korean_data_set_noun_names_a_benchmark(sentence: str, name: str) -> None:
    assert name in [m.name for m in extract_metrics(sentence)]


def test_a_data_set_noun_after_a_common_word_names_none() -> None:
    gains = [m for m in extract_metrics("7개 QA 데이터셋에서 평균 26% 향상됐습니다.") if m.unit == "%"]
    assert [m.name for m in gains] == [None]
