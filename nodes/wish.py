"""The caller's slot wish: merged from resolved `When` frames, turned into a slot query."""

from __future__ import annotations

from datetime import date, time

from business.slots import SlotQuery
from business.spoken import say_date, say_time
from graph.state import Wish
from nodes.understanding.types import When

_DAY_KEYS = ("day", "day_from", "day_to", "other_day")
_TIME_KEYS = ("at", "earliest", "latest", "part_of_day")


def merge_wish(wish: Wish, when: When) -> Wish:
    """Overlay what the caller just said on what they said before ("make it 4pm" keeps the day).

    A new day replaces the old day or range; a new exact time replaces bounds and part of
    day, and new bounds replace an exact time, so a correction never leaves a contradiction.
    """
    merged = Wish(**wish)
    if when.day is not None or when.day_from is not None:
        for key in _DAY_KEYS:
            merged.pop(key, None)  # type: ignore[misc]  # TypedDict keys are all optional
        if when.day is not None:
            merged["day"] = when.day.isoformat()
            if when.other_day is not None:
                merged["other_day"] = when.other_day.isoformat()
        elif when.day_from is not None:
            merged["day_from"] = when.day_from.isoformat()
            merged["day_to"] = (when.day_to or when.day_from).isoformat()
    if when.at is not None or when.earliest or when.latest or when.part_of_day:
        for key in _TIME_KEYS:
            merged.pop(key, None)  # type: ignore[misc]  # TypedDict keys are all optional
        if when.at is not None:
            merged["at"] = when.at.isoformat(timespec="minutes")
        if when.earliest is not None:
            merged["earliest"] = when.earliest.isoformat(timespec="minutes")
        if when.latest is not None:
            merged["latest"] = when.latest.isoformat(timespec="minutes")
        if when.part_of_day is not None:
            merged["part_of_day"] = when.part_of_day
    return merged


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def to_query(wish: Wish) -> SlotQuery:
    """Return the slot query for a wish."""
    part = wish.get("part_of_day")
    return SlotQuery(
        day=_day(wish.get("day")),
        day_from=_day(wish.get("day_from")),
        day_to=_day(wish.get("day_to")),
        at=_time(wish.get("at")),
        earliest=_time(wish.get("earliest")),
        latest=_time(wish.get("latest")),
        part_of_day=part if part in ("morning", "afternoon", "evening") else None,  # type: ignore[arg-type]  # narrowed by the check
    )


def describe(wish: Wish) -> str:
    """Say a wish in a few words ("Thursday, December 3rd, afternoon, after 3 PM")."""
    parts: list[str] = []
    if day := _day(wish.get("day")):
        parts.append(say_date(day))
    elif start := _day(wish.get("day_from")):
        end = _day(wish.get("day_to")) or start
        parts.append(f"{say_date(start)} to {say_date(end)}")
    if at := _time(wish.get("at")):
        parts.append(f"at {say_time(at)}")
    if part := wish.get("part_of_day"):
        parts.append(part)
    if earliest := _time(wish.get("earliest")):
        parts.append(f"after {say_time(earliest)}")
    if latest := _time(wish.get("latest")):
        parts.append(f"before {say_time(latest)}")
    return ", ".join(parts)
