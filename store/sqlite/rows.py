"""Row mapping for the SQLite store: stored text ↔ domain values, and driver-error translation.

Every datetime the store writes is spelled by `store.instants` (`utc`, `slot`), which is what
makes text comparison in SQL (and the overlap triggers on `start_at` and `blocked_until`)
agree with instant comparison.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from store.errors import StoreUnavailable
from store.instants import aware, parse, slot
from store.models import Appointment, TranscriptLine, User

APPT = (
    "SELECT id, user_id, start_at, duration_min, status, notes, rescheduled_from, service,"
    " staff, buffer_min FROM appointments"
)


def user(row: sqlite3.Row) -> User:
    """Build a User from a users row."""
    return User(
        row["id"], row["contact_number"], row["name"], parse(row["created_at"]), row["email"]
    )


def appointment(row: sqlite3.Row) -> Appointment:
    """Build an Appointment from a row selected with `APPT`."""
    return Appointment(
        id=row["id"],
        user_id=row["user_id"],
        start=parse(row["start_at"]),
        duration_min=row["duration_min"],
        status=row["status"],
        notes=row["notes"],
        rescheduled_from=row["rescheduled_from"],
        service=row["service"],
        staff=row["staff"],
        buffer_min=row["buffer_min"],
    )


def span(start: datetime, duration_min: int, buffer_min: int) -> dict[str, str]:
    """Return the UTC columns of a booking: its start, its end, and the end of its buffer."""
    # Minutes are added in UTC: added to a local time they would be wall-clock minutes,
    # an hour off across a DST change.
    end = aware(start).astimezone(UTC) + timedelta(minutes=duration_min)
    return {
        "start_at": slot(start),
        "end_at": slot(end),
        "blocked_until": slot(end + timedelta(minutes=buffer_min)),
    }


def local(start: datetime, duration_min: int, zone: ZoneInfo) -> dict[str, str]:
    """Return the original schema's columns of a booking: its date, time and span, local."""
    at = aware(start).astimezone(UTC)
    begins, ends = at.astimezone(zone), (at + timedelta(minutes=duration_min)).astimezone(zone)
    return {
        "date": f"{begins:%Y-%m-%d}",
        "time": f"{begins:%H:%M}",
        "slot": f"{begins:%H:%M}-{ends:%H:%M}",
    }


def line(row: sqlite3.Row) -> TranscriptLine:
    """Build a TranscriptLine from a conversation_turns row."""
    return TranscriptLine(
        row["idx"], row["role"], row["text"], parse(row["at"]), bool(row["interrupted"])
    )


@contextmanager
def translated() -> Iterator[None]:
    """Turn driver errors into domain errors so callers never see sqlite3."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        # Constraints the methods do not map themselves mean the caller passed a bad
        # reference (unknown user or conversation): a programming error, not an outage.
        raise ValueError(f"rejected by the database: {exc}") from exc
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"sqlite store unavailable ({type(exc).__name__}: {exc})") from exc
