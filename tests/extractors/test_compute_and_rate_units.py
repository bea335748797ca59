"""Issue 11, round 11: units of compute, rate and likelihood written after a number. A count of floating-point
operations or a rate of them ("15.1 PetaFLOPs", "40 teraflops", "502 페타플롭스") is a measure of compute, as
"410B FLOPs" was, and no model's name; a frame rate ("68.9 FPS") is a measure even with a fraction; panoptic
quality and bits per character or dimension ("57.8 PQ", "1.10 BPC", "2.99 bits/dim") score a result."""

from __future__ import annotations

import pytest

from extractors.metric_benchmarks import looks_like_model
from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("The cluster held 12.5 PetaFLOPs for the whole run.", 12.5, "PetaFLOPs"),
        ("Their kernel peaks near 40 teraflops on one card.", 40.0, "teraflops"),
        ("Each accelerator kept up 180 TFLOPS during pretraining.", 180.0, "TFLOPS"),
        ("전체 클러스터는 학습 내내 320 페타플롭스를 유지했습니다.", 320.0, "PFLOP/s"),
        ("이 칩 하나가 90 테라플롭스를 냅니다.", 90.0, "TFLOP/s"),
    ],
    ids=["petaflops-camel", "teraflops-word", "tflops-caps", "ko-peta", "ko-tera"],
)
def test_a_rate_of_compute_is_a_measure(sentence: str, value: float, unit: str) -> None:
    assert (value, unit) in [(m.value, m.unit) for m in extract_metrics(sentence)]


@pytest.mark.parametrize("word", ["PetaFLOPs", "PFLOPs", "TFLOPs/s", "GFLOPs", "ExaFLOPS"])
def test_a_compute_unit_is_no_model_name(word: str) -> None:
    assert not looks_like_model(word)


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("The small detector runs at 45.6 FPS on a laptop GPU.", 45.6, "FPS"),
        ("Tracking holds 12.5 fps on the embedded board.", 12.5, "fps"),
        ("Rendering reaches 120 FPS at full resolution.", 120.0, "FPS"),
    ],
    ids=["fps-decimal", "fps-lower", "fps-integer"],
)
def test_a_frame_rate_is_a_measure(sentence: str, value: float, unit: str) -> None:
    assert (value, unit) in [(m.value, m.unit) for m in extract_metrics(sentence)]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("Panoptic results reach 49.3 PQ on the city scenes.", 49.3, "PQ"),
        ("The char model gets 0.99 BPC on the wiki dump.", 0.99, "BPC"),
        ("Likelihood improves to 3.41 bits/dim on the image set.", 3.41, "bits/dim"),
        ("It reports 2.65 bpd after distillation.", 2.65, "bits/dim"),
    ],
    ids=["pq", "bpc", "bits-per-dim", "bpd"],
)
def test_a_quality_or_likelihood_unit_scores_a_result(sentence: str, value: float, unit: str) -> None:
    assert (value, unit) in [(m.value, m.unit) for m in extract_metrics(sentence)]
