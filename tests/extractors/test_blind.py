"""The blind set (tests/extractors/blind/): newsletter formats written without looking at the extractor
(an Atom feed with click-tracked links, a plain-text-only digest, a Batch-style page, a Korean blog page,
a Hugging Face papers list, an HTML-only Mailchimp email, a Substack post with passing mentions), scored
by the shared corpus scorer against its own labels, must meet the same bars as the dev corpus."""

from __future__ import annotations

from pathlib import Path

from tests.corpus import assert_scorer_meets_bars

BLIND_LABELS = Path(__file__).resolve().parent / "blind" / "labels.json"


def test_blind_set_meets_the_bars():
    assert_scorer_meets_bars(BLIND_LABELS)
