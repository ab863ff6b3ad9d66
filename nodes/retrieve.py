"""Read out the caller's upcoming appointments, then return to whatever was pending."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update
from nodes import phrases
from nodes.appointments import say_appointments, upcoming
from nodes.guard import expect

MID_FLOW = ("offer_slots", "ask_appointment", "confirm")


def retrieve(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """List the caller's appointments; mid-task, re-ask the pending question afterwards."""
    ctx = runtime.context
    mine = upcoming(ctx, expect(state.user_id, "a listing for an unknown caller"))
    if mine:
        said = phrases.your_appointments(
            say_appointments(mine, today=ctx.now().date(), word="and", cal=ctx.calendar), len(mine)
        )
    else:
        said = phrases.NO_APPOINTMENTS
    return said_then_back(state, said)


def said_then_back(state: CallState, said: str) -> Update:
    """Say `said`; mid-task, re-ask the pending question, else ask "anything else?"."""
    if state.stage in MID_FLOW:
        return {"speech": [said, phrases.back_to(state.question)]}
    return {
        "speech": [said, phrases.ANYTHING_ELSE],
        "stage": "ask_request",
        "question": phrases.ANYTHING_ELSE,
    }
