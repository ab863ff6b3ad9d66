"""The business's calendar: timezone, opening hours, slot length and booking limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo

WEEKDAY_HOURS: Mapping[int, tuple[time, time]] = MappingProxyType(
    {day: (time(9, 0), time(16, 0)) for day in range(5)}
)
"""Monday to Friday, 9:00 to 16:00: the original agent's hours."""


@dataclass(frozen=True)
class BusinessCalendar:
    """When appointments can be had; every rule of slot search reads from here."""

    timezone: str = "America/Los_Angeles"
    """IANA zone of the business; opening hours and spoken times are in this zone."""
    hours: Mapping[int, tuple[time, time]] = field(default_factory=lambda: WEEKDAY_HOURS)
    """Weekday (0 = Monday) → (open, close); a missing weekday is closed all day."""
    slot_minutes: int = 30
    """Length of one appointment; slots start at opening time and every slot_minutes."""
    closures: frozenset[date] = frozenset()
    """Holidays and other whole days the business is closed."""
    min_lead_minutes: int = 60
    """A slot must start at least this long after now to be offered or booked."""
    horizon_days: int = 60
    """Nothing is offered or booked more than this many days ahead."""
    max_upcoming: int = 5
    """A caller may hold at most this many upcoming appointments; a booking beyond is refused."""

    @cached_property
    def tz(self) -> ZoneInfo:
        """Return the business timezone."""
        return ZoneInfo(self.timezone)

    def opening(self, day: date) -> tuple[time, time] | None:
        """Return (open, close) for a day, or None when closed."""
        if day in self.closures:
            return None
        return self.hours.get(day.weekday())
