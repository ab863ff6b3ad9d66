"""Move the confirmed appointment in one transaction: the only place a move is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from business.slots import check_slot
from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState
from nodes import phrases
from nodes.book import slot_lost
from nodes.writes import done
from store.errors import (
    AppointmentNotActive,
    AppointmentNotFound,
    SlotUnavailable,
)


def reschedule(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Take the new slot and release the old one together, or change nothing."""
    ctx = runtime.context
    assert state.pending is not None and state.user_id is not None
    start = datetime.fromisoformat(state.pending["slot"])
    said = say_slot(start, today=ctx.now().date())
    if check_slot(ctx.calendar, start, now=ctx.now()) is not None:
        return slot_lost(said)
    try:
        appointment = ctx.store.reschedule(
            user_id=state.user_id,
            appointment_id=state.pending["appointment_id"],
            new_start=start,
            idempotency_key=state.pending["key"],
        )
    except SlotUnavailable:
        return slot_lost(said)
    except (AppointmentNotFound, AppointmentNotActive):
        old = say_slot(datetime.fromisoformat(state.pending["appointment_start"]))
        return done(state, {"kind": "noop"}, phrases.no_appointment_then(old)) | {
            "outcomes": state.outcomes
        }
    outcome = {
        "kind": "rescheduled",
        "appointment_id": appointment.id,
        "from": state.pending["appointment_start"],
        "start": start.isoformat(),
    }
    return done(state, outcome, phrases.moved(said))
