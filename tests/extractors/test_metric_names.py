"""Stage 4 of the metric reader (extractors/metric_names.py, extractors/metric_benchmarks.py): a score is named
by its benchmark, a multiplier or a size by the quantity it measures."""

from __future__ import annotations

import pytest

from extractors.metric_benchmarks import benchmark_adjacent, benchmark_after, benchmark_before, looks_like_model
from extractors.metric_names import phrase_after, phrase_before
from extractors.metrics import extract_metrics


def _name(text: str, number: str) -> str | None:
    start = text.index(number)
    (metric,) = [m for m in extract_metrics(text) if m.text and text.find(number) == start and
                 abs(m.value - float(number.rstrip("%x").replace(",", ""))) < 1e-9]
    return metric.name


# (text, the number as written, its name)
NAMES = [
    # the benchmark right before, after, or earlier in the sentence
    ("MMLU: 67.5%", "67.5%", "MMLU"),
    ("HellaSwag (89.1%)", "89.1%", "HellaSwag"),
    ("GPQA에서 71.5%를 기록했습니다.", "71.5%", "GPQA"),
    ("It scores 79.8% pass@1 on AIME 2024.", "79.8%", "AIME 2024"),
    ("On HellaSwag, it reaches 89%.", "89%", "HellaSwag"),
    ("The prover solves 41.2% of problems on IMO-AnswerBench.", "41.2%", "IMO-AnswerBench"),
    ("Guanaco reaches 99.3% on the Vicuna benchmark.", "99.3%", "Vicuna"),
    ("Gains: GSM8K (+17.9%), SVAMP (+11.0%).", "11.0%", "SVAMP"),
    # a known name with a split or a variant glued on is one name; an adjective or a model's size is not
    ("It proves 61.2% of the statements in miniF2F-valid.", "61.2%", "miniF2F-valid"),
    ("Accuracy on GSM8K-Platinum reaches 95.1%.", "95.1%", "GSM8K-Platinum"),
    ("ImageNet-21K top-1 is 88.5%.", "88.5%", "ImageNet-21K"),
    ("It uses MMLU-style prompts and scores 70%.", "70%", None),
    ("Vicuna-13B gets 44.0% on the test.", "44.0%", None),
    # an unseen name in lower case with a capital and a lower-case letter inside; not an acronym with a prefix
    ("It scores 45.1% on nuScenes.", "45.1%", "nuScenes"),
    ("It reaches 70.4% on iNaturalist.", "70.4%", "iNaturalist"),
    ("The vLLM-based server is 2x faster on vLLM.", "2x", None),
    ("It is 3x faster on xLSTM stacks.", "3x", None),
    # what a multiplier measures, after it or before it
    ("The payoff is 5x higher inference throughput.", "5x", "inference throughput"),
    ("vLLM improves throughput by 4x over Orca.", "4x", "throughput"),
    ("It boosts generation throughput 5.76 times.", "5.76", "generation throughput"),
    ("This is a 3x improvement in latency.", "3x", "latency"),
    ("GPU 메모리 요구량은 3배 줄어듭니다.", "3", "GPU 메모리 요구량"),
    ("3배의 속도 향상을 얻었습니다.", "3", "속도 향상"),
    # a multiplier against a model is not named after the model
    ("It exceeds o1-preview by 27%.", "27%", None),
]


@pytest.mark.parametrize(("text", "number", "name"), NAMES, ids=[n[0][:40] for n in NAMES])
def test_names(text: str, number: str, name: str | None) -> None:
    assert _name(text, number) == name


BENCHMARKS = [
    ("On SWE-bench Verified, it resolves", benchmark_before, "SWE-bench Verified"),
    ("It reaches it on MMLU-Pro and", benchmark_before, "MMLU-Pro"),
    ("on the AIME'25 set", benchmark_before, "AIME'25"),
    ("on Llama-3-8B", benchmark_before, None),  # a model, not a benchmark
    ("on H100 GPUs", benchmark_before, None),  # hardware
    (" on the WildQuokka benchmark, where", benchmark_after, "WildQuokka"),
    ("MMLU-Pro: ", benchmark_adjacent, "MMLU-Pro"),
    ("LiveCodeBench에서는 ", benchmark_adjacent, "LiveCodeBench"),
]


@pytest.mark.parametrize(("text", "finder", "name"), BENCHMARKS, ids=[b[0][:30] for b in BENCHMARKS])
def test_benchmark_names(text: str, finder, name: str | None) -> None:
    found = finder(text, 0, len(text))
    assert (found[0] if isinstance(found, tuple) else found) == name


@pytest.mark.parametrize(("name", "model"), [("DeepSeek-R1", True), ("LLaMA3", True), ("vLLM", True),
                                             ("KV-cache", False), ("GPU-hours", False), ("mAP", False),
                                             ("GPT-4o", True), ("GPU", False), ("H100", False), ("FP8", False),
                                             ("GPT-style", False), ("Transformer", False)])
def test_model_like_names(name: str, model: bool) -> None:
    assert looks_like_model(name) is model


PHRASES = [
    (phrase_after, " higher inference throughput than", "inference throughput"),
    (phrase_after, " of the theoretical maximum FLOPs/s", "theoretical maximum FLOPs/s"),
    (phrase_after, " improvement in latency", "latency"),
    (phrase_after, " faster on consumer hardware", None),
    (phrase_before, "It improves throughput by ", "throughput"),
    (phrase_before, "an average accuracy of ", "average accuracy"),
    (phrase_before, "처리량은 ", "처리량"),
]


@pytest.mark.parametrize(("reader", "window", "phrase"), PHRASES, ids=[p[1][:30] for p in PHRASES])
def test_measured_phrases(reader, window: str, phrase: str | None) -> None:
    assert reader(window, 0, len(window)) == phrase
