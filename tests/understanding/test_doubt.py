"""The unread-day check asks about half-read days, and stays quiet on ordinary turns."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nodes.understanding.holiday_days import next_holiday
from nodes.understanding.when import resolve_when

pytestmark = pytest.mark.slow  # the whole shared dataset

TZ = ZoneInfo("America/Los_Angeles")
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=TZ)
CASES = Path(__file__).resolve().parents[3] / "shared/datasets/sgd-services/cases.jsonl"


def test_real_callers_ordinary_turns_are_not_questioned() -> None:
    """Of the 8,390 real caller turns, at most 1 in 1,000 is met with a question about the day."""
    turns = 0
    questioned: list[str] = []
    for line in CASES.read_text().splitlines():
        case = json.loads(line)
        now = datetime.fromisoformat(f"{case['today']}T08:00").replace(tzinfo=TZ)
        for text in case["user_turns"]:
            turns += 1
            if resolve_when(text, now=now).ambiguous:
                questioned.append(text)
    assert turns > 8000
    assert len(questioned) <= turns // 1000, questioned


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("the Tuesday after my surgery at 3", "tuesday after my surgery"),
        ("can I come on Boxing Day", "boxing day"),
        ("two days after payday", "2 days after"),
        ("the third week of Octember", "week of"),
    ],
)
def test_the_question_quotes_what_was_not_read(text: str, quoted: str) -> None:
    """An uncertain reading carries no day and names the words it could not read."""
    result = resolve_when(text, now=WEDNESDAY)
    assert result.day is None and result.day_from is None
    assert result.ambiguous is not None and quoted in result.ambiguous


def test_a_time_said_with_an_unread_day_is_kept() -> None:
    """The time survives an unread day, so the caller's answer only has to name the day."""
    result = resolve_when("the Monday after the Christmas party at 4", now=WEDNESDAY)
    assert result.ambiguous is not None
    assert result.at is not None and result.at.hour == 16


@pytest.mark.parametrize(
    ("name", "region", "expected"),
    [
        ("Thanksgiving Day", "US", date(2027, 11, 25)),
        ("Christmas Day", "US", date(2026, 12, 25)),
        ("Easter Monday", "GB", date(2027, 3, 29)),
        ("Late Summer Bank Holiday", "GB", date(2027, 8, 30)),
    ],
)
def test_holidays_come_from_the_library_for_the_region(
    name: str, region: str, expected: date
) -> None:
    """A holiday is its next occurrence on or after today, in the business's country."""
    assert next_holiday(name, WEDNESDAY.date(), region) == expected


def test_a_region_the_library_lacks_has_no_holidays_by_name() -> None:
    """An unknown region resolves no holiday rather than failing the call."""
    assert next_holiday("Christmas Day", WEDNESDAY.date(), "ZZ") is None
    assert resolve_when("Christmas at 3", now=WEDNESDAY, region="ZZ").day is None
