"""Issue 11, round 9: how a number's unit and name are written around it. Korean counters of time are a
duration where the words after say how long or the number has a fraction ("12분 만에", "2.5일"); an unseen
benchmark glued to the Korean "on" names its score ("BIRD-SQL에서 61.2%"); a score's unit may be written before
the number ("an nDCG@10 of 54.1", "COCO에서 mAP 47.3", "MT-Bench 점수 8.1") or after the benchmark that follows it
("2.4 MMLU points"); image and video generation have units of their own ("1.21 rFID", "an SSIM of 0.93"); "N of
them" and "N of those" count what was named before; 넘는 ("over") stands between a Korean counter and its noun
("130억 개가 넘는 파라미터"); 쌍 counts pairs; WMT takes its year, and a few reinforcement learning suites are
curated names."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _read(text: str) -> list[tuple[float, str, str | None]]:
    return [(m.value, m.unit, m.name) for m in extract_metrics(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A100 8장으로 2.5일 학습했다.", [(2.5, "days", None)]),
        ("미세조정은 15분이면 충분하다.", [(15.0, "minutes", None)]),
        ("평가 전체가 40분 정도 걸린다.", [(40.0, "minutes", None)]),
        ("단일 GPU에서 12분 만에 수렴했다.", [(12.0, "minutes", None)]),
        ("체크포인트 변환에 1.5분이 걸렸다.", [(1.5, "minutes", None)]),
    ],
    ids=["fraction-days", "if-minutes", "about-minutes", "within-minutes", "fraction-minutes"],
)
def test_a_korean_counter_of_time_is_a_duration_where_it_says_how_long(text: str, expected: list) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", ["추론 비용이 20분의 1로 줄었다.", "논문은 5월 3일 공개됐다.",
                                  "연구진은 9일 코드를 공개했다."], ids=["fraction", "date", "day"])
def test_a_date_or_a_fraction_is_no_duration(text: str) -> None:
    assert [m for m in extract_metrics(text) if m.unit in ("days", "minutes")] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("이 모델은 BIRD-SQL에서 61.2%를 기록했다.", [(61.2, "%", "BIRD-SQL")]),
        ("ToolQA에서 48.0%, WebLINX에서 37.5%를 얻었습니다.", [(48.0, "%", "ToolQA"), (37.5, "%", "WebLINX")]),
        ("어려운 의료 문항을 모은 MedXpertQA에서는 23.4%에 그쳤다.", [(23.4, "%", "MedXpertQA")]),
        ("MMLU에서 70.2%, CRAG에서 41.0%입니다.", [(70.2, "%", "MMLU"), (41.0, "%", "CRAG")]),
    ],
    ids=["one", "two-unseen", "topic-particle", "after-a-known-one"],
)
def test_an_unseen_benchmark_before_the_korean_on_names_its_score(text: str, expected: list) -> None:
    assert _read(text) == expected


def test_a_model_before_the_korean_on_is_no_benchmark() -> None:
    [metric] = extract_metrics("Llama-3-8B에서 정확도가 72%였다.")
    assert (metric.value, metric.unit) == (72.0, "%") and "Llama" not in (metric.name or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dense retrieval reaches an nDCG@10 of 54.1 on BEIR.", [(54.1, "nDCG@10", "BEIR")]),
        ("It gets an MRR@100 of 40.2 on the MS MARCO dev queries.", [(40.2, "MRR@100", "MS MARCO")]),
        ("COCO에서 mAP 47.3을 얻었다.", [(47.3, "mAP", "COCO")]),
        ("The detector has a box AP of 51.2 on LVIS.", [(51.2, "box AP", "LVIS")]),
        ("MT-Bench 점수 8.1로 가장 높다.", [(8.1, "score", "MT-Bench")]),
        ("GLUE 점수는 83.9입니다.", [(83.9, "score", "GLUE")]),
    ],
    ids=["ndcg", "mrr", "ko-map", "box-ap", "ko-score", "ko-score-topic"],
)
def test_a_score_unit_written_before_the_number(text: str, expected: list) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The new tokenizer reaches 1.21 rFID.", [(1.21, "rFID")]),
        ("Class-conditional samples score 2.3 gFID.", [(2.3, "gFID")]),
        ("Its reconstructions have an SSIM of 0.93.", [(0.93, "SSIM")]),
        ("Novel views come out at 31.2 PSNR.", [(31.2, "PSNR")]),
        ("The video model gets an FVD of 98.4.", [(98.4, "FVD")]),
    ],
    ids=["rfid", "gfid", "ssim", "psnr", "fvd"],
)
def test_units_of_image_and_video_generation(text: str, expected: list) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Distillation adds 2.4 MMLU points over the base model.", [(2.4, "points", "MMLU")]),
        ("Pruning costs only 0.3 WikiText-103 perplexity.", [(0.3, "perplexity", "WikiText-103")]),
        ("The new backbone is worth 1.8 COCO AP.", [(1.8, "AP", "COCO")]),
    ],
    ids=["points", "perplexity", "cased-ap"],
)
def test_a_benchmark_between_a_number_and_its_unit_names_it(text: str, expected: list) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On WMT 2016 English-Romanian it gets 35.2 BLEU.", [(35.2, "BLEU", "WMT 2016")]),
        ("WMT'19 독일어 번역에서 BLEU 42.1을 얻었다.", [(42.1, "BLEU", "WMT'19")]),
        ("It scores 29.3 BLEU on WMT14 English-German.", [(29.3, "BLEU", "WMT14")]),
    ],
    ids=["year", "ko-short-year", "glued"],
)
def test_wmt_is_named_with_its_year(text: str, expected: list) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The crawl yields 5 million documents, and the authors label 12K of them by hand.",
         [(5e6, "count"), (12e3, "count")]),
        ("Of the 40 tasks, the agent completes 18 of those without help.", [(40.0, "count"), (18.0, "count")]),
        ("The corpus has 3 billion sentences; 1.1 billion of these are in Korean.", [(3e9, "count"), (1.1e9, "count")]),
        ("A 120B model with 22B of them active per token.", [(120e9, "params"), (22e9, "params")]),
        ("It has 80 billion parameters, and 9 billion of them are activated per token.",
         [(80e9, "params"), (9e9, "params")]),
    ],
    ids=["them", "those", "these", "moe-part-is-params", "moe-part-after-copula"],
)
def test_n_of_them_counts_what_was_named_before(text: str, expected: list) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("선호도 데이터 6만 쌍으로 DPO를 돌렸다.", [(6e4, "count")]),
        ("질문-답변 12만 쌍을 새로 만들었다.", [(12e4, "count")]),
        ("1,200쌍의 번역 문장으로 평가했다.", [(1200.0, "count")]),
    ],
    ids=["data-pairs", "qa-pairs", "pairs-of"],
)
def test_ssang_counts_pairs(text: str, expected: list) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The agent reaches a human-normalized score of 0.8 on Atari 100k.", [(0.8, "score", "Atari 100k")]),
        ("It solves 41% of the episodes on Meta-World.", [(41.0, "%", "Meta-World")]),
        ("On Crafter it scores 14.5%.", [(14.5, "%", "Crafter")]),
        ("The encoder reaches 52.3 recall-at-10 on Ego4D.", [(52.3, "recall-at-10", "Ego4D")]),
    ],
    ids=["atari", "meta-world", "crafter", "recall-at-k"],
)
def test_reinforcement_learning_suites_and_spelled_ranked_scores(text: str, expected: list) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("이 모델은 700억 개가 넘는 파라미터를 가진다.", (7e10, "params", "at least")),
        ("300개 넘는 언어를 지원한다.", (300.0, "count", "at least")),
        ("1만 개가 넘는 문제로 평가했다.", (1e4, "count", "at least")),
        ("학습에 2조 개가 넘는 토큰을 썼다.", (2e12, "tokens", "at least")),
    ],
    ids=["params", "bare", "problems", "tokens"],
)
def test_the_korean_over_between_a_counter_and_its_noun(text: str, expected: tuple) -> None:
    assert [(m.value, m.unit, m.qualifier) for m in extract_metrics(text)] == [expected]
