"""Issue 11, round 11: a curated benchmark is named in its other spellings too: with its release ("SQuAD 2.0",
"SQuAD v1.1", "VQA 2.0", "LiveCodeBench v5", "BFCL v3") and, where its last part is a number, without the hyphen
("CIFAR10", "WikiText103", "Kinetics400"); a score right after such a name takes it."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value", "name"),
    [
        ("It tops the board on SQuAD 2.0 (90.1 F1) and on RACE (86.0% accuracy).", 90.1, "SQuAD 2.0"),
        ("SQuAD v1.1 F1 rises to 91.7 with the bigger encoder.", 91.7, "SQuAD v1.1"),
        ("On VQA 2.0 the model answers 71.3% of test-dev questions.", 71.3, "VQA 2.0"),
        ("It scores 38.5% on LiveCodeBench v5 without tools.", 38.5, "LiveCodeBench v5"),
        ("Function calling reaches 81.2% on BFCL v3.", 81.2, "BFCL v3"),
    ],
    ids=["squad-bare-release", "squad-v", "vqa-release", "livecodebench-v", "bfcl-v"],
)
def test_a_benchmark_with_its_release(sentence: str, value: float, name: str) -> None:
    assert (name, value) in [(m.name, m.value) for m in extract_metrics(sentence)]


@pytest.mark.parametrize(
    ("sentence", "value", "name"),
    [
        ("On CIFAR10 the small model reaches 96.2% accuracy.", 96.2, "CIFAR10"),
        ("The language model gets a WikiText103 perplexity of 17.4.", 17.4, "WikiText103"),
        ("Top-1 accuracy is 81.9% on Kinetics400 from scratch.", 81.9, "Kinetics400"),
    ],
    ids=["cifar10", "wikitext103", "kinetics400"],
)
def test_a_benchmark_without_its_hyphen(sentence: str, value: float, name: str) -> None:
    assert (name, value) in [(m.name, m.value) for m in extract_metrics(sentence)]


def test_a_score_after_a_benchmark_is_no_release() -> None:
    assert [(m.name, m.value) for m in extract_metrics("MMLU 5.2, GSM8K 3.1 points higher")][:1] == [("MMLU", 5.2)]
