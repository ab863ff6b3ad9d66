"""Book the confirmed slot: the only place a booking is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from business.slots import check_slot
from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.writes import done
from store.errors import SlotUnavailable


def book(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Write the booking once; a slot lost since the offer leads to new options."""
    ctx = runtime.context
    assert state.pending is not None and state.user_id is not None
    start = datetime.fromisoformat(state.pending["slot"])
    said = say_slot(start, today=ctx.now().date())
    if check_slot(ctx.calendar, start, now=ctx.now()) is not None:
        return slot_lost(said)
    try:
        appointment = ctx.store.book(
            user_id=state.user_id,
            start=start,
            duration_min=ctx.calendar.slot_minutes,
            idempotency_key=state.pending["key"],
        )
    except SlotUnavailable:
        return slot_lost(said)
    outcome = {"kind": "booked", "appointment_id": appointment.id, "start": start.isoformat()}
    return done(state, outcome, phrases.booked(said))


def slot_lost(said: str) -> dict[str, Any]:
    """Tell the caller the slot is gone; the search node offers new ones next."""
    return {
        "speech": [phrases.SLOT_TAKEN.format(slot=said)],
        "pending": None,
        "notice": "slot_taken",
    }
