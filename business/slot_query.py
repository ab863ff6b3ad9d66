"""What a slot search is asked and answers: the caller's wish as dates and times, and why not.

Shared by the search (`slots`), its wall-clock rules (`slot_rules`) and its day scan
(`slot_scan`), so none of them imports another for its types.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal, Protocol

PartOfDay = Literal["morning", "afternoon", "evening"]
Reason = Literal[
    "past",
    "too_soon",
    "closed",
    "outside_hours",  # before opening or after closing
    "off_grid",  # within opening hours but between slot starts ("a quarter past nine")
    "beyond_horizon",
    "taken",
    "full",
    "offered",  # every matching slot left was already offered in this call
    "no_match",
    "staff_off",  # the person asked for does not work that day, or not at that time
    "too_long",  # the service would run past closing if it started at the wished time
    "staff_cannot",  # the person asked for does not do the service: others who do are offered
]

ANYONE = "any"
"""`SlotQuery.staff` of a caller who said anyone will do ("whoever is free"); like None in
a search, but it replaces a person named earlier when wishes are merged."""


class Taken(Protocol):
    """Time a person is booked: [start, until), the appointment and its buffer."""

    @property
    def staff(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def until(self) -> datetime: ...


BusyLookup = Callable[[datetime, datetime], Collection[Taken]]
"""Aware [start, end) window → the booked time of everyone overlapping it (any timezone)."""


@dataclass(frozen=True)
class SlotQuery:
    """The caller's wish, in business-local dates and wall-clock times.

    The understanding layer's `When` is this query plus how sure it is of it, so what the
    caller said is searched as said.
    """

    day: date | None = None
    """A single day ("Thursday", "the 13th", "tomorrow"); wins over a range."""
    day_from: date | None = None
    """First day of an inclusive range ("next week" → its Monday; None with day_to: from
    today)."""
    day_to: date | None = None
    """Last day of the range (None with day_from: up to the horizon)."""
    at: time | None = None
    """An exact wished start time ("at 3" → 15:00, "half past 10" → 10:30)."""
    earliest: time | None = None
    """A slot must start at or after this time ("after 3", "not before 10")."""
    latest: time | None = None
    """A slot must start strictly before this time ("before noon" → 11:30 is the last)."""
    part_of_day: PartOfDay | None = None
    """morning < 12:00 <= afternoon < 17:00 <= evening, applied to the slot's start."""
    service: str | None = None
    """The service's id ("haircut"); None: the business's default service."""
    staff: str | None = None
    """The person asked for, by id ("maria"); None or `ANYONE`: whoever can do it."""


@dataclass(frozen=True)
class SlotSearch:
    """What to offer: matches for the wish, or the nearest alternatives and why."""

    slots: tuple[datetime, ...]
    """Aware starts in the business timezone, ascending, at most `limit`."""
    matched: bool
    """True when the slots satisfy the wish; False when they are alternatives."""
    reason: Reason | None
    """Why the wish itself could not be met; None when matched."""
    staff: tuple[str, ...] = ()
    """Who each slot is with (the staff id), in the order of `slots`."""

    def offers(self) -> list[tuple[datetime, str]]:
        """Return the slots with who each one is with."""
        return list(zip(self.slots, self.staff, strict=True))
