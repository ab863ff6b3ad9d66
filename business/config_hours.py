"""Weekly hours as people write them: "mon-fri 09:00-16:00; sat 10:00-13:00", or per day.

The environment gives the whole week in one string (`parse_hours`); the business file gives
one entry per day or run of days (`parse_days` for the key, `parse_window` for the value).
Both read days and times alike, and `describe_hours` writes a week back the short way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OFF = frozenset({"closed", "off"})
"""What an hours entry may say for a day nobody works (leaving the day out means the same)."""

_RUN = re.compile(r"^([a-z]+)(?:\s*-\s*([a-z]+))?$")
_WINDOW = re.compile(r"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$")
_ENV_PART = re.compile(r"^\s*(\w{3}(?:-\w{3})?)\s+(\d{1,2}:\d{2}-\d{1,2}:\d{2})\s*$")

Window = tuple[time, time]


def _day(word: str) -> int:
    """Return the weekday (0 = Monday) of "mon" or "monday"."""
    if word in DAYS:
        return DAYS.index(word)
    return _FULL.index(word)  # ValueError for any other word


def parse_days(spec: str) -> list[int]:
    """Read "mon-fri", "sat" or "mon, wed, fri" into weekdays (0 = Monday)."""
    days: list[int] = []
    for part in (p.strip() for p in spec.lower().split(",")):
        match = _RUN.match(part)
        try:
            if match is None:
                raise ValueError
            first = _day(match[1])
            last = _day(match[2]) if match[2] else first
        except ValueError:
            raise ValueError(
                f"cannot read the days {spec!r}; write e.g. 'mon-fri', 'sat' or 'mon, wed'"
            ) from None
        if last < first:
            raise ValueError(f"days run Monday to Sunday: write {part!r} as two entries")
        days += range(first, last + 1)
    return days


def parse_window(spec: str) -> Window | None:
    """Read "09:00-17:00" into (open, close); "closed" or "off" is None."""
    text = spec.strip().lower()
    if text in OFF:
        return None
    match = _WINDOW.match(text)
    try:
        if match is None:
            raise ValueError
        opens, closes = (time.fromisoformat(t.zfill(5)) for t in (match[1], match[2]))
    except ValueError:
        raise ValueError(
            f"cannot read the hours {spec!r}; write e.g. '09:00-17:00' (24-hour clock) or 'closed'"
        ) from None
    if opens >= closes:
        raise ValueError(f"the opening time must come before the closing time in {spec!r}")
    return opens, closes


def parse_hours(spec: str) -> dict[int, Window]:
    """Parse "mon-fri 09:00-16:00; sat 10:00-13:00" into weekday → (open, close)."""
    hours: dict[int, Window] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        match = _ENV_PART.match(part.lower())
        if match is None:
            raise ValueError(
                f"cannot read opening hours {part!r}; write e.g. 'mon-fri 09:00-16:00'"
            )
        window = parse_window(match[2])
        for day in parse_days(match[1]):
            if window is not None:
                hours[day] = window
    return hours


def describe_hours(hours: Mapping[int, Window]) -> str:
    """Write a week as "mon-thu 08:00-17:00; fri 08:00-14:00" (days of equal hours joined)."""
    by_window: dict[Window, list[tuple[int, int]]] = {}
    for day in sorted(hours):
        runs = by_window.setdefault(hours[day], [])
        if runs and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return (
        "; ".join(
            ", ".join(DAYS[a] if a == b else f"{DAYS[a]}-{DAYS[b]}" for a, b in runs)
            + f" {window_text(window)}"
            for window, runs in by_window.items()
        )
        or "closed every day"
    )


def window_text(window: Window) -> str:
    """Write (open, close) as "09:00-17:00"."""
    return f"{window[0]:%H:%M}-{window[1]:%H:%M}"
