"""Row mapping for the SQLite store: stored text ↔ domain values, and driver-error translation.

Kept apart from `SqliteStore` so the class holds only transactions and queries; every
spelling of a datetime in the database goes through `utc`/`slot` here, which is what makes
text comparison in SQL (and the unique index on `start_at`) agree with instant comparison.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal

from store.errors import StoreUnavailable
from store.models import Appointment, TranscriptLine, User

APPT = (
    "SELECT id, user_id, start_at, duration_min, status, notes, rescheduled_from FROM appointments"
)
TURNS = "SELECT * FROM conversation_turns WHERE conversation_id = ? ORDER BY idx"


def utc(moment: datetime, timespec: Literal["auto", "seconds"] = "auto") -> str:
    """Return an aware datetime as UTC ISO text; reject a naive one."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the store needs timezone-aware datetimes")
    return moment.astimezone(UTC).isoformat(timespec=timespec)


def slot(moment: datetime) -> str:
    """Return the canonical text of a start instant, the value the unique index compares."""
    # Sub-second parts are dropped so one instant has exactly one spelling in the index.
    return utc(moment, "seconds")


def dt(text: str) -> datetime:
    """Parse stored UTC ISO text into an aware UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def user(row: sqlite3.Row) -> User:
    """Build a User from a users row."""
    return User(row["id"], row["phone_number"], row["name"], dt(row["created_at"]))


def appointment(row: sqlite3.Row) -> Appointment:
    """Build an Appointment from a row selected with `APPT`."""
    return Appointment(
        id=row["id"],
        user_id=row["user_id"],
        start=dt(row["start_at"]),
        duration_min=row["duration_min"],
        status=row["status"],
        notes=row["notes"],
        rescheduled_from=row["rescheduled_from"],
    )


def line(row: sqlite3.Row) -> TranscriptLine:
    """Build a TranscriptLine from a conversation_turns row."""
    return TranscriptLine(
        row["idx"], row["role"], row["text"], dt(row["at"]), bool(row["interrupted"])
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
