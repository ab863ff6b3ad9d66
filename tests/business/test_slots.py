"""Slot search against the default calendar: Monday to Friday 9:00-16:00, 30-minute slots."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from business.calendar import MAIN, BusinessCalendar
from business.slot_query import BusyLookup, Reason, SlotQuery, Taken
from business.slots import (
    check_slot,
    find_slots,
    last_day,
    slot_starts,
)
from store.models import Busy

TZ = ZoneInfo("America/Los_Angeles")
CAL = BusinessCalendar()
TUE, WED, THU, FRI = (date(2026, 12, d) for d in (1, 2, 3, 4))
SAT, SUN, MON = (date(2026, 12, d) for d in (5, 6, 7))
NOW = datetime(2026, 12, 2, 10, 10, tzinfo=TZ)  # Wednesday 10:10


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Build a business-local instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def booked(*starts: datetime) -> BusyLookup:
    """Return a busy lookup holding 30-minute bookings at `starts`, answered in UTC to force
    instant comparison."""

    def lookup(start: datetime, end: datetime) -> Collection[Busy]:
        length = timedelta(minutes=30)
        return [
            Busy(MAIN, s.astimezone(UTC), (s + length).astimezone(UTC))
            for s in starts
            if start < s + length and s < end
        ]

    return lookup


def whole_days(*days: date) -> list[datetime]:
    """Return every slot of the given days."""
    return [s for d in days for s in slot_starts(CAL, d)]


def free(start: datetime, end: datetime) -> Collection[Busy]:
    """Book nothing."""
    return []


def search(
    query: SlotQuery, busy: BusyLookup = free, *, exclude: Collection[datetime] = ()
) -> tuple[tuple[datetime, ...], bool, Reason | None]:
    """Run find_slots with the default calendar and clock; return (slots, matched, reason)."""
    result = find_slots(CAL, query, now=NOW, busy=busy, exclude=exclude)
    return result.slots, result.matched, result.reason


def times(slots: Iterable[datetime]) -> list[tuple[date, int, int]]:
    """Return (day, hour, minute) of each slot, in the business timezone."""
    return [
        (s.astimezone(TZ).date(), s.astimezone(TZ).hour, s.astimezone(TZ).minute) for s in slots
    ]


def test_default_hours_give_fourteen_slots() -> None:
    """A default weekday has 14 half-hour slots from 9:00, the last starting 15:30."""
    starts = slot_starts(CAL, THU)
    assert len(starts) == 14
    assert starts[0] == at(THU, 9) and starts[-1] == at(THU, 15, 30)
    assert all(s.tzinfo == TZ for s in starts)


def test_weekend_is_closed() -> None:
    """Saturday and Sunday have no slots."""
    assert slot_starts(CAL, SAT) == [] and slot_starts(CAL, SUN) == []


def test_last_slot_must_end_by_closing() -> None:
    """A slot that would run past closing is not offered."""
    cal = BusinessCalendar(hours={3: (time(9, 0), time(10, 15))}, slot_minutes=30)
    assert slot_starts(cal, THU) == [at(THU, 9), at(THU, 9, 30)]


def test_closure_day_has_no_slots_and_offers_next_open_day() -> None:
    """A closure is reported as closed and the next open day is offered instead."""
    cal = BusinessCalendar(closures=frozenset({THU}))
    assert slot_starts(cal, THU) == []
    result = find_slots(cal, SlotQuery(day=THU), now=NOW, busy=free)
    assert (result.matched, result.reason) == (False, "closed")
    assert times(result.slots) == [(FRI, 9, 0), (FRI, 9, 30), (FRI, 10, 0)]


def test_min_lead_time_rounds_up_to_the_grid() -> None:
    """At 10:10 with a 60-minute lead the first offer is 11:30, the first grid slot after 11:10."""
    slots, matched, reason = search(SlotQuery())
    assert times(slots) == [(WED, 11, 30), (WED, 12, 0), (WED, 12, 30)]
    assert (matched, reason) == (True, None)


def test_now_in_another_timezone_is_the_same_instant() -> None:
    """The clock may be given in UTC; results are still business-local."""
    result = find_slots(CAL, SlotQuery(), now=NOW.astimezone(UTC), busy=free)
    assert result.slots[0] == at(WED, 11, 30) and result.slots[0].tzinfo == TZ


def test_day_beyond_horizon_offers_the_last_bookable_days() -> None:
    """A day past the horizon is refused and the nearest earlier bookable slots are offered."""
    cal = BusinessCalendar(horizon_days=7)
    result = find_slots(cal, SlotQuery(day=WED + timedelta(days=14)), now=NOW, busy=free)
    assert (result.matched, result.reason) == (False, "beyond_horizon")
    last_day = WED + timedelta(days=7)
    assert times(result.slots) == [(last_day, 9, 0), (last_day, 9, 30), (last_day, 10, 0)]


def test_horizon_ends_at_the_same_wall_time() -> None:
    """On the horizon's last day, slots after the current wall time are beyond it."""
    cal = BusinessCalendar(horizon_days=7)
    last_day = WED + timedelta(days=7)
    assert check_slot(cal, at(last_day, 10), now=NOW) is None
    assert check_slot(cal, at(last_day, 10, 30), now=NOW) == "beyond_horizon"


