"""Wall-clock rules for slots: which starts a day has, when an instant is bookable, what fits.

Split from `slots` so the search there reads as policy while the minute arithmetic lives
here. Slots are wall-clock times in the business timezone compared as UTC instants, so
daylight-saving days stay right; every comparison of instants goes through `utc`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from business.calendar import BusinessCalendar, Service, Staff
from business.slot_query import Reason, SlotQuery

_PARTS: dict[str, tuple[int, int]] = {
    "morning": (0, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
}


def slot_starts(
    cal: BusinessCalendar,
    day: date,
    person: Staff | None = None,
    service: Service | None = None,
) -> list[datetime]:
    """Return every start of a day's grid in the business timezone; [] when closed.

    The grid starts at opening time and steps by `slot_minutes`; a start is on it when the
    service (the default one if None) ends by closing time. With a person, their own hours
    and days off count; without one, the business's.
    """
    hours = cal.opening(day) if person is None else cal.staff_opening(person, day)
    if hours is None:
        return []
    length = (service or cal.service(None)).duration_min
    opens, closes = (t.hour * 60 + t.minute for t in hours)
    starts = []
    for minute in range(opens, closes - length + 1, cal.slot_minutes):
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=cal.tz)
        # A wall time skipped by spring-forward does not survive a round trip through UTC.
        if local.astimezone(UTC).astimezone(cal.tz).replace(tzinfo=None) == local.replace(
            tzinfo=None
        ):
            starts.append(local)
    return starts


def timing(cal: BusinessCalendar, start: datetime, *, now: datetime) -> Reason | None:
    """Return past / too_soon / beyond_horizon for an instant, or None when in the window."""
    if start.tzinfo is None or now.tzinfo is None:
        raise ValueError("start and now must be timezone-aware")
    if utc(start) < utc(now):
        return "past"
    # The horizon is counted in calendar days at the same wall time, not in 24-hour blocks.
    local_now = now.astimezone(cal.tz)
    if utc(start) > utc(local_now + timedelta(days=cal.horizon_days)):
        return "beyond_horizon"
    if utc(start) < utc(now) + timedelta(minutes=cal.min_lead_minutes):
        return "too_soon"
    return None


def last_day(cal: BusinessCalendar, now: datetime) -> date:
    """Return the last day that can hold a booking: today plus the horizon."""
    return now.astimezone(cal.tz).date() + timedelta(days=cal.horizon_days)


def off_grid_or_outside(
    cal: BusinessCalendar,
    day: date,
    at: time,
    people: tuple[Staff, ...] = (),
    service: Service | None = None,
) -> Reason:
    """Say why no slot starts at `at` on an open day.

    Within someone's hours it is between slot starts ("off_grid"), or a start too late
    for the service to end by closing ("too_long"); within the business's hours but none of the
    people's, they are off then ("staff_off"); else it is outside the hours.
    """
    length = (service or cal.service(None)).duration_min
    wanted = minutes(at)
    for person in people or cal.people:
        hours = cal.staff_opening(person, day)
        if hours is not None and minutes(hours[0]) <= wanted < minutes(hours[1]):
            on_step = (wanted - minutes(hours[0])) % cal.slot_minutes == 0
            return "too_long" if on_step and wanted + length > minutes(hours[1]) else "off_grid"
    hours = cal.opening(day)
    if hours is not None and minutes(hours[0]) <= wanted < minutes(hours[1]):
        return "staff_off"
    return "outside_hours"


def span(query: SlotQuery, today: date, last_day: date) -> tuple[date, date]:
    """Return the first and last wished day (inclusive)."""
    if query.day is not None:
        return query.day, query.day
    if query.day_from is None and query.day_to is None:
        return today, last_day
    first = query.day_from if query.day_from is not None else today
    last = query.day_to if query.day_to is not None else max(first, last_day)
    return min(first, last), max(first, last)


def fits(start: datetime, query: SlotQuery) -> bool:
    """Return True when the slot's wall time satisfies every time constraint of the wish."""
    minute = wall(start)
    low, high = _window(query)
    return low <= minute < high and (query.at is None or minute == minutes(query.at))


def _window(query: SlotQuery) -> tuple[int, int]:
    """Return the [low, high) minutes of the day a slot may start in."""
    low, high = _PARTS[query.part_of_day] if query.part_of_day else (0, 24 * 60)
    if query.earliest is not None:
        low = max(low, minutes(query.earliest))
    if query.latest is not None:
        high = min(high, minutes(query.latest))
    return low, high


def distance(start: datetime, query: SlotQuery) -> int:
    """Return how many minutes the slot's wall time is from the wished time or window."""
    minute = wall(start)
    if query.at is not None:
        return abs(minute - minutes(query.at))
    low, high = _window(query)
    return max(low - minute, minute - high + 1, 0)


def days(first: date, last: date) -> Iterator[date]:
    """Yield each day from `first` to `last` inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def ascending(slots: list[datetime]) -> tuple[datetime, ...]:
    """Return the slots in time order."""
    return tuple(sorted(slots, key=utc))


def minutes(t: time) -> int:
    """Return a time of day as minutes since midnight."""
    return t.hour * 60 + t.minute


def wall(start: datetime) -> int:
    """Return the slot's wall-clock start as minutes since midnight."""
    return minutes(start.timetz())


def utc(moment: datetime) -> datetime:
    """Return the instant in UTC, the form all comparisons use."""
    return moment.astimezone(UTC)
