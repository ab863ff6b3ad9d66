"""How callers say dates and times on the phone, resolved on a Friday (2019-03-01, 9:00)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from graph.understanding import When
from nodes.understanding.when import resolve_when

TZ = ZoneInfo("America/Los_Angeles")
FRIDAY = datetime(2019, 3, 1, 9, 0, tzinfo=TZ)
MID_MONTH = datetime(2019, 3, 20, 9, 0, tzinfo=TZ)  # a Wednesday


def when(text: str, now: datetime = FRIDAY) -> When:
    """Resolve `text` against the Friday clock."""
    return resolve_when(text, now=now)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("the 10th of this month", date(2019, 3, 10)),
        ("on 5th of this month", date(2019, 3, 5)),
        ("the 1st of this month", date(2019, 3, 1)),
        ("the tenth of the month", date(2019, 3, 10)),
        ("the 3rd of next month", date(2019, 4, 3)),
        ("14th April", date(2019, 4, 14)),
        ("5 March", date(2019, 3, 5)),
        ("the fifth of March", date(2019, 3, 5)),
        ("March the fourteenth", date(2019, 3, 14)),
        ("Sunday 3rd March", date(2019, 3, 3)),
        ("the 2nd", date(2019, 3, 2)),
    ],
)
def test_days_of_month(text: str, day: date) -> None:
    """Days of month with "of this month", "of next month" or a month after the day resolve."""
    assert (when(text).day, when(text).past) == (day, False)


def test_of_this_month_pins_the_month() -> None:
    """ "the 10th of this month" said on the 20th is a past date, not next month's 10th."""
    result = when("the 10th of this month", MID_MONTH)
    assert (result.day, result.past) == (date(2019, 3, 10), True)


def test_bare_day_gone_by_is_next_month() -> None:
    """A bare "the 14th" said on the 20th is next month's 14th."""
    assert when("the 14th", MID_MONTH) == When(day=date(2019, 4, 14))


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Friday", date(2019, 3, 1)),
        ("this Friday", date(2019, 3, 1)),
        ("next Friday", date(2019, 3, 8)),
        ("Friday next week", date(2019, 3, 8)),
        ("this Sunday", date(2019, 3, 3)),
        ("this coming Sunday", date(2019, 3, 3)),
        ("next Thursday", date(2019, 3, 7)),
        ("Thursday next week", date(2019, 3, 7)),
        ("next Monday", date(2019, 3, 4)),
    ],
)
def test_weekdays_said_on_a_friday(text: str, day: date) -> None:
    """On a Friday "Friday" is today and "next Friday" a week ahead; other weekdays agree."""
    assert when(text).day == day


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("afternoon 3", time(15)),
        ("at afternoon 2", time(14)),
        ("evening 4:30", time(16, 30)),
        ("morning 10:30", time(10, 30)),
        ("at morning 11", time(11)),
        ("in the afternoon 1:15", time(13, 15)),
        ("the evening 5 please", time(17)),
        ("afternoon 12", time(12)),
        ("half past 3 in the afternoon", time(15, 30)),
        ("a quarter past 11 in the morning", time(11, 15)),
        ("quarter to 12 in the morning", time(11, 45)),
        ("quarter to 12 pm", time(11, 45)),
        ("quarter to 1 pm", time(12, 45)),
        ("half past 10 pm", time(22, 30)),
        ("12 o'clock in the afternoon", time(12)),
        ('5 o"clock in the evening', time(17)),
        ("at 2 15 pm", time(14, 15)),
        ("at 6:45", time(18, 45)),
        ("at 9:30", time(9, 30)),
        ("at 1", time(13)),
        ("12", time(12)),
    ],
)
def test_times_as_said(text: str, at: time) -> None:
    """A part of day said before the hour, and am/pm after "half past", settle the time."""
    assert when(text) == When(at=at)


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("3:15 pm on March 14th", date(2019, 3, 14), time(15, 15)),
        ("4:30pm on the 6th", date(2019, 3, 6), time(16, 30)),
        ("at 11 in the morning on the 5th", date(2019, 3, 5), time(11)),
        ("the 12th of March at afternoon 2", date(2019, 3, 12), time(14)),
        ("next Thursday evening 5", date(2019, 3, 7), time(17)),
        ("on the 4th in the evening 4", date(2019, 3, 4), time(16)),
    ],
)
def test_a_time_before_on_a_day_is_exact(text: str, day: date, at: time) -> None:
    """ "3:15 pm on March 14th" is an exact time on that day, not "from 3:15 on"."""
    assert when(text) == When(day=day, at=at)


