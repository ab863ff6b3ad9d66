"""Pick which of the caller's appointments to cancel or move."""

from __future__ import annotations

from datetime import date
from typing import Any

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending
from nodes import phrases
from nodes.appointments import on_day, say_appointments, upcoming
from nodes.guard import expect
from nodes.wish import describe

MAX_CHOICES = 12
"""The caller's appointments kept for a pick by position or day (state stays bounded)."""


def select(state: CallState, *, runtime: Runtime[CallContext]) -> dict[str, Any]:
    """Use the picked appointment, the only one, or the one on the named day; else ask which."""
    ctx = runtime.context
    user_id = expect(state.user_id, "a pick for an unknown caller")
    today = ctx.now().date()
    target = state.target
    if target is None:
        mine = upcoming(ctx, user_id)
        # For a cancel the day said names the appointment; for a move it is the new time.
        day = state.wish.get("day") if state.task == "cancel" else None
        if day:
            mine = on_day(mine, date.fromisoformat(day))
        if not mine:
            said = (
                phrases.no_appointment_then(describe(state.wish))
                if day
                else phrases.NO_APPOINTMENTS
            )
            return {
                "speech": [said, phrases.ANYTHING_ELSE],
                "stage": "ask_request",
                "question": phrases.ANYTHING_ELSE,
                "task": None,
                "wish": {},
            }
        if len(mine) > 1:
            question = phrases.which_appointment(say_appointments(mine, today=today))
            return {
                "speech": [question],
                "stage": "ask_appointment",
                "choices": mine[:MAX_CHOICES],
                "question": question,
            }
        target = mine[0]
    update: dict[str, Any] = {"target": target, "choices": []}
    if state.task == "cancel":
        return {
            **update,
            "pending": Pending(
                kind="cancel", appointment_id=target["id"], appointment_start=target["start"]
            ),
        }
    if state.wish:
        return update  # the router goes on to search for the new time
    return {
        **update,
        "speech": [phrases.ASK_MOVE_WHEN],
        "stage": "ask_request",
        "question": phrases.ASK_MOVE_WHEN,
    }
