"""What the write nodes share: taking a slot safely, recording the result, clearing the task."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from business.slots import check_slot
from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Pending
from nodes import phrases
from store.errors import SlotUnavailable
from store.models import Appointment

CLEARED_TASK: dict[str, Any] = {
    "task": None,
    "wish": {},
    "offers": [],
    "offered": [],
    "target": None,
    "choices": [],
    "pending": None,
}
"""The state of a call with no task in progress (identification and name stay)."""

MAX_OUTCOMES = 20


def said_slot(ctx: CallContext, pending: Pending) -> str:
    """Say the pending slot as the caller heard it in the read-back."""
    return say_slot(datetime.fromisoformat(pending["slot"]), today=ctx.now().date())


def claim(
    ctx: CallContext, pending: Pending, write: Callable[[datetime], Appointment]
) -> Appointment | dict[str, Any]:
    """Run a write that takes the pending slot, or return the update for a slot lost meanwhile.

    The slot is checked against the calendar again (the caller may have dithered past the
    lead time) and the database refuses it if someone else took it since the offer.
    """
    start = datetime.fromisoformat(pending["slot"])
    if check_slot(ctx.calendar, start, now=ctx.now()) is not None:
        return slot_lost(said_slot(ctx, pending))
    try:
        return write(start)
    except SlotUnavailable:
        return slot_lost(said_slot(ctx, pending))


def slot_lost(said: str) -> dict[str, Any]:
    """Tell the caller the slot is gone; the search node offers new ones next."""
    return {
        "speech": [phrases.SLOT_TAKEN.format(slot=said)],
        "pending": None,
        "notice": "slot_taken",
    }


def done(state: CallState, outcome: dict[str, str] | None, said: str) -> dict[str, Any]:
    """Record a finished write (if any) and clear the task."""
    outcomes = state.outcomes if outcome is None else [*state.outcomes, outcome]
    return {
        **CLEARED_TASK,
        "speech": [said, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "outcomes": outcomes[-MAX_OUTCOMES:],
        "notice": None,
        "wrote": outcome is not None,
    }


def over_limit(ctx: CallContext, user_id: str) -> dict[str, Any] | None:
    """Refuse a new booking to a caller who already holds the most upcoming appointments."""
    held = len(ctx.store.list_appointments(user_id, after=ctx.now()))
    if held < ctx.calendar.max_upcoming:
        return None
    return {
        **CLEARED_TASK,
        "speech": [phrases.too_many(held), phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
        "notice": None,
    }
