"""What is booked and with whom, as the caller hears it."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from business.calendar import MAIN, BusinessCalendar, Service, Staff
from business.slot_query import ANYONE
from nodes.offering import say_duration, say_offers, say_what, what_when

TZ = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 12, 7)
SALON = BusinessCalendar(
    services=(
        Service(id="haircut", name="haircut", duration_min=30),
        Service(id="exam", name="eye exam", duration_min=45),
    ),
    staff=(Staff(id="maria", name="Maria"), Staff(id="alex", name="Alex")),
)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date(2026, 12, day), time(hour, minute), tzinfo=TZ)


def test_a_plain_business_says_nothing_of_services_or_people() -> None:
    plain = BusinessCalendar()
    assert say_what(plain, None, MAIN) == ""
    assert say_offers(plain, [(at(8, 9), MAIN), (at(8, 10), MAIN)], today=TODAY) == (
        "tomorrow, Tuesday, December 8th at 9 AM or 10 AM"
    )


def test_what_and_with_whom_take_their_article() -> None:
    assert say_what(SALON, "haircut", "maria") == "a haircut with Maria"
    assert say_what(SALON, "exam", ANYONE) == "an eye exam"
    assert (
        what_when("a haircut with Maria", "tomorrow, Tuesday")
        == "a haircut with Maria tomorrow, Tuesday"
    )
    assert what_when("a haircut", "Friday, December 11th") == "a haircut on Friday, December 11th"


def test_offers_with_one_person_name_them_once() -> None:
    said = say_offers(SALON, [(at(9, 9), "maria"), (at(9, 9, 30), "maria")], today=TODAY)
    assert said == "Wednesday, December 9th at 9 AM or 9:30 AM, with Maria"


def test_offers_with_several_people_name_each_run() -> None:
    offers = [
        (at(9, 13, 30), "maria"),
        (at(9, 14), "alex"),
        (at(10, 9), "maria"),
        (at(10, 10), "maria"),
    ]
    assert say_offers(SALON, offers, today=TODAY) == (
        "Wednesday, December 9th at 1:30 PM with Maria or 2 PM with Alex, "
        "or Thursday, December 10th at 9 AM or 10 AM with Maria"
    )


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(30, "30 minutes"), (60, "an hour"), (90, "an hour and a half"), (120, "2 hours"),
     (135, "2 hours and 15 minutes")],
)  # fmt: skip
def test_lengths_are_said_as_people_say_them(minutes: int, said: str) -> None:
    assert say_duration(minutes) == said


def test_a_read_back_says_how_long_the_service_is() -> None:
    assert say_what(SALON, "haircut", "maria", length=True) == "a 30-minute haircut with Maria"
    assert say_what(SALON, "exam", None, length=True) == "a 45-minute eye exam"
    long = BusinessCalendar(services=(Service(id="c", name="consult", duration_min=60),
                                      Service(id="x", name="x-ray", duration_min=80)))  # fmt: skip
    assert say_what(long, "c", None, length=True) == "a one-hour consult"
    assert say_what(long, "x", None, length=True) == "an 80-minute x-ray"
