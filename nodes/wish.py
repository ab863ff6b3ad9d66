"""The caller's slot wish: merged from resolved `When` frames, kept in state as ISO strings.

In state a wish is plain JSON (`graph.state.Wish`); to merge or search it is read as the
`SlotQuery` it stands for, the same type the understanding layer's `When` extends.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from business.calendar import BusinessCalendar
from business.slot_query import SlotQuery
from business.spoken import say_date, say_time
from graph.state import Wish
from graph.understanding import When
from nodes.offering import say_what


def merge_wish(wish: Wish, when: When) -> Wish:
    """Overlay what the caller just said on what they said before ("make it 4pm" keeps the day).

    A new day replaces the old day or range; a new exact time replaces bounds and part of
    day, and new bounds replace an exact time, so a correction never leaves a contradiction.
    A service or person said replaces the one before ("anyone" replaces a name).
    """
    query, other = to_query(wish), wish.get("other_day")
    if when.has_day:
        single = when.day is not None
        query = replace(
            query,
            day=when.day,
            day_from=None if single else when.day_from,
            day_to=None if single else (when.day_to or when.day_from),
        )
        other = when.other_day.isoformat() if single and when.other_day else None
    if when.at is not None or when.earliest or when.latest or when.part_of_day:
        query = replace(
            query,
            at=when.at,
            earliest=when.earliest,
            latest=when.latest,
            part_of_day=when.part_of_day,
        )
    if when.service is not None:
        query = replace(query, service=when.service)
    if when.staff is not None:
        query = replace(query, staff=when.staff)
    return as_wish(query, other_day=other)


def as_wish(query: SlotQuery, *, other_day: str | None = None) -> Wish:
    """Return the wish a query stands for, with only what was said."""
    wish = Wish()
    if query.day is not None:
        wish["day"] = query.day.isoformat()
    if query.day_from is not None:
        wish["day_from"] = query.day_from.isoformat()
    if query.day_to is not None:
        wish["day_to"] = query.day_to.isoformat()
    if query.at is not None:
        wish["at"] = query.at.isoformat(timespec="minutes")
    if query.earliest is not None:
        wish["earliest"] = query.earliest.isoformat(timespec="minutes")
    if query.latest is not None:
        wish["latest"] = query.latest.isoformat(timespec="minutes")
    if query.part_of_day is not None:
        wish["part_of_day"] = query.part_of_day
    if query.service is not None:
        wish["service"] = query.service
    if query.staff is not None:
        wish["staff"] = query.staff
    if other_day is not None:
        wish["other_day"] = other_day
    return wish


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def to_query(wish: Wish) -> SlotQuery:
    """Return the slot query for a wish."""
    return SlotQuery(
        day=_day(wish.get("day")),
        day_from=_day(wish.get("day_from")),
        day_to=_day(wish.get("day_to")),
        at=_time(wish.get("at")),
        earliest=_time(wish.get("earliest")),
        latest=_time(wish.get("latest")),
        part_of_day=wish.get("part_of_day"),
        service=wish.get("service"),
        staff=wish.get("staff"),
    )


def describe(wish: Wish, cal: BusinessCalendar | None = None) -> str:
    """Say a wish in a few words ("a haircut with Maria, Thursday, December 3rd, after 3 PM").

    The service and person are said only with the calendar that names them.
    """
    parts: list[str] = []
    if cal is not None and (what := say_what(cal, wish.get("service"), wish.get("staff"))):
        parts.append(what)
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
