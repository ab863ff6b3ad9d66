"""The business's calendar: timezone, hours, services, staff and booking limits.

A business with nothing configured has one service (`DEFAULT_SERVICE`, `slot_minutes` long)
and one calendar (`MAIN`, open the business's hours): the original agent's single slot
grid. Configured, it has services (each with its length, a buffer after, a price, and who
can do it) and staff or rooms (each with their own weekly hours and days off). Slot search
reads every rule from here (`business.slots`); the business file (`business.config`) and
the environment (`booking.settings`) build it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

WEEKDAY_HOURS: Mapping[int, tuple[time, time]] = MappingProxyType(
    {day: (time(9, 0), time(16, 0)) for day in range(5)}
)
"""Monday to Friday, 9:00 to 16:00: the original agent's hours."""

MAIN = "main"
"""Id of the single calendar of a business with no staff configured (`appointments.staff`)."""

DEFAULT_SERVICE = "appointment"
"""Id of the one service of a business with no services configured."""

Hours = Mapping[int, tuple[time, time]]
"""Weekday (0 = Monday) → (open, close); a missing weekday is closed all day."""


@dataclass(frozen=True)
class Service:
    """Something a caller books: how long it takes and who can do it."""

    id: str
    """Stable key, stored in `appointments.service` ("haircut")."""
    name: str
    """How the receptionist says it ("haircut", "cut and colour")."""
    duration_min: int
    """How long the appointment is."""
    buffer_min: int = 0
    """Time after it during which the same person takes no other appointment (cleaning up)."""
    price: float | None = None
    """What it costs, in the business's currency, if the business says."""
    staff: tuple[str, ...] = ()
    """Ids of the staff who can do it; empty: everyone."""
    aliases: tuple[str, ...] = ()
    """Other words callers use for it ("cut", "trim"); the name itself always counts."""


@dataclass(frozen=True)
class Staff:
    """A person (or a room, a chair) whose time is booked; one booking at a time each."""

    id: str
    """Stable key, stored in `appointments.staff` ("maria")."""
    name: str
    """How the receptionist says it ("Maria")."""
    hours: Hours | None = None
    """Their own weekly hours; None: the business's hours."""
    days_off: frozenset[date] = frozenset()
    """Days they do not work (holidays, leave), on top of the business's closures."""
    kind: Literal["person", "room"] = "person"
    aliases: tuple[str, ...] = ()
    """Other names callers use ("Dr. Patel", "Raj")."""


@dataclass(frozen=True)
class BusinessCalendar:
    """When appointments can be had; every rule of slot search reads from here."""

    timezone: str = "America/Los_Angeles"
    """IANA zone of the business; opening hours and spoken times are in this zone."""
    hours: Hours = field(default_factory=lambda: WEEKDAY_HOURS)
    """The business's opening hours; staff without their own hours work these."""
    slot_minutes: int = 30
    """The grid: appointments start at opening time and every slot_minutes after. Also the
    length of the default service when no services are configured."""
    closures: frozenset[date] = frozenset()
    """Holidays and other whole days the business is closed."""
    holiday_country: str | None = None
    """ISO country whose public holidays close the business (the `holidays` library)."""
    holiday_subdivision: str | None = None
    """State or province of `holiday_country`, for regional holidays."""
    min_lead_minutes: int = 60
    """A slot must start at least this long after now to be offered or booked."""
    horizon_days: int = 60
    """Nothing is offered or booked more than this many days ahead."""
    max_upcoming: int = 5
    """A caller may hold at most this many upcoming appointments; a booking beyond is refused."""
    services: tuple[Service, ...] = ()
    """What can be booked; empty: one service, `DEFAULT_SERVICE`, slot_minutes long."""
    staff: tuple[Staff, ...] = ()
    """Who is booked; empty: one calendar, `MAIN`, open the business's hours."""
    default_service: str | None = None
    """The service of a caller who names none; None: the first service."""
    name: str = ""
    """The business's name, as the receptionist says it; empty: not said."""
    auto_complete: bool = False
    """Mark booked appointments `completed` once they are over: after each call, and with
    `booking appointments close-past`."""

    @cached_property
    def tz(self) -> ZoneInfo:
        """Return the business timezone."""
        return ZoneInfo(self.timezone)

    @cached_property
    def _holidays(self) -> holidays.HolidayBase | None:
        if self.holiday_country is None:
            return None
        return holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision)

    def holiday(self, day: date) -> str | None:
        """Return the name of the public holiday on `day` that closes the business, or None."""
        table = self._holidays
        if table is None:
            return None
        name = table.get(day)
        return str(name) if name else None

    def closed(self, day: date) -> bool:
        """Return True when the whole business is shut on `day` (closure or holiday)."""
        return day in self.closures or self.holiday(day) is not None

    def opening(self, day: date) -> tuple[time, time] | None:
        """Return the business's (open, close) for a day, or None when closed."""
        if self.closed(day):
            return None
        return self.hours.get(day.weekday())

    @cached_property
    def people(self) -> tuple[Staff, ...]:
        """Return everyone whose time is booked: the configured staff, or `MAIN` alone."""
        return self.staff or (Staff(id=MAIN, name=""),)

    @cached_property
    def offered(self) -> tuple[Service, ...]:
        """Return every bookable service: the configured ones, or the default one alone."""
        return self.services or (
            Service(id=DEFAULT_SERVICE, name="appointment", duration_min=self.slot_minutes),
        )

    def service(self, service_id: str | None) -> Service:
        """Return a service by id; None or an id no longer offered is the default service."""
        by_id = {s.id: s for s in self.offered}
        if service_id is not None and service_id in by_id:
            return by_id[service_id]
        if self.default_service is not None and self.default_service in by_id:
            return by_id[self.default_service]
        return self.offered[0]

    def person(self, staff_id: str) -> Staff | None:
        """Return a member of staff by id, or None."""
        return next((p for p in self.people if p.id == staff_id), None)

    def who_can(self, service: Service) -> tuple[Staff, ...]:
        """Return the staff who can do a service, in the configured order."""
        if not service.staff:
            return self.people
        return tuple(p for p in self.people if p.id in service.staff)

    def staff_opening(self, person: Staff, day: date) -> tuple[time, time] | None:
        """Return a person's (open, close) on a day, or None when they do not work it."""
        if self.closed(day) or day in person.days_off:
            return None
        hours = person.hours if person.hours is not None else self.hours
        return hours.get(day.weekday())
