"""Issue 11, round 6: a frequency is a measure unit like a byte or a FLOP ("audio at 24 kHz", "a 16 kHz
codec", "control at 50 Hz", "a 1.4 GHz clock"): the number is a size in that unit."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("The decoder writes stereo audio at 24 kHz without a vocoder.", 24.0, "kHz"),
        ("Their codec compresses 16 kHz speech to 1.5 kbps.", 16.0, "kHz"),
        ("The policy issues joint commands at 50 Hz on the real arm.", 50.0, "Hz"),
        ("The accelerator keeps a 1.4 GHz clock under load.", 1.4, "GHz"),
    ],
    ids=["khz-audio", "khz-speech", "hz-control", "ghz-clock"],
)
def test_a_frequency_is_a_size(sentence: str, value: float, unit: str) -> None:
    assert (value, unit) in [(m.value, m.unit) for m in extract_metrics(sentence)]


@pytest.mark.parametrize("sentence", ["The HZ-3 rover landed.", "Tune in at 24 khz radio tonight."])
def test_only_the_written_units_count(sentence: str) -> None:
    assert not [m for m in extract_metrics(sentence) if m.unit.lower().endswith("hz")]
