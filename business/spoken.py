"""How dates and times are said aloud: short, natural, always with the absolute date.

Relative words ("today", "tomorrow") are only ever added in front of the weekday and date, so
a caller who misheard "tomorrow" still hears which day is meant. Datetimes are spoken in their
own wall time; callers pass business-timezone values and nothing here converts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta


def say_time(t: time | datetime) -> str:
    """Say a wall time the way a receptionist would: "9 AM", "2:30 PM", "noon"."""
    if isinstance(t, datetime):
        t = t.time()
    if (t.hour, t.minute) == (12, 0):
        return "noon"
    if (t.hour, t.minute) == (0, 0):
        return "midnight"
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def say_date(d: date | datetime, *, today: date | None = None) -> str:
    """Say a date as "Thursday, December 3rd", prefixed "today, "/"tomorrow, " when it is."""
    if isinstance(d, datetime):
        d = d.date()
    text = f"{d:%A}, {d:%B} {ordinal(d.day)}"
    if today is None:
        return text
    # The year is noise unless the date falls in another year than the call.
    if d.year != today.year:
        text = f"{text}, {d.year}"
    if d == today:
        return f"today, {text}"
    if d == today + timedelta(days=1):
        return f"tomorrow, {text}"
    return text


def say_slot(dt: datetime, *, today: date | None = None) -> str:
    """Say one appointment start: "Thursday, December 3rd at 2:30 PM"."""
    return f"{say_date(dt, today=today)} at {say_time(dt)}"


def say_options(items: Sequence[str], *, word: str = "or") -> str:
    """Join spoken options: "A", "A or B", "A, B, or C"; "and" for a list; "" for none."""
    if len(items) <= 2:
        return f" {word} ".join(items)
    return f"{', '.join(items[:-1])}, {word} {items[-1]}"


def say_slots(slots: Sequence[datetime], *, today: date | None = None) -> str:
    """Say offered slots, naming each day once: "Thursday, December 3rd at 9 AM or 2 PM"."""
    if not slots:
        return ""
    by_day: dict[date, list[datetime]] = {}
    for slot in slots:
        by_day.setdefault(slot.date(), []).append(slot)
    if len(by_day) == 1:
        ((day, times),) = by_day.items()
        return f"{say_date(day, today=today)} at {say_options([say_time(t) for t in times])}"
    # Each date already holds a comma, so day groups always take ", or" to stay distinct, and
    # times within a group take a plain "or".
    groups = [
        f"{say_date(day, today=today)} at {' or '.join(say_time(t) for t in times)}"
        for day, times in by_day.items()
    ]
    return f"{', '.join(groups[:-1])}, or {groups[-1]}"


def ordinal(n: int) -> str:
    """Return the spoken ordinal of a day of the month: 1st, 2nd, 3rd, 11th, 22nd."""
    if 11 <= n % 100 <= 13:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
