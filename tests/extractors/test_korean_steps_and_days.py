"""Issue 11, round 7: two Korean units that are also other words. "단계" after a number counts steps where the
sentence says how many it takes ("4단계로 줄었다", "8단계 만에", "2~4단계로"); elsewhere it names a stage ("1단계:
정렬 학습", "2단계에서는", "1단계만 마친"), as "Stage 1" does. "일" after a number is a number of days where no month
has that day ("675일", "400일이"), as after "만에", "동안" and "간" already; "12일 공개했다" stays a date."""

from __future__ import annotations

import pytest

from extractors.metrics import extract_metrics


def _read(text: str) -> list[tuple[float, str]]:
    return [(m.value, m.unit) for m in extract_metrics(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("증류 후에는 샘플링이 4단계로 줄어듭니다.", [(4.0, "steps")]),
        ("이 모델은 8단계 만에 고해상도 이미지를 만든다.", [(8.0, "steps")]),
        ("노이즈 제거를 1~2단계로 끝낼 수 있다.", [(1.0, "steps"), (2.0, "steps")]),
        ("6단계로도 품질이 거의 떨어지지 않았다.", [(6.0, "steps")]),
        ("생성은 20스텝으로 충분했다.", [(20.0, "steps")]),
    ],
    ids=["reduced-to", "within", "range", "even-with", "seuteb"],
)
def test_a_count_of_steps(text: str, expected: list[tuple[float, str]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    ["1단계: 이미지와 캡션 쌍으로 정렬을 배운다", "2단계에서는 대화 데이터로 미세조정한다",
     "1단계만 마친 모델은 말을 반복한다", "3단계 로드맵을 발표했다"],
    ids=["label", "in-stage", "only-stage", "roadmap"],
)
def test_a_stage_is_no_count(text: str) -> None:
    assert _read(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GPU 기준 약 480일이 걸렸다.", [(480.0, "days")]),
        ("V100으로 환산하면 1,200일 대 90일입니다.", [(1200.0, "days"), (90.0, "days")]),
        ("학습에는 총 365일의 계산이 들었다.", [(365.0, "days")]),
    ],
    ids=["about", "versus", "of"],
)
def test_more_days_than_a_month_has_are_a_duration(text: str, expected: list[tuple[float, str]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize("text", ["연구진은 12일 모델을 공개했다.", "3월 28일 발표된 논문이다.",
                                  "300일부터 서비스를 시작한다."])
def test_a_day_of_the_month_is_no_duration(text: str) -> None:
    assert _read(text) == []
