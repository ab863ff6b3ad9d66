"""Read the caller's own appointments, in the business timezone, for listing and picking."""

from __future__ import annotations

from datetime import date, datetime

from business.calendar import BusinessCalendar
from business.spoken import say_options, say_slot
from graph.context import CallContext
from graph.state import Booked
from nodes.offering import say_what, what_when


def upcoming(ctx: CallContext, user_id: str) -> list[Booked]:
    """Return the caller's booked appointments from now on, soonest first."""
    tz = ctx.calendar.tz
    return [
        Booked(id=a.id, start=a.start.astimezone(tz).isoformat(), service=a.service, staff=a.staff)
        for a in ctx.store.list_appointments(user_id, after=ctx.now())
    ]


def on_day(items: list[Booked], day: date) -> list[Booked]:
    """Return the appointments on a day; failing that, on the same weekday.

    "Cancel the Wednesday one" resolves to the coming Wednesday, but the caller means
    their appointment that falls on a Wednesday, whichever week it is in.
    """
    exact = [i for i in items if i["start"][:10] == day.isoformat()]
    if exact:
        return exact
    return [i for i in items if datetime.fromisoformat(i["start"]).weekday() == day.weekday()]


MAX_SAID = 3
"""Appointments said in one reply; a caller with more hears the first ones and a count."""


def say_appointments(
    items: list[Booked], *, today: date, word: str = "or", cal: BusinessCalendar | None = None
) -> str:
    """Say appointments as choices ("A or B") or, with word="and", as a list ("A and B").

    With the calendar, each says what and with whom ("a haircut with Maria on Thursday...").
    Past MAX_SAID the rest is counted ("and 2 more") or, as choices, left to the caller's
    words ("or a later one"), so a reply stays short enough to say.
    """
    said = [_say_one(i, today, cal) for i in items[:MAX_SAID]]
    if len(items) > MAX_SAID:
        said.append(f"{len(items) - MAX_SAID} more" if word == "and" else "a later one")
    return say_options(said, word=word)


def _say_one(item: Booked, today: date, cal: BusinessCalendar | None) -> str:
    when = say_slot(datetime.fromisoformat(item["start"]), today=today)
    what = say_what(cal, item.get("service"), item.get("staff")) if cal is not None else ""
    return what_when(what, when)
