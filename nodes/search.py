"""Slot search: find up to three free slots for the caller's wish, or the nearest ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from langgraph.runtime import Runtime

from business.calendar import MAIN, BusinessCalendar
from business.slot_query import Reason, SlotQuery
from business.slots import find_slots, last_day
from business.spoken import say_date
from graph.context import CallContext
from graph.state import CallState, DayDoubt, Pending, Task, TaskKind, Update, Wish, no_task
from nodes import phrases
from nodes.offering import person_name, say_duration, say_offers, service_words
from nodes.wish import describe, to_query
from nodes.writes import over_limit

MAX_OFFERS = 3
MAX_REMEMBERED = 12
"""Offered slots remembered for "anything else?"; bounded so state stays small."""
MAX_PREFERENCES = 10


def search(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Offer free slots that meet the wish; an exact free match goes straight to read-back."""
    ctx = runtime.context
    task = state.task
    # the limit is checked before anything is offered, never at the write: a write retried
    # after a crash must find its booking and confirm it, not count it against the caller
    if task["kind"] == "book" and state.user_id is not None:
        refused = over_limit(ctx, state.user_id)
        if refused is not None:
            return {**refused, "preferences": _remember(state, ctx)}
    now = ctx.now()
    more = state.act == "more"
    # "anything else?" at a read-back moves on from the slot read back as well
    read_back = task["pending"].get("slot") if task["pending"] else None
    seen = [*task["already_offered"], read_back] if read_back and more else task["already_offered"]
    exclude = [datetime.fromisoformat(s) for s in seen] if more else []
    query, ignore = _for_task(task)
    found = find_slots(
        ctx.calendar,
        query,
        now=now,
        busy=ctx.store.busy,
        limit=MAX_OFFERS,
        exclude=exclude,
        ignore=ignore,
    )
    task = {**task, "pending": None}
    update: Update = {"task": task, "preferences": _remember(state, ctx)}
    if not found.matched and not more and (other := _other_reading(state, ctx, now)):
        return {**update, **other}
    wished = describe(task["wish"], ctx.calendar)
    if not found.slots:
        if more:
            said = [phrases.NO_MORE, phrases.ASK_WHEN]
        elif wished:
            said = [phrases.NOTHING_FREE.format(wish=f"for {wished}"), phrases.ASK_WHEN]
        else:  # nothing at all within the horizon: no other time to ask for
            return {
                **update,
                "task": no_task(),
                "speech": [phrases.NOTHING_AT_ALL, phrases.ANYTHING_ELSE],
                "stage": "ask_request",
                "question": phrases.ANYTHING_ELSE,
            }
        return {
            **update,
            "speech": said,
            "stage": "ask_request",
            "task": {**task, "offers": []},
            "question": phrases.ASK_WHEN,
        }
    slots = [s.isoformat() for s in found.slots]
    staffed = dict(zip(slots, found.staff, strict=True))
    day = task["wish"].get("day")
    # Only a day the caller said is read back at once; a time alone is offered with its day
    # ("I have today at 3 PM, ..."), so no day is ever assumed in a read-back.
    if found.matched and day and _is_wished(found.slots[0], task["wish"].get("at", ""), day):
        kind: TaskKind = "reschedule" if task["kind"] == "reschedule" else "book"
        pending = Pending(kind=kind, slot=slots[0], staff=found.staff[0])
        if ctx.calendar.services:
            pending["service"] = ctx.calendar.service(query.service).id
        return {**update, "task": {**task, "pending": pending, "staffed": staffed}}
    said = [] if found.matched else _why_not(found.reason, query, ctx.calendar, now)
    offers = say_offers(ctx.calendar, found.offers(), today=now.date())
    said += [phrases.offer(offers, matched=found.matched), phrases.WHICH_SLOT]
    return {
        **update,
        "speech": said,
        "stage": "offer_slots",
        "task": {
            **task,
            "offers": slots,
            "staffed": staffed,
            "already_offered": ([*seen, *slots] if more else slots)[-MAX_REMEMBERED:],
        },
        "question": " ".join(said[-2:]),
    }


def _for_task(task: Task) -> tuple[SlotQuery, list[tuple[str, datetime]]]:
    """Return the search for the task's wish, and the booking it may overlap (its own).

    A move keeps the appointment's service and person unless the caller named others, and
    its old time does not stand in its own way.
    """
    query = to_query(task["wish"])
    target = task["target"] if task["kind"] == "reschedule" else None
    if target is None:
        return query, []
    service = query.service or target.get("service")
    staff = query.staff or target.get("staff")
    ignore = [(target.get("staff") or MAIN, datetime.fromisoformat(target["start"]))]
    return replace(query, service=service, staff=staff), ignore


def _other_reading(state: CallState, ctx: CallContext, now: datetime) -> Update | None:
    """Ask "did you mean Friday the 11th?" when only the other reading of the day is free.

    "next Friday" said early in a week is this week's Friday by our convention and next
    week's to many callers. That only matters when the calendar has nothing for the first
    and something for the second: then the caller is asked, never moved silently.
    """
    wish = state.task["wish"]
    other = wish.get("other_day")
    if not other or not wish.get("day"):
        return None
    rest = Wish(**wish)
    rest.pop("day", None)
    rest.pop("other_day", None)
    alt_wish = Wish(**rest)
    alt_wish["day"] = other
    alt = find_slots(
        ctx.calendar,
        to_query(alt_wish),
        now=now,
        busy=ctx.store.busy,
        limit=1,
    )
    if not alt.matched:
        return None
    first, second = date.fromisoformat(wish["day"]), date.fromisoformat(other)
    today = now.date()
    question = phrases.other_reading(say_date(first, today=today), say_date(second, today=today))
    return {
        "speech": [question],
        "stage": "ask_request",
        "question": question,
        "task": {**state.task, "pending": None, "offers": [], "wish": rest},
        "doubt": DayDoubt(phrase=f"next {first:%A}".lower(), guess=other),
    }


def _why_not(
    reason: Reason | None, query: SlotQuery, cal: BusinessCalendar, now: datetime
) -> list[str]:
    """Say why the wish itself cannot be had, before the nearest alternatives."""
    who = person_name(cal, query.staff)
    if reason == "beyond_horizon":
        return [phrases.too_far(say_date(last_day(cal, now), today=now.date()))]
    if reason == "off_grid":
        return [phrases.off_grid(cal.slot_minutes)]
    if reason == "too_long":
        service = cal.service(query.service)
        what = service_words(cal, query.service) or "an appointment"
        return [phrases.too_long(what, say_duration(service.duration_min))]
    if reason == "staff_cannot" and who:
        return [phrases.cannot_do(who, service_words(cal, query.service) or "that")]
    if reason in ("taken", "full", "staff_off") and who:
        return [phrases.person_busy(who, off=reason == "staff_off")]
    return [phrases.REASONS[reason]] if reason in phrases.REASONS else []


def _is_wished(slot: datetime, at: str, day: str) -> bool:
    """Return True when the found slot is exactly the wished day and time."""
    return slot.strftime("%H:%M") == at and slot.date().isoformat() == day


def _remember(state: CallState, ctx: CallContext) -> list[str]:
    """Add the wish, in words, to the preferences mentioned in this call."""
    wished = describe(state.task["wish"], ctx.calendar)
    if not wished or wished in state.preferences:
        return state.preferences
    return [*state.preferences, wished][-MAX_PREFERENCES:]