@pytest.mark.parametrize(
    ("text", "day", "at"),
    [
        ("make it 4 instead of 3", None, time(16)),
        ("the 12th instead of the 13th", date(2019, 3, 12), None),
        ("not Monday, Tuesday", date(2019, 3, 5), None),
        ("Tuesday rather than Monday", date(2019, 3, 5), None),
        ("ten in the morning instead of afternoon", None, time(10)),
        ("a toothache since yesterday", None, None),
        ("if not, Tuesday then", date(2019, 3, 5), None),
        ("why not Monday", date(2019, 3, 4), None),
        ("make it 1 pm, I have something else at 2", None, time(13)),
        ("Tuesday, I'm busy on Monday", date(2019, 3, 5), None),
        ("I have another appointment at 3, so 4:30 please", None, time(16, 30)),
    ],
)
def test_ruled_out_days_and_times_do_not_count(
    text: str, day: date | None, at: time | None
) -> None:
    """A day or time the caller rules out ("instead of 3", "not Monday") is not the wish."""
    assert when(text) == When(day=day, at=at)


@pytest.mark.parametrize(
    ("text", "earliest"),
    [
        ("I can't go until 4:30 in the evening", time(16, 30)),
        ("I'm not free until 2", time(14)),
        ("busy until 3", time(15)),
        ("from 2 on", time(14)),
    ],
)
def test_not_until_is_a_lower_bound(text: str, earliest: time) -> None:
    """ "I can't go until 4:30" means from 4:30 on, not before it."""
    assert when(text) == When(earliest=earliest)


def test_until_alone_is_still_an_upper_bound() -> None:
    """ "until 4" without a negation stays a latest time."""
    assert when("until 4") == When(latest=time(16))


def test_part_of_day_first_keeps_a_bound() -> None:
    """ "after afternoon 2" is an earliest time; "by evening 6" names 6 PM, "by 6" a latest."""
    assert when("after afternoon 2") == When(earliest=time(14))
    assert when("by evening 6") == When(at=time(18))
    assert when("by 6") == When(latest=time(18))


@pytest.mark.parametrize("text", ["Tuesday the 13th", "Monday, March 5th", "next Sunday the 4th"])
def test_weekday_that_contradicts_the_date_is_ambiguous(text: str) -> None:
    """A weekday said with a date on another weekday is asked about, not guessed."""
    assert when(text).ambiguous is not None


@pytest.mark.parametrize("text", ["Wednesday the 13th", "Tuesday, March 5th", "Monday the 4th"])
def test_weekday_that_matches_the_date_is_fine(text: str) -> None:
    """A weekday that agrees with its date is just confirmation."""
    assert when(text).ambiguous is None


@pytest.mark.parametrize(
    "text", ["book the first therapist", "the second dentist please", "the third place"]
)
def test_an_ordinal_before_a_noun_is_not_a_day(text: str) -> None:
    """ "the first therapist" picks a therapist; it is not the 1st of the month."""
    assert when(text).is_empty()


def test_later_that_day_keeps_the_day_for_the_tracker() -> None:
    """ "later that day at 4" names only a time; the day already chosen stays."""
    assert when("later that day at 4") == When(at=time(16))
