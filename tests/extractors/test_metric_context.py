"""Stage 5 of the metric reader (extractors/metric_context.py): the model a sentence reports on, and each
number's qualifier and direction."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _metric(text: str, value: float):
    return next(m for m in extract_metrics(text) if abs(m.value - value) < 1e-6)


# (text, value, subject)
SUBJECTS = [
    ("DeepSeek-R1 scores 79.8% on AIME 2024.", 79.8, "DeepSeek-R1"),
    ("It beats GPT-4 with 56% on MMLU.", 56, None),  # the baseline is not the subject
    ("Qwen2.5-32B reaches 56% on MMLU, compared to o1.", 56, "Qwen2.5-32B"),
    ("Unlike GPT-4o, Llama-3 70B reaches 60% on MMLU.", 60, "Llama-3 70B"),
    ("DeepSeek-V3는 MMLU에서 88.5%를 기록했습니다.", 88.5, "DeepSeek-V3"),
    ("GPT-4보다 Qwen2.5가 MMLU에서 2% 높습니다.", 2, "Qwen2.5"),
    # a family with its version or size is a model; a comparison in a clause of its own names no baseline
    ("Mistral 7B reaches 60% on MMLU.", 60, "Mistral 7B"),
    ("Claude 3.5 Sonnet scores 49% on SWE-bench Verified.", 49, "Claude 3.5 Sonnet"),
    ("Llama 3 70B gets 82% on MMLU.", 82, "Llama 3 70B"),
    ("Compared to o1, Qwen2.5-32B reaches 56% on MMLU.", 56, "Qwen2.5-32B"),
    ("Relative to GPT-4, DeepSeek-V3 scores 88% on MMLU.", 88, "DeepSeek-V3"),
    # every form of a verb whose object is a baseline marks it so
    ("The 70B model beat Llama-3.1 on 7 of 10 benchmarks.", 7, None),
    ("Our model outperformed GPT-4o with 56% on MMLU.", 56, None),
    ("Surpassing Qwen2.5-72B, it reaches 70% on GPQA.", 70, None),
    # a baseline verb a few words before a model makes it a baseline; an owner's name before it does not
    ("The 70B model beats the much larger Llama-3.1-405B with 88% on MMLU.", 88, None),
    ("It matches a full-precision LLaMA-7B baseline with 60% on MMLU.", 60, None),
    ("It ties with OpenAI's o1 at 79% on AIME.", 79, None),
    ("Zhipu's GLM-4.5 has 32B active parameters.", 32e9, "GLM-4.5"),
    ("Meta's Llama-3-70B scores 82% on MMLU.", 82, "Llama-3-70B"),
    # a semicolon starts a part of the sentence about the model named in it, if one is
    ("Qwen3-30B-A3B has 3B active parameters; DeepSeek-Prover-V2 solves 49 of the 658 problems.", 49,
     "DeepSeek-Prover-V2"),
    ("GPT-4o gets 88% on MMLU; Llama-3-70B gets 82%.", 82, "Llama-3-70B"),
    ("DeepSeek-R1 leads; it scores 79.8% on AIME 2024.", 79.8, "DeepSeek-R1"),
    # ... and so do "while", "whereas" and "but" (not "and": a baseline after "and" stays one)
    ("GPT-4o gets 53.6% while o1 gets 83.3% on AIME.", 83.3, "o1"),
    ("DeepSeek-R1 scores 80% on AIME, but o1 gets 79%.", 79, "o1"),
    ("Qwen2.5-72B reaches 85% on MMLU, whereas Llama-3-70B reaches 82%.", 82, "Llama-3-70B"),
    ("X-1 beats GPT-4 and Claude-3 with 80% on MMLU.", 80, "X-1"),
    ("DeepSeek-R1 scores 79.8% on AIME 2024 and 97.3% on MATH-500.", 97.3, "DeepSeek-R1"),
    # a model in parentheses right after a score is its subject
    ("SWE-bench Verified: 72.7% (Claude Opus 4), 69.1% (o3).", 69.1, "o3"),
    ("MMLU: 88.7% (GPT-4o) vs 86.8% (Claude 3 Opus).", 86.8, "Claude 3 Opus"),
    ("It scores 56% (5-shot) on MMLU.", 56, None),
]

# (text, value, qualifier)
QUALIFIERS = [
    ("It is ~40% cheaper.", 40, "approximate"),
    ("It reaches roughly 3x the throughput.", 3, "approximate"),
    ("Inference is at least 2x faster.", 2, "at least"),
    ("It covers 100+ languages.", 100, "at least"),
    ("It gives speedups of 2x or more.", 2, "at least"),
    ("BLT uses up to 50% fewer inference FLOPs.", 50, "up to"),
    ("It uses as much as 5x less memory.", 5, "up to"),
    ("속도가 50% 이상 빨라졌습니다.", 50, "at least"),
    ("추론 속도는 3배가량 빨라졌습니다.", 3, "approximate"),
    ("최대 6배 빠릅니다.", 6, "up to"),
    ("Training ran over 54 days.", 54, None),  # a duration after "over" says when
]

# (text, value, direction)
DIRECTIONS = [
    ("The method gives 6x faster decoding.", 6, "increase"),
    ("It uses 75% less KV cache.", 75, "reduction"),
    ("vLLM improves throughput by 2.5x.", 2.5, "increase"),
    ("It cuts latency by 28%.", 28, "reduction"),
    ("We see an improvement of 7% on MMLU.", 7, "increase"),
    ("It boosts generation throughput 5.76 times.", 5.76, "increase"),
    ("메모리 사용량은 약 40% 줄었습니다.", 40, "reduction"),
    ("We see a +1.5pp gain on GSM8K.", 1.5, "increase"),
    ("It beats GPT-4 with 56% on MMLU.", 56, None),  # a score, not a change
    # "up" or "down" right before a number, and a noun of change after it
    ("It scores 68.4 on MMLU-Pro, up 4.2 points from its predecessor.", 4.2, "increase"),
    ("Latency is down 30% from the last release.", 30, "reduction"),
    ("It reaches 81% on GPQA, a 6-point jump.", 6, "increase"),
]


@pytest.mark.parametrize(("text", "value", "subject"), SUBJECTS, ids=[s[0][:40] for s in SUBJECTS])
def test_subjects(text: str, value: float, subject: str | None) -> None:
    assert _metric(text, value).subject == subject


@pytest.mark.parametrize(("text", "value", "qualifier"), QUALIFIERS, ids=[q[0][:40] for q in QUALIFIERS])
def test_qualifiers(text: str, value: float, qualifier: str | None) -> None:
    assert _metric(text, value).qualifier == qualifier


@pytest.mark.parametrize(("text", "value", "direction"), DIRECTIONS, ids=[d[0][:40] for d in DIRECTIONS])
def test_directions(text: str, value: float, direction: str | None) -> None:
    assert _metric(text, value).direction == direction
