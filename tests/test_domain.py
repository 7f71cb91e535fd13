"""The program's vocabulary: fields map to review areas; quarters are computed in the club's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import FIELD_REVIEW_AREA, FieldKey, Language, Quarter, ReviewArea, language_for_locale

SEOUL = ZoneInfo("Asia/Seoul")


def test_every_field_has_its_review_area_from_the_plan():
    assert set(FIELD_REVIEW_AREA) == set(FieldKey)
    assert len(FieldKey) == 13
    assert FieldKey.QUANTUM.review_area is ReviewArea.BASICS
    assert FieldKey.SECONDARY_BATTERY.review_area is ReviewArea.RESOURCES_ENVIRONMENT_ENERGY
    assert FieldKey.CYBERSECURITY.review_area is ReviewArea.INFORMATION_COMMUNICATIONS
    assert FieldKey.ROBOT_MANUFACTURING.review_area is ReviewArea.MACHINERY_MATERIALS_AEROSPACE
    assert FieldKey.SEMICONDUCTOR_DISPLAY.review_area is ReviewArea.ELECTRICAL_ELECTRONICS
    assert FieldKey.ADVANCED_BIOTECH.review_area is ReviewArea.CHEMICAL_LIFE
    assert FieldKey.AI.review_area is ReviewArea.AI_METAVERSE
    assert set(FIELD_REVIEW_AREA.values()) == set(ReviewArea)


@pytest.mark.parametrize("text", ["2026Q4", "2026-Q4", "2026 q4", " 2026q4 "])
def test_quarter_parses_common_spellings(text):
    assert Quarter.parse(text) == Quarter(2026, 4)


@pytest.mark.parametrize("text", ["2026Q5", "Q4", "2026", "26Q1", "2026-Q0", ""])
def test_quarter_rejects_other_text(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_quarter_bounds_and_neighbours():
    q4 = Quarter(2026, 4)
    assert str(q4) == "2026Q4"
    assert q4.first_day == date(2026, 10, 1)
    assert q4.last_day == date(2026, 12, 31)
    assert q4.next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == q4
    assert Quarter(2026, 1).last_day == date(2026, 3, 31)


def test_quarter_boundary_is_midnight_in_seoul_not_utc():
    # 2026-09-30 16:00 UTC is already 1 October 01:00 in Seoul: the fourth quarter there.
    instant = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    assert Quarter.of_instant(instant, SEOUL) == Quarter(2026, 4)
    assert Quarter.of_instant(instant, ZoneInfo("UTC")) == Quarter(2026, 3)
    assert Quarter(2026, 4).start(SEOUL) == datetime(2026, 9, 30, 15, 0, tzinfo=UTC)
    assert Quarter(2026, 4).end(SEOUL) == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("ko-KR", Language.KO), ("ko_KR", Language.KO), ("en-US", Language.EN), ("en-GB", Language.EN),
     ("ja-JP", Language.EN), (None, Language.KO), ("", Language.KO)],
)  # fmt: skip
def test_slack_locale_maps_to_a_language(locale, expected):
    assert language_for_locale(locale, default=Language.KO) is expected
