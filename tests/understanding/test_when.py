"""Date/time resolution against a fixed clock: Wednesday 2026-11-25 10:00 Los Angeles."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from graph.understanding import Expecting, When
from nodes.understanding.when import resolve_when

TZ = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)  # a Wednesday


def when(text: str, expecting: Expecting = "request", now: datetime = NOW) -> When:
    """Resolve `text` against the fixed clock."""
    return resolve_when(text, now=now, expecting=expecting)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 26)),
        ("day after tomorrow", date(2026, 11, 27)),
        ("Monday", date(2026, 11, 30)),
        ("on Monday", date(2026, 11, 30)),
        ("this Monday", date(2026, 11, 30)),
        ("Wednesday", date(2026, 11, 25)),
        ("next Friday", date(2026, 11, 27)),
        ("next Wednesday", date(2026, 12, 2)),
        ("this coming Friday", date(2026, 11, 27)),
        ("Friday next week", date(2026, 12, 4)),
        ("next week on Tuesday", date(2026, 12, 1)),
        ("in 3 days", date(2026, 11, 28)),
        ("in two weeks", date(2026, 12, 9)),
        ("a week from today", date(2026, 12, 2)),
        ("December 3rd", date(2026, 12, 3)),
        ("Dec 3", date(2026, 12, 3)),
        ("3rd of December", date(2026, 12, 3)),
        ("the 3rd of December", date(2026, 12, 3)),
        ("december twenty first", date(2026, 12, 21)),
        ("12/3", date(2026, 12, 3)),
        ("on the 13th", date(2026, 12, 13)),
        ("the 30th", date(2026, 11, 30)),
        ("the thirteenth", date(2026, 12, 13)),
        ("on the second", date(2026, 12, 2)),
        ("March 3", date(2027, 3, 3)),
        ("September 1", date(2027, 9, 1)),
        ("December 3 2027", date(2027, 12, 3)),
        ("12/3/27", date(2027, 12, 3)),
        ("move it from Friday to Monday", date(2026, 11, 30)),
        ("next week, say Tuesday", date(2026, 12, 1)),
    ],
)
def test_single_days(text: str, day: date) -> None:
    """Day phrases resolve to one business-local date."""
    result = when(text)
    assert result.day == day
    assert not result.past


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("next week", date(2026, 11, 30), date(2026, 12, 6)),
        ("this week", date(2026, 11, 25), date(2026, 11, 29)),
        ("later this week", date(2026, 11, 26), date(2026, 11, 29)),
        ("the weekend", date(2026, 11, 28), date(2026, 11, 29)),
        ("this weekend", date(2026, 11, 28), date(2026, 11, 29)),
        ("in December", date(2026, 12, 1), date(2026, 12, 31)),
        ("next month", date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_day_ranges(text: str, first: date, last: date) -> None:
    """Range phrases give an inclusive day_from..day_to and no single day."""
    result = when(text)
    assert (result.day, result.day_from, result.day_to) == (None, first, last)


def test_next_weekday_said_on_that_weekday() -> None:
    """On a Monday "next Monday" is a week ahead while "Monday" is today."""
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
    assert when("next Monday", now=monday).day == date(2026, 12, 7)
    assert when("Monday", now=monday).day == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("yesterday", date(2026, 11, 24)),
        ("last Monday", date(2026, 11, 23)),
        ("October 1st", date(2026, 10, 1)),
        ("10/20", date(2026, 10, 20)),
        ("December 3 2025", date(2025, 12, 3)),
    ],
)
def test_past_days(text: str, day: date) -> None:
    """Days gone by (including yearless dates within the last 60 days) are flagged past."""
    result = when(text)
    assert (result.day, result.past) == (day, True)


def test_bare_day_already_passed_is_next_month() -> None:
    """A bare day of month earlier than today means next month."""
    assert when("the 13th").day == date(2026, 12, 13)


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("3pm", time(15)),
        ("3 p.m.", time(15)),
        ("3:30", time(15, 30)),
        ("3.30 pm", time(15, 30)),
        ("15:00", time(15)),
        ("at 3", time(15)),
        ("at 9", time(9)),
        ("at 12", time(12)),
        ("3 o'clock", time(15)),
        ("half past 3", time(15, 30)),
        ("quarter past 10", time(10, 15)),
        ("quarter to 4", time(15, 45)),
        ("noon", time(12)),
        ("midday", time(12)),
        ("10 in the morning", time(10)),
        ("3 in the afternoon", time(15)),
        ("morning 10:30", time(10, 30)),
        ("ten thirty", time(10, 30)),
        ("three forty-five", time(15, 45)),
        ("at one", time(13)),
        ("tomorrow morning at 7", time(7)),
        ("at 7 tonight", time(19)),
        ("at 08:00", time(8)),
        ("make it 4", time(16)),
        ("how about 4", time(16)),
        ("no, 4", time(16)),
        ("friday 3", time(15)),
        ("3", time(15)),
        ("2:30 works", time(14, 30)),
        ("the 2:30 one", time(14, 30)),
    ],
)
def test_exact_times(text: str, at: time) -> None:
    """Exact times resolve with business-hours am/pm when none is said."""
    assert when(text).at == at


def test_in_the_morning_sets_meridiem_not_part_of_day() -> None:
    """ "10 in the morning" is a time, with no part of day left over."""
    assert when("10 in the morning") == When(at=time(10))


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("after 3", time(15), None),
        ("later than 2", time(14), None),
        ("from 2 on", time(14), None),
        ("not before 10", time(10), None),
        ("no earlier than 10", time(10), None),
        ("3 or later", time(15), None),
        ("quarter after 3 or later", time(15, 15), None),
        ("before noon", None, time(12)),
        ("by 2", None, time(14)),
        ("no later than 3", None, time(15)),
        ("until 4", None, time(16)),
        ("earlier than 11", None, time(11)),
        ("between 2 and 4", time(14), time(16)),
        ("from 2 to 4", time(14), time(16)),
        ("between 1 and 3pm", time(13), time(15)),
        ("between 11 and 1", time(11), time(13)),
        ("from 10am to 2", time(10), time(14)),
        ("lunchtime", time(11, 30), time(13, 30)),
        ("after lunch", time(13), None),
    ],
)
def test_time_bounds(text: str, earliest: time | None, latest: time | None) -> None:
    """Bounds and ranges fill earliest/latest and never `at`."""
    result = when(text)
    assert (result.earliest, result.latest, result.at) == (earliest, latest, None)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Thursday afternoon", "afternoon"),
        ("in the morning", "morning"),
        ("this evening", "evening"),
        ("tonight", "evening"),
        ("first thing tomorrow", "morning"),
    ],
)
def test_part_of_day(text: str, part: str) -> None:
    """Parts of day are reported as such (and "afternoon" is not "noon")."""
    result = when(text)
    assert (result.part_of_day, result.at) == (part, None)


def test_today_and_tonight_are_today() -> None:
    """ "tonight" and "this afternoon" name today."""
    assert when("tonight").day == date(2026, 11, 25)
    assert when("this afternoon").day == date(2026, 11, 25)


def test_time_earlier_today_is_past() -> None:
    """A time today that is before now is flagged past; a later one is not."""
    assert when("today at 9").past
    assert not when("today at 3").past
    assert not when("tomorrow at 9").past


@pytest.mark.parametrize(
    "text",
    ["the 31st", "the thirty first", "February 30", "next weekend"],
)
def test_ambiguous(text: str) -> None:
    """Days that do not exist, and "next weekend" said mid-week, are flagged ambiguous."""
    assert when(text).ambiguous is not None


def test_next_weekend_mid_week_carries_no_day() -> None:
    """ "next weekend" mid-week is asked about: no weekend is acted on until the caller says."""
    result = when("next weekend")
    assert result.ambiguous == "next weekend"
    assert (result.day, result.day_from, result.day_to) == (None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "the second one",
        "this one",
        "the first one please",
        "may I book something",
        "I'll march in",
        "2 people",
        "wait a second",
        "I need an appointment",
        "we need a slot",
        "number two",
        "option 3",
    ],
)
def test_nothing_to_resolve(text: str) -> None:
    """Picks, modal "may", plain counts and other non-time words resolve to nothing."""
    assert when(text).is_empty()


@pytest.mark.parametrize("text", ["the second", "first", "2", "two", "the last one", "third"])
def test_picks_are_not_days_when_choosing(text: str) -> None:
    """While choosing from a list, ordinals and small numbers are picks, not days or times."""
    assert when(text, expecting="slot_choice").is_empty()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("the 13th", date(2026, 12, 13)),
        ("on the 21st", date(2026, 12, 21)),
        ("on the second", date(2026, 12, 2)),
        ("the 3rd of December", date(2026, 12, 3)),
    ],
)
def test_days_still_days_when_choosing(text: str, day: date) -> None:
    """While choosing, "the 13th" or "on the second" are still days of month."""
    assert when(text, expecting="slot_choice").day == day


def test_may_with_a_day_is_a_month() -> None:
    """ "may" next to a day number is the month of May."""
    assert when("may 3rd").day == date(2027, 5, 3)


def test_day_and_time_together() -> None:
    """A day and a time combine; the day number and hour do not get confused."""
    assert when("can I come in on the 13th at 3") == When(day=date(2026, 12, 13), at=time(15))
    assert when("Dec 3 at 3") == When(day=date(2026, 12, 3), at=time(15))
    assert when("anything after 3 next week?") == When(
        day_from=date(2026, 11, 30), day_to=date(2026, 12, 6), earliest=time(15)
    )


def test_clock_is_injected() -> None:
    """Relative days follow the `now` passed in, not the machine clock."""
    later = datetime(2027, 2, 26, 9, 0, tzinfo=TZ)  # a Friday
    assert when("tomorrow", now=later).day == date(2027, 2, 27)
    assert when("the 13th", now=later).day == date(2027, 3, 13)
    assert when("the 30th", now=later).ambiguous == "the 30th"