def test_busy_slots_are_never_offered() -> None:
    """Booked starts (reported in any timezone) are skipped."""
    slots, matched, _ = search(SlotQuery(day=THU), booked(at(THU, 9), at(THU, 9, 30)))
    assert times(slots) == [(THU, 10, 0), (THU, 10, 30), (THU, 11, 0)] and matched


def test_excluded_slots_are_not_offered_again() -> None:
    """Slots already offered are left out when the caller asks for something else."""
    offered = [at(THU, 9), at(THU, 9, 30), at(THU, 10).astimezone(UTC)]
    slots, matched, _ = search(SlotQuery(day=THU), exclude=offered)
    assert times(slots) == [(THU, 10, 30), (THU, 11, 0), (THU, 11, 30)] and matched


def test_exact_free_time_is_matched() -> None:
    """A free exact time comes back alone and matched."""
    assert search(SlotQuery(day=THU, at=time(15))) == ((at(THU, 15),), True, None)


def test_exact_taken_time_offers_nearest_same_day() -> None:
    """A taken exact time offers the closest free times that day, ascending."""
    slots, matched, reason = search(SlotQuery(day=THU, at=time(15)), booked(at(THU, 15)))
    assert times(slots) == [(THU, 14, 0), (THU, 14, 30), (THU, 15, 30)]
    assert (matched, reason) == (False, "taken")


def test_exact_time_on_full_day_offers_that_time_next_day() -> None:
    """When the wished day is full, the nearest times on the next open day are offered."""
    slots, _, reason = search(SlotQuery(day=THU, at=time(15)), booked(*whole_days(THU)))
    assert times(slots) == [(FRI, 14, 30), (FRI, 15, 0), (FRI, 15, 30)]
    assert reason == "taken"


def test_exact_time_outside_hours() -> None:
    """A time after closing is outside hours; the latest slots that day are offered."""
    slots, matched, reason = search(SlotQuery(day=THU, at=time(17)))
    assert times(slots) == [(THU, 14, 30), (THU, 15, 0), (THU, 15, 30)]
    assert (matched, reason) == (False, "outside_hours")


def test_exact_time_off_the_grid_is_off_grid() -> None:
    """A time between slot starts within opening hours is off the grid, neighbours offered."""
    slots, _, reason = search(SlotQuery(day=THU, at=time(10, 15)))
    assert reason == "off_grid"
    # 9:30 and 11:00 are equally far; the earlier one wins the tie.
    assert times(slots) == [(THU, 9, 30), (THU, 10, 0), (THU, 10, 30)]


def test_an_off_grid_time_on_no_day_offers_its_neighbours_not_the_rest_of_today() -> None:
    """ "A quarter past nine", no day said, at 10:10: 9 and 9:30 tomorrow, not today at noon."""
    slots, matched, reason = search(SlotQuery(at=time(9, 15)))
    assert (matched, reason) == (False, "off_grid")
    assert times(slots) == [(THU, 9, 0), (THU, 9, 30), (FRI, 9, 0)]


def test_a_day_whose_matching_slots_were_all_offered_says_offered_not_full() -> None:
    """ "Anything else?" after the only afternoon slots were offered is "offered", not "full"."""
    heard = [at(THU, 15), at(THU, 15, 30)]
    slots, matched, reason = search(SlotQuery(day=THU, earliest=time(15)), exclude=heard)
    assert (matched, reason) == (False, "offered")
    assert times(slots) == [(THU, 13, 30), (THU, 14, 0), (THU, 14, 30)]


def test_last_day_is_today_plus_the_horizon() -> None:
    """The last bookable day is the horizon counted in calendar days from today."""
    assert last_day(CAL, NOW) == WED + timedelta(days=CAL.horizon_days)


def test_afternoon_only() -> None:
    """An afternoon wish starts at noon."""
    slots, matched, _ = search(SlotQuery(day=THU, part_of_day="afternoon"))
    assert times(slots) == [(THU, 12, 0), (THU, 12, 30), (THU, 13, 0)] and matched


