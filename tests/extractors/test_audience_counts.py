"""Issue 11, round 11: the audience of a newsletter's own events ("voted by 212 members", "30 seats left",
"38 attendees", "선착순 40명") is a counter like a subscriber count, never a paper's result; a count of members
that is part of the method ("an ensemble of 5 members") is not read as one either way."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


@pytest.mark.parametrize(
    "sentence",
    [
        "Next session's topic was picked by 148 members of the reading group.",
        "Meetup on the 9th at the usual place: 30 seats, first come first served.",
        "Last week's call had 38 attendees and ran long.",
        "정기 모임 안내: 선착순 25명, 장소는 2층 세미나실입니다.",
        "오프라인 행사는 좌석 60개가 준비되어 있습니다.",
    ],
    ids=["members", "seats", "attendees", "ko-first-come", "ko-seats"],
)
def test_an_audience_count_is_no_metric(sentence: str) -> None:
    assert [m for m in extract_metrics(sentence) if m.unit == "count"] == []
