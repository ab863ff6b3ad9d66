"""Read a write back in absolute terms and wait for a yes; nothing is written here."""

from __future__ import annotations

from datetime import date, datetime

from langgraph.runtime import Runtime

from business.spoken import say_slot
from graph.context import CallContext
from graph.state import CallState, Pending, Update
from nodes import phrases
from nodes.guard import expect
from nodes.offering import person_name, say_what, what_when
from nodes.writes import booking_of


def confirm(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Give the pending write its idempotency key and read it back: what, with whom, when.

    A read-back said again (the caller's yes came after something else) keeps its key, so
    a write that went through unseen before is found, not made twice.
    """
    ctx = runtime.context
    today = ctx.now().date()
    pending = Pending(**expect(state.task["pending"], "a read-back with nothing to read"))
    kind = pending["kind"]
    # One key per read-back: a replayed or retried "yes" re-sends the same write.
    pending.setdefault("key", f"{state.call_id}:{state.turn}:{kind}")
    if kind == "cancel":
        question = phrases.confirm_cancel(_say(pending["appointment_start"], today))
    elif kind == "reschedule":
        target = expect(state.task["target"], "a move with no appointment picked")
        pending["appointment_id"] = target["id"]
        pending["appointment_start"] = target["start"]
        # the person is said with the new time, so the caller hears who before the yes
        what = booking_of(ctx, state, pending)
        pending["staff"] = what.staff
        new = _say(pending["slot"], today)
        if who := person_name(ctx.calendar, what.staff):
            new = f"{new} with {who}"
        question = phrases.confirm_move(_say(target["start"], today), new)
    else:
        what = booking_of(ctx, state, pending)
        pending["staff"] = what.staff
        slot = _say(pending["slot"], today)
        if described := say_what(ctx.calendar, what.service_id, what.staff, length=True):
            slot = what_when(described, slot)
        question = phrases.confirm_book(slot)
    pending["said"] = question
    return {
        "task": {**state.task, "pending": pending},
        "speech": [question],
        "stage": "confirm",
        "question": question,
    }


def _say(iso: str, today: date) -> str:
    return say_slot(datetime.fromisoformat(iso), today=today)
