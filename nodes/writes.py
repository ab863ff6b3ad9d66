"""What the write nodes share: taking a slot safely, recording the result, clearing the task."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from business.calendar import Service
from business.slots import check_slot, people_for
from business.spoken import say_slot
from graph.context import CallContext
from graph.state import Booked, CallState, Outcome, Pending, Update, no_task
from nodes import phrases
from store.errors import SlotUnavailable
from store.models import Appointment

MAX_OUTCOMES = 20


def said_slot(ctx: CallContext, pending: Pending) -> str:
    """Say the pending slot as the caller heard it in the read-back."""
    return say_slot(datetime.fromisoformat(pending["slot"]), today=ctx.now().date())


@dataclass(frozen=True)
class Booking:
    """What a read-back books: which service, with whom, and what the store keeps of it."""

    service: Service
    staff: str
    service_id: str | None
    """The id stored with the appointment: None for the default of an unconfigured business."""


def booking_of(ctx: CallContext, state: CallState, pending: Pending) -> Booking:
    """Return the service and person of a pending booking or move.

    A move keeps the appointment's service and person unless the caller named others;
    the person is the one the slot was offered with (and read back).
    """
    cal, task = ctx.calendar, state.task
    target = task["target"] if pending["kind"] == "reschedule" else None
    old = target or Booked(id="", start="")
    wanted = pending.get("service") or task["wish"].get("service") or old.get("service")
    service = cal.service(wanted)
    staff = pending.get("staff") or old.get("staff")
    if staff is None or cal.person(staff) is None:
        asked = task["wish"].get("staff")
        staff = people_for(cal, service, asked)[0].id
    return Booking(service, staff, service.id if cal.services else None)


def claim(
    ctx: CallContext,
    state: CallState,
    pending: Pending,
    what: Booking,
    write: Callable[[datetime], Appointment],
) -> Appointment | Update:
    """Run a write that takes the pending slot for `what` (`booking_of`), or return the
    update for a slot lost meanwhile.

    The slot is checked against the calendar again (the caller may have dithered past the
    lead time) and the database refuses it if someone else took it since the offer.
    """
    start = datetime.fromisoformat(pending["slot"])
    check = check_slot(
        ctx.calendar, start, now=ctx.now(), service=what.service.id, staff=what.staff
    )
    if (reason := check) is not None:
        # not someone else's doing: the time went by while the caller thought it over
        why = phrases.SLOT_TOO_SOON if reason == "too_soon" else phrases.SLOT_GONE
        return slot_lost(state, why.format(slot=said_slot(ctx, pending)))
    try:
        return write(start)
    except SlotUnavailable:
        return slot_lost(state, phrases.SLOT_TAKEN.format(slot=said_slot(ctx, pending)))


def slot_lost(state: CallState, said: str) -> Update:
    """Tell the caller the slot is gone and why; the search node offers new ones next."""
    return {
        "speech": [said],
        "task": {**state.task, "pending": None},
        "notice": "slot_taken",
    }


def done(state: CallState, outcome: Outcome | None, said: str) -> Update:
    """Record a finished write (if any) and clear the task."""
    outcomes = state.outcomes if outcome is None else [*state.outcomes, outcome]
    return {
        "task": no_task(),
        "speech": [said, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "outcomes": outcomes[-MAX_OUTCOMES:],
        "notice": None,
        "wrote": outcome is not None,
        # "it" no longer means the appointment named at the greeting once one was written
        "about": None if outcome is not None else state.about,
    }


def over_limit(ctx: CallContext, user_id: str) -> Update | None:
    """Refuse a new booking to a caller who already holds the most upcoming appointments."""
    held = len(ctx.store.list_appointments(user_id, after=ctx.now()))
    if held < ctx.calendar.max_upcoming:
        return None
    return {
        "task": no_task(),
        "speech": [phrases.too_many(held), phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "notice": None,
    }
