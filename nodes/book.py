"""Book the confirmed slot: the only place a booking is written."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Outcome, Update
from nodes import phrases
from nodes.email_ask import ask_after_write
from nodes.guard import expect
from nodes.offering import say_what, what_when
from nodes.writes import booking_of, claim, done, said_slot


def book(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Write the booking once; a slot lost since the offer leads to new options."""
    ctx = runtime.context
    pending = expect(state.task["pending"], "a booking with nothing read back")
    user_id = expect(state.user_id, "a booking for an unknown caller")
    what = booking_of(ctx, state, pending)
    result = claim(
        ctx,
        state,
        pending,
        what,
        lambda start: ctx.store.book(
            user_id=user_id,
            start=start,
            duration_min=what.service.duration_min,
            buffer_min=what.service.buffer_min,
            service=what.service_id,
            staff=what.staff,
            notes=state.reason,
            idempotency_key=pending["key"],
        ),
    )
    if isinstance(result, dict):
        return result
    outcome = Outcome(kind="booked", appointment_id=result.id, start=pending["slot"])
    said = said_slot(ctx, pending)
    if described := say_what(ctx.calendar, what.service_id, what.staff):
        outcome["service"], outcome["staff"] = what.service.id, what.staff
        said = what_when(described, said)
    return ask_after_write(ctx, state, done(state, outcome, phrases.booked(said)))
