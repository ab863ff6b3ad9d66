"""Cancel the confirmed appointment: the only place a cancellation is written."""

from __future__ import annotations

from datetime import datetime

from langgraph.runtime import Runtime

from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Outcome, Update
from nodes import phrases
from nodes.email_ask import ask_after_write
from nodes.guard import expect
from nodes.writes import done
from store.errors import AppointmentNotActive, AppointmentNotFound


def cancel(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Cancel one of the caller's own appointments."""
    ctx = runtime.context
    pending = expect(state.task["pending"], "a cancellation with nothing read back")
    user_id = expect(state.user_id, "a cancellation for an unknown caller")
    start = datetime.fromisoformat(pending["appointment_start"])
    said = say_slot(start, today=ctx.now().date())
    try:
        appointment = ctx.store.cancel(
            user_id=user_id,
            appointment_id=pending["appointment_id"],
            idempotency_key=pending["key"],
        )
    except (AppointmentNotFound, AppointmentNotActive):
        return done(state, None, phrases.no_appointment_then(said))
    outcome = Outcome(kind="cancelled", appointment_id=appointment.id, start=start.isoformat())
    return ask_after_write(ctx, state, done(state, outcome, phrases.cancelled(said)))
