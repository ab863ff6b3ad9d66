"""The confirm node: a read-back in absolute terms, with one idempotency key per read-back."""

from __future__ import annotations

from langgraph.runtime import Runtime

from graph.context import CallContext
from graph.state import CallState, Pending
from nodes.confirm import confirm
from tests.states import task

MONDAY_10 = "2026-11-30T10:00:00-08:00"


def test_read_back_says_the_absolute_date_and_sets_a_stable_key(
    sam: CallState, runtime: Runtime[CallContext]
) -> None:
    """The read-back names weekday, date and time; the same turn always gets the same key."""
    sam.task = task("book", pending=Pending(kind="book", slot=MONDAY_10))
    update = confirm(sam, runtime=runtime)
    assert update.get("speech") == ["Just to confirm: book you for Monday, November 30th at 10 AM?"]
    first, again = update.get("task"), confirm(sam, runtime=runtime).get("task")
    assert first and again and first["pending"] and again["pending"]
    assert first["pending"]["key"] == again["pending"]["key"]
    assert update.get("stage") == "confirm"


def test_a_move_is_read_back_with_both_times(sam: CallState, runtime: Runtime[CallContext]) -> None:
    """Moving names the appointment's old time and the new one, and which appointment moves."""
    old = {"id": "a1", "start": "2026-11-27T09:00:00-08:00"}
    sam.task = task(
        "reschedule",
        target={"id": old["id"], "start": old["start"]},
        pending=Pending(kind="reschedule", slot=MONDAY_10),
    )
    update = confirm(sam, runtime=runtime)
    question = " ".join(update.get("speech") or [])
    assert (
        "Friday, November 27th at 9 AM" in question and "Monday, November 30th at 10 AM" in question
    )
    pending = (update.get("task") or task())["pending"]
    assert pending and pending["appointment_id"] == "a1" and pending["said"] == question
