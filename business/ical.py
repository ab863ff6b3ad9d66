"""The calendar file sent with an e-mail notice: one event a calendar app adds or updates.

Every notice about one appointment carries the same UID, that of the first row of its
chain of moves, so a calendar app updates the event it has rather than adding another; a
move raises SEQUENCE (the number of moves so far) and a cancellation is METHOD:CANCEL with
a SEQUENCE one higher again (RFC 5546). Times are in the business's zone, with its
VTIMEZONE, so the event shows at the business's wall time wherever the caller's phone is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//booking-agent//appointment notices//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """What the calendar file says about one appointment."""

    uid: str
    """The same for every notice of one appointment and its moves."""
    sequence: int
    """Moves so far; one more for a cancellation."""
    method: Literal["REQUEST", "CANCEL"]
    start: datetime
    """Aware; written in `zone`."""
    duration_min: int
    summary: str
    description: str
    organizer: str | None = None
    """The sender's e-mail address (RFC 5546 wants one on a REQUEST and a CANCEL)."""
    attendee: str | None = None
    """The caller's e-mail address."""


def uid_for(first_id: str, *, domain: str) -> str:
    """Return the UID of an appointment whose chain of moves starts at row `first_id`."""
    return f"appointment-{first_id}@{domain}"


def event_ics(event: CalendarEvent, *, zone: ZoneInfo, stamp: datetime) -> bytes:
    """Return the iCalendar file (METHOD, VTIMEZONE, one VEVENT) for `event`, made at `stamp`."""
    start = event.start.astimezone(zone)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", start + timedelta(minutes=event.duration_min))
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.method == "CANCEL" else "CONFIRMED")
    if event.organizer:
        vevent.add("organizer", vCalAddress(f"mailto:{event.organizer}"))
    if event.attendee:
        vevent.add("attendee", vCalAddress(f"mailto:{event.attendee}"))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", event.method)
    calendar.add_component(vevent)
    # the zone's rules around the visit only: a file of a few lines rather than 68 years
    calendar.add_missing_timezones(
        first_date=(start - timedelta(days=366)).date(),
        last_date=(start + timedelta(days=366)).date(),
    )
    data: bytes = calendar.to_ical()
    return data
