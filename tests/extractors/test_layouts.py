"""The open part of the layouts corpus (tests/extractors/layouts/labels.json: newsletters written in the layouts
of real ones, see its README), scored by the shared corpus scorer as a user runs it. Only the open labels are
read here: the sealed part (layouts/sealed/) is scored by hand at the start and the end of issue 11, never by a
test, so that nobody tunes on it."""

from __future__ import annotations

from pathlib import Path

from tests.corpus import LAYOUTS_BARS, LAYOUTS_TITLES, assert_scorer_meets_bars

LAYOUTS_LABELS = Path(__file__).resolve().parent / "layouts" / "labels.json"


def test_open_layouts_set_meets_the_bars():
    assert_scorer_meets_bars(LAYOUTS_LABELS, LAYOUTS_BARS, titles=LAYOUTS_TITLES)
