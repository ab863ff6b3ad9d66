"""Move the confirmed appointment in one transaction: the only place a move is written."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Outcome, Update
from nodes import phrases
from nodes.email_ask import ask_after_write
from nodes.guard import expect
from nodes.offering import person_name
from nodes.writes import booking_of, claim, done, said_slot
from store.errors import AppointmentNotActive, AppointmentNotFound


def reschedule(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Take the new slot and release the old one together, or change nothing."""
    ctx = runtime.context
    pending = expect(state.task["pending"], "a move with nothing read back")
    user_id = expect(state.user_id, "a move for an unknown caller")
    what = booking_of(ctx, state, pending)
    try:
        result = claim(
            ctx,
            state,
            pending,
            what,
            lambda start: ctx.store.reschedule(
                user_id=user_id,
                appointment_id=pending["appointment_id"],
                new_start=start,
                idempotency_key=pending["key"],
                # what was booked and with whom, as read back: kept unless the caller changed it
                service=what.service_id,
                staff=what.staff,
                duration_min=what.service.duration_min,
                buffer_min=what.service.buffer_min,
            ),
        )
    except (AppointmentNotFound, AppointmentNotActive):
        old = say_slot(datetime.fromisoformat(pending["appointment_start"]), today=ctx.now().date())
        return done(state, None, phrases.no_appointment_then(old))
    if isinstance(result, dict):
        return result
    outcome: Outcome = {
        "kind": "rescheduled",
        "appointment_id": result.id,
        "from": pending["appointment_start"],
        "start": pending["slot"],
    }
    said = said_slot(ctx, pending)
    if who := person_name(ctx.calendar, what.staff):
        outcome["service"], outcome["staff"] = what.service.id, what.staff
        said = f"{said} with {who}"
    elif ctx.calendar.services:
        outcome["service"] = what.service.id
    return ask_after_write(ctx, state, done(state, outcome, phrases.moved(said)))
