"""Confirm an appointment the caller names ("confirm my appointment on Friday at 10").

Callers say "confirm" both of an appointment they have and of one they want: if they have
one then it is read out, otherwise it is a booking request for that day and time.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Update, Wish
from nodes import phrases
from nodes.appointments import say_appointments, upcoming
from nodes.guard import expect
from nodes.retrieve import said_then_back


def check(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Read out the caller's appointment then; with none, search to book that day and time."""
    ctx = runtime.context
    user_id = expect(state.user_id, "a check for an unknown caller")
    day = expect(state.named.get("day"), "a check with no day named")
    at = state.named.get("at")
    wish = Wish(day=day, at=at) if at else Wish(day=day)
    mine = [
        a
        for a in upcoming(ctx, user_id)
        if a["start"][:10] == day and (at is None or a["start"][11:16] == at)
    ]
    if not mine:
        # act "search": the router goes on to find that slot, as for "book Friday at 10"
        return {
            "act": "search",
            "task": {
                **state.task,
                "kind": "book",
                "wish": wish,
                "target": None,
                "already_offered": [],
                "pending": None,
            },
            "speech": [phrases.NOT_BOOKED_THEN],
        }
    said = phrases.booked_then(
        say_appointments(mine, today=ctx.now().date(), word="and", cal=ctx.calendar)
    )
    return said_then_back(state, said)