def test_evening_when_closing_at_four_is_no_match() -> None:
    """Nothing in the evening on an open day is 'no_match' with that day's latest slots offered."""
    slots, matched, reason = search(SlotQuery(day=THU, part_of_day="evening"))
    assert (matched, reason) == (False, "no_match")
    assert times(slots) == [(THU, 14, 30), (THU, 15, 0), (THU, 15, 30)]


def test_earliest_bound() -> None:
    """'After 2' starts at 14:00."""
    slots, matched, _ = search(SlotQuery(day=THU, earliest=time(14)))
    assert times(slots) == [(THU, 14, 0), (THU, 14, 30), (THU, 15, 0)] and matched


def test_latest_bound_is_strictly_before() -> None:
    """'Before 10' allows slots starting strictly before 10:00, even if fewer than the limit."""
    slots, matched, _ = search(SlotQuery(day=THU, latest=time(10)))
    assert times(slots) == [(THU, 9, 0), (THU, 9, 30)] and matched


def test_closed_day_offers_next_open_day_keeping_part_of_day() -> None:
    """A Saturday afternoon wish offers Monday afternoon, reason 'closed'."""
    slots, matched, reason = search(SlotQuery(day=SAT, part_of_day="afternoon"))
    assert times(slots) == [(MON, 12, 0), (MON, 12, 30), (MON, 13, 0)]
    assert (matched, reason) == (False, "closed")


def test_past_day_offers_from_now() -> None:
    """Yesterday is 'past' and the first bookable slots from now are offered."""
    slots, matched, reason = search(SlotQuery(day=TUE))
    assert times(slots) == [(WED, 11, 30), (WED, 12, 0), (WED, 12, 30)]
    assert (matched, reason) == (False, "past")


def test_past_time_today() -> None:
    """Nine o'clock today has gone; the nearest later slots today are offered."""
    slots, _, reason = search(SlotQuery(day=WED, at=time(9)))
    assert reason == "past"
    assert times(slots) == [(WED, 11, 30), (WED, 12, 0), (WED, 12, 30)]


def test_time_inside_lead_is_too_soon() -> None:
    """A slot 20 minutes away is 'too_soon'."""
    assert search(SlotQuery(day=WED, at=time(10, 30)))[2] == "too_soon"


def test_full_day_offers_next_day() -> None:
    """A fully booked day is 'full' and the next open day is offered."""
    slots, matched, reason = search(SlotQuery(day=THU), booked(*whole_days(THU)))
    assert times(slots) == [(FRI, 9, 0), (FRI, 9, 30), (FRI, 10, 0)]
    assert (matched, reason) == (False, "full")


def test_full_afternoon_offers_same_day_morning_first() -> None:
    """A full afternoon offers the latest morning slots that day before other days."""
    afternoon = [s for s in whole_days(THU) if s.hour >= 12]
    slots, _, reason = search(SlotQuery(day=THU, part_of_day="afternoon"), booked(*afternoon))
    assert times(slots) == [(THU, 10, 30), (THU, 11, 0), (THU, 11, 30)]
    assert reason == "full"


def test_range_offers_more_than_one_day() -> None:
    """'Next week' takes at most two slots from a day while other days have some."""
    slots, matched, _ = search(SlotQuery(day_from=MON, day_to=MON + timedelta(days=6)))
    assert times(slots) == [(MON, 9, 0), (MON, 9, 30), (MON + timedelta(days=1), 9, 0)]
    assert matched


def test_range_with_one_open_day_fills_from_it() -> None:
    """When only one day of a range has room, all offers come from it."""
    rest = whole_days(*(MON + timedelta(days=n) for n in range(1, 5)))
    slots, _, _ = search(SlotQuery(day_from=MON, day_to=MON + timedelta(days=6)), booked(*rest))
    assert times(slots) == [(MON, 9, 0), (MON, 9, 30), (MON, 10, 0)]


def test_busy_is_asked_one_day_at_a_time_up_to_the_horizon() -> None:
    """Even with everything booked, the lookup is bounded: one call per open day at most."""
    calls: list[tuple[datetime, datetime]] = []

    def everything(start: datetime, end: datetime) -> Collection[Taken]:
        calls.append((start, end))
        return booked(*slot_starts(CAL, start.date()))(start, end)

    result = find_slots(CAL, SlotQuery(), now=NOW, busy=everything)
    assert (result.slots, result.matched, result.reason) == ((), False, "full")
    assert len(calls) == len({start for start, _ in calls}) <= CAL.horizon_days + 1
    # a day, and the length of one booking past midnight (25 on a fall-back day)
    assert all(end - start <= timedelta(hours=25, minutes=30) for start, end in calls)


