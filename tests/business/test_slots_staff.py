"""Slot search for a salon: services of their own length, and people on their own hours."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from business.calendar import BusinessCalendar, Service, Staff
from business.slot_query import ANYONE, SlotQuery, SlotSearch
from business.slots import check_slot, find_slots
from store.models import Busy

TZ = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=TZ)  # Monday morning
TUE, WED, THU = date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10)
WEEK = {d: (time(9), time(17)) for d in range(5)}
SALON = BusinessCalendar(
    timezone="America/New_York",
    hours=WEEK,
    services=(
        Service(id="haircut", name="haircut", duration_min=30),
        Service(
            id="colour", name="cut and colour", duration_min=90, buffer_min=15, staff=("maria",)
        ),
    ),
    staff=(
        Staff(id="maria", name="Maria", days_off=frozenset({THU})),
        Staff(id="alex", name="Alex", hours={d: (time(12), time(17)) for d in range(5)}),
    ),
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def bookings(*held: tuple[str, datetime, int]) -> object:
    """A busy lookup of (person, start, minutes blocked) bookings."""

    def lookup(start: datetime, end: datetime) -> Collection[Busy]:
        spans = [Busy(who, s, s + timedelta(minutes=m)) for who, s, m in held]
        return [b for b in spans if b.start < end and start < b.until]

    return lookup


def search(query: SlotQuery, *held: tuple[str, datetime, int], **kw: object) -> SlotSearch:
    return find_slots(SALON, query, now=NOW, busy=bookings(*held), **kw)  # type: ignore[arg-type]


def said(result: SlotSearch) -> list[tuple[str, str]]:
    return [(s.strftime("%a %H:%M"), who) for s, who in result.offers()]


def test_anyone_is_offered_whoever_is_free_at_the_wished_time() -> None:
    result = search(SlotQuery(day=TUE, at=time(14)), ("maria", at(TUE, 14), 30))
    assert result.matched
    assert said(result)[0] == ("Tue 14:00", "alex")


def test_a_person_asked_for_who_is_booked_gets_someone_else_then_and_their_own_next() -> None:
    result = search(SlotQuery(day=TUE, at=time(14), staff="maria"), ("maria", at(TUE, 14), 30))
    assert not result.matched and result.reason == "taken"
    offers = said(result)
    assert ("Tue 14:00", "alex") in offers
    assert {who for _, who in offers} == {"alex", "maria"}
    assert all(who == "maria" for when, who in offers if when != "Tue 14:00")


def test_two_people_booked_at_the_same_time_leaves_that_time_to_nobody() -> None:
    result = search(
        SlotQuery(day=TUE, at=time(14)),
        ("maria", at(TUE, 14), 30),
        ("alex", at(TUE, 14), 30),
    )
    assert not result.matched and result.reason == "taken"
    assert "Tue 14:00" not in [when for when, _ in said(result)]


def test_a_long_service_is_not_offered_where_it_would_run_past_closing() -> None:
    result = search(SlotQuery(day=TUE, at=time(16), service="colour"))
    assert not result.matched and result.reason == "too_long"
    assert all(s + timedelta(minutes=90) <= at(TUE, 17) for s in result.slots if s.date() == TUE)
    assert check_slot(SALON, at(TUE, 16), now=NOW, service="colour") == "too_long"
    assert check_slot(SALON, at(TUE, 15, 30), now=NOW, service="colour") is None


def test_a_booking_blocks_its_length_and_buffer_for_that_person_only() -> None:
    held = ("maria", at(TUE, 9), 90 + 15)  # a colour at 9: Maria is busy until 10:45
    result = search(SlotQuery(day=TUE, staff="maria", service="haircut"), held)
    assert result.slots[0].strftime("%H:%M") == "11:00"
    alex = search(SlotQuery(day=TUE, at=time(12), staff="alex"), held)
    assert alex.matched


def test_a_persons_day_off_offers_someone_else_that_day_or_them_another_day() -> None:
    result = search(SlotQuery(day=THU, at=time(13), staff="maria"))
    assert not result.matched and result.reason == "staff_off"
    offers = said(result)
    assert offers[0] == ("Thu 13:00", "alex")
    assert all(when[:3] != "Thu" for when, who in offers if who == "maria")


def test_someone_who_does_not_do_the_service_is_not_booked_for_it() -> None:
    result = search(SlotQuery(day=TUE, at=time(14), service="colour", staff="alex"))
    assert result.reason == "staff_cannot" and not result.matched
    assert {who for _, who in said(result)} == {"maria"}


def test_a_person_off_at_the_wished_hour_is_told_apart_from_a_closed_business() -> None:
    result = search(SlotQuery(day=TUE, at=time(10), staff="alex"))
    assert result.reason == "staff_off"
    assert all(s.time() >= time(12) for s, who in result.offers() if who == "alex")


def test_anyone_said_after_a_name_searches_everyone() -> None:
    result = search(SlotQuery(day=TUE, at=time(10), staff=ANYONE))
    assert result.matched and said(result)[0] == ("Tue 10:00", "maria")


def test_the_appointment_being_moved_does_not_block_its_own_new_time() -> None:
    held = ("maria", at(TUE, 10), 90 + 15)
    query = SlotQuery(day=TUE, at=time(10, 30), staff="maria", service="colour")
    assert not search(query, held).matched
    moved = search(query, held, ignore=[("maria", at(TUE, 10))])
    assert moved.matched and said(moved)[0] == ("Tue 10:30", "maria")
