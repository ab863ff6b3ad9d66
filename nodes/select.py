"""Pick which of the caller's appointments to cancel or move."""

from __future__ import annotations

from datetime import date

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending, Update, no_task
from nodes import phrases
from nodes.appointments import on_day, say_appointments, upcoming
from nodes.dialogue_stages import same_time
from nodes.guard import expect
from nodes.wish import describe

MAX_CHOICES = 12
"""The caller's appointments kept for a pick by position or day (state stays bounded)."""


def select(state: CallState, *, runtime: Runtime[CallContext]) -> Update:
    """Use the picked appointment, the only one, or the one on the named day; else ask which."""
    ctx = runtime.context
    user_id = expect(state.user_id, "a pick for an unknown caller")
    today = ctx.now().date()
    task = state.task
    target = task["target"]
    if target is None:
        mine = upcoming(ctx, user_id)
        # For a cancel the day said names the appointment; for a move it is the new time.
        day = task["wish"].get("day") if task["kind"] == "cancel" else None
        if day:
            mine = on_day(mine, date.fromisoformat(day))
            if at := task["wish"].get("at"):  # "cancel my appointment tomorrow at 11"
                mine = [m for m in mine if same_time(m["start"], at)] or mine
        if not mine:
            said = (
                phrases.no_appointment_then(describe(task["wish"]))
                if day
                else phrases.NO_APPOINTMENTS
            )
            return {
                "speech": [said, phrases.ANYTHING_ELSE],
                "stage": "ask_request",
                "question": phrases.ANYTHING_ELSE,
                "task": no_task(),
            }
        if len(mine) > 1:
            question = phrases.which_appointment(
                say_appointments(mine, today=today, cal=ctx.calendar)
            )
            return {
                "speech": [question],
                "stage": "ask_appointment",
                "task": {**task, "choices": mine[:MAX_CHOICES]},
                "question": question,
            }
        target = mine[0]
    task = {**task, "target": target, "choices": []}
    if task["kind"] == "cancel":
        pending = Pending(
            kind="cancel", appointment_id=target["id"], appointment_start=target["start"]
        )
        return {"task": {**task, "pending": pending}}
    if task["wish"]:
        return {"task": task}  # the router goes on to search for the new time
    return {
        "task": task,
        "speech": [phrases.ASK_MOVE_WHEN],
        "stage": "ask_request",
        "question": phrases.ASK_MOVE_WHEN,
    }