def test_dst_fall_back_day() -> None:
    """On 2026-11-01 (PDT→PST) a repeated wall time gives one slot and offsets are right."""
    cal = BusinessCalendar(hours={6: (time(0), time(4))})
    sunday = date(2026, 11, 1)
    starts = slot_starts(cal, sunday)
    assert [s.strftime("%H:%M") for s in starts] == [
        f"{h:02d}:{m:02d}" for h in range(4) for m in (0, 30)
    ]
    assert len({s.astimezone(UTC) for s in starts}) == 8
    assert starts[2].utcoffset() == timedelta(hours=-7)  # 1:00, first occurrence
    assert starts[4].utcoffset() == timedelta(hours=-8)  # 2:00, standard time


def test_dst_booking_across_the_change() -> None:
    """A 9:00 wish the day after the change is matched at -08:00 and a UTC booking blocks it."""
    cal = BusinessCalendar(hours={6: (time(9), time(12))})
    sunday, now = date(2026, 11, 1), datetime(2026, 10, 31, 10, tzinfo=TZ)
    query = SlotQuery(day=sunday, at=time(9))
    result = find_slots(cal, query, now=now, busy=free)
    assert result.matched and result.slots[0].utcoffset() == timedelta(hours=-8)
    taken = booked(datetime(2026, 11, 1, 17, tzinfo=UTC))  # 9:00 PST
    assert find_slots(cal, query, now=now, busy=taken).reason == "taken"


def test_dst_spring_forward_skips_missing_times() -> None:
    """On 2027-03-14 (PST→PDT) 2:00 and 2:30 do not exist and are not offered."""
    cal = BusinessCalendar(hours={6: (time(0), time(4))})
    starts = slot_starts(cal, date(2027, 3, 14))
    assert [s.strftime("%H:%M") for s in starts] == [
        "00:00", "00:30", "01:00", "01:30", "03:00", "03:30"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (at(WED, 9), "past"),
        (at(WED, 10, 30), "too_soon"),
        (at(SAT, 10), "closed"),
        (at(THU, 16), "outside_hours"),
        (at(THU, 9, 15), "off_grid"),
        (at(THU, 15, 45), "off_grid"),
        (at(THU, 8, 45), "outside_hours"),
        (at(WED + timedelta(days=70), 10), "beyond_horizon"),
        (at(THU, 10), None),
        (at(THU, 10).astimezone(UTC), None),
    ],
)
def test_check_slot_reasons(start: datetime, reason: str | None) -> None:
    """check_slot names why an instant cannot be booked, or None when it can."""
    assert check_slot(CAL, start, now=NOW) == reason


def test_check_slot_rejects_naive_datetimes() -> None:
    """A naive instant is a programming error."""
    with pytest.raises(ValueError, match="aware"):
        check_slot(CAL, datetime(2026, 12, 3, 10), now=NOW)


def test_never_offers_an_unbookable_slot() -> None:
    """Across many random clocks, bookings and wishes, every offer is bookable, free and new."""
    rng = random.Random(7)
    cal = BusinessCalendar(horizon_days=20, closures=frozenset({date(2026, 12, 10)}))
    for _ in range(300):
        now = NOW + timedelta(minutes=rng.randrange(60 * 24 * 5))
        days = [now.date() + timedelta(days=n) for n in range(25)]
        fill = rng.choice([0.0, 0.5, 0.95, 1.0])
        taken = [s for d in days for s in slot_starts(cal, d) if rng.random() < fill]
        day = now.date() + timedelta(days=rng.randrange(-3, 30))
        ranged = rng.random() < 0.5
        query = SlotQuery(
            day=None if ranged else day,
            day_from=day if ranged else None,
            day_to=day + timedelta(days=rng.randrange(8)) if ranged else None,
            at=rng.choice([None, time(9), time(15), time(10, 15), time(17)]),
            earliest=rng.choice([None, time(13)]),
            part_of_day=rng.choice([None, "morning", "afternoon", "evening"]),
        )
        exclude = rng.sample(slot_starts(cal, day), k=min(2, len(slot_starts(cal, day))))
        limit = rng.randrange(1, 5)
        result = find_slots(cal, query, now=now, busy=booked(*taken), limit=limit, exclude=exclude)
        assert len(result.slots) <= limit and list(result.slots) == sorted(result.slots)
        assert (result.reason is None) == result.matched
        for slot in result.slots:
            assert check_slot(cal, slot, now=now) is None
            assert slot not in taken and slot not in exclude
