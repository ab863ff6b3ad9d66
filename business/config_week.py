"""A person's coming days as a business file sets them: when they work, or why they do not.

Planning help for `booking business check`, before any booking: each day gives the
person's working window and the starts a booking of one service could take in it (every
`slot_minutes` from their start, ending by their close), or the reason they are off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from business.calendar import BusinessCalendar, Service, Staff
from business.config_hours import Window
from business.slot_rules import slot_starts


@dataclass(frozen=True)
class PersonDay:
    """One person's day: their window and the starts in it, or why they are off."""

    day: date
    window: Window | None
    """Their working hours that day; None when off."""
    starts: tuple[time, ...] = ()
    """Where a booking of the service could start (bookings not counted)."""
    off: str | None = None
    """Why they do not work: "closed: Christmas Day", "day off", "not working Sundays"."""


def service_of(cal: BusinessCalendar, person: Staff) -> Service | None:
    """Return the default service if the person does it, else the first they do, or None."""
    default = cal.service(None)
    if person in cal.who_can(default):
        return default
    return next((s for s in cal.offered if person in cal.who_can(s)), None)


def person_day(
    cal: BusinessCalendar, person: Staff, day: date, *, service: Service | None
) -> PersonDay:
    """Return a person's window and starts on a day, or why they are off."""
    window = cal.staff_opening(person, day)
    if window is None:
        return PersonDay(day, None, off=_why_off(cal, person, day))
    if service is None:
        return PersonDay(day, window)
    # the very grid slot search offers from (a spring-forward gap included)
    starts = tuple(s.time() for s in slot_starts(cal, day, person, service))
    return PersonDay(day, window, starts)


def _why_off(cal: BusinessCalendar, person: Staff, day: date) -> str:
    holiday = cal.holiday(day)
    if holiday is not None:
        return f"closed: {holiday}"
    if day in cal.closures:
        return "closed: business closure"
    if day in person.days_off:
        return "day off"
    if person.hours is None:
        return f"closed on {day:%A}s"
    return f"not working {day:%A}s"
