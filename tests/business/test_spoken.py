"""How dates, times and offered slots are said aloud."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from business.spoken import ordinal, say_date, say_options, say_slot, say_slots, say_time

TZ = ZoneInfo("America/Los_Angeles")
THU = date(2026, 12, 3)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Build a business-local instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


@pytest.mark.parametrize(
    ("t", "spoken"),
    [
        (time(9), "9 AM"),
        (time(14, 30), "2:30 PM"),
        (time(15), "3 PM"),
        (time(12), "noon"),
        (time(12, 30), "12:30 PM"),
        (time(0), "midnight"),
        (time(0, 30), "12:30 AM"),
        (time(9, 5), "9:05 AM"),
    ],
)
def test_say_time(t: time, spoken: str) -> None:
    """Whole hours drop the minutes, noon and midnight are words, AM/PM is always said."""
    assert say_time(t) == spoken


def test_say_time_uses_the_datetimes_own_wall_time() -> None:
    """A datetime is spoken as given, never converted."""
    assert say_time(at(THU, 14, 30)) == "2:30 PM"
    assert say_time(datetime(2026, 12, 3, 9, tzinfo=UTC)) == "9 AM"


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (30, "30th"),
        (31, "31st"),
    ],
)
def test_ordinals(n: int, spoken: str) -> None:
    """Days of the month take st/nd/rd/th, with 11-13 always 'th'."""
    assert ordinal(n) == spoken


def test_say_date_absolute() -> None:
    """Without a reference day, a date is weekday, month and ordinal day."""
    assert say_date(THU) == "Thursday, December 3rd"
    assert say_date(date(2026, 12, 22)) == "Tuesday, December 22nd"
    assert say_date(at(THU, 9)) == "Thursday, December 3rd"


def test_say_date_today_and_tomorrow_keep_the_absolute_date() -> None:
    """'today' and 'tomorrow' are prefixed, never replacing the weekday and date."""
    assert say_date(THU, today=THU) == "today, Thursday, December 3rd"
    assert say_date(THU, today=date(2026, 12, 2)) == "tomorrow, Thursday, December 3rd"
    assert say_date(THU, today=date(2026, 12, 1)) == "Thursday, December 3rd"


def test_say_date_adds_the_year_only_when_it_differs() -> None:
    """A date in another year than today says the year."""
    assert say_date(date(2027, 1, 1), today=date(2026, 12, 31)) == (
        "tomorrow, Friday, January 1st, 2027"
    )
    assert say_date(date(2027, 1, 13), today=THU) == "Wednesday, January 13th, 2027"
    assert say_date(date(2026, 12, 11), today=THU) == "Friday, December 11th"


def test_say_slot() -> None:
    """A slot is its date, 'at', and its time."""
    assert say_slot(at(THU, 14, 30)) == "Thursday, December 3rd at 2:30 PM"
    assert say_slot(at(THU, 12), today=THU) == "today, Thursday, December 3rd at noon"


@pytest.mark.parametrize(
    ("items", "spoken"),
    [
        ([], ""),
        (["A"], "A"),
        (["A", "B"], "A or B"),
        (["A", "B", "C"], "A, B, or C"),
        (["A", "B", "C", "D"], "A, B, C, or D"),
    ],
)
def test_say_options(items: list[str], spoken: str) -> None:
    """Options are joined with an Oxford-comma 'or'."""
    assert say_options(items) == spoken


def test_say_slots_on_one_day_names_the_day_once() -> None:
    """Slots on the same day share one date."""
    slots = [at(THU, 9), at(THU, 9, 30), at(THU, 14)]
    assert say_slots(slots, today=None) == "Thursday, December 3rd at 9 AM, 9:30 AM, or 2 PM"


def test_say_slots_on_different_days() -> None:
    """Slots on different days each carry their date."""
    slots = [at(THU, 9), at(date(2026, 12, 4), 10), at(date(2026, 12, 7), 12)]
    assert say_slots(slots, today=date(2026, 12, 2)) == (
        "tomorrow, Thursday, December 3rd at 9 AM, Friday, December 4th at 10 AM, "
        "or Monday, December 7th at noon"
    )


def test_say_slots_mixed_days_group_times() -> None:
    """Two slots on one day and one on another read as two groups."""
    slots = [at(THU, 9), at(THU, 9, 30), at(date(2026, 12, 4), 9)]
    assert say_slots(slots) == (
        "Thursday, December 3rd at 9 AM or 9:30 AM, or Friday, December 4th at 9 AM"
    )


def test_say_slots_empty() -> None:
    """No slots say nothing."""
    assert say_slots([]) == ""


def test_say_options_lists_facts_with_and() -> None:
    """A list of the caller's appointments is joined with "and", a choice with "or"."""
    assert say_options(["A", "B", "C"], word="and") == "A, B, and C"
    assert say_options(["A", "B"], word="and") == "A and B"
