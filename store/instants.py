"""How the stores spell an instant: aware datetimes in, aware UTC out, one text per slot.

SQLite stores instants as UTC ISO text (which sorts as time does) and PostgREST takes and
gives them as ISO text; Postgres takes aware datetimes as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal


def aware(moment: datetime) -> datetime:
    """Return an aware datetime unchanged; reject a naive one (its instant is unknown)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: the store needs timezone-aware datetimes")
    return moment


def utc(moment: datetime, timespec: Literal["auto", "seconds"] = "auto") -> str:
    """Return an aware datetime as UTC ISO text; reject a naive one."""
    return aware(moment).astimezone(UTC).isoformat(timespec=timespec)


def slot(moment: datetime) -> str:
    """Return the canonical text of a start instant, the value the unique index compares."""
    # Sub-second parts are dropped so one instant has exactly one spelling (the write
    # functions of the Postgres migrations truncate to the second as well).
    return utc(moment, "seconds")


def parse(text: str) -> datetime:
    """Parse UTC ISO text (as stored, or as PostgREST renders a timestamptz) into aware UTC."""
    return datetime.fromisoformat(text).astimezone(UTC)
